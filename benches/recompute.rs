//! Criterion benchmarks of the board's hot paths, for spotting regressions between commits
//! (`cargo bench --bench recompute`). On `SALESBOARD_BENCH_DB` (copied, not changed), or a
//! small database seeded here. `benches/speed.rs` reports the same work as percentiles.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use salesboard::app::{Request, poller};
use salesboard::kpi::{self, Ctx, Scope};
use salesboard::period::{Period, PeriodKind};
use salesboard::store::{Access, DataWindow, Store};

fn board(c: &mut Criterion) {
    let path = common::database("criterion-work.db");
    let mut store = Store::open(&path, Access::ReadWrite).expect("opens");
    let today = store
        .latest_data_day(
            &store.permit().expect("a permit"),
            chrono::Local::now().date_naive(),
        )
        .expect("reads")
        .expect("data");
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
        open_latest: false,
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
