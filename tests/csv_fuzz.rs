//! Bad input at scale for `import`: random files of every import kind — valid values
//! mixed with garbage (empty, huge, quotes, line breaks, NUL, BOM, other delimiters,
//! invalid UTF-8, other scripts' digits), random column order and case, missing, extra
//! and doubled columns, ragged rows, blank lines, `;`/tab delimiters, CRLF.
//!
//! Whatever the file, `Store::import_csv` must not panic, and either imports every data
//! row (the table grows by exactly the rows created, and one audit row is added) or
//! nothing at all (every table's row count unchanged), listing each bad row by a line
//! number where a row of the file starts and naming the column. The database stays
//! healthy (`integrity_problems` is empty). A file without garbage must import.
//!
//! Each case starts from a copy of one small database, so a failure replays exactly.

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use salesboard::format::{Lang, group};
use salesboard::store::{Access, Actor, ImportKind, RowError, Store, StoreError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Cases per import kind: eight kinds, so about 1,000 files in all.
const CASES: u32 = 128;

/// "Now" of every import: 2026-11-23 12:00 UTC.
fn now() -> i64 {
    Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .unwrap()
        .timestamp()
}

fn actor() -> Actor {
    let mut a = Actor::current();
    a.now = now();
    a
}

/// What every case starts from: teams, reps, a plan, a campaign, customers and deals for
/// the rows to refer to.
const BASE: &[(ImportKind, &str)] = &[
    (
        ImportKind::Teams,
        "name,parent\nSales,\nNorth,Sales\nSouth,Sales\n",
    ),
    (
        ImportKind::Reps,
        "name,team,hired_on\nAnna Smith,North,2025-03-15\nИван Петров,South,2024-01-10\n王小明,North,2023-05-01\n",
    ),
    (
        ImportKind::Plans,
        "rep,month,revenue_target\nAnna Smith,2026-11,50000\n",
    ),
    (
        ImportKind::Campaigns,
        "name,channel,starts_on,ends_on\nAutumn mail,email,2026-09-01,2026-10-31\n",
    ),
    (
        ImportKind::Customers,
        "id,name,acquired_on\n1,Acme,2025-01-01\n2,ООО Ромашка,2025-02-01\n",
    ),
    (
        ImportKind::Deals,
        "id,rep,amount,created_at,stage,closed_at\n\
         1,Anna Smith,100,2026-01-01T00:00:00Z,lead,\n\
         2,Иван Петров,200,2026-01-01T00:00:00Z,won,2026-01-10T00:00:00Z\n\
         3,王小明,300,2026-01-01T00:00:00Z,lost,2026-01-05T00:00:00Z\n",
    ),
];

fn base() -> &'static Path {
    static BASE_DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &BASE_DB
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("base.db");
            let mut store = Store::init(&path).unwrap();
            for (kind, text) in BASE {
                store
                    .import_csv(&actor(), *kind, text.as_bytes())
                    .unwrap_or_else(|e| panic!("{kind}: {e:?}"));
            }
            assert!(store.integrity_problems().unwrap().is_empty());
            // Closing the last connection folds the WAL into the file: a plain copy is whole.
            drop(store);
            (dir, path)
        })
        .1
}

fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kpi.db");
    std::fs::copy(base(), &path).unwrap();
    let store = Store::open(&path, Access::ReadWrite).unwrap();
    (dir, store)
}

// ---------------------------------------------------------------------------------------
// Valid values

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A day in 2020-01-01 ..= 2026-11-04.
fn past_day(p: u16) -> NaiveDate {
    day("2020-01-01") + Duration::days(i64::from(p % 2500))
}

/// A date as people write it; `words` allows `yesterday` (for dates nothing is compared to).
fn date_text(d: NaiveDate, p: u16, words: bool) -> String {
    match p % 6 {
        0 => d.format("%Y-%m-%d").to_string(),
        1 => d.format("%d.%m.%Y").to_string(),
        2 => d.format(" %Y-%m-%d ").to_string(),
        3 => d.format("%-d.%-m.%Y").to_string(),
        4 if words => ["yesterday", "Вчера", "today"][usize::from(p / 6 % 3)].to_string(),
        _ => d.format("%Y-%m-%d").to_string(),
    }
}

/// An instant in every accepted form. Callers keep instants they compare two days apart,
/// so the local time zone cannot reorder them.
fn instant_text(t: NaiveDateTime, p: u16) -> String {
    match p % 6 {
        0 => t.format("%Y-%m-%d %H:%M").to_string(),
        1 => t.format("%Y-%m-%dT%H:%M:%S+03:00").to_string(),
        2 => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        3 => t.format("%Y-%m-%d").to_string(),
        4 => t.and_utc().timestamp().to_string(),
        _ => t.format("%d.%m.%Y %H:%M:%S").to_string(),
    }
}

/// A non-negative amount in one of the notations people use.
fn money_text(p: u16) -> String {
    let minor = i64::from(p) * 7919 % 100_000_000;
    let (major, cents) = (minor / 100, minor % 100);
    match p % 6 {
        0 => format!("{major}.{cents:02}"),
        1 => format!("{}.{cents:02}", group(major, Lang::En)),
        2 => format!("{},{cents:02}", group(major, Lang::Ru)),
        3 => format!("{major}"),
        4 => format!("{major},{cents:02}"),
        _ => format!(" {} ", group(major, Lang::En)),
    }
}

fn count_text(p: u16) -> String {
    match p % 4 {
        0 => String::new(),
        1 => format!(" {} ", p % 50),
        _ => (p % 1001).to_string(),
    }
}

fn pick<'a>(options: &[&'a str], p: u16) -> &'a str {
    options[usize::from(p) % options.len()]
}

/// One valid row: a value for each of `kind.columns()` (absent columns are ignored).
/// `i` is the row's index (names and ids are unique by it); `names` holds the names of
/// the rows before (a team's parent may be one of them).
fn valid_row(
    kind: ImportKind,
    i: usize,
    picks: &[u16],
    present: &dyn Fn(&str) -> bool,
    names: &[String],
) -> Vec<String> {
    let cols = kind.columns();
    let p = |col: &str| picks[cols.iter().position(|c| *c == col).unwrap()];
    let mut v: BTreeMap<&str, String> = BTreeMap::new();
    let mut set = |col: &'static str, value: String| {
        v.insert(col, value);
    };
    let id = 1000 + i;
    let reps = ["Anna Smith", "иван петров", "王小明", " Anna Smith "];
    let stages = [
        "lead",
        "Qualified",
        "opportunity",
        "proposal",
        "NEGOTIATION",
    ];
    match kind {
        ImportKind::Teams => {
            let n = p("name");
            set(
                "name",
                match n % 5 {
                    0 => format!("Team {i}"),
                    1 => format!("Команда {i}"),
                    2 => format!("团队{i}"),
                    3 => format!("فريق {i}"),
                    _ => format!("\"Équipe\", {i}"),
                },
            );
            let q = p("parent");
            let parent = match q % 4 {
                0 => String::new(),
                1 => "Sales".into(),
                2 => " north ".into(),
                _ if i > 0 => names[usize::from(q) % i].to_uppercase(),
                _ => String::new(),
            };
            set("parent", parent);
        }
        ImportKind::Reps => {
            let n = p("name");
            set(
                "name",
                match n % 4 {
                    0 => format!("Rep {i}"),
                    1 => format!("Представитель {i}"),
                    2 => format!("代表{i}"),
                    _ => format!("O'Brien; Jr {i}"),
                },
            );
            set(
                "team",
                pick(&["Sales", "North", "south", " South "], p("team")).into(),
            );
            set(
                "region",
                pick(
                    &["", "Москва", "東京", "São Paulo, BR", "two\nlines"],
                    p("region"),
                )
                .into(),
            );
            set(
                "hired_on",
                date_text(past_day(p("hired_on")), p("hired_on"), true),
            );
            set(
                "active",
                pick(&["", "1", "0", "true", "no", "Да", "нет", "Y"], p("active")).into(),
            );
        }
        ImportKind::Plans => {
            set("rep", pick(&reps, p("rep")).into());
            let q = p("month");
            let (y, m) = (2025 + i32::from(q / 12 % 2), u32::from(q % 12) + 1);
            let first = NaiveDate::from_ymd_opt(y, m, 1).unwrap();
            let month = if q % 2 == 0 {
                first.format("%Y-%m")
            } else {
                first.format("%m.%Y")
            };
            set("month", month.to_string());
            let r = p("revenue_target");
            set(
                "revenue_target",
                if r % 5 == 0 {
                    String::new()
                } else {
                    money_text(r)
                },
            );
            for c in ["units_target", "calls_target", "meetings_target"] {
                set(c, count_text(p(c)));
            }
        }
        ImportKind::Campaigns => {
            set(
                "name",
                match p("name") % 4 {
                    0 => format!("Campaign {i}"),
                    1 => format!("Кампания {i}"),
                    2 => format!("キャンペーン{i}"),
                    _ => format!("Promo \"{i}\""),
                },
            );
            set(
                "channel",
                pick(
                    &[
                        "email",
                        "Social",
                        "events",
                        "cold_calls",
                        "Cold-Calls",
                        "ads",
                        "referral",
                        " other ",
                    ],
                    p("channel"),
                )
                .into(),
            );
            let starts = past_day(p("starts_on"));
            let ends = starts + Duration::days(i64::from(p("ends_on") % 400));
            set("starts_on", date_text(starts, p("starts_on"), false));
            set("ends_on", date_text(ends, p("ends_on"), false));
            for c in ["cost", "baseline_revenue"] {
                let q = p(c);
                set(
                    c,
                    if q % 4 == 0 {
                        String::new()
                    } else {
                        money_text(q)
                    },
                );
            }
        }
        ImportKind::Customers => {
            set(
                "id",
                match p("id") % 3 {
                    0 => String::new(),
                    1 => id.to_string(),
                    _ => format!("#{id}"),
                },
            );
            set(
                "name",
                pick(
                    &["Acme", "Northwind, Ltd", "ООО Ромашка", "株式会社", "\"Q\""],
                    p("name"),
                )
                .into(),
            );
            set("region", pick(&["", "Kazan", "Алматы"], p("region")).into());
            set(
                "rep",
                pick(&["", "Anna Smith", "иван петров"], p("rep")).into(),
            );
            let acquired = past_day(p("acquired_on"));
            set("acquired_on", date_text(acquired, p("acquired_on"), false));
            let q = p("churned_on");
            let churned = (acquired + Duration::days(i64::from(q % 300))).min(day("2026-11-20"));
            set(
                "churned_on",
                if q % 3 == 0 {
                    date_text(churned, q, false)
                } else {
                    String::new()
                },
            );
            set(
                "campaign",
                pick(&["", "Autumn mail", "autumn MAIL"], p("campaign")).into(),
            );
        }
        ImportKind::Deals => {
            set(
                "id",
                match p("id") % 3 {
                    0 => String::new(),
                    1 => id.to_string(),
                    _ => format!("#{id}"),
                },
            );
            set("rep", pick(&reps, p("rep")).into());
            set(
                "customer",
                pick(&["", "Acme", "#2", "ооо ромашка"], p("customer")).into(),
            );
            set("campaign", pick(&["", "Autumn mail"], p("campaign")).into());
            set("amount", money_text(p("amount")));
            let c = p("cost");
            set(
                "cost",
                if c % 3 == 0 {
                    String::new()
                } else {
                    money_text(c)
                },
            );
            set("units", count_text(p("units")));
            set(
                "score",
                pick(&["", "1", "2", "3", " 4 ", "5"], p("score")).into(),
            );
            set(
                "kind",
                pick(
                    &["", "new", "Upsell", "cross-sell", "Cross Sell", "renewal"],
                    p("kind"),
                )
                .into(),
            );
            set(
                "product",
                pick(&["", "Widget", "Виджет, большой", "a;b\tc"], p("product")).into(),
            );
            set(
                "location",
                pick(&["", "Kazan", "東京"], p("location")).into(),
            );
            let created = day("2026-01-03").and_hms_opt(10, 30, 0).unwrap()
                + Duration::days(i64::from(p("created_at") % 270));
            set("created_at", instant_text(created, p("created_at")));
            // Closed stages need closed_at; open ones must not have it.
            let s = p("stage");
            let can_close = present("closed_at") && present("stage");
            let stage = match s % 8 {
                6 if can_close => "won",
                7 if can_close => "Lost",
                0 => "",
                k => stages[usize::from(k) % stages.len()],
            };
            set("stage", stage.into());
            let q = p("closed_at");
            let closed = created + Duration::days(2 + i64::from(q % 40));
            set(
                "closed_at",
                if matches!(stage, "won" | "Lost") {
                    instant_text(closed, q)
                } else {
                    String::new()
                },
            );
            set(
                "lost_reason",
                pick(&["", "price", "цена, сроки"], p("lost_reason")).into(),
            );
            let f = p("lost_from_stage");
            set(
                "lost_from_stage",
                if stage == "Lost" && f % 2 == 1 {
                    pick(&stages, f / 2).into()
                } else {
                    String::new()
                },
            );
        }
        ImportKind::StageChanges => {
            set("deal_id", pick(&["1", "2", "#3"], p("deal_id")).into());
            let all = [
                "lead",
                "qualified",
                "proposal",
                "negotiation",
                "won",
                "LOST",
            ];
            let f = p("from_stage");
            set(
                "from_stage",
                if f % 3 == 0 {
                    String::new()
                } else {
                    pick(&all, f).into()
                },
            );
            set("to_stage", pick(&all, p("to_stage")).into());
            let at = day("2026-01-03").and_hms_opt(9, 0, 0).unwrap()
                + Duration::days(i64::from(p("at") % 300));
            set("at", instant_text(at, p("at")));
        }
        ImportKind::Invoices => {
            set("deal_id", pick(&["1", "2", "#3"], p("deal_id")).into());
            set("amount", money_text(p("amount")));
            let issued = past_day(p("issued_on"));
            let due = issued + Duration::days(i64::from(p("due_on") % 90));
            set("issued_on", date_text(issued, p("issued_on"), false));
            set("due_on", date_text(due, p("due_on"), false));
            let q = p("paid_on");
            set(
                "paid_on",
                if q % 2 == 0 {
                    String::new()
                } else {
                    date_text(past_day(q), q / 2, true)
                },
            );
        }
    }
    cols.iter()
        .map(|c| v.remove(c).unwrap_or_default())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Garbage

/// Cells that break things: empty, huge, quotes, line breaks, NUL, BOM, delimiters,
/// invalid UTF-8, numbers out of range, other scripts' digits, bidi and escapes, dates
/// outside what the database takes. `{v}` is the valid value the cell would have had.
fn garbage(g: u8, valid: &str) -> Vec<u8> {
    let text: String = match g % 40 {
        0 => String::new(),
        1 => " ".into(),
        2 => "\"".into(),
        3 => "a\"b\"\"c".into(),
        4 => format!("{valid}\n"),
        5 => "x\r\ny\rz".into(),
        6 => "\0".into(),
        7 => format!("{valid}\0"),
        8 => "\u{feff}".into(),
        9 => ",".into(),
        10 => ";".into(),
        11 => "\t".into(),
        12 => "9".repeat(400),
        13 => "-1".into(),
        14 => "-0".into(),
        15 => "1e400".into(),
        16 => "９".into(),
        17 => format!("\u{202e}{valid}"),
        18 => "\u{1b}[31m\u{1b}]0;title\u{7}".into(),
        19 => "NULL".into(),
        20 => "#0".into(),
        21 => "#-1".into(),
        22 => "9223372036854775808".into(),
        23 => "🚀".into(),
        24 => "x".repeat(5000),
        25 => format!("{valid}x"),
        26 => valid.to_uppercase(),
        27 => format!("  {valid}  "),
        28 => "1969-12-31".into(),
        29 => "1000-01-01 00:00".into(),
        30 => "0999-12-31".into(),
        31 => "9999-12-31T23:59:59Z".into(),
        32 => "-5".into(),
        33 => "2026-02-30".into(),
        34 => "12.5.2026".into(),
        35 => "1:-5".into(),
        // Not UTF-8: a lone continuation byte, a cut sequence, a surrogate.
        36 => return [valid.as_bytes(), b"\xff\xfe"].concat(),
        37 => return b"abc\xc3".to_vec(),
        38 => return b"\xed\xa0\x80".to_vec(),
        _ => valid.replace(|c: char| c.is_ascii_digit(), "٣"),
    };
    text.into_bytes()
}

// ---------------------------------------------------------------------------------------
// Files

#[derive(Debug, Clone)]
struct CellPlan {
    pick: u16,
    garbage: Option<u8>,
}

#[derive(Debug, Clone)]
struct RowPlan {
    cells: Vec<CellPlan>,
    /// Blank lines before the row.
    blank_before: u8,
    /// Fewer cells (negative) or more cells (positive; odd counts hold text).
    ragged: Option<i8>,
}

/// What can be wrong with a header.
#[derive(Debug, Clone, Copy)]
enum HeaderMess {
    DropRequired,
    Unknown,
    Twice,
    NotUtf8,
}

#[derive(Debug, Clone)]
struct Plan {
    /// Whether each optional column is in the header.
    optional: Vec<bool>,
    /// The header's order: a permutation of column indexes.
    order: Vec<usize>,
    /// Spelling of each header name (case, spaces).
    spelling: Vec<u8>,
    /// False: no garbage at all, the file must import.
    garbage: bool,
    mess: Option<(HeaderMess, u8)>,
    rows: Vec<RowPlan>,
    delimiter: u8,
    crlf: bool,
    bom: bool,
    final_newline: bool,
}

const MAX_COLS: usize = 20;

fn plan(kind: ImportKind) -> impl Strategy<Value = Plan> {
    let n = kind.columns().len();
    let cell = (any::<u16>(), prop::option::weighted(0.12, any::<u8>()))
        .prop_map(|(pick, garbage)| CellPlan { pick, garbage });
    let row = (
        prop::collection::vec(cell, MAX_COLS),
        prop_oneof![6 => Just(0u8), 1 => 1u8..3],
        prop::option::weighted(0.08, -3i8..=3),
    )
        .prop_map(|(cells, blank_before, ragged)| RowPlan {
            cells,
            blank_before,
            ragged,
        });
    let mess = prop_oneof![
        Just(HeaderMess::DropRequired),
        Just(HeaderMess::Unknown),
        Just(HeaderMess::Twice),
        Just(HeaderMess::NotUtf8),
    ];
    (
        prop::collection::vec(any::<bool>(), n),
        Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
        prop::collection::vec(any::<u8>(), n),
        any::<bool>(),
        prop::option::weighted(0.1, (mess, any::<u8>())),
        prop::collection::vec(row, 0..10),
        prop::sample::select(vec![b',', b',', b';', b'\t']),
        any::<bool>(),
        any::<bool>(),
        prop_oneof![4 => Just(true), 1 => Just(false)],
    )
        .prop_map(
            |(
                optional,
                order,
                spelling,
                garbage,
                mess,
                rows,
                delimiter,
                crlf,
                bom,
                final_newline,
            )| {
                Plan {
                    optional,
                    order,
                    spelling,
                    garbage,
                    mess,
                    rows,
                    delimiter,
                    crlf,
                    bom,
                    final_newline,
                }
            },
        )
}

/// A file built from a plan, and what the importer should see in it.
struct File {
    bytes: Vec<u8>,
    /// Lines in the file (the header is line 1).
    lines: u64,
    /// The line where each non-blank data row starts.
    row_lines: Vec<u64>,
    /// Whether the header is as it should be.
    header_ok: bool,
    /// No garbage reached the file: every row must import.
    clean: bool,
}

fn quote(cell: &[u8], delimiter: u8) -> Vec<u8> {
    let special = cell
        .iter()
        .any(|b| matches!(b, b'"' | b'\n' | b'\r' | b',' | b';' | b'\t') || *b == delimiter);
    if !special {
        return cell.to_vec();
    }
    let mut out = vec![b'"'];
    for b in cell {
        if *b == b'"' {
            out.push(b'"');
        }
        out.push(*b);
    }
    out.push(b'"');
    out
}

/// True when the importer sees nothing in the row (after cleaning and trimming).
fn blank(cells: &[Vec<u8>]) -> bool {
    cells.iter().all(|c| match std::str::from_utf8(c) {
        Ok(s) => salesboard::text::clean(s).trim().is_empty(),
        Err(_) => false,
    })
}

fn build(kind: ImportKind, plan: &Plan) -> File {
    let cols = kind.columns();
    let required = kind.required();
    let garbage_on = plan.garbage;
    // The header: required columns always, optional ones as planned, in the planned order.
    let mut header: Vec<usize> = plan
        .order
        .iter()
        .copied()
        .filter(|&k| required.contains(&cols[k]) || plan.optional[k])
        .collect();
    let mut header_names: Vec<Vec<u8>> = header
        .iter()
        .map(|&k| {
            let c = cols[k];
            match plan.spelling[k] % 4 {
                0 => c.to_string(),
                1 => c.to_uppercase(),
                2 => format!(" {c} "),
                _ => {
                    let mut s = c.to_string();
                    s[..1].make_ascii_uppercase();
                    s
                }
            }
            .into_bytes()
        })
        .collect();
    // Extra columns (unknown ones) hold this index.
    const EXTRA: usize = usize::MAX;
    let mut header_ok = true;
    if let (true, Some((mess, at))) = (garbage_on, plan.mess) {
        header_ok = false;
        let at = usize::from(at) % (header.len() + 1);
        match mess {
            HeaderMess::DropRequired => {
                let k = header
                    .iter()
                    .position(|k| required.contains(&cols[*k]))
                    .unwrap();
                header.remove(k);
                header_names.remove(k);
                if header.is_empty() {
                    // An empty header line would be skipped as blank: name a wrong column.
                    header.push(EXTRA);
                    header_names.push(b"nam".to_vec());
                }
            }
            HeaderMess::Unknown => {
                header.insert(at, EXTRA);
                header_names.insert(at, b"amout".to_vec());
            }
            HeaderMess::Twice => {
                let k = at % header.len();
                header.push(header[k]);
                header_names.push(cols[header[k]].as_bytes().to_vec());
            }
            HeaderMess::NotUtf8 => {
                header.insert(at, EXTRA);
                header_names.insert(at, b"na\xffme".to_vec());
            }
        }
    }
    let present = |c: &str| header.iter().any(|&k| k != EXTRA && cols[k] == c);

    let newline: &[u8] = if plan.crlf { b"\r\n" } else { b"\n" };
    let delimiter = if header.len() < 2 {
        b','
    } else {
        plan.delimiter
    };
    let mut bytes = Vec::new();
    if plan.bom {
        bytes.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut line = 1u64;
    let write_row = |bytes: &mut Vec<u8>, line: &mut u64, cells: &[Vec<u8>]| {
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                bytes.push(delimiter);
            }
            let q = quote(c, delimiter);
            *line += q.iter().filter(|b| **b == b'\n').count() as u64;
            bytes.extend_from_slice(&q);
        }
    };
    write_row(&mut bytes, &mut line, &header_names);

    let mut clean = header_ok;
    let mut row_lines = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let name_col = cols.iter().position(|c| *c == "name");
    for (i, r) in plan.rows.iter().enumerate() {
        let picks: Vec<u16> = r.cells.iter().map(|c| c.pick).collect();
        let valid = valid_row(kind, i, &picks, &present, &names);
        if let Some(k) = name_col {
            names.push(valid[k].trim().to_string());
        }
        let mut cells: Vec<Vec<u8>> = Vec::new();
        for (pos, &k) in header.iter().enumerate() {
            let plan_cell = &r.cells[pos % MAX_COLS];
            let value = if k == EXTRA {
                String::new()
            } else {
                valid[k].clone()
            };
            match plan_cell.garbage.filter(|_| garbage_on) {
                Some(g) => {
                    clean = false;
                    cells.push(garbage(g, &value));
                }
                None => cells.push(value.into_bytes()),
            }
        }
        if let (true, Some(n)) = (garbage_on, r.ragged) {
            if n < 0 {
                let keep = cells.len().saturating_sub(n.unsigned_abs().into());
                cells.truncate(keep);
                clean = false;
            } else {
                for j in 0..n {
                    let text = n % 2 == 1 && j == 0;
                    cells.push(if text { b"x".to_vec() } else { Vec::new() });
                    clean &= !text;
                }
            }
        }
        for _ in 0..r.blank_before {
            bytes.extend_from_slice(newline);
            line += 1;
        }
        bytes.extend_from_slice(newline);
        line += 1;
        if !blank(&cells) {
            row_lines.push(line);
        }
        write_row(&mut bytes, &mut line, &cells);
    }
    if plan.final_newline {
        bytes.extend_from_slice(newline);
        line += 1;
    }
    // A final line break ends the last line rather than starting one.
    let lines = if bytes.ends_with(b"\n") {
        line - 1
    } else {
        line
    };
    File {
        bytes,
        lines,
        row_lines,
        header_ok,
        clean,
    }
}

// ---------------------------------------------------------------------------------------
// The properties

fn counts(store: &Store) -> BTreeMap<String, i64> {
    store.row_counts().unwrap().into_iter().collect()
}

/// The reason names a column of the file (or says why no column can be named).
fn names_a_column(kind: ImportKind, e: &RowError) -> bool {
    let r = e.reason.as_str();
    if e.line == 1 {
        return r.contains("missing required column")
            || r.contains("unknown column '")
            || (r.starts_with("column '") && r.contains("appears twice"));
    }
    kind.columns()
        .iter()
        .any(|c| r.starts_with(&format!("{c}: ")))
        || (r.starts_with("field ") && r.contains(": not valid UTF-8"))
        || (r.starts_with("has ") && r.contains(" fields, the header has "))
}

/// How the cases of one kind ended: imported with rows, refused at the header, refused
/// for bad rows.
#[derive(Debug, Default)]
struct Tally {
    imported: u32,
    header: u32,
    rows: u32,
}

fn check(kind: ImportKind, plan: &Plan, tally: &mut Tally) -> Result<(), TestCaseError> {
    let file = build(kind, plan);
    let show = || String::from_utf8_lossy(&file.bytes).into_owned();
    let (_dir, mut store) = fresh();
    let before = counts(&store);
    let result = store.import_csv(&actor(), kind, file.bytes.as_slice());
    let after = counts(&store);
    let problems = store.integrity_problems().unwrap();
    prop_assert!(problems.is_empty(), "{problems:?}\n{}", show());
    match result {
        Ok(report) => {
            prop_assert!(file.header_ok, "a bad header was accepted:\n{}", show());
            prop_assert_eq!(report.rows, file.row_lines.len(), "data rows\n{}", show());
            prop_assert_eq!(report.created + report.updated, report.rows);
            tally.imported += u32::from(report.rows > 0);
            if kind != ImportKind::Plans {
                prop_assert_eq!(report.updated, 0);
            }
            for (table, n) in &after {
                if table == "change_log" {
                    // The triggers' notes for open boards: one per new row at least.
                    prop_assert!(
                        *n >= before[table] + report.created as i64,
                        "change_log notes\n{}",
                        show()
                    );
                    continue;
                }
                let expect = before[table]
                    + if table == kind.table() {
                        report.created as i64
                    } else if table == "audit_log" {
                        i64::from(report.rows > 0)
                    } else {
                        0
                    };
                prop_assert_eq!(*n, expect, "rows in {}\n{}", table, show());
            }
        }
        Err(StoreError::Rows(errors)) => {
            prop_assert!(
                !file.clean,
                "a file without garbage was refused: {errors:?}\n{}",
                show()
            );
            prop_assert!(!errors.is_empty());
            if errors[0].line == 1 {
                tally.header += 1;
            } else {
                tally.rows += 1;
            }
            prop_assert_eq!(&after, &before, "a refused import changed the database");
            let mut last = 0;
            for e in &errors {
                prop_assert!(
                    (1..=file.lines).contains(&e.line),
                    "{e} — the file has {} lines\n{}",
                    file.lines,
                    show()
                );
                if e.line == 1 {
                    prop_assert!(!file.header_ok, "{e}\n{}", show());
                } else {
                    prop_assert!(
                        file.row_lines.contains(&e.line),
                        "{e} — rows start at lines {:?}\n{}",
                        file.row_lines,
                        show()
                    );
                    prop_assert!(e.line > last, "rows listed in order, once: {errors:?}");
                }
                last = e.line;
                prop_assert!(
                    names_a_column(kind, e),
                    "{e} — names no column of {kind}\n{}",
                    show()
                );
            }
        }
        Err(other) => {
            return Err(TestCaseError::fail(format!(
                "not a list of bad rows: {other:?}\n{}",
                show()
            )));
        }
    }
    Ok(())
}

fn run(kind: ImportKind) {
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        max_shrink_iters: 300,
        ..Config::default()
    });
    let tally = std::cell::RefCell::new(Tally::default());
    if let Err(e) = runner.run(&plan(kind), |p| check(kind, &p, &mut tally.borrow_mut())) {
        panic!("{kind}: {e}");
    }
    let tally = tally.into_inner();
    eprintln!("{kind}: {tally:?}");
    // Both outcomes happen (about half the files have no garbage at all).
    assert!(tally.imported > 0 && tally.rows > 0, "{kind}: {tally:?}");
}

#[test]
fn teams() {
    run(ImportKind::Teams);
}

#[test]
fn reps() {
    run(ImportKind::Reps);
}

#[test]
fn plans() {
    run(ImportKind::Plans);
}

#[test]
fn campaigns() {
    run(ImportKind::Campaigns);
}

#[test]
fn customers() {
    run(ImportKind::Customers);
}

#[test]
fn deals() {
    run(ImportKind::Deals);
}

#[test]
fn stage_changes() {
    run(ImportKind::StageChanges);
}

#[test]
fn invoices() {
    run(ImportKind::Invoices);
}

/// The generator itself: a clean plan gives a clean file that imports, and the cases
/// cover what they should (garbage, bad headers, ragged rows, blank lines, CRLF).
#[test]
fn the_generator_makes_valid_files_and_every_kind_of_garbage() {
    let mut runner = TestRunner::deterministic();
    let mut seen = BTreeMap::<&str, u32>::new();
    for kind in ImportKind::ALL {
        for _ in 0..32 {
            let p = plan(kind).new_tree(&mut runner).unwrap().current();
            let f = build(kind, &p);
            *seen.entry("clean").or_default() += u32::from(f.clean && !f.row_lines.is_empty());
            *seen.entry("garbage").or_default() += u32::from(!f.clean);
            *seen.entry("bad header").or_default() += u32::from(!f.header_ok);
            *seen.entry("blank lines or multi-line cells").or_default() +=
                u32::from(f.lines > f.row_lines.len() as u64 + 1);
            *seen.entry("semicolon").or_default() += u32::from(p.delimiter == b';');
        }
    }
    for (what, n) in &seen {
        assert!(*n > 0, "no case with {what}: {seen:?}");
    }
}
