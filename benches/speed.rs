//! In-process timings of what the board does, with percentiles (`cargo bench --bench speed`;
//! `benches/run.sh` runs it on the large database and adds the terminal-level figures).
//!
//! On `SALESBOARD_BENCH_DB` (a copy is written to, the file itself is left alone), or on a
//! small database seeded here when it is not set:
//! - the first snapshot: everything read and every KPI computed, as when a board starts;
//! - a refresh after another connection's write, for each kind of write a sales floor makes
//!   (a call, a deal moving a stage, a satisfaction score, a deal won), with the company and
//!   with one team picked: the change log read, the named reps' rows read again, every KPI
//!   of every pane recomputed;
//! - drawing each pane from a snapshot, at 80×24 and 200×50.
//!
//! Prints a table, and the same figures as JSON lines to `target/bench/speed.json`.

mod common;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use salesboard::app::{App, Pane, Request, poller};
use salesboard::format::Lang;
use salesboard::period::{Period, PeriodKind};
use salesboard::store::{Access, Store};
use salesboard::ui::{self, theme::Theme};
use std::time::{Duration, Instant};

/// Times of one measure, in milliseconds, sorted.
struct Sample {
    name: String,
    ms: Vec<f64>,
}

impl Sample {
    fn new(name: impl Into<String>, mut d: Vec<Duration>) -> Sample {
        d.sort();
        Sample {
            name: name.into(),
            ms: d.iter().map(|x| x.as_secs_f64() * 1000.0).collect(),
        }
    }

    fn pct(&self, q: f64) -> f64 {
        let i = ((self.ms.len() as f64 - 1.0) * q).round() as usize;
        self.ms.get(i).copied().unwrap_or(f64::NAN)
    }
}

/// The kinds of write measured, as an integration or another board would make them.
fn write(conn: &rusqlite::Connection, kind: usize, i: i64, at: i64) {
    let rep = format!(
        "(SELECT id FROM rep ORDER BY id LIMIT 1 OFFSET {})",
        i * 37 % 400
    );
    let sql = match kind {
        0 => format!(
            "INSERT INTO activity(rep_id, kind, at, duration_min, outcome, customer_id, note)
             VALUES ({rep}, 'call', {at}, 4, 'reached',
                     (SELECT id FROM customer WHERE rep_id = {rep} LIMIT 1), 'bench')"
        ),
        1 => format!(
            "UPDATE deal SET stage = 'proposal' WHERE id = (SELECT id FROM deal WHERE rep_id = {rep}
               AND stage = 'qualified' LIMIT 1);
             INSERT INTO stage_change(deal_id, from_stage, to_stage, at)
             SELECT id, 'qualified', 'proposal', {at} FROM deal WHERE rep_id = {rep}
               AND stage = 'proposal' ORDER BY id DESC LIMIT 1"
        ),
        2 => format!(
            "INSERT INTO satisfaction(rep_id, taken_on, score) VALUES ({rep}, date({at}, 'unixepoch'), {})",
            1 + i % 10
        ),
        _ => format!(
            "UPDATE deal SET stage = 'won', closed_at = {at} WHERE id = (SELECT id FROM deal
               WHERE rep_id = {rep} AND stage = 'negotiation' LIMIT 1)"
        ),
    };
    conn.execute_batch(&format!("BEGIN IMMEDIATE; {sql}; COMMIT"))
        .expect("the benchmark's write");
}

const KINDS: [&str; 4] = ["call", "deal stage", "satisfaction", "deal won"];

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not used.
    let path = common::database("speed-work.db");
    let mut store = Store::open(&path, Access::ReadWrite).expect("opens");
    let today = store
        .latest_data_day(
            &store.permit().expect("a permit"),
            chrono::Local::now().date_naive(),
        )
        .expect("reads")
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let period = Period::containing(PeriodKind::Month, today);
    let req = |team| Request {
        seq: 1,
        period,
        open_latest: false,
        team,
    };
    let rounds: usize = std::env::var("SALESBOARD_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let mut samples = Vec::new();

    // The first snapshot, as a board starting up (a new connection each time).
    let mut first = Vec::new();
    for _ in 0..5 {
        let mut s = Store::open(&path, Access::ReadOnly).expect("opens");
        let t = Instant::now();
        poller::compute(&mut s, req(None), today).expect("a snapshot");
        first.push(t.elapsed());
    }
    samples.push(Sample::new(
        "first snapshot (read everything, every KPI)",
        first,
    ));

    // Refreshes after writes from another connection.
    let writer = rusqlite::Connection::open(&path).expect("a writer");
    writer
        .busy_timeout(Duration::from_secs(15))
        .expect("busy timeout");
    let at = salesboard::period::day_start(&chrono::Local, today) + 11 * 3600;
    let team = store
        .teams()
        .expect("teams")
        .iter()
        .find(|t| t.parent_id.is_some())
        .map(|t| t.id);
    for (label, team) in [("company", None), ("one team", team)] {
        let mut cache = None;
        poller::snapshot(&mut store, &mut cache, req(team), today, false).expect("a snapshot");
        let mut all = Vec::new();
        for (kind, name) in KINDS.iter().enumerate() {
            let mut times = Vec::new();
            for i in 0..rounds {
                write(&writer, kind, i as i64, at + i as i64);
                let t = Instant::now();
                poller::snapshot(&mut store, &mut cache, req(team), today, true)
                    .expect("a snapshot");
                times.push(t.elapsed());
            }
            all.extend(times.iter().copied());
            samples.push(Sample::new(
                format!("refresh after a {name} ({label})"),
                times,
            ));
        }
        samples.push(Sample::new(
            format!("refresh after any write ({label})"),
            all,
        ));
    }

    // Drawing a pane from a snapshot.
    let snap = poller::compute(&mut store, req(None), today).expect("a snapshot");
    let snap = std::sync::Arc::new(snap);
    for (w, h) in [(80u16, 24u16), (200, 50)] {
        let mut times = Vec::new();
        for pane in Pane::ALL {
            let mut app = App::new(Lang::En, Theme::color(), "kpi.db".into(), false, today, at);
            let mut s = (*snap).clone();
            s.seq = app.request().seq;
            app.accept(s);
            app.pane = pane;
            let mut term = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
            for _ in 0..10 {
                let t = Instant::now();
                term.draw(|f| ui::draw(f, &app)).expect("drawn");
                times.push(t.elapsed());
            }
        }
        samples.push(Sample::new(format!("draw any pane at {w}×{h}"), times));
    }

    let mut json = String::new();
    println!(
        "\n{:<52} {:>5} {:>9} {:>9} {:>9}",
        "measure", "n", "p50 ms", "p95 ms", "max ms"
    );
    for s in &samples {
        println!(
            "{:<52} {:>5} {:>9.2} {:>9.2} {:>9.2}",
            s.name,
            s.ms.len(),
            s.pct(0.5),
            s.pct(0.95),
            s.pct(1.0)
        );
        json.push_str(&format!(
            "{{\"measure\":{:?},\"n\":{},\"p50_ms\":{:.3},\"p95_ms\":{:.3},\"max_ms\":{:.3}}}\n",
            s.name,
            s.ms.len(),
            s.pct(0.5),
            s.pct(0.95),
            s.pct(1.0)
        ));
    }
    let out = common::bench_dir().join("speed.json");
    std::fs::write(&out, json).expect("speed.json");
    println!("\n(written to {})", out.display());
}
