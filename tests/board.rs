//! Snapshot tests of the frame, the Plan pane, the overlays and the rep card, at 80×24 and
//! 160×48, in English and Russian; the "too small" notice; no panic at any size.

mod common;
use common::*;
use salesboard::app::{Action, Pane};
use salesboard::format::Lang;

#[test]
fn plan_80x24_en() {
    insta::assert_snapshot!(render(&app(Pane::Plan, Lang::En), 80, 24));
}

#[test]
fn plan_160x48_en() {
    insta::assert_snapshot!(render(&app(Pane::Plan, Lang::En), 160, 48));
}

#[test]
fn plan_80x24_ru() {
    insta::assert_snapshot!(render(&app(Pane::Plan, Lang::Ru), 80, 24));
}

#[test]
fn plan_team_rows_sorted_by_attainment() {
    let mut a = app(Pane::Plan, Lang::En);
    a.update(Action::ToggleRows);
    a.update(Action::SortNext);
    insta::assert_snapshot!(render(&a, 100, 24));
}

#[test]
fn help_overlay() {
    let mut a = app(Pane::Plan, Lang::En);
    a.update(Action::ToggleHelp);
    insta::assert_snapshot!(render(&a, 80, 30));
}

#[test]
fn team_picker() {
    let mut a = app(Pane::Plan, Lang::Ru);
    a.update(Action::OpenTeamPicker);
    a.update(Action::Down);
    insta::assert_snapshot!(render(&a, 80, 24));
}

#[test]
fn too_small_notice() {
    let a = app(Pane::Plan, Lang::En);
    let screen = render(&a, 40, 10);
    assert!(screen.contains("Terminal too small: 40×10"), "{screen}");
    insta::assert_snapshot!(screen);
    assert!(render(&app(Pane::Plan, Lang::Ru), 30, 8).contains("Окно слишком мало"));
}

#[test]
fn no_panic_at_any_size_in_any_pane() {
    for pane in Pane::ALL {
        let mut a = app(pane, Lang::En);
        for (w, h) in [
            (0, 0),
            (1, 1),
            (3, 2),
            (20, 5),
            (63, 17),
            (64, 18),
            (70, 20),
            (81, 25),
            (120, 30),
            (250, 80),
        ] {
            render(&a, w, h);
        }
        a.update(Action::Open);
        render(&a, 64, 18);
        render(&a, 200, 60);
    }
}

fn card(lang: Lang) -> salesboard::app::App {
    let mut a = app(Pane::Plan, lang);
    a.update(Action::Open);
    a
}

#[test]
fn rep_card_80x24_en() {
    let a = card(Lang::En);
    let screen = render(&a, 80, 24);
    let first = a.visible_reps()[0].rep.name.clone();
    assert!(screen.contains(&first), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn rep_card_160x48_en() {
    insta::assert_snapshot!(render(&card(Lang::En), 160, 48));
}

#[test]
fn rep_card_80x24_ru_scrolled() {
    let mut a = card(Lang::Ru);
    for _ in 0..10 {
        a.update(Action::Down);
    }
    let screen = render(&a, 80, 24);
    assert!(screen.contains("Цикл сделки"), "{screen}");
    insta::assert_snapshot!(screen);
    a.update(Action::Back);
    assert!(!render(&a, 80, 24).contains("Цикл сделки"));
}

#[test]
fn no_color_means_no_colour_and_colour_means_the_16_basic_ones() {
    use ratatui::style::Color;
    use salesboard::ui::theme::Theme;
    for pane in Pane::ALL {
        let mut a = app(pane, Lang::En);
        let buf = render_buffer(&a, 120, 40);
        for c in buf.content() {
            assert_eq!(
                (c.fg, c.bg),
                (Color::Reset, Color::Reset),
                "{pane:?} has colour with NO_COLOR"
            );
        }
        a.theme = Theme::color();
        let buf = render_buffer(&a, 120, 40);
        let mut coloured = 0;
        for c in buf.content() {
            for col in [c.fg, c.bg] {
                assert!(
                    !matches!(col, Color::Rgb(..) | Color::Indexed(_)),
                    "{pane:?} uses {col:?}: not in a 16-colour terminal"
                );
                coloured += usize::from(col != Color::Reset);
            }
        }
        assert!(coloured > 0, "{pane:?} has no colour at all with colour on");
    }
}

#[test]
fn untrusted_names_cannot_reach_the_terminal_as_escapes() {
    let mut a = app(Pane::Plan, Lang::En);
    let mut snap = (**a.snapshot.as_ref().unwrap()).clone();
    // What the store would hand over after cleaning, and what it must never hand over.
    snap.report.reps[0].rep.name =
        salesboard::text::clean("Evil\x1b]0;pwned\x07\u{202e}Name").into_owned();
    snap.seq = a.seq;
    a.accept(snap);
    let buf = render_buffer(&a, 120, 40);
    for c in buf.content() {
        assert!(
            !c.symbol().chars().any(salesboard::text::is_unsafe),
            "unsafe char reached the screen"
        );
    }
    assert!(render(&a, 120, 40).contains("EvilName"));
}

#[test]
fn names_in_any_script_line_up_by_display_width() {
    use unicode_width::UnicodeWidthStr;
    let mut a = app(Pane::Plan, Lang::En);
    let mut snap = (**a.snapshot.as_ref().unwrap()).clone();
    let names = ["王小明王小明", "مریم رضایی", "Иван Петров", "Zoë"];
    for (r, n) in snap.report.reps.iter_mut().zip(names) {
        r.rep.name = n.to_string();
    }
    snap.seq = a.seq;
    a.accept(snap);
    let screen = render(&a, 100, 24);
    let gauge_cols: Vec<usize> = screen
        .lines()
        .filter(|l| names.iter().any(|n| l.contains(n)))
        .map(|l| {
            let cut = l.find(['█', '·', '│']).expect("a gauge on the row");
            l[..cut].width()
        })
        .collect();
    assert_eq!(gauge_cols.len(), names.len(), "{screen}");
    assert!(
        gauge_cols.iter().all(|c| *c == gauge_cols[0]),
        "{gauge_cols:?}\n{screen}"
    );
}

#[test]
fn a_saved_entry_is_announced_in_the_banner() {
    let mut a = app(Pane::Plan, Lang::En);
    a.on_done(salesboard::app::writer::Done::Saved(42));
    let screen = render(&a, 80, 24);
    assert!(
        screen
            .lines()
            .nth(1)
            .is_some_and(|l| l.contains("✓ Saved") && l.contains("#42")),
        "{screen}"
    );
}

#[test]
fn a_viewer_limited_to_one_team_sees_why_they_cannot_type_and_no_company_entry() {
    let mut a = app(Pane::Plan, Lang::En);
    let mut snap = (**a.snapshot.as_ref().unwrap()).clone();
    let first = snap.teams[1].team.clone();
    snap.permit = salesboard::store::Permit {
        uid: 4242,
        role: salesboard::store::Role::Viewer,
        listed: true,
        roots: vec![(first.id, first.name.clone())],
        teams: Some([first.id].into_iter().collect()),
    };
    snap.teams.retain(|e| e.team.id == first.id);
    snap.seq = a.seq;
    a.accept(snap);
    assert!(
        render(&a, 120, 30)
            .lines()
            .next()
            .unwrap()
            .contains("VIEWER")
    );
    a.update(Action::AddEntry);
    assert!(a.form.is_none(), "no form opens");
    let screen = render(&a, 120, 30);
    assert!(
        screen.contains("role on this database is viewer"),
        "{screen}"
    );
    a.update(Action::OpenTeamPicker);
    let screen = render(&a, 120, 30);
    assert!(!screen.contains("All teams"), "{screen}");
    assert!(screen.contains(&first.name), "{screen}");
}
