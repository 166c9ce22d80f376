//! Reading text columns that an integration may have filled with anything.
//!
//! The schema is public and other programs write to it with sqlite3 or Python: a TEXT
//! column can hold bytes that are not UTF-8, or a BLOB. Reading such a value with
//! rusqlite's `String` fails the whole query, which would stop every board and report on
//! the file. Every text column is therefore read through [`RowExt::text`]: invalid bytes
//! become U+FFFD, a BLOB is read as text the same way, a number as its digits. `check`
//! names each such value (see [`super::Store::bad_text`]).

use rusqlite::Row;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, Value, ValueRef};

/// A text column read lossily (see the module comment).
pub(crate) struct Lossy(pub String);

impl FromSql for Lossy {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        match v {
            ValueRef::Null => Err(FromSqlError::InvalidType),
            other => Ok(Lossy(lossy(other).unwrap_or_default())),
        }
    }
}

/// The text of a value, whatever its storage class (`None` for NULL).
pub(crate) fn lossy(v: ValueRef<'_>) -> Option<String> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
        ValueRef::Text(b) | ValueRef::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
    }
}

/// A value as rusqlite's [`Value`], with text that is not UTF-8 read lossily (rusqlite's
/// own conversion fails on it).
pub(crate) fn value(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(b) => Value::Text(String::from_utf8_lossy(b).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

/// Lossy text reads on a row.
pub(crate) trait RowExt {
    /// A NOT NULL text column.
    fn text(&self, i: usize) -> rusqlite::Result<String>;
    /// A text column that may be NULL.
    fn opt_text(&self, i: usize) -> rusqlite::Result<Option<String>>;
    /// Any column as a [`Value`], text read lossily.
    fn value(&self, i: usize) -> rusqlite::Result<Value>;
}

impl RowExt for Row<'_> {
    fn text(&self, i: usize) -> rusqlite::Result<String> {
        Ok(self.get::<_, Lossy>(i)?.0)
    }

    fn opt_text(&self, i: usize) -> rusqlite::Result<Option<String>> {
        Ok(lossy(self.get_ref(i)?))
    }

    fn value(&self, i: usize) -> rusqlite::Result<Value> {
        Ok(value(self.get_ref(i)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_bytes_blobs_and_numbers_read_as_text() {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        let (a, b, n, z, v): (String, String, String, Option<String>, Value) = c
            .query_row(
                "SELECT CAST(X'41FF42' AS TEXT), X'C3A9', 12, NULL, CAST(X'FE' AS TEXT)",
                [],
                |r| {
                    Ok((
                        r.text(0)?,
                        r.text(1)?,
                        r.text(2)?,
                        r.opt_text(3)?,
                        r.value(4)?,
                    ))
                },
            )
            .unwrap();
        assert_eq!(a, "A\u{FFFD}B");
        assert_eq!(b, "é");
        assert_eq!(n, "12");
        assert_eq!(z, None);
        assert_eq!(v, Value::Text("\u{FFFD}".into()));
        // A NULL in a NOT NULL text column is still an error, as before.
        assert!(c.query_row("SELECT NULL", [], |r| r.text(0)).is_err());
    }
}
