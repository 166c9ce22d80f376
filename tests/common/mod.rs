//! Shared fixtures for the board's snapshot tests: a small seeded database, a fixed day
//! and clock, and rendering to ratatui's TestBackend.
#![allow(dead_code)]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use salesboard::app::{App, Pane, Request, Snapshot, poller};
use salesboard::format::Lang;
use salesboard::period::{Period, PeriodKind, day_start};
use salesboard::store::Store;
use salesboard::store::seed::{SeedOptions, seed};
use salesboard::ui::{self, theme::Theme};
use std::sync::OnceLock;

pub fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The fixed "today" of every snapshot.
pub fn today() -> chrono::NaiveDate {
    day("2026-11-20")
}

/// 2026-11-20 14:05:09 local time: "now" in every snapshot.
pub fn now() -> i64 {
    day_start(&chrono::Local, today()) + 14 * 3600 + 5 * 60 + 9
}

/// A small seeded database (6 reps, 2 teams, 4 months), kept open for the whole test run.
pub fn store() -> &'static std::sync::Mutex<Store> {
    static STORE: OnceLock<(tempfile::TempDir, std::sync::Mutex<Store>)> = OnceLock::new();
    &STORE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let mut s = Store::init(&dir.path().join("board.db")).unwrap();
            let mut o = SeedOptions::small(today());
            o.reps = 8;
            o.teams = 2;
            o.months = 4;
            seed(&mut s, &o).unwrap();
            (dir, std::sync::Mutex::new(s))
        })
        .1
}

/// The snapshot of the current month (or `period`) for `team`.
pub fn snapshot(period: Option<Period>, team: Option<i64>) -> Snapshot {
    let period = period.unwrap_or_else(|| Period::containing(PeriodKind::Month, today()));
    let mut s = store().lock().unwrap();
    let mut snap = poller::compute(
        &mut s,
        Request {
            seq: 1,
            period,
            open_latest: false,
            team,
        },
        today(),
    )
    .unwrap();
    snap.computed_at = now() - 7;
    snap
}

/// A board showing `pane` in `lang`, without colour (snapshots are text).
pub fn app(pane: Pane, lang: Lang) -> App {
    let mut app = App::new(lang, Theme::plain(), "kpi.db".into(), false, today(), now());
    let req = app.request();
    let mut snap = snapshot(Some(req.period), None);
    snap.seq = req.seq;
    app.accept(snap);
    app.pane = pane;
    app
}

/// Renders the board at `width`×`height` and returns the screen as text.
pub fn render(app: &App, width: u16, height: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| ui::draw(f, app)).unwrap();
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut x = 0;
        while x < buf.area.width {
            // A wide character (CJK) covers two cells; the second holds no symbol of its own.
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            x += unicode_width::UnicodeWidthStr::width(sym).max(1) as u16;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Renders and returns the raw buffer (for style checks).
pub fn render_buffer(app: &App, width: u16, height: u16) -> ratatui::buffer::Buffer {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| ui::draw(f, app)).unwrap();
    t.backend().buffer().clone()
}
