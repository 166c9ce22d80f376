//! #34: every warning rule of SPEC §3 gathered into one list, newest first.

use super::compute::burnout;
use super::figures::{Kpis, RepKpis};
use crate::format;
use crate::model::{RepId, Timestamp};
use crate::settings::Settings;
use crate::store::Dataset;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// #3 revenue below the expected share of the target.
    BehindPace,
    /// #9 opportunity → win under the warning level.
    LowWinRate,
    /// #14 cycle more than the setting slower than the team.
    SlowCycle,
    /// #31 satisfaction low or falling.
    BurnoutRisk,
    /// #30 invoices past due.
    OverdueInvoices,
    /// #18 inquiries answered later than the SLA, or not at all.
    ResponseOverSla,
    /// #16 meetings below the minimum share of the paced target.
    MeetingsBelowMinimum,
    /// #32 knowledge test under the minimum.
    KnowledgeBelowMinimum,
    /// #17 fewer won deals per 100 calls than the rule of thumb.
    FewWinsPerCall,
    /// #21 customers not contacted for too long.
    CustomersNotContacted,
    /// #26 LTV : CAC under 3.
    LowLtvToCac,
}

impl AlertKind {
    pub const ALL: [AlertKind; 11] = [
        AlertKind::BehindPace,
        AlertKind::LowWinRate,
        AlertKind::SlowCycle,
        AlertKind::BurnoutRisk,
        AlertKind::OverdueInvoices,
        AlertKind::ResponseOverSla,
        AlertKind::MeetingsBelowMinimum,
        AlertKind::KnowledgeBelowMinimum,
        AlertKind::FewWinsPerCall,
        AlertKind::CustomersNotContacted,
        AlertKind::LowLtvToCac,
    ];

    /// The catalogue KPIs the rule reads: it can judge a scope only when each of them has
    /// its data there (without them "no alert" is not "nothing to warn about"). Meetings
    /// are judged against the plan's meetings target, which comes with the revenue target.
    pub fn kpis(self) -> &'static [&'static str] {
        match self {
            AlertKind::BehindPace => &["behind_pace"],
            AlertKind::LowWinRate => &["opportunity_to_win"],
            AlertKind::SlowCycle => &["cycle_days"],
            AlertKind::BurnoutRisk => &["satisfaction"],
            AlertKind::OverdueInvoices => &["receivables"],
            AlertKind::ResponseOverSla => &["response_minutes"],
            AlertKind::MeetingsBelowMinimum => &["meetings", "revenue_target"],
            AlertKind::KnowledgeBelowMinimum => &["knowledge"],
            AlertKind::FewWinsPerCall => &["won_per_100_calls"],
            AlertKind::CustomersNotContacted => &["engagement"],
            AlertKind::LowLtvToCac => &["ltv"],
        }
    }

    /// The rules that cannot judge the scope of `k` for lack of data.
    pub fn not_judged(k: &super::Kpis) -> Vec<AlertKind> {
        AlertKind::ALL
            .into_iter()
            .filter(|a| a.kpis().iter().any(|key| !k.knows(key)))
            .collect()
    }

    /// What to say when the scope of `k` has no alert: a ✓ only when every rule could
    /// judge it (the flag says which). One wording for the pane, the card and the report.
    pub fn none_text(k: &super::Kpis, lang: crate::format::Lang) -> (&'static str, bool) {
        if AlertKind::not_judged(k).is_empty() {
            (
                lang.t("✓ nothing to warn about", "✓ поводов для тревоги нет"),
                true,
            )
        } else {
            (
                lang.t(
                    "No alert from the rules that have their data.",
                    "Правила, для которых есть данные, сигналов не дали.",
                ),
                false,
            )
        }
    }

    /// "not judged, no data: burnout risk, meetings below minimum" for the rules that
    /// cannot judge the scope of `k`; `None` when every rule has its rows.
    pub fn not_judged_text(k: &super::Kpis, lang: crate::format::Lang) -> Option<String> {
        let kinds = AlertKind::not_judged(k);
        if kinds.is_empty() {
            return None;
        }
        let names: Vec<&str> = kinds.iter().map(|a| a.label(lang)).collect();
        Some(format!(
            "{}: {}",
            lang.t("not judged, no data", "не проверено, нет данных"),
            names.join(", ")
        ))
    }

    /// The kind in words.
    pub fn label(self, lang: crate::format::Lang) -> &'static str {
        match self {
            AlertKind::BehindPace => lang.t("behind pace", "отставание от темпа"),
            AlertKind::LowWinRate => lang.t("low win rate", "низкая доля выигрышей"),
            AlertKind::SlowCycle => lang.t("slow cycle", "долгий цикл"),
            AlertKind::BurnoutRisk => lang.t("burnout risk", "риск выгорания"),
            AlertKind::OverdueInvoices => lang.t("overdue invoices", "просроченные счета"),
            AlertKind::ResponseOverSla => lang.t("response over SLA", "ответ дольше SLA"),
            AlertKind::MeetingsBelowMinimum => lang.t("meetings below minimum", "мало встреч"),
            AlertKind::KnowledgeBelowMinimum => {
                lang.t("knowledge below minimum", "знания ниже минимума")
            }
            AlertKind::FewWinsPerCall => lang.t("few wins per call", "мало выигрышей на звонок"),
            AlertKind::CustomersNotContacted => {
                lang.t("customers not contacted", "клиенты без контакта")
            }
            AlertKind::LowLtvToCac => lang.t("low LTV:CAC", "низкий LTV:CAC"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::BehindPace => "behind_pace",
            AlertKind::LowWinRate => "low_win_rate",
            AlertKind::SlowCycle => "slow_cycle",
            AlertKind::BurnoutRisk => "burnout_risk",
            AlertKind::OverdueInvoices => "overdue_invoices",
            AlertKind::ResponseOverSla => "response_over_sla",
            AlertKind::MeetingsBelowMinimum => "meetings_below_minimum",
            AlertKind::KnowledgeBelowMinimum => "knowledge_below_minimum",
            AlertKind::FewWinsPerCall => "few_wins_per_call",
            AlertKind::CustomersNotContacted => "customers_not_contacted",
            AlertKind::LowLtvToCac => "low_ltv_to_cac",
        }
    }
}

/// One warning. `value` and `threshold` carry the numbers so the board can word it in
/// any language; `message` is the English wording used by reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    pub kind: AlertKind,
    pub rep_id: Option<RepId>,
    pub rep: Option<String>,
    /// When the condition arose (survey date, due date, inquiry time…); for figures of the
    /// period as a whole, the start of the day they are "as of" (for ordering only: those
    /// alerts name their `period` instead).
    pub at: Timestamp,
    /// For alerts about the period's figures as a whole (behind pace, win rate, cycle,
    /// meetings, calls, contact gaps, LTV : CAC): the period they concern. `None` for an
    /// alert about one event (a survey, a test, an invoice, an inquiry), which has `at`.
    pub period: Option<crate::period::Period>,
    pub value: f64,
    pub threshold: f64,
    pub message: String,
}

/// Period facts the rules need besides the KPIs.
pub(crate) struct Input {
    pub settings: Settings,
    pub cur: (Timestamp, Timestamp),
    pub snapshot: Timestamp,
    /// Start of the as-of day: the time stamped on alerts about the period as a whole.
    pub stamp: Timestamp,
    pub as_of: NaiveDate,
    pub start_of: fn(NaiveDate) -> Timestamp,
    /// The period the report is for.
    pub period: crate::period::Period,
}

/// Minimum closed opportunities before a win rate is judged.
const MIN_CLOSED_FOR_WIN_RATE: i64 = 5;
/// Minimum won deals before a cycle is compared with the team.
const MIN_WON_FOR_CYCLE: i64 = 3;
/// Minimum calls before the wins-per-call rule of thumb is applied.
pub const MIN_CALLS_FOR_RULE: i64 = 100;

pub(crate) fn gather(
    input: &Input,
    reps: &[RepKpis],
    total: &Kpis,
    scope: &str,
    data: &Dataset,
) -> Vec<Alert> {
    let s = &input.settings;
    let mut out = Vec::new();
    let pct = |v: f64| format!("{:.0}%", v * 100.0);
    // Each rep's rows, in the dataset's order (one pass over each table, not one per rep).
    fn by_rep<T>(rows: &[T], rep: impl Fn(&T) -> RepId) -> HashMap<RepId, Vec<&T>> {
        let mut m: HashMap<RepId, Vec<&T>> = HashMap::new();
        for x in rows {
            m.entry(rep(x)).or_default().push(x);
        }
        m
    }
    let surveys_of = by_rep(&data.surveys, |x| x.rep_id);
    let invoices_of = by_rep(&data.invoices, |x| x.rep_id);
    let inquiries_of = by_rep(&data.inquiries, |x| x.rep_id);
    let tests_of = by_rep(&data.knowledge, |x| x.rep_id);
    for r in reps {
        if !r.rep.active {
            continue;
        }
        let k = &r.kpis;
        let name = r.rep.name.clone();
        // `at`: when the event happened; `None` for the period's figures as a whole.
        let mut push =
            |kind, at: Option<Timestamp>, value: f64, threshold: f64, message: String| {
                out.push(Alert {
                    kind,
                    rep_id: Some(r.rep.id),
                    rep: Some(name.clone()),
                    at: at.unwrap_or(input.stamp),
                    period: at.is_none().then_some(input.period),
                    value,
                    threshold,
                    message: format!("{name}: {message}"),
                });
            };
        if k.pace.behind {
            let done = k.revenue_attainment.unwrap_or(0.0);
            let expected = k.pace.expected_share.unwrap_or(0.0);
            push(
                AlertKind::BehindPace,
                None,
                done,
                expected,
                format!(
                    "behind pace — {} of target, {} expected by now",
                    pct(done),
                    pct(expected)
                ),
            );
        }
        let f = &k.funnel;
        if let Some(rate) = f.opportunity_to_win
            && f.closed_won + f.closed_lost >= MIN_CLOSED_FOR_WIN_RATE
            && f.win_rate_low
        {
            push(
                AlertKind::LowWinRate,
                None,
                rate,
                s.win_rate_warn_pct as f64 / 100.0,
                format!(
                    "opportunity → win {} (under {}%, {} of {} closed)",
                    pct(rate),
                    s.win_rate_warn_pct,
                    f.closed_won,
                    f.closed_won + f.closed_lost
                ),
            );
        }
        if k.cycle.slow
            && k.cycle.won_deals >= MIN_WON_FOR_CYCLE
            && let (Some(m), Some(b), Some(v)) = (
                k.cycle.mean_days,
                k.cycle.baseline_days,
                k.cycle.vs_baseline,
            )
        {
            push(
                AlertKind::SlowCycle,
                None,
                m,
                b,
                format!(
                    "sales cycle {m:.0} days, {} slower than the team's {b:.0} — may need coaching",
                    pct(v)
                ),
            );
        }
        let surveys: Vec<_> = surveys_of
            .get(&r.rep.id)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter(|x| x.taken_on <= input.as_of)
            .collect();
        if let Some(last) = surveys.last() {
            let before = surveys
                .len()
                .checked_sub(2)
                .and_then(|i| surveys.get(i))
                .map(|b| b.score);
            if burnout(s, last.score, before) {
                let why = match before {
                    Some(b) if b - last.score >= s.burnout_drop => {
                        format!("satisfaction fell from {b} to {}", last.score)
                    }
                    _ => format!("satisfaction {}/10", last.score),
                };
                push(
                    AlertKind::BurnoutRisk,
                    Some((input.start_of)(last.taken_on)),
                    last.score as f64,
                    s.burnout_score as f64,
                    format!("burnout risk — {why} on {}", last.taken_on),
                );
            }
        }
        let overdue: Vec<_> = invoices_of
            .get(&r.rep.id)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter(|i| {
                i.issued_on <= input.as_of
                    && i.due_on < input.as_of
                    && i.paid_on.is_none_or(|p| p > input.as_of)
            })
            .collect();
        if let Some(latest) = overdue.iter().map(|i| i.due_on).max() {
            let sum: i64 = overdue.iter().fold(0i64, |a, i| a.saturating_add(i.amount));
            push(
                AlertKind::OverdueInvoices,
                Some((input.start_of)(latest)),
                sum as f64,
                0.0,
                format!(
                    "{} overdue invoice(s), {} {}, up to {} days",
                    overdue.len(),
                    format::group(sum / 100, format::Lang::En),
                    data.settings.currency,
                    k.receivables.max_days_overdue
                ),
            );
        }
        let a = &k.activity;
        if a.over_sla > 0 {
            let latest = inquiries_of
                .get(&r.rep.id)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .filter(|q| {
                    q.received_at >= input.cur.0
                        && q.received_at < input.cur.1
                        && q.first_response_at.unwrap_or(input.snapshot) - q.received_at
                            > s.response_sla_minutes * 60
                })
                .map(|q| q.received_at)
                .max();
            push(
                AlertKind::ResponseOverSla,
                latest,
                a.over_sla as f64,
                s.response_sla_minutes as f64,
                format!(
                    "{} of {} inquiries answered later than {} min or not at all",
                    a.over_sla, a.inquiries, s.response_sla_minutes
                ),
            );
        }
        if a.meetings_below_minimum {
            let pace = a.meetings_pace.unwrap_or(0.0);
            push(
                AlertKind::MeetingsBelowMinimum,
                None,
                pace,
                s.meetings_min_pct as f64 / 100.0,
                format!(
                    "{} meetings, {} of the paced target (minimum {}%)",
                    a.meetings.now,
                    pct(pace),
                    s.meetings_min_pct
                ),
            );
        }
        if let Some(t) = tests_of
            .get(&r.rep.id)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .rev()
            .find(|x| x.taken_on <= input.as_of)
            && t.score < s.knowledge_min_pct
        {
            push(
                AlertKind::KnowledgeBelowMinimum,
                Some((input.start_of)(t.taken_on)),
                t.score as f64,
                s.knowledge_min_pct as f64,
                format!(
                    "product knowledge test {}% on {} (minimum {}%)",
                    t.score, t.taken_on, s.knowledge_min_pct
                ),
            );
        }
        if a.few_wins_per_call
            && let Some(w) = a.won_per_100_calls
        {
            push(
                AlertKind::FewWinsPerCall,
                None,
                w,
                s.won_per_100_calls_min as f64,
                format!(
                    "{w:.1} won deals per 100 calls (rule of thumb: {})",
                    s.won_per_100_calls_min
                ),
            );
        }
        if a.not_contacted > 0 {
            push(
                AlertKind::CustomersNotContacted,
                None,
                a.not_contacted as f64,
                s.no_contact_days as f64,
                format!(
                    "{} customer(s) not contacted in {} days",
                    a.not_contacted, s.no_contact_days
                ),
            );
        }
    }
    if let Some(ratio) = total.customers.ltv_to_cac
        && ratio < 3.0
    {
        out.push(Alert {
            kind: AlertKind::LowLtvToCac,
            rep_id: None,
            rep: None,
            at: input.stamp,
            period: Some(input.period),
            value: ratio,
            threshold: 3.0,
            message: format!("{scope}: LTV : CAC is {ratio:.1} (healthy is 3 or more)"),
        });
    }
    out.sort_by(|a, b| {
        b.at.cmp(&a.at)
            .then(a.kind.cmp(&b.kind))
            .then(a.rep.cmp(&b.rep))
    });
    out
}
