//! The built binary, end to end: init → import a small hand-made CSV set → report → check
//! the figures against values worked out by hand; bad input everywhere.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A command isolated from the user's config, database and time zone.
fn sb(db: &Path) -> Command {
    let mut c = Command::cargo_bin("salesboard").unwrap();
    c.env("TZ", "UTC")
        .env("SALESBOARD_CONFIG", "/nonexistent/salesboard.toml")
        .env_remove("SALESBOARD_DB")
        .env("LANG", "C")
        .arg("--db")
        .arg(db);
    c
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const TEAMS: &str = "name,parent\nОтдел,\nСевер,Отдел\nЮг,Отдел\n";
const REPS: &str = "name,team,region,hired_on,active
Анна,Север,Москва,2025-01-10,1
Борис,Север,Казань,2025-02-01,1
Вера,Юг,Москва,2025-03-01,1
";
const PLANS: &str = "rep,month,revenue_target,units_target,calls_target,meetings_target
Анна,2026-10,100000,10,200,20
Борис,2026-10,50000,5,100,10
Вера,2026-10,80000,8,150,15
";
const CAMPAIGNS: &str = "name,channel,cost,starts_on,ends_on,baseline_revenue\nОсень,email,31000,2026-10-01,2026-10-31,10000\n";
const CUSTOMERS: &str = "name,region,rep,acquired_on,churned_on,campaign
Ромашка,Москва,Анна,2026-09-01,,
Лютик,Казань,Борис,2026-10-05,,Осень
Василёк,Москва,Вера,2026-01-01,2026-10-20,
";
const DEALS: &str = "id,rep,customer,campaign,amount,cost,units,score,kind,product,location,created_at,stage,closed_at,lost_reason,lost_from_stage
1,Анна,Ромашка,Осень,30000,12000,3,4,new,Лицензия,Москва,2026-10-01 10:00,won,2026-10-11 10:00,,
2,Анна,Ромашка,,20000,10000,2,3,upsell,Поддержка,Москва,2026-10-05 10:00,won,2026-10-25 10:00,,
3,Борис,Лютик,Осень,15000,5000,1,2,new,Лицензия,Казань,2026-10-06 10:00,lost,2026-10-20 10:00,цена,proposal
4,Вера,,,40000,0,4,5,new,Лицензия,Москва,2026-10-10 10:00,negotiation,,,
";
const STAGES: &str = "deal_id,from_stage,to_stage,at
1,,lead,2026-10-01 10:00
1,lead,qualified,2026-10-03 10:00
1,qualified,won,2026-10-11 10:00
2,,lead,2026-10-05 10:00
2,lead,proposal,2026-10-10 10:00
2,proposal,won,2026-10-25 10:00
3,,lead,2026-10-06 10:00
3,lead,qualified,2026-10-08 10:00
3,qualified,proposal,2026-10-12 10:00
3,proposal,lost,2026-10-20 10:00
4,,lead,2026-10-10 10:00
4,lead,negotiation,2026-10-15 10:00
";
const INVOICES: &str = "deal_id,amount,issued_on,due_on,paid_on
1,30000,2026-10-11,2026-10-21,2026-10-20
2,20000,2026-10-25,2026-10-28,
";

/// A database built from the CSV set above.
fn imported() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kpi.db");
    sb(&db).arg("init").assert().success();
    for (kind, text) in [
        ("teams", TEAMS),
        ("reps", REPS),
        ("plans", PLANS),
        ("campaigns", CAMPAIGNS),
        ("customers", CUSTOMERS),
        ("deals", DEALS),
        ("stage_changes", STAGES),
        ("invoices", INVOICES),
    ] {
        let f = write(dir.path(), &format!("{kind}.csv"), text);
        sb(&db).args(["import", kind]).arg(&f).assert().success();
    }
    (dir, db)
}

fn report_json(db: &Path, extra: &[&str]) -> Value {
    let at = if extra.contains(&"--at") {
        &[][..]
    } else {
        &["--at", "2026-10-15"][..]
    };
    let out = sb(db)
        .args(["report", "--period", "month", "--format", "json"])
        .args(at)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn rep<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["reps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rep"]["name"] == name)
        .unwrap()
}

#[test]
fn imported_data_gives_the_figures_worked_out_by_hand() {
    let (_dir, db) = imported();
    let r = report_json(&db, &[]);
    assert_eq!(r["format_version"], 1);
    assert_eq!(r["period"]["start"], "2026-10-01");
    let t = &r["total"];
    // #1: won 30 000 + 20 000 of a 230 000 plan (money in kopecks).
    assert_eq!(t["revenue"]["now"], 5_000_000);
    assert_eq!(t["targets"]["revenue"], 23_000_000);
    assert!((f(&t["revenue_attainment"]) - 50.0 / 230.0).abs() < 1e-9);
    assert_eq!(t["won_deals"]["now"], 2);
    assert_eq!(t["average_deal"]["now"], 2_500_000); // #6
    assert_eq!(t["profit"], 2_800_000); // #7
    assert!((f(&t["margin"]) - 0.56).abs() < 1e-9);
    // #8–#10: all four October leads were qualified; 2 won of 3 closed.
    assert_eq!(f(&t["funnel"]["lead_to_opportunity"]), 1.0);
    assert!((f(&t["funnel"]["opportunity_to_win"]) - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(f(&t["funnel"]["lead_conversion"]), 0.5);
    // #5, #12: deal 4 open in negotiation at the end of October.
    assert_eq!(t["pipeline"]["open_opportunities"]["now"], 1);
    assert_eq!(t["pipeline"]["value"]["now"], 4_000_000);
    assert_eq!(t["pipeline"]["forecast"], 8_000_000);
    // #14: 10 and 20 days.
    assert_eq!(f(&t["cycle"]["mean_days"]), 15.0);
    // #22: Василёк churned; two customers were active on 1 October.
    assert_eq!(f(&t["customers"]["churn_rate"]), 0.5);
    // #25: the whole campaign's 31 000 on its one new customer.
    assert_eq!(t["customers"]["cac"], 3_100_000);
    // #30: invoice 2 is 3 days overdue on 31 October.
    assert_eq!(t["receivables"]["overdue"], 2_000_000);
    assert_eq!(t["receivables"]["max_days_overdue"], 3);

    assert!((f(&rep(&r, "Анна")["kpis"]["revenue_attainment"]) - 0.5).abs() < 1e-9);
    assert_eq!(rep(&r, "Борис")["kpis"]["revenue"]["now"], 0);
    let north = r["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["team"]["name"] == "Север")
        .unwrap();
    assert_eq!(north["kpis"]["targets"]["revenue"], 15_000_000);
    assert_eq!(north["depth"], 1);
    let kinds: Vec<&str> = r["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"behind_pace") && kinds.contains(&"overdue_invoices"),
        "{kinds:?}"
    );
    let moscow = r["locations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "Москва")
        .unwrap();
    assert_eq!(moscow["revenue"]["now"], 5_000_000);
}

#[test]
fn team_and_rep_scopes_and_every_format() {
    let (_dir, db) = imported();
    let team = report_json(&db, &["--team", "север"]);
    assert_eq!(team["scope"], "Север");
    assert_eq!(team["reps"].as_array().unwrap().len(), 2);
    assert_eq!(team["total"]["revenue"]["now"], 5_000_000);
    let one = report_json(&db, &["--rep", "Вера"]);
    let vera_id = one["reps"][0]["rep"]["id"].as_i64().unwrap();
    let by_id = report_json(&db, &["--rep", &format!("#{vera_id}")]);
    assert_eq!(by_id["scope"], "Вера");
    assert_eq!(one["total"]["pipeline"]["value"]["now"], 4_000_000);

    for (format, needle) in [
        ("table", "Plan attainment, revenue"),
        ("markdown", "| Rep |"),
        ("csv", "scope_type,scope,kpi"),
    ] {
        let out = sb(&db)
            .args(["report", "--at", "2026-10-15", "--format", format])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            out.status.success() && text.contains(needle),
            "{format}: {text}"
        );
        assert!(text.contains("Анна"));
    }
    let out = sb(&db)
        .args(["report", "--team", "Запад"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no team called 'Запад'"));
}

/// The first day of this month.
fn this_month() -> chrono::NaiveDate {
    use chrono::Datelike;
    chrono::Local::now().date_naive().with_day(1).unwrap()
}

#[test]
fn without_at_report_shows_the_latest_period_with_data_and_says_so() {
    // The imported data ends in October 2026; this month has none yet.
    let (_dir, db) = imported();
    let out = sb(&db).args(["report"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let month = this_month();
    let current =
        salesboard::period::Period::containing(salesboard::period::PeriodKind::Month, month)
            .name(salesboard::format::Lang::En);
    let expected = format!(
        "Note: {current} — no sales or activity yet; showing October 2026, the latest with data (--at {month} shows it)"
    );
    assert!(text.contains(&expected), "{expected}\n{text}");
    assert!(text.contains("Sales KPIs — company — 2026-10"), "{text}");
    let out = sb(&db)
        .args(["report", "--format", "json"])
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["period"]["start"], "2026-10-01");
    assert!(
        r["fallback"]
            .as_str()
            .unwrap()
            .contains("no sales or activity yet")
    );
    assert_eq!(r["period_note"]["current_has_data"], false);
    assert_eq!(r["period_note"]["latest"]["start"], "2026-10-01");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        format!(
            "salesboard: note: {}",
            expected.trim_start_matches("Note: ")
        )
    );
    // With --at, the period asked for is shown as it is, empty or not.
    let r = report_json(&db, &["--at", "2026-11-20"]);
    assert_eq!(r["period"]["start"], "2026-11-01");
    assert_eq!(r["fallback"], Value::Null);
    // Asking for the latest period with data by --at needs no note: it is what was asked.
    for format in ["table", "json"] {
        let out = sb(&db)
            .args(["report", "--at", "2026-10-15", "--format", format])
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{all}");
        assert!(
            !all.contains("no sales or activity yet"),
            "{format}: a note on a period asked for:
{all}"
        );
    }
    let out = sb(&db)
        .args(["report", "--at", &month.to_string()])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("no sales or activity yet (without --at, report shows October 2026"),
        "{text}"
    );
    // In Russian.
    let out = sb(&db).args(["report", "--lang", "ru"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("продаж и активности пока нет; показан октябрь 2026"),
        "{text}"
    );
}

#[test]
fn a_bad_csv_imports_nothing_and_lists_every_bad_line() {
    let (dir, db) = imported();
    let bad = write(
        dir.path(),
        "more.csv",
        "name,team,region,hired_on,active\nГлеб,Север,Москва,2025-01-01,1\nДина,Запад,Москва,2025-01-01,1\nЕгор,Юг,Москва,вчерашний,1\n",
    );
    let out = sb(&db).args(["import", "reps"]).arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 3") && err.contains("line 4") && !err.contains("line 2:"),
        "{err}"
    );
    assert!(err.contains("nothing was imported"));
    let out = sb(&db).args(["export", "reps"]).output().unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(
        !csv.contains("Глеб"),
        "a good row of a bad file was imported"
    );
    let out = sb(&db)
        .args(["import", "wombats"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn add_validates_like_the_forms_and_writes_nothing_on_error() {
    let (_dir, db) = imported();
    let out = sb(&db)
        .args(["add", "satisfaction", "--rep", "Анна", "--score", "11"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "salesboard: score: 11 is outside 1–10\n"
    );
    let out = sb(&db)
        .args(["add", "call", "--rep", "Анна", "--duration", "долго"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("salesboard: duration:"));
    sb(&db)
        .args([
            "add",
            "call",
            "--rep",
            "Анна",
            "--date",
            "2026-10-20",
            "--time",
            "11:00",
            "--duration",
            "1h30",
            "--customer",
            "ромашка",
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains("saved call #"));
    sb(&db)
        .args([
            "add",
            "meeting",
            "--rep",
            "Анна",
            "--date",
            "20.10.2026",
            "--outcome",
            "held",
        ])
        .assert()
        .success();
    let r = report_json(&db, &[]);
    assert_eq!(rep(&r, "Анна")["kpis"]["activity"]["calls"]["now"], 1);
    assert_eq!(rep(&r, "Анна")["kpis"]["activity"]["meetings"]["now"], 1);
    let audit = sb(&db).args(["export", "audit_log"]).output().unwrap();
    let text = String::from_utf8(audit.stdout).unwrap();
    assert_eq!(text.matches(",insert,activity,").count(), 2, "{text}");
}

#[test]
fn amounts_that_would_overflow_a_total_are_refused_in_every_entry_path() {
    // i64::MAX kopecks, once typed as a plan, once imported as a deal: either would make
    // the company's target or revenue wrap round to a negative figure.
    let (dir, db) = imported();
    let tables = |db: &Path| -> Vec<u8> {
        ["plans", "deals"]
            .iter()
            .flat_map(|k| sb(db).args(["export", k]).output().unwrap().stdout)
            .collect()
    };
    let before = tables(&db);
    let out = sb(&db)
        .args([
            "add",
            "plan",
            "--rep",
            "Анна",
            "--month",
            "2026-12",
            "--revenue",
            "92233720368547758.07",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("salesboard: revenue: ") && err.contains("largest amount"),
        "{err}"
    );
    let f = write(
        dir.path(),
        "huge.csv",
        "id,rep,customer,campaign,amount,cost,units,score,kind,product,location,created_at,stage,closed_at,lost_reason,lost_from_stage\n\
         9,Анна,,,92233720368547758.07,0,1,,new,,,2026-12-01 10:00,won,2026-12-02 10:00,,\n",
    );
    let out = sb(&db).args(["import", "deals"]).arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 2") && err.contains("largest amount"),
        "{err}"
    );
    // Nothing was written.
    assert_eq!(tables(&db), before);
}

#[test]
fn init_and_check_and_bad_databases() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    sb(&db).arg("init").assert().success();
    let out = sb(&db).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    sb(&db)
        .arg("check")
        .assert()
        .success()
        .stdout(predicates::str::contains("integrity: ok"));

    let missing = dir.path().join("missing.db");
    let out = sb(&missing).arg("report").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no database at")
            && err.contains("salesboard init")
            && err.lines().count() == 1,
        "{err}"
    );
    assert!(!missing.exists());

    let junk = write(dir.path(), "junk.db", &"not sqlite at all ".repeat(100));
    let out = sb(&junk).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a salesboard database"));
    assert_eq!(
        std::fs::read_to_string(&junk).unwrap(),
        "not sqlite at all ".repeat(100)
    );

    let newer = dir.path().join("newer.db");
    sb(&newer).arg("init").assert().success();
    let c = rusqlite::Connection::open(&newer).unwrap();
    c.pragma_update(None, "user_version", 99).unwrap();
    drop(c);
    let out = sb(&newer).arg("report").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("newer salesboard (schema 99"));
}

#[test]
fn eight_processes_upgrading_an_old_file_at_once_all_succeed() {
    // A file at schema 1 (as the first release wrote it), opened by eight commands at
    // once: switching to WAL and migrating race; the upgrade happens once and every
    // command succeeds.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("race.db");
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch(include_str!("../src/store/migrations/0001_initial.sql"))
        .unwrap();
    c.pragma_update(None, "user_version", 1).unwrap();
    drop(c);
    let bin = assert_cmd::cargo::cargo_bin("salesboard");
    let children: Vec<_> = (0..8)
        .map(|_| {
            std::process::Command::new(&bin)
                .env("SALESBOARD_CONFIG", "/nonexistent")
                .arg("--db")
                .arg(&db)
                .arg("check")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let c = rusqlite::Connection::open(&db).unwrap();
    let v: i64 = c
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, salesboard::store::SCHEMA_VERSION);
}

#[test]
fn init_never_leaves_an_empty_or_half_made_file_at_the_path() {
    // Commands started while `init` runs find either no file or a complete database.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    let bin = assert_cmd::cargo::cargo_bin("salesboard");
    let init = std::process::Command::new(&bin)
        .env("SALESBOARD_CONFIG", "/nonexistent")
        .arg("--db")
        .arg(&db)
        .arg("init")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut seen_empty = false;
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(5) {
        if let Ok(m) = std::fs::metadata(&db) {
            seen_empty |= m.len() == 0;
            if m.len() > 0 {
                break;
            }
        }
    }
    assert!(init.wait_with_output().unwrap().status.success());
    assert!(
        !seen_empty,
        "an empty file was seen at the path during init"
    );
    sb(&db).arg("check").assert().success();
    // Only the database is left: no temporary file beside it.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["new.db".to_string()]);
}

#[test]
fn seeding_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let dump = |name: &str| -> String {
        let db = dir.path().join(name);
        sb(&db)
            .args([
                "seed",
                "--reps",
                "6",
                "--teams",
                "2",
                "--months",
                "3",
                "--seed",
                "7",
                "--until",
                "2026-11-20",
            ])
            .assert()
            .success();
        let mut all = String::new();
        for kind in [
            "reps",
            "deals",
            "stage_changes",
            "activities",
            "invoices",
            "satisfaction",
        ] {
            let out = sb(&db).args(["export", kind]).output().unwrap();
            assert!(out.status.success());
            let text = String::from_utf8(out.stdout).unwrap();
            // Entry times of the seed run itself are the only thing allowed to differ.
            all.push_str(&text);
        }
        all
    };
    let a = dump("a.db");
    assert!(a.lines().count() > 100);
    assert_eq!(a, dump("b.db"));
}

#[test]
fn help_explains_every_command() {
    let out = Command::cargo_bin("salesboard")
        .unwrap()
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for c in [
        "init",
        "seed",
        "report",
        "add",
        "import",
        "export",
        "check",
        "SALESBOARD_DB",
    ] {
        assert!(text.contains(c), "--help lacks {c}");
    }
    let out = Command::cargo_bin("salesboard")
        .unwrap()
        .args(["add", "call", "--help"])
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("1h30"));
}

#[test]
fn export_into_a_closed_pipe_stops_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kpi.db");
    sb(&db)
        .args([
            "seed",
            "--reps",
            "6",
            "--teams",
            "2",
            "--months",
            "2",
            "--until",
            "2026-11-20",
        ])
        .assert()
        .success();
    // `export activities | head -1`: the reader goes away after one line.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' --db '{}' export activities | head -1 >/dev/null",
            env!("CARGO_BIN_EXE_salesboard"),
            db.display()
        ))
        .env("SALESBOARD_CONFIG", "/nonexistent")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.is_empty(), "nothing on stderr: {err}");
}
