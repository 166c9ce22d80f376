//! Correcting what was typed: deleting an entry (its whole row goes to the audit log) and
//! undoing a deletion (the row comes back with its id). Only the tables people type into
//! are touched.

use super::lossy::RowExt;
use super::{Actor, Result, Store, StoreError, Validation};
use rusqlite::types::ValueRef;
use rusqlite::{OptionalExtension, Transaction};
use serde_json::{Map, Value};

/// The tables whose rows people type in, by the names entries are listed under.
const TABLES: &[(&str, &str)] = &[
    ("call", "activity"),
    ("meeting", "activity"),
    ("activity", "activity"),
    ("satisfaction", "satisfaction"),
    ("knowledge", "knowledge_test"),
    ("knowledge_test", "knowledge_test"),
    ("plan", "plan"),
];

fn table_of(entity: &str) -> Result<&'static str> {
    TABLES
        .iter()
        .find(|(e, _)| *e == entity)
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            StoreError::Invalid(Validation::new(
                "entry",
                format!("'{entity}' entries cannot be changed here"),
            ))
        })
}

/// A whole row as a JSON object (column → value), or None when there is no such row.
pub(crate) fn row_json(tx: &Transaction<'_>, table: &str, id: i64) -> Result<Option<Value>> {
    // `table` comes from TABLES only, never from input.
    let mut stmt = tx.prepare(&format!("SELECT * FROM {table} WHERE id = ?1"))?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let row = stmt
        .query_row([id], |r| {
            let mut m = Map::new();
            for (i, n) in names.iter().enumerate() {
                let v = match r.get_ref(i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(x) => Value::from(x),
                    ValueRef::Real(x) => Value::from(x),
                    ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(_) => Value::Null,
                };
                m.insert(n.clone(), v);
            }
            Ok(Value::Object(m))
        })
        .optional()?;
    Ok(row)
}

/// The last deletion a user made that can still be undone.
#[derive(Debug, Clone, PartialEq)]
pub struct Deletion {
    /// The audit log row that recorded it (what [`Store::undo_delete`] takes).
    pub audit_id: i64,
    pub table: String,
    pub row_id: i64,
    pub at: i64,
}

impl Store {
    /// The values of an entry as the text a form shows (field name → text), for editing:
    /// the same text that, typed in, would write the entry as it is.
    // The row tuples mirror each SELECT's columns; naming them would add nothing.
    #[allow(clippy::type_complexity)]
    pub fn entry_text(&self, entity: &str, id: i64) -> Result<Vec<(String, String)>> {
        let table = table_of(entity)?;
        let missing = || {
            StoreError::Invalid(Validation::new(
                "entry",
                format!("no {entity} #{id} (deleted meanwhile?)"),
            ))
        };
        let local = |at: i64, fmt: &str| {
            chrono::DateTime::from_timestamp(at, 0)
                .map(|t| t.with_timezone(&chrono::Local).format(fmt).to_string())
                .unwrap_or_default()
        };
        let opt = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
        let pairs = |v: Vec<(&str, String)>| {
            v.into_iter()
                .map(|(k, v)| (k.to_string(), crate::text::clean_owned(v)))
                .collect()
        };
        let c = &self.conn;
        Ok(match table {
            "activity" => {
                let (rep, at, dur, outcome, customer, note): (String, i64, i64, String, Option<String>, String) = c
                    .query_row(
                        "SELECT r.name, a.at, a.duration_min, a.outcome, c.name, a.note FROM activity a
                         JOIN rep r ON r.id = a.rep_id LEFT JOIN customer c ON c.id = a.customer_id WHERE a.id = ?1",
                        [id],
                        |r| Ok((r.text(0)?, r.get(1)?, r.get(2)?, r.text(3)?, r.opt_text(4)?, r.text(5)?)),
                    )
                    .optional()?
                    .ok_or_else(missing)?;
                pairs(vec![
                    ("rep", rep),
                    ("customer", customer.unwrap_or_default()),
                    ("date", local(at, "%Y-%m-%d")),
                    ("time", local(at, "%H:%M")),
                    (
                        "duration",
                        if dur > 0 {
                            dur.to_string()
                        } else {
                            String::new()
                        },
                    ),
                    ("outcome", outcome),
                    ("note", note),
                ])
            }
            "satisfaction" => {
                let row: (String, String, i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>, String) = c
                    .query_row(
                        "SELECT r.name, s.taken_on, s.score, s.workload, s.team, s.manager, s.pay, s.comment
                         FROM satisfaction s JOIN rep r ON r.id = s.rep_id WHERE s.id = ?1",
                        [id],
                        |r| Ok((r.text(0)?, r.text(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.text(7)?)),
                    )
                    .optional()?
                    .ok_or_else(missing)?;
                pairs(vec![
                    ("rep", row.0),
                    ("date", row.1),
                    ("score", row.2.to_string()),
                    ("workload", opt(row.3)),
                    ("team", opt(row.4)),
                    ("manager", opt(row.5)),
                    ("pay", opt(row.6)),
                    ("comment", row.7),
                ])
            }
            "knowledge_test" => {
                let row: (String, String, i64) = c
                    .query_row(
                        "SELECT r.name, k.taken_on, k.score FROM knowledge_test k JOIN rep r ON r.id = k.rep_id WHERE k.id = ?1",
                        [id],
                        |r| Ok((r.text(0)?, r.text(1)?, r.get(2)?)),
                    )
                    .optional()?
                    .ok_or_else(missing)?;
                pairs(vec![
                    ("rep", row.0),
                    ("date", row.1),
                    ("score", row.2.to_string()),
                ])
            }
            _ => {
                let row: (String, String, i64, i64, i64, i64) = c
                    .query_row(
                        "SELECT r.name, p.month, p.revenue_target, p.units_target, p.calls_target, p.meetings_target
                         FROM plan p JOIN rep r ON r.id = p.rep_id WHERE p.id = ?1",
                        [id],
                        |r| Ok((r.text(0)?, r.text(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
                    )
                    .optional()?
                    .ok_or_else(missing)?;
                pairs(vec![
                    ("rep", row.0),
                    ("month", row.1),
                    ("revenue", crate::format::money_plain(row.2)),
                    ("units", row.3.to_string()),
                    ("calls", row.4.to_string()),
                    ("meetings", row.5.to_string()),
                    ("replace", "yes".into()),
                ])
            }
        })
    }

    /// Deletes an entry (a call, meeting, survey, test or plan); the whole row goes to the
    /// audit log so that the deletion can be undone. Returns the audit log id.
    pub fn delete_entry(&mut self, actor: &Actor, entity: &str, id: i64) -> Result<i64> {
        let table = table_of(entity)?;
        self.write(actor, |tx, audit| {
            let old = row_json(tx, table, id)?.ok_or_else(|| {
                StoreError::Invalid(Validation::new(
                    "entry",
                    format!("no {entity} #{id} (deleted meanwhile?)"),
                ))
            })?;
            tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id])?;
            audit.record(tx, "delete", table, Some(id), Some(old), None)?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// The latest deletion by `actor` whose row has not come back yet.
    pub fn last_deletion(&self, actor: &Actor) -> Result<Option<Deletion>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.entity, a.row_id, a.at FROM audit_log a
             WHERE a.action = 'delete' AND a.uid = ?1
               AND a.entity IN ('activity', 'satisfaction', 'knowledge_test', 'plan')
               AND NOT EXISTS (SELECT 1 FROM audit_log u WHERE u.action = 'insert'
                               AND u.entity = a.entity AND u.row_id = a.row_id AND u.id > a.id)
             ORDER BY a.id DESC LIMIT 1",
        )?;
        Ok(stmt
            .query_row([actor.uid], |r| {
                Ok(Deletion {
                    audit_id: r.get(0)?,
                    table: r.text(1)?,
                    row_id: r.get(2)?,
                    at: r.get(3)?,
                })
            })
            .optional()?)
    }

    /// Puts back the row that the deletion recorded as audit log `audit_id` removed, with
    /// its old id. Refuses when that is not a deletion, or the row (or its rep) is not
    /// there to come back to.
    pub fn undo_delete(&mut self, actor: &Actor, audit_id: i64) -> Result<i64> {
        self.write(actor, |tx, audit| {
            let rec: Option<(String, String, Option<i64>, Option<String>)> = tx
                .query_row(
                    "SELECT action, entity, row_id, old_values FROM audit_log WHERE id = ?1",
                    [audit_id],
                    |r| Ok((r.text(0)?, r.text(1)?, r.get(2)?, r.opt_text(3)?)),
                )
                .optional()?;
            let Some(("delete", table, Some(row_id), Some(old))) =
                rec.as_ref().map(|(a, t, r, o)| (a.as_str(), t.clone(), *r, o.clone()))
            else {
                return Err(StoreError::Invalid(Validation::new("undo", "nothing to undo there")));
            };
            let table = TABLES
                .iter()
                .map(|(_, t)| *t)
                .find(|t| *t == table)
                .ok_or_else(|| StoreError::Invalid(Validation::new("undo", "that deletion cannot be undone here")))?;
            if row_json(tx, table, row_id)?.is_some() {
                return Err(StoreError::Invalid(Validation::new("undo", "that entry is already back")));
            }
            let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(&old) else {
                return Err(StoreError::Other("the audit log entry is damaged".into()));
            };
            let cols: Vec<&String> = fields.keys().collect();
            let sql = format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                cols.iter().map(|c| format!("\"{}\"", c.replace('"', ""))).collect::<Vec<_>>().join(", "),
                (1..=cols.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
            );
            let values: Vec<rusqlite::types::Value> = fields
                .values()
                .map(|v| match v {
                    Value::Null => rusqlite::types::Value::Null,
                    Value::Number(n) => n
                        .as_i64()
                        .map(rusqlite::types::Value::Integer)
                        .unwrap_or_else(|| rusqlite::types::Value::Real(n.as_f64().unwrap_or_default())),
                    Value::String(s) => rusqlite::types::Value::Text(s.clone()),
                    other => rusqlite::types::Value::Text(other.to_string()),
                })
                .collect();
            tx.execute(&sql, rusqlite::params_from_iter(values)).map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => StoreError::Invalid(Validation::new(
                    "undo",
                    "the entry cannot come back (its rep, or a plan for that month, is there no longer or again)",
                )),
                _ => e.into(),
            })?;
            audit.record(tx, "insert", table, Some(row_id), None, Some(Value::Object(fields)))?;
            Ok(row_id)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{NewActivity, NewSurvey};
    use super::*;
    use crate::model::ActivityKind;

    const NOW: i64 = 1_795_435_200;

    fn setup() -> (tempfile::TempDir, Store, Actor) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::init(&dir.path().join("e.db")).unwrap();
        s.conn
            .execute_batch(
                "INSERT INTO team(id, name) VALUES (1, 'T');
                 INSERT INTO rep(id, name, team_id, hired_on) VALUES (1, 'Иван Петров', 1, '2025-01-01');",
            )
            .unwrap();
        (
            dir,
            s,
            Actor {
                uid: 1000,
                user: "tester".into(),
                now: NOW,
            },
        )
    }

    fn call() -> NewActivity {
        NewActivity {
            kind: Some(ActivityKind::Call),
            rep: "Петров".into(),
            date: "2026-11-20".into(),
            time: "10:00".into(),
            duration: "30".into(),
            note: "первый".into(),
            ..NewActivity::default()
        }
    }

    fn count(s: &Store, sql: &str) -> i64 {
        s.conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn delete_then_undo_brings_the_same_row_back() {
        let (_d, mut s, a) = setup();
        let id = s.add_activity(&a, &call()).unwrap();
        let before: String = s.conn.query_row("SELECT json_object('n', note, 'd', duration_min, 'by', entered_by) FROM activity WHERE id = ?1", [id], |r| r.get(0)).unwrap();
        let audit = s.delete_entry(&a, "call", id).unwrap();
        assert_eq!(count(&s, "SELECT count(*) FROM activity"), 0);
        let last = s.last_deletion(&a).unwrap().unwrap();
        assert_eq!(
            (last.audit_id, last.row_id, last.table.as_str()),
            (audit, id, "activity")
        );
        assert_eq!(s.undo_delete(&a, audit).unwrap(), id);
        let after: String = s.conn.query_row("SELECT json_object('n', note, 'd', duration_min, 'by', entered_by) FROM activity WHERE id = ?1", [id], |r| r.get(0)).unwrap();
        assert_eq!(before, after);
        assert_eq!(s.last_deletion(&a).unwrap(), None, "nothing left to undo");
        let e = s.undo_delete(&a, audit).unwrap_err().to_string();
        assert!(e.contains("already back"), "{e}");
        // insert, delete, insert (undo) are all in the log.
        assert_eq!(
            count(
                &s,
                "SELECT count(*) FROM audit_log WHERE entity = 'activity'"
            ),
            3
        );
    }

    #[test]
    fn entry_text_types_back_into_the_same_entry() {
        let (_d, mut s, a) = setup();
        let id = s.add_activity(&a, &call()).unwrap();
        let text = s.entry_text("call", id).unwrap();
        let get = |k: &str| {
            text.iter()
                .find(|(f, _)| f == k)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert_eq!(get("rep"), "Иван Петров");
        assert_eq!(
            (get("date"), get("time"), get("duration")),
            ("2026-11-20".into(), "10:00".into(), "30".into())
        );
        let again = NewActivity {
            kind: Some(ActivityKind::Call),
            rep: get("rep"),
            date: get("date"),
            time: get("time"),
            duration: get("duration"),
            outcome: get("outcome"),
            customer: get("customer"),
            note: get("note"),
        };
        s.update_activity(&a, id, &again).unwrap();
        let (old, new): (String, String) = s
            .conn
            .query_row(
                "SELECT old_values, new_values FROM audit_log WHERE action = 'update'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let at = |j: &str| serde_json::from_str::<Value>(j).unwrap()["at"].clone();
        assert_eq!(
            at(&old),
            at(&new),
            "typing the shown text back changes nothing"
        );
        assert!(
            s.entry_text("call", 999)
                .unwrap_err()
                .to_string()
                .contains("no call #999")
        );
    }

    #[test]
    fn corrections_are_validated_and_audited() {
        let (_d, mut s, a) = setup();
        let id = s.add_activity(&a, &call()).unwrap();
        let bad = NewActivity {
            duration: "долго".into(),
            ..call()
        };
        assert!(
            s.update_activity(&a, id, &bad)
                .unwrap_err()
                .to_string()
                .starts_with("duration:")
        );
        s.update_activity(
            &a,
            id,
            &NewActivity {
                duration: "1h".into(),
                ..call()
            },
        )
        .unwrap();
        assert_eq!(count(&s, "SELECT duration_min FROM activity"), 60);
        let old: String = s
            .conn
            .query_row(
                "SELECT old_values FROM audit_log WHERE action = 'update'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(old.contains("\"duration_min\":30"), "{old}");
        assert!(
            s.update_activity(&a, 999, &call())
                .unwrap_err()
                .to_string()
                .contains("no call or meeting #999")
        );
    }

    #[test]
    fn surveys_and_tests_are_corrected_with_the_same_checks() {
        let (_d, mut s, a) = setup();
        let survey = |score: &str| NewSurvey {
            rep: "Петров".into(),
            date: "2026-11-20".into(),
            score: score.into(),
            comment: "ok".into(),
            ..NewSurvey::default()
        };
        let id = s.add_survey(&a, &survey("7")).unwrap();
        assert!(
            s.update_survey(&a, id, &survey("11"))
                .unwrap_err()
                .to_string()
                .starts_with("score: 11 is outside 1–10")
        );
        s.update_survey(&a, id, &survey("4")).unwrap();
        assert_eq!(count(&s, "SELECT score FROM satisfaction"), 4);
        let test = |score: &str| super::super::NewKnowledge {
            rep: "Петров".into(),
            date: "2026-11-20".into(),
            score: score.into(),
        };
        let k = s.add_knowledge(&a, &test("65")).unwrap();
        s.update_knowledge(&a, k, &test("72%")).unwrap();
        assert_eq!(count(&s, "SELECT score FROM knowledge_test"), 72);
        let by: String = s
            .conn
            .query_row("SELECT entered_by FROM knowledge_test", [], |r| r.get(0))
            .unwrap();
        assert_eq!(by, "tester");
        assert_eq!(
            count(&s, "SELECT count(*) FROM audit_log WHERE action = 'update'"),
            2
        );
    }

    #[test]
    fn only_typed_entries_can_be_deleted_and_undo_needs_a_deletion() {
        let (_d, mut s, a) = setup();
        assert!(
            s.delete_entry(&a, "deal", 1)
                .unwrap_err()
                .to_string()
                .contains("cannot be changed")
        );
        assert!(
            s.delete_entry(&a, "call", 42)
                .unwrap_err()
                .to_string()
                .contains("no call #42")
        );
        let sid = s
            .add_survey(
                &a,
                &NewSurvey {
                    rep: "Петров".into(),
                    date: "today".into(),
                    score: "7".into(),
                    ..NewSurvey::default()
                },
            )
            .unwrap();
        let insert_audit: i64 = s
            .conn
            .query_row(
                "SELECT id FROM audit_log WHERE action = 'insert'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            s.undo_delete(&a, insert_audit)
                .unwrap_err()
                .to_string()
                .contains("nothing to undo")
        );
        let del = s.delete_entry(&a, "satisfaction", sid).unwrap();
        // Another user's deletion is not offered to this one.
        let other = Actor {
            uid: 1001,
            ..a.clone()
        };
        assert_eq!(s.last_deletion(&other).unwrap(), None);
        s.undo_delete(&a, del).unwrap();
        assert_eq!(count(&s, "SELECT score FROM satisfaction"), 7);
    }
}
