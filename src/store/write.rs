//! Validated writes, one function per entity. The board's forms and `salesboard add` fill
//! the same `New…` structs with the text the user typed, so both get the same checks and
//! the same one-line messages.

use super::lossy::RowExt;
use super::{Result, Store, StoreError};
use crate::input;
use crate::model::{ActivityKind, InquiryChannel, Outcome, Timestamp};
use crate::period::{day_start, local_day};
use chrono::{Local, NaiveDate, NaiveTime, Timelike};
use rusqlite::{OptionalExtension, params};
use serde_json::json;

/// Who is writing, and when. The OS user comes from the real uid, never from `$USER`.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub uid: u32,
    pub user: String,
    /// "Now", injected so that validation ("in the future") is testable.
    pub now: Timestamp,
}

impl Actor {
    /// The user running this process, at the current time.
    pub fn current() -> Actor {
        let uid = nix::unistd::getuid();
        let user = nix::unistd::User::from_uid(uid)
            .ok()
            .flatten()
            .map(|u| u.name)
            .unwrap_or_else(|| format!("uid{}", uid.as_raw()));
        Actor {
            uid: uid.as_raw(),
            user: crate::text::clean_owned(user),
            now: chrono::Utc::now().timestamp(),
        }
    }

    pub fn today(&self) -> NaiveDate {
        local_day(&Local, self.now)
    }
}

/// A rejected value: which field, and why, in one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct Validation {
    pub field: &'static str,
    pub reason: String,
}

impl Validation {
    pub fn new(field: &'static str, reason: impl Into<String>) -> Validation {
        Validation {
            field,
            reason: reason.into(),
        }
    }
}

fn invalid<T>(field: &'static str, reason: impl Into<String>) -> Result<T> {
    Err(StoreError::Invalid(Validation::new(field, reason)))
}

fn field<T>(name: &'static str, r: std::result::Result<T, String>) -> Result<T> {
    r.map_err(|e| StoreError::Invalid(Validation::new(name, e)))
}

/// A call or a meeting, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewActivity {
    pub kind: Option<ActivityKind>,
    pub rep: String,
    pub date: String,
    /// Empty: now when the date is today, otherwise 12:00.
    pub time: String,
    pub duration: String,
    /// Empty: `reached` for a call, `held` for a meeting.
    pub outcome: String,
    pub customer: String,
    pub note: String,
}

/// A satisfaction survey answer, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewSurvey {
    pub rep: String,
    pub date: String,
    pub score: String,
    pub workload: String,
    pub team: String,
    pub manager: String,
    pub pay: String,
    pub comment: String,
}

/// A rep's monthly plan, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewPlan {
    pub rep: String,
    pub month: String,
    pub revenue: String,
    pub units: String,
    pub calls: String,
    pub meetings: String,
    /// Replace an existing plan for that month instead of refusing.
    pub replace: bool,
}

/// A knowledge test result, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewKnowledge {
    pub rep: String,
    pub date: String,
    pub score: String,
}

/// An inquiry and/or its first response, as typed. With `inquiry` set, records the first
/// response to that open inquiry; without it, records a new inquiry for `rep` received at
/// `received_*`, answered at `date`/`time` when those are given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewResponse {
    pub inquiry: String,
    pub rep: String,
    pub customer: String,
    pub channel: String,
    pub received_date: String,
    pub received_time: String,
    pub date: String,
    pub time: String,
}

/// A JSON scalar as an SQLite value.
fn sql_value(v: &serde_json::Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match v {
        serde_json::Value::Null => V::Null,
        serde_json::Value::Bool(b) => V::Integer(i64::from(*b)),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map(V::Integer)
            .unwrap_or_else(|| V::Real(n.as_f64().unwrap_or_default())),
        serde_json::Value::String(s) => V::Text(s.clone()),
        other => V::Text(other.to_string()),
    }
}

/// A checked call or meeting, ready to be written.
struct ActivityRow {
    rep: RepRow,
    kind: ActivityKind,
    at: Timestamp,
    duration: i64,
    outcome: Outcome,
    customer: Option<i64>,
    note: String,
}

impl ActivityRow {
    fn json(&self) -> serde_json::Value {
        json!({"rep": self.rep.name, "kind": self.kind.as_str(), "at": self.at,
            "duration_min": self.duration, "outcome": self.outcome.as_str(),
            "customer_id": self.customer, "note": self.note})
    }
}

/// A rep found by name: id, display name, hire date.
struct RepRow {
    id: i64,
    name: String,
    hired_on: NaiveDate,
}

impl Store {
    /// Finds an active rep by exact name (any case), `#id`, or a unique part of the name.
    fn resolve_rep(&self, text: &str) -> Result<RepRow> {
        let t = text.trim();
        if t.is_empty() {
            return invalid("rep", "a rep is required");
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, hired_on, active FROM rep ORDER BY name")?;
        let all: Vec<(i64, String, String, bool)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.text(1)?, r.text(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let lower = t.to_lowercase();
        let by_id = t.strip_prefix('#').and_then(|n| n.parse::<i64>().ok());
        let exact: Vec<_> = all
            .iter()
            .filter(|r| Some(r.0) == by_id || r.1.to_lowercase() == lower)
            .collect();
        let found = if exact.len() == 1 {
            exact[0]
        } else {
            let partial: Vec<_> = all
                .iter()
                .filter(|r| r.1.to_lowercase().contains(&lower))
                .collect();
            match partial.as_slice() {
                [one] => *one,
                [] => return invalid("rep", format!("unknown rep '{}'", crate::text::clean(t))),
                many => {
                    let names: Vec<String> = many
                        .iter()
                        .take(4)
                        .map(|r| crate::text::clean_owned(r.1.clone()))
                        .collect();
                    return invalid(
                        "rep",
                        format!(
                            "'{}' matches {} reps ({}{}); type more of the name",
                            crate::text::clean(t),
                            many.len(),
                            names.join(", "),
                            if many.len() > 4 { ", …" } else { "" }
                        ),
                    );
                }
            }
        };
        let name = crate::text::clean_owned(found.1.clone());
        if !found.3 {
            return invalid("rep", format!("{name} is not active"));
        }
        let hired_on = NaiveDate::parse_from_str(&found.2, "%Y-%m-%d")
            .map_err(|_| StoreError::Other(format!("rep {name} has a bad hire date")))?;
        Ok(RepRow {
            id: found.0,
            name,
            hired_on,
        })
    }

    /// Finds a customer by exact name (any case), `#id`, or a unique part of the name,
    /// among those `actor` may enter data for (like the forms' picker): another team's
    /// customer is unknown, so neither its existence nor a second match gives it away.
    fn resolve_customer(&self, actor: &Actor, text: &str) -> Result<Option<i64>> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(None);
        }
        // Someone not on the list is refused when writing; until then, search everything.
        let teams = self
            .permit_for(actor.uid)
            .ok()
            .and_then(|p| super::query::teams_json(&p));
        // Parameter `n` holds the teams (NULL: every team).
        let may = |n: u8| {
            format!(
                "(?{n} IS NULL OR c.rep_id IS NULL OR c.rep_id IN
                  (SELECT id FROM rep WHERE team_id IN (SELECT value FROM json_each(?{n}))))"
            )
        };
        if let Some(id) = t.strip_prefix('#').and_then(|n| n.parse::<i64>().ok()) {
            let hit: Option<i64> = self
                .conn
                .query_row(
                    &format!("SELECT id FROM customer c WHERE id = ?1 AND {}", may(2)),
                    params![id, teams],
                    |r| r.get(0),
                )
                .optional()?;
            return hit.map(Some).ok_or_else(|| {
                StoreError::Invalid(Validation::new("customer", format!("no customer #{id}")))
            });
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, name FROM customer c WHERE lower(name) = lower(?1) AND {may}
             UNION ALL SELECT id, name FROM customer c
               WHERE instr(lower(name), lower(?1)) > 0 AND {may} LIMIT 6",
            may = may(2)
        ))?;
        let hits: Vec<(i64, String)> = stmt
            .query_map(params![t, teams], |r| Ok((r.get(0)?, r.text(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        // SQLite's lower() only folds ASCII; compare again with Unicode folding.
        let lower = t.to_lowercase();
        let exact: Vec<_> = hits
            .iter()
            .filter(|h| h.1.to_lowercase() == lower)
            .collect();
        if let Some(h) = exact.first() {
            return Ok(Some(h.0));
        }
        let mut ids: Vec<i64> = hits.iter().map(|h| h.0).collect();
        ids.dedup();
        match ids.as_slice() {
            [one] => Ok(Some(*one)),
            [] => {
                // Unicode names: scan when the ASCII-only SQL match found nothing.
                let mut stmt = self
                    .conn
                    .prepare_cached(&format!("SELECT id, name FROM customer c WHERE {}", may(1)))?;
                let found: Vec<i64> = stmt
                    .query_map([&teams], |r| Ok((r.get::<_, i64>(0)?, r.text(1)?)))?
                    .filter_map(|r| r.ok())
                    .filter(|(_, n)| n.to_lowercase().contains(&lower))
                    .map(|(id, _)| id)
                    .take(2)
                    .collect();
                match found.as_slice() {
                    [one] => Ok(Some(*one)),
                    [] => invalid(
                        "customer",
                        format!("unknown customer '{}'", crate::text::clean(t)),
                    ),
                    _ => invalid(
                        "customer",
                        format!(
                            "'{}' matches several customers; type more of the name",
                            crate::text::clean(t)
                        ),
                    ),
                }
            }
            _ => invalid(
                "customer",
                format!(
                    "'{}' matches several customers; type more of the name",
                    crate::text::clean(t)
                ),
            ),
        }
    }

    /// The rep and the day of an entry, checked against today and the rep's hire date.
    fn rep_and_day(&self, actor: &Actor, rep: &str, date: &str) -> Result<(RepRow, NaiveDate)> {
        let rep = self.resolve_rep(rep)?;
        let day = field("date", input::parse_date(date, actor.today()))?;
        check_day(actor, &rep, "date", day)?;
        Ok((rep, day))
    }

    /// Turns a typed date and optional time into an instant, checking it is neither in the
    /// future nor before `rep` was hired.
    fn instant(
        &self,
        actor: &Actor,
        rep: &RepRow,
        date_field: &'static str,
        date: &str,
        time_field: &'static str,
        time: &str,
    ) -> Result<Timestamp> {
        let today = actor.today();
        let day = field(date_field, input::parse_date(date, today))?;
        let time = if time.trim().is_empty() {
            if day == today {
                let now = chrono::DateTime::from_timestamp(actor.now, 0)
                    .map(|t| t.with_timezone(&Local).time())
                    .unwrap_or_default();
                NaiveTime::from_hms_opt(now.hour(), now.minute(), 0).unwrap_or_default()
            } else {
                NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()
            }
        } else {
            field(time_field, input::parse_time(time))?
        };
        check_day(actor, rep, date_field, day)?;
        let at = day_start(&Local, day) + i64::from(time.num_seconds_from_midnight());
        // The database keeps instants from 1970 on (Unix seconds ≥ 0).
        if at < 0 {
            return invalid(date_field, format!("{day} is before 1970"));
        }
        if at > actor.now + 60 {
            return invalid(
                time_field,
                format!("{} is in the future", time.format("%H:%M")),
            );
        }
        Ok(at)
    }

    /// Checks a typed call or meeting and turns it into the values of an `activity` row.
    fn check_activity(&self, actor: &Actor, new: &NewActivity) -> Result<ActivityRow> {
        let Some(kind) = new.kind else {
            return invalid("kind", "call or meeting");
        };
        let rep = self.resolve_rep(&new.rep)?;
        let at = self.instant(actor, &rep, "date", &new.date, "time", &new.time)?;
        let duration = if new.duration.trim().is_empty() {
            0
        } else {
            field("duration", input::parse_duration(&new.duration))?
        };
        let outcome = if new.outcome.trim().is_empty() {
            match kind {
                ActivityKind::Call => Outcome::Reached,
                ActivityKind::Meeting => Outcome::Held,
            }
        } else {
            field("outcome", new.outcome.parse::<Outcome>())?
        };
        let customer = self.resolve_customer(actor, &new.customer)?;
        let note = crate::text::clean(new.note.trim()).into_owned();
        Ok(ActivityRow {
            rep,
            kind,
            at,
            duration,
            outcome,
            customer,
            note,
        })
    }

    /// Records a call or a meeting. Returns the new row's id.
    pub fn add_activity(&mut self, actor: &Actor, new: &NewActivity) -> Result<i64> {
        let a = self.check_activity(actor, new)?;
        self.write(actor, |tx, audit| {
            tx.prepare_cached(
                "INSERT INTO activity(rep_id, kind, at, duration_min, outcome, customer_id, note, entered_by, entered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                a.rep.id,
                a.kind.as_str(),
                a.at,
                a.duration,
                a.outcome.as_str(),
                a.customer,
                a.note,
                audit.actor().user,
                audit.actor().now
            ])?;
            let id = tx.last_insert_rowid();
            audit.record(tx, "insert", "activity", Some(id), None, Some(a.json()))?;
            Ok(id)
        })
    }

    /// Corrects a call or meeting, with the same checks as [`Store::add_activity`]; the old
    /// and new values go to the audit log.
    pub fn update_activity(&mut self, actor: &Actor, id: i64, new: &NewActivity) -> Result<()> {
        let a = self.check_activity(actor, new)?;
        self.write(actor, |tx, audit| {
            let old = super::entries::row_json(tx, "activity", id)?
                .ok_or_else(|| StoreError::Invalid(Validation::new("entry", format!("no call or meeting #{id} (deleted meanwhile?)"))))?;
            tx.execute(
                "UPDATE activity SET rep_id = ?2, kind = ?3, at = ?4, duration_min = ?5, outcome = ?6,
                 customer_id = ?7, note = ?8 WHERE id = ?1",
                params![id, a.rep.id, a.kind.as_str(), a.at, a.duration, a.outcome.as_str(), a.customer, a.note],
            )?;
            audit.record(tx, "update", "activity", Some(id), Some(old), Some(a.json()))?;
            Ok(())
        })
    }

    /// Checks a typed survey answer: (rep, values for the row as JSON-able columns).
    fn check_survey(&self, actor: &Actor, new: &NewSurvey) -> Result<(RepRow, serde_json::Value)> {
        let (rep, day) = self.rep_and_day(actor, &new.rep, &new.date)?;
        let score = field("score", input::parse_int_in(&new.score, 1, 10))?;
        let sub = |name: &'static str, v: &str| -> Result<Option<i64>> {
            if v.trim().is_empty() {
                Ok(None)
            } else {
                field(name, input::parse_int_in(v, 1, 5)).map(Some)
            }
        };
        let values = json!({
            "rep_id": rep.id,
            "taken_on": day.format("%Y-%m-%d").to_string(),
            "score": score,
            "workload": sub("workload", &new.workload)?,
            "team": sub("team", &new.team)?,
            "manager": sub("manager", &new.manager)?,
            "pay": sub("pay", &new.pay)?,
            "comment": crate::text::clean(new.comment.trim()).into_owned(),
        });
        Ok((rep, values))
    }

    /// Checks a typed knowledge test: (rep, values for the row).
    fn check_knowledge(
        &self,
        actor: &Actor,
        new: &NewKnowledge,
    ) -> Result<(RepRow, serde_json::Value)> {
        let (rep, day) = self.rep_and_day(actor, &new.rep, &new.date)?;
        let score = field(
            "score",
            input::parse_int_in(new.score.trim().trim_end_matches('%'), 0, 100),
        )?;
        let values = json!({"rep_id": rep.id, "taken_on": day.format("%Y-%m-%d").to_string(), "score": score});
        Ok((rep, values))
    }

    /// Records a satisfaction survey answer (score 1–10, optional sub-scores 1–5).
    pub fn add_survey(&mut self, actor: &Actor, new: &NewSurvey) -> Result<i64> {
        let (rep, values) = self.check_survey(actor, new)?;
        self.insert_entry(actor, "satisfaction", &rep, values)
    }

    /// Records a knowledge test score (0–100 %).
    pub fn add_knowledge(&mut self, actor: &Actor, new: &NewKnowledge) -> Result<i64> {
        let (rep, values) = self.check_knowledge(actor, new)?;
        self.insert_entry(actor, "knowledge_test", &rep, values)
    }

    /// Corrects a survey answer, with the same checks as adding one.
    pub fn update_survey(&mut self, actor: &Actor, id: i64, new: &NewSurvey) -> Result<()> {
        let (_, values) = self.check_survey(actor, new)?;
        self.update_entry(actor, "satisfaction", id, values)
    }

    /// Corrects a knowledge test, with the same checks as adding one.
    pub fn update_knowledge(&mut self, actor: &Actor, id: i64, new: &NewKnowledge) -> Result<()> {
        let (_, values) = self.check_knowledge(actor, new)?;
        self.update_entry(actor, "knowledge_test", id, values)
    }

    /// Inserts checked `values` (column → value) into `table`, with who and when, audited.
    fn insert_entry(
        &mut self,
        actor: &Actor,
        table: &'static str,
        rep: &RepRow,
        values: serde_json::Value,
    ) -> Result<i64> {
        let serde_json::Value::Object(cols) = &values else {
            return Err(StoreError::Other(
                "internal: entry values are not an object".into(),
            ));
        };
        let names: Vec<&String> = cols.keys().collect();
        let sql = format!(
            "INSERT INTO {table} ({}, entered_by, entered_at) VALUES ({}, ?{}, ?{})",
            names
                .iter()
                .map(|n| n.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            (1..=names.len())
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", "),
            names.len() + 1,
            names.len() + 2
        );
        let mut audit_values = values.clone();
        audit_values["rep"] = json!(rep.name);
        self.write(actor, |tx, audit| {
            let mut params: Vec<rusqlite::types::Value> = cols.values().map(sql_value).collect();
            params.push(rusqlite::types::Value::Text(audit.actor().user.clone()));
            params.push(rusqlite::types::Value::Integer(audit.actor().now));
            tx.prepare_cached(&sql)?
                .execute(rusqlite::params_from_iter(params))?;
            let id = tx.last_insert_rowid();
            audit.record(tx, "insert", table, Some(id), None, Some(audit_values))?;
            Ok(id)
        })
    }

    /// Updates row `id` of `table` with checked `values`, auditing old and new.
    fn update_entry(
        &mut self,
        actor: &Actor,
        table: &'static str,
        id: i64,
        values: serde_json::Value,
    ) -> Result<()> {
        let serde_json::Value::Object(cols) = &values else {
            return Err(StoreError::Other(
                "internal: entry values are not an object".into(),
            ));
        };
        let sets: Vec<String> = cols
            .keys()
            .enumerate()
            .map(|(i, n)| format!("{n} = ?{}", i + 2))
            .collect();
        let sql = format!("UPDATE {table} SET {} WHERE id = ?1", sets.join(", "));
        self.write(actor, |tx, audit| {
            let old = super::entries::row_json(tx, table, id)?.ok_or_else(|| {
                StoreError::Invalid(Validation::new(
                    "entry",
                    format!("no entry #{id} (deleted meanwhile?)"),
                ))
            })?;
            let mut params = vec![rusqlite::types::Value::Integer(id)];
            params.extend(cols.values().map(sql_value));
            tx.execute(&sql, rusqlite::params_from_iter(params))?;
            audit.record(
                tx,
                "update",
                table,
                Some(id),
                Some(old),
                Some(values.clone()),
            )?;
            Ok(())
        })
    }

    /// Records a rep's monthly plan. A month that already has a plan is refused unless
    /// `replace` is set, in which case the old targets go to the audit log.
    pub fn add_plan(&mut self, actor: &Actor, new: &NewPlan) -> Result<i64> {
        let rep = self.resolve_rep(&new.rep)?;
        let month = field("month", input::parse_month(&new.month))?;
        let month_text = month.format("%Y-%m").to_string();
        let revenue = field("revenue", input::parse_money(&new.revenue))?;
        if revenue < 0 {
            return invalid("revenue", "a target cannot be negative");
        }
        let count = |name: &'static str, v: &str| -> Result<i64> {
            if v.trim().is_empty() {
                Ok(0)
            } else {
                field(name, input::parse_int_in(v, 0, 1_000_000))
            }
        };
        let units = count("units", &new.units)?;
        let calls = count("calls", &new.calls)?;
        let meetings = count("meetings", &new.meetings)?;
        let replace = new.replace;
        let rep_name = rep.name.clone();
        self.write(actor, |tx, audit| {
            let old: Option<(i64, i64, i64, i64, i64)> = tx
                .query_row(
                    "SELECT id, revenue_target, units_target, calls_target, meetings_target
                     FROM plan WHERE rep_id = ?1 AND month = ?2",
                    params![rep.id, month_text],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .optional()?;
            let new_values = json!({"rep": rep_name, "month": month_text, "revenue_target": revenue,
                "units_target": units, "calls_target": calls, "meetings_target": meetings});
            match old {
                Some((id, ..)) if !replace => invalid(
                    "month",
                    format!("{rep_name} already has a plan for {month_text} (#{id}); to change it, mark “replace” (add plan --replace)"),
                ),
                Some((id, r0, u0, c0, m0)) => {
                    tx.execute(
                        "UPDATE plan SET revenue_target = ?2, units_target = ?3, calls_target = ?4,
                         meetings_target = ?5, entered_by = ?6, entered_at = ?7 WHERE id = ?1",
                        params![id, revenue, units, calls, meetings, audit.actor().user, audit.actor().now],
                    )?;
                    audit.record(
                        tx,
                        "update",
                        "plan",
                        Some(id),
                        Some(json!({"revenue_target": r0, "units_target": u0,
                            "calls_target": c0, "meetings_target": m0})),
                        Some(new_values),
                    )?;
                    Ok(id)
                }
                None => {
                    tx.execute(
                        "INSERT INTO plan(rep_id, month, revenue_target, units_target, calls_target,
                         meetings_target, entered_by, entered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        params![rep.id, month_text, revenue, units, calls, meetings, audit.actor().user, audit.actor().now],
                    )?;
                    let id = tx.last_insert_rowid();
                    audit.record(tx, "insert", "plan", Some(id), None, Some(new_values))?;
                    Ok(id)
                }
            }
        })
    }

    /// Records the first response to an inquiry (or a new inquiry, see [`NewResponse`]).
    pub fn add_response(&mut self, actor: &Actor, new: &NewResponse) -> Result<i64> {
        if !new.inquiry.trim().is_empty() {
            let id = field(
                "inquiry",
                new.inquiry
                    .trim()
                    .trim_start_matches('#')
                    .parse::<i64>()
                    .map_err(|_| format!("'{}' is not an inquiry number", new.inquiry.trim())),
            )?;
            let row: Option<(i64, i64, Option<i64>)> = self
                .conn
                .query_row(
                    "SELECT rep_id, received_at, first_response_at FROM inquiry WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((rep_id, received_at, answered)) = row else {
                return invalid("inquiry", format!("no inquiry #{id}"));
            };
            if let Some(at) = answered {
                return invalid(
                    "inquiry",
                    format!(
                        "#{id} was already answered at {}",
                        crate::format::local_time(at)
                    ),
                );
            }
            let rep = self.resolve_rep(&format!("#{rep_id}"))?;
            let at = self.instant(actor, &rep, "date", &new.date, "time", &new.time)?;
            if at < received_at {
                return invalid(
                    "time",
                    format!(
                        "the response is before the inquiry came in ({})",
                        crate::format::local_time(received_at)
                    ),
                );
            }
            return self.write(actor, |tx, audit| {
                tx.execute(
                    "UPDATE inquiry SET first_response_at = ?2 WHERE id = ?1",
                    params![id, at],
                )?;
                audit.record(
                    tx,
                    "update",
                    "inquiry",
                    Some(id),
                    Some(json!({"first_response_at": null})),
                    Some(json!({"first_response_at": at})),
                )?;
                Ok(id)
            });
        }
        let rep = self.resolve_rep(&new.rep)?;
        let customer = self.resolve_customer(actor, &new.customer)?;
        let channel = if new.channel.trim().is_empty() {
            InquiryChannel::Email
        } else {
            field("channel", new.channel.parse::<InquiryChannel>())?
        };
        let received = self.instant(
            actor,
            &rep,
            "received",
            &new.received_date,
            "received time",
            &new.received_time,
        )?;
        let responded = if new.date.trim().is_empty() && new.time.trim().is_empty() {
            None
        } else {
            let at = self.instant(actor, &rep, "date", &new.date, "time", &new.time)?;
            if at < received {
                return invalid("time", "the response is before the inquiry came in");
            }
            Some(at)
        };
        self.write(actor, |tx, audit| {
            tx.execute(
                "INSERT INTO inquiry(rep_id, customer_id, channel, received_at, first_response_at, entered_by, entered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![rep.id, customer, channel.as_str(), received, responded, audit.actor().user, audit.actor().now],
            )?;
            let id = tx.last_insert_rowid();
            audit.record(
                tx,
                "insert",
                "inquiry",
                Some(id),
                None,
                Some(json!({"rep": rep.name, "customer_id": customer, "channel": channel.as_str(),
                    "received_at": received, "first_response_at": responded})),
            )?;
            Ok(id)
        })
    }
}

/// A day for an entry about `rep` must not be in the future nor before the rep was hired.
fn check_day(actor: &Actor, rep: &RepRow, name: &'static str, day: NaiveDate) -> Result<()> {
    if day > actor.today() {
        return invalid(name, format!("{day} is in the future"));
    }
    if day < rep.hired_on {
        return invalid(
            name,
            format!("{day} is before {} was hired ({})", rep.name, rep.hired_on),
        );
    }
    Ok(())
}
