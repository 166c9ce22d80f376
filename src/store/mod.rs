//! The only module that speaks SQL: connection setup, migrations, typed queries and
//! validated writes, change detection.

mod access;
mod csvio;
mod entries;
mod query;
pub mod seed;
mod write;

pub use access::{Grant, Permit, Role};
pub use csvio::{ImportKind, ImportReport, RowError};
pub use entries::Deletion;
pub use query::{DataWindow, Dataset};
pub use write::{Actor, NewActivity, NewKnowledge, NewPlan, NewResponse, NewSurvey, Validation};

use crate::settings::Settings;
use rusqlite::{Connection, OpenFlags, TransactionBehavior, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Numbered migrations; migration N brings the schema to version N.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_access.sql"),
];

/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long a connection waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "no database at {0}: create one with `salesboard init --db {0}`, or point --db / SALESBOARD_DB at an existing file"
    )]
    Missing(PathBuf),
    #[error(
        "{0} already exists: init will not overwrite it (remove it first, or pick another path)"
    )]
    Exists(PathBuf),
    #[error("{0} is not a salesboard database (not an SQLite file, or it is encrypted)")]
    NotDatabase(PathBuf),
    #[error("{path} is damaged: {detail} — restore it from a backup")]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "{path} was written by a newer salesboard (schema {found}, this program knows up to {known}): upgrade salesboard; the file was not changed"
    )]
    Newer {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error(
        "{0} is read-only for you: ask its owner for write access, or open it with --read-only"
    )]
    ReadOnly(PathBuf),
    #[error(
        "the database is busy (another process holds its lock for over 15 s); nothing was written, try again"
    )]
    Busy,
    #[error("{0}")]
    Invalid(#[from] Validation),
    /// Refused by the access list (see `store::access`).
    #[error("{0}")]
    Denied(String),
    #[error("{} bad row(s); nothing was imported", .0.len())]
    Rows(Vec<RowError>),
    #[error("database error: {0}")]
    Sql(rusqlite::Error),
    #[error("{0}")]
    Other(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        match e.sqlite_error_code() {
            Some(C::DatabaseBusy | C::DatabaseLocked) => StoreError::Busy,
            Some(C::ReadOnly) => StoreError::ReadOnly(PathBuf::from("the database")),
            _ => StoreError::Sql(e),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// How to open a database file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Open an existing file for reading and writing (migrating it if it is older).
    ReadWrite,
    /// Open an existing file for reading only (it must already be at this schema version).
    ReadOnly,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    read_only: bool,
    settings: Settings,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Creates a new, empty database at `path`, readable and writable only by its owner.
    pub fn init(path: &Path) -> Result<Store> {
        Store::init_shared(path, None)
    }

    /// Creates a new, empty database; with `group`, the file belongs to that group and its
    /// members may read and write it (mode 0660). SQLite gives the `-wal` and `-shm` files
    /// the database file's mode.
    pub fn init_shared(path: &Path, group: Option<nix::unistd::Gid>) -> Result<Store> {
        use std::os::unix::fs::OpenOptionsExt;
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
        {
            Ok(file) => {
                if let Some(gid) = group {
                    use std::os::unix::fs::PermissionsExt;
                    let undo = |msg: String| {
                        let _ = std::fs::remove_file(path);
                        StoreError::Other(msg)
                    };
                    nix::unistd::fchown(&file, None, Some(gid)).map_err(|e| {
                        undo(format!(
                            "cannot give {} to group {}: {e} (you must be a member of the group); nothing was created",
                            path.display(),
                            gid
                        ))
                    })?;
                    // Set after chown, and explicitly: the umask would take the group bits.
                    file.set_permissions(std::fs::Permissions::from_mode(0o660))
                        .map_err(|e| {
                            undo(format!("cannot set the mode of {}: {e}", path.display()))
                        })?;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(StoreError::Exists(path.to_path_buf()));
            }
            Err(e) => {
                return Err(StoreError::Other(format!(
                    "cannot create {}: {e}",
                    path.display()
                )));
            }
        }
        Store::open(path, Access::ReadWrite)
    }

    /// Opens an existing database, migrating it to the current schema when needed.
    pub fn open(path: &Path, access: Access) -> Result<Store> {
        if !path.exists() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        let read_only = access == Access::ReadOnly;
        let flags = if read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
        };
        let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Reading the version reads the header: this is where "not a database" shows up.
        let found: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| classify(path, e))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::Newer {
                path: path.to_path_buf(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        conn.pragma_update(None, "foreign_keys", true)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            read_only,
            settings: Settings::default(),
        };
        if read_only {
            if found < SCHEMA_VERSION {
                return Err(StoreError::Other(format!(
                    "{} has schema {found}, this program needs {SCHEMA_VERSION}: open it once with write access to upgrade it",
                    path.display()
                )));
            }
        } else {
            // Switching to WAL and migrating take locks that SQLite sometimes refuses at
            // once (SQLITE_BUSY without waiting) when several processes open a new file
            // together; those steps are safe to repeat, so retry them for a while.
            let started = std::time::Instant::now();
            let mut attempt = 0u64;
            loop {
                match store.setup_writable(found) {
                    Err(StoreError::Busy) if started.elapsed() < BUSY_TIMEOUT => {
                        attempt += 1;
                        let jitter = u64::from(std::process::id() % 7) + attempt.min(20) * 5;
                        std::thread::sleep(Duration::from_millis(10 + jitter));
                    }
                    other => break other?,
                }
            }
        }
        store.reload_settings()?;
        Ok(store)
    }

    /// WAL, synchronous=NORMAL and migrations, for a connection that may write.
    fn setup_writable(&mut self, found: i64) -> Result<()> {
        let path = self.path.clone();
        let mode: String = self
            .conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(|e| classify(&path, e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Other(format!(
                "{} could not be switched to WAL mode (got {mode}); is it on a network filesystem?",
                path.display()
            )));
        }
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        if found < SCHEMA_VERSION {
            self.migrate().map_err(|e| match e {
                StoreError::Sql(e) => classify(&path, e),
                other => other,
            })?;
        }
        Ok(())
    }

    /// Applies the missing migrations in one IMMEDIATE transaction. The version is read again
    /// after taking the write lock, so processes opening a new file at once migrate it once.
    fn migrate(&mut self) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current > SCHEMA_VERSION {
            return Err(StoreError::Newer {
                path: self.path.clone(),
                found: current,
                known: SCHEMA_VERSION,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Rereads the `settings` table. Unknown keys or bad values are skipped and returned.
    pub fn reload_settings(&mut self) -> Result<Vec<String>> {
        let (settings, problems) = self.read_settings()?;
        self.settings = settings;
        Ok(problems)
    }

    /// Settings rows that were skipped because the key is unknown or the value is bad.
    pub fn settings_problems(&self) -> Result<Vec<String>> {
        Ok(self.read_settings()?.1)
    }

    fn read_settings(&self) -> Result<(Settings, Vec<String>)> {
        let mut settings = Settings::default();
        let mut problems = Vec::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key, value FROM settings ORDER BY key")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (k, v) = row?;
            if let Err(e) = settings.apply(&k, &v) {
                problems.push(crate::text::clean_owned(e));
            }
        }
        Ok((settings, problems))
    }

    /// Sets one setting (validated), recording it in the audit log.
    pub fn set_setting(&mut self, actor: &Actor, key: &str, value: &str) -> Result<()> {
        let mut check = self.settings.clone();
        check
            .apply(key, value)
            .map_err(|e| Validation::new("setting", e))?;
        self.write(actor, |tx, audit| {
            let old: Option<String> = tx
                .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .ok();
            tx.execute(
                "INSERT INTO settings(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            audit.record(
                tx,
                if old.is_some() { "update" } else { "insert" },
                "settings",
                None,
                old.map(|o| serde_json::json!({ key: o })),
                Some(serde_json::json!({ key: value })),
            )?;
            Ok(())
        })?;
        self.settings = check;
        Ok(())
    }

    /// A number that changes whenever another connection commits to the file.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    /// The schema version recorded in the file.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction: it waits for other writers instead of
    /// failing half-way, and either all of `f`'s writes land or none.
    pub(crate) fn write<T>(
        &mut self,
        actor: &Actor,
        f: impl FnOnce(&rusqlite::Transaction<'_>, &Audit<'_>) -> Result<T>,
    ) -> Result<T> {
        if self.read_only {
            return Err(StoreError::ReadOnly(self.path.clone()));
        }
        let path = self.path.clone();
        let ro = |e: StoreError| match e {
            StoreError::ReadOnly(_) => StoreError::ReadOnly(path.clone()),
            other => other,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| ro(e.into()))?;
        // Read inside the write lock, so a change to the access list cannot slip between.
        let permit = access::permit_in(&tx, &path, actor.uid)?;
        let audit = Audit { actor, permit };
        let out = f(&tx, &audit).map_err(ro)?;
        tx.commit().map_err(|e| ro(e.into()))?;
        Ok(out)
    }

    /// `PRAGMA integrity_check` and `foreign_key_check`; an empty list means healthy.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let line = row?;
            if line != "ok" {
                problems.push(crate::text::clean_owned(line));
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        let fk = stmt.query_map([], |r| {
            Ok(format!(
                "{} row {} points to a missing {}",
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?.unwrap_or_default(),
                r.get::<_, String>(2)?
            ))
        })?;
        for row in fk {
            problems.push(crate::text::clean_owned(row?));
        }
        Ok(problems)
    }

    /// Row counts of every table, in schema order.
    pub fn row_counts(&self) -> Result<Vec<(String, i64)>> {
        let tables: Vec<String> = {
            let mut stmt = self.conn.prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
            )?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::new();
        for t in tables {
            let n: i64 =
                self.conn
                    .query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))?;
            out.push((t, n));
        }
        Ok(out)
    }

    /// Copies the database to `dest` consistently (the SQLite backup API), for `demo`.
    pub fn copy_to(&self, dest: &Path) -> Result<()> {
        let mut dst = Connection::open(dest)?;
        let backup = rusqlite::backup::Backup::new(&self.conn, &mut dst)?;
        backup.run_to_completion(256, Duration::from_millis(0), None)?;
        Ok(())
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// One IMMEDIATE transaction for bulk loading (seed); no per-row audit.
    pub(crate) fn bulk<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        if self.read_only {
            return Err(StoreError::ReadOnly(self.path.clone()));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let uid = nix::unistd::getuid().as_raw();
        if access::permit_in(&tx, &self.path, uid)?.role != Role::Admin {
            return Err(StoreError::Denied(
                "only an admin of this database may load data in bulk".into(),
            ));
        }
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

/// Turns an SQLite error at open time into a message about the file.
fn classify(path: &Path, e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode as C;
    let p = path.to_path_buf();
    match e.sqlite_error_code() {
        Some(C::NotADatabase) => StoreError::NotDatabase(p),
        Some(C::DatabaseCorrupt) => StoreError::Corrupt {
            path: p,
            detail: e.to_string(),
        },
        Some(C::ReadOnly) => StoreError::ReadOnly(p),
        Some(C::CannotOpen) | Some(C::PermissionDenied) => StoreError::Other(format!(
            "cannot open {}: {e} — check the file's and its directory's permissions (SQLite must create {}-wal and {}-shm beside it)",
            path.display(),
            path.display(),
            path.display()
        )),
        Some(C::DatabaseBusy | C::DatabaseLocked) => StoreError::Busy,
        _ => StoreError::Sql(e),
    }
}

/// Records changes in the audit log inside the same transaction as the change.
pub(crate) struct Audit<'a> {
    actor: &'a Actor,
    permit: Permit,
}

impl Audit<'_> {
    pub(crate) fn record(
        &self,
        tx: &rusqlite::Transaction<'_>,
        action: &str,
        entity: &str,
        row_id: Option<i64>,
        old: Option<serde_json::Value>,
        new: Option<serde_json::Value>,
    ) -> Result<()> {
        // Every change is recorded here, so this is where the access list is enforced.
        access::authorize(tx, &self.permit, entity, row_id, old.as_ref())?;
        tx.prepare_cached(
            "INSERT INTO audit_log(at, uid, user, action, entity, row_id, old_values, new_values)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            self.actor.now,
            self.actor.uid,
            self.actor.user,
            action,
            entity,
            row_id,
            old.map(|v| v.to_string()),
            new.map(|v| v.to_string()),
        ])?;
        Ok(())
    }

    pub(crate) fn actor(&self) -> &Actor {
        self.actor
    }
}

#[cfg(test)]
mod tests;
