//! No data is not zero: on a database holding only deals — a CRM export loaded with
//! `import`, with no cost of goods, plans, calls, surveys, tests, campaigns, invoices,
//! inquiries or stage history — no figure on any pane, on the rep card or in
//! `report --format json` claims 0 %, 100 % or ✓ for a KPI whose source rows are absent;
//! such KPIs show "—" (JSON `null`) and say why.

#[path = "common/mod.rs"]
mod common;
#[path = "common/crm.rs"]
mod crm;

use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use salesboard::app::{App, Overlay, Pane, Request, poller};
use salesboard::format::Lang;
use salesboard::kpi::{AlertKind, CATALOGUE, Source};
use salesboard::period::{Period, PeriodKind};
use salesboard::store::{Access, Store};
use salesboard::ui::{self, theme::Theme};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::OnceLock;

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_salesboard"))
}

/// The imported export (built once for every test here).
fn db() -> &'static PathBuf {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = crm::database(dir.path(), &bin());
        if let Some(keep) = std::env::var_os("SALESBOARD_KEEP_CRM") {
            std::fs::copy(&db, keep).unwrap();
        }
        (dir, db)
    })
    .1
}

/// The kinds of rows the export does not have.
const ABSENT: [Source; 10] = [
    Source::StageHistory,
    Source::CostOfGoods,
    Source::Plans,
    Source::Activities,
    Source::Surveys,
    Source::Tests,
    Source::AcquisitionCost,
    Source::Inquiries,
    Source::Invoices,
    Source::ChurnDates,
];

fn report(args: &[&str]) -> Value {
    let out = std::process::Command::new(bin())
        .env("SALESBOARD_CONFIG", "/nonexistent")
        .env("TZ", "UTC")
        .arg("--db")
        .arg(db())
        .args(["report", "--format", "json", "--at", "2026-11-20"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn at<'a>(v: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(v, |v, p| &v[p])
}

/// Every number and flag under `v` is null.
fn all_null(v: &Value) -> bool {
    match v {
        Value::Number(_) | Value::Bool(_) => false,
        Value::Array(a) => a.iter().all(all_null),
        Value::Object(m) => m.values().all(all_null),
        _ => true,
    }
}

#[test]
fn every_kpi_that_needs_an_absent_kind_of_rows_is_null_in_json_and_says_why() {
    for r in [report(&[]), report(&["--period", "quarter"])] {
        let mut scopes = vec![("total".to_string(), &r["total"])];
        for t in r["teams"].as_array().unwrap() {
            scopes.push((format!("team {}", t["team"]["name"]), &t["kpis"]));
        }
        for x in r["reps"].as_array().unwrap() {
            scopes.push((format!("rep {}", x["rep"]["name"]), &x["kpis"]));
        }
        assert!(scopes.len() > 10);
        for (who, k) in scopes {
            for def in CATALOGUE {
                let lacks: Vec<&Source> = def.needs.iter().filter(|s| ABSENT.contains(s)).collect();
                let listed = &k["no_data"][def.key];
                if lacks.is_empty() {
                    continue;
                }
                assert!(
                    listed.is_array(),
                    "{who}: {} needs {lacks:?} but is not in no_data: {}",
                    def.key,
                    k["no_data"]
                );
                for s in lacks {
                    assert!(
                        listed.as_array().unwrap().contains(&Value::from(s.key())),
                        "{who}: {} does not name {s:?} in no_data",
                        def.key
                    );
                }
                for path in def.paths {
                    let first = path.split(".*").next().unwrap();
                    assert!(
                        all_null(at(k, first)),
                        "{who}: {} is blind but {path} = {}",
                        def.key,
                        at(k, first)
                    );
                }
            }
            // The figures the issue names, one by one.
            for path in [
                "margin",
                "profit",
                "targets.revenue",
                "revenue_attainment",
                "pace.behind",
                "activity.meetings_below_minimum",
                "activity.calls.now",
                "people.burnout_risk",
                "people.knowledge_below_min",
                "customers.cac",
                "customers.acquisition_cost",
                "customers.ltv",
                "cycle.time_in_stage.0.mean_days",
                "receivables.overdue",
            ] {
                assert!(at(k, path).is_null(), "{who}: {path} = {}", at(k, path));
            }
            // Lost deals that do not say where they were lost: no win rate at all rather
            // than a confident 100 %.
            if k["funnel"]["closed_won"].is_number()
                || k["no_data"]["opportunity_to_win"].is_array()
            {
                assert!(k["funnel"]["opportunity_to_win"].is_null(), "{who}");
            }
            // Stages no deal used are skipped, not "100 % moved on".
            let stages = k["funnel"]["stages"].as_array().unwrap();
            for s in stages {
                if ["proposal", "negotiation"].contains(&s["to"].as_str().unwrap())
                    || ["proposal", "negotiation"].contains(&s["from"].as_str().unwrap())
                {
                    assert!(
                        s["skipped"] == Value::Bool(true) || s["skipped"].is_null(),
                        "{who}: {s}"
                    );
                    assert!(s["rate"].is_null(), "{who}: {s}");
                }
            }
            // Repeat customers and their share agree.
            let share = k["customers"]["repeat_revenue_share"].as_f64();
            let count = k["customers"]["repeat_customers"].as_i64();
            if share.is_some_and(|s| s > 0.0) {
                assert!(
                    count.is_some_and(|c| c > 0),
                    "{who}: {share:?} of revenue from {count:?}"
                );
            }
        }
        // What the export does have is shown.
        assert!(r["total"]["revenue"]["now"].as_i64().unwrap() > 0);
        assert!(r["total"]["average_deal"]["now"].as_i64().unwrap() > 0);
        assert!(r["total"]["cycle"]["mean_days"].as_f64().unwrap() > 0.0);
    }
}

/// The board's snapshot of November on the export.
fn app(pane: Pane, lang: Lang) -> App {
    let today = common::today();
    app_on(
        db(),
        Period::containing(PeriodKind::Month, today),
        today,
        pane,
        lang,
    )
}

fn app_on(db: &std::path::Path, period: Period, today: NaiveDate, pane: Pane, lang: Lang) -> App {
    let mut store = Store::open(db, Access::ReadOnly).unwrap();
    let snap = poller::compute(
        &mut store,
        Request {
            seq: 1,
            period,
            open_latest: false,
            team: None,
        },
        today,
    )
    .unwrap();
    let now = salesboard::period::day_start(&chrono::Local, today) + 14 * 3600;
    let mut app = App::new(lang, Theme::plain(), "crm.db".into(), false, today, now);
    app.request();
    app.accept(snap);
    app.pane = pane;
    app
}

fn render(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::draw(f, app)).unwrap();
    t.backend().to_string()
}

#[test]
fn no_pane_claims_a_figure_its_data_cannot_give() {
    // What a confident but untrue screen would say on this data (the examples).
    let claims = [
        "margin 100%",
        "маржа 100%",
        "100% moved on",
        "100% перешли",
        "✓ Meetings above",
        "✓ Встречи выше",
        "✓ no burnout",
        "✓ риска выгорания нет",
        "✓ none under",
        "✓ никого ниже",
        "✓ no risk",
        "✓ нет риска",
        "✓ on pace",
        "✓ в темпе",
        "CAC $0",
        "of $0",
        "из 0 $",
        "0 of 0",
        "0 из 0",
        "✓ nothing to warn about",
        "✓ поводов для тревоги нет",
        "✓ замечаний нет",
        "— of target",
        "— плана",
    ];
    for lang in [Lang::En, Lang::Ru] {
        for pane in Pane::ALL {
            for (w, h) in [(80, 24), (200, 50)] {
                let a = app(pane, lang);
                let screen = render(&a, w, h);
                for c in claims {
                    assert!(
                        !screen.contains(c),
                        "{pane:?} {lang:?} {w}×{h} claims {c:?}:\n{screen}"
                    );
                }
                // The capped lifetime is never passed off as data.
                for (lifetime, cap) in [("lifetime", "cap"), ("срок жизни", "предел")]
                {
                    if screen.contains(lifetime) {
                        assert!(screen.contains(cap), "{pane:?} {lang:?}:\n{screen}");
                    }
                }
            }
        }
        // The rep card: every blind KPI reads "—" and says why.
        let mut a = app(Pane::Plan, lang);
        let rep = a.report().unwrap().reps[0].rep.id;
        a.overlay = Overlay::Card { rep, scroll: 0 };
        let mut text = String::new();
        for scroll in 0..6u16 {
            a.overlay = Overlay::Card {
                rep,
                scroll: scroll * 18,
            };
            text.push_str(&render(&a, 120, 40));
        }
        let why = match lang {
            Lang::En => [
                "— no cost of goods",
                "— no plan for this period",
                "— no calls or meetings",
            ],
            Lang::Ru => [
                "— нет себестоимости",
                "— нет плана на период",
                "— звонки и встречи не записаны",
            ],
        };
        for w in why {
            assert!(
                text.contains(w),
                "{lang:?}: the card does not say {w:?}:\n{text}"
            );
        }
        let not_judged = match lang {
            Lang::En => "not judged, no data",
            Lang::Ru => "не проверено, нет данных",
        };
        assert!(text.contains(not_judged), "{lang:?}:\n{text}");
        for c in claims {
            assert!(!text.contains(c), "the card claims {c:?}:\n{text}");
        }
        // A blank figure never stands without its reason ("— (— a month)").
        assert!(!text.contains("— (—"), "{lang:?}: a bare —:\n{text}");
        // The data overlay names every absent kind.
        let mut a = app(Pane::Plan, lang);
        a.overlay = Overlay::Data { scroll: 0 };
        let lines = overlay_lines(&a);
        for s in [
            Source::Plans,
            Source::CostOfGoods,
            Source::Activities,
            Source::Surveys,
        ] {
            assert!(
                lines
                    .iter()
                    .any(|l| l.starts_with("— ") && l.contains(s.label(lang))),
                "{lang:?}: {s:?} not listed as missing: {lines:#?}"
            );
        }
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("✓ ") && l.contains(Source::Deals.label(lang)))
        );
        overlay_marks_are_earned(&lines, lang);
    }
}

fn overlay_lines(a: &App) -> Vec<String> {
    salesboard::ui::data::lines(a)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect()
}

/// A ✓ needs rows behind it; "!" is for gaps only, not for kinds that are on some rows
/// by nature (churn dates, scores, kinds other than new).
fn overlay_marks_are_earned(lines: &[String], lang: Lang) {
    for l in lines {
        assert!(
            !(l.starts_with("✓ ") && l.ends_with(" 0")),
            "{lang:?}: a ✓ with nothing behind it: {l}"
        );
    }
    for s in Source::ALL {
        let label = s.label(lang);
        let marked_partial = lines.iter().any(|l| {
            l.strip_prefix("! ")
                .and_then(|rest| rest.strip_prefix(label))
                .is_some_and(|rest| rest.starts_with(' '))
        });
        assert!(
            !marked_partial || s.partial_is_a_gap(),
            "{lang:?}: {s:?} is on some rows by nature, not a gap: {lines:#?}"
        );
    }
}

#[test]
fn the_data_overlay_marks_only_evidence_and_gaps_on_the_example() {
    // The example's December has begun without a sale (no won deal to have a cost), and
    // most of its customers have not churned: neither is evidence nor a gap.
    let example = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/kpi.db.example"));
    let today = common::day("2026-12-01");
    let december = Period::containing(PeriodKind::Month, today);
    let november = Period::containing(PeriodKind::Month, common::day("2026-11-30"));
    for lang in [Lang::En, Lang::Ru] {
        for period in [december, november] {
            let mut a = app_on(example, period, today, Pane::Plan, lang);
            a.overlay = Overlay::Data { scroll: 0 };
            let lines = overlay_lines(&a);
            assert!(
                lines.iter().any(|l| l.starts_with("✓ ")),
                "{lang:?} {period:?}: {lines:#?}"
            );
            overlay_marks_are_earned(&lines, lang);
        }
    }
}

#[test]
fn the_text_report_shows_a_dash_with_the_reason() {
    let out = std::process::Command::new(bin())
        .env("SALESBOARD_CONFIG", "/nonexistent")
        .env("TZ", "UTC")
        .arg("--db")
        .arg(db())
        .args(["report", "--at", "2026-11-20"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for (label, why) in [
        ("Margin", "— no cost of goods on won deals"),
        ("Revenue target", "— no plan for this period"),
        ("CAC", "— no campaign or acquisition cost recorded"),
        (
            "Opportunity → win",
            "— lost deals without the stage they were lost at",
        ),
        ("Days in stage", "— no stage history"),
        ("Satisfaction (1–10)", "— no satisfaction survey"),
    ] {
        let line = text
            .lines()
            .find(|l| l.contains(label))
            .unwrap_or_else(|| panic!("no {label} line:\n{text}"));
        assert!(line.contains(why), "{line}");
    }
}

#[test]
fn check_lists_what_the_file_lacks_and_what_distorts() {
    let out = std::process::Command::new(bin())
        .env("SALESBOARD_CONFIG", "/nonexistent")
        .arg("--db")
        .arg(db())
        .arg("check")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("data coverage"), "{text}");
    assert!(text.contains("✓ deals"), "{text}");
    for absent in [
        "— plans",
        "— cost of goods",
        "— stage history",
        "— calls and meetings",
    ] {
        assert!(text.contains(absent), "{absent}:\n{text}");
    }
    // Lost deals without a loss stage are named with what they would distort.
    let lost = text
        .lines()
        .find(|l| l.contains("stage of lost deals"))
        .unwrap();
    assert!(
        lost.contains("none") && lost.contains("Opportunity → win"),
        "{lost}"
    );
}

#[test]
fn an_empty_new_period_shows_counts_without_dashes_to_compare_with() {
    // The example's December: plans end in November, nothing sold or logged yet. A count
    // with no target reads "0 (no plan)", not "0 of —"; no inquiries is not "0 of 0 over".
    let example = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/kpi.db.example"));
    let today = common::day("2026-12-01");
    let december = Period::containing(PeriodKind::Month, today);
    for lang in [Lang::En, Lang::Ru] {
        for pane in Pane::ALL {
            for (w, h) in [(80, 24), (200, 50)] {
                let a = app_on(example, december, today, pane, lang);
                let screen = render(&a, w, h);
                for c in ["of — ", "из — ", "0 of 0", "0 из 0", "units 0 —", "шт. 0 —"]
                {
                    // The revenue line's "of — (no plan)" names why its target is missing;
                    // a rate of nothing reads "— 0 of 0": no figure, and why. Nothing else.
                    let bad: Vec<String> = screen
                        .lines()
                        .map(|l| {
                            l.replace("of — (no plan)", "")
                                .replace("из — (нет плана)", "")
                                .replace(&format!("— {c}"), "")
                        })
                        .filter(|l| l.contains(c))
                        .collect();
                    assert!(
                        bad.is_empty(),
                        "{pane:?} {lang:?} {w}×{h}: {c:?} in {bad:#?}\n{screen}"
                    );
                }
            }
        }
    }
}

#[test]
fn rules_without_data_are_counted_on_the_alerts_pane_and_named_in_the_overlay() {
    for lang in [Lang::En, Lang::Ru] {
        // At 80 columns the names do not fit: the count is there, whole, with the key.
        let a = app(Pane::Alerts, lang);
        let screen = render(&a, 80, 24);
        let count = match lang {
            Lang::En => "rules not judged for lack of data: see i",
            Lang::Ru => "без проверки, нет данных: см. i",
        };
        assert!(screen.contains(count), "{lang:?}:\n{screen}");
        // The overlay names them, and scrolls far enough to show its last line at 80×24.
        let mut a = app(Pane::Plan, lang);
        a.overlay = Overlay::Data { scroll: u16::MAX };
        let screen = render(&a, 80, 24);
        let last = match lang {
            Lang::En => "data with dates.",
            Lang::Ru => "с датами.",
        };
        assert!(screen.contains(last), "{lang:?}:\n{screen}");
        let text = overlay_lines(&a).join("\n");
        for kind in AlertKind::not_judged(&a.report().unwrap().total) {
            assert!(text.contains(kind.label(lang)), "{kind:?} in\n{text}");
        }
    }
}
