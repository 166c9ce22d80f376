//! The bundled example database: current, healthy, small, and rich enough that every KPI
//! has a value and every alert rule fires. Fails when the schema or generator moved on
//! without `assets/make-example.sh` being run.

use salesboard::kpi::{AlertKind, Kpis};
use salesboard::period::{Period, PeriodKind};
use salesboard::store::{Access, SCHEMA_VERSION, Store};
use std::path::Path;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/kpi.db.example");

fn open() -> Store {
    Store::open(Path::new(EXAMPLE), Access::ReadOnly).expect(
        "kpi.db.example must open read-only at the current schema: run assets/make-example.sh",
    )
}

fn count(store: &Store, table: &str) -> i64 {
    store
        .row_counts()
        .unwrap()
        .into_iter()
        .find(|(t, _)| t == table)
        .map(|(_, n)| n)
        .unwrap_or(0)
}

#[test]
fn example_is_current_healthy_and_small() {
    let s = open();
    assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
    assert!(s.integrity_problems().unwrap().is_empty());
    let size = std::fs::metadata(EXAMPLE).unwrap().len();
    assert!(size < 5 * 1024 * 1024, "kpi.db.example is {size} bytes");
    assert_eq!(count(&s, "rep"), 25);
    assert_eq!(count(&s, "team"), 5, "one department and four teams");
    for t in [
        "plan",
        "customer",
        "campaign",
        "deal",
        "stage_change",
        "activity",
        "satisfaction",
        "knowledge_test",
        "inquiry",
        "invoice",
    ] {
        assert!(count(&s, t) > 0, "{t} is empty");
    }
    // No -wal/-shm is left beside it: the file is self-contained.
    assert!(!Path::new(&format!("{EXAMPLE}-wal")).exists());
}

fn all_values(k: &Kpis) -> Vec<(&'static str, bool)> {
    vec![
        ("revenue_attainment", k.revenue_attainment.is_some()),
        ("units_attainment", k.units_attainment.is_some()),
        ("projected_revenue", k.pace.projected_revenue.is_some()),
        ("growth", k.growth.is_some()),
        (
            "forecast_vs_target",
            k.pipeline.forecast_vs_target.is_some(),
        ),
        ("average_deal", k.average_deal.now.is_some()),
        ("margin", k.margin.is_some()),
        (
            "lead_to_opportunity",
            k.funnel.lead_to_opportunity.is_some(),
        ),
        ("opportunity_to_win", k.funnel.opportunity_to_win.is_some()),
        ("lead_conversion", k.funnel.lead_conversion.is_some()),
        (
            "stage_conversion",
            k.funnel.stages.iter().all(|s| s.rate.is_some()),
        ),
        ("open_opportunities", k.pipeline.open_opportunities.now > 0),
        ("new_per_day", k.pipeline.new_per_day.now.is_some()),
        (
            "by_score",
            k.pipeline.by_score.iter().filter(|b| b.deals > 0).count() >= 3,
        ),
        ("cycle", k.cycle.median_days.is_some()),
        (
            "time_in_stage",
            k.cycle.time_in_stage.iter().all(|s| s.mean_days.is_some()),
        ),
        ("calls_attainment", k.activity.calls_attainment.is_some()),
        (
            "meetings_attainment",
            k.activity.meetings_attainment.is_some(),
        ),
        ("won_per_100_calls", k.activity.won_per_100_calls.is_some()),
        ("response_p90", k.activity.response_p90_min.is_some()),
        (
            "upsell_cross_sell",
            k.upsell_deals > 0 && k.cross_sell_deals > 0,
        ),
        (
            "repeat_revenue_share",
            k.customers.repeat_revenue_share.is_some(),
        ),
        (
            "per_active_customer",
            k.activity.per_active_customer.is_some(),
        ),
        (
            "churn_rate",
            k.customers.churn_rate.is_some_and(|r| r > 0.0),
        ),
        (
            "churn_after_sale",
            k.customers.churn_after_sale.is_some_and(|r| r > 0.0),
        ),
        ("arpu", k.customers.arpu.is_some()),
        ("cac", k.customers.cac.is_some()),
        ("ltv_to_cac", k.customers.ltv_to_cac.is_some()),
        ("unit_price", k.average_unit_price.now.is_some()),
        ("receivables", k.receivables.overdue > 0),
        (
            "satisfaction",
            k.people.satisfaction.is_some() && k.people.satisfaction_trend.len() >= 3,
        ),
        ("knowledge", k.people.knowledge.is_some()),
        ("composite", k.composite.bonus_coefficient.is_some()),
    ]
}

#[test]
fn every_kpi_and_alert_has_something_to_show() {
    let s = open();
    // The last full month of the example (it ends on 2026-11-20).
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let period = Period::containing(PeriodKind::Month, today).prev();
    let r = salesboard::engine::build(&s, period, today, None, None).unwrap();
    let missing: Vec<&str> = all_values(&r.total)
        .into_iter()
        .filter(|(_, ok)| !ok)
        .map(|(k, _)| k)
        .collect();
    assert!(missing.is_empty(), "no value for {missing:?}");
    assert!(!r.campaigns.is_empty() && r.campaigns.iter().any(|c| c.roi.is_some()));
    assert!(r.locations.len() >= 3 && r.products.len() >= 3);
    for kind in [
        AlertKind::BehindPace,
        AlertKind::LowWinRate,
        AlertKind::SlowCycle,
        AlertKind::BurnoutRisk,
        AlertKind::OverdueInvoices,
        AlertKind::ResponseOverSla,
        AlertKind::MeetingsBelowMinimum,
        AlertKind::KnowledgeBelowMinimum,
        AlertKind::CustomersNotContacted,
    ] {
        assert!(
            r.alerts.iter().any(|a| a.kind == kind),
            "no {kind:?} alert in {}",
            period
        );
    }
    // Reps are compared with each other: somebody is ahead, somebody behind.
    assert!(
        r.reps
            .iter()
            .any(|x| x.kpis.revenue_attainment.is_some_and(|a| a > 1.0))
    );
    assert!(
        r.reps
            .iter()
            .any(|x| x.kpis.revenue_attainment.is_some_and(|a| a < 0.6))
    );
}
