//! Parsers for what people type: dates, times, durations, money, scores. Shared by the
//! command line, CSV import and the board's forms, so every door gives the same message.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};

/// Years a typed date may have: four digits, so `20.11.26` is not taken for the year 26.
const YEARS: std::ops::RangeInclusive<i32> = 1000..=9999;

/// A date: `today`, `yesterday` (also `сегодня`, `вчера`), `2026-11-20` or `20.11.2026`.
pub fn parse_date(s: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let t = s.trim();
    match t.to_lowercase().as_str() {
        "" => return Err("a date is required (today, yesterday, 2026-11-20 or 20.11.2026)".into()),
        "today" | "сегодня" => return Ok(today),
        "yesterday" | "вчера" => return Ok(today - Duration::days(1)),
        _ => {}
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d.%m.%Y"))
        .ok()
        .filter(|d| YEARS.contains(&d.year()))
        .ok_or_else(|| format!("'{t}' is not a date (today, yesterday, 2026-11-20 or 20.11.2026)"))
}

/// A time of day: `14:30` or `9:05`.
pub fn parse_time(s: &str) -> Result<NaiveTime, String> {
    let t = s.trim();
    NaiveTime::parse_from_str(t, "%H:%M")
        .map_err(|_| format!("'{t}' is not a time of day (like 14:30)"))
}

/// A month: `2026-11` or `11.2026`; returns its first day.
pub fn parse_month(s: &str) -> Result<NaiveDate, String> {
    let t = s.trim();
    NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&format!("01.{t}"), "%d.%m.%Y"))
        .ok()
        .filter(|d| YEARS.contains(&d.year()))
        .ok_or_else(|| format!("'{t}' is not a month (like 2026-11)"))
}

/// A duration in minutes: `45`, `1h30`, `1h`, `90m`, `1:30`, `1ч30`.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let t = s.trim().to_lowercase();
    let bad = || format!("'{}' is not a duration (like 45, 1h30 or 1:30)", s.trim());
    if t.is_empty() {
        return Err(bad());
    }
    // Hours and minutes of `1h30` and `1:30` are plain digits (`1:-5` is not 55 minutes);
    // a huge count of hours is out of range, not an overflow.
    let digits = |p: &str| {
        let p = p.trim();
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        Ok(p.parse::<i64>().unwrap_or(i64::MAX))
    };
    let minutes = if let Some((h, m)) = t.split_once(':') {
        let (h, m) = (digits(h)?, digits(m)?);
        if m >= 60 {
            return Err(bad());
        }
        h.saturating_mul(60).saturating_add(m)
    } else if let Some(pos) = t.find(['h', 'ч']) {
        let (h, rest) = t.split_at(pos);
        let rest = rest.trim_start_matches(['h', 'ч']);
        let rest = rest.trim_end_matches(['m', 'м']);
        let h = digits(h)?;
        let m = if rest.trim().is_empty() {
            0
        } else {
            digits(rest)?
        };
        if m >= 60 {
            return Err(bad());
        }
        h.saturating_mul(60).saturating_add(m)
    } else {
        t.trim_end_matches(['m', 'м'])
            .trim()
            .parse::<i64>()
            .map_err(|_| bad())?
    };
    if !(0..=24 * 60).contains(&minutes) {
        return Err(format!("'{}' is outside 0 to 24 hours", s.trim()));
    }
    Ok(minutes)
}

/// Money in major units as people write it (`1234.50`, `1 234,50`, `1,234.50`) → minor units.
pub fn parse_money(s: &str) -> Result<i64, String> {
    let raw = s.trim();
    let bad = || format!("'{raw}' is not an amount of money (like 1234.50)");
    let mut t: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '_')
        .collect();
    if t.is_empty() {
        return Err(bad());
    }
    let negative = t.starts_with('-');
    if negative {
        t.remove(0);
    }
    // The last '.' or ',' followed by one or two digits is the decimal mark; others group.
    let dec_pos = t.rfind(['.', ',']).filter(|&p| {
        let tail = &t[p + 1..];
        (1..=2).contains(&tail.len()) && tail.chars().all(|c| c.is_ascii_digit())
    });
    let (int_marked, frac_part) = match dec_pos {
        Some(p) => (&t[..p], t[p + 1..].to_string()),
        // `12.` or `1,234,` has no decimals.
        None => (t.strip_suffix(['.', ',']).unwrap_or(&t), String::new()),
    };
    // Grouping marks stand between groups of digits, three in the last group (two also in
    // the middle, as in India's 12,34,567): `1.2.3` or `12.5.2026` are not amounts.
    let groups: Vec<&str> = int_marked.split([',', '.']).collect();
    if let [first, middle @ .., last] = groups.as_slice()
        && (!(1..=3).contains(&first.len())
            || middle.iter().any(|g| !(2..=3).contains(&g.len()))
            || last.len() != 3)
    {
        return Err(bad());
    }
    let int_part = int_marked.replace([',', '.'], "");
    if int_part.is_empty() && frac_part.is_empty() || !int_part.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let major: i64 = if int_part.is_empty() {
        0
    } else {
        int_part.parse().map_err(|_| bad())?
    };
    let minor: i64 = match frac_part.len() {
        0 => 0,
        1 => frac_part.parse::<i64>().map_err(|_| bad())? * 10,
        _ => frac_part.parse().map_err(|_| bad())?,
    };
    let too_big = || {
        format!(
            "'{raw}' is more than the largest amount salesboard takes ({})",
            crate::format::group(crate::model::MAX_AMOUNT / 100, crate::format::Lang::En)
        )
    };
    let v = major
        .checked_mul(100)
        .and_then(|v| v.checked_add(minor))
        .ok_or_else(too_big)?;
    if v > crate::model::MAX_AMOUNT {
        return Err(too_big());
    }
    Ok(if negative { -v } else { v })
}

/// A whole number within `lo..=hi`, naming the range in the message.
pub fn parse_int_in(s: &str, lo: i64, hi: i64) -> Result<i64, String> {
    let t = s.trim();
    let v: i64 = t
        .parse()
        .map_err(|_| format!("'{t}' is not a whole number ({lo}–{hi})"))?;
    if v < lo || v > hi {
        return Err(format!("{v} is outside {lo}–{hi}"));
    }
    Ok(v)
}

/// Finds one item by name: exact (any case) first, else the only one whose name contains
/// `wanted`. Messages name the `what` ("team", "rep") and list a few of the matches.
pub fn pick_by_name<'a, T>(
    items: &'a [T],
    name: impl Fn(&T) -> &str,
    wanted: &str,
    what: &str,
) -> Result<&'a T, String> {
    let w = wanted.trim().to_lowercase();
    if let Some(x) = items.iter().find(|x| name(x).to_lowercase() == w) {
        return Ok(x);
    }
    let hits: Vec<&T> = items
        .iter()
        .filter(|x| name(x).to_lowercase().contains(&w))
        .collect();
    match hits.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "no {what} called '{}'",
            crate::text::clean(wanted.trim())
        )),
        many => Err(format!(
            "'{}' matches {} ({}); type more of the name",
            crate::text::clean(wanted.trim()),
            many.len(),
            many.iter()
                .take(4)
                .map(|x| name(x))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn dates_in_every_accepted_form() {
        let today = d("2026-11-23");
        assert_eq!(parse_date("today", today).unwrap(), today);
        assert_eq!(parse_date(" Yesterday ", today).unwrap(), d("2026-11-22"));
        assert_eq!(parse_date("вчера", today).unwrap(), d("2026-11-22"));
        assert_eq!(parse_date("2026-11-20", today).unwrap(), d("2026-11-20"));
        assert_eq!(parse_date("20.11.2026", today).unwrap(), d("2026-11-20"));
        assert!(
            parse_date("2026-02-30", today)
                .unwrap_err()
                .contains("not a date")
        );
        assert!(parse_date("", today).is_err());
    }

    #[test]
    fn times_and_months() {
        assert_eq!(
            parse_time("14:30").unwrap(),
            NaiveTime::from_hms_opt(14, 30, 0).unwrap()
        );
        assert_eq!(
            parse_time("9:05").unwrap(),
            NaiveTime::from_hms_opt(9, 5, 0).unwrap()
        );
        assert!(parse_time("25:00").is_err());
        assert_eq!(parse_month("2026-11").unwrap(), d("2026-11-01"));
        assert_eq!(parse_month("11.2026").unwrap(), d("2026-11-01"));
        assert!(parse_month("2026-13").is_err());
    }

    #[test]
    fn durations_in_every_accepted_form() {
        assert_eq!(parse_duration("45").unwrap(), 45);
        assert_eq!(parse_duration("1h30").unwrap(), 90);
        assert_eq!(parse_duration("1h").unwrap(), 60);
        assert_eq!(parse_duration("90m").unwrap(), 90);
        assert_eq!(parse_duration("1:30").unwrap(), 90);
        assert_eq!(parse_duration("2ч15").unwrap(), 135);
        assert!(
            parse_duration("abc")
                .unwrap_err()
                .contains("not a duration")
        );
        assert!(parse_duration("1h75").is_err());
        assert!(parse_duration("-5").is_err());
        assert!(parse_duration("9999").unwrap_err().contains("outside"));
    }

    #[test]
    fn money_in_common_notations() {
        assert_eq!(parse_money("1234.50").unwrap(), 123_450);
        assert_eq!(parse_money("1 234,5").unwrap(), 123_450);
        assert_eq!(parse_money("1,234.50").unwrap(), 123_450);
        assert_eq!(parse_money("1.234.567").unwrap(), 123_456_700);
        assert_eq!(parse_money("0").unwrap(), 0);
        assert_eq!(parse_money("-3").unwrap(), -300);
        assert!(parse_money("12a").is_err());
        assert!(parse_money("").is_err());
        assert!(parse_money("99999999999999999999").is_err());
        // The largest amount taken, and just past it (an i64 would still hold both).
        assert_eq!(
            parse_money("10 000 000 000 000").unwrap(),
            1_000_000_000_000_000
        );
        for s in [
            "10 000 000 000 000.01",
            "92233720368547758.07",
            "-92233720368547758.07",
        ] {
            let e = parse_money(s).unwrap_err();
            assert!(
                e.contains("largest amount") && e.contains("10,000,000,000,000"),
                "{e}"
            );
        }
    }

    #[test]
    fn int_ranges_name_the_range() {
        assert_eq!(parse_int_in("7", 1, 10).unwrap(), 7);
        assert_eq!(parse_int_in("11", 1, 10).unwrap_err(), "11 is outside 1–10");
        assert!(
            parse_int_in("x", 1, 10)
                .unwrap_err()
                .contains("whole number")
        );
    }

    proptest! {
        #[test]
        fn any_text_never_panics(s in "\\PC{0,20}") {
            let today = d("2026-11-23");
            let _ = parse_date(&s, today);
            let _ = parse_time(&s);
            let _ = parse_duration(&s);
            let _ = parse_money(&s);
            let _ = parse_month(&s);
        }

        #[test]
        fn iso_and_russian_dates_agree(days in 0i64..40_000) {
            let date = d("1970-01-01") + Duration::days(days);
            let today = d("2100-01-01");
            prop_assert_eq!(parse_date(&date.format("%Y-%m-%d").to_string(), today).unwrap(), date);
            prop_assert_eq!(parse_date(&date.format("%d.%m.%Y").to_string(), today).unwrap(), date);
        }

        #[test]
        fn hours_and_minutes_round_trip(h in 0i64..24, m in 0i64..60) {
            prop_assert_eq!(parse_duration(&format!("{h}h{m}")).unwrap(), h * 60 + m);
            prop_assert_eq!(parse_duration(&format!("{h}:{m:02}")).unwrap(), h * 60 + m);
        }

        #[test]
        fn money_round_trips(minor in 0i64..1_000_000_000_000) {
            let text = format!("{}.{:02}", minor / 100, minor % 100);
            prop_assert_eq!(parse_money(&text).unwrap(), minor);
        }
    }

    // ---------------------------------------------------------------------------------
    // Bad input at scale: any text is refused or accepted without a panic, and whatever is
    // accepted is in range and reads back the same after formatting.

    use crate::format::{Lang, group, money_plain};
    use chrono::Timelike;

    /// Pieces people (and broken spreadsheets) type: digits of any length, signs, marks,
    /// units, digits of other scripts, bidi and control characters, words.
    const PIECES: &[&str] = &[
        "0",
        "1",
        "5",
        "9",
        "11",
        "20",
        "24",
        "30",
        "59",
        "60",
        "99",
        "2026",
        "0000",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551616",
        "99999999999999999999999999",
        "-",
        "+",
        "-0",
        "1e400",
        "1E5",
        "NaN",
        "inf",
        ".",
        ",",
        ":",
        "::",
        "h",
        "H",
        "ч",
        "Ч",
        "m",
        "м",
        "min",
        " ",
        "\t",
        "\u{a0}",
        "\u{202f}",
        "_",
        "'",
        "\"",
        "%",
        "₽",
        "$",
        "\u{2212}",
        "９",
        "１２",
        "٣",
        "۴",
        "४",
        "\u{202e}",
        "\u{200f}",
        "\u{2066}",
        "مریم",
        "王",
        "İ",
        "ß",
        "ẞ",
        "\u{0}",
        "\u{7}",
        "\u{1b}[2J",
        "\r\n",
        "\u{feff}",
        "\u{fffd}",
        "\u{10ffff}",
        "today",
        "Вчера",
        "T",
        "Z",
        "#",
    ];

    fn nasty() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => prop::sample::select(PIECES).prop_map(str::to_string),
            2 => "[0-9]{1,30}",
            1 => any::<char>().prop_map(String::from),
            1 => "\\PC{0,4}",
        ];
        prop::collection::vec(piece, 0..10).prop_map(|v| v.concat())
    }

    /// Numbers of the lengths that matter (one or two digits, a year, past `i64`) joined
    /// by the marks the parsers split on, signs anywhere: `20.11.26`, `1:-5`,
    /// `153722867280912931:00`.
    const SHAPED: &str = "[-+]?(0|[0-9]{1,2}|[0-9]{4}|[0-9]{17,22})\
        ([:hч., -][-+]?(0|[0-9]{1,2}|[0-9]{4}|[0-9]{17,22})){0,3}[mм]?";

    /// Arbitrary unicode (control characters included), text built from [`PIECES`], or
    /// numbers shaped like what the parsers take.
    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![any::<String>(), nasty(), SHAPED, "\\PC{0,20}"]
    }

    fn lang() -> impl Strategy<Value = Lang> {
        prop_oneof![Just(Lang::En), Just(Lang::Ru)]
    }

    #[test]
    fn hostile_inputs_are_refused_in_words() {
        let today = d("2026-11-23");
        // Found by the properties below: each was accepted as something else, or panicked.
        for s in [
            "20.11.26",     // the year 26
            "1-1-1",        // the year 1
            "0-01-01",      // the year 0
            "-0001-01-01",  // 2 BC
            "+10000-01-01", // beyond four digits
        ] {
            assert!(
                parse_date(s, today).unwrap_err().contains("not a date"),
                "{s}"
            );
        }
        for s in ["5-1", "1.5", "0-1", "+10000-01", "11.26"] {
            assert!(parse_month(s).unwrap_err().contains("not a month"), "{s}");
        }
        for s in ["1:-5", "1h-5", "-0:30", "-1h", "1:+5", "+1:30", "1h 3 0"] {
            assert!(
                parse_duration(s).unwrap_err().contains("not a duration"),
                "{s}"
            );
        }
        // h * 60 overflowed (a panic in debug builds, a wrap in release).
        for s in [
            "153722867280912931:00",
            "200000000000000000ч0",
            "9223372036854775807h",
            "99999999999999999999999h59",
        ] {
            assert!(parse_duration(s).unwrap_err().contains("outside"), "{s}");
        }
        for s in ["1.2.3", "12.5.2026", "1,2345", ",234", "1,5.25", "1.,"] {
            assert!(parse_money(s).unwrap_err().contains("not an amount"), "{s}");
        }
        // Still accepted: the grouping people really write, and a trailing mark.
        assert_eq!(parse_money("12,34,567.50"), Ok(123_456_750));
        assert_eq!(parse_money("1 234 567"), Ok(123_456_700));
        assert_eq!(parse_money("12."), Ok(1_200));
        assert_eq!(parse_money(".5"), Ok(50));
        assert_eq!(parse_money("-0"), Ok(0));
        assert_eq!(parse_duration("-0"), Ok(0));
        assert_eq!(
            parse_duration("-5").unwrap_err(),
            "'-5' is outside 0 to 24 hours"
        );
        assert_eq!(parse_int_in("-0", 0, 10), Ok(0));
        // Other scripts' digits, exponents, bidi and control characters: refused, no panic.
        for s in [
            "９",
            "１２:３０",
            "١٤:٣٠",
            "1e400",
            "1E2",
            "\u{202e}12",
            "12\u{200f}",
            "1\u{0}2",
            "\u{1b}[2J5",
            "NaN",
            "inf",
            "\u{2212}5",
            "５ч",
        ] {
            assert!(parse_date(s, today).is_err(), "{s:?}");
            assert!(parse_time(s).is_err(), "{s:?}");
            assert!(parse_month(s).is_err(), "{s:?}");
            assert!(parse_duration(s).is_err(), "{s:?}");
            assert!(parse_money(s).is_err(), "{s:?}");
            assert!(parse_int_in(s, i64::MIN, i64::MAX).is_err(), "{s:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn nothing_panics_and_what_is_accepted_is_sane(
            s in any_text(),
            lo in any::<i64>(),
            span in prop_oneof![0i64..=10, any::<i64>()],
        ) {
            let today = d("2026-11-23");
            if let Ok(v) = parse_date(&s, today) {
                prop_assert!(YEARS.contains(&v.year()), "{s:?} → {v}");
                prop_assert_eq!(parse_date(&v.format("%Y-%m-%d").to_string(), today), Ok(v));
                prop_assert_eq!(parse_date(&v.format("%d.%m.%Y").to_string(), today), Ok(v));
            }
            if let Ok(v) = parse_time(&s) {
                prop_assert_eq!(v.second(), 0);
                prop_assert_eq!(parse_time(&v.format("%H:%M").to_string()), Ok(v));
            }
            if let Ok(v) = parse_month(&s) {
                prop_assert!(YEARS.contains(&v.year()) && v.day() == 1, "{s:?} → {v}");
                prop_assert_eq!(parse_month(&v.format("%Y-%m").to_string()), Ok(v));
                prop_assert_eq!(parse_month(&v.format("%m.%Y").to_string()), Ok(v));
            }
            if let Ok(v) = parse_duration(&s) {
                prop_assert!((0..=24 * 60).contains(&v), "{s:?} → {v}");
                prop_assert_eq!(parse_duration(&v.to_string()), Ok(v));
            }
            if let Ok(v) = parse_money(&s) {
                prop_assert_eq!(parse_money(&money_plain(v)), Ok(v), "{:?}", s);
            }
            let hi = lo.saturating_add_unsigned(span.unsigned_abs());
            if let Ok(v) = parse_int_in(&s, lo, hi) {
                prop_assert!(lo <= v && v <= hi, "{s:?} → {v} outside {lo}..={hi}");
                prop_assert_eq!(parse_int_in(&v.to_string(), lo, hi), Ok(v));
            }
        }

        #[test]
        fn plain_money_round_trips(minor in -crate::model::MAX_AMOUNT..=crate::model::MAX_AMOUNT) {
            prop_assert_eq!(parse_money(&money_plain(minor)), Ok(minor));
            prop_assert_eq!(parse_money(&format!(" {} ", money_plain(minor))), Ok(minor));
        }

        #[test]
        fn money_above_the_limit_is_refused(minor in (crate::model::MAX_AMOUNT + 1)..=i64::MAX) {
            for text in [money_plain(minor), money_plain(-minor)] {
                let e = parse_money(&text).unwrap_err();
                prop_assert!(e.contains("largest amount"), "{}: {}", text, e);
            }
        }

        #[test]
        fn grouped_money_round_trips(
            major in 0i64..=crate::model::MAX_AMOUNT / 100 - 1,
            cents in 0i64..100,
            negative in any::<bool>(),
            lang in lang(),
        ) {
            let sign = if negative { "-" } else { "" };
            let expect = (major * 100 + cents) * if negative { -1 } else { 1 };
            let mark = match lang { Lang::En => '.', Lang::Ru => ',' };
            let text = format!("{sign}{}{mark}{cents:02}", group(major, lang));
            prop_assert_eq!(parse_money(&text), Ok(expect), "{}", text);
            let whole = format!("{sign}{}", group(major, lang));
            prop_assert_eq!(parse_money(&whole), Ok(major * 100 * if negative { -1 } else { 1 }));
        }

        #[test]
        fn money_beyond_the_range_is_refused_not_wrapped(
            extra in 1u64..=u64::MAX / 2,
            negative in any::<bool>(),
        ) {
            // Anything above i64::MAX minor units.
            let minor = i64::MAX as u128 + extra as u128;
            let sign = if negative { "-" } else { "" };
            let text = format!("{sign}{}.{:02}", minor / 100, minor % 100);
            prop_assert!(parse_money(&text).is_err(), "{}", text);
        }

        #[test]
        fn every_duration_in_range_round_trips(minutes in 0i64..=24 * 60) {
            let (h, m) = (minutes / 60, minutes % 60);
            for text in [
                minutes.to_string(),
                format!("{minutes}m"),
                format!(" {minutes}м "),
                format!("{h}:{m:02}"),
                format!("{h}h{m}"),
                format!("{h}H{m:02}m"),
                format!("{h}ч{m}м"),
            ] {
                prop_assert_eq!(parse_duration(&text), Ok(minutes), "{}", text);
            }
        }

        #[test]
        fn durations_beyond_a_day_or_below_zero_are_refused(
            minutes in prop_oneof![24 * 60 + 1..=i64::MAX, i64::MIN..0],
        ) {
            prop_assert!(parse_duration(&minutes.to_string()).is_err());
            if minutes > 0 {
                let (h, m) = (minutes / 60, minutes % 60);
                let (colon, letter) = (format!("{h}:{m:02}"), format!("{h}h{m}"));
                prop_assert!(parse_duration(&colon).is_err(), "{}", colon);
                prop_assert!(parse_duration(&letter).is_err(), "{}", letter);
            }
        }

        #[test]
        fn whole_numbers_in_range_round_trip(
            lo in any::<i64>(),
            span in any::<u64>(),
            pick in any::<u64>(),
        ) {
            let hi = (lo as i128 + span as i128).min(i64::MAX as i128) as i64;
            let width = (hi as i128 - lo as i128) as u128 + 1;
            let v = (lo as i128 + (pick as u128 % width) as i128) as i64;
            prop_assert_eq!(parse_int_in(&v.to_string(), lo, hi), Ok(v));
            prop_assert_eq!(parse_int_in(&format!("\t{v} "), lo, hi), Ok(v));
            if let Some(below) = lo.checked_sub(1) {
                prop_assert!(parse_int_in(&below.to_string(), lo, hi).unwrap_err().contains("outside"));
            }
            if let Some(above) = hi.checked_add(1) {
                prop_assert!(parse_int_in(&above.to_string(), lo, hi).unwrap_err().contains("outside"));
            }
        }

        #[test]
        fn every_four_digit_year_date_round_trips(
            days in 0i64..=(d("9999-12-31") - d("1000-01-01")).num_days(),
        ) {
            let date = d("1000-01-01") + Duration::days(days);
            let today = d("2026-11-23");
            for f in ["%Y-%m-%d", "%d.%m.%Y", " %Y-%m-%d\t"] {
                prop_assert_eq!(parse_date(&date.format(f).to_string(), today), Ok(date));
            }
            let month = date.with_day(1).unwrap();
            prop_assert_eq!(parse_month(&date.format("%Y-%m").to_string()), Ok(month));
            prop_assert_eq!(parse_month(&date.format("%m.%Y").to_string()), Ok(month));
        }

        #[test]
        fn years_without_four_digits_are_refused(
            year in prop_oneof![0i32..1000, 10_000i32..=262_000],
            month in 1u32..=12,
            day in 1u32..=28,
        ) {
            let today = d("2026-11-23");
            let iso = format!("{year}-{month:02}-{day:02}");
            let dotted = format!("{day:02}.{month:02}.{year}");
            let month = format!("{year}-{month:02}");
            prop_assert!(parse_date(&iso, today).is_err(), "{}", iso);
            prop_assert!(parse_date(&dotted, today).is_err(), "{}", dotted);
            prop_assert!(parse_month(&month).is_err(), "{}", month);
        }

        #[test]
        fn every_time_of_day_round_trips(h in 0u32..24, m in 0u32..60) {
            let t = NaiveTime::from_hms_opt(h, m, 0).unwrap();
            prop_assert_eq!(parse_time(&format!("{h}:{m:02}")), Ok(t));
            prop_assert_eq!(parse_time(&format!(" {h:02}:{m:02} ")), Ok(t));
            let (late, long) = (format!("{}:{m:02}", h + 24), format!("{h}:{}", m + 60));
            prop_assert!(parse_time(&late).is_err(), "{}", late);
            prop_assert!(parse_time(&long).is_err(), "{}", long);
        }
    }
}
