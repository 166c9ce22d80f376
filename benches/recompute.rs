//! Criterion benchmarks of the board's hot paths, for spotting regressions between commits
//! (`cargo bench --bench recompute`). On `SALESBOARD_BENCH_DB` (copied, not changed), or a
//! small database seeded here. `benches/speed.rs` reports the same work as percentiles.

use criterion::{Criterion, criterion_group, criterion_main};
use salesboard::app::{Request, poller};
use salesboard::kpi::{self, Ctx, Scope};
use salesboard::period::{Period, PeriodKind};
use salesboard::store::{Access, DataWindow, Store};
use std::path::{Path, PathBuf};

fn database() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir).expect("target/bench");
    let work = dir.join("criterion-work.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", work.display()));
    }
    match std::env::var_os("SALESBOARD_BENCH_DB") {
        Some(src) => {
            let from = rusqlite::Connection::open_with_flags(
                &src,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .expect("SALESBOARD_BENCH_DB opens");
            from.backup(rusqlite::MAIN_DB, &work, None).expect("a copy");
        }
        None => {
            let mut s = Store::init(&work).expect("a new database");
            let o = salesboard::store::seed::SeedOptions::small(
                chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("a date"),
            );
            salesboard::store::seed::seed(&mut s, &o).expect("seeded");
        }
    }
    work
}

fn board(c: &mut Criterion) {
    let path = database();
    let mut store = Store::open(&path, Access::ReadWrite).expect("opens");
    let today = store.latest_data_day().expect("reads").expect("data");
    let period = Period::containing(PeriodKind::Month, today);
    let data = store
        .dataset(DataWindow::for_period(&period))
        .expect("rows");
    let ctx = Ctx::local(period, today);
    let mut g = c.benchmark_group("board");
    g.sample_size(20);
    g.bench_function("every KPI of the company (rows in memory)", |b| {
        b.iter(|| kpi::compute(&data, &ctx, Scope::Company).expect("figures"))
    });
    let writer = rusqlite::Connection::open(&path).expect("a writer");
    let req = Request {
        seq: 1,
        period,
        team: None,
    };
    let mut cache = None;
    poller::snapshot(&mut store, &mut cache, req, today, false).expect("a snapshot");
    let at = salesboard::period::day_start(&chrono::Local, today) + 10 * 3600;
    let mut i = 0;
    g.bench_function("refresh after another process's call", |b| {
        b.iter(|| {
            i += 1;
            writer
                .execute(
                    "INSERT INTO activity(rep_id, kind, at, duration_min, outcome, note)
                     VALUES ((SELECT min(id) FROM rep) + ?1 % 20, 'call', ?2, 3, 'reached', '')",
                    rusqlite::params![i, at + i],
                )
                .expect("a call");
            poller::snapshot(&mut store, &mut cache, req, today, true).expect("a snapshot")
        })
    });
    g.finish();
}

criterion_group!(benches, board);
criterion_main!(benches);
