//! Typed reads: everything the KPI engine needs for a window of time, in one consistent
//! read transaction, and nothing from outside that window that it does not need.

use super::lossy::RowExt;
use super::{Result, Store};
use crate::model::*;
use crate::period::{Period, day_start};
use crate::settings::Settings;
use crate::text::clean_owned;
use chrono::{Local, NaiveDate};
use rusqlite::{Row, params};

/// The span of local days the figures are computed for: the selected period and the one
/// before it (for comparisons).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DataWindow {
    pub from: NaiveDate,
    /// First day after the window.
    pub to: NaiveDate,
}

impl DataWindow {
    /// The window that covers `period` and the period before it.
    pub fn for_period(period: &Period) -> DataWindow {
        DataWindow {
            from: period.prev().start.min(period.start),
            to: period.end,
        }
    }
}

/// All rows the KPI engine reads, for one window.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub settings: Settings,
    pub teams: Vec<Team>,
    pub reps: Vec<Rep>,
    pub plans: Vec<Plan>,
    pub team_plans: Vec<Plan>,
    /// Deals created or closed in the window, or open at its end.
    pub deals: Vec<Deal>,
    /// Stage changes of those deals, in the deals' order (by rep), each deal's by time.
    pub stage_changes: Vec<StageChange>,
    /// Calls and meetings per rep per local day in the window.
    pub activity_days: Vec<ActivityDay>,
    /// Every customer, with won-deal counts and last contact up to the window's end.
    pub customers: Vec<Customer>,
    pub campaigns: Vec<Campaign>,
    pub acquisition_costs: Vec<AcquisitionCost>,
    /// Satisfaction surveys taken before the window's end.
    pub surveys: Vec<Survey>,
    /// Knowledge tests taken before the window's end.
    pub knowledge: Vec<Survey>,
    /// Inquiries received in the window.
    pub inquiries: Vec<Inquiry>,
    /// Invoices issued before the window's end and not paid before its start.
    pub invoices: Vec<Invoice>,
    /// The newest `change_log` note these rows include (see [`Store::refresh`]).
    pub change_seq: i64,
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

fn opt_date(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn deal_from_row(r: &Row<'_>) -> rusqlite::Result<Deal> {
    let kind = r.text(8)?;
    let stage = r.text(12)?;
    let lost_from = r.opt_text(14)?;
    Ok(Deal {
        id: r.get(0)?,
        rep_id: r.get(1)?,
        customer_id: r.get(2)?,
        campaign_id: r.get(3)?,
        amount: r.get(4)?,
        cost: r.get(5)?,
        units: r.get(6)?,
        score: r
            .get::<_, Option<i64>>(7)?
            .and_then(|s| u8::try_from(s).ok()),
        kind: kind.parse().unwrap_or(DealKind::New),
        product: clean_owned(r.text(9)?),
        location: clean_owned(r.text(10)?),
        created_at: r.get(11)?,
        stage: stage.parse().unwrap_or(Stage::Lead),
        closed_at: r.get(13)?,
        lost_from_stage: lost_from.and_then(|s| s.parse().ok()),
    })
}

/// Deals that matter for a window `[from, to)`: created or closed in it, or open at its end.
/// (For every rep, SQLite scans the table, which on two years of deals is quicker than four
/// index ranges and a look-up per deal; for a few reps it goes through `deal_rep`.)
const DEAL_IN_WINDOW: &str = "(created_at >= ?1 AND created_at < ?2)
    OR (closed_at >= ?1 AND closed_at < ?2)
    OR (stage NOT IN ('won', 'lost') AND created_at < ?2)
    OR (closed_at >= ?2 AND created_at < ?2)";

/// Which reps' rows a read covers: all of them, or only some (a refresh after a change).
enum Reps<'r> {
    All,
    Only(&'r Affected),
}

impl Reps<'_> {
    /// The condition on `column` (a rep id) and, for `Only`, the JSON list it binds as `?9`.
    fn filter(&self, column: &str) -> String {
        match self {
            Reps::All => String::new(),
            Reps::Only(_) => format!(" AND {column} IN (SELECT value FROM json_each(?9))"),
        }
    }
}

/// What a batch of `change_log` notes asks a board to read again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Affected {
    /// Everything: a table not tied to one rep changed, or the board fell behind the log.
    pub everything: bool,
    /// The reps whose rows changed (a customer's changes count for the rep who owns it).
    pub reps: std::collections::BTreeSet<RepId>,
    /// A customer nobody owns changed.
    pub unowned_customers: bool,
    /// Typed entries may have changed (calls, meetings, surveys, tests, plans).
    pub entries: bool,
    /// Customers were added, renamed or removed (the forms' pickers).
    pub customers: bool,
}

impl Affected {
    fn json(&self) -> String {
        serde_json::to_string(&self.reps).unwrap_or_else(|_| "[]".into())
    }

    fn owns(&self, rep: Option<RepId>) -> bool {
        match rep {
            Some(r) => self.reps.contains(&r),
            None => self.unowned_customers,
        }
    }
}

/// More notes than this are read as "everything changed" (a bulk import): reading it all
/// is then as quick as reading the reps one by one.
const MAX_NOTES: i64 = 2_000;

/// Replaces the rows of `old` that `stale` picks with `new`, keeping the order `key` sorts by
/// (both inputs are sorted by it; so is the result).
fn merge_sorted<T, K: Ord>(
    old: &mut Vec<T>,
    new: Vec<T>,
    stale: impl Fn(&T) -> bool,
    key: impl Fn(&T) -> K,
) {
    let kept: Vec<T> = std::mem::take(old)
        .into_iter()
        .filter(|x| !stale(x))
        .collect();
    let mut out = Vec::with_capacity(kept.len() + new.len());
    let (mut a, mut b) = (kept.into_iter().peekable(), new.into_iter().peekable());
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => key(x) <= key(y),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        out.extend(if take_a { a.next() } else { b.next() });
    }
    *old = out;
}

/// The teams a permit sees, as the JSON list `json_each` reads (NULL: every team).
pub(super) fn teams_json(permit: &super::Permit) -> Option<String> {
    permit
        .teams
        .as_ref()
        .map(|t| serde_json::to_string(t).expect("ids serialise"))
}

impl Store {
    /// Reads everything the KPI engine needs for `window` in one read transaction.
    pub fn dataset(&self, window: DataWindow) -> Result<Dataset> {
        self.read_transaction(|| {
            let mut d = Dataset {
                settings: self.settings.clone(),
                change_seq: self.change_seq()?,
                ..Dataset::default()
            };
            self.read_shared(&mut d, window)?;
            self.read_reps(&mut d, window, &Reps::All)?;
            Ok(d)
        })
    }

    /// Brings `data` (read by [`Store::dataset`] for `window`) up to date with the file: reads
    /// the `change_log` notes added since, and again only the rows of the reps they name; or
    /// everything when a table not tied to one rep changed, or the log has moved on too far.
    /// Returns what was read again.
    pub fn refresh(&mut self, data: &mut Dataset, window: DataWindow) -> Result<Affected> {
        // The notes and the rows they name, read in one snapshot of the file.
        let (affected, newest, fresh) = self.read_transaction(|| {
            let (affected, newest) = self.affected_since(data.change_seq)?;
            if affected.everything || (affected.reps.is_empty() && !affected.unowned_customers) {
                return Ok((affected, newest, None));
            }
            let mut d = Dataset::default();
            self.read_reps(&mut d, window, &Reps::Only(&affected))?;
            Ok((affected, newest, Some(d)))
        })?;
        if affected.everything {
            self.reload_settings()?;
            *data = self.dataset(window)?;
            return Ok(affected);
        }
        data.change_seq = newest;
        let Some(fresh) = fresh else {
            return Ok(affected);
        };
        let a = &affected;
        let stale_deals: std::collections::HashSet<DealId> = data
            .deals
            .iter()
            .filter(|d| a.reps.contains(&d.rep_id))
            .map(|d| d.id)
            .chain(fresh.deals.iter().map(|d| d.id))
            .collect();
        merge_sorted(
            &mut data.deals,
            fresh.deals,
            |d| a.reps.contains(&d.rep_id),
            |d| (d.rep_id, d.id),
        );
        // Stage changes follow their deals' order (by rep), each deal's by time.
        let rep_of: std::collections::HashMap<DealId, RepId> =
            data.deals.iter().map(|d| (d.id, d.rep_id)).collect();
        merge_sorted(
            &mut data.stage_changes,
            fresh.stage_changes,
            |c| stale_deals.contains(&c.deal_id),
            |c| (rep_of.get(&c.deal_id).copied(), c.deal_id, c.at),
        );
        merge_sorted(
            &mut data.plans,
            fresh.plans,
            |p| a.reps.contains(&p.owner_id),
            |p| (p.owner_id, p.month),
        );
        merge_sorted(
            &mut data.activity_days,
            fresh.activity_days,
            |x| a.reps.contains(&x.rep_id),
            |x| (x.rep_id, x.day),
        );
        merge_sorted(
            &mut data.customers,
            fresh.customers,
            |c| a.owns(c.rep_id),
            |c| (c.rep_id, c.id),
        );
        merge_sorted(
            &mut data.surveys,
            fresh.surveys,
            |x| a.reps.contains(&x.rep_id),
            |x| (x.rep_id, x.taken_on),
        );
        merge_sorted(
            &mut data.knowledge,
            fresh.knowledge,
            |x| a.reps.contains(&x.rep_id),
            |x| (x.rep_id, x.taken_on),
        );
        merge_sorted(
            &mut data.inquiries,
            fresh.inquiries,
            |q| a.reps.contains(&q.rep_id),
            |q| (q.received_at, q.id),
        );
        merge_sorted(
            &mut data.invoices,
            fresh.invoices,
            |i| a.reps.contains(&i.rep_id) || stale_deals.contains(&i.deal_id),
            |i| (i.due_on, i.id),
        );
        Ok(affected)
    }

    /// Runs `f` inside one read transaction (one consistent snapshot of the file), ended
    /// afterwards so that no read transaction stays open while the board idles.
    fn read_transaction<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        self.conn.execute_batch("BEGIN DEFERRED")?;
        let result = f();
        // A read-only transaction: ending it can only fail if it was never begun.
        let _ = self.conn.execute_batch("COMMIT");
        result
    }

    /// The number of the newest `change_log` note ever written (0 for none), pruned or not.
    fn change_seq(&self) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'change_log'), 0)",
            )?
            .query_row([], |r| r.get(0))?)
    }

    /// What the notes after `seq` ask to read again.
    fn affected_since(&self, seq: i64) -> Result<(Affected, i64)> {
        let c = &self.conn;
        let newest = self.change_seq()?;
        let count: i64 = c
            .prepare_cached("SELECT count(*) FROM change_log WHERE seq > ?1")?
            .query_row([seq], |r| r.get(0))?;
        let mut a = Affected::default();
        // Notes are numbered without gaps (AUTOINCREMENT; a rolled-back note rolls its number
        // back too): fewer than were written means some this board never saw were pruned.
        let pruned = newest - seq != count;
        if pruned || count > MAX_NOTES {
            a.everything = true;
            return Ok((a, newest));
        }
        let mut stmt = c.prepare_cached(
            "SELECT l.tbl, l.rep_id, l.customer_id, c.rep_id, c.id IS NULL
             FROM change_log l LEFT JOIN customer c ON c.id = l.customer_id
             WHERE l.seq > ?1 ORDER BY l.seq",
        )?;
        let mut rows = stmt.query([seq])?;
        while let Some(r) = rows.next()? {
            let table = r.text(0)?;
            let rep: Option<RepId> = r.get(1)?;
            let customer: Option<CustomerId> = r.get(2)?;
            let owner: Option<RepId> = r.get(3)?;
            let customer_gone: bool = r.get(4)?;
            match (table.as_str(), rep) {
                (
                    "deal" | "activity" | "inquiry" | "invoice" | "satisfaction" | "knowledge_test"
                    | "plan",
                    Some(rep),
                ) => {
                    a.reps.insert(rep);
                }
                ("customer", _) => {
                    a.customers = true;
                    match rep {
                        Some(rep) => {
                            a.reps.insert(rep);
                        }
                        None => a.unowned_customers = true,
                    }
                }
                _ => {
                    a.everything = true;
                    return Ok((a, newest));
                }
            }
            a.entries |= matches!(
                table.as_str(),
                "activity" | "satisfaction" | "knowledge_test" | "plan"
            );
            // A deal or activity of a customer moves that customer's figures (won deals,
            // last contact), which belong to the rep who owns the customer.
            if customer.is_some() && table != "customer" {
                match (owner, customer_gone) {
                    (Some(o), _) => {
                        a.reps.insert(o);
                    }
                    (None, false) => a.unowned_customers = true,
                    (None, true) => {}
                }
            }
        }
        Ok((a, newest))
    }

    /// Teams, reps, team plans, campaigns and acquisition costs: rows not tied to one rep.
    fn read_shared(&self, d: &mut Dataset, window: DataWindow) -> Result<()> {
        let (from_day, to_day) = (ymd(window.from), ymd(window.to));
        let c = &self.conn;
        d.teams = c
            .prepare_cached("SELECT id, name, parent_id FROM team ORDER BY name, id")?
            .query_map([], |r| {
                Ok(Team {
                    id: r.get(0)?,
                    name: clean_owned(r.text(1)?),
                    parent_id: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        d.reps = c
            .prepare_cached(
                "SELECT id, name, team_id, region, hired_on, active FROM rep ORDER BY name, id",
            )?
            .query_map([], |r| {
                Ok(Rep {
                    id: r.get(0)?,
                    name: clean_owned(r.text(1)?),
                    team_id: r.get(2)?,
                    region: clean_owned(r.text(3)?),
                    hired_on: date(&r.text(4)?),
                    active: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        d.team_plans = self.read_plans("team_plan", "team_id", window, &Reps::All)?;
        d.campaigns = c
            .prepare_cached(
                "SELECT id, name, channel, cost, starts_on, ends_on, baseline_revenue
                 FROM campaign ORDER BY starts_on, id",
            )?
            .query_map([], |r| {
                Ok(Campaign {
                    id: r.get(0)?,
                    name: clean_owned(r.text(1)?),
                    channel: r.text(2)?.parse().unwrap_or(Channel::Other),
                    cost: r.get(3)?,
                    starts_on: date(&r.text(4)?),
                    ends_on: date(&r.text(5)?),
                    baseline_revenue: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        d.acquisition_costs = c
            .prepare_cached(
                "SELECT spent_on, amount FROM acquisition_cost
                 WHERE spent_on >= ?1 AND spent_on < ?2 ORDER BY spent_on",
            )?
            .query_map(params![from_day, to_day], |r| {
                Ok(AcquisitionCost {
                    spent_on: date(&r.text(0)?),
                    amount: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(())
    }

    /// Monthly plans of the window's months from `table`, owned through `owner`.
    fn read_plans(
        &self,
        table: &str,
        owner: &str,
        window: DataWindow,
        reps: &Reps<'_>,
    ) -> Result<Vec<Plan>> {
        let filter = reps.filter(owner);
        let month_from = window.from.format("%Y-%m").to_string();
        let month_to = window.to.format("%Y-%m").to_string();
        let sql = format!(
            "SELECT {owner}, month, revenue_target, units_target, calls_target, meetings_target
             FROM {table} WHERE month >= ?1 AND month <= ?2{filter} ORDER BY {owner}, month"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        stmt.raw_bind_parameter(1, &month_from)?;
        stmt.raw_bind_parameter(2, &month_to)?;
        if let Reps::Only(a) = reps {
            stmt.raw_bind_parameter(9, a.json())?;
        }
        let rows = stmt
            .raw_query()
            .mapped(|r| {
                Ok(Plan {
                    owner_id: r.get(0)?,
                    month: date(&format!("{}-01", r.text(1)?)),
                    targets: Targets {
                        revenue: r.get(2)?,
                        units: r.get(3)?,
                        calls: r.get(4)?,
                        meetings: r.get(5)?,
                    },
                })
            })
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The rows tied to reps: every rep's, or only the affected ones'.
    fn read_reps(&self, d: &mut Dataset, window: DataWindow, reps: &Reps<'_>) -> Result<()> {
        let (from, to) = (day_start(&Local, window.from), day_start(&Local, window.to));
        let (from_day, to_day) = (ymd(window.from), ymd(window.to));
        let c = &self.conn;
        let only = match reps {
            Reps::All => None,
            Reps::Only(a) => Some(a.json()),
        };
        // Binds `?9` (the reps) when the statement has it.
        let bind = |stmt: &mut rusqlite::CachedStatement<'_>| -> Result<()> {
            if let Some(json) = &only
                && stmt.parameter_count() >= 9
            {
                stmt.raw_bind_parameter(9, json)?;
            }
            Ok(())
        };
        // Every statement below numbers its parameters so that `?9` is always the reps.
        let run =
            |sql: &str, args: &[&dyn rusqlite::ToSql]| -> Result<rusqlite::CachedStatement<'_>> {
                let mut stmt = c.prepare_cached(sql)?;
                for (i, a) in args.iter().enumerate() {
                    stmt.raw_bind_parameter(i + 1, a)?;
                }
                bind(&mut stmt)?;
                Ok(stmt)
            };
        d.plans = self.read_plans("plan", "rep_id", window, reps)?;
        // Sorted here: asking SQLite for the order makes it walk `deal_rep` and look up
        // every deal of every rep.
        let mut stmt = run(
            &format!(
                "SELECT id, rep_id, customer_id, campaign_id, amount, cost, units, score, kind,
                        product, location, created_at, stage, closed_at, lost_from_stage
                 FROM deal WHERE ({DEAL_IN_WINDOW}){}",
                reps.filter("rep_id")
            ),
            &[&from, &to],
        )?;
        d.deals = stmt
            .raw_query()
            .mapped(deal_from_row)
            .collect::<rusqlite::Result<_>>()?;
        d.deals.sort_unstable_by_key(|x| (x.rep_id, x.id));
        // The stage changes of exactly the deals just read, in their order (by rep), each
        // deal's by time: one index step per deal (`stage_change_deal`).
        let ids = serde_json::to_string(&d.deals.iter().map(|x| x.id).collect::<Vec<_>>())
            .unwrap_or_else(|_| "[]".into());
        let mut stmt = c.prepare_cached(
            "SELECT s.deal_id, s.from_stage, s.to_stage, s.at
             FROM json_each(?1) j JOIN stage_change s ON s.deal_id = j.value
             ORDER BY j.key, s.at, s.id",
        )?;
        stmt.raw_bind_parameter(1, &ids)?;
        d.stage_changes = stmt
            .raw_query()
            .mapped(|r| {
                let from_stage = r.opt_text(1)?;
                let to_stage = r.text(2)?;
                Ok(StageChange {
                    deal_id: r.get(0)?,
                    from_stage: from_stage.and_then(|s| s.parse().ok()),
                    to_stage: to_stage.parse().unwrap_or(Stage::Lead),
                    at: r.get(3)?,
                })
            })
            .collect::<rusqlite::Result<_>>()?;
        // Calls and meetings per rep per local day. Counted here rather than by SQLite's
        // date(): converting every row's instant to a local day costs more than reading
        // them (the `activity_at` index has every column needed).
        let days: Vec<NaiveDate> = window
            .from
            .iter_days()
            .take_while(|d| *d < window.to)
            .collect();
        let starts: Vec<i64> = days.iter().map(|d| day_start(&Local, *d)).collect();
        let mut counts: std::collections::HashMap<(RepId, usize), ActivityDay> =
            std::collections::HashMap::new();
        let mut stmt = run(
            &format!(
                "SELECT rep_id, at, kind = 'call', kind = 'meeting', customer_id IS NOT NULL
                 FROM activity INDEXED BY {} WHERE at >= ?1 AND at < ?2{}",
                match reps {
                    Reps::All => "activity_at",
                    Reps::Only(_) => "activity_rep_at",
                },
                reps.filter("rep_id")
            ),
            &[&from, &to],
        )?;
        let mut rows = stmt.raw_query();
        while let Some(r) = rows.next()? {
            let rep: RepId = r.get(0)?;
            let at: i64 = r.get(1)?;
            let Some(i) = starts.partition_point(|s| *s <= at).checked_sub(1) else {
                continue;
            };
            let e = counts.entry((rep, i)).or_insert_with(|| ActivityDay {
                rep_id: rep,
                day: days[i],
                calls: 0,
                meetings: 0,
                with_customer: 0,
            });
            e.calls += i64::from(r.get::<_, bool>(2)?);
            e.meetings += i64::from(r.get::<_, bool>(3)?);
            e.with_customer += i64::from(r.get::<_, bool>(4)?);
        }
        d.activity_days = counts.into_values().collect();
        d.activity_days.sort_by_key(|a| (a.rep_id, a.day));
        let owners = match reps {
            Reps::All => String::new(),
            Reps::Only(a) if a.unowned_customers => {
                " WHERE (c.rep_id IS NULL OR c.rep_id IN (SELECT value FROM json_each(?9)))".into()
            }
            Reps::Only(_) => " WHERE c.rep_id IN (SELECT value FROM json_each(?9))".into(),
        };
        // Each customer's won deals (how many before the window's end, the first ever): for
        // every customer in one pass over `deal_won_customer`, for a few by a look-up each.
        let (won, won_join) = match reps {
            Reps::All => (
                "coalesce(w.n, 0), w.first",
                " LEFT JOIN (SELECT customer_id, count(*) FILTER (WHERE closed_at < ?1) AS n,
                                    min(closed_at) AS first
                             FROM deal WHERE stage = 'won' GROUP BY customer_id) w
                   ON w.customer_id = c.id",
            ),
            Reps::Only(_) => (
                "(SELECT count(*) FROM deal x WHERE x.customer_id = c.id AND x.stage = 'won' AND x.closed_at < ?1),
                 (SELECT min(closed_at) FROM deal x WHERE x.customer_id = c.id AND x.stage = 'won')",
                "",
            ),
        };
        let mut stmt = run(
            &format!(
                "SELECT c.id, c.rep_id, c.region, c.acquired_on, c.churned_on, c.campaign_id, {won},
                   (SELECT max(at) FROM activity a WHERE a.customer_id = c.id AND a.at < ?1)
                 FROM customer c{won_join}{owners} ORDER BY c.rep_id, c.id"
            ),
            &[&to],
        )?;
        d.customers = stmt
            .raw_query()
            .mapped(|r| {
                Ok(Customer {
                    id: r.get(0)?,
                    rep_id: r.get(1)?,
                    region: clean_owned(r.text(2)?),
                    acquired_on: date(&r.text(3)?),
                    churned_on: opt_date(r.get(4)?),
                    campaign_id: r.get(5)?,
                    won_deals: r.get(6)?,
                    first_won_at: r.get(7)?,
                    last_contact_at: r.get(8)?,
                })
            })
            .collect::<rusqlite::Result<_>>()?;
        for table in ["satisfaction", "knowledge_test"] {
            let mut stmt = run(
                &format!(
                    "SELECT rep_id, taken_on, score FROM {table}
                     WHERE taken_on < ?1{} ORDER BY rep_id, taken_on, id",
                    reps.filter("rep_id")
                ),
                &[&to_day],
            )?;
            let rows = stmt
                .raw_query()
                .mapped(|r| {
                    Ok(Survey {
                        rep_id: r.get(0)?,
                        taken_on: date(&r.text(1)?),
                        score: r.get(2)?,
                    })
                })
                .collect::<rusqlite::Result<_>>()?;
            if table == "satisfaction" {
                d.surveys = rows;
            } else {
                d.knowledge = rows;
            }
        }
        let mut stmt = run(
            &format!(
                "SELECT id, rep_id, received_at, first_response_at FROM inquiry
                 WHERE received_at >= ?1 AND received_at < ?2{} ORDER BY received_at, id",
                reps.filter("rep_id")
            ),
            &[&from, &to],
        )?;
        d.inquiries = stmt
            .raw_query()
            .mapped(|r| {
                Ok(Inquiry {
                    id: r.get(0)?,
                    rep_id: r.get(1)?,
                    received_at: r.get(2)?,
                    first_response_at: r.get(3)?,
                })
            })
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = run(
            &format!(
                "SELECT i.id, d.rep_id, i.deal_id, i.amount, i.issued_on, i.due_on, i.paid_on
                 FROM invoice i JOIN deal d ON d.id = i.deal_id
                 WHERE i.issued_on < ?2 AND (i.paid_on IS NULL OR i.paid_on >= ?1){}
                 ORDER BY i.due_on, i.id",
                reps.filter("d.rep_id")
            ),
            &[&from_day, &to_day],
        )?;
        d.invoices = stmt
            .raw_query()
            .mapped(|r| {
                Ok(Invoice {
                    id: r.get(0)?,
                    rep_id: r.get(1)?,
                    deal_id: r.get(2)?,
                    amount: r.get(3)?,
                    issued_on: date(&r.text(4)?),
                    due_on: date(&r.text(5)?),
                    paid_on: opt_date(r.get(6)?),
                })
            })
            .collect::<rusqlite::Result<_>>()?;
        Ok(())
    }

    /// The customers `permit` may enter data for (for pickers): those nobody owns and those
    /// of reps in teams it sees; by name.
    pub fn customer_names(&self, permit: &super::Permit) -> Result<Vec<(CustomerId, String)>> {
        let teams = teams_json(permit);
        let rows = self
            .conn
            .prepare_cached(
                "SELECT c.id, c.name FROM customer c LEFT JOIN rep r ON r.id = c.rep_id
                 WHERE ?1 IS NULL OR c.rep_id IS NULL
                    OR r.team_id IN (SELECT value FROM json_each(?1))
                 ORDER BY c.name, c.id",
            )?
            .query_map([teams], |r| Ok((r.get(0)?, clean_owned(r.text(1)?))))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every team, by name.
    pub fn teams(&self) -> Result<Vec<Team>> {
        let rows = self
            .conn
            .prepare_cached("SELECT id, name, parent_id FROM team ORDER BY name, id")?
            .query_map([], |r| {
                Ok(Team {
                    id: r.get(0)?,
                    name: clean_owned(r.text(1)?),
                    parent_id: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The latest local day, up to `today`, with a closed deal or an activity of the teams
    /// `permit` sees (for falling back to a period that has data). Rows dated after today
    /// (written by hand) do not count.
    pub fn latest_data_day(
        &self,
        permit: &super::Permit,
        today: NaiveDate,
    ) -> Result<Option<NaiveDate>> {
        let until = day_start(&Local, today + chrono::Duration::days(1));
        let at: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT max(m) FROM (
                   SELECT max(d.closed_at) AS m FROM deal d JOIN rep r ON r.id = d.rep_id
                   WHERE d.closed_at < ?1
                     AND (?2 IS NULL OR r.team_id IN (SELECT value FROM json_each(?2)))
                   UNION ALL
                   SELECT max(a.at) FROM activity a JOIN rep r ON r.id = a.rep_id
                   WHERE a.at < ?1
                     AND (?2 IS NULL OR r.team_id IN (SELECT value FROM json_each(?2))))",
            )?
            .query_row(params![until, teams_json(permit)], |r| r.get(0))?;
        Ok(at.map(|t| crate::period::local_day(&Local, t)))
    }

    /// True when the period has a closed deal or an activity of the teams `permit` sees.
    pub fn has_data_in(&self, period: &Period, permit: &super::Permit) -> Result<bool> {
        let (from, to) = period.bounds(&Local);
        let any: bool = self
            .conn
            .prepare_cached(
                "SELECT EXISTS(SELECT 1 FROM deal d JOIN rep r ON r.id = d.rep_id
                               WHERE d.closed_at >= ?1 AND d.closed_at < ?2
                                 AND (?3 IS NULL OR r.team_id IN (SELECT value FROM json_each(?3))))
                     OR EXISTS(SELECT 1 FROM activity a JOIN rep r ON r.id = a.rep_id
                               WHERE a.at >= ?1 AND a.at < ?2
                                 AND (?3 IS NULL OR r.team_id IN (SELECT value FROM json_each(?3))))",
            )?
            .query_row(params![from, to, teams_json(permit)], |r| r.get(0))?;
        Ok(any)
    }

    /// The latest entries typed into salesboard (calls, meetings, surveys, tests, plans),
    /// newest first, with who entered them.
    pub fn recent_entries(&self, limit: usize, permit: &super::Permit) -> Result<Vec<EntryLine>> {
        // Only the reps of teams the access list shows (NULL: every team).
        let teams = teams_json(permit);
        // Each kind's newest rows first (through its `entered_at` order), then the newest
        // of those: a few index steps, not a scan of every activity ever logged.
        let newest = |select: &str, from: &str, alias: &str| {
            format!(
                "SELECT * FROM (SELECT {select} FROM {from} JOIN rep r ON r.id = {alias}.rep_id
                   WHERE {alias}.entered_at IS NOT NULL
                     AND (?2 IS NULL OR r.team_id IN (SELECT value FROM json_each(?2)))
                   ORDER BY {alias}.entered_at DESC, {alias}.id DESC LIMIT ?1)"
            )
        };
        let sql = format!(
            "SELECT * FROM ({} UNION ALL {} UNION ALL {} UNION ALL {}) ORDER BY 7 DESC, 2 DESC LIMIT ?1",
            newest(
                "a.kind AS entity, a.id, r.name, a.at,
                 a.outcome || CASE WHEN a.duration_min > 0 THEN ', ' || a.duration_min || ' min' ELSE '' END
                   || CASE WHEN a.note <> '' THEN ' — ' || a.note ELSE '' END,
                 a.entered_by, a.entered_at",
                "activity a INDEXED BY activity_entered",
                "a"
            ),
            newest(
                "'satisfaction', s.id, r.name, s.entered_at, 'score ' || s.score || '/10', s.entered_by, s.entered_at",
                "satisfaction s",
                "s"
            ),
            newest(
                "'knowledge', k.id, r.name, k.entered_at, 'test ' || k.score || '%', k.entered_by, k.entered_at",
                "knowledge_test k",
                "k"
            ),
            newest(
                "'plan', p.id, r.name, p.entered_at, 'plan ' || p.month, p.entered_by, p.entered_at",
                "plan p",
                "p"
            ),
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params![limit as i64, teams], |r| {
                Ok(EntryLine {
                    entity: r.get(0)?,
                    id: r.get(1)?,
                    rep: clean_owned(r.text(2)?),
                    at: r.get(3)?,
                    summary: clean_owned(r.text(4)?),
                    entered_by: r.opt_text(5)?.map(clean_owned),
                    entered_at: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
