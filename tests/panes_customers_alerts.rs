//! Snapshot and behaviour tests of the Customers and Alerts panes, at 80×24 and 160×48,
//! in English and Russian.

mod common;
use common::*;
use salesboard::app::{Action, Pane};
use salesboard::format::{self, Lang};
use salesboard::ui::widgets::money_short;

#[test]
fn customers_80x24_en() {
    insta::assert_snapshot!(render(&app(Pane::Customers, Lang::En), 80, 24));
}

#[test]
fn customers_160x48_en() {
    insta::assert_snapshot!(render(&app(Pane::Customers, Lang::En), 160, 48));
}

#[test]
fn customers_80x24_ru() {
    insta::assert_snapshot!(render(&app(Pane::Customers, Lang::Ru), 80, 24));
}

/// Every customer KPI of the scope is on the 80×24 screen with its real value.
#[test]
fn customers_shows_the_scope_figures_at_80x24() {
    let a = app(Pane::Customers, Lang::En);
    let screen = render(&a, 80, 24);
    let r = a.report().unwrap();
    let k = &r.total;
    let c = &k.customers;
    let m = |v: i64| money_short(v, &r.currency, Lang::En);
    let expected = [
        format::change(k.growth),
        m(c.arpu.unwrap()),
        m(c.arpu_monthly.unwrap()),
        m(c.cac.unwrap()),
        m(c.ltv.unwrap()),
        format!("LTV:CAC {:.1}", c.ltv_to_cac.unwrap()),
        format!(
            "{} · {} of {}",
            format::percent(c.churn_rate),
            c.churned,
            c.active_at_start
        ),
        format!(
            "{} · {} of {}",
            format::percent(c.churn_after_sale),
            c.churned_after_sale,
            c.sold
        ),
        format!(
            "{} · {} of revenue",
            c.repeat_customers,
            format::percent(c.repeat_revenue_share)
        ),
        format!("{} of revenue", format::percent(k.upsell_cross_sell_share)),
        m(k.average_unit_price.now.unwrap()),
        m(k.receivables.outstanding),
        m(k.receivables.overdue),
    ];
    for e in expected {
        assert!(screen.contains(&e), "missing {e:?}\n{screen}");
    }
    // The receivables total row: outstanding, overdue, invoices, max days.
    let rv = &k.receivables;
    let total = screen
        .lines()
        .find(|l| l.starts_with("Σ "))
        .expect("a total row");
    // The product table shares the line right of the bar: take the receivables' columns.
    let left = total.split('│').next().unwrap();
    let words: Vec<&str> = left.split_whitespace().collect();
    assert!(
        words.ends_with(&[
            &m(rv.outstanding),
            &format!("!{}", m(rv.overdue)),
            &rv.overdue_invoices.to_string(),
            &rv.max_days_overdue.to_string(),
        ]),
        "{total}"
    );
    // A location, a campaign's ROI and a product line's unit price.
    let loc = &r.locations[0];
    let loc_line = screen
        .lines()
        .find(|l| l.contains(&loc.name.chars().take(5).collect::<String>()))
        .expect("the first location");
    assert!(
        loc_line.contains(&format::percent(loc.attainment)),
        "{loc_line}"
    );
    let camp = &r.campaigns[0];
    assert!(screen.contains(&format::percent(camp.roi)), "{screen}");
    assert!(screen.contains(&m(camp.incremental)), "{screen}");
    let prod = &r.products[0];
    assert!(
        screen.contains(&m(prod.average_unit_price.now.unwrap())),
        "{screen}"
    );
}

/// The highlighted row is the cursor's rep; the filter narrows the receivables list.
#[test]
fn customers_cursor_and_filter_move_over_reps() {
    let mut a = app(Pane::Customers, Lang::En);
    let buf = render_buffer(&a, 80, 24);
    let first = a.visible_reps()[0].rep.name.clone();
    let second = a.visible_reps()[1].rep.name.clone();
    assert_eq!(
        highlighted(&buf).as_deref().map(|l| l.contains(&first)),
        Some(true)
    );
    a.update(Action::Down);
    let buf = render_buffer(&a, 80, 24);
    let row = highlighted(&buf).expect("a highlighted row");
    assert!(row.contains(&second), "{row}");
    a.update(Action::Open);
    assert!(render(&a, 80, 24).contains(&second));

    let mut a = app(Pane::Customers, Lang::En);
    let last = a.visible_reps().last().unwrap().rep.name.clone();
    a.filter = first.split_whitespace().next().unwrap().into();
    let screen = render(&a, 80, 24);
    assert!(screen.contains(&first), "{screen}");
    assert!(!screen.contains(&last), "{screen}");
    a.filter = "zzz-nobody".into();
    assert!(render(&a, 80, 24).contains("No names match the filter."));
}

/// The text of the first row drawn in reverse video (the cursor's row).
fn highlighted(buf: &ratatui::buffer::Buffer) -> Option<String> {
    use ratatui::style::Modifier;
    (0..buf.area.height).find_map(|y| {
        let cells: Vec<_> = (0..buf.area.width).map(|x| &buf[(x, y)]).collect();
        let on: String = cells
            .iter()
            .filter(|c| c.modifier.contains(Modifier::REVERSED))
            .map(|c| c.symbol())
            .collect();
        // The tab bar and header are reversed too; a row has its name under the cursor.
        (y > 2 && on.trim().len() > 10).then_some(on)
    })
}

#[test]
fn alerts_80x24_en() {
    insta::assert_snapshot!(render(&app(Pane::Alerts, Lang::En), 80, 24));
}

#[test]
fn alerts_160x48_en() {
    insta::assert_snapshot!(render(&app(Pane::Alerts, Lang::En), 160, 48));
}

#[test]
fn alerts_80x24_ru() {
    insta::assert_snapshot!(render(&app(Pane::Alerts, Lang::Ru), 80, 24));
}

/// Counts by kind match the report, every rep with an alert is listed, and the Russian
/// screen carries no English sentence.
#[test]
fn alerts_count_by_kind_and_speak_russian() {
    use std::collections::BTreeMap;
    let a = app(Pane::Alerts, Lang::En);
    let alerts = &a.report().unwrap().alerts;
    assert!(!alerts.is_empty());
    let screen = render(&a, 160, 48);
    assert!(
        screen.contains(&format!("! {} alerts:", alerts.len())),
        "{screen}"
    );
    let mut counts: BTreeMap<_, usize> = BTreeMap::new();
    for x in alerts {
        *counts.entry(x.kind).or_default() += 1;
    }
    let behind = counts[&salesboard::kpi::AlertKind::BehindPace];
    assert!(
        screen.contains(&format!("behind pace {behind}")),
        "{screen}"
    );
    for x in alerts {
        let name = x.rep.clone().unwrap();
        assert!(screen.contains(&name), "{name}\n{screen}");
    }
    // The newest alert is the first row, with its local time.
    let at = chrono::DateTime::from_timestamp(alerts[0].at, 0)
        .unwrap()
        .with_timezone(&chrono::Local)
        .format("%d.%m %H:%M")
        .to_string();
    let first_row = screen
        .lines()
        .find(|l| l.contains(" ! ") && !l.contains("alerts:"))
        .unwrap();
    assert!(first_row.starts_with(&at), "{first_row}");

    let ru = render(&app(Pane::Alerts, Lang::Ru), 160, 48);
    for english in [
        "behind",
        "meetings",
        "inquiries",
        "overdue",
        "of target",
        "alerts",
    ] {
        assert!(
            !ru.contains(english),
            "{english:?} on the Russian screen\n{ru}"
        );
    }
    assert!(ru.contains("отставание от темпа"), "{ru}");
}

#[test]
fn alerts_cursor_opens_the_rep_and_filter_narrows() {
    let mut a = app(Pane::Alerts, Lang::En);
    a.update(Action::Down);
    a.update(Action::Down);
    let target = a.visible_alerts()[2].clone();
    let buf = render_buffer(&a, 80, 24);
    let row = highlighted(&buf).expect("a highlighted row");
    assert!(row.contains(target.rep.as_deref().unwrap()), "{row}");
    a.update(Action::Open);
    assert_eq!(
        a.overlay,
        salesboard::app::Overlay::Card {
            rep: target.rep_id.unwrap(),
            scroll: 0
        }
    );

    let mut a = app(Pane::Alerts, Lang::En);
    let name = target.rep.unwrap();
    a.filter = name.clone();
    let n = a.visible_alerts().len();
    assert!(n < a.report().unwrap().alerts.len());
    let screen = render(&a, 80, 24);
    assert!(screen.contains(&format!("! {n} alert")), "{screen}");
    a.filter = "zzz-nobody".into();
    assert!(render(&a, 80, 24).contains("No alerts match the filter."));
}

#[test]
fn alerts_empty_says_so() {
    let mut a = app(Pane::Alerts, Lang::En);
    let mut snap = (**a.snapshot.as_ref().unwrap()).clone();
    snap.report.alerts.clear();
    snap.seq = a.seq;
    a.accept(snap);
    assert!(render(&a, 80, 24).contains("✓ nothing to warn about"));
    a.lang = Lang::Ru;
    assert!(render(&a, 80, 24).contains("✓ поводов для тревоги нет"));
}
