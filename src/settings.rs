//! KPI rules kept in the database's `settings` table, so that every board and report on
//! one database agrees. Every setting has a default; the table only holds overrides.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    /// ISO 4217 code of the one currency of this database (RUB, USD, EUR…).
    pub currency: String,
    /// Win probability (percent) of an open deal in lead, qualified, proposal, negotiation.
    pub stage_probability_pct: [u8; 4],
    /// Response-time service level, minutes.
    pub response_sla_minutes: i64,
    /// A customer not contacted for this many days is flagged.
    pub no_contact_days: i64,
    /// Customer lifetime used by LTV when churn is zero (or lower than 1 ÷ this), months.
    pub lifetime_cap_months: i64,
    /// Opportunity → win rate under this percentage raises an alert.
    pub win_rate_warn_pct: i64,
    /// A rep whose mean cycle is this many percent above the team baseline is flagged.
    pub slow_cycle_pct: i64,
    /// Knowledge test scores under this percentage are flagged.
    pub knowledge_min_pct: i64,
    /// Burnout risk when the latest satisfaction score is at or below this…
    pub burnout_score: i64,
    /// …or fell by at least this much since the previous survey.
    pub burnout_drop: i64,
    /// Meetings below this percentage of the paced meetings target raise an alert.
    pub meetings_min_pct: i64,
    /// Rule of thumb for cold calls: at least this many won deals per 100 calls.
    pub won_per_100_calls_min: i64,
    /// A new customer who churns within this many days of the first won deal counts as
    /// churn after sale.
    pub churn_after_sale_days: i64,
    /// Composite score weights (revenue, units, calls, meetings attainment).
    pub weight_revenue: i64,
    pub weight_units: i64,
    pub weight_calls: i64,
    pub weight_meetings: i64,
    /// Each attainment counts at most this percentage in the composite score.
    pub composite_cap_pct: i64,
    /// Below this composite score (percent) the bonus coefficient is 0.
    pub bonus_threshold_pct: i64,
    /// The bonus coefficient never exceeds this (percent; 200 = ×2.0).
    pub bonus_max_pct: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            currency: "RUB".into(),
            stage_probability_pct: [10, 25, 50, 75],
            response_sla_minutes: 60,
            no_contact_days: 90,
            lifetime_cap_months: 60,
            win_rate_warn_pct: 15,
            slow_cycle_pct: 25,
            knowledge_min_pct: 70,
            burnout_score: 4,
            burnout_drop: 2,
            meetings_min_pct: 80,
            won_per_100_calls_min: 3,
            churn_after_sale_days: 180,
            weight_revenue: 50,
            weight_units: 20,
            weight_calls: 15,
            weight_meetings: 15,
            composite_cap_pct: 150,
            bonus_threshold_pct: 70,
            bonus_max_pct: 200,
        }
    }
}

/// Every key the settings table understands, with a one-line meaning (for docs and `check`).
pub const KEYS: &[(&str, &str)] = &[
    ("currency", "ISO 4217 code of the database's one currency"),
    (
        "stage_probability.lead",
        "win probability of an open lead, percent",
    ),
    (
        "stage_probability.qualified",
        "win probability of a qualified deal, percent",
    ),
    (
        "stage_probability.proposal",
        "win probability at proposal, percent",
    ),
    (
        "stage_probability.negotiation",
        "win probability at negotiation, percent",
    ),
    (
        "response_sla_minutes",
        "first-response service level, minutes",
    ),
    (
        "no_contact_days",
        "flag customers not contacted for this many days",
    ),
    (
        "lifetime_cap_months",
        "customer lifetime for LTV when churn is zero, months",
    ),
    (
        "win_rate_warn_pct",
        "alert when opportunity → win is under this percent",
    ),
    (
        "slow_cycle_pct",
        "alert when a rep's cycle is this percent above the team's",
    ),
    (
        "knowledge_min_pct",
        "flag knowledge test scores under this percent",
    ),
    (
        "burnout_score",
        "burnout risk at or below this satisfaction score",
    ),
    (
        "burnout_drop",
        "burnout risk when the score fell by at least this",
    ),
    (
        "meetings_min_pct",
        "alert when meetings are under this percent of paced target",
    ),
    (
        "won_per_100_calls_min",
        "cold-call rule of thumb: won deals per 100 calls",
    ),
    (
        "churn_after_sale_days",
        "window after the first won deal for churn after sale",
    ),
    (
        "weight.revenue",
        "composite score weight of revenue attainment",
    ),
    ("weight.units", "composite score weight of units attainment"),
    ("weight.calls", "composite score weight of calls attainment"),
    (
        "weight.meetings",
        "composite score weight of meetings attainment",
    ),
    (
        "composite_cap_pct",
        "cap of each attainment in the composite score, percent",
    ),
    (
        "bonus_threshold_pct",
        "composite score below which the bonus coefficient is 0",
    ),
    ("bonus_max_pct", "highest bonus coefficient, percent"),
];

impl Settings {
    /// Applies one `settings` row. Unknown keys and unreadable values are reported, not fatal.
    pub fn apply(&mut self, key: &str, value: &str) -> Result<(), String> {
        let v = value.trim();
        let num = || -> Result<i64, String> {
            v.parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| format!("setting {key}: '{v}' is not a whole number ≥ 0"))
        };
        let pct = || -> Result<u8, String> {
            num().and_then(|n| {
                u8::try_from(n)
                    .ok()
                    .filter(|p| *p <= 100)
                    .ok_or_else(|| format!("setting {key}: {n} is not a percentage 0–100"))
            })
        };
        match key {
            "currency" => {
                if v.len() != 3 || !v.chars().all(|c| c.is_ascii_alphabetic()) {
                    return Err(format!("setting currency: '{v}' is not a 3-letter code"));
                }
                self.currency = v.to_ascii_uppercase();
            }
            "stage_probability.lead" => self.stage_probability_pct[0] = pct()?,
            "stage_probability.qualified" => self.stage_probability_pct[1] = pct()?,
            "stage_probability.proposal" => self.stage_probability_pct[2] = pct()?,
            "stage_probability.negotiation" => self.stage_probability_pct[3] = pct()?,
            "response_sla_minutes" => self.response_sla_minutes = num()?,
            "no_contact_days" => self.no_contact_days = num()?,
            "lifetime_cap_months" => self.lifetime_cap_months = num()?.max(1),
            "win_rate_warn_pct" => self.win_rate_warn_pct = num()?,
            "slow_cycle_pct" => self.slow_cycle_pct = num()?,
            "knowledge_min_pct" => self.knowledge_min_pct = num()?,
            "burnout_score" => self.burnout_score = num()?,
            "burnout_drop" => self.burnout_drop = num()?,
            "meetings_min_pct" => self.meetings_min_pct = num()?,
            "won_per_100_calls_min" => self.won_per_100_calls_min = num()?,
            "churn_after_sale_days" => self.churn_after_sale_days = num()?,
            "weight.revenue" => self.weight_revenue = num()?,
            "weight.units" => self.weight_units = num()?,
            "weight.calls" => self.weight_calls = num()?,
            "weight.meetings" => self.weight_meetings = num()?,
            "composite_cap_pct" => self.composite_cap_pct = num()?,
            "bonus_threshold_pct" => self.bonus_threshold_pct = num()?,
            "bonus_max_pct" => self.bonus_max_pct = num()?,
            other => return Err(format!("unknown setting '{other}'")),
        }
        Ok(())
    }

    /// Probability (0–1) that an open deal in `stage` is won.
    pub fn probability(&self, stage: crate::model::Stage) -> f64 {
        stage
            .rank()
            .and_then(|r| self.stage_probability_pct.get(r as usize))
            .map(|p| *p as f64 / 100.0)
            .unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Stage;

    #[test]
    fn every_documented_key_applies() {
        let mut s = Settings::default();
        for (key, _) in KEYS {
            let value = if *key == "currency" { "usd" } else { "42" };
            s.apply(key, value).unwrap();
        }
        assert_eq!(s.currency, "USD");
        assert_eq!(s.probability(Stage::Proposal), 0.42);
    }

    #[test]
    fn bad_values_are_refused_with_the_key() {
        let mut s = Settings::default();
        assert!(
            s.apply("stage_probability.lead", "120")
                .unwrap_err()
                .contains("0–100")
        );
        assert!(
            s.apply("no_contact_days", "-1")
                .unwrap_err()
                .contains("no_contact_days")
        );
        assert!(s.apply("nope", "1").is_err());
        assert_eq!(s, Settings::default());
        assert_eq!(s.probability(Stage::Won), 0.0);
        assert_eq!(s.probability(Stage::Negotiation), 0.75);
    }
}
