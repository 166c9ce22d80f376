//! Store tests on real files in a temporary directory.

use super::*;
use crate::model::ActivityKind;
use std::os::unix::fs::PermissionsExt;

/// 2026-11-23 12:00 UTC, a Monday.
const NOW: i64 = 1_795_435_200;

fn actor() -> Actor {
    Actor {
        uid: 1000,
        user: "tester".into(),
        now: NOW,
    }
}

fn fresh() -> (tempfile::TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kpi.db");
    let store = Store::init(&path).unwrap();
    (dir, path, store)
}

/// A database with one team and two reps (one inactive) and one customer.
fn with_reps() -> (tempfile::TempDir, PathBuf, Store) {
    let (dir, path, store) = fresh();
    store
        .conn()
        .execute_batch(
            "INSERT INTO team(id, name) VALUES (1, 'Москва');
             INSERT INTO rep(id, name, team_id, region, hired_on) VALUES (1, 'Иван Петров', 1, 'Москва', '2025-03-01');
             INSERT INTO rep(id, name, team_id, region, hired_on, active) VALUES (2, 'Олег Старый', 1, 'Москва', '2020-01-01', 0);
             INSERT INTO rep(id, name, team_id, region, hired_on) VALUES (3, 'Иван Сидоров', 1, 'Москва', '2026-11-10');
             INSERT INTO customer(id, name, rep_id, acquired_on) VALUES (1, 'ООО Ромашка', 1, '2025-06-01');",
        )
        .unwrap();
    (dir, path, store)
}

fn count(store: &Store, table: &str) -> i64 {
    store
        .conn()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn call(rep: &str) -> NewActivity {
    NewActivity {
        kind: Some(ActivityKind::Call),
        rep: rep.into(),
        date: "2026-11-20".into(),
        time: "14:30".into(),
        duration: "1h30".into(),
        ..NewActivity::default()
    }
}

#[test]
fn init_creates_an_owner_only_file_at_the_current_version() {
    let (_dir, path, store) = fresh();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let journal: String = store
        .conn()
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
    let fk: bool = store
        .conn()
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    assert!(fk);
    drop(store);
    assert!(matches!(Store::init(&path), Err(StoreError::Exists(_))));
}

#[test]
fn bad_files_are_refused_with_a_clear_message_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.db");
    let e = Store::open(&missing, Access::ReadWrite).unwrap_err();
    assert!(e.to_string().contains("salesboard init"), "{e}");
    assert!(!missing.exists());

    let text = dir.path().join("notes.txt");
    std::fs::write(
        &text,
        "this is not a database, just some text that is long enough",
    )
    .unwrap();
    let before = std::fs::read(&text).unwrap();
    let e = Store::open(&text, Access::ReadWrite).unwrap_err();
    assert!(matches!(e, StoreError::NotDatabase(_)), "{e}");
    assert_eq!(std::fs::read(&text).unwrap(), before);
}

#[test]
fn a_newer_schema_is_refused_and_the_file_is_not_changed() {
    let (_dir, path, store) = fresh();
    store
        .conn()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    store
        .conn()
        .pragma_update(None, "journal_mode", "DELETE")
        .unwrap();
    drop(store);
    let before = std::fs::read(&path).unwrap();
    for access in [Access::ReadWrite, Access::ReadOnly] {
        let e = Store::open(&path, access).unwrap_err();
        assert!(
            matches!(e, StoreError::Newer { found, .. } if found == SCHEMA_VERSION + 1),
            "{e}"
        );
        assert!(e.to_string().contains("upgrade salesboard"));
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn many_connections_upgrading_an_old_file_at_once_migrate_it_once() {
    // A file at schema 1; eight connections open it at once and race to upgrade it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("race.db");
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch(super::MIGRATIONS[0]).unwrap();
    c.pragma_update(None, "user_version", 1).unwrap();
    drop(c);
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let p = path.clone();
            let b = barrier.clone();
            std::thread::spawn(move || {
                b.wait();
                Store::open(&p, Access::ReadWrite).map(|s| s.schema_version().unwrap())
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap().unwrap(), SCHEMA_VERSION);
    }
    let s = Store::open(&path, Access::ReadOnly).unwrap();
    assert!(s.integrity_problems().unwrap().is_empty());
}

#[test]
fn a_call_is_saved_with_who_and_when_and_audited() {
    let (_dir, _path, mut store) = with_reps();
    let id = store.add_activity(&actor(), &call("иван петров")).unwrap();
    let (rep, dur, by, at): (i64, i64, String, i64) = store
        .conn()
        .query_row(
            "SELECT rep_id, duration_min, entered_by, entered_at FROM activity WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!((rep, dur, by.as_str(), at), (1, 90, "tester", NOW));
    let (action, entity, row, new): (String, String, i64, String) = store
        .conn()
        .query_row(
            "SELECT action, entity, row_id, new_values FROM audit_log",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (action.as_str(), entity.as_str(), row),
        ("insert", "activity", id)
    );
    assert!(new.contains("Иван Петров"));
}

#[test]
fn bad_input_names_the_field_and_writes_nothing() {
    let (_dir, _path, mut store) = with_reps();
    let a = actor();
    let cases: Vec<(NewActivity, &str, &str)> = vec![
        (call("Никто"), "rep", "unknown rep"),
        (call("Иван"), "rep", "matches 2 reps"),
        (call("Олег Старый"), "rep", "not active"),
        (
            NewActivity {
                date: "2026-11-30".into(),
                ..call("Петров")
            },
            "date",
            "in the future",
        ),
        (
            NewActivity {
                date: "2024-01-01".into(),
                ..call("Петров")
            },
            "date",
            "before Иван Петров was hired",
        ),
        (
            NewActivity {
                date: "32.11.2026".into(),
                ..call("Петров")
            },
            "date",
            "not a date",
        ),
        (
            NewActivity {
                duration: "долго".into(),
                ..call("Петров")
            },
            "duration",
            "not a duration",
        ),
        (
            NewActivity {
                time: "25:00".into(),
                ..call("Петров")
            },
            "time",
            "not a time",
        ),
        (
            NewActivity {
                outcome: "great".into(),
                ..call("Петров")
            },
            "outcome",
            "no_answer",
        ),
        (
            NewActivity {
                customer: "Лютик".into(),
                ..call("Петров")
            },
            "customer",
            "unknown customer",
        ),
        (
            NewActivity {
                kind: None,
                ..call("Петров")
            },
            "kind",
            "call or meeting",
        ),
    ];
    for (input, field, words) in cases {
        match store.add_activity(&a, &input) {
            Err(StoreError::Invalid(v)) => {
                assert_eq!(v.field, field, "{input:?}");
                assert!(v.reason.contains(words), "{}: {}", v.field, v.reason);
                assert!(!v.to_string().contains('\n'));
            }
            other => panic!("{input:?} gave {other:?}"),
        }
    }
    assert_eq!(count(&store, "activity"), 0);
    assert_eq!(count(&store, "audit_log"), 0);
    // The customer is found by a Unicode, case-insensitive part of its name.
    store
        .add_activity(
            &a,
            &NewActivity {
                customer: "ромашка".into(),
                ..call("Петров")
            },
        )
        .unwrap();
}

#[test]
fn satisfaction_knowledge_and_plans_validate_their_ranges() {
    let (_dir, _path, mut store) = with_reps();
    let a = actor();
    let survey = |score: &str, pay: &str| NewSurvey {
        rep: "Петров".into(),
        date: "today".into(),
        score: score.into(),
        pay: pay.into(),
        ..NewSurvey::default()
    };
    assert!(
        store
            .add_survey(&a, &survey("11", ""))
            .unwrap_err()
            .to_string()
            .starts_with("score: 11 is outside 1–10")
    );
    assert!(
        store
            .add_survey(&a, &survey("7", "6"))
            .unwrap_err()
            .to_string()
            .starts_with("pay:")
    );
    store.add_survey(&a, &survey("7", "4")).unwrap();
    let k = |score: &str| NewKnowledge {
        rep: "Петров".into(),
        date: "yesterday".into(),
        score: score.into(),
    };
    assert!(store.add_knowledge(&a, &k("101")).is_err());
    store.add_knowledge(&a, &k("85%")).unwrap();

    let plan = |revenue: &str, replace| NewPlan {
        rep: "Петров".into(),
        month: "2026-12".into(),
        revenue: revenue.into(),
        calls: "400".into(),
        replace,
        ..NewPlan::default()
    };
    assert!(
        store
            .add_plan(&a, &plan("abc", false))
            .unwrap_err()
            .to_string()
            .starts_with("revenue:")
    );
    let id = store.add_plan(&a, &plan("1 500 000", false)).unwrap();
    let e = store
        .add_plan(&a, &plan("2000000", false))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("already has a plan") && e.contains("--replace"),
        "{e}"
    );
    assert_eq!(store.add_plan(&a, &plan("2000000", true)).unwrap(), id);
    let rev: i64 = store
        .conn()
        .query_row("SELECT revenue_target FROM plan WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(rev, 200_000_000);
    let old: String = store
        .conn()
        .query_row(
            "SELECT old_values FROM audit_log WHERE action = 'update'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(old.contains("150000000"));
}

#[test]
fn inquiries_and_first_responses() {
    let (_dir, _path, mut store) = with_reps();
    let a = actor();
    let id = store
        .add_response(
            &a,
            &NewResponse {
                rep: "Петров".into(),
                received_date: "2026-11-20".into(),
                received_time: "10:00".into(),
                ..NewResponse::default()
            },
        )
        .unwrap();
    let answer = |time: &str| NewResponse {
        inquiry: format!("#{id}"),
        date: "2026-11-20".into(),
        time: time.into(),
        ..NewResponse::default()
    };
    assert!(
        store
            .add_response(&a, &answer("09:00"))
            .unwrap_err()
            .to_string()
            .contains("before the inquiry")
    );
    store.add_response(&a, &answer("10:45")).unwrap();
    assert!(
        store
            .add_response(&a, &answer("11:00"))
            .unwrap_err()
            .to_string()
            .contains("already answered")
    );
    let e = store
        .add_response(
            &a,
            &NewResponse {
                inquiry: "#999".into(),
                ..answer("11:00")
            },
        )
        .unwrap_err();
    assert!(e.to_string().contains("no inquiry #999"));
}

#[test]
fn read_only_stores_refuse_writes_with_a_reason() {
    let (_dir, path, store) = with_reps();
    drop(store);
    let mut ro = Store::open(&path, Access::ReadOnly).unwrap();
    let e = ro.add_activity(&actor(), &call("Петров")).unwrap_err();
    assert!(matches!(e, StoreError::ReadOnly(_)));
    assert!(e.to_string().contains("read-only"));
}

#[test]
fn data_version_moves_when_another_connection_writes() {
    let (_dir, path, store) = with_reps();
    let before = store.data_version().unwrap();
    let mut other = Store::open(&path, Access::ReadWrite).unwrap();
    other.add_activity(&actor(), &call("Петров")).unwrap();
    assert_ne!(store.data_version().unwrap(), before);
}

#[test]
fn settings_are_validated_and_audited() {
    let (_dir, _path, mut store) = fresh();
    store.set_setting(&actor(), "currency", "usd").unwrap();
    assert_eq!(store.settings().currency, "USD");
    assert!(
        store
            .set_setting(&actor(), "stage_probability.lead", "150")
            .is_err()
    );
    store
        .conn()
        .execute("INSERT INTO settings(key, value) VALUES ('bogus', '1')", [])
        .unwrap();
    assert_eq!(
        store.settings_problems().unwrap(),
        vec!["unknown setting 'bogus'".to_string()]
    );
    assert_eq!(count(&store, "audit_log"), 1);
}

#[test]
fn copies_are_consistent_databases() {
    let (dir, _path, store) = with_reps();
    let copy = dir.path().join("copy.db");
    store.copy_to(&copy).unwrap();
    let c = Store::open(&copy, Access::ReadOnly).unwrap();
    assert_eq!(count(&c, "rep"), 3);
}

#[test]
fn the_schema_refuses_malformed_dates_and_millisecond_instants() {
    let (_dir, _path, store) = with_reps();
    let c = store.conn();
    for bad in [
        "INSERT INTO customer(name, acquired_on) VALUES ('x', '2026-02-30')",
        "INSERT INTO customer(name, acquired_on) VALUES ('x', '20.11.2026')",
        "INSERT INTO knowledge_test(rep_id, taken_on, score) VALUES (1, '2026-11-1', 80)",
        "INSERT INTO activity(rep_id, kind, at) VALUES (1, 'call', 1795435200000)",
        "INSERT INTO activity(rep_id, kind, at) VALUES (1, 'call', '2026-11-20 10:00')",
        "INSERT INTO deal(rep_id, amount, created_at, stage) VALUES (1, 100, 1795435200, 'won')",
        "INSERT INTO deal(rep_id, amount, created_at, stage) VALUES (1, 100, 1795435200, 'sold')",
    ] {
        assert!(c.execute(bad, []).is_err(), "accepted: {bad}");
    }
    c.execute(
        "INSERT INTO customer(name, acquired_on) VALUES ('ok', '2026-02-28')",
        [],
    )
    .unwrap();
}

#[test]
fn an_entry_before_1970_is_refused_by_its_field_not_by_the_schema() {
    // A rep hired in 1960: a call in 1965 passed every check and then broke the
    // schema's `at BETWEEN 0 AND …` ("database error: CHECK constraint failed").
    let (_dir, _path, mut store) = with_reps();
    store
        .conn()
        .execute("UPDATE rep SET hired_on = '1960-01-01' WHERE id = 1", [])
        .unwrap();
    let old = NewActivity {
        date: "1965-01-01".into(),
        ..call("Петров")
    };
    match store.add_activity(&actor(), &old) {
        Err(StoreError::Invalid(v)) => {
            assert_eq!(
                (v.field, v.reason.as_str()),
                ("date", "1965-01-01 is before 1970")
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(count(&store, "activity"), 0);
}

/// A small seeded database, its window for November 2026, and a second connection that
/// writes as an integration would (raw SQL).
fn seeded_window() -> (tempfile::TempDir, PathBuf, Store, DataWindow) {
    let (dir, path, mut store) = fresh();
    let until = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let opts = seed::SeedOptions {
        reps: 8,
        teams: 2,
        months: 4,
        ..seed::SeedOptions::small(until)
    };
    seed::seed(&mut store, &opts).unwrap();
    let period = crate::period::Period::containing(crate::period::PeriodKind::Month, until);
    (dir, path, store, DataWindow::for_period(&period))
}

fn same(a: &Dataset, b: &Dataset) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

#[test]
fn a_refresh_after_changes_to_some_reps_equals_reading_everything_again() {
    let (_dir, path, mut store, window) = seeded_window();
    let mut data = store.dataset(window).unwrap();
    let other = rusqlite::Connection::open(&path).unwrap();
    // Each write touches one or two reps' rows; after each, the refreshed rows must be
    // exactly what a fresh read gives, and only the named reps were read again.
    let writes = [
        // A call with a customer (its last contact belongs to the customer's owner).
        "INSERT INTO activity(rep_id, kind, at, duration_min, outcome, customer_id, note)
         SELECT 1, 'call', 1795089600, 5, 'reached', (SELECT id FROM customer WHERE rep_id = 2 LIMIT 1), 'x'",
        // A new deal won, with its stage changes.
        "INSERT INTO deal(id, rep_id, customer_id, amount, cost, units, score, kind, product, location, created_at, stage, closed_at)
         VALUES (900001, 3, (SELECT id FROM customer WHERE rep_id = 4 LIMIT 1), 5000000, 1000000, 3, 4, 'new', 'P', 'L', 1794000000, 'won', 1795000000)",
        "INSERT INTO stage_change(deal_id, from_stage, to_stage, at) VALUES (900001, 'lead', 'qualified', 1794100000), (900001, 'qualified', 'won', 1795000000)",
        // A deal moved to another rep, and one deleted.
        "UPDATE deal SET rep_id = 5 WHERE id = (SELECT min(id) FROM deal WHERE rep_id = 6 AND created_at >= 1793491200)",
        "DELETE FROM deal WHERE id = (SELECT max(id) FROM deal WHERE rep_id = 7 AND stage = 'won' AND closed_at >= 1793491200)",
        // A customer changes owner; another churns.
        "UPDATE customer SET rep_id = 8 WHERE id = (SELECT min(id) FROM customer WHERE rep_id = 1)",
        "UPDATE customer SET churned_on = '2026-11-18' WHERE id = (SELECT max(id) FROM customer WHERE rep_id = 2 AND churned_on IS NULL)",
        // Surveys, tests, plans, inquiries, invoices.
        "INSERT INTO satisfaction(rep_id, taken_on, score) VALUES (2, '2026-11-19', 3)",
        "INSERT INTO knowledge_test(rep_id, taken_on, score) VALUES (4, '2026-11-19', 55)",
        "UPDATE plan SET revenue_target = revenue_target + 100 WHERE rep_id = 3 AND month = '2026-11'",
        "UPDATE inquiry SET first_response_at = received_at + 7200 WHERE id = (SELECT max(id) FROM inquiry WHERE first_response_at IS NULL OR rep_id = 1)",
        "UPDATE invoice SET paid_on = '2026-11-19' WHERE id = (SELECT min(id) FROM invoice WHERE paid_on IS NULL)",
        // A customer nobody owns.
        "INSERT INTO customer(name, rep_id, acquired_on) VALUES ('Ничей', NULL, '2026-11-02')",
    ];
    for sql in writes {
        other.execute_batch(sql).unwrap();
        let affected = store.refresh(&mut data, window).unwrap();
        assert!(!affected.everything, "{sql}: read everything");
        assert!(
            !affected.reps.is_empty() || affected.unowned_customers,
            "{sql}: nothing read again"
        );
        let fresh = store.dataset(window).unwrap();
        assert!(
            same(&data, &fresh),
            "{sql}: refreshed rows differ from a fresh read"
        );
    }
    // Nothing new: nothing is read.
    let affected = store.refresh(&mut data, window).unwrap();
    assert_eq!(affected, Affected::default());
}

#[test]
fn a_refresh_reads_everything_after_a_shared_change_or_a_bulk_import() {
    let (_dir, path, mut store, window) = seeded_window();
    let mut data = store.dataset(window).unwrap();
    let other = rusqlite::Connection::open(&path).unwrap();
    other
        .execute_batch(
            "UPDATE team SET name = name || ' (new)' WHERE id = (SELECT max(id) FROM team)",
        )
        .unwrap();
    let affected = store.refresh(&mut data, window).unwrap();
    assert!(affected.everything);
    assert!(same(&data, &store.dataset(window).unwrap()));
    // More notes than are worth reading one by one.
    other
        .execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
             INSERT INTO activity(rep_id, kind, at, duration_min, outcome, note)
             SELECT 1 + i % 8, 'call', 1795089600 + i, 1, 'reached', '' FROM n",
        )
        .unwrap();
    let affected = store.refresh(&mut data, window).unwrap();
    assert!(affected.everything);
    assert!(same(&data, &store.dataset(window).unwrap()));
}

#[test]
fn the_change_log_keeps_only_the_newest_notes() {
    let (_dir, path, mut store, window) = seeded_window();
    let mut data = store.dataset(window).unwrap();
    let other = rusqlite::Connection::open(&path).unwrap();
    other
        .execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000)
             INSERT INTO satisfaction(rep_id, taken_on, score) SELECT 1, '2026-11-19', 5 FROM n",
        )
        .unwrap();
    let kept: i64 = other
        .query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))
        .unwrap();
    assert!(kept <= 10_001, "{kept} notes kept");
    // A board that slept through the pruning reads everything.
    let affected = store.refresh(&mut data, window).unwrap();
    assert!(affected.everything);
    assert!(same(&data, &store.dataset(window).unwrap()));
}

/// Random bursts of the writes a sales floor and its integrations make — several between
/// two looks, by several reps, deals moving and changing hands, customers changing owner,
/// rows deleted — and after each burst the kept rows must equal a fresh read.
#[test]
fn refreshes_after_random_bursts_of_writes_equal_fresh_reads() {
    use rand::{Rng, SeedableRng};
    let (_dir, path, mut store, window) = seeded_window();
    let mut data = store.dataset(window).unwrap();
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    // Instants inside the window (November 2026, and the October before it).
    let at = |rng: &mut rand_chacha::ChaCha8Rng| 1_791_000_000 + rng.random_range(0..4_000_000i64);
    for burst in 0..40 {
        let mut done = Vec::new();
        for _ in 0..rng.random_range(1..5) {
            let rep = rng.random_range(1..=8);
            let other_rep = rng.random_range(1..=8);
            let t = at(&mut rng);
            let sql = match rng.random_range(0..9) {
                0 => format!(
                    "INSERT INTO activity(rep_id, kind, at, duration_min, outcome, customer_id, note)
                     VALUES ({rep}, 'meeting', {t}, 30, 'held',
                             (SELECT id FROM customer ORDER BY (id * {t}) % 97 LIMIT 1), 'r')"
                ),
                1 => format!(
                    "DELETE FROM activity WHERE id = (SELECT id FROM activity WHERE rep_id = {rep}
                       AND at >= 1791000000 ORDER BY (id * {t}) % 101 LIMIT 1)"
                ),
                2 => format!(
                    "UPDATE deal SET rep_id = {other_rep} WHERE id = (SELECT id FROM deal
                       WHERE rep_id = {rep} ORDER BY (id * {t}) % 89 LIMIT 1)"
                ),
                3 => format!(
                    "UPDATE deal SET stage = 'won', closed_at = {t} WHERE id = (SELECT id FROM deal
                       WHERE rep_id = {rep} AND stage NOT IN ('won', 'lost') AND created_at < {t} LIMIT 1)"
                ),
                4 => format!(
                    "UPDATE customer SET rep_id = {other_rep} WHERE id = (SELECT id FROM customer
                       WHERE rep_id = {rep} ORDER BY (id * {t}) % 83 LIMIT 1)"
                ),
                5 => format!(
                    "INSERT INTO satisfaction(rep_id, taken_on, score) VALUES ({rep}, date({t}, 'unixepoch'), {})",
                    rng.random_range(1..=10)
                ),
                6 => format!(
                    "UPDATE invoice SET paid_on = date({t}, 'unixepoch') WHERE id = (SELECT i.id FROM invoice i
                       JOIN deal d ON d.id = i.deal_id WHERE d.rep_id = {rep} AND i.paid_on IS NULL LIMIT 1)"
                ),
                7 => format!(
                    "DELETE FROM deal WHERE id = (SELECT id FROM deal WHERE rep_id = {rep}
                       ORDER BY (id * {t}) % 79 LIMIT 1)"
                ),
                _ => format!(
                    "INSERT INTO inquiry(rep_id, channel, received_at, first_response_at)
                     VALUES ({rep}, 'phone', {t}, {t} + {})",
                    rng.random_range(60..20_000)
                ),
            };
            other
                .execute_batch(&sql)
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            done.push(sql);
        }
        let affected = store.refresh(&mut data, window).unwrap();
        assert!(
            !affected.everything,
            "burst {burst} read everything: {done:#?}"
        );
        let fresh = store.dataset(window).unwrap();
        assert!(
            same(&data, &fresh),
            "burst {burst}: refreshed rows differ from a fresh read after {done:#?}"
        );
    }
}

#[test]
fn the_table_list_of_every_migration_matches_its_sql() {
    assert_eq!(super::MIGRATION_TABLES.len(), super::MIGRATIONS.len());
    for (n, sql) in super::MIGRATIONS.iter().enumerate() {
        let created: Vec<&str> = sql
            .split("CREATE TABLE")
            .skip(1)
            .filter_map(|rest| rest.split_whitespace().next())
            .map(|name| name.trim_end_matches('('))
            .collect();
        assert_eq!(created, super::MIGRATION_TABLES[n], "migration {}", n + 1);
    }
}
