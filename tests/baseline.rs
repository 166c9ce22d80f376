//! The plain-SQL baseline (`benches/baseline/*.sql`, what `benches/run.sh` times in the
//! `sqlite3` shell) and the KPI engine must agree on every figure. Each SQL statement yields
//! `(path, value)` rows: where the figure sits in the report's JSON and what plain SQL over
//! the raw tables makes of it. Here a seeded database is reported on for a finished month,
//! a running month, a running quarter and a week, and every row is compared. A table of
//! SPEC §3 KPIs then proves that each of the 34 is among the figures compared.

use chrono::{Duration, Local, NaiveDate};
use rusqlite::fallible_iterator::FallibleIterator;
use rusqlite::types::Value;
use salesboard::period::{Period, PeriodKind, day_start};
use salesboard::store::{Access, Store};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::Path;

const FILES: [&str; 7] = [
    "plan",
    "funnel",
    "cycle",
    "activity",
    "team",
    "customers",
    "alerts",
];

fn seeded(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("kpi.db");
    let out = assert_cmd::Command::cargo_bin("salesboard")
        .unwrap()
        .env("SALESBOARD_CONFIG", "/nonexistent")
        .args(["--db"])
        .arg(&db)
        .args([
            "seed",
            "--reps",
            "36",
            "--teams",
            "5",
            "--months",
            "8",
            "--seed",
            "11",
            "--until",
            "2026-11-20",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

/// The named parameters the baseline files may use, for `period` seen on `today`.
fn params(period: &Period, as_of: NaiveDate, today: NaiveDate) -> BTreeMap<&'static str, Value> {
    let prev = period.prev();
    let at = |d: NaiveDate| Value::Integer(day_start(&Local, d));
    let day = |d: NaiveDate| Value::Text(d.format("%Y-%m-%d").to_string());
    let end_of_today = day_start(&Local, today + Duration::days(1));
    BTreeMap::from([
        (":from", at(period.start)),
        (":to", at(period.end)),
        (":prev_from", at(prev.start)),
        (":prev_to", at(prev.end)),
        (":from_day", day(period.start)),
        (":to_day", day(period.end)),
        (":prev_from_day", day(prev.start)),
        (":prev_to_day", day(prev.end)),
        (":as_of", day(as_of)),
        (":as_of_end", at(as_of + Duration::days(1))),
        (":today", day(today)),
        (
            ":snapshot",
            Value::Integer(day_start(&Local, period.end).min(end_of_today)),
        ),
        (
            ":prev_snapshot",
            Value::Integer(day_start(&Local, prev.end).min(end_of_today)),
        ),
    ])
}

/// Runs every statement of `sql` and returns its `(path, value)` rows.
fn run_sql(
    conn: &rusqlite::Connection,
    sql: &str,
    p: &BTreeMap<&str, Value>,
) -> Vec<(String, Option<f64>)> {
    let mut rows = Vec::new();
    let mut batch = rusqlite::Batch::new(conn, sql);
    while let Some(mut stmt) = batch.next().unwrap() {
        for i in 1..=stmt.parameter_count() {
            let name = stmt.parameter_name(i).expect("only named parameters");
            let v = p
                .get(name)
                .unwrap_or_else(|| panic!("unknown parameter {name}"));
            stmt.raw_bind_parameter(i, v).unwrap();
        }
        assert_eq!(stmt.column_names(), ["path", "value"]);
        let mut q = stmt.raw_query();
        while let Some(r) = q.next().unwrap() {
            let value = match r.get::<_, Value>(1).unwrap() {
                Value::Null => None,
                Value::Integer(i) => Some(i as f64),
                Value::Real(f) => Some(f),
                other => panic!("value must be a number or NULL, not {other:?}"),
            };
            rows.push((r.get(0).unwrap(), value));
        }
    }
    rows
}

/// Splits a path at the dots outside `[…]`.
fn segments(path: &str) -> Vec<&str> {
    let (mut out, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in path.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            '.' if depth == 0 => {
                out.push(&path[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&path[start..]);
    out
}

fn scalar_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Resolves a baseline path in the report document (the language is described in
/// `benches/baseline/README.md`): `key`, `index`, `name[field=value]`, and a trailing `#len`
/// for a count.
fn resolve(doc: &Json, path: &str) -> Result<Json, String> {
    let mut v = doc;
    for seg in segments(path) {
        let (seg, len) = match seg.strip_suffix("#len") {
            Some(s) => (s, true),
            None => (seg, false),
        };
        let (key, filter) = match seg.find('[') {
            Some(i) => (&seg[..i], Some(&seg[i + 1..seg.len() - 1])),
            None => (seg, None),
        };
        if !key.is_empty() {
            v = match (v, key.parse::<usize>()) {
                (Json::Array(a), Ok(i)) => a.get(i),
                (Json::Object(o), _) => o.get(key),
                _ => None,
            }
            .ok_or_else(|| format!("no {key}"))?;
        }
        if let Some(f) = filter {
            let (field, want) = f.split_once('=').ok_or("filter without =")?;
            let items = v.as_array().ok_or("filter on a non-array")?;
            let hits: Vec<&Json> = items
                .iter()
                .filter(|e| {
                    resolve(e, field).is_ok_and(|x| scalar_text(&x).eq_ignore_ascii_case(want))
                })
                .collect();
            if len {
                return Ok(Json::from(hits.len()));
            }
            match hits.as_slice() {
                [one] => v = one,
                _ => return Err(format!("{seg}: {} matches", hits.len())),
            }
        } else if len {
            return Ok(Json::from(v.as_array().ok_or("#len of a non-array")?.len()));
        }
    }
    Ok(v.clone())
}

fn number(v: &Json) -> Option<f64> {
    match v {
        Json::Bool(b) => Some(f64::from(u8::from(*b))),
        other => other.as_f64(),
    }
}

/// Every KPI of SPEC §3 and a path fragment that only its figures carry.
const KPI_PATHS: [(u8, &str); 34] = [
    (1, "revenue_attainment"),
    (2, "units_attainment"),
    (3, "pace.projected_revenue"),
    (4, "growth"),
    (5, "pipeline.forecast"),
    (6, "average_deal.now"),
    (7, "margin"),
    (8, "funnel.lead_to_opportunity"),
    (9, "funnel.opportunity_to_win"),
    (10, "funnel.lead_conversion"),
    (11, "funnel.stages.2.rate"),
    (12, "pipeline.value.now"),
    (13, "pipeline.by_score"),
    (14, "cycle.median_days"),
    (15, "time_in_stage.1.mean_days"),
    (16, "activity.meetings_attainment"),
    (17, "activity.won_per_100_calls"),
    (18, "activity.response_p90_min"),
    (19, "upsell_cross_sell_share"),
    (20, "customers.repeat_revenue_share"),
    (21, "activity.per_active_customer"),
    (22, "customers.churn_rate"),
    (23, "customers.churn_after_sale"),
    (24, "customers.arpu"),
    (25, "customers.cac"),
    (26, "customers.ltv_to_cac"),
    (27, "].roi"),
    (28, "locations["),
    (29, "average_unit_price.now"),
    (30, "receivables.overdue"),
    (31, "people.burnout_risk"),
    (32, "people.knowledge_below_min"),
    (33, "composite.bonus_coefficient"),
    (34, "alerts[kind="),
];

#[test]
fn plain_sql_and_the_engine_agree_on_every_kpi() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let store = Store::open(&db, Access::ReadOnly).unwrap();
    let conn = rusqlite::Connection::open_with_flags(
        &db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .unwrap();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let cases = [
        (PeriodKind::Month, day(2026, 10, 15), day(2026, 11, 20)),
        (PeriodKind::Month, day(2026, 11, 20), day(2026, 11, 20)),
        (PeriodKind::Quarter, day(2026, 11, 20), day(2026, 11, 20)),
        (PeriodKind::Week, day(2026, 11, 4), day(2026, 11, 20)),
    ];
    let mut compared: BTreeMap<String, usize> = BTreeMap::new();
    let mut differ = Vec::new();
    for (kind, at, today) in cases {
        let period = Period::containing(kind, at);
        let report = salesboard::engine::build(&store, period, today, None, None).unwrap();
        let doc = salesboard::report::report_json(&report);
        let p = params(&period, report.as_of, today);
        for file in FILES {
            let path = format!("{}/benches/baseline/{file}.sql", env!("CARGO_MANIFEST_DIR"));
            let sql = std::fs::read_to_string(&path).unwrap();
            let rows = run_sql(&conn, &sql, &p);
            assert!(rows.len() >= 50, "{file}.sql gave only {} rows", rows.len());
            for (path, sql_value) in rows {
                let engine = resolve(&doc, &path)
                    .unwrap_or_else(|e| panic!("{file}.sql: {path}: not in the report: {e}"));
                let engine = number(&engine);
                let same = match (engine, sql_value) {
                    (None, None) => true,
                    (Some(a), Some(b)) => (a - b).abs() <= 1e-9 + 1e-6 * a.abs(),
                    _ => false,
                };
                if !same && differ.len() < 20 {
                    differ.push(format!(
                        "{period} {file}.sql {path}: engine {engine:?}, SQL {sql_value:?}"
                    ));
                }
                *compared.entry(path).or_default() += 1;
            }
        }
    }
    assert!(differ.is_empty(), "differences:\n{}", differ.join("\n"));
    for (kpi, fragment) in KPI_PATHS {
        let n: usize = compared
            .iter()
            .filter(|(p, _)| p.contains(fragment))
            .map(|(_, n)| n)
            .sum();
        assert!(n > 0, "KPI #{kpi} ({fragment}) is not compared");
    }
    // Per rep, not only for the company.
    let per_rep = compared
        .keys()
        .filter(|p| p.starts_with("reps[rep.id="))
        .count();
    assert!(per_rep > 36 * 50, "only {per_rep} per-rep figures compared");
}

#[test]
fn the_path_resolver_finds_what_it_is_asked_for() {
    let doc = serde_json::json!({
        "total": {"a": {"now": 3}, "list": [1, 2, 3]},
        "reps": [{"rep": {"id": 7}, "kpis": {"x": true}}, {"rep": {"id": 8}, "kpis": {"x": null}}],
        "alerts": [{"kind": "k"}, {"kind": "k"}, {"kind": "j"}],
        "locations": [{"name": "Москва", "revenue": 5}]
    });
    assert_eq!(resolve(&doc, "total.a.now").unwrap(), 3);
    assert_eq!(resolve(&doc, "total.list.1").unwrap(), 2);
    assert_eq!(resolve(&doc, "total.list#len").unwrap(), 3);
    assert_eq!(resolve(&doc, "reps[rep.id=7].kpis.x").unwrap(), true);
    assert_eq!(resolve(&doc, "reps[rep.id=8].kpis.x").unwrap(), Json::Null);
    assert_eq!(resolve(&doc, "alerts[kind=k]#len").unwrap(), 2);
    assert_eq!(resolve(&doc, "alerts[kind=z]#len").unwrap(), 0);
    assert_eq!(resolve(&doc, "locations[name=Москва].revenue").unwrap(), 5);
    assert!(resolve(&doc, "alerts[kind=k].kind").is_err(), "two matches");
    assert!(resolve(&doc, "total.b").is_err());
}

/// A team's or a rep's own report reads only the rows it needs (its reps and the team its
/// cycle is compared with); its figures must be exactly the company report's for them.
#[test]
fn team_and_rep_reports_agree_with_the_company_report() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let store = Store::open(&db, Access::ReadOnly).unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let period = Period::containing(PeriodKind::Month, today);
    let company = salesboard::engine::build(&store, period, today, None, None).unwrap();
    assert!(company.teams.len() >= 5, "a team tree to walk");
    for t in &company.teams {
        let team = salesboard::engine::build(
            &store,
            period,
            today,
            Some(&format!("#{}", t.team.id)),
            None,
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&team.total).unwrap(),
            serde_json::to_value(&t.kpis).unwrap(),
            "team {}",
            t.team.name
        );
        for r in &team.reps {
            let in_company = company.reps.iter().find(|x| x.rep.id == r.rep.id).unwrap();
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                serde_json::to_value(in_company).unwrap(),
                "rep {} in team {}",
                r.rep.name,
                t.team.name
            );
        }
    }
    for r in company.reps.iter().step_by(7) {
        let one =
            salesboard::engine::build(&store, period, today, None, Some(&format!("#{}", r.rep.id)))
                .unwrap();
        assert_eq!(
            serde_json::to_value(&one.total).unwrap(),
            serde_json::to_value(&r.kpis).unwrap(),
            "rep {}",
            r.rep.name
        );
    }
}
