//! CSV import and export (formats documented in docs/csv.md).
//!
//! Import reads a whole file, validates every row inside one IMMEDIATE transaction and
//! either stores all of it or nothing: any bad row → `StoreError::Rows` listing every bad
//! row with its line number and a one-line reason naming the column. References between
//! tables are by name (a rep's team, a deal's rep, …), so a CRM export needs no ids except
//! the deal id that stage changes and invoices point to.
//!
//! Export writes one table with a header, money in major units (`1234.50`), instants as
//! RFC 3339 in the local time zone (`2026-11-20T14:30:00+03:00`) and every text cell
//! passed through [`crate::text::clean`]. Exports of the importable kinds are re-importable
//! into an empty database.

use super::lossy::RowExt;
use super::{Actor, Result, Store, StoreError};
use crate::input;
use crate::model::{Channel, DealKind, Stage, Timestamp};
use crate::period::day_start;
use chrono::{DateTime, Local, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{Read, Write};
use std::str::FromStr;

/// What a CSV file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Teams,
    Reps,
    Plans,
    Customers,
    Campaigns,
    Deals,
    StageChanges,
    Invoices,
}

impl ImportKind {
    /// Every kind, in the order a complete import should run (references point backwards).
    pub const ALL: [ImportKind; 8] = [
        ImportKind::Teams,
        ImportKind::Reps,
        ImportKind::Plans,
        ImportKind::Campaigns,
        ImportKind::Customers,
        ImportKind::Deals,
        ImportKind::StageChanges,
        ImportKind::Invoices,
    ];

    /// The name used on the command line and in messages: `teams`, `stage_changes`, …
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Teams => "teams",
            ImportKind::Reps => "reps",
            ImportKind::Plans => "plans",
            ImportKind::Customers => "customers",
            ImportKind::Campaigns => "campaigns",
            ImportKind::Deals => "deals",
            ImportKind::StageChanges => "stage_changes",
            ImportKind::Invoices => "invoices",
        }
    }

    /// The SQL table the rows go to.
    pub fn table(self) -> &'static str {
        match self {
            ImportKind::Teams => "team",
            ImportKind::Reps => "rep",
            ImportKind::Plans => "plan",
            ImportKind::Customers => "customer",
            ImportKind::Campaigns => "campaign",
            ImportKind::Deals => "deal",
            ImportKind::StageChanges => "stage_change",
            ImportKind::Invoices => "invoice",
        }
    }

    /// Every column the file may have, in the order an export writes them.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            ImportKind::Teams => &["name", "parent"],
            ImportKind::Reps => &["name", "team", "region", "hired_on", "active"],
            ImportKind::Plans => &[
                "rep",
                "month",
                "revenue_target",
                "units_target",
                "calls_target",
                "meetings_target",
            ],
            ImportKind::Customers => &[
                "id",
                "name",
                "region",
                "rep",
                "acquired_on",
                "churned_on",
                "campaign",
            ],
            ImportKind::Campaigns => &[
                "name",
                "channel",
                "cost",
                "starts_on",
                "ends_on",
                "baseline_revenue",
            ],
            ImportKind::Deals => &[
                "id",
                "rep",
                "customer",
                "campaign",
                "amount",
                "cost",
                "units",
                "score",
                "kind",
                "product",
                "location",
                "created_at",
                "stage",
                "closed_at",
                "lost_reason",
                "lost_from_stage",
            ],
            ImportKind::StageChanges => &["deal_id", "from_stage", "to_stage", "at"],
            ImportKind::Invoices => &["deal_id", "amount", "issued_on", "due_on", "paid_on"],
        }
    }

    /// The columns the header must have (their cells must not be empty either).
    pub fn required(self) -> &'static [&'static str] {
        match self {
            ImportKind::Teams => &["name"],
            ImportKind::Reps => &["name", "team", "hired_on"],
            ImportKind::Plans => &["rep", "month"],
            ImportKind::Customers => &["name", "acquired_on"],
            ImportKind::Campaigns => &["name", "channel", "starts_on", "ends_on"],
            ImportKind::Deals => &["rep", "amount", "created_at"],
            ImportKind::StageChanges => &["deal_id", "to_stage", "at"],
            ImportKind::Invoices => &["deal_id", "amount", "issued_on", "due_on"],
        }
    }
}

impl fmt::Display for ImportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ImportKind {
    type Err = String;
    /// Accepts the plural kind (`deals`), the table name (`deal`), any case, `-` for `_`.
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let norm = s.trim().to_lowercase().replace(['-', ' '], "_");
        ImportKind::ALL
            .into_iter()
            .find(|k| k.as_str() == norm || k.table() == norm)
            .ok_or_else(|| {
                let names: Vec<&str> = ImportKind::ALL.iter().map(|k| k.as_str()).collect();
                format!(
                    "cannot import '{}': the kinds are {}",
                    crate::text::clean(s.trim()),
                    names.join(", ")
                )
            })
    }
}

/// One rejected CSV row: its line number in the file (the header is line 1) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Data rows read (blank lines not counted) = created + updated.
    pub rows: usize,
    /// Rows that became new database rows.
    pub created: usize,
    /// Rows that changed an existing row (only plans: an existing rep and month is updated).
    pub updated: usize,
}

/// The kinds `export_csv` knows, in schema order.
pub const EXPORT_KINDS: &[&str] = &[
    "teams",
    "reps",
    "plans",
    "team_plans",
    "customers",
    "campaigns",
    "deals",
    "stage_changes",
    "activities",
    "satisfaction",
    "knowledge_tests",
    "inquiries",
    "invoices",
    "audit_log",
];

impl Store {
    /// The kinds [`Store::export_csv`] accepts.
    pub const EXPORT_KINDS: &'static [&'static str] = EXPORT_KINDS;

    /// Imports a whole CSV file in one transaction: any bad row → nothing is imported, and
    /// `StoreError::Rows` lists every bad row.
    pub fn import_csv(
        &mut self,
        actor: &Actor,
        kind: ImportKind,
        mut input: impl Read,
    ) -> Result<ImportReport> {
        // Imports are for admins: refuse before reading the file (checked again when the
        // rows are written, inside the write lock).
        if self.permit_for(actor.uid)?.role != super::Role::Admin {
            return Err(StoreError::Denied(
                "only an admin may import into this database".into(),
            ));
        }
        let mut bytes = Vec::new();
        input
            .read_to_end(&mut bytes)
            .map_err(|e| StoreError::Other(format!("cannot read the CSV file: {e}")))?;
        let Some((layout, mut reader)) = RowReader::open(kind, &bytes)? else {
            return Ok(ImportReport::default());
        };
        // A header-only file changes nothing: don't take the write lock for it.
        let Some(first) = reader.next() else {
            return Ok(ImportReport::default());
        };
        self.write(actor, |tx, audit| {
            let mut imp = Importer::new(tx, actor, kind)?;
            let mut errors = Vec::new();
            let mut rows = 0;
            for item in std::iter::once(first).chain(reader) {
                let row = match item {
                    Ok(row) => row,
                    Err(e) => {
                        errors.push(e);
                        continue;
                    }
                };
                rows += 1;
                let mut cells = Cells {
                    row: &row,
                    layout: &layout,
                    errs: Vec::new(),
                };
                match imp.row(&mut cells) {
                    Ok(Done::Created) => imp.created += 1,
                    Ok(Done::Updated) => imp.updated += 1,
                    Err(RowFail::Bad(reason)) => {
                        imp.failed_row(&row, &layout);
                        errors.push(RowError {
                            line: row.line,
                            reason,
                        });
                    }
                    Err(RowFail::Store(e)) => return Err(e),
                }
            }
            if !errors.is_empty() {
                errors.sort_by_key(|e| e.line);
                return Err(StoreError::Rows(errors));
            }
            let report = ImportReport {
                rows,
                created: imp.created,
                updated: imp.updated,
            };
            audit.record(
                tx,
                "import",
                kind.table(),
                None,
                None,
                Some(json!({"kind": kind.as_str(), "rows": report.rows,
                    "created": report.created, "updated": report.updated})),
            )?;
            Ok(report)
        })
    }

    /// Writes one table as CSV; returns the number of rows written. `kind` is one of
    /// [`Store::EXPORT_KINDS`] (the table's own name and `-` for `_` are accepted too).
    pub fn export_csv(&self, kind: &str, out: impl Write) -> Result<usize> {
        self.export_csv_for(&self.permit()?, kind, out)
    }

    /// [`Store::export_csv`] as seen by `permit`: the audit log is for admins; rows of reps
    /// in teams the user may not see are left out (customers without an owner and
    /// campaigns are shared).
    pub fn export_csv_for(
        &self,
        permit: &super::Permit,
        kind: &str,
        out: impl Write,
    ) -> Result<usize> {
        let spec = export_spec(kind)?;
        if spec.kind == "audit_log" && permit.role != super::Role::Admin {
            return Err(StoreError::Denied(format!(
                "only an admin may export the audit log (your role is {})",
                permit.role.as_str()
            )));
        }
        let shows = |key: Option<i64>, team: Option<i64>| match spec.kind {
            _ if permit.sees_all() => true,
            "teams" => key.is_some_and(|t| permit.sees_team(t)),
            "campaigns" => true,
            "customers" => team.is_none_or(|t| permit.sees_team(t)),
            _ => team.is_some_and(|t| permit.sees_team(t)),
        };
        // One read transaction, so the table and the names it refers to agree.
        let tx = self.conn().unchecked_transaction()?;
        let mut w = csv::Writer::from_writer(out);
        let werr = |e: csv::Error| match e.kind() {
            csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe => {
                StoreError::OutputClosed
            }
            _ => StoreError::Other(format!("cannot write the CSV: {e}")),
        };
        w.write_record(spec.cols.iter().map(|c| c.0))
            .map_err(werr)?;
        // Teams are collected to put parents first; everything else streams.
        let mut teams: Vec<(i64, Option<i64>, Vec<String>)> = Vec::new();
        let mut written = 0;
        {
            let mut stmt = tx.prepare(spec.sql)?;
            let mut q = stmt.query([])?;
            while let Some(r) = q.next()? {
                // Columns 0 and 1 are a row key and its team (for teams, the parent), not written.
                if !shows(r.get(0)?, r.get(1)?) {
                    continue;
                }
                let mut cells = Vec::with_capacity(spec.cols.len());
                for (i, (_, fmt)) in spec.cols.iter().enumerate() {
                    cells.push(format_cell(r.value(i + 2)?, *fmt));
                }
                if spec.kind == "teams" {
                    let key: i64 = r.get::<_, Option<i64>>(0)?.unwrap_or_default();
                    if r.get::<_, Option<i64>>(1)?
                        .is_some_and(|p| !permit.sees_team(p))
                    {
                        cells[1].clear(); // a parent the user may not see is not named
                    }
                    teams.push((key, r.get(1)?, cells));
                } else {
                    w.write_record(&cells).map_err(werr)?;
                    written += 1;
                }
            }
        }
        for (_, _, cells) in parents_first(teams) {
            w.write_record(&cells).map_err(werr)?;
            written += 1;
        }
        w.flush().map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => StoreError::OutputClosed,
            _ => StoreError::Other(format!("cannot write the CSV: {e}")),
        })?;
        Ok(written)
    }
}

// ---------------------------------------------------------------------------------------
// Reading the file

/// Where each known column sits in the file's records.
#[derive(Clone)]
struct Layout {
    kind: ImportKind,
    /// Aligned with `kind.columns()`.
    index: Vec<Option<usize>>,
    width: usize,
}

impl Layout {
    fn position(&self, col: &str) -> Option<usize> {
        let k = self.kind.columns().iter().position(|c| *c == col)?;
        self.index.get(k).copied().flatten()
    }
}

/// One data row: line number and its cells, cleaned and trimmed, in file order.
struct Row {
    line: u64,
    cells: Vec<String>,
}

/// Picks the delimiter from the header line: `,` unless `;` or a tab is more frequent.
fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |d: u8| first.iter().filter(|b| **b == d).count();
    let (comma, semi, tab) = (count(b','), count(b';'), count(b'\t'));
    if semi > comma && semi >= tab {
        b';'
    } else if tab > comma && tab > semi {
        b'\t'
    } else {
        b','
    }
}

fn header_error(reason: String) -> StoreError {
    StoreError::Rows(vec![RowError { line: 1, reason }])
}

/// Reads a file's data rows one by one, after checking its header. Blank rows are skipped;
/// rows that cannot be read (bad UTF-8, wrong number of fields) come out as errors.
struct RowReader<'b> {
    bytes: &'b [u8],
    records: csv::ByteRecordsIntoIter<&'b [u8]>,
    layout: Layout,
    last_line: u64,
}

impl<'b> RowReader<'b> {
    /// The reader and the column layout; `None` for an empty file. A bad header is an
    /// error at once.
    fn open(kind: ImportKind, bytes: &'b [u8]) -> Result<Option<(Layout, RowReader<'b>)>> {
        // Without the BOM, the reader's byte offsets index `bytes`.
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let mut records = csv::ReaderBuilder::new()
            .delimiter(sniff_delimiter(bytes))
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes)
            .into_byte_records();
        let header = match records.next() {
            None => return Ok(None),
            Some(Err(e)) => return Err(header_error(format!("cannot read the header: {e}"))),
            Some(Ok(h)) => h,
        };
        let layout = read_header(kind, &header)?;
        let reader = RowReader {
            bytes,
            records,
            layout: layout.clone(),
            last_line: 1,
        };
        Ok(Some((layout, reader)))
    }

    /// Turns one record into a row, `None` for a blank one.
    fn row(&self, rec: &csv::ByteRecord, line: u64) -> Option<std::result::Result<Row, RowError>> {
        let mut cells = Vec::with_capacity(rec.len());
        let mut bad_utf8 = None;
        for (i, raw) in rec.iter().enumerate() {
            match std::str::from_utf8(raw) {
                Ok(s) => cells.push(crate::text::clean(s).trim().to_string()),
                Err(_) => {
                    bad_utf8.get_or_insert(i);
                    cells.push(String::new());
                }
            }
        }
        if let Some(i) = bad_utf8 {
            let col = header_name(&self.layout, i);
            return Some(Err(RowError {
                line,
                reason: format!("{col}: not valid UTF-8 text (save the file as UTF-8)"),
            }));
        }
        if cells.iter().all(|c| c.is_empty()) {
            return None; // a blank row, e.g. ",,,," at the end of a spreadsheet export
        }
        let width = self.layout.width;
        if cells.len() < width || cells.iter().skip(width).any(|c| !c.is_empty()) {
            return Some(Err(RowError {
                line,
                reason: format!(
                    "has {} fields, the header has {} (a missing or extra delimiter?)",
                    cells.len(),
                    width
                ),
            }));
        }
        Some(Ok(Row { line, cells }))
    }
}

impl Iterator for RowReader<'_> {
    type Item = std::result::Result<Row, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let rec = match self.records.next()? {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map(|p| p.line()).unwrap_or(self.last_line + 1);
                    self.last_line = line;
                    return Some(Err(RowError {
                        line,
                        reason: format!(
                            "cannot read the row: {}",
                            crate::text::clean(&e.to_string())
                        ),
                    }));
                }
            };
            let line = rec
                .position()
                .map(|p| p.line() + blank_lines_at(self.bytes, p.byte()))
                .unwrap_or(self.last_line + 1);
            self.last_line = line;
            if let Some(item) = self.row(&rec, line) {
                return Some(item);
            }
        }
    }
}

/// The csv reader skips blank lines but reports a record at the line where the skipping
/// started: the number of line breaks before the record's first byte.
fn blank_lines_at(bytes: &[u8], offset: u64) -> u64 {
    let start = usize::try_from(offset).unwrap_or(usize::MAX);
    bytes
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| matches!(b, b'\n' | b'\r'))
        .filter(|b| **b == b'\n')
        .count() as u64
}

/// The column name at file position `i`, for messages.
fn header_name(layout: &Layout, i: usize) -> String {
    layout
        .index
        .iter()
        .position(|p| *p == Some(i))
        .and_then(|k| layout.kind.columns().get(k))
        .map(|c| c.to_string())
        .unwrap_or_else(|| format!("field {}", i + 1))
}

fn read_header(kind: ImportKind, header: &csv::ByteRecord) -> Result<Layout> {
    let cols = kind.columns();
    let mut index = vec![None; cols.len()];
    let mut unknown = Vec::new();
    let mut duplicate = Vec::new();
    for (i, raw) in header.iter().enumerate() {
        let name = String::from_utf8_lossy(raw);
        let name = crate::text::clean(name.trim_start_matches('\u{feff}'))
            .trim()
            .to_lowercase();
        if name.is_empty() && i + 1 == header.len() && i > 0 {
            continue; // a trailing delimiter after the last column
        }
        match cols.iter().position(|c| *c == name) {
            Some(k) if index[k].is_some() => duplicate.push(name),
            Some(k) => index[k] = Some(i),
            None => unknown.push(name),
        }
    }
    let mut problems = Vec::new();
    let missing: Vec<&str> = kind
        .required()
        .iter()
        .filter(|c| {
            cols.iter()
                .position(|x| x == *c)
                .and_then(|k| index[k])
                .is_none()
        })
        .copied()
        .collect();
    if !missing.is_empty() {
        problems.push(format!(
            "missing required column{} {} (a {} file has: {})",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", "),
            kind,
            cols.join(", ")
        ));
    }
    for name in &unknown {
        let hint = cols
            .iter()
            .filter(|c| index[cols.iter().position(|x| x == *c).unwrap_or_default()].is_none())
            .map(|c| (edit_distance(name, c), *c))
            .min()
            .filter(|(d, _)| *d <= 2)
            .map(|(_, c)| format!(" — did you mean {c}?"))
            .unwrap_or_default();
        problems.push(format!(
            "unknown column '{name}'{hint} (a {kind} file has: {})",
            cols.join(", ")
        ));
    }
    for name in &duplicate {
        problems.push(format!("column '{name}' appears twice"));
    }
    if !problems.is_empty() {
        return Err(StoreError::Rows(
            problems
                .into_iter()
                .map(|reason| RowError { line: 1, reason })
                .collect(),
        ));
    }
    Ok(Layout {
        kind,
        index,
        width: header.len(),
    })
}

/// Levenshtein distance, for "did you mean" on a mistyped column name.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

// ---------------------------------------------------------------------------------------
// Values

/// The cells of one row, with the problems found so far.
struct Cells<'r> {
    row: &'r Row,
    layout: &'r Layout,
    errs: Vec<String>,
}

impl Cells<'_> {
    /// The cell of column `col`, or "" when the file has no such column.
    fn text(&self, col: &str) -> &str {
        self.layout
            .position(col)
            .and_then(|i| self.row.cells.get(i))
            .map(String::as_str)
            .unwrap_or("")
    }

    fn fail(&mut self, col: &str, reason: impl fmt::Display) {
        self.errs.push(format!("{col}: {reason}"));
    }

    /// A value that must be present.
    fn req<T>(
        &mut self,
        col: &str,
        parse: impl FnOnce(&str) -> std::result::Result<T, String>,
    ) -> Option<T> {
        let t = self.text(col);
        if t.is_empty() {
            self.fail(col, "a value is required");
            return None;
        }
        match parse(t) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(col, e);
                None
            }
        }
    }

    /// A value that may be empty (→ `None`; a bad value is recorded and also gives `None`).
    fn opt<T>(
        &mut self,
        col: &str,
        parse: impl FnOnce(&str) -> std::result::Result<T, String>,
    ) -> Option<T> {
        let t = self.text(col);
        if t.is_empty() {
            return None;
        }
        match parse(t) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(col, e);
                None
            }
        }
    }

    /// Err with every problem of the row, joined into one line.
    fn done(&mut self) -> std::result::Result<(), RowFail> {
        if self.errs.is_empty() {
            Ok(())
        } else {
            Err(RowFail::Bad(self.errs.join("; ")))
        }
    }
}

fn money_nonneg(s: &str) -> std::result::Result<i64, String> {
    let v = input::parse_money(s)?;
    if v < 0 {
        return Err(format!("'{s}' is negative; amounts cannot be below 0"));
    }
    Ok(v)
}

fn count(s: &str) -> std::result::Result<i64, String> {
    input::parse_int_in(s, 0, 1_000_000_000)
}

fn parse_id(s: &str) -> std::result::Result<i64, String> {
    s.trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("'{s}' is not an id (a whole number above 0)"))
}

fn parse_bool(s: &str) -> std::result::Result<bool, String> {
    match s.to_lowercase().as_str() {
        "1" | "true" | "yes" | "y" | "да" => Ok(true),
        "0" | "false" | "no" | "n" | "нет" => Ok(false),
        _ => Err(format!("'{s}' is not 1/0, true/false or yes/no")),
    }
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A date that must not be later than today.
fn past_date(s: &str, today: NaiveDate) -> std::result::Result<NaiveDate, String> {
    let d = input::parse_date(s, today)?;
    if d > today {
        return Err(format!("{d} is in the future"));
    }
    Ok(d)
}

/// The instant a local date and time denote (the earlier one when a DST change makes it
/// ambiguous, an hour later when it falls into a DST gap).
fn local_instant(dt: NaiveDateTime) -> Timestamp {
    let mut t = dt;
    for _ in 0..3 {
        match Local.from_local_datetime(&t) {
            LocalResult::Single(x) => return x.timestamp(),
            LocalResult::Ambiguous(a, _) => return a.timestamp(),
            LocalResult::None => t += chrono::Duration::hours(1),
        }
    }
    dt.and_utc().timestamp()
}

/// An instant: `2026-11-20 14:30[:00]` or `2026-11-20T14:30` (local time), `2026-11-20`
/// (local midnight), RFC 3339 with an offset (`2026-11-20T14:30:00+03:00`, `…Z`), or Unix
/// seconds. The date part also takes `today`, `yesterday` and `20.11.2026`.
pub(crate) fn parse_instant(s: &str, today: NaiveDate) -> std::result::Result<Timestamp, String> {
    let t = s.trim();
    let bad = || {
        format!(
            "'{t}' is not a date and time (like 2026-11-20 14:30, 2026-11-20T14:30:00+03:00 or Unix seconds)"
        )
    };
    if t.is_empty() {
        return Err(bad());
    }
    if t.bytes().all(|b| b.is_ascii_digit()) && t.len() >= 9 {
        return t.parse::<i64>().map_err(|_| bad());
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt.timestamp());
    }
    for f in [
        "%Y-%m-%d %H:%M%:z",
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%d %H:%M:%S %z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(t, f) {
            return Ok(dt.timestamp());
        }
    }
    let (date_part, time_part) = match t.split_once(['T', ' ']) {
        Some((d, tm)) => (d.trim(), Some(tm.trim())),
        None => (t, None),
    };
    let day = input::parse_date(date_part, today).map_err(|_| bad())?;
    match time_part {
        None => Ok(day_start(&Local, day)),
        Some(tm) => {
            let time = NaiveTime::parse_from_str(tm, "%H:%M:%S")
                .or_else(|_| NaiveTime::parse_from_str(tm, "%H:%M"))
                .map_err(|_| bad())?;
            Ok(local_instant(day.and_time(time)))
        }
    }
}

/// An instant as RFC 3339 in the local time zone, to the second.
pub(crate) fn format_instant(at: Timestamp) -> String {
    DateTime::from_timestamp(at, 0)
        .map(|t| {
            t.with_timezone(&Local)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
        })
        .unwrap_or_else(|| at.to_string())
}

/// An instant of a past event: not more than a minute after `now`.
fn past_instant(s: &str, actor: &Actor) -> std::result::Result<Timestamp, String> {
    let at = parse_instant(s, actor.today())?;
    if at > actor.now + 60 {
        return Err(format!("{} is in the future", format_instant(at)));
    }
    // The database keeps instants from 1970 on (Unix seconds ≥ 0).
    if at < 0 {
        return Err(format!("{} is before 1970", format_instant(at)));
    }
    Ok(at)
}

// ---------------------------------------------------------------------------------------
// Names

fn fold(s: &str) -> String {
    s.to_lowercase()
}

/// Rows of one table found by name: exactly (after trimming), else ignoring case; for
/// customers (whose names need not be unique) also `#id`.
struct Names {
    what: &'static str,
    exact: HashMap<String, Vec<i64>>,
    folded: HashMap<String, Vec<i64>>,
    ids: HashSet<i64>,
    by_id: bool,
}

impl Names {
    fn load(tx: &Transaction<'_>, what: &'static str, table: &str, by_id: bool) -> Result<Names> {
        let mut names = Names {
            what,
            exact: HashMap::new(),
            folded: HashMap::new(),
            ids: HashSet::new(),
            by_id,
        };
        let mut stmt = tx.prepare(&format!("SELECT id, name FROM {table} ORDER BY id"))?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.opt_text(1)?)))?;
        for row in rows {
            let (id, name) = row?;
            let name = name.unwrap_or_default();
            names.insert(crate::text::clean(&name).trim(), id);
        }
        Ok(names)
    }

    fn insert(&mut self, name: &str, id: i64) {
        self.exact.entry(name.to_string()).or_default().push(id);
        self.folded.entry(fold(name)).or_default().push(id);
        self.ids.insert(id);
    }

    /// Any row with this name (in any case)?
    fn taken(&self, name: &str) -> bool {
        self.folded.contains_key(&fold(name))
    }

    fn find(&self, t: &str) -> std::result::Result<i64, String> {
        let what = self.what;
        if self.by_id
            && let Some(id) = t.strip_prefix('#').and_then(|n| n.parse::<i64>().ok())
        {
            return if self.ids.contains(&id) {
                Ok(id)
            } else {
                Err(format!("no {what} #{id}"))
            };
        }
        let hit = match self.exact.get(t) {
            Some(ids) => ids,
            None => match self.folded.get(&fold(t)) {
                Some(ids) => ids,
                None => return Err(format!("unknown {what} '{t}'")),
            },
        };
        match hit.as_slice() {
            [one] => Ok(*one),
            many if self.by_id => Err(format!(
                "{} {what}s are named '{t}'; write #id instead (e.g. #{})",
                many.len(),
                many.first().copied().unwrap_or_default()
            )),
            many => Err(format!(
                "'{t}' matches {} {what}s that differ only in case; write the name exactly",
                many.len()
            )),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Rows into tables

enum Done {
    Created,
    Updated,
}

enum RowFail {
    /// The row is bad: one line naming the column(s).
    Bad(String),
    /// The database failed (busy, I/O…): abort the whole import.
    Store(StoreError),
}

impl From<rusqlite::Error> for RowFail {
    fn from(e: rusqlite::Error) -> Self {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) {
            RowFail::Bad(format!(
                "the database refused the row: {}",
                crate::text::clean(&e.to_string())
            ))
        } else {
            RowFail::Store(e.into())
        }
    }
}

struct Importer<'a, 'c> {
    tx: &'a Transaction<'c>,
    actor: &'a Actor,
    kind: ImportKind,
    teams: Option<Names>,
    reps: Option<Names>,
    customers: Option<Names>,
    campaigns: Option<Names>,
    /// Names defined on bad rows of this file → their line, to explain later references.
    failed: HashMap<String, u64>,
    created: usize,
    updated: usize,
}

/// Looks a name up, or records why not (with a pointer to a bad row that defined it).
fn lookup(
    c: &mut Cells<'_>,
    col: &str,
    names: Option<&Names>,
    failed: &HashMap<String, u64>,
    required: bool,
) -> Option<i64> {
    let names = names?;
    let find = |t: &str| {
        names.find(t).map_err(|e| match failed.get(&fold(t)) {
            Some(line) if !names.taken(t) => format!("{e} (line {line} that defines it is bad)"),
            _ => e,
        })
    };
    if required {
        c.req(col, find)
    } else {
        c.opt(col, find)
    }
}

impl<'a, 'c> Importer<'a, 'c> {
    fn new(tx: &'a Transaction<'c>, actor: &'a Actor, kind: ImportKind) -> Result<Self> {
        use ImportKind as K;
        let need = |kinds: &[ImportKind]| kinds.contains(&kind);
        let teams = if need(&[K::Teams, K::Reps]) {
            Some(Names::load(tx, "team", "team", false)?)
        } else {
            None
        };
        let reps = if need(&[K::Reps, K::Plans, K::Customers, K::Deals]) {
            Some(Names::load(tx, "rep", "rep", false)?)
        } else {
            None
        };
        let customers = if need(&[K::Customers, K::Deals]) {
            Some(Names::load(tx, "customer", "customer", true)?)
        } else {
            None
        };
        let campaigns = if need(&[K::Campaigns, K::Customers, K::Deals]) {
            Some(Names::load(tx, "campaign", "campaign", false)?)
        } else {
            None
        };
        Ok(Importer {
            tx,
            actor,
            kind,
            teams,
            reps,
            customers,
            campaigns,
            failed: HashMap::new(),
            created: 0,
            updated: 0,
        })
    }

    /// Remembers the name a bad row would have defined.
    fn failed_row(&mut self, row: &Row, layout: &Layout) {
        if matches!(self.kind, ImportKind::Teams)
            && let Some(name) = layout.position("name").and_then(|i| row.cells.get(i))
            && !name.is_empty()
        {
            self.failed.entry(fold(name)).or_insert(row.line);
        }
    }

    fn row(&mut self, c: &mut Cells<'_>) -> std::result::Result<Done, RowFail> {
        match self.kind {
            ImportKind::Teams => self.team(c),
            ImportKind::Reps => self.rep(c),
            ImportKind::Plans => self.plan(c),
            ImportKind::Customers => self.customer(c),
            ImportKind::Campaigns => self.campaign(c),
            ImportKind::Deals => self.deal(c),
            ImportKind::StageChanges => self.stage_change(c),
            ImportKind::Invoices => self.invoice(c),
        }
    }

    fn who(&self) -> (&str, Timestamp) {
        (self.actor.user.as_str(), self.actor.now)
    }

    /// A new name for `names`: present and not taken (in any case).
    fn new_name(c: &mut Cells<'_>, names: Option<&Names>, what: &str) -> Option<String> {
        let name = c.req("name", |s| Ok(s.to_string()))?;
        if names.is_some_and(|n| n.taken(&name)) {
            c.fail("name", format!("{what} '{name}' already exists"));
            return None;
        }
        Some(name)
    }

    fn team(&mut self, c: &mut Cells<'_>) -> std::result::Result<Done, RowFail> {
        let name = Self::new_name(c, self.teams.as_ref(), "team");
        let parent_text = c.text("parent").to_string();
        let parent = if name
            .as_deref()
            .is_some_and(|n| fold(n) == fold(&parent_text))
        {
            c.fail("parent", "a team cannot be its own parent");
            None
        } else {
            lookup(c, "parent", self.teams.as_ref(), &self.failed, false)
        };
        c.done()?;
        let Some(name) = name else {
            return Err(RowFail::Bad("name: a value is required".into()));
        };
        let (by, at) = self.who();
        self.tx
            .prepare_cached(
                "INSERT INTO team(name, parent_id, entered_by, entered_at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![name, parent, by, at])?;
        let id = self.tx.last_insert_rowid();
        if let Some(t) = self.teams.as_mut() {
            t.insert(&name, id);
        }
        Ok(Done::Created)
    }

    fn rep(&mut self, c: &mut Cells<'_>) -> std::result::Result<Done, RowFail> {
        let today = self.actor.today();
        let name = Self::new_name(c, self.reps.as_ref(), "rep");
        let team = lookup(c, "team", self.teams.as_ref(), &self.failed, true);
        let region = c.text("region").to_string();
        let hired = c.req("hired_on", |s| input::parse_date(s, today));
        let active = c.opt("active", parse_bool).unwrap_or(true);
        c.done()?;
        let (Some(name), Some(team), Some(hired)) = (name, team, hired) else {
            return Err(RowFail::Bad("a required value is missing".into()));
        };
        let (by, at) = self.who();
        self.tx
            .prepare_cached(
                "INSERT INTO rep(name, team_id, region, hired_on, active, entered_by, entered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![name, team, region, ymd(hired), active, by, at])?;
        let id = self.tx.last_insert_rowid();
        if let Some(r) = self.reps.as_mut() {
            r.insert(&name, id);
        }
        Ok(Done::Created)
    }

    fn plan(&mut self, c: &mut Cells<'_>) -> std::result::Result<Done, RowFail> {
        let rep = lookup(c, "rep", self.reps.as_ref(), &self.failed, true);
        let month = c.req("month", input::parse_month);
        let revenue = c.opt("revenue_target", money_nonneg);
        let units = c.opt("units_target", count);
        let calls = c.opt("calls_target", count);
        let meetings = c.opt("meetings_target", count);
        c.done()?;
        let (Some(rep), Some(month)) = (rep, month) else {
            return Err(RowFail::Bad("a required value is missing".into()));
        };
        let month = month.format("%Y-%m").to_string();
        let (by, at) = self.who();
        let old: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM plan WHERE rep_id = ?1 AND month = ?2")?
            .query_row(params![rep, month], |r| r.get(0))
            .optional()?;
        match old {
            // Empty cells (or absent columns) keep what the plan had.
            Some(id) => {
                self.tx
                    .prepare_cached(
                        "UPDATE plan SET revenue_target = coalesce(?2, revenue_target),
                         units_target = coalesce(?3, units_target),
                         calls_target = coalesce(?4, calls_target),
                         meetings_target = coalesce(?5, meetings_target),
                         entered_by = ?6, entered_at = ?7 WHERE id = ?1",
                    )?
                    .execute(params![id, revenue, units, calls, meetings, by, at])?;
                Ok(Done::Updated)
            }
            None => {
                self.tx
                    .prepare_cached(
                        "INSERT INTO plan(rep_id, month, revenue_target, units_target, calls_target,
                         meetings_target, entered_by, entered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    )?
                    .execute(params![
                        rep,
                        month,
                        revenue.unwrap_or(0),
                        units.unwrap_or(0),
                        calls.unwrap_or(0),
                        meetings.unwrap_or(0),
                        by,
                        at
                    ])?;
                Ok(Done::Created)
            }
        }
    }

    fn customer(&mut self, c: &mut Cells<'_>) -> std::result::Result<Done, RowFail> {
        let today = self.actor.today();
        let id = c.opt("id", parse_id);
        if let Some(id) = id
            && self.customers.as_ref().is_some_and(|n| n.ids.contains(&id))
        {
            c.fail("id", format!("customer {id} already exists"));
        }
        let name = c.req("name", |s| Ok(s.to_string()));
        let region = c.text("region").to_string();
        let rep = lookup(c, "rep", self.reps.as_ref(), &self.failed, false);
        let acquired = c.req("acquired_on", |s| past_date(s, today));
        let churned = c.opt("churned_on", |s| past_date(s, today));
        if let (Some(a), Some(ch)) = (acquired, churned)
            && ch < a
        {
            c.fail("churned_on", format!("{ch} is before acquired_on ({a})"));
        }
        let campaign = lookup(c, "campaign", self.campaigns.as_ref(), &self.failed, false);
        c.done()?;
        let (Some(name), Some(acquired)) = (name, acquired) else {
            return Err(RowFail::Bad("a required value is missing".into()));
        };
        let (by, at) = self.who();
        self.tx
            .prepare_cached(
                "INSERT INTO customer(id, name, region, rep_id, acquired_on, churned_on, campaign_id,
                 entered_by, entered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                id,
                name,
                region,
                rep,
                ymd(acquired),
                churned.map(ymd),
                campaign,
                by,
                at
            ])?;
        let new_id = self.tx.last_insert_rowid();
        if let Some(n) = self.customers.as_mut() {
            n.insert(&name, new_id);
        }
        Ok(Done::Created)
    }

    fn campaign(&mut self, c: &mut Cells<'_>) -> std::result::Result<Done, RowFail> {
        let today = self.actor.today();
        let name = Self::new_name(c, self.campaigns.as_ref(), "campaign");
        let channel = c.req("channel", Channel::from_str);
        let cost = c.opt("cost", money_nonneg).unwrap_or(0);
        let starts = c.req("starts_on", |s| input::parse_date(s, today));
        let ends = c.req("ends_on", |s| input::parse_date(s, today));
        if let (Some(s), Some(e)) = (starts, ends)
            && e < s
        {
            c.fail("ends_on", format!("{e} is before starts_on ({s})"));
        }
        let baseline = c.opt("baseline_revenue", money_nonneg).unwrap_or(0);
        c.done()?;
        let (Some(name), Some(channel), Some(starts), Some(ends)) = (name, channel, starts, ends)
        else {
            return Err(RowFail::Bad("a required value is missing".into()));
        };
        let (by, at) = self.who();
        self.tx
            .prepare_cached(
                "INSERT INTO campaign(name, channel, cost, starts_on, ends_on, baseline_revenue,
                 entered_by, entered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                name,
                channel.as_str(),
                cost,
                ymd(starts),
                ymd(ends),
                baseline,
                by,
                at
            ])?;
        let id = self.tx.last_insert_rowid();
        if let Some(n) = self.campaigns.as_mut() {
            n.insert(&name, id);
        }
        Ok(Done::Created)
    }

    fn deal(&mut self, c: &mut Cells<'_>) -> std::result::Result<Done, RowFail> {
        let actor = self.actor;
        let id = c.opt("id", parse_id);
        if let Some(id) = id {
            let exists: Option<i64> = self
                .tx
                .prepare_cached("SELECT id FROM deal WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            if exists.is_some() {
                c.fail("id", format!("deal {id} already exists"));
            }
        }
        let rep = lookup(c, "rep", self.reps.as_ref(), &self.failed, true);
        let customer = lookup(c, "customer", self.customers.as_ref(), &self.failed, false);
        let campaign = lookup(c, "campaign", self.campaigns.as_ref(), &self.failed, false);
        let amount = c.req("amount", money_nonneg);
        let cost = c.opt("cost", money_nonneg).unwrap_or(0);
        let units = c.opt("units", count).unwrap_or(1);
        let score = c.opt("score", |s| input::parse_int_in(s, 1, 5));
        let kind = c.opt("kind", DealKind::from_str).unwrap_or(DealKind::New);
        let product = c.text("product").to_string();
        let location = c.text("location").to_string();
        let created = c.req("created_at", |s| past_instant(s, actor));
        let stage_ok = c.text("stage").is_empty() || c.text("stage").parse::<Stage>().is_ok();
        let stage = c.opt("stage", Stage::from_str).unwrap_or(Stage::Lead);
        let closed_empty = c.text("closed_at").is_empty();
        let closed = c.opt("closed_at", |s| past_instant(s, actor));
        let lost_reason = Some(c.text("lost_reason").to_string()).filter(|s| !s.is_empty());
        let lost_from = c.opt("lost_from_stage", |s| {
            let st = Stage::from_str(s)?;
            if st.is_open() {
                Ok(st)
            } else {
                Err(format!(
                    "'{s}' is not an open stage (lead, qualified, proposal, negotiation)"
                ))
            }
        });
        if stage_ok {
            if !stage.is_open() && closed_empty {
                c.fail(
                    "closed_at",
                    format!("a {stage} deal needs the time it closed"),
                );
            }
            if stage.is_open() && closed.is_some() {
                c.fail(
                    "closed_at",
                    format!("an open deal ({stage}) has no closed_at; set stage to won or lost"),
                );
            }
            if lost_from.is_some() && stage != Stage::Lost {
                c.fail("lost_from_stage", "only a lost deal has lost_from_stage");
            }
        }
        if let (Some(cr), Some(cl)) = (created, closed)
            && cl < cr
        {
            c.fail(
                "closed_at",
                format!(
                    "{} is before created_at ({})",
                    format_instant(cl),
                    format_instant(cr)
                ),
            );
        }
        c.done()?;
        let (Some(rep), Some(amount), Some(created)) = (rep, amount, created) else {
            return Err(RowFail::Bad("a required value is missing".into()));
        };
        let (by, at) = self.who();
        self.tx
            .prepare_cached(
                "INSERT INTO deal(id, rep_id, customer_id, campaign_id, amount, cost, units, score,
                 kind, product, location, created_at, stage, closed_at, lost_reason, lost_from_stage,
                 entered_by, entered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            )?
            .execute(params![
                id,
                rep,
                customer,
                campaign,
                amount,
                cost,
                units,
                score,
                kind.as_str(),
                product,
                location,
                created,
                stage.as_str(),
                closed,
                lost_reason,
                lost_from.map(Stage::as_str),
                by,
                at
            ])?;
        Ok(Done::Created)
    }

    /// The deal a row points to, by `deal_id`: its created_at, or why not.
    fn deal_ref(&self, c: &mut Cells<'_>) -> std::result::Result<Option<Timestamp>, RowFail> {
        let Some(id) = c.req("deal_id", parse_id) else {
            return Ok(None);
        };
        let created: Option<Timestamp> = self
            .tx
            .prepare_cached("SELECT created_at FROM deal WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if created.is_none() {
            c.fail("deal_id", format!("no deal {id} (import the deals first)"));
        }
        Ok(created)
    }

    fn stage_change(&mut self, c: &mut Cells<'_>) -> std::result::Result<Done, RowFail> {
        let actor = self.actor;
        let deal_created = self.deal_ref(c)?;
        let from = c.opt("from_stage", Stage::from_str);
        let to = c.req("to_stage", Stage::from_str);
        let when = c.req("at", |s| past_instant(s, actor));
        if let (Some(cr), Some(w)) = (deal_created, when)
            && w < cr
        {
            c.fail(
                "at",
                format!(
                    "{} is before the deal was created ({})",
                    format_instant(w),
                    format_instant(cr)
                ),
            );
        }
        c.done()?;
        let (Some(to), Some(when)) = (to, when) else {
            return Err(RowFail::Bad("a required value is missing".into()));
        };
        let deal = parse_id(c.text("deal_id")).map_err(RowFail::Bad)?;
        let (by, at) = self.who();
        self.tx
            .prepare_cached(
                "INSERT INTO stage_change(deal_id, from_stage, to_stage, at, entered_by, entered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                deal,
                from.map(Stage::as_str),
                to.as_str(),
                when,
                by,
                at
            ])?;
        Ok(Done::Created)
    }

    fn invoice(&mut self, c: &mut Cells<'_>) -> std::result::Result<Done, RowFail> {
        let today = self.actor.today();
        self.deal_ref(c)?;
        let amount = c.req("amount", money_nonneg);
        let issued = c.req("issued_on", |s| input::parse_date(s, today));
        let due = c.req("due_on", |s| input::parse_date(s, today));
        if let (Some(i), Some(d)) = (issued, due)
            && d < i
        {
            c.fail("due_on", format!("{d} is before issued_on ({i})"));
        }
        let paid = c.opt("paid_on", |s| past_date(s, today));
        c.done()?;
        let (Some(amount), Some(issued), Some(due)) = (amount, issued, due) else {
            return Err(RowFail::Bad("a required value is missing".into()));
        };
        let deal = parse_id(c.text("deal_id")).map_err(RowFail::Bad)?;
        let (by, at) = self.who();
        self.tx
            .prepare_cached(
                "INSERT INTO invoice(deal_id, amount, issued_on, due_on, paid_on, entered_by, entered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                deal,
                amount,
                ymd(issued),
                ymd(due),
                paid.map(ymd),
                by,
                at
            ])?;
        Ok(Done::Created)
    }
}

// ---------------------------------------------------------------------------------------
// Export

#[derive(Debug, Clone, Copy)]
enum Fmt {
    /// Text (cleaned) or a whole number as it is.
    Plain,
    /// Minor units → `1234.50`.
    Money,
    /// Unix seconds → RFC 3339, local offset.
    Instant,
}

struct ExportSpec {
    kind: &'static str,
    /// Selects a key, then the team the row belongs to (teams: their parent; campaigns and
    /// the audit log: NULL), then one column per `cols`.
    sql: &'static str,
    cols: &'static [(&'static str, Fmt)],
}

use Fmt::{Instant as I, Money as M, Plain as P};

const EXPORTS: &[ExportSpec] = &[
    ExportSpec {
        kind: "teams",
        sql: "SELECT t.id, p.id, t.name, p.name FROM team t LEFT JOIN team p ON p.id = t.parent_id
              ORDER BY t.id",
        cols: &[("name", P), ("parent", P)],
    },
    ExportSpec {
        kind: "reps",
        sql: "SELECT r.id, r.team_id, r.name, t.name, r.region, r.hired_on, r.active
              FROM rep r LEFT JOIN team t ON t.id = r.team_id ORDER BY r.id",
        cols: &[
            ("name", P),
            ("team", P),
            ("region", P),
            ("hired_on", P),
            ("active", P),
        ],
    },
    ExportSpec {
        kind: "plans",
        sql: "SELECT p.id, r.team_id, r.name, p.month, p.revenue_target, p.units_target, p.calls_target,
              p.meetings_target FROM plan p LEFT JOIN rep r ON r.id = p.rep_id ORDER BY p.id",
        cols: &[
            ("rep", P),
            ("month", P),
            ("revenue_target", M),
            ("units_target", P),
            ("calls_target", P),
            ("meetings_target", P),
        ],
    },
    ExportSpec {
        kind: "team_plans",
        sql: "SELECT p.id, p.team_id, t.name, p.month, p.revenue_target, p.units_target, p.calls_target,
              p.meetings_target, p.entered_by, p.entered_at
              FROM team_plan p LEFT JOIN team t ON t.id = p.team_id ORDER BY p.id",
        cols: &[
            ("team", P),
            ("month", P),
            ("revenue_target", M),
            ("units_target", P),
            ("calls_target", P),
            ("meetings_target", P),
            ("entered_by", P),
            ("entered_at", I),
        ],
    },
    ExportSpec {
        kind: "customers",
        sql:
            "SELECT c.id, r.team_id, c.id, c.name, c.region, r.name, c.acquired_on, c.churned_on, m.name
              FROM customer c LEFT JOIN rep r ON r.id = c.rep_id
              LEFT JOIN campaign m ON m.id = c.campaign_id ORDER BY c.id",
        cols: &[
            ("id", P),
            ("name", P),
            ("region", P),
            ("rep", P),
            ("acquired_on", P),
            ("churned_on", P),
            ("campaign", P),
        ],
    },
    ExportSpec {
        kind: "campaigns",
        sql: "SELECT id, NULL, name, channel, cost, starts_on, ends_on, baseline_revenue
              FROM campaign ORDER BY id",
        cols: &[
            ("name", P),
            ("channel", P),
            ("cost", M),
            ("starts_on", P),
            ("ends_on", P),
            ("baseline_revenue", M),
        ],
    },
    // A customer is written by name when no other customer has that name, else as #id.
    ExportSpec {
        kind: "deals",
        sql: "SELECT d.id, r.team_id, d.id, r.name,
              CASE WHEN c.id IS NULL THEN NULL
                   WHEN (SELECT count(*) FROM customer x WHERE x.name = c.name) = 1
                        AND substr(c.name, 1, 1) <> '#' THEN c.name
                   ELSE '#' || c.id END,
              m.name, d.amount, d.cost, d.units, d.score, d.kind, d.product, d.location,
              d.created_at, d.stage, d.closed_at, d.lost_reason, d.lost_from_stage
              FROM deal d LEFT JOIN rep r ON r.id = d.rep_id
              LEFT JOIN customer c ON c.id = d.customer_id
              LEFT JOIN campaign m ON m.id = d.campaign_id ORDER BY d.id",
        cols: &[
            ("id", P),
            ("rep", P),
            ("customer", P),
            ("campaign", P),
            ("amount", M),
            ("cost", M),
            ("units", P),
            ("score", P),
            ("kind", P),
            ("product", P),
            ("location", P),
            ("created_at", I),
            ("stage", P),
            ("closed_at", I),
            ("lost_reason", P),
            ("lost_from_stage", P),
        ],
    },
    ExportSpec {
        kind: "stage_changes",
        sql: "SELECT s.id, r.team_id, s.deal_id, s.from_stage, s.to_stage, s.at FROM stage_change s
              LEFT JOIN deal d ON d.id = s.deal_id LEFT JOIN rep r ON r.id = d.rep_id
              ORDER BY s.deal_id, s.at, s.id",
        cols: &[
            ("deal_id", P),
            ("from_stage", P),
            ("to_stage", P),
            ("at", I),
        ],
    },
    ExportSpec {
        kind: "activities",
        sql: "SELECT a.id, r.team_id, a.id, r.name, a.kind, a.at, a.duration_min, a.outcome,
              a.customer_id, c.name, a.deal_id, a.note, a.entered_by, a.entered_at
              FROM activity a LEFT JOIN rep r ON r.id = a.rep_id
              LEFT JOIN customer c ON c.id = a.customer_id ORDER BY a.id",
        cols: &[
            ("id", P),
            ("rep", P),
            ("kind", P),
            ("at", I),
            ("duration_min", P),
            ("outcome", P),
            ("customer_id", P),
            ("customer", P),
            ("deal_id", P),
            ("note", P),
            ("entered_by", P),
            ("entered_at", I),
        ],
    },
    ExportSpec {
        kind: "satisfaction",
        sql: "SELECT s.id, r.team_id, s.id, r.name, s.taken_on, s.score, s.workload, s.team, s.manager,
              s.pay, s.comment, s.entered_by, s.entered_at
              FROM satisfaction s LEFT JOIN rep r ON r.id = s.rep_id ORDER BY s.id",
        cols: &[
            ("id", P),
            ("rep", P),
            ("taken_on", P),
            ("score", P),
            ("workload", P),
            ("team", P),
            ("manager", P),
            ("pay", P),
            ("comment", P),
            ("entered_by", P),
            ("entered_at", I),
        ],
    },
    ExportSpec {
        kind: "knowledge_tests",
        sql: "SELECT k.id, r.team_id, k.id, r.name, k.taken_on, k.score, k.entered_by, k.entered_at
              FROM knowledge_test k LEFT JOIN rep r ON r.id = k.rep_id ORDER BY k.id",
        cols: &[
            ("id", P),
            ("rep", P),
            ("taken_on", P),
            ("score", P),
            ("entered_by", P),
            ("entered_at", I),
        ],
    },
    ExportSpec {
        kind: "inquiries",
        sql: "SELECT q.id, r.team_id, q.id, r.name, q.customer_id, c.name, q.channel, q.received_at,
              q.first_response_at, q.entered_by, q.entered_at
              FROM inquiry q LEFT JOIN rep r ON r.id = q.rep_id
              LEFT JOIN customer c ON c.id = q.customer_id ORDER BY q.id",
        cols: &[
            ("id", P),
            ("rep", P),
            ("customer_id", P),
            ("customer", P),
            ("channel", P),
            ("received_at", I),
            ("first_response_at", I),
            ("entered_by", P),
            ("entered_at", I),
        ],
    },
    ExportSpec {
        kind: "invoices",
        sql: "SELECT i.id, r.team_id, i.deal_id, i.amount, i.issued_on, i.due_on, i.paid_on FROM invoice i
              LEFT JOIN deal d ON d.id = i.deal_id LEFT JOIN rep r ON r.id = d.rep_id ORDER BY i.id",
        cols: &[
            ("deal_id", P),
            ("amount", M),
            ("issued_on", P),
            ("due_on", P),
            ("paid_on", P),
        ],
    },
    ExportSpec {
        kind: "audit_log",
        sql: "SELECT id, NULL, id, at, uid, user, action, entity, row_id, old_values, new_values
              FROM audit_log ORDER BY id",
        cols: &[
            ("id", P),
            ("at", I),
            ("uid", P),
            ("user", P),
            ("action", P),
            ("entity", P),
            ("row_id", P),
            ("old_values", P),
            ("new_values", P),
        ],
    },
];

/// The export of `kind` (`deals`, `deal`, `stage-changes`, any case).
fn export_spec(kind: &str) -> Result<&'static ExportSpec> {
    let norm = kind.trim().to_lowercase().replace(['-', ' '], "_");
    let alias = match norm.as_str() {
        "team" => "teams",
        "rep" => "reps",
        "plan" => "plans",
        "team_plan" => "team_plans",
        "customer" => "customers",
        "campaign" => "campaigns",
        "deal" => "deals",
        "stage_change" => "stage_changes",
        "activity" => "activities",
        "knowledge_test" => "knowledge_tests",
        "inquiry" => "inquiries",
        "invoice" => "invoices",
        other => other,
    };
    EXPORTS.iter().find(|s| s.kind == alias).ok_or_else(|| {
        StoreError::Other(format!(
            "cannot export '{}': the kinds are {}",
            crate::text::clean(kind.trim()),
            EXPORT_KINDS.join(", ")
        ))
    })
}

fn format_cell(v: Value, fmt: Fmt) -> String {
    match (v, fmt) {
        (Value::Null, _) => String::new(),
        (Value::Integer(n), Fmt::Money) => crate::format::money_plain(n),
        (Value::Integer(n), Fmt::Instant) => format_instant(n),
        (Value::Integer(n), Fmt::Plain) => n.to_string(),
        (Value::Real(x), _) => x.to_string(),
        (Value::Text(s), _) => crate::text::clean_owned(s),
        (Value::Blob(b), _) => crate::text::clean(&String::from_utf8_lossy(&b)).into_owned(),
    }
}

/// Orders teams so that every parent comes before its children (keeping id order
/// otherwise), so that the export imports back; teams in a cycle come last.
fn parents_first(
    rows: Vec<(i64, Option<i64>, Vec<String>)>,
) -> Vec<(i64, Option<i64>, Vec<String>)> {
    let mut done: HashSet<i64> = HashSet::new();
    let mut out = Vec::with_capacity(rows.len());
    let mut left = rows;
    loop {
        let before = left.len();
        let mut next = Vec::new();
        for row in left {
            if row.1.is_none_or(|p| done.contains(&p)) {
                done.insert(row.0);
                out.push(row);
            } else {
                next.push(row);
            }
        }
        left = next;
        if left.is_empty() || left.len() == before {
            break;
        }
    }
    out.extend(left);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Actor;
    use chrono::{TimeZone, Utc};

    fn actor() -> Actor {
        Actor {
            uid: 1000,
            user: "tester".into(),
            now: Utc
                .with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
                .single()
                .expect("valid time")
                .timestamp(),
        }
    }

    fn fresh(dir: &tempfile::TempDir, name: &str) -> Store {
        Store::init(&dir.path().join(name)).expect("init")
    }

    fn count(store: &Store, table: &str) -> i64 {
        store
            .conn()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .expect("count")
    }

    fn import(store: &mut Store, kind: ImportKind, csv: &str) -> Result<ImportReport> {
        store.import_csv(&actor(), kind, csv.as_bytes())
    }

    fn export(store: &Store, kind: &str) -> String {
        let mut out = Vec::new();
        store.export_csv(kind, &mut out).expect("export");
        String::from_utf8(out).expect("utf-8")
    }

    fn rows_err(r: Result<ImportReport>) -> Vec<RowError> {
        match r {
            Err(StoreError::Rows(rows)) => rows,
            other => panic!("expected row errors, got {other:?}"),
        }
    }

    const TEAMS: &str = "name,parent\nSales,\nMoscow,Sales\nKazan,sales\n";
    const REPS: &str = "name,team,region,hired_on,active\n\
        Иван Петров,Moscow,Москва,2024-01-15,1\n\
        Anna Smith,Kazan,Kazan,15.03.2025,yes\n\
        Old Timer,Sales,,2020-01-01,false\n";
    const CAMPAIGNS: &str = "name,channel,cost,starts_on,ends_on,baseline_revenue\n\
        Autumn mail,email,\"1 500,50\",2026-09-01,2026-10-31,1000\n\
        Expo,events,20000.00,2026-10-10,2026-10-12,\n";
    const CUSTOMERS: &str = "id,name,region,rep,acquired_on,churned_on,campaign\n\
        7,ООО Ромашка,Москва,Иван Петров,2025-02-01,,Autumn mail\n\
        8,Acme,Kazan,anna smith,2025-05-01,2026-06-30,\n\
        9,Acme,Moscow,,2025-06-01,,\n";
    const DEALS: &str = "id,rep,customer,campaign,amount,cost,units,score,kind,product,location,created_at,stage,closed_at,lost_reason,lost_from_stage\n\
        100,Иван Петров,ООО Ромашка,Autumn mail,1234.50,800,3,4,new,Widget,Москва,2026-11-02 10:00,won,2026-11-10T15:30:00+03:00,,\n\
        101,Anna Smith,#8,,\"2 000,00\",0,1,,upsell,,Kazan,2026-11-03,lost,2026-11-05 09:00:00,too expensive,proposal\n\
        102,Anna Smith,,,500,,,,cross-sell,,,1794000000,proposal,,,\n";
    const STAGES: &str = "deal_id,from_stage,to_stage,at\n\
        100,,lead,2026-11-02 10:00\n100,lead,won,2026-11-10 12:30\n\
        101,lead,proposal,2026-11-04\n101,proposal,lost,2026-11-05 09:00\n";
    const INVOICES: &str = "deal_id,amount,issued_on,due_on,paid_on\n\
        100,1234.50,2026-11-10,2026-11-20,2026-11-18\n100,10,2026-11-11,2026-12-11,\n";
    const PLANS: &str = "rep,month,revenue_target,units_target,calls_target,meetings_target\n\
        Иван Петров,2026-11,100000,10,200,20\nAnna Smith,11.2026,50 000,5,,\n";

    /// Loads every importable kind, in order.
    fn load_all(store: &mut Store) {
        for (kind, csv) in [
            (ImportKind::Teams, TEAMS),
            (ImportKind::Reps, REPS),
            (ImportKind::Plans, PLANS),
            (ImportKind::Campaigns, CAMPAIGNS),
            (ImportKind::Customers, CUSTOMERS),
            (ImportKind::Deals, DEALS),
            (ImportKind::StageChanges, STAGES),
            (ImportKind::Invoices, INVOICES),
        ] {
            let report = import(store, kind, csv).unwrap_or_else(|e| panic!("{kind}: {e:?}"));
            let lines = csv.lines().count() - 1;
            assert_eq!(report.rows, lines, "{kind}");
        }
    }

    #[test]
    fn good_import_of_each_kind() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = fresh(&dir, "t.db");
        load_all(&mut store);
        for (table, n) in [
            ("team", 3),
            ("rep", 3),
            ("plan", 2),
            ("campaign", 2),
            ("customer", 3),
            ("deal", 3),
            ("stage_change", 4),
            ("invoice", 2),
        ] {
            assert_eq!(count(&store, table), n, "{table}");
        }
        let c = store.conn();
        // References by name, case-insensitively; parent defined earlier in the same file.
        let (kazan_parent, sales): (i64, i64) = c
            .query_row(
                "SELECT k.parent_id, s.id FROM team k, team s WHERE k.name = 'Kazan' AND s.name = 'Sales'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("teams");
        assert_eq!(kazan_parent, sales);
        let active: i64 = c
            .query_row("SELECT active FROM rep WHERE name = 'Old Timer'", [], |r| {
                r.get(0)
            })
            .expect("rep");
        assert_eq!(active, 0);
        let hired: String = c
            .query_row(
                "SELECT hired_on FROM rep WHERE name = 'Anna Smith'",
                [],
                |r| r.get(0),
            )
            .expect("rep");
        assert_eq!(hired, "2025-03-15");
        // Money in minor units, both notations.
        let (amount, cost, closed, created): (i64, i64, i64, i64) = c
            .query_row(
                "SELECT amount, cost, closed_at, created_at FROM deal WHERE id = 100",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .expect("deal");
        assert_eq!((amount, cost), (123_450, 80_000));
        assert_eq!(
            closed,
            Utc.with_ymd_and_hms(2026, 11, 10, 12, 30, 0)
                .unwrap()
                .timestamp()
        );
        let expect_created = Local
            .with_ymd_and_hms(2026, 11, 2, 10, 0, 0)
            .earliest()
            .expect("local")
            .timestamp();
        assert_eq!(created, expect_created);
        let (cust, kind, lost_from): (i64, String, String) = c
            .query_row(
                "SELECT customer_id, kind, lost_from_stage FROM deal WHERE id = 101",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("deal");
        assert_eq!(
            (cust, kind.as_str(), lost_from.as_str()),
            (8, "upsell", "proposal")
        );
        let (created, units, kind): (i64, i64, String) = c
            .query_row(
                "SELECT created_at, units, kind FROM deal WHERE id = 102",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("deal");
        assert_eq!(
            (created, units, kind.as_str()),
            (1_794_000_000, 1, "cross_sell")
        );
        let (rev, calls): (i64, i64) = c
            .query_row(
                "SELECT revenue_target, calls_target FROM plan p JOIN rep r ON r.id = p.rep_id
                 WHERE r.name = 'Anna Smith' AND month = '2026-11'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("plan");
        assert_eq!((rev, calls), (5_000_000, 0));
        let cost: i64 = c
            .query_row(
                "SELECT cost FROM campaign WHERE name = 'Autumn mail'",
                [],
                |r| r.get(0),
            )
            .expect("campaign");
        assert_eq!(cost, 150_050);
        // Who entered it, and one audit row per import.
        let by: String = c
            .query_row("SELECT entered_by FROM invoice LIMIT 1", [], |r| r.get(0))
            .expect("invoice");
        assert_eq!(by, "tester");
        let audits: Vec<(String, String, String)> = c
            .prepare("SELECT action, entity, new_values FROM audit_log ORDER BY id")
            .expect("audit")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("audit")
            .collect::<rusqlite::Result<_>>()
            .expect("audit");
        assert_eq!(audits.len(), 8);
        assert!(audits.iter().all(|a| a.0 == "import"));
        assert_eq!(audits[5].1, "deal");
        let v: serde_json::Value = serde_json::from_str(&audits[5].2).expect("json");
        assert_eq!(v["rows"], 3);
    }

    #[test]
    fn plans_upsert_and_keep_unset_targets() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = fresh(&dir, "t.db");
        import(&mut store, ImportKind::Teams, TEAMS).expect("teams");
        import(&mut store, ImportKind::Reps, REPS).expect("reps");
        import(&mut store, ImportKind::Plans, PLANS).expect("plans");
        let r = import(
            &mut store,
            ImportKind::Plans,
            "rep,month,calls_target\nAnna Smith,2026-11,300\nAnna Smith,2026-12,1\n",
        )
        .expect("upsert");
        assert_eq!((r.rows, r.created, r.updated), (2, 1, 1));
        let (rev, calls): (i64, i64) = store
            .conn()
            .query_row(
                "SELECT revenue_target, calls_target FROM plan p JOIN rep r ON r.id = p.rep_id
                 WHERE r.name = 'Anna Smith' AND month = '2026-11'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("plan");
        assert_eq!((rev, calls), (5_000_000, 300));
        assert_eq!(count(&store, "plan"), 3);
    }

    #[test]
    fn bad_rows_are_all_reported_and_nothing_is_imported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = fresh(&dir, "t.db");
        import(&mut store, ImportKind::Teams, TEAMS).expect("teams");
        import(&mut store, ImportKind::Reps, REPS).expect("reps");
        let before_audit = count(&store, "audit_log");
        let csv = "ID,Rep,Amount,Created_At,Stage,Closed_At,Score\n\
            200,Иван Петров,100,2026-11-01,lead,,\n\
            201,Иван Петров,12a,2026-11-01,lead,,\n\
            202,Петров,100,2026-11-01,lead,,\n\
            \n\
            203,Anna Smith,100,2026-11-01,won,,\n\
            204,Anna Smith,100,2027-01-01,lead,,9\n\
            200,Anna Smith,100,2026-11-01,lead,,\n\
            205,Anna Smith,100,2026-11-05,lost,2026-11-04,\n\
            206,Anna Smith,100,2026-11-01,lead,,\n";
        let errs = rows_err(import(&mut store, ImportKind::Deals, csv));
        let lines: Vec<u64> = errs.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 6, 7, 8, 9], "{errs:?}");
        assert_eq!(
            errs[0].to_string(),
            "line 3: amount: '12a' is not an amount of money (like 1234.50)"
        );
        assert_eq!(errs[1].to_string(), "line 4: rep: unknown rep 'Петров'");
        assert!(errs[2].reason.starts_with("closed_at:"), "{}", errs[2]);
        assert!(errs[3].reason.contains("created_at:") && errs[3].reason.contains("in the future"));
        assert!(
            errs[3].reason.contains("score: 9 is outside 1–5"),
            "{}",
            errs[3]
        );
        assert_eq!(errs[4].reason, "id: deal 200 already exists");
        assert!(errs[5].reason.contains("before created_at"), "{}", errs[5]);
        assert_eq!(count(&store, "deal"), 0);
        assert_eq!(count(&store, "audit_log"), before_audit);

        // Same for the other kinds: a bad team name referenced later in the same file.
        let errs = rows_err(import(
            &mut store,
            ImportKind::Teams,
            "name,parent\nNorth,\nSales,\n\"\",North\nSouth,Nowhere\nWest,Nowhere\nSub,west\n",
        ));
        let got: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            got,
            vec![
                "line 3: name: team 'Sales' already exists",
                "line 4: name: a value is required",
                "line 5: parent: unknown team 'Nowhere'",
                "line 6: parent: unknown team 'Nowhere'",
                "line 7: parent: unknown team 'west' (line 6 that defines it is bad)",
            ]
        );
        assert_eq!(count(&store, "team"), 3);
        let errs = rows_err(import(
            &mut store,
            ImportKind::StageChanges,
            "deal_id,to_stage,at\n999,won,2026-11-01\nx,lead,2026-11-01\n1,nowhere,2026-11-01\n",
        ));
        assert_eq!(errs.len(), 3);
        assert!(errs[0].reason.contains("no deal 999"));
        assert!(
            errs[2].reason.contains("unknown stage 'nowhere'"),
            "{}",
            errs[2]
        );
        assert_eq!(count(&store, "stage_change"), 0);
    }

    #[test]
    fn header_problems_are_line_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = fresh(&dir, "t.db");
        let errs = rows_err(import(
            &mut store,
            ImportKind::Teams,
            "name,parnet\nSales,\n",
        ));
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, 1);
        assert!(
            errs[0].reason.contains("unknown column 'parnet'"),
            "{}",
            errs[0]
        );
        assert!(
            errs[0].reason.contains("did you mean parent"),
            "{}",
            errs[0]
        );
        let errs = rows_err(import(&mut store, ImportKind::Reps, "name,region\nX,Y\n"));
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, 1);
        assert!(
            errs[0]
                .reason
                .contains("missing required columns team, hired_on"),
            "{}",
            errs[0]
        );
        assert_eq!(count(&store, "team"), 0);
        // Empty file and header only: nothing to do, no error.
        assert_eq!(
            import(&mut store, ImportKind::Deals, "")
                .expect("empty")
                .rows,
            0
        );
        assert_eq!(
            import(&mut store, ImportKind::Teams, "NAME,Parent\n")
                .expect("header")
                .rows,
            0
        );
        assert_eq!(count(&store, "audit_log"), 0);
    }

    #[test]
    fn semicolons_and_quoted_newlines() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = fresh(&dir, "t.db");
        let r = import(
            &mut store,
            ImportKind::Teams,
            "\u{feff}name;parent\n\"Two\nlines\";\nSub;Two lines\n",
        )
        .expect("teams");
        assert_eq!(r.rows, 2);
        let errs = rows_err(import(
            &mut store,
            ImportKind::Teams,
            "name;parent\n\"A\nB\";x\nC;Nope\n",
        ));
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[1].line, 4, "a quoted line break counts: {errs:?}");
        let errs = rows_err(import(
            &mut store,
            ImportKind::Teams,
            "name,parent\r\n\r\nOk,\r\n\r\n\r\nBad,Nope\r\n,,\r\nWorse,Nope\r\n",
        ));
        let lines: Vec<u64> = errs.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![6, 8], "blank lines count: {errs:?}");
    }

    #[test]
    fn instants_in_every_accepted_form() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let utc = Utc
            .with_ymd_and_hms(2026, 11, 20, 11, 30, 0)
            .unwrap()
            .timestamp();
        assert_eq!(parse_instant("2026-11-20T14:30:00+03:00", today), Ok(utc));
        assert_eq!(parse_instant("2026-11-20 11:30:00Z", today), Ok(utc));
        assert_eq!(parse_instant(&utc.to_string(), today), Ok(utc));
        assert_eq!(parse_instant(&format_instant(utc), today), Ok(utc));
        let local = local_instant(
            NaiveDate::from_ymd_opt(2026, 11, 20)
                .and_then(|d| d.and_hms_opt(14, 30, 0))
                .expect("dt"),
        );
        assert_eq!(parse_instant("2026-11-20 14:30", today), Ok(local));
        assert_eq!(parse_instant("20.11.2026 14:30:00", today), Ok(local));
        assert_eq!(parse_instant("2026-11-20T14:30", today), Ok(local));
        assert_eq!(
            parse_instant("2026-11-20", today),
            Ok(day_start(
                &Local,
                NaiveDate::from_ymd_opt(2026, 11, 20).expect("d")
            ))
        );
        assert!(parse_instant("2026-11-20 25:00", today).is_err());
        assert!(
            parse_instant("soon", today)
                .unwrap_err()
                .contains("not a date and time")
        );
    }

    #[test]
    fn export_then_import_gives_the_same_data() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut first = fresh(&dir, "a.db");
        load_all(&mut first);
        // A child team created before its parent (by id) must still export parent first.
        first
            .conn()
            .execute_batch(
                "INSERT INTO team(name) VALUES ('Child');
                 INSERT INTO team(name) VALUES ('Parent');
                 UPDATE team SET parent_id = (SELECT id FROM team WHERE name = 'Parent')
                   WHERE name = 'Child';",
            )
            .expect("teams");
        let mut second = fresh(&dir, "b.db");
        for kind in ImportKind::ALL {
            let text = export(&first, kind.as_str());
            second
                .import_csv(&actor(), kind, text.as_bytes())
                .unwrap_or_else(|e| panic!("{kind}: {e:?}\n{text}"));
            assert_eq!(export(&second, kind.as_str()), text, "{kind}");
        }
        let deals = export(&first, "deals");
        assert!(deals.contains(",1234.50,800.00,3,4,new,Widget,"), "{deals}");
        assert!(
            deals.contains(",#8,"),
            "duplicate customer names go by id: {deals}"
        );
        assert!(deals.contains(",ООО Ромашка,"), "{deals}");
        let reps = export(&first, "reps");
        assert!(
            reps.starts_with("name,team,region,hired_on,active\n"),
            "{reps}"
        );
        assert!(
            reps.contains("Anna Smith,Kazan,Kazan,2025-03-15,1\n"),
            "{reps}"
        );
        assert_eq!(
            export(&first, "TEAMS").lines().last(),
            Some("Child,Parent"),
            "parents come first"
        );
        for kind in EXPORT_KINDS {
            let text = export(&first, kind);
            assert!(!text.is_empty(), "{kind}");
        }
    }

    #[test]
    fn export_cleans_text_and_names_the_kinds() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = fresh(&dir, "t.db");
        store
            .conn()
            .execute_batch(
                "INSERT INTO team(name) VALUES ('Evil' || char(27) || '[2J' || char(8238) || 'Team');
                 INSERT INTO rep(name, team_id, hired_on) VALUES
                   ('Bad' || char(27) || '[2JRep' || char(8238), 1, '2025-01-01');",
            )
            .expect("insert");
        let teams = export(&store, "teams");
        assert_eq!(teams, "name,parent\nEvilTeam,\n");
        let reps = export(&store, "rep");
        assert!(reps.contains("BadRep,EvilTeam,"), "{reps}");
        assert!(!reps.contains('\x1b') && !reps.contains('\u{202E}'));
        let audit = export(&store, "audit-log");
        assert!(audit.starts_with("id,at,uid,user,"), "{audit}");
        // Import cleans too.
        import(
            &mut store,
            ImportKind::Teams,
            "name\n\"X\x1b[31m\u{202E}Y\"\n",
        )
        .expect("import");
        let names = export(&store, "teams");
        assert!(names.contains("\nXY,\n"), "{names}");
        match store.export_csv("nonsense", Vec::new()) {
            Err(StoreError::Other(msg)) => {
                assert!(
                    msg.contains("nonsense") && msg.contains("stage_changes, activities"),
                    "{msg}"
                )
            }
            other => panic!("{other:?}"),
        }
        assert!("Stage-Changes".parse::<ImportKind>() == Ok(ImportKind::StageChanges));
        assert!(
            "bogus"
                .parse::<ImportKind>()
                .unwrap_err()
                .contains("teams, reps")
        );
    }
}
