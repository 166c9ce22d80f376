//! Formatting of figures for people: money, percentages, days, local times. Shared by the
//! reports and the board so a figure reads the same everywhere.

use crate::model::{Money, Timestamp};
use chrono::Local;

/// Number style of a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Ru,
}

impl Lang {
    /// Picks the wording for this language. Every visible string is written as a pair at
    /// the place it is used, so neither language can be forgotten.
    pub fn t<'a>(self, en: &'a str, ru: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Ru => ru,
        }
    }
}

/// Groups the digits of a whole number: `1,234,567` (en) or `1 234 567` (ru, narrow no-break space).
pub fn group(n: i64, lang: Lang) -> String {
    let sep = match lang {
        Lang::En => ",",
        Lang::Ru => "\u{202f}",
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

/// The usual symbol of a currency code, or the code itself.
pub fn currency_symbol(code: &str) -> &str {
    match code {
        "RUB" => "₽",
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "CNY" | "JPY" => "¥",
        "KZT" => "₸",
        "UAH" => "₴",
        "INR" => "₹",
        other => other,
    }
}

/// Whole units of money with the currency: `₽1,234,568` (en) or `1 234 568 ₽` (ru).
/// Minor units are rounded to the nearest whole unit; boards show whole roubles/dollars.
pub fn money(minor: Money, currency: &str, lang: Lang) -> String {
    let whole = (minor as f64 / 100.0).round() as i64;
    let sym = currency_symbol(currency);
    match lang {
        Lang::En if sym.len() > 3 || sym.chars().count() == 1 => {
            if whole < 0 {
                format!("-{sym}{}", group(-whole, lang))
            } else {
                format!("{sym}{}", group(whole, lang))
            }
        }
        Lang::En => format!("{} {sym}", group(whole, lang)),
        Lang::Ru => format!("{}\u{a0}{sym}", group(whole, lang)),
    }
}

/// Money with its minor units, plain (for CSV/JSON-like contexts): `1234.50`.
pub fn money_plain(minor: Money) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02}",
        minor.unsigned_abs() / 100,
        minor.unsigned_abs() % 100
    )
}

/// A ratio as a percentage with no decimals, or "—" when there is no value.
pub fn percent(r: Option<f64>) -> String {
    match r {
        Some(v) if v.is_finite() => format!("{:.0}%", v * 100.0),
        _ => "—".into(),
    }
}

/// A signed change as a percentage with an arrow: `▲ 12%`, `▼ 3%`, `= 0%`, or "—".
pub fn change(r: Option<f64>) -> String {
    match r {
        Some(v) if v.is_finite() && v > 0.0005 => format!("▲{:.0}%", v * 100.0),
        Some(v) if v.is_finite() && v < -0.0005 => format!("▼{:.0}%", -v * 100.0),
        Some(v) if v.is_finite() => "=0%".into(),
        _ => "—".into(),
    }
}

/// A number with one decimal, or "—".
pub fn decimal(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v:.1}"),
        _ => "—".into(),
    }
}

/// A number with one decimal in the language's style (`2.5` / `2,5`), or "—".
pub fn decimal_in(v: Option<f64>, lang: Lang) -> String {
    let s = decimal(v);
    match lang {
        Lang::En => s,
        Lang::Ru => s.replace('.', ","),
    }
}

/// A number with two decimals in the language's style (`0.85` / `0,85`).
pub fn decimal2_in(v: f64, lang: Lang) -> String {
    let s = format!("{v:.2}");
    match lang {
        Lang::En => s,
        Lang::Ru => s.replace('.', ","),
    }
}

/// A count with its noun in the right form: `1 invoice`, `3 invoices`; in Russian the
/// three forms of 1, 2–4 and 5+ (`1 счёт`, `3 счёта`, `5 счетов`, `21 счёт`).
pub fn count_of(n: i64, lang: Lang, en: (&str, &str), ru: (&str, &str, &str)) -> String {
    let noun = match lang {
        Lang::En => {
            if n == 1 {
                en.0
            } else {
                en.1
            }
        }
        Lang::Ru => {
            let (tens, ones) = (n.abs() % 100, n.abs() % 10);
            if (11..=14).contains(&tens) {
                ru.2
            } else if ones == 1 {
                ru.0
            } else if (2..=4).contains(&ones) {
                ru.1
            } else {
                ru.2
            }
        }
    };
    format!("{} {noun}", group(n, lang))
}

/// A local date and time: `2026-11-20 14:30`.
pub fn local_time(at: Timestamp) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "—".into())
}

/// When an alert happened (`20.11 14:30`, local time), or the period it is about for
/// alerts on the period's figures as a whole (`Nov 2026`, `W48 2026`, `20.11`).
pub fn alert_when(a: &crate::kpi::Alert, lang: Lang) -> String {
    use crate::period::PeriodKind as K;
    match a.period {
        Some(p) if matches!(p.kind, K::Day | K::Range) => p.short(lang),
        // A week belongs to its ISO year (the week of 30.12.2024 is W01 2025).
        Some(p) if p.kind == K::Week => {
            use chrono::Datelike;
            format!("{} {}", p.short(lang), p.start.iso_week().year())
        }
        Some(p) => format!("{} {}", p.short(lang), p.start.format("%Y")),
        None => chrono::DateTime::from_timestamp(a.at, 0)
            .map(|d| {
                d.with_timezone(&chrono::Local)
                    .format("%d.%m %H:%M")
                    .to_string()
            })
            .unwrap_or_else(|| "—".into()),
    }
}

/// A funnel stage's name in the language.
pub fn stage_name(stage: &str, lang: Lang) -> &str {
    match (stage, lang) {
        (_, Lang::En) => stage,
        ("lead", Lang::Ru) => "лид",
        ("qualified", Lang::Ru) => "квалиф.",
        ("proposal", Lang::Ru) => "КП",
        ("negotiation", Lang::Ru) => "переговоры",
        ("won", Lang::Ru) => "победа",
        ("lost", Lang::Ru) => "проигрыш",
        (other, Lang::Ru) => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_naturally_in_both_languages() {
        assert_eq!(money(123_456_700, "RUB", Lang::En), "₽1,234,567");
        assert_eq!(
            money(123_456_700, "RUB", Lang::Ru),
            "1\u{202f}234\u{202f}567\u{a0}₽"
        );
        assert_eq!(money(-5_000, "USD", Lang::En), "-$50");
        assert_eq!(money(99, "CHF", Lang::En), "1 CHF");
        assert_eq!(money_plain(-1234), "-12.34");
        assert_eq!(group(999, Lang::En), "999");
        assert_eq!(group(-1000, Lang::En), "-1,000");
    }

    #[test]
    fn counts_take_the_right_form_of_their_noun() {
        let inv = (("invoice", "invoices"), ("счёт", "счёта", "счетов"));
        let c = |n, lang| count_of(n, lang, inv.0, inv.1);
        assert_eq!(c(1, Lang::En), "1 invoice");
        assert_eq!(c(0, Lang::En), "0 invoices");
        assert_eq!(c(1, Lang::Ru), "1 счёт");
        assert_eq!(c(3, Lang::Ru), "3 счёта");
        assert_eq!(c(5, Lang::Ru), "5 счетов");
        assert_eq!(c(11, Lang::Ru), "11 счетов");
        assert_eq!(c(21, Lang::Ru), "21 счёт");
        assert_eq!(c(112, Lang::Ru), "112 счетов");
        assert_eq!(decimal2_in(0.5, Lang::Ru), "0,50");
    }

    #[test]
    fn missing_values_show_a_dash() {
        assert_eq!(percent(None), "—");
        assert_eq!(percent(Some(f64::NAN)), "—");
        assert_eq!(percent(Some(0.256)), "26%");
        assert_eq!(change(Some(0.12)), "▲12%");
        assert_eq!(change(Some(-0.03)), "▼3%");
        assert_eq!(change(Some(0.0)), "=0%");
        assert_eq!(change(None), "—");
        assert_eq!(decimal(Some(2.26)), "2.3");
        assert_eq!(decimal_in(Some(2.26), Lang::Ru), "2,3");
        assert_eq!(decimal_in(None, Lang::Ru), "—");
    }
}
