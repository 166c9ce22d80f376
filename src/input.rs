//! Parsers for what people type: dates, times, durations, money, scores. Shared by the
//! command line, CSV import and the board's forms, so every door gives the same message.

use chrono::{Duration, NaiveDate, NaiveTime};

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
        .map_err(|_| format!("'{t}' is not a date (today, yesterday, 2026-11-20 or 20.11.2026)"))
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
        .map_err(|_| format!("'{t}' is not a month (like 2026-11)"))
}

/// A duration in minutes: `45`, `1h30`, `1h`, `90m`, `1:30`, `1ч30`.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let t = s.trim().to_lowercase();
    let bad = || format!("'{}' is not a duration (like 45, 1h30 or 1:30)", s.trim());
    if t.is_empty() {
        return Err(bad());
    }
    let minutes = if let Some((h, m)) = t.split_once(':') {
        let h: i64 = h.parse().map_err(|_| bad())?;
        let m: i64 = m.parse().map_err(|_| bad())?;
        if m >= 60 {
            return Err(bad());
        }
        h * 60 + m
    } else if let Some(pos) = t.find(['h', 'ч']) {
        let (h, rest) = t.split_at(pos);
        let rest = rest.trim_start_matches(['h', 'ч']);
        let rest = rest.trim_end_matches(['m', 'м']);
        let h: i64 = h.trim().parse().map_err(|_| bad())?;
        let m: i64 = if rest.trim().is_empty() {
            0
        } else {
            rest.trim().parse().map_err(|_| bad())?
        };
        if m >= 60 {
            return Err(bad());
        }
        h * 60 + m
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
    let (int_part, frac_part) = match dec_pos {
        Some(p) => (t[..p].replace([',', '.'], ""), t[p + 1..].to_string()),
        None => (t.replace([',', '.'], ""), String::new()),
    };
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
    let v = major
        .checked_mul(100)
        .and_then(|v| v.checked_add(minor))
        .ok_or_else(bad)?;
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
}
