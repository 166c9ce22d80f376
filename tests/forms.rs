//! The data-entry forms on their own: typing, moving, picking, refusing, discarding, and
//! how they look (no database needed).

use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use salesboard::app::form::{Draft, Entry, Form, FormKind, FormOutcome};
use salesboard::format::Lang;
use salesboard::model::ActivityKind;
use salesboard::store::{NewActivity, NewPlan, NewResponse, Validation};
use salesboard::ui::form;
use salesboard::ui::theme::Theme;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

const REPS: &[&str] = &[
    "Anna Smirnova",
    "Boris Petrov",
    "Петров Иван",
    "Петрова Мария",
    "Иван Сидоров",
];

fn customers() -> Vec<(i64, String)> {
    vec![
        (1, "Acme Ltd".into()),
        (2, "ООО Ромашка".into()),
        (3, "Northwind".into()),
    ]
}

fn press(form: &mut Form, code: KeyCode) -> FormOutcome {
    form.on_key(KeyEvent::new(code, KeyModifiers::NONE), REPS, &customers())
}

fn shift(form: &mut Form, code: KeyCode) -> FormOutcome {
    form.on_key(KeyEvent::new(code, KeyModifiers::SHIFT), REPS, &customers())
}

fn ctrl(form: &mut Form, c: char) -> FormOutcome {
    form.on_key(
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
        REPS,
        &customers(),
    )
}

fn type_text(form: &mut Form, s: &str) {
    for c in s.chars() {
        let m = if c.is_uppercase() {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        let out = form.on_key(KeyEvent::new(KeyCode::Char(c), m), REPS, &customers());
        assert_eq!(out, FormOutcome::Continue);
    }
}

fn focus_key(form: &Form) -> &'static str {
    form.fields[form.focus].key
}

/// Renders the form over a `width`×`height` screen and returns it as text.
fn render(form: &Form, lang: Lang, width: u16, height: u16) -> String {
    let buf = render_buffer(form, lang, width, height);
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut x = 0;
        while x < buf.area.width {
            // A wide character covers two cells; the second holds no symbol of its own.
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            x += unicode_width::UnicodeWidthStr::width(sym).max(1) as u16;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn render_buffer(form: &Form, lang: Lang, width: u16, height: u16) -> ratatui::buffer::Buffer {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    let sugg = form.suggestions(REPS, &customers());
    t.draw(|f| {
        let area = f.area();
        // The board's body: everything but header, tabs and footer.
        let body = Rect {
            y: area.y + 2.min(area.height),
            height: area.height.saturating_sub(4),
            ..area
        };
        form::draw(f, body, form, lang, &Theme::plain(), &sugg)
    })
    .unwrap();
    t.backend().buffer().clone()
}

// --- Snapshots ---------------------------------------------------------------------------

#[test]
fn every_form_empty_80x24() {
    for kind in FormKind::ALL {
        let f = Form::new(kind, today());
        insta::assert_snapshot!(
            format!("empty_{}", kind.as_str()),
            render(&f, Lang::En, 80, 24)
        );
    }
}

/// A realistic complaint from the store for each form, after typing some values.
fn refused(kind: FormKind) -> Form {
    let mut f = Form::new(kind, today());
    match kind {
        FormKind::Call => {
            type_text(&mut f, "Boris");
            press(&mut f, KeyCode::Enter);
            press(&mut f, KeyCode::Tab);
            press(&mut f, KeyCode::Tab);
            type_text(&mut f, "23:50");
            f.set_error(&Validation::new("time", "23:50 is in the future"));
        }
        FormKind::Meeting => {
            type_text(&mut f, "Anna");
            press(&mut f, KeyCode::Tab);
            press(&mut f, KeyCode::Tab);
            press(&mut f, KeyCode::Tab);
            press(&mut f, KeyCode::Tab);
            type_text(&mut f, "two hours");
            press(&mut f, KeyCode::Tab);
            f.set_error(&Validation::new(
                "duration",
                "'two hours' is not a duration (like 45, 1h30 or 1:30)",
            ));
        }
        FormKind::Satisfaction => {
            type_text(&mut f, "Anna Smirnova");
            press(&mut f, KeyCode::Tab);
            press(&mut f, KeyCode::Tab);
            type_text(&mut f, "11");
            press(&mut f, KeyCode::Tab);
            type_text(&mut f, "4");
            f.set_error(&Validation::new("score", "11 is outside 1–10"));
        }
        FormKind::Plan => {
            type_text(&mut f, "Zed");
            press(&mut f, KeyCode::Tab);
            press(&mut f, KeyCode::Tab);
            type_text(&mut f, "1 200 000");
            f.set_error(&Validation::new("rep", "unknown rep 'Zed'"));
        }
        FormKind::Knowledge => {
            type_text(&mut f, "Boris Petrov");
            press(&mut f, KeyCode::Tab);
            ctrl(&mut f, 'u');
            type_text(&mut f, "2026-12-01");
            press(&mut f, KeyCode::Tab);
            type_text(&mut f, "85");
            f.set_error(&Validation::new("date", "2026-12-01 is in the future"));
        }
        FormKind::Response => {
            type_text(&mut f, "#41");
            f.set_error(&Validation::new(
                "inquiry",
                "#41 was already answered at 2026-11-19 10:15",
            ));
        }
    }
    f
}

#[test]
fn every_form_with_an_error_80x24() {
    for kind in FormKind::ALL {
        let f = refused(kind);
        insta::assert_snapshot!(
            format!("error_{}", kind.as_str()),
            render(&f, Lang::En, 80, 24)
        );
    }
}

#[test]
fn call_in_russian_with_suggestions() {
    let mut f = Form::new(FormKind::Call, today());
    type_text(&mut f, "пет");
    insta::assert_snapshot!(render(&f, Lang::Ru, 80, 24));
}

#[test]
fn satisfaction_in_russian_with_an_error() {
    let mut f = refused(FormKind::Satisfaction);
    f.set_error(&Validation::new("score", "11 is outside 1–10"));
    insta::assert_snapshot!(render(&f, Lang::Ru, 80, 24));
}

#[test]
fn rep_suggestions_and_discard_question() {
    let mut f = Form::new(FormKind::Satisfaction, today());
    type_text(&mut f, "an");
    press(&mut f, KeyCode::Down);
    let with_list = render(&f, Lang::En, 80, 24);
    press(&mut f, KeyCode::Esc);
    let asking = render(&f, Lang::En, 80, 24);
    insta::assert_snapshot!(format!("{with_list}\n{asking}"));
}

#[test]
fn meeting_outcome_choice_focused() {
    let mut f = Form::new(FormKind::Meeting, today());
    while focus_key(&f) != "outcome" {
        press(&mut f, KeyCode::Tab);
    }
    press(&mut f, KeyCode::Right);
    insta::assert_snapshot!(render(&f, Lang::En, 80, 24));
}

// --- Behaviour ---------------------------------------------------------------------------

#[test]
fn cyrillic_rep_is_typed_and_picked() {
    let mut f = Form::new(FormKind::Call, today());
    type_text(&mut f, "Петров");
    assert_eq!(f.value("rep"), "Петров");
    assert_eq!(f.fields[0].cursor, 6);
    // Prefix matches first.
    assert_eq!(
        f.suggestions(REPS, &customers()),
        vec!["Петров Иван", "Петрова Мария"]
    );
    // Lower case matches too, and Down moves the highlight, not the focus.
    press(&mut f, KeyCode::Down);
    assert_eq!(focus_key(&f), "rep");
    assert_eq!(f.pick, 1);
    press(&mut f, KeyCode::Up);
    assert_eq!(f.pick, 0);
    assert_eq!(press(&mut f, KeyCode::Enter), FormOutcome::Continue);
    assert_eq!(f.value("rep"), "Петров Иван");
    // Picking moves on to the next field; the list is gone.
    assert_eq!(focus_key(&f), "customer");
    press(&mut f, KeyCode::BackTab);
    assert!(f.suggestions(REPS, &customers()).is_empty());
}

#[test]
fn suggestions_rank_prefix_first_and_are_case_insensitive() {
    let mut f = Form::new(FormKind::Call, today());
    type_text(&mut f, "иван");
    // "Иван Сидоров" starts with it; "Петров Иван" has a word starting with it.
    assert_eq!(
        f.suggestions(REPS, &customers()),
        vec!["Иван Сидоров", "Петров Иван"]
    );
    // Customers are picked in the customer field.
    press(&mut f, KeyCode::Tab);
    type_text(&mut f, "ромаш");
    assert_eq!(f.suggestions(REPS, &customers()), vec!["ООО Ромашка"]);
    press(&mut f, KeyCode::Enter);
    assert_eq!(f.value("customer"), "ООО Ромашка");
    assert_eq!(focus_key(&f), "date");
    // No suggestions in plain text fields: Down moves on.
    press(&mut f, KeyCode::Down);
    assert_eq!(focus_key(&f), "time");
}

#[test]
fn tab_and_shift_tab_order() {
    let mut f = Form::new(FormKind::Call, today());
    let order = [
        "rep", "customer", "date", "time", "duration", "outcome", "note",
    ];
    for want in order.iter().skip(1) {
        press(&mut f, KeyCode::Tab);
        assert_eq!(focus_key(&f), *want);
    }
    press(&mut f, KeyCode::Tab);
    assert_eq!(focus_key(&f), "rep", "Tab wraps around");
    press(&mut f, KeyCode::BackTab);
    assert_eq!(focus_key(&f), "note");
    shift(&mut f, KeyCode::Tab);
    assert_eq!(focus_key(&f), "outcome");
    press(&mut f, KeyCode::Up);
    assert_eq!(focus_key(&f), "duration");
    assert!(!f.is_dirty(), "moving around changes nothing");
}

#[test]
fn every_form_has_the_fields_the_store_names() {
    let keys = |k| {
        Form::new(k, today())
            .fields
            .iter()
            .map(|f| f.key)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        keys(FormKind::Satisfaction),
        [
            "rep", "date", "score", "workload", "team", "manager", "pay", "comment"
        ]
    );
    assert_eq!(
        keys(FormKind::Plan),
        [
            "rep", "month", "revenue", "units", "calls", "meetings", "replace"
        ]
    );
    assert_eq!(keys(FormKind::Knowledge), ["rep", "date", "score"]);
    assert_eq!(keys(FormKind::Response), ["inquiry", "date", "time"]);
    let f = Form::new(FormKind::Plan, today());
    assert_eq!(f.value("month"), "2026-11");
    assert_eq!(Form::new(FormKind::Call, today()).value("date"), "today");
}

#[test]
fn esc_cancels_an_untouched_form_and_asks_on_a_touched_one() {
    let mut f = Form::new(FormKind::Meeting, today());
    press(&mut f, KeyCode::Tab);
    assert_eq!(press(&mut f, KeyCode::Esc), FormOutcome::Cancel);

    let mut f = Form::new(FormKind::Meeting, today());
    type_text(&mut f, "Ann");
    assert!(f.is_dirty());
    assert_eq!(press(&mut f, KeyCode::Esc), FormOutcome::Continue);
    assert!(f.confirm_discard);
    assert!(render(&f, Lang::En, 80, 24).contains("Discard what you typed?"));
    // Any other key keeps editing, and is handled.
    type_text(&mut f, "a");
    assert!(!f.confirm_discard);
    assert_eq!(f.value("rep"), "Anna");
    assert_eq!(press(&mut f, KeyCode::Esc), FormOutcome::Continue);
    assert_eq!(press(&mut f, KeyCode::Esc), FormOutcome::Cancel);

    // Typed and erased again: nothing to lose.
    let mut f = Form::new(FormKind::Knowledge, today());
    type_text(&mut f, "x");
    press(&mut f, KeyCode::Backspace);
    assert_eq!(press(&mut f, KeyCode::Esc), FormOutcome::Cancel);
}

#[test]
fn editing_keys_within_a_field() {
    let mut f = Form::new(FormKind::Call, today());
    for _ in 0..6 {
        press(&mut f, KeyCode::Tab);
    }
    assert_eq!(focus_key(&f), "note");
    type_text(&mut f, "Звонок ок");
    press(&mut f, KeyCode::Home);
    press(&mut f, KeyCode::Delete);
    type_text(&mut f, "з");
    press(&mut f, KeyCode::End);
    press(&mut f, KeyCode::Backspace);
    press(&mut f, KeyCode::Left);
    press(&mut f, KeyCode::Left);
    type_text(&mut f, "!");
    press(&mut f, KeyCode::Right);
    type_text(&mut f, "й");
    assert_eq!(f.value("note"), "звонок! йо");
    ctrl(&mut f, 'u');
    assert_eq!(f.value("note"), "");
    // Control characters never get in.
    type_text(&mut f, "a\u{1b}b");
    assert_eq!(f.value("note"), "ab");
}

#[test]
fn choices_and_checks() {
    let mut f = Form::new(FormKind::Call, today());
    while focus_key(&f) != "outcome" {
        press(&mut f, KeyCode::Tab);
    }
    assert_eq!(f.value("outcome"), "reached");
    press(&mut f, KeyCode::Right);
    assert_eq!(f.value("outcome"), "no_answer");
    press(&mut f, KeyCode::Left);
    press(&mut f, KeyCode::Left);
    assert_eq!(f.value("outcome"), "other", "cycles around");
    type_text(&mut f, "d");
    assert_eq!(f.value("outcome"), "deal_won");
    type_text(&mut f, "z");
    assert_eq!(f.value("outcome"), "deal_won", "no option starts with z");
    press(&mut f, KeyCode::Backspace);
    assert_eq!(f.value("outcome"), "deal_won");
    press(&mut f, KeyCode::Char(' '));
    assert_eq!(f.value("outcome"), "follow_up");

    let mut p = Form::new(FormKind::Plan, today());
    while focus_key(&p) != "replace" {
        press(&mut p, KeyCode::Tab);
    }
    press(&mut p, KeyCode::Char(' '));
    assert_eq!(p.value("replace"), "yes");
    let Entry::Plan(plan) = p.entry() else {
        panic!("a plan form builds a plan")
    };
    assert!(plan.replace);
    press(&mut p, KeyCode::Char(' '));
    assert_eq!(p.value("replace"), "");
}

#[test]
fn set_error_keeps_everything_and_moves_focus() {
    let mut f = Form::new(FormKind::Satisfaction, today());
    type_text(&mut f, "Anna Smirnova");
    press(&mut f, KeyCode::Tab);
    press(&mut f, KeyCode::Tab);
    type_text(&mut f, "11");
    for _ in 0..5 {
        press(&mut f, KeyCode::Tab);
    }
    type_text(&mut f, "устал, но доволен");
    let before: Vec<String> = f.fields.iter().map(|x| x.value.clone()).collect();
    let out = press(&mut f, KeyCode::Enter);
    assert!(matches!(out, FormOutcome::Save(Entry::Survey(ref s)) if s.score == "11"));
    f.set_error(&Validation::new("score", "11 is outside 1–10"));
    let after: Vec<String> = f.fields.iter().map(|x| x.value.clone()).collect();
    assert_eq!(before, after);
    assert_eq!(focus_key(&f), "score");
    assert!(f.has_error(2));
    let screen = render(&f, Lang::En, 80, 24);
    assert!(screen.contains("! Score: 11 is outside 1–10"), "{screen}");
    assert!(screen.contains("устал, но доволен"));
    // Fixing the field clears the mark.
    press(&mut f, KeyCode::Backspace);
    assert!(f.error.is_none());

    // A field the form does not have is still reported, by its key.
    let mut f = Form::new(FormKind::Call, today());
    f.set_error(&Validation::new("kind", "call or meeting"));
    assert_eq!(focus_key(&f), "rep");
    assert!(render(&f, Lang::En, 80, 24).contains("! kind: call or meeting"));
}

#[test]
fn entry_builds_the_store_struct() {
    let mut f = Form::new(FormKind::Call, today());
    type_text(&mut f, "boris");
    press(&mut f, KeyCode::Enter);
    type_text(&mut f, "north");
    press(&mut f, KeyCode::Enter);
    ctrl(&mut f, 'u');
    type_text(&mut f, "19.11.2026");
    press(&mut f, KeyCode::Tab);
    type_text(&mut f, "14:30");
    press(&mut f, KeyCode::Tab);
    type_text(&mut f, "1h30");
    press(&mut f, KeyCode::Tab);
    press(&mut f, KeyCode::Right);
    press(&mut f, KeyCode::Right);
    press(&mut f, KeyCode::Tab);
    type_text(&mut f, "перезвонить в пятницу");
    let FormOutcome::Save(entry) = press(&mut f, KeyCode::Enter) else {
        panic!("Enter saves")
    };
    assert_eq!(
        entry,
        Entry::Activity(NewActivity {
            kind: Some(ActivityKind::Call),
            rep: "Boris Petrov".into(),
            date: "19.11.2026".into(),
            time: "14:30".into(),
            duration: "1h30".into(),
            outcome: "meeting_set".into(),
            customer: "Northwind".into(),
            note: "перезвонить в пятницу".into(),
        })
    );

    let m = Form::new(FormKind::Meeting, today());
    let Entry::Activity(a) = m.entry() else {
        panic!("a meeting is an activity")
    };
    assert_eq!(a.kind, Some(ActivityKind::Meeting));
    assert_eq!(a.outcome, "held");
    assert_eq!(a.date, "today");
    assert_eq!(a.time, "");

    let mut r = Form::new(FormKind::Response, today());
    type_text(&mut r, "41");
    assert_eq!(
        r.entry(),
        Entry::Response(NewResponse {
            inquiry: "41".into(),
            date: "today".into(),
            ..NewResponse::default()
        })
    );
    let p = Form::new(FormKind::Plan, today());
    assert_eq!(
        p.entry(),
        Entry::Plan(NewPlan {
            month: "2026-11".into(),
            ..NewPlan::default()
        })
    );
}

#[test]
fn draft_round_trip() {
    let mut f = refused(FormKind::Satisfaction);
    f.on_key(
        KeyEvent::new(KeyCode::Char('ё'), KeyModifiers::NONE),
        REPS,
        &customers(),
    );
    let draft = f.draft();
    let json = serde_json::to_string(&draft).unwrap();
    let back: Draft = serde_json::from_str(&json).unwrap();
    assert_eq!(back, draft);
    let g = Form::from_draft(back, today()).unwrap();
    assert_eq!(g.kind, FormKind::Satisfaction);
    assert_eq!(g.draft(), draft);
    assert!(g.is_dirty());
    assert_eq!(g.entry(), f.entry());

    // A damaged draft does not break anything.
    let bad = Draft {
        kind: "call".into(),
        values: vec![
            ("outcome".into(), "exploded".into()),
            ("nonsense".into(), "x".into()),
            ("note".into(), "a\u{1b}[2Jb".into()),
        ],
    };
    let g = Form::from_draft(bad, today()).unwrap();
    assert_eq!(g.value("outcome"), "reached");
    assert_eq!(g.value("note"), "ab");
    assert!(
        Form::from_draft(
            Draft {
                kind: "spaceship".into(),
                values: vec![]
            },
            today()
        )
        .is_none()
    );
}

#[test]
fn cursor_is_a_reverse_video_cell() {
    let mut f = Form::new(FormKind::Knowledge, today());
    type_text(&mut f, "Ан");
    let buf = render_buffer(&f, Lang::En, 80, 24);
    let reversed: Vec<(u16, u16, String)> = (0..24)
        .flat_map(|y| (0..80).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            buf[(x, y)]
                .modifier
                .contains(ratatui::style::Modifier::REVERSED)
        })
        .map(|(x, y)| (x, y, buf[(x, y)].symbol().to_string()))
        .collect();
    // The focused label and the cursor cell after "Ан".
    assert!(reversed.iter().any(|r| r.2 == "R"), "{reversed:?}");
    let screen = render(&f, Lang::En, 80, 24);
    let row = screen.lines().position(|l| l.contains("› Rep")).unwrap() as u16;
    assert!(
        reversed.iter().any(|r| r.1 == row && r.2 == " "),
        "{reversed:?}"
    );
}

#[test]
fn long_values_scroll_to_keep_the_cursor_visible() {
    let mut f = Form::new(FormKind::Call, today());
    while focus_key(&f) != "note" {
        press(&mut f, KeyCode::Tab);
    }
    let long = "слово ".repeat(30) + "КОНЕЦ";
    type_text(&mut f, &long);
    let screen = render(&f, Lang::En, 80, 24);
    assert!(screen.contains("КОНЕЦ"), "{screen}");
    press(&mut f, KeyCode::Home);
    let screen = render(&f, Lang::En, 80, 24);
    assert!(!screen.contains("КОНЕЦ"));
    assert!(screen.contains("› Note       слово"), "{screen}");
}

#[test]
fn never_panics_at_any_size() {
    let mut forms: Vec<Form> = FormKind::ALL
        .into_iter()
        .map(|k| Form::new(k, today()))
        .collect();
    forms.extend(FormKind::ALL.into_iter().map(refused));
    let mut asking = refused(FormKind::Call);
    press(&mut asking, KeyCode::Esc);
    forms.push(asking);
    let mut picking = Form::new(FormKind::Satisfaction, today());
    type_text(&mut picking, "a");
    forms.push(picking);
    let mut wide = Form::new(FormKind::Knowledge, today());
    type_text(
        &mut wide,
        "漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字",
    );
    press(&mut wide, KeyCode::Left);
    forms.push(wide);
    for form in &forms {
        for w in (0..=200).step_by(7).chain([1, 2, 3, 79, 80, 81]) {
            for h in (0..=60).step_by(3).chain([1, 2, 5, 19, 20, 21]) {
                for lang in [Lang::En, Lang::Ru] {
                    render_buffer(form, lang, w, h);
                }
            }
        }
    }
}

#[test]
fn fits_the_board_body_at_80x24() {
    // The tallest form with its full suggestion list and a two-line message still shows
    // every field, the message and the keys inside the 80×20 body.
    let mut f = Form::new(FormKind::Satisfaction, today());
    type_text(&mut f, "a");
    f.message = Some("x".repeat(100));
    let screen = render(&f, Lang::En, 80, 24);
    for label in [
        "Rep", "Date", "Score", "Workload", "Team", "Manager", "Pay", "Comment",
    ] {
        assert!(screen.contains(label), "{label} missing:\n{screen}");
    }
    assert!(screen.contains("Esc cancel"), "{screen}");
    assert!(screen.contains("xxxxxxxx"), "{screen}");
}

#[test]
fn an_untouched_default_is_replaced_by_typing() {
    let mut f = Form::new(FormKind::Knowledge, today());
    press(&mut f, KeyCode::Tab);
    assert!(f.selected, "the default 'today' shows selected");
    type_text(&mut f, "вчера");
    assert_eq!(f.value("date"), "вчера");
    assert!(!f.selected);

    // Backspace clears the default at once; moving the cursor keeps it for editing.
    let mut p = Form::new(FormKind::Plan, today());
    press(&mut p, KeyCode::Tab);
    press(&mut p, KeyCode::Backspace);
    assert_eq!(p.value("month"), "");
    let mut p = Form::new(FormKind::Plan, today());
    press(&mut p, KeyCode::Tab);
    press(&mut p, KeyCode::Backspace);
    press(&mut p, KeyCode::Esc);
    assert!(p.confirm_discard);
    let mut p = Form::new(FormKind::Plan, today());
    press(&mut p, KeyCode::Tab);
    press(&mut p, KeyCode::End);
    press(&mut p, KeyCode::Backspace);
    type_text(&mut p, "2");
    assert_eq!(p.value("month"), "2026-12");
    // A value typed by hand is never replaced wholesale.
    press(&mut p, KeyCode::Tab);
    press(&mut p, KeyCode::BackTab);
    assert!(!p.selected);
    type_text(&mut p, "x");
    assert_eq!(p.value("month"), "2026-12x");
}

#[test]
fn picking_a_rep_clears_the_complaint_about_it() {
    let mut f = Form::new(FormKind::Knowledge, today());
    type_text(&mut f, "Zed");
    f.set_error(&Validation::new("rep", "unknown rep 'Zed'"));
    ctrl(&mut f, 'u');
    assert!(f.error.is_none());
    f.set_error(&Validation::new("rep", "unknown rep 'Zed'"));
    press(&mut f, KeyCode::End);
    assert!(f.error.is_some(), "moving the cursor is not a fix");
    press(&mut f, KeyCode::Tab);
    press(&mut f, KeyCode::BackTab);
    assert!(f.error.is_some());
    ctrl(&mut f, 'u');
    f.set_error(&Validation::new("rep", "a rep is required"));
    type_text(&mut f, "anna");
    f.set_error(&Validation::new("rep", "'anna' matches 2 reps"));
    press(&mut f, KeyCode::Enter);
    assert_eq!(f.value("rep"), "Anna Smirnova");
    assert_eq!(focus_key(&f), "date");
    assert!(f.error.is_none());
}
