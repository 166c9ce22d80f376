//! Keeps the integrator docs honest: the SQL examples in docs/schema.md run against a
//! fresh database and leave it consistent, every column and setting is documented there,
//! and every key of the JSON report is documented in docs/report.md.

use chrono::NaiveDate;
use rusqlite::Connection;
use salesboard::period::{Period, PeriodKind};
use salesboard::store::seed::{SeedOptions, SeedSize, seed};
use salesboard::store::{Access, SCHEMA_VERSION, Store};
use std::collections::BTreeSet;
use std::path::Path;

/// First line of the schema.md block whose queries must all return no rows.
const CHECKS_MARKER: &str = "must return no rows";

fn read_doc(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The bodies of the fenced code blocks opened with exactly "```lang".
fn code_blocks(doc: &str, lang: &str) -> Vec<String> {
    let open = format!("```{lang}");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        match current.as_mut() {
            None if line.trim_end() == open => current = Some(String::new()),
            None => {}
            Some(_) if line.trim_end() == "```" => blocks.extend(current.take()),
            Some(body) => {
                body.push_str(line);
                body.push('\n');
            }
        }
    }
    assert!(current.is_none(), "an unclosed ```{lang} block in the doc");
    blocks
}

/// The text of the section that starts with the heading "### `name`", up to the next
/// heading of level 3 or higher.
fn table_section<'a>(doc: &'a str, name: &str) -> Option<&'a str> {
    let heading = format!("### `{name}`");
    let start = doc
        .lines()
        .scan(0usize, |pos, line| {
            let at = *pos;
            *pos += line.len() + 1;
            Some((at, line))
        })
        .find(|(_, line)| line.trim_end() == heading || line.starts_with(&format!("{heading} ")))
        .map(|(at, _)| at)?;
    let body = &doc[start + heading.len()..];
    let end = body
        .find("\n### ")
        .into_iter()
        .chain(body.find("\n## "))
        .chain(body.find("\n# "))
        .min()
        .unwrap_or(body.len());
    Some(&body[..end])
}

fn ticked(name: &str) -> String {
    format!("`{name}`")
}

fn fresh_database(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("kpi.db");
    Store::init(&path).expect("init a fresh database");
    path
}

/// Splits a block of SQL into statements (the check queries hold no ';' in literals),
/// dropping comment-only pieces.
fn statements(block: &str) -> Vec<String> {
    block
        .split(';')
        .map(|s| {
            s.lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .filter(|s| !s.trim().is_empty())
        .collect()
}

#[test]
fn schema_examples_run_and_leave_a_consistent_database() {
    let doc = read_doc("schema.md");
    let blocks = code_blocks(&doc, "sql");
    assert!(
        blocks.len() >= 2,
        "docs/schema.md should have at least two ```sql example blocks, found {}",
        blocks.len()
    );
    let dir = tempfile::tempdir().unwrap();
    let path = fresh_database(dir.path());
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        for (i, block) in blocks.iter().enumerate() {
            if let Err(e) = conn.execute_batch(block) {
                panic!(
                    "```sql block #{} of docs/schema.md fails: {e}\n{block}",
                    i + 1
                );
            }
        }
        assert!(
            conn.is_autocommit(),
            "an example block leaves a transaction open"
        );

        // The example deal: created as a lead, won, with a consistent history and an invoice.
        let deals: Vec<(i64, String, i64, Option<i64>)> = conn
            .prepare("SELECT id, stage, created_at, closed_at FROM deal ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let won: Vec<_> = deals.iter().filter(|d| d.1 == "won").collect();
        assert_eq!(
            won.len(),
            1,
            "the examples should insert exactly one won deal, got {deals:?}"
        );
        let (deal, _, created_at, closed_at) = won[0].clone();
        let closed_at = closed_at.expect("a won deal has closed_at");
        let history: Vec<(Option<String>, String, i64)> = conn
            .prepare("SELECT from_stage, to_stage, at FROM stage_change WHERE deal_id = ?1 ORDER BY at, id")
            .unwrap()
            .query_map([deal], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(
            history.len() >= 4,
            "the example deal should move lead → qualified → proposal → won: {history:?}"
        );
        assert_eq!(
            history[0],
            (None, "lead".to_string(), created_at),
            "history starts NULL → lead at created_at"
        );
        for pair in history.windows(2) {
            assert_eq!(
                pair[1].0.as_deref(),
                Some(pair[0].1.as_str()),
                "broken chain: {history:?}"
            );
        }
        let last = history.last().unwrap();
        assert_eq!((last.1.as_str(), last.2), ("won", closed_at));
        let stages: Vec<&str> = history.iter().map(|h| h.1.as_str()).collect();
        for s in ["lead", "qualified", "proposal", "won"] {
            assert!(
                stages.contains(&s),
                "the example never reaches {s}: {stages:?}"
            );
        }
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert!(
            count(&format!(
                "SELECT count(*) FROM invoice WHERE deal_id = {deal}"
            )) >= 1
        );
        assert!(count("SELECT count(*) FROM customer") >= 1);
        assert!(count("SELECT count(*) FROM activity WHERE kind = 'call'") >= 1);
        assert!(count("SELECT count(*) FROM plan") >= 1);
        assert_eq!(
            count("PRAGMA user_version"),
            SCHEMA_VERSION,
            "the examples must not touch user_version"
        );

        // The consistency queries are valid SQL and the examples pass them.
        let checks: Vec<&String> = blocks
            .iter()
            .filter(|b| b.lines().next().is_some_and(|l| l.contains(CHECKS_MARKER)))
            .collect();
        assert!(
            !checks.is_empty(),
            "docs/schema.md should have a consistency-check ```sql block starting with a \
             comment containing '{CHECKS_MARKER}'"
        );
        for block in checks {
            for sql in statements(block) {
                let mut stmt = conn
                    .prepare(&sql)
                    .unwrap_or_else(|e| panic!("check query fails: {e}\n{sql}"));
                let mut rows = stmt.query([]).unwrap();
                assert!(
                    rows.next().unwrap().is_none(),
                    "the examples violate this documented check:\n{sql}"
                );
            }
        }
    }
    let store = Store::open(&path, Access::ReadWrite).expect("reopen through the library");
    assert_eq!(store.integrity_problems().unwrap(), Vec::<String>::new());
    assert!(store.settings_problems().unwrap().is_empty());
}

#[test]
fn every_column_is_documented_in_its_table_section() {
    let doc = read_doc("schema.md");
    let dir = tempfile::tempdir().unwrap();
    let path = fresh_database(dir.path());
    let conn = Connection::open(&path).unwrap();
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(tables.len() >= 10, "suspiciously few tables: {tables:?}");
    let mut missing = Vec::new();
    for table in &tables {
        let columns: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
            .unwrap()
            .query_map([table], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(!columns.is_empty(), "no columns for {table}");
        let Some(section) = table_section(&doc, table) else {
            missing.push(format!("table {table} (no \"### `{table}`\" section)"));
            continue;
        };
        for column in columns {
            if !section.contains(&ticked(&column)) {
                missing.push(format!("{table}.{column}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "undocumented in docs/schema.md (each table needs a \"### `table`\" section naming \
         every column in backticks): {missing:?}"
    );
}

#[test]
fn every_setting_is_documented() {
    let doc = read_doc("schema.md");
    let missing: Vec<&str> = salesboard::settings::KEYS
        .iter()
        .map(|(key, _)| *key)
        .filter(|key| !doc.contains(&ticked(key)))
        .collect();
    assert!(
        missing.is_empty(),
        "settings keys missing from docs/schema.md: {missing:?}"
    );
}

/// Every object key anywhere in `v`, into arrays too.
fn collect_keys(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, x) in map {
                out.insert(k.clone());
                collect_keys(x, out);
            }
        }
        serde_json::Value::Array(items) => {
            for x in items {
                collect_keys(x, out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_report_key_is_documented() {
    let doc = read_doc("report.md");
    let dir = tempfile::tempdir().unwrap();
    let path = fresh_database(dir.path());
    let mut store = Store::open(&path, Access::ReadWrite).unwrap();
    let until = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    seed(
        &mut store,
        &SeedOptions {
            reps: 4,
            teams: 2,
            months: 2,
            seed: 42,
            until,
            size: SeedSize::Small,
        },
    )
    .expect("seed a tiny database");
    let period = Period::containing(PeriodKind::Month, until);
    let report = salesboard::engine::build(&store, period, until, None, None).expect("report");
    let document = salesboard::report::Document {
        format_version: 1,
        database: path.display().to_string(),
        generated_at: "2026-11-20T18:00:00+03:00".into(),
        fallback: None,
        period_note: salesboard::engine::PeriodNote::read(
            &store,
            &store.permit().unwrap(),
            PeriodKind::Month,
            until,
        )
        .unwrap(),
        report: &report,
    };
    let json = serde_json::to_value(&document).unwrap();

    // Arrays that are empty would hide their elements' keys: make sure the tiny database
    // fills every one of them.
    for list in [
        "teams",
        "reps",
        "locations",
        "products",
        "campaigns",
        "alerts",
    ] {
        assert!(
            json[list].as_array().is_some_and(|a| !a.is_empty()),
            "the seeded report has no {list}: this test would not see their keys"
        );
    }

    let mut keys = BTreeSet::new();
    collect_keys(&json, &mut keys);
    assert!(keys.len() > 100, "suspiciously few keys: {keys:?}");
    let missing: Vec<&String> = keys.iter().filter(|k| !doc.contains(&ticked(k))).collect();
    assert!(
        missing.is_empty(),
        "JSON keys of `salesboard report --format json` missing from docs/report.md \
         (write them in backticks): {missing:?}"
    );

    // Alert kinds that occur, and every KPI key of the CSV format, are documented too.
    let kinds: BTreeSet<&str> = report.alerts.iter().map(|a| a.kind.as_str()).collect();
    let csv_keys: BTreeSet<&str> = salesboard::report::lines(
        &report.total,
        &report.currency,
        salesboard::format::Lang::En,
    )
    .iter()
    .map(|l| l.key)
    .collect();
    let missing: Vec<&str> = kinds
        .iter()
        .chain(csv_keys.iter())
        .copied()
        .filter(|k| !doc.contains(&ticked(k)))
        .collect();
    assert!(
        missing.is_empty(),
        "alert kinds or CSV kpi keys missing from docs/report.md: {missing:?}"
    );
}
