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
            open_latest: false,
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

fn second_of_december() -> NaiveDate {
    day("2026-12-02")
}

#[test]
fn a_write_for_today_never_moves_the_period_on_show() {
    // The data ends in November; on 2 December the board opens on November (the latest
    // month with data) and says so. Someone logs today's first call: the board refreshes,
    // but stays on November — figures and period alike — until its user moves.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kpi.db");
    let mut writer = Store::init(&path).unwrap();
    let mut o = SeedOptions::small(day("2026-11-20"));
    o.reps = 6;
    o.teams = 2;
    o.months = 2;
    seed(&mut writer, &o).unwrap();
    let rep = writer_names(&path)[0].clone();
    let (req_tx, req_rx) = std::sync::mpsc::channel();
    let (out_tx, mut out_rx) = tokio::sync::mpsc::unbounded_channel();
    let poller_path = path.clone();
    std::thread::spawn(move || {
        poller::run(
            poller_path,
            Access::ReadOnly,
            std::time::Duration::from_millis(50),
            req_rx,
            out_tx,
            second_of_december,
        )
    });
    let next = |rx: &mut tokio::sync::mpsc::UnboundedReceiver<poller::Message>| -> Snapshot {
        let start = std::time::Instant::now();
        loop {
            match rx.try_recv() {
                Ok(poller::Message::Snapshot(s)) => return *s,
                Ok(other) => panic!("{other:?}"),
                Err(_) => {
                    assert!(start.elapsed().as_secs() < 20, "no snapshot");
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
            }
        }
    };
    let december = Period::containing(PeriodKind::Month, second_of_december());
    let november = december.prev();
    req_tx
        .send(Request {
            seq: 1,
            period: december,
            open_latest: true,
            team: None,
        })
        .unwrap();
    let first = next(&mut out_rx);
    assert_eq!(first.report.period, november);
    let note = first.note.unwrap();
    assert!(!note.current_has_data);
    assert!(
        note.text(
            &first.report.period,
            salesboard::format::Lang::En,
            salesboard::engine::Switch::Key('c')
        )
        .unwrap()
        .starts_with("December 2026 — no sales or activity yet; showing November 2026")
    );
    // Another process logs a call for today.
    let actor = Actor {
        uid: 1000,
        user: "tester".into(),
        now: salesboard::period::day_start(&chrono::Local, second_of_december()) + 10 * 3600,
    };
    writer
        .add_activity(
            &actor,
            &NewActivity {
                kind: Some(ActivityKind::Call),
                rep,
                date: "2026-12-02".into(),
                time: "09:30".into(),
                ..NewActivity::default()
            },
        )
        .unwrap();
    let after = next(&mut out_rx);
    assert_eq!(after.seq, 1);
    // Still November, and November's figures: the same as before the call.
    assert_eq!(after.report.period, november);
    assert_eq!(
        serde_json::to_value(&after.report.total).unwrap(),
        serde_json::to_value(&first.report.total).unwrap()
    );
    // The notice no longer claims December is empty.
    let note = after.note.unwrap();
    assert!(note.current_has_data);
    assert_eq!(
        note.text(
            &after.report.period,
            salesboard::format::Lang::En,
            salesboard::engine::Switch::Key('c')
        ),
        None
    );
    // Asked for December as it is, the board shows today's call.
    req_tx
        .send(Request {
            seq: 2,
            period: december,
            open_latest: false,
            team: None,
        })
        .unwrap();
    let dec = next(&mut out_rx);
    assert_eq!(dec.report.period, december);
    assert_eq!(dec.report.total.activity.calls.now, 1);
}
