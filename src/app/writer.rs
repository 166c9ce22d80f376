//! The board's writes, on their own thread with their own connection, so a locked
//! database never freezes the keys or the screen. A write that meets a busy database is
//! retried; only when it finally fails does the board hear so (and the form stays open).

use crate::store::{
    Access, Actor, NewActivity, NewKnowledge, NewPlan, NewResponse, NewSurvey, Store, StoreError,
    Validation,
};
use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// One write the board asks for. `Option<i64>`: the id of the entry being corrected.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    Activity(Option<i64>, NewActivity),
    Survey(Option<i64>, NewSurvey),
    Knowledge(Option<i64>, NewKnowledge),
    Plan(NewPlan),
    Response(NewResponse),
    Delete {
        entity: String,
        id: i64,
    },
    /// Undo this user's last deletion.
    Undo,
    /// Read an entry's values as form text, to correct it.
    Fetch {
        entity: String,
        id: i64,
    },
}

/// How a write went.
#[derive(Debug, Clone, PartialEq)]
pub enum Done {
    /// Written; the id of the row.
    Saved(i64),
    /// A value was refused: the form marks the field and keeps everything typed.
    Invalid(Validation),
    Deleted,
    Undone,
    NothingToUndo,
    /// An entry's values as form text (field → text), for correcting it.
    Fetched {
        entity: String,
        id: i64,
        values: Vec<(String, String)>,
    },
    /// Not written, for another reason (read-only, locked too long, …), in one line.
    Failed(String),
}

/// How many times a write that found the database locked is tried in all (each try
/// already waits up to the store's busy timeout).
const TRIES: u32 = 3;

/// Runs one job against the store.
pub fn apply(store: &mut Store, actor: &Actor, job: &Job) -> Done {
    let mut tries = 0;
    loop {
        tries += 1;
        let result = match job {
            Job::Activity(None, n) => store.add_activity(actor, n).map(Done::Saved),
            Job::Activity(Some(id), n) => store
                .update_activity(actor, *id, n)
                .map(|_| Done::Saved(*id)),
            Job::Survey(None, n) => store.add_survey(actor, n).map(Done::Saved),
            Job::Survey(Some(id), n) => {
                store.update_survey(actor, *id, n).map(|_| Done::Saved(*id))
            }
            Job::Knowledge(None, n) => store.add_knowledge(actor, n).map(Done::Saved),
            Job::Knowledge(Some(id), n) => store
                .update_knowledge(actor, *id, n)
                .map(|_| Done::Saved(*id)),
            Job::Plan(n) => store.add_plan(actor, n).map(Done::Saved),
            Job::Response(n) => store.add_response(actor, n).map(Done::Saved),
            Job::Delete { entity, id } => store
                .delete_entry(actor, entity, *id)
                .map(|_| Done::Deleted),
            Job::Fetch { entity, id } => {
                store.entry_text(entity, *id).map(|values| Done::Fetched {
                    entity: entity.clone(),
                    id: *id,
                    values,
                })
            }
            Job::Undo => match store.last_deletion(actor) {
                Ok(Some(d)) => store.undo_delete(actor, d.audit_id).map(|_| Done::Undone),
                Ok(None) => Ok(Done::NothingToUndo),
                Err(e) => Err(e),
            },
        };
        match result {
            Ok(done) => return done,
            Err(StoreError::Busy) if tries < TRIES => {
                std::thread::sleep(Duration::from_millis(200))
            }
            Err(StoreError::Invalid(v)) => return Done::Invalid(v),
            Err(e) => return Done::Failed(crate::text::clean_owned(e.to_string())),
        }
    }
}

/// The writer thread: opens its own connection on first use and answers every job.
pub fn run(path: PathBuf, jobs: Receiver<Job>, out: UnboundedSender<Done>) {
    let mut store: Option<Store> = None;
    while let Ok(job) = jobs.recv() {
        if store.is_none() {
            match Store::open(&path, Access::ReadWrite) {
                Ok(s) => store = Some(s),
                Err(e) => {
                    if out
                        .send(Done::Failed(crate::text::clean_owned(e.to_string())))
                        .is_err()
                    {
                        return;
                    }
                    continue;
                }
            }
        }
        let Some(s) = store.as_mut() else { continue };
        // "Now" is taken per job: validation ("in the future") uses the real clock.
        let done = apply(s, &Actor::current(), &job);
        if out.send(done).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ActivityKind;

    #[test]
    fn jobs_write_refuse_delete_and_undo() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let mut s = Store::init(&path).unwrap();
        drop(s);
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "INSERT INTO team(id, name) VALUES (1, 'T');
             INSERT INTO rep(id, name, team_id, hired_on) VALUES (1, 'Иван Петров', 1, '2025-01-01');",
        )
        .unwrap();
        drop(c);
        s = Store::open(&path, Access::ReadWrite).unwrap();
        let actor = Actor {
            uid: 1000,
            user: "t".into(),
            now: 1_795_435_200,
        };
        let call = NewActivity {
            kind: Some(ActivityKind::Call),
            rep: "Петров".into(),
            date: "2026-11-20".into(),
            ..NewActivity::default()
        };
        let Done::Saved(id) = apply(&mut s, &actor, &Job::Activity(None, call.clone())) else {
            panic!()
        };
        let bad = NewActivity {
            duration: "x".into(),
            ..call.clone()
        };
        assert!(
            matches!(apply(&mut s, &actor, &Job::Activity(Some(id), bad)), Done::Invalid(v) if v.field == "duration")
        );
        assert_eq!(apply(&mut s, &actor, &Job::Undo), Done::NothingToUndo);
        assert_eq!(
            apply(
                &mut s,
                &actor,
                &Job::Delete {
                    entity: "call".into(),
                    id
                }
            ),
            Done::Deleted
        );
        assert_eq!(apply(&mut s, &actor, &Job::Undo), Done::Undone);
        let mut ro = Store::open(&path, Access::ReadOnly).unwrap();
        assert!(
            matches!(apply(&mut ro, &actor, &Job::Activity(None, call)), Done::Failed(m) if m.contains("read-only"))
        );
    }
}
