//! The computed figures. Field names are the report's JSON keys (documented in
//! docs/report.md): renaming one is a breaking change for scripts.

use super::Alert;
use crate::model::{Campaign, Money, Rep, Team};
use crate::period::Period;
use chrono::NaiveDate;
use serde::Serialize;

/// A figure now and in the previous period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Compared<T> {
    pub now: T,
    pub prev: T,
}

/// Targets for the period (monthly plans prorated by working days); `None` when no plan
/// covers the scope in the period (no plan is not a target of 0).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct PeriodTargets {
    pub revenue: Option<Money>,
    pub units: Option<i64>,
    pub calls: Option<i64>,
    pub meetings: Option<i64>,
}

/// #3 pace and projection.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Pace {
    pub elapsed_working_days: i64,
    pub working_days: i64,
    /// Elapsed ÷ total working days.
    pub expected_share: Option<f64>,
    /// Actual ÷ elapsed × total.
    pub projected_revenue: Option<Money>,
    pub projected_units: Option<i64>,
    /// Actual revenue below the expected share of the revenue target.
    pub behind: bool,
}

/// #11 share of deals that reached a stage and moved on to the next one.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct StageStep {
    pub from: String,
    pub to: String,
    pub reached_from: i64,
    pub reached_to: i64,
    pub rate: Option<f64>,
    /// No deal of the window passed through one of the two stages (its `rate` is null):
    /// the stage is not used, not 100 % moved on.
    pub skipped: bool,
}

/// #13 open deals with one score.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct ScoreBucket {
    pub score: u8,
    pub deals: i64,
    pub value: Money,
}

/// #15 mean days spent in one stage.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct StageTime {
    pub stage: String,
    pub stays: i64,
    pub mean_days: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Funnel {
    /// Deals created in the period (the lead cohort).
    pub leads: i64,
    /// Of those, how many reached "qualified".
    pub qualified: i64,
    /// Of those, how many are won by now.
    pub won: i64,
    /// #8 qualified ÷ leads.
    pub lead_to_opportunity: Option<f64>,
    /// Qualified deals closed in the period: won and lost.
    pub closed_won: i64,
    pub closed_lost: i64,
    /// #9 won ÷ (won + lost) among qualified deals closed in the period.
    pub opportunity_to_win: Option<f64>,
    /// Opportunity → win under the `win_rate_warn_pct` setting.
    pub win_rate_low: bool,
    /// #10 won ÷ leads of the cohort.
    pub lead_conversion: Option<f64>,
    /// #11 stage-to-stage conversion along lead → qualified → proposal → negotiation → won.
    pub stages: Vec<StageStep>,
    /// Stages of that path that no deal of the window passed through (their steps are
    /// `skipped`).
    pub skipped_stages: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Pipeline {
    /// #12 open deals past "lead" at the end of the period (or now).
    pub open_opportunities: Compared<i64>,
    pub value: Compared<Money>,
    /// Deals that became opportunities in the period, per calendar day.
    pub new_per_day: Compared<Option<f64>>,
    pub value_change: Option<f64>,
    /// #5 won + Σ open deal amount × stage probability.
    pub forecast: Money,
    pub forecast_vs_target: Option<f64>,
    /// #13 open opportunities by score 1–5 (and deals without a score as score 0).
    pub by_score: Vec<ScoreBucket>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Cycle {
    /// #14 days from created to won, for deals won in the period.
    pub won_deals: i64,
    pub mean_days: Option<f64>,
    pub median_days: Option<f64>,
    /// The rep's team's mean (for a team: its parent's), the coaching baseline.
    pub baseline_days: Option<f64>,
    /// Mean ÷ baseline − 1.
    pub vs_baseline: Option<f64>,
    /// More than the slow-cycle setting above the baseline.
    pub slow: bool,
    /// That setting as a fraction (0.25 = 25 % slower than the baseline).
    pub slow_threshold: f64,
    /// #15 time in stage.
    pub time_in_stage: Vec<StageTime>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Activity {
    /// #16 calls and meetings vs plan.
    pub calls: Compared<i64>,
    pub meetings: Compared<i64>,
    pub calls_attainment: Option<f64>,
    pub meetings_attainment: Option<f64>,
    /// Calls ÷ (expected share × calls target).
    pub calls_pace: Option<f64>,
    pub meetings_pace: Option<f64>,
    pub meetings_below_minimum: bool,
    /// #17 won deals per 100 calls, and calls per won deal.
    pub won_per_100_calls: Option<f64>,
    /// Under the `won_per_100_calls_min` rule of thumb, judged from 100 calls on.
    pub few_wins_per_call: bool,
    pub calls_per_won: Option<f64>,
    /// #18 response time, minutes, for inquiries received in the period.
    pub inquiries: i64,
    pub unanswered: i64,
    pub response_median_min: Option<f64>,
    pub response_p90_min: Option<f64>,
    pub over_sla: i64,
    pub sla_minutes: i64,
    /// #21 calls and meetings with a customer ÷ active customers.
    pub per_active_customer: Option<f64>,
    pub not_contacted: i64,
    pub not_contacted_days: i64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Customers {
    /// Active at some point in the period.
    pub active: i64,
    pub active_at_start: i64,
    pub new: Compared<i64>,
    pub churned: i64,
    /// #22 churned ÷ active at start.
    pub churn_rate: Option<f64>,
    /// #23 new customers (first won deal) who churned within the window after it.
    pub sold: i64,
    pub churned_after_sale: i64,
    pub churn_after_sale: Option<f64>,
    /// #20 customers with two or more won deals, and their share of the period's revenue.
    pub repeat_customers: i64,
    pub repeat_revenue_share: Option<f64>,
    /// #24 revenue ÷ active customers (for the period), and per month.
    pub arpu: Option<Money>,
    pub arpu_monthly: Option<Money>,
    /// #25 acquisition cost in the period ÷ new customers.
    pub acquisition_cost: Money,
    pub cac: Option<Money>,
    /// #26 LTV = monthly ARPU × gross margin × lifetime (1 ÷ monthly churn, capped) − CAC.
    pub lifetime_months: Option<f64>,
    /// The lifetime is the `lifetime_cap_months` setting, not a figure from data (no churn
    /// in the period, none recorded at all, or so little that the lifetime reaches the cap).
    pub lifetime_capped: bool,
    pub ltv: Option<Money>,
    pub ltv_to_cac: Option<f64>,
}

impl Customers {
    /// When the lifetime behind LTV is the cap setting rather than a figure from data, what
    /// to say about it: "no churn: lifetime is the cap, 60 months", or "low churn: …
    /// capped at 60 months" when churn was seen but would give a longer lifetime.
    pub fn lifetime_note(&self, lang: crate::format::Lang) -> Option<String> {
        let months = self
            .lifetime_months
            .filter(|_| self.lifetime_capped && self.ltv.is_some())?;
        Some(if self.churn_rate.is_some_and(|r| r > 0.0) {
            format!(
                "{} {months:.0} {}",
                lang.t(
                    "low churn: lifetime capped at",
                    "отток низкий: срок ограничен"
                ),
                lang.t("months", "мес.")
            )
        } else {
            format!(
                "{} {months:.0} {}",
                lang.t(
                    "no churn: lifetime is the cap,",
                    "оттока нет: срок — предел,"
                ),
                lang.t("months", "мес.")
            )
        })
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Receivables {
    /// #30 as of the end of the period (or today).
    pub as_of: Option<NaiveDate>,
    pub outstanding: Money,
    pub overdue: Money,
    pub overdue_invoices: i64,
    pub max_days_overdue: i64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct People {
    /// #31 latest satisfaction score (1–10) per rep, averaged over the scope.
    pub satisfaction: Option<f64>,
    pub satisfaction_prev: Option<f64>,
    /// Monthly averages of the last surveys, oldest first.
    pub satisfaction_trend: Vec<f64>,
    pub burnout_risk: i64,
    /// #32 latest knowledge test score, averaged; reps under the minimum.
    pub knowledge: Option<f64>,
    pub knowledge_below_min: i64,
    pub knowledge_trend: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Composite {
    /// #33 weighted mean of capped attainments (revenue, units, calls, meetings), paced
    /// while the period runs.
    pub score: Option<f64>,
    pub bonus_coefficient: Option<f64>,
}

/// Every KPI for one scope and period.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Kpis {
    pub targets: PeriodTargets,
    /// Won revenue (Σ amount of deals won in the period).
    pub revenue: Compared<Money>,
    pub units: Compared<i64>,
    pub won_deals: Compared<i64>,
    /// #1, #2 attainment.
    pub revenue_attainment: Option<f64>,
    pub units_attainment: Option<f64>,
    pub pace: Pace,
    /// #4 (revenue − previous) ÷ previous.
    pub growth: Option<f64>,
    /// #6 won revenue ÷ won deals.
    pub average_deal: Compared<Option<Money>>,
    /// #7 profit = Σ (amount − cost); margin = profit ÷ revenue.
    pub profit: Option<Money>,
    pub margin: Option<f64>,
    /// #29 revenue ÷ units.
    pub average_unit_price: Compared<Option<Money>>,
    /// #19 upsell and cross-sell.
    pub upsell_revenue: Money,
    pub upsell_deals: i64,
    pub cross_sell_revenue: Money,
    pub cross_sell_deals: i64,
    pub upsell_cross_sell_share: Option<f64>,
    pub funnel: Funnel,
    pub pipeline: Pipeline,
    pub cycle: Cycle,
    pub activity: Activity,
    pub customers: Customers,
    pub receivables: Receivables,
    pub people: People,
    pub composite: Composite,
    /// Won revenue per day of the period (index 0 = first day), for the chart.
    pub daily_revenue: Vec<Money>,
    /// The KPIs (catalogue keys) whose source rows are absent for this scope, each with
    /// the kinds of rows it lacks: they show "—", their figures are `null` in JSON.
    pub no_data: std::collections::BTreeMap<&'static str, Vec<super::Source>>,
}

impl Kpis {
    /// True unless the KPI `key` (a catalogue key) lacks its source rows for this scope.
    pub fn knows(&self, key: &str) -> bool {
        !self.no_data.contains_key(key)
    }

    /// The kinds of rows KPI `key` lacks for this scope (empty when it has them all).
    pub fn lacks(&self, key: &str) -> &[super::Source] {
        self.no_data.get(key).map(Vec::as_slice).unwrap_or(&[])
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepKpis {
    pub rep: Rep,
    pub team: String,
    pub kpis: Kpis,
    /// Latest satisfaction scores, oldest first (the rep card's sparkline).
    pub satisfaction_history: Vec<i64>,
    pub knowledge_history: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamKpis {
    pub team: Team,
    /// Depth in the team tree (0 for a department at the top).
    pub depth: usize,
    pub reps: usize,
    pub kpis: Kpis,
}

/// #28 and #29 by location, and #29 by product line.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Breakdown {
    pub name: String,
    pub revenue: Compared<Money>,
    pub won_deals: i64,
    pub units: i64,
    /// Σ revenue targets of the reps of this region (locations only).
    pub target: Option<Money>,
    pub attainment: Option<f64>,
    pub average_unit_price: Compared<Option<Money>>,
    pub unit_price_change: Option<f64>,
}

/// #27 incremental sales by campaign.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignKpis {
    pub campaign: Campaign,
    /// Won revenue in the period from deals of this campaign.
    pub revenue: Money,
    pub won_deals: i64,
    /// The baseline revenue and cost for the part of the campaign inside the period.
    pub baseline: Money,
    pub cost: Money,
    pub incremental: Money,
    pub margin: Option<f64>,
    /// (incremental × margin − cost) ÷ cost.
    pub roi: Option<f64>,
    /// Customers of the scope acquired through the campaign in the period.
    pub new_customers: i64,
    /// The campaign's cost in the period ÷ all customers it brought in the period.
    pub cac: Option<Money>,
}

/// What the figures of a report are built from: how many rows of each kind its window
/// (the period and the one before) holds, for every team it may show. A kind with no rows
/// leaves the KPIs that need it blank (see [`super::catalogue`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Coverage {
    /// Deals created, closed or open in the window.
    pub deals: i64,
    /// Of those, deals with stage history.
    pub deals_with_history: i64,
    /// Won deals of the period, and those with a cost of goods.
    pub won: i64,
    pub won_with_cost: i64,
    /// Lost deals of the window, and those that do not say where they were lost (no
    /// `lost_from_stage`, no history: they count as lost at lead).
    pub lost: i64,
    pub lost_without_stage: i64,
    /// Monthly plan rows (reps' and teams') for the period's months.
    pub plans: i64,
    /// Calls and meetings in the window.
    pub calls_and_meetings: i64,
    /// Satisfaction surveys and knowledge tests up to the period's end.
    pub surveys: i64,
    pub tests: i64,
    /// Campaigns that ran in the period, and other acquisition spending rows in it.
    pub campaigns: i64,
    pub acquisition_costs: i64,
    /// Inquiries received in the window; invoices open in it.
    pub inquiries: i64,
    pub invoices: i64,
    /// Customers, deals of the window that name their customer, customers with a churn date.
    pub customers: i64,
    pub deals_with_customer: i64,
    pub churned_customers: i64,
    /// Deals of the window with a score, and with a kind other than `new`.
    pub scored_deals: i64,
    pub deals_of_other_kinds: i64,
    /// The stages of lead → … → won that some deal of the window passed through (lead
    /// and won always); the others are skipped in stage-to-stage conversion.
    pub stages_used: Vec<crate::model::Stage>,
}

impl Coverage {
    /// How many rows of `source` the window has, and out of how many when it is a share
    /// of something (won deals with a cost, of all won deals).
    pub fn rows(&self, source: super::Source) -> (i64, Option<i64>) {
        use super::Source as S;
        match source {
            S::Deals => (self.deals, None),
            S::StageHistory => (self.deals_with_history, Some(self.deals)),
            S::LossStage => (self.lost - self.lost_without_stage, Some(self.lost)),
            S::CostOfGoods => (self.won_with_cost, Some(self.won)),
            S::Plans => (self.plans, None),
            S::Activities => (self.calls_and_meetings, None),
            S::Surveys => (self.surveys, None),
            S::Tests => (self.tests, None),
            S::AcquisitionCost => (self.campaigns + self.acquisition_costs, None),
            S::Inquiries => (self.inquiries, None),
            S::Invoices => (self.invoices, None),
            S::Customers => (self.deals_with_customer, Some(self.deals)),
            S::ChurnDates => (self.churned_customers, Some(self.customers)),
            S::Scores => (self.scored_deals, Some(self.deals)),
            S::DealKinds => (self.deals_of_other_kinds, Some(self.deals)),
        }
    }
}

/// The whole computation for one period and scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub period: Period,
    pub previous: Period,
    pub as_of: NaiveDate,
    pub currency: String,
    /// What the figures cover: "company", or a team's or rep's name.
    pub scope: String,
    /// Figures for the whole scope.
    pub total: Kpis,
    /// Teams inside the scope (the scope's own team first), depth-first.
    pub teams: Vec<TeamKpis>,
    pub reps: Vec<RepKpis>,
    pub locations: Vec<Breakdown>,
    pub products: Vec<Breakdown>,
    pub campaigns: Vec<CampaignKpis>,
    /// #34 every warning, newest first.
    pub alerts: Vec<Alert>,
    /// What the figures are built from (the rows of each kind in the window).
    pub coverage: Coverage,
    /// The KPI rules the figures were computed with (thresholds, weights).
    pub settings: crate::settings::Settings,
}
