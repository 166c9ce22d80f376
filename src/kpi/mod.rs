//! The KPI engine: every formula of SPEC §3, computed from a [`Dataset`] for one period and
//! scope (a rep, a team rolled up through the team tree, or the company). Pure: no I/O, no
//! clock — "today" and the time zone come in through [`Ctx`].
//!
//! Every rate is an `Option<f64>`: `None` when its denominator is zero, shown as "—".

mod alerts;
pub mod catalogue;
mod compute;
pub mod deal;
mod figures;

pub use alerts::{Alert, AlertKind};
pub use catalogue::{CATALOGUE, Have, Kpi, Source};
pub use compute::{Scope, compute};
pub use figures::*;

use crate::model::Timestamp;
use crate::period::Period;
use chrono::NaiveDate;

/// Everything a computation needs besides the data: the period, "today" and the time zone.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub period: Period,
    /// The local day the figures are "as of" (pace, receivables, contacts).
    pub today: NaiveDate,
    /// Converts an instant to the local calendar day.
    pub day_of: fn(Timestamp) -> NaiveDate,
    /// Converts a local day to the instant it starts.
    pub start_of: fn(NaiveDate) -> Timestamp,
}

impl Ctx {
    /// A context in the machine's local time zone.
    pub fn local(period: Period, today: NaiveDate) -> Ctx {
        Ctx {
            period,
            today,
            day_of: |t| crate::period::local_day(&chrono::Local, t),
            start_of: |d| crate::period::day_start(&chrono::Local, d),
        }
    }

    /// A context in UTC (tests, reproducible reports).
    pub fn utc(period: Period, today: NaiveDate) -> Ctx {
        Ctx {
            period,
            today,
            day_of: |t| crate::period::local_day(&chrono::Utc, t),
            start_of: |d| crate::period::day_start(&chrono::Utc, d),
        }
    }

    /// `[from, to)` instants of a period.
    pub fn bounds(&self, p: &Period) -> (Timestamp, Timestamp) {
        ((self.start_of)(p.start), (self.start_of)(p.end))
    }
}

/// `num ÷ den`, or `None` when `den` is zero.
pub fn ratio(num: f64, den: f64) -> Option<f64> {
    if den == 0.0 || !num.is_finite() || !den.is_finite() {
        None
    } else {
        Some(num / den)
    }
}

/// Relative change `(now − before) ÷ before`, or `None` when `before` is zero.
pub fn growth(now: f64, before: f64) -> Option<f64> {
    ratio(now - before, before)
}

/// Median of the samples, or `None` for none.
pub fn median(samples: &[f64]) -> Option<f64> {
    percentile(samples, 0.5)
}

/// The `q`-quantile (0–1) by linear interpolation between closest ranks.
pub fn percentile(samples: &[f64], q: f64) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    let mut v: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let pos = q.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    Some(v[lo] + (v[hi] - v[lo]) * (pos - lo as f64))
}

/// Arithmetic mean, or `None` for no samples.
pub fn mean(samples: &[f64]) -> Option<f64> {
    ratio(samples.iter().sum(), samples.len() as f64)
}

#[cfg(test)]
mod tests;
