//! The board at every terminal size from 1×1 to 500×200 (sampled): every pane, the rep
//! card, every form, the overlays, the loading and error screens — no panic, nothing
//! drawn outside the screen, and the "too small" notice exactly below the minimum.
//! Also one terminal resized through a storm of sizes, as the run loop sees it.
//!
//! (`board.rs` checks a handful of sizes per pane; this is the exhaustive sweep.)

mod common;
use common::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use salesboard::app::form::{Form, FormKind};
use salesboard::app::{Action, App, Pane};
use salesboard::format::Lang;
use salesboard::store::Validation;
use salesboard::ui::{self, MIN_HEIGHT, MIN_WIDTH};

fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn type_text(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// Long, wide and right-to-left text, to be typed into fields.
const LONG: &str = "王小明王小明王小明 مریم رضایی Иван Петров-Водкин Zoë O'Brien 0123456789 \
    王小明王小明王小明王小明王小明王小明王小明王小明";

/// Every screen worth drawing, by name.
fn scenes() -> Vec<(String, App)> {
    let mut out = Vec::new();
    for pane in Pane::ALL {
        out.push((format!("{pane:?}"), app(pane, Lang::En)));
        let mut a = app(pane, Lang::Ru);
        a.update(Action::Bottom);
        out.push((format!("{pane:?} ru, last row"), a));
    }
    let mut a = app(Pane::Plan, Lang::En);
    a.update(Action::ToggleRows);
    out.push(("team rows".into(), a));

    let mut a = app(Pane::Plan, Lang::En);
    a.update(Action::Open);
    out.push(("rep card".into(), a));
    let mut a = app(Pane::Plan, Lang::Ru);
    a.update(Action::Open);
    for _ in 0..200 {
        a.update(Action::Down);
    }
    out.push(("rep card ru, scrolled to the end".into(), a));

    let mut a = app(Pane::Plan, Lang::En);
    a.update(Action::ToggleHelp);
    out.push(("help".into(), a));
    let mut a = app(Pane::Plan, Lang::Ru);
    a.update(Action::ToggleHelp);
    out.push(("help ru".into(), a));
    let mut a = app(Pane::Plan, Lang::En);
    a.update(Action::OpenTeamPicker);
    out.push(("team picker".into(), a));
    let mut a = app(Pane::Plan, Lang::En);
    a.update(Action::AddEntry);
    out.push(("add menu".into(), a));
    let mut a = app(Pane::Plan, Lang::En);
    a.update(Action::ShowEntries);
    out.push(("latest entries".into(), a));

    let mut a = app(Pane::Plan, Lang::En);
    a.update(Action::StartFilter);
    type_text(&mut a, LONG);
    out.push(("filter typed, nothing matches".into(), a));

    for kind in FormKind::ALL {
        let mut a = app(Pane::Plan, Lang::En);
        a.open_form(Form::new(kind, today()), None);
        assert!(a.form.is_some(), "{kind:?} did not open");
        out.push((format!("{kind:?} form"), a));
    }
    // A call form with long text in every field, rep suggestions open, and a refusal.
    let mut a = app(Pane::Plan, Lang::Ru);
    a.open_form(Form::new(FormKind::Call, today()), None);
    type_text(&mut a, "а");
    out.push(("call form ru, rep suggestions".into(), a));
    let mut a = app(Pane::Plan, Lang::En);
    a.open_form(Form::new(FormKind::Meeting, today()), None);
    for _ in 0..8 {
        type_text(&mut a, LONG);
        key(&mut a, KeyCode::Tab);
    }
    if let Some(open) = a.form.as_mut() {
        open.form.set_error(&Validation::new("duration", LONG));
    }
    out.push(("meeting form, long text and a refusal".into(), a));

    // Before the first figures, and when they cannot be read.
    let loading = App::new(
        Lang::En,
        salesboard::ui::theme::Theme::plain(),
        "kpi.db".into(),
        false,
        today(),
        now(),
    );
    out.push(("loading".into(), loading));
    let mut failed = App::new(
        Lang::Ru,
        salesboard::ui::theme::Theme::plain(),
        LONG.into(),
        true,
        today(),
        now(),
    );
    failed.error = Some(LONG.repeat(5));
    out.push(("cannot read, read-only".into(), failed));
    out
}

/// Sizes to draw scene number `k` at: every size up to 40×20, an eighth of the sizes
/// around the minimum and the 80×24 layout, a twelfth of a grid up to 500×200 (a different
/// share for each scene, so together the scenes cover each size several times), and the
/// extremes. (A frame at a new size costs milliseconds in a debug build: layouts are
/// solved afresh.)
fn sizes(k: usize) -> Vec<(u16, u16)> {
    let mut v = Vec::new();
    for w in 1..=40 {
        for h in 1..=20 {
            v.push((w, h));
        }
    }
    let mut i = k;
    for w in MIN_WIDTH - 2..=84 {
        for h in MIN_HEIGHT - 2..=26 {
            i += 1;
            if i.is_multiple_of(8) {
                v.push((w, h));
            }
        }
    }
    for w in (1..=500).step_by(31) {
        for h in (1..=200).step_by(19) {
            i += 1;
            if i.is_multiple_of(12) {
                v.push((w, h));
            }
        }
    }
    v.extend([
        (0, 0),
        (1, 200),
        (500, 1),
        (500, 200),
        (MIN_WIDTH, MIN_HEIGHT),
        (MIN_WIDTH - 1, MIN_HEIGHT),
        (MIN_WIDTH, MIN_HEIGHT - 1),
        (80, 24),
    ]);
    v
}

/// Draws `app` at `w`×`h` on a new terminal; returns the screen as text.
fn draw(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::draw(f, app)).unwrap();
    let buf = t.backend().buffer();
    assert_eq!((buf.area.width, buf.area.height), (w, h));
    let mut s = String::new();
    for y in 0..h {
        for x in 0..w {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

fn sweep(filter: impl Fn(&str) -> bool) {
    let scenes = scenes().into_iter().enumerate();
    for (k, (name, app)) in scenes.filter(|(_, (n, _))| filter(n)) {
        for (w, h) in sizes(k) {
            let screen =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| draw(&app, w, h)))
                    .unwrap_or_else(|_| panic!("{name} panicked at {w}×{h}"));
            let small = w < MIN_WIDTH || h < MIN_HEIGHT;
            if small && w >= 30 && h >= 3 {
                assert!(
                    screen.contains(&format!("{w}×{h}")),
                    "{name} at {w}×{h}: no 'too small' notice\n{screen}"
                );
            }
            if !small {
                assert!(
                    !screen.contains("too small") && !screen.contains("слишком мало"),
                    "{name} at {w}×{h}: 'too small' at a usable size\n{screen}"
                );
            }
        }
    }
}

// Split so the test harness spreads the work over the cores.

#[test]
fn every_pane_at_every_size() {
    sweep(|n| !n.contains("form") && Pane::ALL.iter().any(|p| n.starts_with(&format!("{p:?}"))));
}

#[test]
fn card_overlays_and_states_at_every_size() {
    sweep(|n| !n.contains("form") && !Pane::ALL.iter().any(|p| n.starts_with(&format!("{p:?}"))));
}

#[test]
fn every_form_at_every_size() {
    sweep(|n| n.contains("form"));
}

/// One terminal, as in the run loop: a storm of resizes, drawing after each (sometimes
/// several sizes before one draw, as the loop coalesces a burst), then a normal size.
#[test]
fn a_resize_storm_on_one_terminal() {
    let mut scenes = scenes();
    // A fixed pseudo-random walk over sizes, tiny to huge.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for (name, app) in scenes.iter_mut().step_by(2) {
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        for i in 0..30 {
            let (w, h) = match next(6) {
                0 => (1 + next(3) as u16, 1 + next(3) as u16),
                1 => (500, 200),
                2 => (1, 200),
                3 => (500, 1),
                _ => (1 + next(500) as u16, 1 + next(200) as u16),
            };
            t.backend_mut().resize(w, h);
            if i % 3 == 0 {
                continue; // resized again before the next frame
            }
            if i % 7 == 0 {
                app.update(Action::Down); // keys between resizes
            }
            t.draw(|f| ui::draw(f, app))
                .unwrap_or_else(|e| panic!("{name} at {w}×{h}: {e}"));
        }
        t.backend_mut().resize(100, 30);
        t.draw(|f| ui::draw(f, app)).unwrap();
        let buf = t.backend().buffer();
        assert_eq!((buf.area.width, buf.area.height), (100, 30), "{name}");
        let top: String = (0..100).map(|x| buf[(x, 0)].symbol()).collect();
        assert!(!top.trim().is_empty(), "{name}: an empty header at 100×30");
        let text: String = buf.content().iter().map(|c| c.symbol()).collect();
        assert!(!text.contains("too small"), "{name} at 100×30");
    }
}
