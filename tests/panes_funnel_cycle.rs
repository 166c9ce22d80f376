//! Snapshot and behaviour tests of the Funnel (#5, #8–#13) and Cycle (#14, #15, #23)
//! panes at 80×24 and 160×48, in English and Russian.

mod common;
use common::*;
use salesboard::app::{Action, Pane};
use salesboard::format::{self, Lang};

/// The screen line holding `needle` (the first one).
fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{screen}"))
}

/// The table row of a rep (it starts with the name).
fn row_of<'a>(screen: &'a str, name: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.starts_with(name))
        .unwrap_or_else(|| panic!("no row for {name:?} in\n{screen}"))
}

#[test]
fn funnel_80x24_en() {
    insta::assert_snapshot!(render(&app(Pane::Funnel, Lang::En), 80, 24));
}

#[test]
fn funnel_160x48_en() {
    insta::assert_snapshot!(render(&app(Pane::Funnel, Lang::En), 160, 48));
}

#[test]
fn funnel_80x24_ru() {
    insta::assert_snapshot!(render(&app(Pane::Funnel, Lang::Ru), 80, 24));
}

#[test]
fn funnel_shows_the_scope_figures() {
    for (w, h) in [(80, 24), (160, 48)] {
        let a = app(Pane::Funnel, Lang::En);
        let k = &a.report().unwrap().total;
        let screen = render(&a, w, h);
        let fu = &k.funnel;
        // Every stage with the deals of the cohort that reached it, and the step's rate.
        for s in &fu.stages {
            let l = screen
                .lines()
                .find(|l| l.starts_with(&format!("{} ", s.to)))
                .unwrap_or_else(|| panic!("no {} row\n{screen}", s.to));
            assert!(l.contains(&s.reached_to.to_string()), "{l}");
            if w == 80 {
                // The stage block is the left 28 columns.
                let block: String = l.chars().take(28).collect();
                assert!(block.trim_end().ends_with(&format::percent(s.rate)), "{l}");
            } else {
                assert!(screen.contains(&format!("↓ {} moved on", format::percent(s.rate))));
            }
        }
        let l = line_with(&screen, "Lead → opportunity");
        assert!(l.contains(&format::percent(fu.lead_to_opportunity)), "{l}");
        assert!(
            l.contains(&format!("{} of {}", fu.qualified, fu.leads)),
            "{l}"
        );
        let l = line_with(&screen, "Opportunity → win");
        assert!(l.contains(&format::percent(fu.opportunity_to_win)), "{l}");
        assert!(l.contains(&format!("{} won, {} lost", fu.closed_won, fu.closed_lost)));
        let l = line_with(&screen, "Lead conversion");
        assert!(l.contains(&format::percent(fu.lead_conversion)), "{l}");
        let pl = &k.pipeline;
        let l = line_with(&screen, "Open opportunities");
        assert!(
            l.contains(&format!(" {} ", pl.open_opportunities.now)),
            "{l}"
        );
        assert!(
            l.contains(&format!("prev {}", pl.open_opportunities.prev)),
            "{l}"
        );
        let l = line_with(&screen, "Pipeline value");
        assert!(l.contains(&format::change(pl.value_change)), "{l}");
        let l = line_with(&screen, "New opportunities/day");
        assert!(
            l.contains(&format::decimal(pl.new_per_day.now))
                && l.contains(&format!("prev {}", format::decimal(pl.new_per_day.prev))),
            "{l}"
        );
        let l = line_with(&screen, "Forecast ");
        assert!(
            l.contains(&format!(
                "{} of target",
                format::percent(pl.forecast_vs_target)
            )),
            "{l}"
        );
        // Open deals per score: count and value.
        for b in &pl.by_score {
            assert!(screen.contains(&format!("{}★", b.score)), "{screen}");
        }
        if w == 160 {
            for b in &pl.by_score {
                let l = line_with(&screen, &format!("{}★ ", b.score));
                assert!(l.contains(&format::money(b.value, "RUB", Lang::En)), "{l}");
            }
            assert!(screen.contains(&format::money(pl.value.now, "RUB", Lang::En)));
        }
    }
}

#[test]
fn funnel_rep_rows_follow_the_cursor_and_the_filter() {
    let mut a = app(Pane::Funnel, Lang::En);
    let reps: Vec<String> = a
        .visible_reps()
        .iter()
        .map(|x| x.rep.name.clone())
        .collect();
    let second = &a.visible_reps()[1];
    let k = &second.kpis;
    let expect = format::percent(k.funnel.lead_to_opportunity);
    let screen = render(&a, 80, 24);
    let row = row_of(&screen, &reps[1]);
    assert!(row.contains(&expect), "{row}");
    assert!(row.contains(&format!(" {} ", k.funnel.leads)), "{row}");
    let before = render_buffer(&a, 80, 24);
    a.update(Action::Down);
    assert_eq!(a.cursor, 1);
    let after = render_buffer(&a, 80, 24);
    assert_ne!(before, after, "the highlight moves");
    // A warning "!" marks a rep whose win rate is low.
    for x in a.visible_reps() {
        let row = row_of(&screen, &x.rep.name).to_string();
        let flagged = row.contains(&format!(
            "!{}",
            format::percent(x.kpis.funnel.opportunity_to_win)
        ));
        assert_eq!(flagged, x.kpis.funnel.win_rate_low, "{row}");
    }
    a.filter = reps[2].split_whitespace().last().unwrap().to_string();
    let screen = render(&a, 80, 24);
    assert!(screen.contains(&reps[2]), "{screen}");
    assert!(!screen.contains(&reps[0]), "{screen}");
    a.filter = "nobody-by-that-name".into();
    assert!(render(&a, 80, 24).contains("No names match the filter."));
}

#[test]
fn cycle_80x24_en() {
    insta::assert_snapshot!(render(&app(Pane::Cycle, Lang::En), 80, 24));
}

#[test]
fn cycle_160x48_en() {
    insta::assert_snapshot!(render(&app(Pane::Cycle, Lang::En), 160, 48));
}

#[test]
fn cycle_80x24_ru() {
    insta::assert_snapshot!(render(&app(Pane::Cycle, Lang::Ru), 80, 24));
}

#[test]
fn cycle_shows_each_reps_cycle_against_the_team() {
    for (w, h) in [(80, 24), (160, 48)] {
        let a = app(Pane::Cycle, Lang::En);
        let r = a.report().unwrap();
        let screen = render(&a, w, h);
        for x in a.visible_reps() {
            let c = &x.kpis.cycle;
            let row = row_of(&screen, &x.rep.name);
            assert!(row.contains(&format::decimal(c.mean_days)), "{row}");
            assert!(row.contains(&format::decimal(c.median_days)), "{row}");
            // Slow reps are flagged next to their change against the team.
            let vs = format::change(c.vs_baseline);
            assert_eq!(row.contains(&format!("!{vs}")), c.slow, "{row}");
            assert!(row.contains(&vs), "{row}");
            // The gauge marks the team mean and the slow threshold on every rep's row.
            if c.baseline_days.is_some() && c.mean_days.is_some() {
                assert!(row.contains('│') && row.contains('┆'), "{row}");
            }
            let cu = &x.kpis.customers;
            let tail = format!(
                "{} {}/{}",
                format::percent(cu.churn_after_sale),
                cu.churned_after_sale,
                cu.sold
            );
            let squeezed = row.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(squeezed.contains(&tail), "{row}");
            if c.slow {
                assert!(
                    screen.contains("may need coaching") || screen.contains("May need coaching")
                );
            }
        }
        // The scope's time in stage and cycle.
        let k = &r.total;
        for s in &k.cycle.time_in_stage {
            let l = screen
                .lines()
                .find(|l| {
                    l.starts_with(&format!("{} ", s.stage))
                        || l.contains(&format!("  {} ", s.stage))
                })
                .unwrap_or_else(|| panic!("no {} line\n{screen}", s.stage));
            assert!(l.contains(&format::decimal(s.mean_days)), "{l}");
        }
        assert!(
            screen.contains(&format!(
                "{} · {}",
                format::decimal(k.cycle.mean_days),
                format::decimal(k.cycle.median_days)
            )) || screen.contains(&format!(
                "mean {} · median {}",
                format::decimal(k.cycle.mean_days),
                format::decimal(k.cycle.median_days)
            )),
            "{screen}"
        );
        assert!(screen.contains(&format::percent(k.customers.churn_after_sale)));
    }
}

#[test]
fn cycle_cursor_moves_and_the_side_panel_follows_it() {
    let mut a = app(Pane::Cycle, Lang::En);
    let names: Vec<String> = a
        .visible_reps()
        .iter()
        .map(|x| x.rep.name.clone())
        .collect();
    let before = render_buffer(&a, 80, 24);
    a.update(Action::Down);
    a.update(Action::Down);
    assert_eq!(a.cursor, 2);
    assert_ne!(before, render_buffer(&a, 80, 24));
    // On a wide screen the selected rep's time in stage sits under the scope's.
    let screen = render(&a, 160, 48);
    let short: String = names[2].chars().take(5).collect();
    let own = a.visible_reps()[2].kpis.cycle.time_in_stage[0].mean_days;
    // The side panel: the right 46 columns.
    let side: Vec<String> = screen
        .lines()
        .map(|l| l.chars().skip(160 - 46).collect())
        .collect();
    let l = side
        .iter()
        .find(|l| l.starts_with(&short) && l.contains('×'))
        .unwrap_or_else(|| panic!("no selected rep's stage row\n{screen}"));
    assert!(l.contains(&format::decimal(own)), "{l}");
    a.filter = "zzz".into();
    assert!(render(&a, 80, 24).contains("No names match the filter."));
}
