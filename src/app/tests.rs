//! The update loop without a terminal: keys → actions → state.
// Fixtures read best as "start empty, fill table by table".
#![allow(clippy::field_reassign_with_default)]

use super::*;
use crate::kpi::{Ctx, Scope, compute};
use crate::model::{Deal, DealKind, Rep, Stage};
use crate::store::Dataset;
use crate::ui::theme::Theme;
use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn rep(id: i64, name: &str, team: i64) -> Rep {
    Rep {
        id,
        name: name.into(),
        team_id: team,
        region: String::new(),
        hired_on: d("2025-01-01"),
        active: true,
    }
}

fn won(id: i64, rep: i64, amount: i64) -> Deal {
    let at = crate::period::day_start(&chrono::Utc, d("2026-11-10"));
    Deal {
        id,
        rep_id: rep,
        customer_id: None,
        campaign_id: None,
        amount,
        cost: 0,
        units: 1,
        score: None,
        kind: DealKind::New,
        product: String::new(),
        location: String::new(),
        created_at: at - 86_400,
        stage: Stage::Won,
        closed_at: Some(at),
        lost_from_stage: None,
    }
}

/// A board with three reps in two teams under a department.
fn board() -> App {
    let mut data = Dataset::default();
    data.teams = vec![
        Team {
            id: 1,
            name: "Dept".into(),
            parent_id: None,
        },
        Team {
            id: 2,
            name: "North".into(),
            parent_id: Some(1),
        },
        Team {
            id: 3,
            name: "South".into(),
            parent_id: Some(1),
        },
    ];
    data.reps = vec![rep(1, "Анна", 2), rep(2, "Борис", 2), rep(3, "Вера", 3)];
    data.deals = vec![won(1, 1, 500), won(2, 2, 900), won(3, 3, 100)];
    let period = Period::containing(PeriodKind::Month, d("2026-11-20"));
    let report = compute(&data, &Ctx::utc(period, d("2026-11-20")), Scope::Company).unwrap();
    let mut app = App::new(
        Lang::En,
        Theme::plain(),
        "kpi.db".into(),
        false,
        d("2026-11-20"),
        0,
    );
    let req = app.request();
    app.accept(Snapshot {
        seq: req.seq,
        report,
        teams: vec![
            TeamEntry {
                team: data.teams[0].clone(),
                depth: 0,
            },
            TeamEntry {
                team: data.teams[1].clone(),
                depth: 1,
            },
            TeamEntry {
                team: data.teams[2].clone(),
                depth: 1,
            },
        ],
        recent: Vec::new(),
        customers: Default::default(),
        note: None,
        computed_at: 0,
        permit: crate::store::Permit::everything(0, false),
        team: None,
    });
    app
}

fn key(app: &mut App, code: KeyCode) -> bool {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn names(app: &App) -> Vec<String> {
    app.visible_reps()
        .iter()
        .map(|r| r.rep.name.clone())
        .collect()
}

#[test]
fn panes_switch_by_number_and_tab_and_wrap() {
    let mut a = board();
    key(&mut a, KeyCode::Char('4'));
    assert_eq!(a.pane, Pane::Activity);
    key(&mut a, KeyCode::Tab);
    assert_eq!(a.pane, Pane::Team);
    key(&mut a, KeyCode::Char('7'));
    key(&mut a, KeyCode::Tab);
    assert_eq!(a.pane, Pane::Plan);
    a.on_key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    assert_eq!(a.pane, Pane::Alerts);
}

#[test]
fn periods_move_and_cycle_and_ask_for_new_figures() {
    let mut a = board();
    assert!(key(&mut a, KeyCode::Char('[')));
    assert_eq!(a.period.label(), "2026-10");
    assert!(key(&mut a, KeyCode::Char(']')));
    assert!(key(&mut a, KeyCode::Char(']')));
    assert_eq!(a.period.label(), "2026-12");
    assert!(key(&mut a, KeyCode::Char('p')));
    assert_eq!(a.period.kind, PeriodKind::Quarter);
    assert!(key(&mut a, KeyCode::Char('p')));
    assert_eq!(a.period.kind, PeriodKind::Day);
    let seq = a.seq;
    assert_eq!(a.request().seq, seq + 1);
}

#[test]
fn leaderboard_sorts_and_moves() {
    let mut a = board();
    assert_eq!(names(&a), ["Борис", "Анна", "Вера"]); // revenue, highest first
    key(&mut a, KeyCode::Char('s'));
    assert_eq!(names(&a), ["Вера", "Анна", "Борис"]);
    key(&mut a, KeyCode::Char('h')); // to the name column
    assert_eq!(a.sort, SortKey::Name);
    assert_eq!(names(&a), ["Анна", "Борис", "Вера"]);
    key(&mut a, KeyCode::Char('j'));
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Down);
    assert_eq!(a.cursor, 2, "the cursor stops at the last row");
    key(&mut a, KeyCode::Char('g'));
    assert_eq!(a.cursor, 0);
    a.on_key(KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT));
    assert_eq!(a.cursor, 2);
}

#[test]
fn filter_takes_any_letter_and_esc_clears_it() {
    let mut a = board();
    key(&mut a, KeyCode::Char('/'));
    for c in "бор".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    assert_eq!(names(&a), ["Борис"]);
    key(&mut a, KeyCode::Char('q')); // typed, not quit
    assert!(!a.quit && names(&a).is_empty());
    key(&mut a, KeyCode::Backspace);
    key(&mut a, KeyCode::Enter);
    assert!(!a.filtering && a.filter == "бор");
    key(&mut a, KeyCode::Esc);
    assert_eq!(names(&a).len(), 3);
}

#[test]
fn team_picker_narrows_and_esc_climbs_the_tree() {
    let mut a = board();
    key(&mut a, KeyCode::Char('t'));
    assert_eq!(a.overlay, Overlay::Picker { selected: 0 });
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Down);
    assert!(key(&mut a, KeyCode::Enter));
    assert_eq!(a.team, Some(2));
    // Until North's figures come, the header and the Σ row name what is on screen.
    assert_eq!(a.team_name(), None);
    let mut north = (**a.snapshot.as_ref().unwrap()).clone();
    north.seq = a.request().seq;
    north.team = Some(2);
    a.accept(north);
    assert_eq!(a.team_name(), Some("North"));
    assert!(key(&mut a, KeyCode::Esc));
    assert_eq!(a.team, Some(1));
    assert!(key(&mut a, KeyCode::Esc));
    assert_eq!(a.team, None);
    assert!(!key(&mut a, KeyCode::Esc));
}

#[test]
fn enter_opens_the_rep_card_and_esc_closes_it() {
    let mut a = board();
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.overlay, Overlay::Card { rep: 1, scroll: 0 });
    key(&mut a, KeyCode::Char('j'));
    assert_eq!(a.overlay, Overlay::Card { rep: 1, scroll: 1 });
    key(&mut a, KeyCode::Char('2')); // panes do not switch under the card
    assert_eq!(a.pane, Pane::Plan);
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.overlay, Overlay::None);
}

#[test]
fn help_and_quit() {
    let mut a = board();
    key(&mut a, KeyCode::Char('?'));
    assert_eq!(a.overlay, Overlay::Help);
    key(&mut a, KeyCode::Char('j'));
    assert_eq!(a.overlay, Overlay::Help);
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.overlay, Overlay::None);
    a.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(a.quit);
    let mut b = board();
    key(&mut b, KeyCode::Char('q'));
    assert!(b.quit);
}

#[test]
fn team_rows_and_enter_on_a_team() {
    let mut a = board();
    key(&mut a, KeyCode::Char('v'));
    assert_eq!(a.list_len(), 3);
    key(&mut a, KeyCode::Down);
    let picked = a.visible_teams()[1].team.id;
    assert!(key(&mut a, KeyCode::Enter));
    assert_eq!(a.team, Some(picked));
    assert!(!a.team_rows);
}

#[test]
fn the_answer_settles_the_period_and_the_header_names_the_figures() {
    let mut a = board();
    // Figures for November are on screen; December is asked for.
    let nov = (**a.snapshot.as_ref().unwrap()).clone();
    key(&mut a, KeyCode::Char(']'));
    a.request();
    assert_eq!(a.period.label(), "2026-12");
    assert!(!a.open_latest, "[ and ] show the period as it is");
    // Until the answer comes, the header still names the figures on screen.
    assert_eq!(a.shown_period().label(), "2026-11");
    assert!(crate::ui::period_label(&a).contains("November"));
    assert!(a.loading_period());
    // An answer for the request (here: the poller fell back to November) settles it.
    let mut answer = nov.clone();
    answer.seq = a.seq;
    a.accept(answer);
    assert_eq!(a.period.label(), "2026-11");
    assert!(!a.loading_period());
}

/// The board on 2 December 2026, showing November because December has no data yet.
fn board_on_the_first_days_of_december() -> App {
    let mut a = board();
    a.now = crate::period::day_start(&chrono::Local, d("2026-12-02")) + 10 * 3600;
    let mut snap = (**a.snapshot.as_ref().unwrap()).clone();
    let dec = Period::containing(PeriodKind::Month, d("2026-12-02"));
    let nov = Period::containing(PeriodKind::Month, d("2026-11-20"));
    snap.note = Some(crate::engine::PeriodNote {
        current: dec,
        current_has_data: false,
        latest: Some(nov),
    });
    snap.seq = a.seq;
    a.accept(snap);
    a
}

/// The poller's answer to the app's latest request: figures for the period asked for.
fn settle(a: &mut App) {
    let req = a.request();
    let mut snap = (**a.snapshot.as_ref().unwrap()).clone();
    snap.report.period = req.period;
    snap.seq = req.seq;
    a.accept(snap);
}

#[test]
fn c_goes_to_the_current_period_and_back_to_the_latest_with_data() {
    let mut a = board_on_the_first_days_of_december();
    assert_eq!(a.shown_period().label(), "2026-11");
    // The notice says why November is shown and how to reach December.
    let banner = crate::ui::banner_text(&a, 200).unwrap();
    assert!(
        banner.contains("December 2026 — no sales or activity yet; showing November 2026")
            && banner.contains("c: December 2026"),
        "{banner}"
    );
    // At 80 columns the short wording still names both months and the key.
    let short = crate::ui::banner_text(&a, 79).unwrap();
    assert_eq!(
        short,
        "December 2026 — no sales yet; showing November 2026 · c: December 2026"
    );
    a.lang = Lang::Ru;
    let short = crate::ui::banner_text(&a, 79).unwrap();
    assert!(
        unicode_width::UnicodeWidthStr::width(short.as_str()) <= 79,
        "{short}"
    );
    assert!(short.contains("c: декабрь 2026"), "{short}");
    a.lang = Lang::En;
    // c: December, as it is (plans, surveys, calls typed today, zeros with pace).
    assert!(key(&mut a, KeyCode::Char('c')));
    assert_eq!(a.period.label(), "2026-12");
    assert!(!a.open_latest);
    settle(&mut a);
    assert_eq!(a.shown_period().label(), "2026-12");
    // December is empty: the notice says so, and c leads back to November.
    let banner = crate::ui::banner_text(&a, 200).unwrap();
    assert!(
        banner.contains("December 2026 — no sales or activity yet · c: November 2026"),
        "{banner}"
    );
    assert!(key(&mut a, KeyCode::Char('c')));
    settle(&mut a);
    assert_eq!(a.shown_period().label(), "2026-11");
    // From any period of the past, c goes to the current one.
    key(&mut a, KeyCode::Char('['));
    settle(&mut a);
    assert_eq!(a.shown_period().label(), "2026-10");
    assert_eq!(
        crate::ui::banner_text(&a, 200),
        None,
        "October needs no notice"
    );
    assert!(key(&mut a, KeyCode::Char('c')));
    settle(&mut a);
    assert_eq!(a.shown_period().label(), "2026-12");
}

#[test]
fn the_board_opens_asking_for_the_latest_period_with_data() {
    let mut a = App::new(
        Lang::En,
        Theme::plain(),
        "kpi.db".into(),
        false,
        d("2026-12-02"),
        0,
    );
    let r = a.request();
    assert_eq!(r.period.label(), "2026-12");
    assert!(r.open_latest);
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

#[test]
fn a_form_takes_every_key_and_saving_goes_to_the_writer() {
    use super::writer::{Done, Job};
    let mut a = board();
    key(&mut a, KeyCode::Char('a'));
    assert_eq!(a.overlay, Overlay::Menu { selected: 0 });
    key(&mut a, KeyCode::Enter); // New call
    assert!(a.form.is_some());
    assert_eq!(a.context(), keys::Context::Form);
    type_text(&mut a, "бор");
    key(&mut a, KeyCode::Enter); // takes the suggestion "Борис"
    key(&mut a, KeyCode::Char('2')); // typed into the next field, not a pane switch
    assert_eq!(a.pane, Pane::Plan);
    assert!(!a.quit);
    assert_eq!(a.form.as_ref().unwrap().form.value("rep"), "Борис");
    key(&mut a, KeyCode::Enter);
    let Some(Job::Activity(None, call)) = a.outbox.pop() else {
        panic!("no call job: {:?}", a.outbox)
    };
    assert_eq!(call.rep, "Борис");
    assert!(a.form.as_ref().unwrap().form.saving);
    // The store refuses a value: the form stays, with the field marked.
    a.on_done(Done::Invalid(crate::store::Validation::new(
        "duration",
        "'x' is not a duration",
    )));
    let f = &a.form.as_ref().unwrap().form;
    assert!(!f.saving && f.error.as_ref().is_some_and(|(k, _)| k == "duration"));
    a.on_done(Done::Saved(7));
    assert!(a.form.is_none());
    assert!(a.status.as_deref().is_some_and(|s| s.contains("#7")));
}

#[test]
fn entries_can_be_deleted_after_a_question_and_undone() {
    use super::writer::Job;
    let mut a = board();
    let mut snap = (**a.snapshot.as_ref().unwrap()).clone();
    snap.recent = vec![crate::model::EntryLine {
        entity: "call".into(),
        id: 9,
        rep: "Анна".into(),
        at: 0,
        summary: "reached".into(),
        entered_by: Some("lead".into()),
        entered_at: 0,
    }];
    snap.seq = a.seq;
    a.accept(snap);
    key(&mut a, KeyCode::Char('e'));
    key(&mut a, KeyCode::Char('d'));
    assert_eq!(
        a.overlay,
        Overlay::Entries {
            selected: 0,
            confirm: true
        }
    );
    key(&mut a, KeyCode::Char('n')); // keep it
    assert!(a.outbox.is_empty());
    key(&mut a, KeyCode::Char('d'));
    key(&mut a, KeyCode::Char('y'));
    assert_eq!(
        a.outbox.pop(),
        Some(Job::Delete {
            entity: "call".into(),
            id: 9
        })
    );
    key(&mut a, KeyCode::Char('u'));
    assert_eq!(a.outbox.pop(), Some(Job::Undo));
    key(&mut a, KeyCode::Enter);
    assert_eq!(
        a.outbox.pop(),
        Some(Job::Fetch {
            entity: "call".into(),
            id: 9
        })
    );
}

#[test]
fn a_read_only_board_says_why_before_anything_is_typed() {
    let mut a = board();
    a.read_only = true;
    key(&mut a, KeyCode::Char('a'));
    assert!(a.form.is_none() && a.overlay == Overlay::None);
    assert!(a.status.as_deref().is_some_and(|s| s.contains("read-only")));
}

#[test]
fn correcting_an_entry_opens_it_filled_in_and_saves_over_it() {
    use super::writer::{Done, Job};
    let mut a = board();
    a.on_done(Done::Fetched {
        entity: "call".into(),
        id: 31,
        values: vec![
            ("rep".into(), "Анна".into()),
            ("date".into(), "2026-11-19".into()),
            ("time".into(), "10:00".into()),
            ("duration".into(), "30".into()),
            ("outcome".into(), "reached".into()),
            ("note".into(), "было".into()),
        ],
    });
    let open = a.form.as_ref().expect("the form opens");
    assert_eq!(open.editing, Some(("call".into(), 31)));
    assert_eq!(open.form.value("duration"), "30");
    assert!(
        !open.form.is_dirty(),
        "nothing typed yet: Esc closes without asking"
    );
    key(&mut a, KeyCode::Enter);
    let Some(Job::Activity(Some(31), call)) = a.outbox.pop() else {
        panic!("no correction job")
    };
    assert_eq!(
        (
            call.date.as_str(),
            call.duration.as_str(),
            call.note.as_str()
        ),
        ("2026-11-19", "30", "было")
    );
}
