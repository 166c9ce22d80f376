//! The Activity pane (#16–#18, #21 and the latest entries) and the Team pane (#31–#33):
//! snapshots at 80×24 and 160×48 in English and at 80×24 in Russian, real figures on
//! screen, flags, the cursor and the name filter.

mod common;
use common::*;
use ratatui::style::Modifier;
use salesboard::app::{Action, App, Pane};
use salesboard::format::{self, Lang};

#[test]
fn activity_80x24_en() {
    insta::assert_snapshot!(render(&app(Pane::Activity, Lang::En), 80, 24));
}

#[test]
fn activity_160x48_en() {
    insta::assert_snapshot!(render(&app(Pane::Activity, Lang::En), 160, 48));
}

#[test]
fn activity_80x24_ru() {
    insta::assert_snapshot!(render(&app(Pane::Activity, Lang::Ru), 80, 24));
}

#[test]
fn team_80x24_en() {
    insta::assert_snapshot!(render(&app(Pane::Team, Lang::En), 80, 24));
}

#[test]
fn team_160x48_en() {
    insta::assert_snapshot!(render(&app(Pane::Team, Lang::En), 160, 48));
}

#[test]
fn team_80x24_ru() {
    insta::assert_snapshot!(render(&app(Pane::Team, Lang::Ru), 80, 24));
}

/// The screen line that holds `name` in the rep table (the first one).
fn row<'a>(screen: &'a str, name: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.starts_with(name))
        .unwrap_or_else(|| panic!("no row for {name}\n{screen}"))
}

fn minutes(v: Option<f64>) -> String {
    v.map(|m| format!("{m:.0}")).unwrap_or_else(|| "—".into())
}

/// Whether the row on screen that starts with `name` is drawn highlighted.
fn highlighted(a: &App, name: &str) -> bool {
    let screen = render(a, 80, 24);
    let y = screen
        .lines()
        .position(|l| l.starts_with(name))
        .unwrap_or_else(|| panic!("no row for {name}\n{screen}"));
    let buf = render_buffer(a, 80, 24);
    buf[(0, y as u16)].modifier.contains(Modifier::REVERSED)
}

#[test]
fn activity_shows_each_reps_figures_and_the_scope_total() {
    let a = app(Pane::Activity, Lang::En);
    let r = a.report().unwrap();
    for (w, h) in [(80, 24), (160, 48)] {
        let screen = render(&a, w, h);
        let k = &r.total;
        let calls = format!(
            "Calls {} of {}",
            format::group(k.activity.calls.now, Lang::En),
            format::group(k.targets.calls.unwrap(), Lang::En)
        );
        assert!(screen.contains(&calls), "{calls}\n{screen}");
        let sla = format!(
            "SLA {} min: {} of {} over",
            k.activity.sla_minutes, k.activity.over_sla, k.activity.inquiries
        );
        assert!(screen.contains(&sla), "{sla}\n{screen}");
        for x in a.visible_reps() {
            let line = row(&screen, &x.rep.name);
            let ac = &x.kpis.activity;
            // In column order: calls %, meetings %, won per 100 calls, calls per win,
            // median and p90 minutes, contacts per customer.
            let want = [
                format::percent(ac.calls_attainment),
                format::percent(ac.meetings_attainment),
                format::decimal(ac.won_per_100_calls),
                ac.calls_per_won
                    .map(|v| format::group(v.round() as i64, Lang::En))
                    .unwrap_or_else(|| "—".into()),
                minutes(ac.response_median_min),
                minutes(ac.response_p90_min),
                format::decimal(ac.per_active_customer),
            ];
            let mut at = 0;
            for v in &want {
                let found = line[at..]
                    .find(v.as_str())
                    .unwrap_or_else(|| panic!("{v} after {at} in {line:?}"));
                at += found + v.len();
            }
            if ac.meetings_below_minimum {
                assert!(
                    line.contains("!█") || line.contains("!·"),
                    "below-minimum flag before the meetings gauge: {line}"
                );
            }
            if ac.over_sla > 0 {
                assert!(line.contains(&format!("!{}", ac.over_sla)), "{line}");
            }
            if w == 160 {
                let done = format!("{}/{}", ac.calls.now, x.kpis.targets.calls.unwrap());
                assert!(line.contains(&done), "{done} in {line}");
            }
        }
    }
}

#[test]
fn activity_lists_the_latest_entries_with_who_entered_them() {
    let a = app(Pane::Activity, Lang::En);
    let recent = &a.snapshot.as_ref().unwrap().recent;
    assert!(recent.len() > 10, "the seed types entries in");
    let small = render(&a, 80, 24);
    let big = render(&a, 160, 48);
    for (screen, n) in [(&small, 4), (&big, 25)] {
        for e in recent.iter().take(n) {
            let when = chrono::DateTime::from_timestamp(e.entered_at, 0)
                .unwrap()
                .with_timezone(&chrono::Local)
                .format("%d.%m %H:%M")
                .to_string();
            let by = e.entered_by.as_deref().unwrap();
            assert!(
                screen
                    .lines()
                    .any(|l| l.starts_with(&when) && l.contains(&e.rep) && l.contains(by)),
                "{when} {} {by}\n{screen}",
                e.rep
            );
        }
    }
    // Newest first: the first entry is above the second.
    let y = |e: &salesboard::model::EntryLine| {
        big.find(&format!("#{}", e.id))
            .unwrap_or_else(|| panic!("entry #{} on the wide screen", e.id))
    };
    assert!(y(&recent[0]) < y(&recent[1]));
}

#[test]
fn activity_shows_the_engines_few_wins_per_call_flag() {
    // The rule (under 3 per 100 calls, judged from 100 calls) is the KPI engine's; the
    // pane shows its flag.
    let mut a = app(Pane::Activity, Lang::En);
    let mut snap = (**a.snapshot.as_ref().unwrap()).clone();
    snap.report.reps[0].kpis.activity.calls.now = 150;
    snap.report.reps[0].kpis.activity.won_per_100_calls = Some(2.0);
    snap.report.reps[0].kpis.activity.few_wins_per_call = true;
    snap.report.reps[1].kpis.activity.calls.now = 99;
    snap.report.reps[1].kpis.activity.won_per_100_calls = Some(1.0);
    snap.report.reps[1].kpis.activity.few_wins_per_call = false;
    let (n0, n1) = (
        snap.report.reps[0].rep.name.clone(),
        snap.report.reps[1].rep.name.clone(),
    );
    snap.seq = a.seq;
    a.accept(snap);
    let screen = render(&a, 80, 24);
    assert!(row(&screen, &n0).contains("!2.0"), "{screen}");
    let l1 = row(&screen, &n1);
    assert!(l1.contains(" 1.0") && !l1.contains("!1.0"), "{l1}");
}

#[test]
fn activity_cursor_and_filter() {
    let mut a = app(Pane::Activity, Lang::En);
    let names: Vec<String> = a
        .visible_reps()
        .iter()
        .map(|x| x.rep.name.clone())
        .collect();
    assert!(highlighted(&a, &names[0]) && !highlighted(&a, &names[1]));
    a.update(Action::Down);
    assert!(!highlighted(&a, &names[0]) && highlighted(&a, &names[1]));

    // The filter narrows the table and the entries to the matching rep.
    let who = names[2].clone();
    a.filter = who.clone();
    let screen = render(&a, 160, 48);
    for n in &names {
        let shown = screen.lines().any(|l| l.contains(n.as_str()));
        assert_eq!(shown, *n == who, "{n}\n{screen}");
    }
    a.filter = "nobody by this name".into();
    assert!(render(&a, 80, 24).contains("No names match the filter."));
}

#[test]
fn team_shows_each_reps_scores_flags_and_bonus() {
    let a = app(Pane::Team, Lang::En);
    let r = a.report().unwrap();
    let p = &r.total.people;
    for (w, h) in [(80, 24), (160, 48)] {
        let screen = render(&a, w, h);
        let avg = format!(
            "Satisfaction {} (prev {})",
            format::decimal(p.satisfaction),
            format::decimal(p.satisfaction_prev)
        );
        assert!(screen.contains(&avg), "{avg}\n{screen}");
        assert!(
            screen.contains(&format!("! {} at burnout risk", p.burnout_risk)),
            "{screen}"
        );
        let mut flagged = 0;
        for x in a.visible_reps() {
            let line = row(&screen, &x.rep.name);
            let pe = &x.kpis.people;
            let last = |v: &[i64]| v.last().map(|s| s.to_string()).unwrap();
            let want = [
                last(&x.satisfaction_history),
                format!("{}%", last(&x.knowledge_history)),
                format::percent(x.kpis.composite.score),
                format!("×{:.2}", x.kpis.composite.bonus_coefficient.unwrap()),
            ];
            let mut at = 0;
            for v in &want {
                let found = line[at..]
                    .find(v.as_str())
                    .unwrap_or_else(|| panic!("{v} after {at} in {line:?}"));
                at += found + v.len();
            }
            assert_eq!(
                line.contains("! burnout risk"),
                pe.burnout_risk > 0,
                "{line}"
            );
            flagged += usize::from(pe.burnout_risk > 0);
        }
        assert_eq!(flagged as i64, p.burnout_risk);
        // Every team of the scope has its row with its average.
        for t in &r.teams {
            let line = screen
                .lines()
                .find(|l| l.trim_start().starts_with(&t.team.name))
                .unwrap_or_else(|| panic!("{}\n{screen}", t.team.name));
            let s = format::decimal(t.kpis.people.satisfaction);
            assert!(line.contains(&s), "{s} in {line}");
        }
    }
}

#[test]
fn team_flags_knowledge_under_the_minimum() {
    let mut a = app(Pane::Team, Lang::En);
    let mut snap = (**a.snapshot.as_ref().unwrap()).clone();
    let x = &mut snap.report.reps[3];
    x.kpis.people.knowledge = Some(65.0);
    x.kpis.people.knowledge_below_min = 1;
    x.knowledge_history.push(65);
    let name = x.rep.name.clone();
    snap.report.total.people.knowledge_below_min = 1;
    snap.seq = a.seq;
    a.accept(snap);
    let screen = render(&a, 80, 24);
    assert!(row(&screen, &name).contains("!65%"), "{screen}");
    assert!(screen.contains("! 1 under 70%"), "{screen}");
    let others = a
        .visible_reps()
        .iter()
        .filter(|x| x.rep.name != name)
        .all(|x| {
            let l = row(&screen, &x.rep.name);
            !l.char_indices()
                .any(|(i, c)| c == '!' && l[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
        });
    assert!(others, "{screen}");
}

#[test]
fn team_cursor_and_filter() {
    let mut a = app(Pane::Team, Lang::Ru);
    let names: Vec<String> = a
        .visible_reps()
        .iter()
        .map(|x| x.rep.name.clone())
        .collect();
    a.update(Action::Bottom);
    assert!(highlighted(&a, names.last().unwrap()));
    assert!(!highlighted(&a, &names[0]));
    a.update(Action::Up);
    assert!(highlighted(&a, &names[names.len() - 2]));

    a.filter = "Москва".into();
    let shown: Vec<String> = a
        .visible_reps()
        .iter()
        .map(|x| x.rep.name.clone())
        .collect();
    assert!(!shown.is_empty() && shown.len() < names.len());
    let screen = render(&a, 80, 24);
    for n in &names {
        assert_eq!(
            screen.lines().any(|l| l.starts_with(n.as_str())),
            shown.contains(n),
            "{n}\n{screen}"
        );
    }
    a.filter = "никого".into();
    assert!(render(&a, 80, 24).contains("Нет имён по фильтру."));
}

#[test]
fn both_panes_survive_any_size() {
    for pane in [Pane::Activity, Pane::Team] {
        for lang in [Lang::En, Lang::Ru] {
            let a = app(pane, lang);
            for w in [
                64u16, 70, 79, 80, 99, 100, 119, 120, 139, 140, 149, 150, 200,
            ] {
                for h in [18u16, 20, 24, 30, 48] {
                    render(&a, w, h);
                }
            }
        }
    }
}
