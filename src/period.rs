//! Reporting periods (day, week, month, quarter, or a from/to range) in the local calendar,
//! working-day counts for pace, and conversion of period bounds to UTC instants.

use crate::model::Timestamp;
use chrono::{Datelike, Duration, LocalResult, NaiveDate, TimeZone, Weekday};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Day,
    Week,
    Month,
    Quarter,
    Range,
}

impl PeriodKind {
    /// The next kind in the day → week → month → quarter cycle (a range becomes a month).
    pub fn cycle(self) -> PeriodKind {
        match self {
            PeriodKind::Day => PeriodKind::Week,
            PeriodKind::Week => PeriodKind::Month,
            PeriodKind::Month => PeriodKind::Quarter,
            PeriodKind::Quarter | PeriodKind::Range => PeriodKind::Day,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Day => "day",
            PeriodKind::Week => "week",
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Range => "range",
        }
    }
}

impl FromStr for PeriodKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "day" => Ok(PeriodKind::Day),
            "week" => Ok(PeriodKind::Week),
            "month" => Ok(PeriodKind::Month),
            "quarter" => Ok(PeriodKind::Quarter),
            other => Err(format!(
                "unknown period '{other}' (day, week, month, quarter)"
            )),
        }
    }
}

/// A half-open run of local calendar days `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub start: NaiveDate,
    /// First day after the period.
    pub end: NaiveDate,
}

fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn add_months(d: NaiveDate, months: i32) -> NaiveDate {
    let total = d.year() * 12 + d.month0() as i32 + months;
    NaiveDate::from_ymd_opt(total.div_euclid(12), total.rem_euclid(12) as u32 + 1, 1).unwrap_or(d)
}

impl Period {
    /// The period of `kind` that contains `day`.
    pub fn containing(kind: PeriodKind, day: NaiveDate) -> Period {
        let (start, end) = match kind {
            PeriodKind::Day | PeriodKind::Range => (day, day + Duration::days(1)),
            PeriodKind::Week => {
                let start = day - Duration::days(day.weekday().num_days_from_monday() as i64);
                (start, start + Duration::days(7))
            }
            PeriodKind::Month => {
                let start = month_start(day);
                (start, add_months(start, 1))
            }
            PeriodKind::Quarter => {
                let q0 = (day.month0() / 3) * 3;
                let start = NaiveDate::from_ymd_opt(day.year(), q0 + 1, 1).unwrap_or(day);
                (start, add_months(start, 3))
            }
        };
        let kind = if kind == PeriodKind::Range {
            PeriodKind::Day
        } else {
            kind
        };
        Period { kind, start, end }
    }

    /// An explicit range from `from` to `to`, both days included.
    pub fn range(from: NaiveDate, to: NaiveDate) -> Result<Period, String> {
        if to < from {
            return Err(format!("--to {to} is before --from {from}"));
        }
        Ok(Period {
            kind: PeriodKind::Range,
            start: from,
            end: to + Duration::days(1),
        })
    }

    /// The period just before this one, of the same kind (a range: the same number of days).
    pub fn prev(&self) -> Period {
        self.shift(-1)
    }

    pub fn next(&self) -> Period {
        self.shift(1)
    }

    fn shift(&self, by: i32) -> Period {
        match self.kind {
            PeriodKind::Day | PeriodKind::Week | PeriodKind::Range => {
                let len = self.days() * by as i64;
                Period {
                    kind: self.kind,
                    start: self.start + Duration::days(len),
                    end: self.end + Duration::days(len),
                }
            }
            PeriodKind::Month => Period::containing(self.kind, add_months(self.start, by)),
            PeriodKind::Quarter => Period::containing(self.kind, add_months(self.start, 3 * by)),
        }
    }

    /// Last day inside the period.
    pub fn last_day(&self) -> NaiveDate {
        self.end - Duration::days(1)
    }

    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days()
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        day >= self.start && day < self.end
    }

    /// Length in months (for monthly rates such as churn): days ÷ (365.25 ÷ 12).
    pub fn months(&self) -> f64 {
        self.days() as f64 / (365.25 / 12.0)
    }

    /// The months (first days) this period touches.
    pub fn months_touched(&self) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        let mut m = month_start(self.start);
        while m < self.end {
            out.push(m);
            m = add_months(m, 1);
        }
        out
    }

    /// Working days (Monday to Friday) in the period.
    pub fn working_days(&self) -> i64 {
        working_days_between(self.start, self.end)
    }

    /// Working days of the period elapsed by the end of `today` (0 before, all after).
    pub fn elapsed_working_days(&self, today: NaiveDate) -> i64 {
        let until = (today + Duration::days(1)).clamp(self.start, self.end);
        working_days_between(self.start, until)
    }

    /// Bounds as UTC instants `[from, to)` in the time zone `tz`.
    pub fn bounds<Tz: TimeZone>(&self, tz: &Tz) -> (Timestamp, Timestamp) {
        (day_start(tz, self.start), day_start(tz, self.end))
    }

    /// A short human label: `2026-11`, `2026-Q4`, `2026-W47`, `2026-11-20`, `2026-11-01..2026-11-15`.
    pub fn label(&self) -> String {
        match self.kind {
            PeriodKind::Day => self.start.format("%Y-%m-%d").to_string(),
            PeriodKind::Week => {
                let w = self.start.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            PeriodKind::Month => self.start.format("%Y-%m").to_string(),
            PeriodKind::Quarter => {
                format!("{}-Q{}", self.start.year(), self.start.month0() / 3 + 1)
            }
            PeriodKind::Range => format!("{}..{}", self.start, self.last_day()),
        }
    }
}

impl Period {
    /// The period as people say it: `November 2026`, `Q4 2026`, `week 48 (23.11–29.11)`,
    /// `20.11.2026`; in Russian `ноябрь 2026`, `К4 2026`, `неделя 48 (…)`.
    pub fn name(&self, lang: crate::format::Lang) -> String {
        match self.kind {
            PeriodKind::Month => format!(
                "{} {}",
                month_name(self.start.month(), lang),
                self.start.year()
            ),
            PeriodKind::Quarter => format!(
                "{}{} {}",
                lang.t("Q", "К"),
                self.start.month0() / 3 + 1,
                self.start.year()
            ),
            PeriodKind::Week => format!(
                "{} {} ({}–{})",
                lang.t("week", "неделя"),
                self.start.format("%V"),
                self.start.format("%d.%m"),
                self.last_day().format("%d.%m")
            ),
            PeriodKind::Day => self.start.format("%d.%m.%Y").to_string(),
            PeriodKind::Range => format!(
                "{}–{}",
                self.start.format("%d.%m.%Y"),
                self.last_day().format("%d.%m.%Y")
            ),
        }
    }
}

impl Period {
    /// A short name for "compared with": `Oct`, `Q3`, `W47`, `19.11`; in Russian `окт`,
    /// `К3`, `Н47`, `19.11` (a range: its days).
    pub fn short(&self, lang: crate::format::Lang) -> String {
        match self.kind {
            PeriodKind::Month => {
                let name = month_name(self.start.month(), lang);
                name.chars().take(3).collect()
            }
            PeriodKind::Quarter => format!("{}{}", lang.t("Q", "К"), self.start.month0() / 3 + 1),
            PeriodKind::Week => format!("{}{}", lang.t("W", "Н"), self.start.format("%V")),
            PeriodKind::Day => self.start.format("%d.%m").to_string(),
            PeriodKind::Range => format!(
                "{}–{}",
                self.start.format("%d.%m"),
                self.last_day().format("%d.%m")
            ),
        }
    }
}

/// A month's name: `November` / `ноябрь` (1 = January).
pub fn month_name(m: u32, lang: crate::format::Lang) -> &'static str {
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const RU: [&str; 12] = [
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ];
    let i = (m.clamp(1, 12) - 1) as usize;
    lang.t(EN[i], RU[i])
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// Working days (Mon–Fri) in `[from, to)`.
pub fn working_days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    if to <= from {
        return 0;
    }
    let total = (to - from).num_days();
    let full_weeks = total / 7;
    let mut count = full_weeks * 5;
    let mut d = from + Duration::days(full_weeks * 7);
    while d < to {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            count += 1;
        }
        d += Duration::days(1);
    }
    count
}

/// The UTC instant at which local day `day` begins in `tz` (the earliest, across DST gaps).
pub fn day_start<Tz: TimeZone>(tz: &Tz, day: NaiveDate) -> Timestamp {
    let mut t = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    // A DST gap can swallow midnight; step forward until the local time exists.
    for _ in 0..4 {
        match tz.from_local_datetime(&t) {
            LocalResult::Single(dt) => return dt.timestamp(),
            LocalResult::Ambiguous(a, _) => return a.timestamp(),
            LocalResult::None => t += Duration::hours(1),
        }
    }
    t.and_utc().timestamp()
}

/// The local calendar day of a UTC instant.
pub fn local_day<Tz: TimeZone>(tz: &Tz, at: Timestamp) -> NaiveDate {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|dt| dt.with_timezone(tz).date_naive())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, Utc};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods_contain_the_day_and_step() {
        let m = Period::containing(PeriodKind::Month, d("2026-11-23"));
        assert_eq!((m.start, m.end), (d("2026-11-01"), d("2026-12-01")));
        assert_eq!(m.prev().start, d("2026-10-01"));
        assert_eq!(m.next().next().start, d("2027-01-01"));
        let w = Period::containing(PeriodKind::Week, d("2026-11-23"));
        assert_eq!(w.start, d("2026-11-23")); // a Monday
        assert_eq!(w.label(), "2026-W48");
        let q = Period::containing(PeriodKind::Quarter, d("2026-11-23"));
        assert_eq!((q.start, q.end), (d("2026-10-01"), d("2027-01-01")));
        assert_eq!(q.prev().label(), "2026-Q3");
        let r = Period::range(d("2026-11-01"), d("2026-11-10")).unwrap();
        assert_eq!(r.days(), 10);
        assert_eq!(r.prev().start, d("2026-10-22"));
        assert!(Period::range(d("2026-11-02"), d("2026-11-01")).is_err());
    }

    #[test]
    fn working_days_count_weekdays_only() {
        // November 2026: 1st is a Sunday; 21 weekdays.
        let m = Period::containing(PeriodKind::Month, d("2026-11-01"));
        assert_eq!(m.working_days(), 21);
        // By the end of Monday 23rd: 2..6, 9..13, 16..20, 23 = 16 days.
        assert_eq!(m.elapsed_working_days(d("2026-11-23")), 16);
        assert_eq!(m.elapsed_working_days(d("2026-10-01")), 0);
        assert_eq!(m.elapsed_working_days(d("2027-01-01")), 21);
        assert_eq!(working_days_between(d("2026-11-07"), d("2026-11-09")), 0);
    }

    #[test]
    fn bounds_follow_the_time_zone() {
        let day = Period::containing(PeriodKind::Day, d("2026-11-20"));
        let (from, to) = day.bounds(&Utc);
        assert_eq!(to - from, 86_400);
        let msk = FixedOffset::east_opt(3 * 3600).unwrap();
        let (from_msk, _) = day.bounds(&msk);
        assert_eq!(from - from_msk, 3 * 3600);
        assert_eq!(local_day(&msk, from_msk), d("2026-11-20"));
        assert_eq!(local_day(&Utc, from_msk), d("2026-11-19"));
    }

    #[test]
    fn months_touched_lists_each_month_once() {
        let q = Period::containing(PeriodKind::Quarter, d("2026-02-10"));
        assert_eq!(
            q.months_touched(),
            vec![d("2026-01-01"), d("2026-02-01"), d("2026-03-01")]
        );
        let w = Period::containing(PeriodKind::Week, d("2026-12-31"));
        assert_eq!(w.months_touched().len(), 2);
    }
}
