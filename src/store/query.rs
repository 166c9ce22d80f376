//! Typed reads: everything the KPI engine needs for a window of time, in one consistent
//! read transaction, and nothing from outside that window that it does not need.

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
    /// Stage changes of those deals, by deal then time.
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
    let kind: String = r.get(8)?;
    let stage: String = r.get(12)?;
    let lost_from: Option<String> = r.get(14)?;
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
        product: clean_owned(r.get(9)?),
        location: clean_owned(r.get(10)?),
        created_at: r.get(11)?,
        stage: stage.parse().unwrap_or(Stage::Lead),
        closed_at: r.get(13)?,
        lost_from_stage: lost_from.and_then(|s| s.parse().ok()),
    })
}

/// Deals that matter for a window `[from, to)`: created or closed in it, or open at its end.
const DEALS_IN_WINDOW: &str = "
    SELECT id FROM deal WHERE created_at >= ?1 AND created_at < ?2
    UNION SELECT id FROM deal WHERE closed_at >= ?1 AND closed_at < ?2
    UNION SELECT id FROM deal WHERE stage NOT IN ('won', 'lost') AND created_at < ?2
    UNION SELECT id FROM deal WHERE closed_at >= ?2 AND created_at < ?2";

impl Store {
    /// Reads everything the KPI engine needs for `window` in one read transaction.
    pub fn dataset(&self, window: DataWindow) -> Result<Dataset> {
        let (from, to) = (day_start(&Local, window.from), day_start(&Local, window.to));
        let (from_day, to_day) = (ymd(window.from), ymd(window.to));
        let c = &self.conn;
        // One snapshot for all the queries below; dropped (rolled back) at the end so no
        // read transaction stays open while the board idles.
        c.execute_batch("BEGIN DEFERRED")?;
        let result = (|| -> Result<Dataset> {
            let mut d = Dataset {
                settings: self.settings.clone(),
                ..Dataset::default()
            };
            d.teams = c
                .prepare_cached("SELECT id, name, parent_id FROM team ORDER BY name, id")?
                .query_map([], |r| {
                    Ok(Team {
                        id: r.get(0)?,
                        name: clean_owned(r.get(1)?),
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
                        name: clean_owned(r.get(1)?),
                        team_id: r.get(2)?,
                        region: clean_owned(r.get(3)?),
                        hired_on: date(&r.get::<_, String>(4)?),
                        active: r.get(5)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            let month_from = window.from.format("%Y-%m").to_string();
            let month_to = window.to.format("%Y-%m").to_string();
            for (table, out) in [("plan", &mut d.plans), ("team_plan", &mut d.team_plans)] {
                let owner = if table == "plan" { "rep_id" } else { "team_id" };
                *out = c
                    .prepare_cached(&format!(
                        "SELECT {owner}, month, revenue_target, units_target, calls_target, meetings_target
                         FROM {table} WHERE month >= ?1 AND month <= ?2 ORDER BY {owner}, month"
                    ))?
                    .query_map(params![month_from, month_to], |r| {
                        Ok(Plan {
                            owner_id: r.get(0)?,
                            month: date(&format!("{}-01", r.get::<_, String>(1)?)),
                            targets: Targets {
                                revenue: r.get(2)?,
                                units: r.get(3)?,
                                calls: r.get(4)?,
                                meetings: r.get(5)?,
                            },
                        })
                    })?
                    .collect::<rusqlite::Result<_>>()?;
            }
            d.deals = c
                .prepare_cached(&format!(
                    "SELECT id, rep_id, customer_id, campaign_id, amount, cost, units, score, kind,
                            product, location, created_at, stage, closed_at, lost_from_stage
                     FROM deal WHERE id IN ({DEALS_IN_WINDOW}) ORDER BY rep_id, id"
                ))?
                .query_map(params![from, to], deal_from_row)?
                .collect::<rusqlite::Result<_>>()?;
            d.stage_changes = c
                .prepare_cached(&format!(
                    "SELECT deal_id, from_stage, to_stage, at FROM stage_change
                     WHERE deal_id IN ({DEALS_IN_WINDOW}) ORDER BY deal_id, at, id"
                ))?
                .query_map(params![from, to], |r| {
                    let from_stage: Option<String> = r.get(1)?;
                    let to_stage: String = r.get(2)?;
                    Ok(StageChange {
                        deal_id: r.get(0)?,
                        from_stage: from_stage.and_then(|s| s.parse().ok()),
                        to_stage: to_stage.parse().unwrap_or(Stage::Lead),
                        at: r.get(3)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            d.activity_days = c
                .prepare_cached(
                    "SELECT rep_id, date(at, 'unixepoch', 'localtime') AS day,
                            sum(kind = 'call'), sum(kind = 'meeting'), count(customer_id)
                     FROM activity WHERE at >= ?1 AND at < ?2
                     GROUP BY rep_id, day ORDER BY rep_id, day",
                )?
                .query_map(params![from, to], |r| {
                    Ok(ActivityDay {
                        rep_id: r.get(0)?,
                        day: date(&r.get::<_, String>(1)?),
                        calls: r.get(2)?,
                        meetings: r.get(3)?,
                        with_customer: r.get(4)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            d.customers = c
                .prepare_cached(
                    "SELECT c.id, c.rep_id, c.region, c.acquired_on, c.churned_on, c.campaign_id,
                       (SELECT count(*) FROM deal x WHERE x.customer_id = c.id AND x.stage = 'won' AND x.closed_at < ?1),
                       (SELECT min(closed_at) FROM deal x WHERE x.customer_id = c.id AND x.stage = 'won'),
                       (SELECT max(at) FROM activity a WHERE a.customer_id = c.id AND a.at < ?1)
                     FROM customer c ORDER BY c.rep_id, c.id",
                )?
                .query_map([to], |r| {
                    Ok(Customer {
                        id: r.get(0)?,
                        rep_id: r.get(1)?,
                        region: clean_owned(r.get(2)?),
                        acquired_on: date(&r.get::<_, String>(3)?),
                        churned_on: opt_date(r.get(4)?),
                        campaign_id: r.get(5)?,
                        won_deals: r.get(6)?,
                        first_won_at: r.get(7)?,
                        last_contact_at: r.get(8)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            d.campaigns = c
                .prepare_cached(
                    "SELECT id, name, channel, cost, starts_on, ends_on, baseline_revenue
                     FROM campaign ORDER BY starts_on, id",
                )?
                .query_map([], |r| {
                    Ok(Campaign {
                        id: r.get(0)?,
                        name: clean_owned(r.get(1)?),
                        channel: r.get::<_, String>(2)?.parse().unwrap_or(Channel::Other),
                        cost: r.get(3)?,
                        starts_on: date(&r.get::<_, String>(4)?),
                        ends_on: date(&r.get::<_, String>(5)?),
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
                        spent_on: date(&r.get::<_, String>(0)?),
                        amount: r.get(1)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            for (table, out) in [
                ("satisfaction", &mut d.surveys),
                ("knowledge_test", &mut d.knowledge),
            ] {
                *out = c
                    .prepare_cached(&format!(
                        "SELECT rep_id, taken_on, score FROM {table}
                         WHERE taken_on < ?1 ORDER BY rep_id, taken_on, id"
                    ))?
                    .query_map([&to_day], |r| {
                        Ok(Survey {
                            rep_id: r.get(0)?,
                            taken_on: date(&r.get::<_, String>(1)?),
                            score: r.get(2)?,
                        })
                    })?
                    .collect::<rusqlite::Result<_>>()?;
            }
            d.inquiries = c
                .prepare_cached(
                    "SELECT id, rep_id, received_at, first_response_at FROM inquiry
                     WHERE received_at >= ?1 AND received_at < ?2 ORDER BY received_at, id",
                )?
                .query_map(params![from, to], |r| {
                    Ok(Inquiry {
                        id: r.get(0)?,
                        rep_id: r.get(1)?,
                        received_at: r.get(2)?,
                        first_response_at: r.get(3)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            d.invoices = c
                .prepare_cached(
                    "SELECT i.id, d.rep_id, i.deal_id, i.amount, i.issued_on, i.due_on, i.paid_on
                     FROM invoice i JOIN deal d ON d.id = i.deal_id
                     WHERE i.issued_on < ?2 AND (i.paid_on IS NULL OR i.paid_on >= ?1)
                     ORDER BY i.due_on, i.id",
                )?
                .query_map(params![from_day, to_day], |r| {
                    Ok(Invoice {
                        id: r.get(0)?,
                        rep_id: r.get(1)?,
                        deal_id: r.get(2)?,
                        amount: r.get(3)?,
                        issued_on: date(&r.get::<_, String>(4)?),
                        due_on: date(&r.get::<_, String>(5)?),
                        paid_on: opt_date(r.get(6)?),
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            Ok(d)
        })();
        // A read-only transaction: ending it can only fail if it was never begun.
        let _ = c.execute_batch("COMMIT");
        result
    }

    /// Every customer's id and name (for pickers), by name.
    pub fn customer_names(&self) -> Result<Vec<(CustomerId, String)>> {
        let rows = self
            .conn
            .prepare_cached("SELECT id, name FROM customer ORDER BY name, id")?
            .query_map([], |r| Ok((r.get(0)?, clean_owned(r.get(1)?))))?
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
                    name: clean_owned(r.get(1)?),
                    parent_id: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The latest local day with a won deal or an activity, for falling back to a period
    /// that has data.
    pub fn latest_data_day(&self) -> Result<Option<NaiveDate>> {
        let at: Option<i64> = self.conn.query_row(
            "SELECT max(m) FROM (SELECT max(closed_at) AS m FROM deal WHERE closed_at IS NOT NULL
                                 UNION ALL SELECT max(at) FROM activity)",
            [],
            |r| r.get(0),
        )?;
        Ok(at.map(|t| crate::period::local_day(&Local, t)))
    }

    /// True when the period has any won deal or activity.
    pub fn has_data_in(&self, period: &Period) -> Result<bool> {
        let (from, to) = period.bounds(&Local);
        let any: bool = self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM deal WHERE closed_at >= ?1 AND closed_at < ?2)
                 OR EXISTS(SELECT 1 FROM activity WHERE at >= ?1 AND at < ?2)",
            params![from, to],
            |r| r.get(0),
        )?;
        Ok(any)
    }

    /// The latest entries typed into salesboard (calls, meetings, surveys, tests, plans),
    /// newest first, with who entered them.
    pub fn recent_entries(&self, limit: usize, permit: &super::Permit) -> Result<Vec<EntryLine>> {
        // Only the reps of teams the access list shows (NULL: every team).
        let teams = permit
            .teams
            .as_ref()
            .map(|t| serde_json::to_string(t).expect("ids serialise"));
        let mut stmt = self.conn.prepare_cached(
            "SELECT * FROM (
               SELECT a.kind AS entity, a.id, r.name, a.at,
                      a.outcome || CASE WHEN a.duration_min > 0 THEN ', ' || a.duration_min || ' min' ELSE '' END
                        || CASE WHEN a.note <> '' THEN ' — ' || a.note ELSE '' END,
                      a.entered_by, a.entered_at
                 FROM activity a JOIN rep r ON r.id = a.rep_id WHERE a.entered_at IS NOT NULL AND (?2 IS NULL OR r.team_id IN (SELECT value FROM json_each(?2)))
               UNION ALL
               SELECT 'satisfaction', s.id, r.name, s.entered_at, 'score ' || s.score || '/10', s.entered_by, s.entered_at
                 FROM satisfaction s JOIN rep r ON r.id = s.rep_id WHERE s.entered_at IS NOT NULL AND (?2 IS NULL OR r.team_id IN (SELECT value FROM json_each(?2)))
               UNION ALL
               SELECT 'knowledge', k.id, r.name, k.entered_at, 'test ' || k.score || '%', k.entered_by, k.entered_at
                 FROM knowledge_test k JOIN rep r ON r.id = k.rep_id WHERE k.entered_at IS NOT NULL AND (?2 IS NULL OR r.team_id IN (SELECT value FROM json_each(?2)))
               UNION ALL
               SELECT 'plan', p.id, r.name, p.entered_at, 'plan ' || p.month, p.entered_by, p.entered_at
                 FROM plan p JOIN rep r ON r.id = p.rep_id WHERE p.entered_at IS NOT NULL AND (?2 IS NULL OR r.team_id IN (SELECT value FROM json_each(?2)))
             ) ORDER BY 7 DESC, 2 DESC LIMIT ?1",
        )?;
        let rows = stmt
            .query_map(rusqlite::params![limit as i64, teams], |r| {
                Ok(EntryLine {
                    entity: r.get(0)?,
                    id: r.get(1)?,
                    rep: clean_owned(r.get(2)?),
                    at: r.get(3)?,
                    summary: clean_owned(r.get(4)?),
                    entered_by: r.get::<_, Option<String>>(5)?.map(clean_owned),
                    entered_at: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
