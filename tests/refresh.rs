//! The board keeps the rows it read and, after another process writes, reads again only
//! what the change log names. Whatever the write, the figures, the latest entries and the
//! customer list it then shows must be exactly those of a board opened afresh.

use chrono::NaiveDate;
use salesboard::app::{Request, Snapshot, poller};
use salesboard::model::ActivityKind;
use salesboard::period::{Period, PeriodKind};
use salesboard::store::seed::{SeedOptions, seed};
use salesboard::store::{Access, Actor, NewActivity, Store};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Everything a board shows from a snapshot, as comparable text.
fn shown(s: &Snapshot) -> (serde_json::Value, String, String) {
    (
        serde_json::to_value(&s.report).unwrap(),
        format!("{:?}", s.recent),
        format!("{:?}", s.customers),
    )
}

#[test]
fn a_refreshed_board_shows_what_a_new_board_shows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kpi.db");
    let today = day("2026-11-20");
    let mut writer = Store::init(&path).unwrap();
    let mut o = SeedOptions::small(today);
    o.reps = 10;
    o.teams = 3;
    o.months = 3;
    seed(&mut writer, &o).unwrap();
    let team = writer
        .teams()
        .unwrap()
        .into_iter()
        .find(|t| t.parent_id.is_some())
        .map(|t| t.id);
    let names = writer_names(&path);
    let rep_name = |i: usize| -> String { names[i % names.len()].clone() };
    let actor = Actor {
        uid: 1000,
        user: "tester".into(),
        now: salesboard::period::day_start(&chrono::Local, today) + 15 * 3600,
    };
    let other = rusqlite::Connection::open(&path).unwrap();
    for team in [None, team] {
        let req = Request {
            seq: 1,
            period: Period::containing(PeriodKind::Month, today),
            team,
        };
        let mut board = Store::open(&path, Access::ReadOnly).unwrap();
        let mut cache = None;
        poller::snapshot(&mut board, &mut cache, req, today, false).unwrap();
        let writes: Vec<Box<dyn Fn(usize)>> = vec![
            // A call typed through salesboard: figures and the latest entries move.
            Box::new(|i| {
                let mut w = Store::open(&path, Access::ReadWrite).unwrap();
                w.add_activity(
                    &actor,
                    &NewActivity {
                        kind: Some(ActivityKind::Call),
                        rep: rep_name(i),
                        date: "2026-11-20".into(),
                        time: "10:00".into(),
                        duration: "5".into(),
                        ..NewActivity::default()
                    },
                )
                .unwrap();
            }),
            // A new customer written by a script: the pickers' list moves.
            Box::new(|i| {
                other
                    .execute(
                        "INSERT INTO customer(name, rep_id, acquired_on) VALUES (?1, (SELECT min(id) FROM rep), '2026-11-19')",
                        [format!("Новый клиент {i}")],
                    )
                    .unwrap();
            }),
            // A deal won by a script.
            Box::new(|_| {
                other
                    .execute_batch(
                        "UPDATE deal SET stage = 'won', closed_at = 1795100000
                         WHERE id = (SELECT max(id) FROM deal WHERE stage = 'negotiation')",
                    )
                    .unwrap();
            }),
            // A team renamed: everything is read again.
            Box::new(|i| {
                other
                    .execute(
                        "UPDATE team SET name = ?1 WHERE id = (SELECT max(id) FROM team)",
                        [format!("Команда {i}")],
                    )
                    .unwrap();
            }),
        ];
        for (i, write) in writes.iter().enumerate() {
            write(i);
            let refreshed = poller::snapshot(&mut board, &mut cache, req, today, true).unwrap();
            let mut fresh_store = Store::open(&path, Access::ReadOnly).unwrap();
            let fresh = poller::compute(&mut fresh_store, req, today).unwrap();
            assert_eq!(
                shown(&refreshed),
                shown(&fresh),
                "write #{i} (team {team:?}): the refreshed board differs from a new one"
            );
        }
    }
}

fn writer_names(path: &std::path::Path) -> Vec<String> {
    let c = rusqlite::Connection::open(path).unwrap();
    let mut s = c
        .prepare("SELECT name FROM rep WHERE active = 1 ORDER BY id")
        .unwrap();
    s.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}
