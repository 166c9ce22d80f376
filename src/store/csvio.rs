//! CSV import and export. (Placeholder with the agreed interface; the implementation is
//! being written.)

use super::{Actor, Result, Store};
use std::io::{Read, Write};

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
    pub rows: usize,
}

impl Store {
    /// Imports a whole CSV file in one transaction: any bad row → nothing is imported, and
    /// `StoreError::Rows` lists every bad row.
    pub fn import_csv(&mut self, _actor: &Actor, _kind: ImportKind, _input: impl Read) -> Result<ImportReport> {
        Err(super::StoreError::Other("import is not built yet".into()))
    }

    /// Writes one table as CSV; returns the number of rows written.
    pub fn export_csv(&self, _kind: &str, _out: impl Write) -> Result<usize> {
        Err(super::StoreError::Other("export is not built yet".into()))
    }
}
