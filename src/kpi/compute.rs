//! Computes [`Report`]s: groups the dataset's rows by rep once, then derives every KPI for
//! each scope (rep, team subtree, company) from the rows of the reps in it. Team figures are
//! therefore exactly the sum of their reps' rows; only targets may be set explicitly for a
//! team (a team plan), which overrides the sum of its members' plans.

use super::catalogue::{self, Have, Source};
use super::deal::{DealPath, open_at, stage_at};
use super::figures::*;
use super::{Ctx, alerts, growth, mean, median, percentile, ratio};
use crate::model::*;
use crate::period::{Period, working_days_between};
use crate::settings::Settings;
use crate::store::Dataset;
use chrono::{Datelike, Duration, NaiveDate};
use std::collections::BTreeMap;
// Maps keyed by small integer ids, built for every report: a fast non-cryptographic hash
// (the keys come from our own database, not from an attacker choosing collisions).
type HashMap<K, V> = rustc_hash::FxHashMap<K, V>;
type HashSet<K> = rustc_hash::FxHashSet<K>;

/// What a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Company,
    Team(TeamId),
    Rep(RepId),
}

/// How many monthly points the satisfaction and knowledge trends keep.
const TREND_POINTS: usize = 6;

/// Rows of the dataset grouped for quick access by rep and deal.
struct Index<'a> {
    data: &'a Dataset,
    ctx: &'a Ctx,
    s: &'a Settings,
    cur: (Timestamp, Timestamp),
    prev_period: Period,
    prev: (Timestamp, Timestamp),
    /// The moment "open" pipeline figures are taken at: the period's end, or now-ish
    /// (the end of today) while the period runs.
    snapshot: Timestamp,
    as_of: NaiveDate,
    deals_by_rep: HashMap<RepId, Vec<usize>>,
    paths: Vec<DealPath>,
    /// Per deal (same order as `data.deals`): what every scope asks of it, worked out once.
    facts: Vec<DealFacts>,
    /// Per customer (same order as `data.customers`).
    customer_facts: Vec<CustomerFacts>,
    days_by_rep: HashMap<RepId, Vec<&'a ActivityDay>>,
    /// Indexes into `data.customers`, by owning rep.
    customers_by_rep: HashMap<Option<RepId>, Vec<usize>>,
    inquiries_by_rep: HashMap<RepId, Vec<&'a Inquiry>>,
    invoices_by_rep: HashMap<RepId, Vec<&'a Invoice>>,
    surveys_by_rep: HashMap<RepId, Vec<&'a Survey>>,
    tests_by_rep: HashMap<RepId, Vec<&'a Survey>>,
    rep_plans: HashMap<(RepId, NaiveDate), Targets>,
    team_plans: HashMap<(TeamId, NaiveDate), Targets>,
    children: HashMap<TeamId, Vec<TeamId>>,
    team_reps: HashMap<TeamId, Vec<RepId>>,
    /// Acquisition cost allocated to each customer acquired in the period.
    allocated_cost: HashMap<CustomerId, f64>,
    /// Campaign and other acquisition cost in the period that no new customer carries.
    total_acquisition_cost: f64,
    /// The kinds of rows the window has at all (the scope-level kinds are decided per
    /// scope in `finish`).
    have: Have,
    coverage: Coverage,
}

/// Counts the rows of each kind in the window, for every rep the data covers (not only the
/// reps a team's report prepares: every scope is judged against the same data).
fn coverage(data: &Dataset, ctx: &Ctx, cur: (Timestamp, Timestamp)) -> Coverage {
    let period = ctx.period;
    // Customers of reps the data holds, and those nobody owns (a dataset limited by the
    // access list keeps other teams' customers for spreading acquisition cost only).
    let reps: HashSet<RepId> = data.reps.iter().map(|r| r.id).collect();
    let reps = &reps;
    let customers = || {
        data.customers
            .iter()
            .filter(move |c| c.rep_id.is_none_or(|r| reps.contains(&r)))
    };
    let mut c = Coverage {
        deals: data.deals.len() as i64,
        surveys: data
            .surveys
            .iter()
            .filter(|x| x.taken_on < period.end)
            .count() as i64,
        tests: data
            .knowledge
            .iter()
            .filter(|x| x.taken_on < period.end)
            .count() as i64,
        campaigns: data
            .campaigns
            .iter()
            .filter(|c| c.starts_on < period.end && c.ends_on >= period.start)
            .count() as i64,
        acquisition_costs: data
            .acquisition_costs
            .iter()
            .filter(|a| period.contains(a.spent_on))
            .count() as i64,
        inquiries: data.inquiries.len() as i64,
        invoices: data.invoices.len() as i64,
        customers: customers().count() as i64,
        churned_customers: customers().filter(|c| c.churned_on.is_some()).count() as i64,
        calls_and_meetings: data.activity_days.iter().fold(0i64, |n, a| {
            n.saturating_add(a.calls).saturating_add(a.meetings)
        }),
        ..Coverage::default()
    };
    let months = period.months_touched();
    c.plans = data
        .plans
        .iter()
        .chain(&data.team_plans)
        .filter(|p| months.contains(&p.month))
        .count() as i64;
    // The stages of the path to a win that some deal of the window passed through: lead
    // and won always count (every deal starts as a lead; a win is an outcome, not a step a
    // sales process may leave out); the others when a deal is in one, was lost at one, or
    // its history names one. Indexed by `Stage as usize`.
    let mut used = [false; 6];
    used[Stage::Lead as usize] = true;
    used[Stage::Won as usize] = true;
    for ch in &data.stage_changes {
        if let Some(from) = ch.from_stage {
            used[from as usize] = true;
        }
        used[ch.to_stage as usize] = true;
    }
    // The stage changes come in the deals' order, each deal's together: walk both at once
    // (and look deals up in a sorted list if the orders ever differ).
    let changes = &data.stage_changes;
    let in_order = {
        let mut j = 0;
        for d in &data.deals {
            while j < changes.len() && changes[j].deal_id == d.id {
                j += 1;
            }
        }
        j == changes.len()
    };
    let sorted: Vec<DealId> = if in_order {
        Vec::new()
    } else {
        let mut v: Vec<DealId> = changes.iter().map(|c| c.deal_id).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let mut j = 0;
    for d in &data.deals {
        used[d.stage as usize] = true;
        if let Some(l) = d.lost_from_stage {
            used[l as usize] = true;
        }
        let history = if in_order {
            let start = j;
            while j < changes.len() && changes[j].deal_id == d.id {
                j += 1;
            }
            j > start
        } else {
            sorted.binary_search(&d.id).is_ok()
        };
        c.deals_with_history += i64::from(history);
        c.deals_with_customer += i64::from(d.customer_id.is_some());
        c.scored_deals += i64::from(d.score.is_some());
        c.deals_of_other_kinds += i64::from(d.kind != DealKind::New);
        if d.stage == Stage::Won && in_range(d.closed_at, cur) {
            c.won += 1;
            c.won_with_cost += i64::from(d.cost > 0);
        }
        if d.stage == Stage::Lost {
            c.lost += 1;
            c.lost_without_stage += i64::from(d.lost_from_stage.is_none() && !history);
        }
    }
    c.stages_used = Stage::PATH
        .iter()
        .filter(|s| used[**s as usize])
        .copied()
        .collect();
    c
}

/// The kinds of rows present in the window at all; the kinds judged per scope (plans,
/// costs, loss stages, surveys, tests) are set here as present and decided in `finish`.
fn window_have(c: &Coverage) -> Have {
    let mut h = Have::all();
    h.set(Source::Deals, c.deals > 0);
    h.set(Source::StageHistory, c.deals_with_history > 0);
    h.set(Source::Activities, c.calls_and_meetings > 0);
    h.set(
        Source::AcquisitionCost,
        c.campaigns + c.acquisition_costs > 0,
    );
    h.set(Source::Inquiries, c.inquiries > 0);
    h.set(Source::Invoices, c.invoices > 0);
    h.set(
        Source::Customers,
        c.customers > 0 && c.deals_with_customer > 0,
    );
    h.set(Source::ChurnDates, c.churned_customers > 0);
    h.set(Source::Scores, c.scored_deals > 0);
    h.set(Source::DealKinds, c.deals_of_other_kinds > 0);
    h
}

/// The rows whose key `keep` accepts, grouped by that key (in their order).
fn group<'a, T, K: std::hash::Hash + Eq>(
    rows: &'a [T],
    key: impl Fn(&T) -> K,
    keep: impl Fn(&K) -> bool,
) -> HashMap<K, Vec<&'a T>> {
    let mut m: HashMap<K, Vec<&'a T>> = HashMap::default();
    for r in rows {
        let k = key(r);
        if keep(&k) {
            m.entry(k).or_default().push(r);
        }
    }
    m
}

/// Each team's sub-teams and own reps.
type TeamTree = (HashMap<TeamId, Vec<TeamId>>, HashMap<TeamId, Vec<RepId>>);

fn team_tree(data: &Dataset) -> TeamTree {
    let mut children: HashMap<TeamId, Vec<TeamId>> = HashMap::default();
    for t in &data.teams {
        if let Some(p) = t.parent_id {
            children.entry(p).or_default().push(t.id);
        }
    }
    let mut team_reps: HashMap<TeamId, Vec<RepId>> = HashMap::default();
    for r in &data.reps {
        team_reps.entry(r.team_id).or_default().push(r.id);
    }
    (children, team_reps)
}

/// All reps of a team's subtree, sorted.
fn subtree(
    children: &HashMap<TeamId, Vec<TeamId>>,
    team_reps: &HashMap<TeamId, Vec<RepId>>,
    team: TeamId,
) -> Vec<RepId> {
    let mut out = Vec::new();
    let mut stack = vec![(team, 0usize)];
    while let Some((t, depth)) = stack.pop() {
        out.extend(team_reps.get(&t).into_iter().flatten().copied());
        // The depth guard keeps a (schema-forbidden, but possible via raw SQL) cycle finite.
        if depth < 32 {
            for c in children.get(&t).into_iter().flatten() {
                stack.push((*c, depth + 1));
            }
        }
    }
    out.sort_unstable();
    out
}

/// Days of `[a_start, a_end]` (inclusive) that fall inside `[b_start, b_end)`.
fn overlap_days(a_start: NaiveDate, a_end: NaiveDate, b_start: NaiveDate, b_end: NaiveDate) -> i64 {
    let from = a_start.max(b_start);
    let to = (a_end + Duration::days(1)).min(b_end);
    (to - from).num_days().max(0)
}

fn in_range(t: Option<Timestamp>, (from, to): (Timestamp, Timestamp)) -> bool {
    t.is_some_and(|t| t >= from && t < to)
}

/// What the per-scope loops need of one deal, computed once per report instead of once per
/// scope (a deal is visited by its rep, each team above and the company).
#[derive(Debug, Clone, Copy, Default)]
struct DealFacts {
    /// Won in the period: its day's index in the period (for the daily chart), if inside.
    won_now: bool,
    won_day: Option<usize>,
    /// The open stage at the period's snapshot, when the deal was open then.
    stage_now: Option<Stage>,
    /// The same at the previous period's snapshot.
    stage_prev: Option<Stage>,
    /// Its customer has two won deals or more (#20).
    repeat_customer: bool,
}

/// What the per-scope loops need of one customer.
#[derive(Debug, Clone, Copy, Default)]
struct CustomerFacts {
    /// The instant of the start of the local day it was acquired.
    acquired_at: Timestamp,
    /// Sold before the period's end; and if so, churned within the after-sale window (#23).
    sold: bool,
    churned_after_sale: bool,
}

/// Local midnights for a span of days, so that converting between instants and local days
/// (done for thousands of rows per report) is a lookup instead of a time-zone computation.
struct Days {
    first: NaiveDate,
    /// `starts[i]` is the first instant of `days[i]` (`first + i`); one more than the days
    /// covered.
    starts: Vec<Timestamp>,
    days: Vec<NaiveDate>,
    ctx: Ctx,
}

impl Days {
    fn new(ctx: &Ctx, first: NaiveDate, last: NaiveDate) -> Days {
        let n = (last - first).num_days().clamp(0, 20_000) as usize + 2;
        let days: Vec<NaiveDate> = first.iter_days().take(n).collect();
        let starts = days.iter().map(|d| (ctx.start_of)(*d)).collect();
        Days {
            first,
            starts,
            days,
            ctx: *ctx,
        }
    }

    fn start_of(&self, day: NaiveDate) -> Timestamp {
        match usize::try_from((day - self.first).num_days()) {
            Ok(i) if i < self.starts.len() => self.starts[i],
            _ => (self.ctx.start_of)(day),
        }
    }

    fn day_of(&self, t: Timestamp) -> NaiveDate {
        let i = self.starts.partition_point(|s| *s <= t);
        if i == 0 || i == self.starts.len() {
            (self.ctx.day_of)(t)
        } else {
            self.days[i - 1]
        }
    }
}

/// `num ÷ target`, or `None` without a target (or a target of 0).
fn ratio_to(num: f64, target: Option<i64>) -> Option<f64> {
    target.and_then(|t| ratio(num, t as f64))
}

fn money(v: f64) -> Money {
    v.round() as Money
}

fn money_ratio(num: Money, den: i64) -> Option<Money> {
    ratio(num as f64, den as f64).map(money)
}

impl<'a> Index<'a> {
    /// With `only`, the per-rep rows (deals, activity, customers…) are prepared for those
    /// reps alone: a team's report needs its own reps and its parent team's (the cycle
    /// baseline), not the whole company's.
    fn new(data: &'a Dataset, ctx: &'a Ctx, only: Option<&HashSet<RepId>>) -> Index<'a> {
        let keep = |rep: RepId| only.is_none_or(|s| s.contains(&rep));
        let keep_owner = |rep: Option<RepId>| match rep {
            Some(r) => keep(r),
            None => only.is_none(),
        };
        let period = ctx.period;
        let prev_period = period.prev();
        let cur = ctx.bounds(&period);
        let prev = ctx.bounds(&prev_period);
        let end_of_today = (ctx.start_of)(ctx.today + Duration::days(1));
        let snapshot = cur.1.min(end_of_today);
        let prev_snapshot = prev.1.min(end_of_today);
        let as_of = period.last_day().min(ctx.today);

        let mut deals_by_rep: HashMap<RepId, Vec<usize>> = HashMap::default();
        let mut kept_deals: HashSet<DealId> = HashSet::default();
        for (i, d) in data.deals.iter().enumerate() {
            if keep(d.rep_id) {
                deals_by_rep.entry(d.rep_id).or_default().push(i);
                kept_deals.insert(d.id);
            }
        }
        let mut changes: HashMap<DealId, &[StageChange]> = HashMap::default();
        let mut start = 0;
        for i in 1..=data.stage_changes.len() {
            if i == data.stage_changes.len()
                || data.stage_changes[i].deal_id != data.stage_changes[start].deal_id
            {
                if start < i && kept_deals.contains(&data.stage_changes[start].deal_id) {
                    changes.insert(
                        data.stage_changes[start].deal_id,
                        &data.stage_changes[start..i],
                    );
                }
                start = i;
            }
        }
        // Deals of reps left out get empty placeholders: nothing reads them.
        let paths = data
            .deals
            .iter()
            .map(|d| {
                if keep(d.rep_id) {
                    DealPath::new(d, changes.get(&d.id).copied().unwrap_or(&[]))
                } else {
                    DealPath::default()
                }
            })
            .collect();

        // Local days from the earliest one any row needs to the latest.
        let earliest = data
            .customers
            .iter()
            .map(|c| c.acquired_on)
            .chain(
                data.deals
                    .iter()
                    .map(|d| d.created_at)
                    .min()
                    .map(|t| (ctx.day_of)(t)),
            )
            .fold(prev_period.start.min(period.start), NaiveDate::min);
        let days = Days::new(ctx, earliest, ctx.today.max(period.end));
        let customers: HashMap<CustomerId, &Customer> =
            data.customers.iter().map(|c| (c.id, c)).collect();
        let facts = data
            .deals
            .iter()
            .map(|d| {
                if !keep(d.rep_id) {
                    return DealFacts::default();
                }
                let won_now = d.stage == Stage::Won && in_range(d.closed_at, cur);
                let open_stage = |t: Timestamp| {
                    open_at(d, t)
                        .then(|| stage_at(d, changes.get(&d.id).copied().unwrap_or(&[]), t))
                };
                DealFacts {
                    won_now,
                    won_day: d.closed_at.filter(|_| won_now).and_then(|c| {
                        usize::try_from((days.day_of(c) - period.start).num_days()).ok()
                    }),
                    stage_now: open_stage(snapshot),
                    stage_prev: open_stage(prev_snapshot),
                    repeat_customer: d
                        .customer_id
                        .and_then(|c| customers.get(&c))
                        .is_some_and(|c| c.won_deals >= 2),
                }
            })
            .collect();
        let after_sale = data.settings.churn_after_sale_days;
        let customer_facts = data
            .customers
            .iter()
            .map(|c| {
                if !keep_owner(c.rep_id) {
                    return CustomerFacts::default();
                }
                let sold = c.first_won_at.is_some_and(|f| f < cur.1);
                CustomerFacts {
                    acquired_at: days.start_of(c.acquired_on),
                    sold,
                    churned_after_sale: sold
                        && matches!((c.churned_on, c.first_won_at),
                            (Some(ch), Some(f)) if (ch - days.day_of(f)).num_days() <= after_sale),
                }
            })
            .collect();
        let mut customers_by_rep: HashMap<Option<RepId>, Vec<usize>> = HashMap::default();
        for (i, c) in data.customers.iter().enumerate() {
            if keep_owner(c.rep_id) {
                customers_by_rep.entry(c.rep_id).or_default().push(i);
            }
        }
        let (children, team_reps) = team_tree(data);
        let by_rep = |rep: &RepId| keep(*rep);

        let mut ix = Index {
            data,
            ctx,
            s: &data.settings,
            cur,
            prev_period,
            prev,
            snapshot,
            as_of,
            deals_by_rep,
            paths,
            facts,
            customer_facts,
            days_by_rep: group(&data.activity_days, |a| a.rep_id, by_rep),
            customers_by_rep,
            inquiries_by_rep: group(&data.inquiries, |q| q.rep_id, by_rep),
            invoices_by_rep: group(&data.invoices, |i| i.rep_id, by_rep),
            surveys_by_rep: group(&data.surveys, |s| s.rep_id, by_rep),
            tests_by_rep: group(&data.knowledge, |s| s.rep_id, by_rep),
            rep_plans: data
                .plans
                .iter()
                .map(|p| ((p.owner_id, p.month), p.targets))
                .collect(),
            team_plans: data
                .team_plans
                .iter()
                .map(|p| ((p.owner_id, p.month), p.targets))
                .collect(),
            children,
            team_reps,
            allocated_cost: HashMap::default(),
            total_acquisition_cost: 0.0,
            have: Have::default(),
            coverage: coverage(data, ctx, cur),
        };
        ix.have = window_have(&ix.coverage);
        ix.allocate_acquisition_cost();
        ix
    }

    /// Spreads the period's acquisition spending over the customers acquired in it: each
    /// campaign's cost (prorated to the days of the campaign inside the period) over the
    /// customers it brought; other acquisition cost over all new customers.
    fn allocate_acquisition_cost(&mut self) {
        let p = self.ctx.period;
        let new: Vec<&Customer> = self
            .data
            .customers
            .iter()
            .filter(|c| p.contains(c.acquired_on))
            .collect();
        let mut total = 0.0;
        for c in &self.data.campaigns {
            let cost = campaign_share(c, &p) * c.cost as f64;
            total += cost;
            let brought: Vec<&&Customer> =
                new.iter().filter(|x| x.campaign_id == Some(c.id)).collect();
            if !brought.is_empty() {
                let each = cost / brought.len() as f64;
                for x in brought {
                    *self.allocated_cost.entry(x.id).or_default() += each;
                }
            }
        }
        let other: f64 = self
            .data
            .acquisition_costs
            .iter()
            .filter(|a| p.contains(a.spent_on))
            .map(|a| a.amount as f64)
            .sum();
        total += other;
        if !new.is_empty() {
            let each = other / new.len() as f64;
            for x in &new {
                *self.allocated_cost.entry(x.id).or_default() += each;
            }
        }
        self.total_acquisition_cost = total;
    }

    fn deals_of<'s>(
        &'s self,
        reps: &'s [RepId],
    ) -> impl Iterator<Item = (&'a Deal, &'s DealPath)> + 's {
        self.deals_with_facts(reps).map(|(d, p, _)| (d, p))
    }

    fn deals_with_facts<'s>(
        &'s self,
        reps: &'s [RepId],
    ) -> impl Iterator<Item = (&'a Deal, &'s DealPath, &'s DealFacts)> + 's {
        reps.iter().flat_map(move |r| {
            self.deals_by_rep
                .get(r)
                .into_iter()
                .flatten()
                .map(move |&i| (&self.data.deals[i], &self.paths[i], &self.facts[i]))
        })
    }

    fn customers_of<'s>(&'s self, reps: &'s [RepId]) -> impl Iterator<Item = usize> + 's {
        reps.iter().flat_map(move |r| {
            self.customers_by_rep
                .get(&Some(*r))
                .into_iter()
                .flatten()
                .copied()
        })
    }

    /// Share of a month's targets that falls in `period`, by working days.
    fn month_share(month: NaiveDate, period: &Period) -> f64 {
        let next = Period::containing(crate::period::PeriodKind::Month, month).end;
        let all = working_days_between(month, next);
        let inside = working_days_between(month.max(period.start), next.min(period.end));
        ratio(inside as f64, all as f64).unwrap_or(0.0)
    }

    /// A team's targets for a month: its explicit team plan, else the sum of its reps' and
    /// sub-teams' plans; `None` when nobody in it has a plan for the month.
    fn team_month(&self, team: TeamId, month: NaiveDate, depth: usize) -> Option<Targets> {
        if let Some(t) = self.team_plans.get(&(team, month)) {
            return Some(*t);
        }
        let mut sum: Option<Targets> = None;
        for r in self.team_reps.get(&team).into_iter().flatten() {
            if let Some(t) = self.rep_plans.get(&(*r, month)) {
                add_targets(&mut sum, t);
            }
        }
        // The depth guard keeps a (schema-forbidden, but possible via raw SQL) cycle finite.
        if depth < 32 {
            for c in self.children.get(&team).into_iter().flatten() {
                if let Some(t) = self.team_month(*c, month, depth + 1) {
                    add_targets(&mut sum, &t);
                }
            }
        }
        sum
    }

    /// The scope's targets for the period, each month's prorated by its working days in
    /// the period; `None` when no month of it has a plan for the scope.
    fn targets(&self, scope: Scope) -> PeriodTargets {
        let p = self.ctx.period;
        let (mut rev, mut units, mut calls, mut meetings) = (0.0, 0.0, 0.0, 0.0);
        let mut planned = false;
        for month in p.months_touched() {
            let share = Self::month_share(month, &p);
            let t = match scope {
                Scope::Rep(r) => self.rep_plans.get(&(r, month)).copied(),
                Scope::Team(t) => self.team_month(t, month, 0),
                Scope::Company => {
                    let mut sum = None;
                    for t in self.data.teams.iter().filter(|t| t.parent_id.is_none()) {
                        if let Some(x) = self.team_month(t.id, month, 0) {
                            add_targets(&mut sum, &x);
                        }
                    }
                    sum
                }
            };
            let Some(t) = t else { continue };
            planned = true;
            rev += t.revenue as f64 * share;
            units += t.units as f64 * share;
            calls += t.calls as f64 * share;
            meetings += t.meetings as f64 * share;
        }
        if !planned {
            return PeriodTargets::default();
        }
        PeriodTargets {
            revenue: Some(money(rev)),
            units: Some(units.round() as i64),
            calls: Some(calls.round() as i64),
            meetings: Some(meetings.round() as i64),
        }
    }

    /// All reps of a team's subtree.
    fn subtree_reps(&self, team: TeamId) -> Vec<RepId> {
        subtree(&self.children, &self.team_reps, team)
    }

    /// A rep's share of every figure, from that rep's rows alone: what a team's or the
    /// company's figures are summed from ([`Part::add`]), so each row is read once however
    /// deep the team tree is.
    fn part(&self, rep: RepId) -> Part {
        let s = self.s;
        let ctx = self.ctx;
        let period = ctx.period;
        let reps = [rep];
        let mut p = Part {
            daily: vec![0; period.days().max(0) as usize],
            ..Part::default()
        };
        for (d, path, f) in self.deals_with_facts(&reps) {
            for (sums, b, stage) in [
                (&mut p.now, self.cur, f.stage_now),
                (&mut p.before, self.prev, f.stage_prev),
            ] {
                if d.stage == Stage::Won && in_range(d.closed_at, b) {
                    sums.revenue = sums.revenue.saturating_add(d.amount);
                    sums.units = sums.units.saturating_add(d.units);
                    sums.won += 1;
                }
                if in_range(path.qualified_at, b) {
                    sums.new_opportunities += 1;
                }
                if stage.is_some_and(|st| st.rank().unwrap_or(0) >= 1) {
                    sums.open_opportunities += 1;
                    sums.pipeline_value = sums.pipeline_value.saturating_add(d.amount);
                }
            }
            // Won deals in the period: margin, kinds, cycle, repeat customers, daily revenue.
            if f.won_now {
                p.cost = p.cost.saturating_add(d.cost);
                match d.kind {
                    DealKind::Upsell => {
                        p.upsell_revenue = p.upsell_revenue.saturating_add(d.amount);
                        p.upsell_deals += 1;
                    }
                    DealKind::CrossSell => {
                        p.cross_sell_revenue = p.cross_sell_revenue.saturating_add(d.amount);
                        p.cross_sell_deals += 1;
                    }
                    _ => {}
                }
                if let Some(closed) = d.closed_at {
                    p.cycle_days.push((closed - d.created_at) as f64 / 86_400.0);
                }
                if let Some(slot) = f.won_day.and_then(|i| p.daily.get_mut(i)) {
                    *slot = slot.saturating_add(d.amount);
                }
                if f.repeat_customer {
                    p.repeat_revenue = p.repeat_revenue.saturating_add(d.amount);
                    p.repeat_ids.extend(d.customer_id);
                }
                if d.cost > 0 {
                    p.won_with_cost += 1;
                }
            }
            if !path.loss_stage_known(d)
                && (in_range(d.closed_at, self.cur) || in_range(Some(d.created_at), self.cur))
            {
                p.lost_unknown += 1;
            }
            // #9: qualified deals closed in the period.
            if path.was_qualified() && in_range(d.closed_at, self.cur) {
                match d.stage {
                    Stage::Won => p.closed_won += 1,
                    Stage::Lost => p.closed_lost += 1,
                    _ => {}
                }
            }
            // #8, #10, #11: the cohort of deals created in the period.
            if in_range(Some(d.created_at), self.cur) {
                p.leads += 1;
                for (i, slot) in p.reached.iter_mut().enumerate() {
                    if path.reached as usize >= i {
                        *slot += 1;
                    }
                }
                if path.was_qualified() {
                    p.qualified += 1;
                }
                if d.stage == Stage::Won {
                    p.cohort_won += 1;
                }
            }
            // #15: stays that ended in the period.
            for (stage, entered, left) in &path.stays {
                if let (Some(rank), true) = (stage.rank(), in_range(*left, self.cur))
                    && let Some(v) = p.stage_days.get_mut(rank as usize)
                {
                    v.push((left.unwrap_or(*entered) - entered) as f64 / 86_400.0);
                }
            }
            // #5, #13: deals open at the snapshot.
            if let Some(stage) = f.stage_now {
                p.forecast_open += d.amount as f64 * s.probability(stage);
                if stage.rank().unwrap_or(0) >= 1 {
                    let b = &mut p.by_score[usize::from(d.score.unwrap_or(0).min(5))];
                    b.0 += 1;
                    b.1 = b.1.saturating_add(d.amount);
                }
            }
        }
        for a in self.days_by_rep.get(&rep).into_iter().flatten() {
            if period.contains(a.day) {
                p.now.calls = p.now.calls.saturating_add(a.calls);
                p.now.meetings = p.now.meetings.saturating_add(a.meetings);
                p.with_customer = p.with_customer.saturating_add(a.with_customer);
            }
            if self.prev_period.contains(a.day) {
                p.before.calls = p.before.calls.saturating_add(a.calls);
                p.before.meetings = p.before.meetings.saturating_add(a.meetings);
            }
        }

        // #18 response time.
        let sla = s.response_sla_minutes * 60;
        for q in self.inquiries_by_rep.get(&rep).into_iter().flatten() {
            if !in_range(Some(q.received_at), self.cur) {
                continue;
            }
            p.inquiries += 1;
            match q.first_response_at {
                Some(at) => {
                    p.minutes.push((at - q.received_at) as f64 / 60.0);
                    if at - q.received_at > sla {
                        p.over_sla += 1;
                    }
                }
                None => {
                    p.unanswered += 1;
                    if self.snapshot - q.received_at > sla {
                        p.over_sla += 1;
                    }
                }
            }
        }

        // #21 engagement, and #20, #22–#26 over the rep's own customers.
        let cutoff = self.snapshot - s.no_contact_days * 86_400;
        for i in self.customers_of(&reps) {
            let c = &self.data.customers[i];
            if active_during(c, &period) {
                p.engaged_active += 1;
            }
            if active_at(c, self.as_of) && c.acquired_on <= self.as_of {
                let acquired = self.customer_facts[i].acquired_at;
                let last = c.last_contact_at.unwrap_or(acquired).max(acquired);
                if last < cutoff {
                    p.not_contacted += 1;
                }
            }
            self.count_customer(&mut p, i);
        }

        // #30 receivables.
        let as_of = self.as_of;
        for i in self.invoices_by_rep.get(&rep).into_iter().flatten() {
            if i.issued_on > as_of || i.paid_on.is_some_and(|p| p <= as_of) {
                continue;
            }
            p.outstanding = p.outstanding.saturating_add(i.amount);
            if i.due_on < as_of {
                p.overdue = p.overdue.saturating_add(i.amount);
                p.overdue_invoices += 1;
                p.max_days_overdue = p.max_days_overdue.max((as_of - i.due_on).num_days());
            }
        }

        // #31, #32 the rep's latest survey and test.
        let taken_before_end = |by_rep: &HashMap<RepId, Vec<&'a Survey>>| -> Vec<&'a Survey> {
            by_rep
                .get(&rep)
                .into_iter()
                .flatten()
                .filter(|x| x.taken_on < period.end)
                .copied()
                .collect()
        };
        let surveys = taken_before_end(&self.surveys_by_rep);
        if let Some(last) = surveys.last() {
            p.latest.push(last.score as f64);
            let before = surveys.len().checked_sub(2).and_then(|i| surveys.get(i));
            if let Some(b) = before {
                p.previous.push(b.score as f64);
            }
            if burnout(s, last.score, before.map(|b| b.score)) {
                p.burnout_risk += 1;
            }
        }
        add_monthly(&mut p.sat_months, &surveys);
        let taken = taken_before_end(&self.tests_by_rep);
        if let Some(last) = taken.last() {
            p.tests.push(last.score as f64);
            if last.score < s.knowledge_min_pct {
                p.knowledge_below_min += 1;
            }
        }
        add_monthly(&mut p.test_months, &taken);
        p
    }

    /// The customers nobody owns: they count for the company's customer figures only.
    fn unowned_part(&self) -> Part {
        let mut p = Part::default();
        for i in self.customers_by_rep.get(&None).into_iter().flatten() {
            self.count_customer(&mut p, *i);
        }
        p
    }

    /// #20, #22–#26: one customer's counts.
    fn count_customer(&self, p: &mut Part, i: usize) {
        let period = self.ctx.period;
        let x = &self.data.customers[i];
        let facts = &self.customer_facts[i];
        let c = &mut p.customers;
        if active_during(x, &period) {
            c.active += 1;
        }
        let carried = carried_into(x, &period);
        if carried {
            c.active_at_start += 1;
        }
        if period.contains(x.acquired_on) {
            c.new.now += 1;
            p.allocated += self.allocated_cost.get(&x.id).copied().unwrap_or(0.0);
        }
        if self.prev_period.contains(x.acquired_on) {
            c.new.prev += 1;
        }
        // #22: of the customers carried into the period, those lost during it (customers
        // won and lost inside the period are not in the base, so the rate stays ≤ 100 %).
        if carried && x.churned_on.is_some_and(|d| period.contains(d)) {
            c.churned += 1;
        }
        if facts.sold {
            c.sold += 1;
            if facts.churned_after_sale {
                c.churned_after_sale += 1;
            }
        }
    }

    /// Every figure of a scope from the sum of its reps' parts.
    fn finish(&self, scope: Scope, p: &Part, baseline: Option<f64>) -> Kpis {
        let s = self.s;
        let ctx = self.ctx;
        let period = ctx.period;
        let (now, before) = (&p.now, &p.before);
        let targets = self.targets(scope);
        let mut k = Kpis {
            targets,
            revenue: Compared {
                now: now.revenue,
                prev: before.revenue,
            },
            units: Compared {
                now: now.units,
                prev: before.units,
            },
            won_deals: Compared {
                now: now.won,
                prev: before.won,
            },
            revenue_attainment: ratio_to(now.revenue as f64, targets.revenue),
            units_attainment: ratio_to(now.units as f64, targets.units),
            growth: growth(now.revenue as f64, before.revenue as f64),
            average_deal: Compared {
                now: money_ratio(now.revenue, now.won),
                prev: money_ratio(before.revenue, before.won),
            },
            average_unit_price: Compared {
                now: money_ratio(now.revenue, now.units),
                prev: money_ratio(before.revenue, before.units),
            },
            daily_revenue: p.daily.clone(),
            upsell_revenue: p.upsell_revenue,
            upsell_deals: p.upsell_deals,
            cross_sell_revenue: p.cross_sell_revenue,
            cross_sell_deals: p.cross_sell_deals,
            ..Kpis::default()
        };
        k.daily_revenue.resize(period.days().max(0) as usize, 0);

        // #3 pace.
        let total_wd = period.working_days();
        let elapsed_wd = period.elapsed_working_days(ctx.today);
        let expected = ratio(elapsed_wd as f64, total_wd as f64);
        let project = |actual: f64| {
            if elapsed_wd > 0 {
                Some(actual / elapsed_wd as f64 * total_wd as f64)
            } else {
                None
            }
        };
        k.pace = Pace {
            elapsed_working_days: elapsed_wd,
            working_days: total_wd,
            expected_share: expected,
            projected_revenue: project(now.revenue as f64).map(money),
            projected_units: project(now.units as f64).map(|v| v.round() as i64),
            behind: targets.revenue.is_some_and(|t| {
                t > 0 && elapsed_wd > 0 && (now.revenue as f64) < expected.unwrap_or(0.0) * t as f64
            }),
        };

        let profit = now.revenue - p.cost;
        k.profit = Some(profit);
        k.margin = ratio(profit as f64, now.revenue as f64);
        k.upsell_cross_sell_share = ratio(
            k.upsell_revenue as f64 + k.cross_sell_revenue as f64,
            now.revenue as f64,
        );

        let mut funnel = Funnel {
            leads: p.leads,
            qualified: p.qualified,
            won: p.cohort_won,
            closed_won: p.closed_won,
            closed_lost: p.closed_lost,
            ..Funnel::default()
        };
        funnel.lead_to_opportunity = ratio(funnel.qualified as f64, funnel.leads as f64);
        funnel.opportunity_to_win = ratio(
            funnel.closed_won as f64,
            (funnel.closed_won + funnel.closed_lost) as f64,
        );
        funnel.lead_conversion = ratio(funnel.won as f64, funnel.leads as f64);
        funnel.win_rate_low = funnel
            .opportunity_to_win
            .is_some_and(|r| r * 100.0 < s.win_rate_warn_pct as f64);
        let reached = p.reached;
        funnel.stages = Stage::PATH
            .windows(2)
            .enumerate()
            .map(|(i, w)| {
                // A stage that no deal of the window passed through is not used: the step
                // into it and out of it say nothing (not "100 % moved on").
                let unused = |st: Stage| !self.coverage.stages_used.contains(&st);
                let skipped = unused(w[0]) || unused(w[1]);
                StageStep {
                    from: w[0].as_str().into(),
                    to: w[1].as_str().into(),
                    reached_from: reached[i],
                    reached_to: reached[i + 1],
                    rate: if skipped {
                        None
                    } else {
                        ratio(reached[i + 1] as f64, reached[i] as f64)
                    },
                    skipped,
                }
            })
            .collect();
        funnel.skipped_stages = Stage::PATH
            .iter()
            .filter(|st| !self.coverage.stages_used.contains(st))
            .map(|st| st.as_str().to_string())
            .collect();
        k.funnel = funnel;

        let forecast = now.revenue.saturating_add(money(p.forecast_open));
        k.pipeline = Pipeline {
            open_opportunities: Compared {
                now: now.open_opportunities,
                prev: before.open_opportunities,
            },
            value: Compared {
                now: now.pipeline_value,
                prev: before.pipeline_value,
            },
            new_per_day: Compared {
                now: ratio(now.new_opportunities as f64, period.days() as f64),
                prev: ratio(
                    before.new_opportunities as f64,
                    self.prev_period.days() as f64,
                ),
            },
            value_change: growth(now.pipeline_value as f64, before.pipeline_value as f64),
            forecast,
            forecast_vs_target: ratio_to(forecast as f64, targets.revenue),
            // Unscored deals (0) only when there are some; every score 1–5 always.
            by_score: (0..=5u8)
                .filter(|sc| *sc >= 1 || p.by_score[0].0 > 0)
                .map(|sc| ScoreBucket {
                    score: sc,
                    deals: p.by_score[usize::from(sc)].0,
                    value: p.by_score[usize::from(sc)].1,
                })
                .collect(),
        };

        // #14, #15.
        let mean_cycle = mean(&p.cycle_days);
        let vs = match (mean_cycle, baseline) {
            (Some(m), Some(b)) if b > 0.0 => Some(m / b - 1.0),
            _ => None,
        };
        k.cycle = Cycle {
            won_deals: p.cycle_days.len() as i64,
            mean_days: mean_cycle,
            median_days: median(&p.cycle_days),
            baseline_days: baseline,
            vs_baseline: vs,
            slow: vs.is_some_and(|v| v > s.slow_cycle_pct as f64 / 100.0),
            slow_threshold: s.slow_cycle_pct as f64 / 100.0,
            time_in_stage: Stage::OPEN
                .iter()
                .zip(p.stage_days.iter())
                .map(|(st, v)| StageTime {
                    stage: st.as_str().into(),
                    stays: v.len() as i64,
                    mean_days: mean(v),
                })
                .collect(),
        };

        k.activity = self.activity(p, &targets, expected);
        k.customers = self.customers(scope, p, now.revenue, k.margin);
        k.receivables = Receivables {
            as_of: Some(self.as_of),
            outstanding: p.outstanding,
            overdue: p.overdue,
            overdue_invoices: p.overdue_invoices,
            max_days_overdue: p.max_days_overdue,
        };
        k.people = People {
            satisfaction: mean(&p.latest),
            satisfaction_prev: mean(&p.previous),
            burnout_risk: p.burnout_risk,
            knowledge: mean(&p.tests),
            knowledge_below_min: p.knowledge_below_min,
            satisfaction_trend: trend(&p.sat_months),
            knowledge_trend: trend(&p.test_months),
        };
        // No data is not zero: KPIs whose source rows are absent for this scope go blank.
        let mut have = self.have;
        have.set(Source::CostOfGoods, now.won == 0 || p.won_with_cost > 0);
        have.set(Source::LossStage, p.lost_unknown == 0);
        have.set(Source::Plans, targets.revenue.is_some());
        have.set(Source::Surveys, !p.latest.is_empty());
        have.set(Source::Tests, !p.tests.is_empty());
        // The composite leaves out the parts without their rows (no calls recorded is not
        // 0 % of the calls target).
        k.composite = composite(s, &k, expected, have);
        catalogue::apply(&mut k, have);
        k
    }

    fn activity(&self, p: &Part, t: &PeriodTargets, expected: Option<f64>) -> Activity {
        let s = self.s;
        let (now, before) = (&p.now, &p.before);
        let paced = |target: Option<i64>| {
            expected
                .zip(target)
                .map(|(e, t)| e * t as f64)
                .filter(|v| *v > 0.0)
        };
        let mut a = Activity {
            calls: Compared {
                now: now.calls,
                prev: before.calls,
            },
            meetings: Compared {
                now: now.meetings,
                prev: before.meetings,
            },
            calls_attainment: ratio_to(now.calls as f64, t.calls),
            meetings_attainment: ratio_to(now.meetings as f64, t.meetings),
            calls_pace: paced(t.calls).and_then(|p| ratio(now.calls as f64, p)),
            meetings_pace: paced(t.meetings).and_then(|p| ratio(now.meetings as f64, p)),
            won_per_100_calls: ratio(now.won as f64 * 100.0, now.calls as f64),
            calls_per_won: ratio(now.calls as f64, now.won as f64),
            sla_minutes: s.response_sla_minutes,
            not_contacted_days: s.no_contact_days,
            inquiries: p.inquiries,
            unanswered: p.unanswered,
            over_sla: p.over_sla,
            response_median_min: median(&p.minutes),
            response_p90_min: percentile(&p.minutes, 0.9),
            not_contacted: p.not_contacted,
            per_active_customer: ratio(p.with_customer as f64, p.engaged_active as f64),
            ..Activity::default()
        };
        a.few_wins_per_call = now.calls >= super::alerts::MIN_CALLS_FOR_RULE
            && a.won_per_100_calls
                .is_some_and(|w| w < s.won_per_100_calls_min as f64);
        a.meetings_below_minimum = a
            .meetings_pace
            .is_some_and(|p| p < s.meetings_min_pct as f64 / 100.0);
        a
    }

    fn customers(&self, scope: Scope, p: &Part, revenue: Money, margin: Option<f64>) -> Customers {
        let s = self.s;
        let period = self.ctx.period;
        let mut c = p.customers.clone();
        c.churn_rate = ratio(c.churned as f64, c.active_at_start as f64);
        c.churn_after_sale = ratio(c.churned_after_sale as f64, c.sold as f64);
        // #20 from the scope's won deals of the period: the customers with two won deals
        // or more among them (each once), and the share of revenue they brought.
        // A customer served by several reps of the scope counts once.
        let mut repeat = p.repeat_ids.clone();
        repeat.sort_unstable();
        repeat.dedup();
        c.repeat_customers = repeat.len() as i64;
        c.repeat_revenue_share = ratio(p.repeat_revenue as f64, revenue as f64);
        c.arpu = money_ratio(revenue, c.active);
        let months = period.months();
        c.arpu_monthly = c.arpu.and_then(|a| ratio(a as f64, months)).map(money);
        c.acquisition_cost = money(if scope == Scope::Company {
            self.total_acquisition_cost
        } else {
            p.allocated
        });
        c.cac = money_ratio(c.acquisition_cost, c.new.now);
        let cap = s.lifetime_cap_months.max(1) as f64;
        let monthly_churn = c.churn_rate.and_then(|r| ratio(r, months));
        let lifetime = match monthly_churn {
            Some(m) if m > 0.0 && 1.0 / m < cap => 1.0 / m,
            // No churn (or none recorded): the setting's cap stands in for a lifetime.
            _ => cap,
        };
        c.lifetime_months = Some(lifetime);
        c.lifetime_capped = lifetime >= cap;
        c.ltv = match (c.arpu_monthly, margin, c.lifetime_months) {
            (Some(arpu), Some(m), Some(life)) => {
                Some(money(arpu as f64 * m * life) - c.cac.unwrap_or(0))
            }
            _ => None,
        };
        c.ltv_to_cac = match (c.ltv, c.cac) {
            (Some(l), Some(cac)) => ratio(l as f64, cac as f64),
            _ => None,
        };
        c
    }
}

/// Adds scores to their months' sums and counts (for the trends).
fn add_monthly(months: &mut BTreeMap<(i32, u32), (f64, usize)>, scores: &[&Survey]) {
    for x in scores {
        let m = months
            .entry((x.taken_on.year(), x.taken_on.month()))
            .or_default();
        m.0 += x.score as f64;
        m.1 += 1;
    }
}

/// The last [`TREND_POINTS`] monthly means.
fn trend(months: &BTreeMap<(i32, u32), (f64, usize)>) -> Vec<f64> {
    let v: Vec<f64> = months
        .values()
        .filter_map(|(sum, n)| ratio(*sum, *n as f64))
        .collect();
    v[v.len().saturating_sub(TREND_POINTS)..].to_vec()
}

/// A rep's (or, summed, a scope's) share of every figure: counts and sums that add up, and
/// the samples that medians and means are taken over.
#[derive(Debug, Default, Clone)]
struct Part {
    now: Sums,
    before: Sums,
    cost: Money,
    upsell_revenue: Money,
    upsell_deals: i64,
    cross_sell_revenue: Money,
    cross_sell_deals: i64,
    cycle_days: Vec<f64>,
    daily: Vec<Money>,
    repeat_revenue: Money,
    /// #20 the customers of won deals of the period with two won deals or more (each
    /// customer once per deal; counted distinct in `customers`).
    repeat_ids: Vec<CustomerId>,
    /// Won deals of the period with a cost of goods (margin needs some).
    won_with_cost: i64,
    /// Lost deals of the period (closed in it, or in its cohort) whose loss stage is unknown.
    lost_unknown: i64,
    leads: i64,
    qualified: i64,
    cohort_won: i64,
    closed_won: i64,
    closed_lost: i64,
    reached: [i64; 5],
    stage_days: [Vec<f64>; 4],
    forecast_open: f64,
    /// Open opportunities by score (0 = unscored): deals and value.
    by_score: [(i64, Money); 6],
    inquiries: i64,
    unanswered: i64,
    over_sla: i64,
    minutes: Vec<f64>,
    with_customer: i64,
    engaged_active: i64,
    not_contacted: i64,
    customers: Customers,
    allocated: f64,
    outstanding: Money,
    overdue: Money,
    overdue_invoices: i64,
    max_days_overdue: i64,
    latest: Vec<f64>,
    previous: Vec<f64>,
    tests: Vec<f64>,
    burnout_risk: i64,
    knowledge_below_min: i64,
    /// Monthly score sums and counts, for the trends.
    sat_months: BTreeMap<(i32, u32), (f64, usize)>,
    test_months: BTreeMap<(i32, u32), (f64, usize)>,
}

impl Part {
    fn add(&mut self, o: &Part) {
        self.now.add(&o.now);
        self.before.add(&o.before);
        self.cost = self.cost.saturating_add(o.cost);
        self.upsell_revenue = self.upsell_revenue.saturating_add(o.upsell_revenue);
        self.upsell_deals = self.upsell_deals.saturating_add(o.upsell_deals);
        self.cross_sell_revenue = self.cross_sell_revenue.saturating_add(o.cross_sell_revenue);
        self.cross_sell_deals = self.cross_sell_deals.saturating_add(o.cross_sell_deals);
        self.cycle_days.extend_from_slice(&o.cycle_days);
        if self.daily.len() < o.daily.len() {
            self.daily.resize(o.daily.len(), 0);
        }
        for (a, b) in self.daily.iter_mut().zip(&o.daily) {
            *a = a.saturating_add(*b);
        }
        self.repeat_revenue = self.repeat_revenue.saturating_add(o.repeat_revenue);
        self.repeat_ids.extend_from_slice(&o.repeat_ids);
        self.won_with_cost += o.won_with_cost;
        self.lost_unknown += o.lost_unknown;
        self.leads = self.leads.saturating_add(o.leads);
        self.qualified = self.qualified.saturating_add(o.qualified);
        self.cohort_won = self.cohort_won.saturating_add(o.cohort_won);
        self.closed_won = self.closed_won.saturating_add(o.closed_won);
        self.closed_lost = self.closed_lost.saturating_add(o.closed_lost);
        for (a, b) in self.reached.iter_mut().zip(o.reached) {
            *a = a.saturating_add(b);
        }
        for (a, b) in self.stage_days.iter_mut().zip(&o.stage_days) {
            a.extend_from_slice(b);
        }
        self.forecast_open += o.forecast_open;
        for (a, b) in self.by_score.iter_mut().zip(o.by_score) {
            a.0 = a.0.saturating_add(b.0);
            a.1 = a.1.saturating_add(b.1);
        }
        self.inquiries = self.inquiries.saturating_add(o.inquiries);
        self.unanswered = self.unanswered.saturating_add(o.unanswered);
        self.over_sla = self.over_sla.saturating_add(o.over_sla);
        self.minutes.extend_from_slice(&o.minutes);
        self.with_customer = self.with_customer.saturating_add(o.with_customer);
        self.engaged_active = self.engaged_active.saturating_add(o.engaged_active);
        self.not_contacted = self.not_contacted.saturating_add(o.not_contacted);
        let (c, x) = (&mut self.customers, &o.customers);
        c.active = c.active.saturating_add(x.active);
        c.active_at_start = c.active_at_start.saturating_add(x.active_at_start);
        c.new.now = c.new.now.saturating_add(x.new.now);
        c.new.prev = c.new.prev.saturating_add(x.new.prev);
        c.churned = c.churned.saturating_add(x.churned);
        c.sold = c.sold.saturating_add(x.sold);
        c.churned_after_sale = c.churned_after_sale.saturating_add(x.churned_after_sale);
        self.allocated += o.allocated;
        self.outstanding = self.outstanding.saturating_add(o.outstanding);
        self.overdue = self.overdue.saturating_add(o.overdue);
        self.overdue_invoices = self.overdue_invoices.saturating_add(o.overdue_invoices);
        self.max_days_overdue = self.max_days_overdue.max(o.max_days_overdue);
        self.latest.extend_from_slice(&o.latest);
        self.previous.extend_from_slice(&o.previous);
        self.tests.extend_from_slice(&o.tests);
        self.burnout_risk = self.burnout_risk.saturating_add(o.burnout_risk);
        self.knowledge_below_min = self
            .knowledge_below_min
            .saturating_add(o.knowledge_below_min);
        for (from, to) in [
            (&o.sat_months, &mut self.sat_months),
            (&o.test_months, &mut self.test_months),
        ] {
            for (k, (sum, n)) in from {
                let e = to.entry(*k).or_default();
                e.0 += sum;
                e.1 = e.1.saturating_add(*n);
            }
        }
    }
}

/// Figures summed for both the period and the previous one.
#[derive(Debug, Default, Clone, Copy)]
struct Sums {
    revenue: Money,
    units: i64,
    won: i64,
    calls: i64,
    meetings: i64,
    new_opportunities: i64,
    open_opportunities: i64,
    pipeline_value: Money,
}

impl Sums {
    fn add(&mut self, o: &Sums) {
        self.revenue = self.revenue.saturating_add(o.revenue);
        self.units = self.units.saturating_add(o.units);
        self.won = self.won.saturating_add(o.won);
        self.calls = self.calls.saturating_add(o.calls);
        self.meetings = self.meetings.saturating_add(o.meetings);
        self.new_opportunities = self.new_opportunities.saturating_add(o.new_opportunities);
        self.open_opportunities = self.open_opportunities.saturating_add(o.open_opportunities);
        self.pipeline_value = self.pipeline_value.saturating_add(o.pipeline_value);
    }
}

/// Adds a month's targets to a running sum (which starts as "no plan").
fn add_targets(sum: &mut Option<Targets>, t: &Targets) {
    let s = sum.get_or_insert_with(Targets::default);
    s.revenue = s.revenue.saturating_add(t.revenue);
    s.units = s.units.saturating_add(t.units);
    s.calls = s.calls.saturating_add(t.calls);
    s.meetings = s.meetings.saturating_add(t.meetings);
}

/// The share of a campaign's cost and baseline that falls inside the period, by days.
pub(crate) fn campaign_share(c: &Campaign, p: &Period) -> f64 {
    let all = (c.ends_on - c.starts_on).num_days() + 1;
    ratio(
        overlap_days(c.starts_on, c.ends_on, p.start, p.end) as f64,
        all as f64,
    )
    .unwrap_or(0.0)
}

fn active_at(c: &Customer, day: NaiveDate) -> bool {
    c.acquired_on <= day && c.churned_on.is_none_or(|ch| ch > day)
}

/// Active on at least one day of the period (a customer is active on a day when it was
/// acquired on or before it and `churned_on` is later than it).
fn active_during(c: &Customer, p: &Period) -> bool {
    c.acquired_on < p.end && c.churned_on.is_none_or(|ch| ch > p.start)
}

/// Carried into the period: acquired before it and still active on the day before it
/// starts (the base of the churn rate, #22).
fn carried_into(c: &Customer, p: &Period) -> bool {
    c.acquired_on < p.start && c.churned_on.is_none_or(|ch| ch >= p.start)
}

/// #31 burnout risk: a low score, or a drop of at least `burnout_drop` since the last survey.
pub(crate) fn burnout(s: &Settings, latest: i64, previous: Option<i64>) -> bool {
    latest <= s.burnout_score || previous.is_some_and(|p| p - latest >= s.burnout_drop)
}

/// #33 the composite score: each attainment capped, weighted; paced while the period runs
/// (actual ÷ expected share of the target), so the bonus outlook is fair mid-month.
fn composite(s: &Settings, k: &Kpis, expected: Option<f64>, have: Have) -> Composite {
    let share = expected.unwrap_or(1.0);
    let cap = s.composite_cap_pct as f64 / 100.0;
    let parts = [
        (
            s.weight_revenue,
            k.revenue.now as f64,
            k.targets.revenue,
            Source::Deals,
        ),
        (
            s.weight_units,
            k.units.now as f64,
            k.targets.units,
            Source::Deals,
        ),
        (
            s.weight_calls,
            k.activity.calls.now as f64,
            k.targets.calls,
            Source::Activities,
        ),
        (
            s.weight_meetings,
            k.activity.meetings.now as f64,
            k.targets.meetings,
            Source::Activities,
        ),
    ];
    let (mut sum, mut weights) = (0.0, 0.0);
    for (w, actual, target, needs) in parts {
        if w <= 0 || !have.has(needs) {
            continue;
        }
        if let Some(att) = target.and_then(|t| ratio(actual, t as f64 * share)) {
            sum += w as f64 * att.min(cap);
            weights += w as f64;
        }
    }
    let score = ratio(sum, weights);
    let bonus_coefficient = score.map(|sc| {
        if sc * 100.0 < s.bonus_threshold_pct as f64 {
            0.0
        } else {
            sc.min(s.bonus_max_pct as f64 / 100.0)
        }
    });
    Composite {
        score,
        bonus_coefficient,
    }
}

/// Computes every KPI for `scope` in `ctx.period`.
pub fn compute(data: &Dataset, ctx: &Ctx, scope: Scope) -> Result<Report, String> {
    let team_by_id: HashMap<TeamId, &Team> = data.teams.iter().map(|t| (t.id, t)).collect();
    let rep_by_id: HashMap<RepId, &Rep> = data.reps.iter().map(|r| (r.id, r)).collect();
    // The reps whose rows a team's or a rep's report reads: its own, and those of the team
    // its cycle is compared with.
    let tree = team_tree(data);
    let only: Option<HashSet<RepId>> = match scope {
        Scope::Company => None,
        Scope::Team(t) => {
            let parent = team_by_id.get(&t).and_then(|x| x.parent_id);
            Some(
                subtree(&tree.0, &tree.1, t)
                    .into_iter()
                    .chain(
                        parent
                            .map(|p| subtree(&tree.0, &tree.1, p))
                            .unwrap_or_default(),
                    )
                    .collect(),
            )
        }
        Scope::Rep(r) => {
            let team = rep_by_id.get(&r).map(|x| x.team_id);
            Some(
                std::iter::once(r)
                    .chain(
                        team.map(|t| subtree(&tree.0, &tree.1, t))
                            .unwrap_or_default(),
                    )
                    .collect(),
            )
        }
    };
    let ix = Index::new(data, ctx, only.as_ref());

    // The teams and reps inside the scope.
    let (scope_name, root_teams, scope_reps): (String, Vec<TeamId>, Vec<RepId>) = match scope {
        Scope::Company => {
            let mut all: Vec<RepId> = data.reps.iter().map(|r| r.id).collect();
            all.sort_unstable();
            (
                "company".into(),
                data.teams
                    .iter()
                    .filter(|t| t.parent_id.is_none())
                    .map(|t| t.id)
                    .collect(),
                all,
            )
        }
        Scope::Team(t) => {
            let team = team_by_id.get(&t).ok_or_else(|| format!("no team #{t}"))?;
            (team.name.clone(), vec![t], ix.subtree_reps(t))
        }
        Scope::Rep(r) => {
            let rep = rep_by_id.get(&r).ok_or_else(|| format!("no rep #{r}"))?;
            (rep.name.clone(), vec![], vec![r])
        }
    };

    // Each rep's part, worked out once when first needed; a team's is the sum of its reps'.
    let parts: std::cell::RefCell<HashMap<RepId, Part>> = Default::default();
    let merged = |reps: &[RepId]| -> Part {
        let mut memo = parts.borrow_mut();
        let mut sum = Part::default();
        for r in reps {
            sum.add(memo.entry(*r).or_insert_with(|| ix.part(*r)));
        }
        sum
    };
    let mean_cycle = |reps: &[RepId]| mean(&merged(reps).cycle_days);

    // Team baselines for the cycle comparison: each team's mean cycle.
    let mut teams = Vec::new();
    let mut stack: Vec<(TeamId, usize)> = root_teams.iter().rev().map(|t| (*t, 0)).collect();
    let mut baselines: HashMap<TeamId, Option<f64>> = HashMap::default();
    while let Some((t, depth)) = stack.pop() {
        let Some(team) = team_by_id.get(&t) else {
            continue;
        };
        let reps = ix.subtree_reps(t);
        let parent_baseline = match team.parent_id {
            Some(p) => match baselines.get(&p) {
                Some(b) => *b,
                None => mean_cycle(&ix.subtree_reps(p)),
            },
            None => None,
        };
        let kpis = ix.finish(Scope::Team(t), &merged(&reps), parent_baseline);
        baselines.insert(t, kpis.cycle.mean_days);
        teams.push(TeamKpis {
            team: (*team).clone(),
            depth,
            reps: reps.len(),
            kpis,
        });
        if depth < 32 {
            let mut kids: Vec<&Team> = ix
                .children
                .get(&t)
                .into_iter()
                .flatten()
                .filter_map(|c| team_by_id.get(c).copied())
                .collect();
            kids.sort_by(|a, b| a.name.cmp(&b.name));
            for k in kids.iter().rev() {
                stack.push((k.id, depth + 1));
            }
        }
    }

    let mut reps: Vec<RepKpis> = Vec::new();
    for r in &scope_reps {
        let Some(rep) = rep_by_id.get(r) else {
            continue;
        };
        let baseline = match baselines.get(&rep.team_id) {
            Some(b) => *b,
            None => mean_cycle(&ix.subtree_reps(rep.team_id)),
        };
        let kpis = ix.finish(Scope::Rep(*r), &merged(&[*r]), baseline);
        let history = |m: &HashMap<RepId, Vec<&Survey>>| -> Vec<i64> {
            let v: Vec<i64> = m
                .get(r)
                .into_iter()
                .flatten()
                .filter(|x| x.taken_on < ctx.period.end)
                .map(|x| x.score)
                .collect();
            v[v.len().saturating_sub(TREND_POINTS * 2)..].to_vec()
        };
        reps.push(RepKpis {
            rep: (*rep).clone(),
            team: team_by_id
                .get(&rep.team_id)
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            satisfaction_history: history(&ix.surveys_by_rep),
            knowledge_history: history(&ix.tests_by_rep),
            kpis,
        });
    }
    reps.sort_by(|a, b| a.rep.name.cmp(&b.rep.name).then(a.rep.id.cmp(&b.rep.id)));

    let company_baseline = None;
    let total = match scope {
        Scope::Rep(_) => reps.first().map(|r| r.kpis.clone()).unwrap_or_default(),
        Scope::Team(t) => teams
            .iter()
            .find(|x| x.team.id == t)
            .map(|x| x.kpis.clone())
            .unwrap_or_default(),
        Scope::Company => {
            let mut all = merged(&scope_reps);
            all.add(&ix.unowned_part());
            ix.finish(Scope::Company, &all, company_baseline)
        }
    };

    let locations = breakdowns(&ix, &scope_reps, |d| d.location.as_str(), Some(&rep_by_id));
    let products = breakdowns(&ix, &scope_reps, |d| d.product.as_str(), None);
    let campaigns = campaigns(&ix, &scope_reps, scope == Scope::Company);
    let alerts = alerts::gather(&ix.as_alert_input(), &reps, &total, &scope_name, data);

    Ok(Report {
        period: ctx.period,
        previous: ix.prev_period,
        as_of: ix.as_of,
        currency: data.settings.currency.clone(),
        scope: scope_name,
        total,
        teams,
        reps,
        locations,
        products,
        campaigns,
        alerts,
        coverage: ix.coverage.clone(),
        settings: data.settings.clone(),
    })
}

impl Index<'_> {
    fn as_alert_input(&self) -> alerts::Input {
        alerts::Input {
            settings: self.s.clone(),
            cur: self.cur,
            snapshot: self.snapshot,
            stamp: (self.ctx.start_of)(self.as_of),
            as_of: self.as_of,
            start_of: self.ctx.start_of,
            period: self.ctx.period,
        }
    }
}

/// #28/#29: won revenue, deals and units by a deal attribute (location or product), now and
/// before; with targets by rep region when `regions` is given.
fn breakdowns<'d>(
    ix: &Index<'d>,
    reps: &[RepId],
    key: impl Fn(&'d Deal) -> &'d str,
    regions: Option<&HashMap<RepId, &Rep>>,
) -> Vec<Breakdown> {
    let mut m: BTreeMap<&'d str, (Breakdown, i64)> = BTreeMap::new();
    for (d, _) in ix.deals_of(reps) {
        if d.stage != Stage::Won {
            continue;
        }
        let name = key(d);
        let name = if name.trim().is_empty() { "—" } else { name };
        let now = in_range(d.closed_at, ix.cur);
        if !now && !in_range(d.closed_at, ix.prev) {
            continue;
        }
        let e = m.entry(name).or_insert_with(|| {
            (
                Breakdown {
                    name: name.to_string(),
                    ..Default::default()
                },
                0,
            )
        });
        if now {
            e.0.revenue.now = e.0.revenue.now.saturating_add(d.amount);
            e.0.won_deals += 1;
            e.0.units = e.0.units.saturating_add(d.units);
        } else {
            e.0.revenue.prev = e.0.revenue.prev.saturating_add(d.amount);
            e.1 = e.1.saturating_add(d.units);
        }
    }
    let mut out: Vec<Breakdown> = m
        .into_values()
        .map(|(mut b, prev_units)| {
            b.average_unit_price = Compared {
                now: money_ratio(b.revenue.now, b.units),
                prev: money_ratio(b.revenue.prev, prev_units),
            };
            b.unit_price_change = match (b.average_unit_price.now, b.average_unit_price.prev) {
                (Some(n), Some(p)) => growth(n as f64, p as f64),
                _ => None,
            };
            if let Some(by_id) = regions {
                let target: Option<Money> = reps
                    .iter()
                    .filter(|r| by_id.get(r).is_some_and(|x| x.region == b.name))
                    .filter_map(|r| ix.targets(Scope::Rep(*r)).revenue)
                    .fold(None, |sum: Option<Money>, t| {
                        Some(sum.unwrap_or(0).saturating_add(t))
                    });
                b.target = target;
                b.attainment = ratio_to(b.revenue.now as f64, target);
            }
            b
        })
        .collect();
    out.sort_by(|a, b| b.revenue.now.cmp(&a.revenue.now).then(a.name.cmp(&b.name)));
    out
}

/// #27 for every campaign that ran in the period or brought revenue in it.
fn campaigns(ix: &Index<'_>, reps: &[RepId], company: bool) -> Vec<CampaignKpis> {
    let p = ix.ctx.period;
    let mut rev: HashMap<CampaignId, (Money, Money, i64)> = HashMap::default();
    for (d, _) in ix.deals_of(reps) {
        if d.stage == Stage::Won
            && in_range(d.closed_at, ix.cur)
            && let Some(c) = d.campaign_id
        {
            let e = rev.entry(c).or_default();
            e.0 = e.0.saturating_add(d.amount);
            e.1 = e.1.saturating_add(d.cost);
            e.2 += 1;
        }
    }
    let mut out = Vec::new();
    for c in &ix.data.campaigns {
        let share = campaign_share(c, &p);
        let (revenue, cost_of_goods, won) = rev.get(&c.id).copied().unwrap_or_default();
        if share == 0.0 && won == 0 {
            continue;
        }
        let baseline = money(c.baseline_revenue as f64 * share);
        let cost = money(c.cost as f64 * share);
        let incremental = revenue - baseline;
        // No cost of goods recorded on its deals: no margin (not 100 %), so no ROI.
        let margin = (cost_of_goods > 0)
            .then(|| ratio((revenue - cost_of_goods) as f64, revenue as f64))
            .flatten();
        let roi = margin.and_then(|m| ratio(incremental as f64 * m - cost as f64, cost as f64));
        let brought: Vec<&Customer> = ix
            .data
            .customers
            .iter()
            .filter(|x| x.campaign_id == Some(c.id) && p.contains(x.acquired_on))
            .collect();
        // The campaign's cost per customer it brought is the same whoever sold to them;
        // the count is the scope's own.
        let cac = money_ratio(cost, brought.len() as i64);
        let new_customers = brought
            .iter()
            .filter(|x| company || x.rep_id.is_some_and(|r| reps.binary_search(&r).is_ok()))
            .count() as i64;
        out.push(CampaignKpis {
            campaign: c.clone(),
            revenue,
            won_deals: won,
            baseline,
            cost,
            incremental,
            margin,
            roi,
            new_customers,
            cac,
        });
    }
    out.sort_by(|a, b| {
        b.revenue
            .cmp(&a.revenue)
            .then(a.campaign.name.cmp(&b.campaign.name))
    });
    out
}
