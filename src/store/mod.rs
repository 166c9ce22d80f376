//! The only module that speaks SQL: connection setup, migrations, typed queries and
//! validated writes, change detection.

mod access;
mod coverage;
mod csvio;
mod entries;
mod lossy;
mod query;
pub mod seed;
mod write;

pub use access::{Grant, Permit, Role};
pub use coverage::{FileCoverage, Kind as DataKind};
pub use csvio::{ImportKind, ImportReport, RowError};
pub use entries::Deletion;
pub use query::{Affected, DataWindow, Dataset};
pub use write::{Actor, NewActivity, NewKnowledge, NewPlan, NewResponse, NewSurvey, Validation};

use crate::settings::Settings;
use lossy::RowExt;
use rusqlite::{Connection, OpenFlags, TransactionBehavior, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Numbered migrations; migration N brings the schema to version N.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_access.sql"),
    include_str!("migrations/0003_change_log.sql"),
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
    #[error(
        "{0} is an empty file (0 bytes), not a salesboard database: remove it and run `salesboard init --db {0}` (init does not overwrite files), or point --db / SALESBOARD_DB at the right file; it was not changed"
    )]
    Empty(PathBuf),
    #[error(
        "{0} is not a salesboard database (not an SQLite file, another program's database, or encrypted): point --db / SALESBOARD_DB at the right file, or restore it from a backup; it was not changed"
    )]
    NotDatabase(PathBuf),
    #[error(
        "{path} is damaged ({detail}): restore it from a backup; `salesboard --db {path} check` lists the damage; nothing was written"
    )]
    Corrupt { path: PathBuf, detail: String },
    /// The file cannot be reached or read at all (permissions on it or its directory).
    #[error("cannot read {path}: {detail}: ask its owner for read access to it and its directory")]
    NoAccess { path: PathBuf, detail: String },
    /// SQLite must create `-wal`/`-shm` (or a `-journal`) beside the file and may not.
    #[error(
        "cannot create {}-wal: its directory {} must be writable by everyone who uses the board (see docs/operations.md); nothing was written",
        .path.display(),
        .dir.display()
    )]
    Directory { path: PathBuf, dir: PathBuf },
    #[error(
        "{path} was written by a newer salesboard (schema {found}, this program knows up to {known}): upgrade salesboard; the file was not changed"
    )]
    Newer {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{0} is read-only for you: nothing was written; ask its owner for write access")]
    ReadOnly(PathBuf),
    #[error(
        "the database is busy (another process holds its lock for over 15 s); nothing was written, try again"
    )]
    Busy,
    #[error("{0}")]
    Invalid(#[from] Validation),
    /// Whoever read the output went away (`export … | head`): not an error to report.
    #[error("the output was closed")]
    OutputClosed,
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

thread_local! {
    /// The file this thread opened last. Damage often shows only when a query reaches the
    /// bad page, far from `Store::open`; the message must still name the file.
    static OPENED: std::cell::RefCell<Option<PathBuf>> = const { std::cell::RefCell::new(None) };
}

/// The file this thread's errors are about (see [`OPENED`]).
fn opened_path() -> PathBuf {
    OPENED
        .with(|p| p.borrow().clone())
        .unwrap_or_else(|| PathBuf::from("the database"))
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        classify(&opened_path(), e)
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
    /// Opened `immutable`: the file as it was, without locks; it never sees new writes.
    snapshot: bool,
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
    ///
    /// The database is made complete under a temporary name beside `path` and then linked
    /// into place (which fails if `path` appeared meanwhile): nobody ever finds an empty or
    /// half-made file at `path`, so every other command can refuse empty files outright.
    pub fn init_shared(path: &Path, group: Option<(nix::unistd::Gid, &str)>) -> Result<Store> {
        use std::os::unix::fs::PermissionsExt;
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(StoreError::Exists(path.to_path_buf()));
        }
        let cannot = |e: &dyn std::fmt::Display| {
            StoreError::Other(format!("cannot create {}: {e}", path.display()))
        };
        // Mode 0600 (tempfile's), readable only by its owner.
        let tmp = tempfile::Builder::new()
            .prefix(".salesboard-init-")
            .tempfile_in(dir_of(path))
            .map_err(|e| cannot(&e))?;
        if let Some((gid, name)) = group {
            nix::unistd::fchown(tmp.as_file(), None, Some(gid)).map_err(|e| {
                StoreError::Other(format!(
                    "cannot give {} to group {name}: {e} (you must be a member of the group); nothing was created",
                    path.display(),
                ))
            })?;
            // Set after chown, and explicitly: the umask would take the group bits.
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o660))
                .map_err(|e| {
                    StoreError::Other(format!("cannot set the mode of {}: {e}", path.display()))
                })?;
        }
        // Migrate it, then close it: the last connection folds the -wal into the file and
        // removes the -wal and -shm.
        drop(Store::open_new(tmp.path())?);
        match std::fs::hard_link(tmp.path(), path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(StoreError::Exists(path.to_path_buf()));
            }
            Err(e) => return Err(cannot(&e)),
        }
        // Dropping `tmp` removes the temporary name; the database stays at `path`.
        drop(tmp);
        Store::open(path, Access::ReadWrite)
    }

    /// Opens an existing database, migrating it to the current schema when needed.
    ///
    /// A file that is missing, empty, not a salesboard database, damaged, newer, or that
    /// this user may not write is refused with a message naming it, and left byte for
    /// byte as it was.
    pub fn open(path: &Path, access: Access) -> Result<Store> {
        Store::open_file(path, access, false)
    }

    /// Opens the empty file `init` has just created (any other empty file is refused).
    fn open_new(path: &Path) -> Result<Store> {
        Store::open_file(path, Access::ReadWrite, true)
    }

    fn open_file(path: &Path, access: Access, new: bool) -> Result<Store> {
        use nix::unistd::AccessFlags;
        OPENED.with(|p| *p.borrow_mut() = Some(path.to_path_buf()));
        let p = || path.to_path_buf();
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::Missing(p()));
            }
            Err(e) => {
                let detail = if e.kind() == std::io::ErrorKind::PermissionDenied {
                    "permission denied on a directory above it".to_string()
                } else {
                    e.to_string()
                };
                return Err(StoreError::NoAccess { path: p(), detail });
            }
        };
        if meta.is_dir() {
            return Err(StoreError::Other(format!(
                "{} is a directory, not a database file: give the file's path (like {})",
                path.display(),
                path.join("kpi.db").display()
            )));
        }
        if !may(path, AccessFlags::R_OK) {
            return Err(StoreError::NoAccess {
                path: p(),
                detail: "permission denied".into(),
            });
        }
        // A named pipe, socket or device: opening it could block for ever (a FIFO) or read
        // something that is not a file at all.
        if !meta.is_file() {
            return Err(StoreError::Other(format!(
                "{} is not a regular file (a named pipe, socket or device): give the path of a database file; it was not opened",
                path.display()
            )));
        }
        // An empty file is what `touch` (or a mistyped redirection) makes: refused, so a
        // wrong path is never turned into a database. Only `init` makes one, and it never
        // leaves an empty file where others can find it.
        if meta.len() == 0 && !new {
            return Err(StoreError::Empty(p()));
        }
        let read_only = access == Access::ReadOnly;
        let file_writable = may(path, AccessFlags::W_OK);
        if !read_only && !file_writable {
            return Err(StoreError::ReadOnly(p()));
        }
        // A WAL file that nobody has open has no -wal and -shm; SQLite creates them to read
        // it. Where this user cannot write the file or its directory, they would be left
        // behind owned by this user (locking the file's writers out), or cannot be made at
        // all: read the file as it is instead (`immutable`), which is complete while nobody
        // has it open.
        let snapshot = read_only
            && wal_header(path)
            && !sidecar(path, "-wal").exists()
            && !sidecar(path, "-shm").exists()
            && (!file_writable || !may(&dir_of(path), AccessFlags::W_OK));
        let conn = if snapshot {
            Connection::open_with_flags(
                format!("{}?immutable=1", file_uri(path)),
                OpenFlags::SQLITE_OPEN_READ_ONLY
                    | OpenFlags::SQLITE_OPEN_URI
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
        } else if read_only && !file_writable {
            Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
        } else {
            // Read-only by choice on a file this user may write: a read-write connection
            // that refuses writes (query_only), so that closing it removes the -wal and
            // -shm it made, as any writer's does.
            Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
        }
        .map_err(|e| classify(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        if read_only && !snapshot && file_writable {
            conn.pragma_update(None, "query_only", true)?;
        }
        // Reading the version reads the header: this is where "not a database" shows up.
        let found: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| classify(path, e))?;
        // Reading the schema finds another program's SQLite file (never migrate that) and
        // a damaged schema.
        let (tables, ours): (i64, bool) = conn
            .query_row(
                "SELECT count(*), coalesce(max(type = 'table' AND name = 'settings'), 0) FROM sqlite_schema",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| classify(path, e))?;
        if tables > 0 && !ours {
            return Err(StoreError::NotDatabase(p()));
        }
        if found > SCHEMA_VERSION {
            return Err(StoreError::Newer {
                path: p(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        if tables > 0 || found != 0 {
            version_matches_tables(&conn, path)?;
        }
        conn.pragma_update(None, "foreign_keys", true)?;
        let mut store = Store {
            conn,
            path: p(),
            read_only,
            snapshot,
            settings: Settings::default(),
        };
        if read_only {
            if found < SCHEMA_VERSION {
                return Err(StoreError::Other(format!(
                    "{} has schema {found}, this program needs {SCHEMA_VERSION}: open it once with write access to upgrade it (any command does, for example `salesboard --db {} check` run by its owner)",
                    path.display(),
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
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .map_err(|e| classify(&path, e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            // The switch rewrites the file's header (once in its life). Before that, make
            // sure it can succeed and the file is sound, so that a file refused here is
            // left byte for byte as it was.
            let dir = dir_of(&path);
            if !may(&dir, nix::unistd::AccessFlags::W_OK) {
                return Err(StoreError::Directory { path, dir });
            }
            let problem: String = self
                .conn
                .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
                .map_err(|e| classify(&path, e))?;
            if let Some(detail) = damage_lines(vec![problem]).into_iter().next() {
                return Err(StoreError::Corrupt { path, detail });
            }
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
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current.max(0) as usize) {
            // One line, never the migration's SQL (rusqlite's message can quote it whole).
            tx.execute_batch(sql)
                .map_err(|e| match classify(&self.path, e) {
                    StoreError::Sql(e) => StoreError::Other(format!(
                        "cannot upgrade {} to schema {}: {}; it was not changed",
                        self.path.display(),
                        i + 1,
                        e.to_string().lines().next().unwrap_or_default()
                    )),
                    other => other,
                })?;
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

    /// True when the file was read as it was at opening (see [`Store::open`]): it will not
    /// show later writes.
    pub fn is_snapshot(&self) -> bool {
        self.snapshot
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
        let rows = stmt.query_map([], |r| Ok((r.text(0)?, r.text(1)?)))?;
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
        for row in stmt.query_map([], |r| r.text(0))? {
            let line = row?;
            if line != "ok" {
                problems.push(crate::text::clean_owned(line));
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        let fk = stmt.query_map([], |r| {
            Ok(format!(
                "{} row {} points to a missing {}",
                r.text(0)?,
                r.get::<_, Option<i64>>(1)?.unwrap_or_default(),
                r.text(2)?
            ))
        })?;
        for row in fk {
            problems.push(crate::text::clean_owned(row?));
        }
        Ok(problems)
    }

    /// Values in text columns that are not valid UTF-8 text (bytes written by another
    /// program, or a BLOB): "table row N, column C: why", at most `limit` of them, and how
    /// many there are in all. Boards and reports read them with U+FFFD in place of the bad
    /// bytes (see `lossy`); `check` lists them so they can be fixed.
    pub fn bad_text(&self, limit: usize) -> Result<(Vec<String>, usize)> {
        let mut found = Vec::new();
        let mut total = 0usize;
        for table in self.table_names()? {
            let columns: Vec<String> = self
                .conn
                .prepare(&format!("PRAGMA table_info(\"{table}\")"))?
                .query_map([], |r| Ok((r.text(1)?, r.text(2)?)))?
                .filter_map(|c| match c {
                    Ok((name, kind)) if kind.to_ascii_uppercase().contains("TEXT") => {
                        Some(Ok(name))
                    }
                    Ok(_) => None,
                    Err(e) => Some(Err(e)),
                })
                .collect::<rusqlite::Result<_>>()?;
            for col in columns {
                // Names come from the schema, not from input.
                let mut stmt = self.conn.prepare(&format!(
                    "SELECT rowid, \"{col}\" FROM \"{table}\" WHERE typeof(\"{col}\") IN ('text', 'blob')"
                ))?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    let why = match r.get_ref(1)? {
                        rusqlite::types::ValueRef::Blob(_) => "a BLOB, not text",
                        rusqlite::types::ValueRef::Text(b) if std::str::from_utf8(b).is_err() => {
                            "not valid UTF-8 text"
                        }
                        _ => continue,
                    };
                    total += 1;
                    if found.len() < limit {
                        let row: i64 = r.get(0)?;
                        found.push(format!("{table} row {row}, column {col}: {why}"));
                    }
                }
            }
        }
        Ok((found, total))
    }

    fn table_names(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
        )?;
        let names = stmt
            .query_map([], |r| r.text(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(names)
    }

    /// Row counts of every table, in schema order.
    pub fn row_counts(&self) -> Result<Vec<(String, i64)>> {
        let mut out = Vec::new();
        for t in self.table_names()? {
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

/// The tables each migration creates (migration N at index N − 1): what a file at a schema
/// version must hold, and what tells a version lowered by hand. A test checks this list
/// against the migrations' SQL.
const MIGRATION_TABLES: &[&[&str]] = &[
    &[
        "settings",
        "team",
        "rep",
        "plan",
        "team_plan",
        "campaign",
        "acquisition_cost",
        "customer",
        "deal",
        "stage_change",
        "activity",
        "satisfaction",
        "knowledge_test",
        "inquiry",
        "invoice",
        "audit_log",
    ],
    &["access", "access_team"],
    &["change_log"],
];

/// The tables migration `n` (1-based) creates.
fn tables_of_migration(n: usize) -> Vec<&'static str> {
    MIGRATION_TABLES
        .get(n.wrapping_sub(1))
        .map(|t| t.to_vec())
        .unwrap_or_default()
}

/// Refuses a file whose recorded schema version (`PRAGMA user_version`) does not match its
/// tables: negative, lowered by hand (it holds tables of later migrations, which would
/// make the upgrade fail half-way), or raised by hand (tables of its version are missing).
/// Nothing is written.
///
/// The version and the tables are read in one read transaction: another process may be
/// upgrading the file at this moment, and a version read before its commit with tables
/// read after it would look lowered.
fn version_matches_tables(conn: &Connection, path: &Path) -> Result<()> {
    conn.execute_batch("BEGIN DEFERRED")
        .map_err(|e| classify(path, e))?;
    let checked = version_matches_tables_now(conn, path);
    // A read transaction: ending it can only fail if it was never begun.
    let _ = conn.execute_batch("COMMIT");
    checked
}

fn version_matches_tables_now(conn: &Connection, path: &Path) -> Result<()> {
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| classify(path, e))?;
    let shown = path.display();
    if found < 0 {
        return Err(StoreError::Other(format!(
            "{shown} has schema version {found}, which salesboard never writes (PRAGMA user_version was changed by another program): restore the file from a backup; it was not changed"
        )));
    }
    let exists = |table: &str| -> Result<bool> {
        Ok(conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1)",
            )?
            .query_row([table], |r| r.get(0))?)
    };
    // The newest migration whose tables are there.
    let mut holds = 0usize;
    for n in 1..=MIGRATIONS.len() {
        for t in tables_of_migration(n) {
            if exists(t)? {
                holds = n;
            }
        }
    }
    let found_n = found as usize;
    if holds > found_n {
        let table = tables_of_migration(holds).first().copied().unwrap_or("?");
        return Err(StoreError::Other(format!(
            "{shown} says it has schema {found} but holds table {table} of schema {holds}: its version (PRAGMA user_version) was lowered by another program; restore the file from a backup, or set it back with `sqlite3 {shown} 'PRAGMA user_version = {holds}'`; it was not changed"
        )));
    }
    for n in 1..=found_n.min(MIGRATIONS.len()) {
        let mut missing = None;
        for t in tables_of_migration(n) {
            if missing.is_none() && !exists(t)? {
                missing = Some(t);
            }
        }
        if let Some(missing) = missing {
            return Err(StoreError::Other(format!(
                "{shown} says it has schema {found} but table {missing} of schema {n} is missing: its version (PRAGMA user_version) was changed by another program, or the table was dropped; restore the file from a backup; it was not changed"
            )));
        }
    }
    Ok(())
}

/// Turns an SQLite error into a message about the file: at open time, and (through
/// `From<rusqlite::Error>`) when a query reaches a damaged page or a file it may not use.
fn classify(path: &Path, e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode as C;
    let p = path.to_path_buf();
    let extended = match &e {
        rusqlite::Error::SqliteFailure(f, _) => f.extended_code,
        _ => 0,
    };
    match e.sqlite_error_code() {
        Some(C::NotADatabase) => StoreError::NotDatabase(p),
        Some(C::DatabaseCorrupt) => StoreError::Corrupt {
            path: p,
            detail: e.to_string(),
        },
        // SQLITE_READONLY_DIRECTORY: the file is writable, its directory is not.
        Some(C::ReadOnly) if extended == rusqlite::ffi::SQLITE_READONLY_DIRECTORY => {
            StoreError::Directory {
                path: p,
                dir: dir_of(path),
            }
        }
        // SQLITE_READONLY_CANTINIT: a -shm left by someone else that this user cannot write.
        Some(C::ReadOnly) if extended == rusqlite::ffi::SQLITE_READONLY_CANTINIT => {
            StoreError::Other(format!(
                "cannot use {}-shm (made by another user, not writable for you): while nobody has {} open, its owner may remove it; see docs/operations.md",
                path.display(),
                path.display()
            ))
        }
        Some(C::ReadOnly) => StoreError::ReadOnly(p),
        Some(C::CannotOpen) | Some(C::PermissionDenied) => {
            let dir = dir_of(path);
            if path.exists() && !may(&dir, nix::unistd::AccessFlags::W_OK) {
                StoreError::Directory { path: p, dir }
            } else {
                StoreError::NoAccess {
                    path: p,
                    detail: e.to_string(),
                }
            }
        }
        Some(C::DiskFull) => StoreError::Other(format!(
            "the disk holding {} is full: nothing was written; free some space and try again",
            path.display()
        )),
        Some(C::SystemIoFailure) => StoreError::Other(format!(
            "cannot read or write {}: {e} (a disk or filesystem error); run `salesboard --db {} check`, and restore it from a backup if it is damaged",
            path.display(),
            path.display()
        )),
        Some(C::DatabaseBusy | C::DatabaseLocked) => StoreError::Busy,
        _ => StoreError::Sql(e),
    }
}

/// What `PRAGMA integrity_check` says about a file too damaged to open (for `check`): up
/// to 100 lines, or the error that stopped it. Nothing is written, and no -wal or -shm is
/// left behind.
pub fn damage(path: &Path) -> Vec<String> {
    let mut found = Vec::new();
    // A cut-off copy: the header says how many pages the file has.
    // The header's page count is valid when bytes 24..28 match 92..96.
    if let Some(h) = header(path).filter(|h| h[24..28] == h[92..96]) {
        let page = match u32::from(u16::from_be_bytes([h[16], h[17]])) {
            1 => 65536,
            n => u64::from(n),
        };
        let pages = u64::from(u32::from_be_bytes([h[28], h[29], h[30], h[31]]));
        let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if pages > 0 && len < pages * page {
            found.push(format!(
                "the file has {len} bytes, its header says {} ({pages} pages): it was cut off (a copy or a disk that ran out of space?)",
                pages * page
            ));
        }
    }
    let quiet =
        wal_header(path) && !sidecar(path, "-wal").exists() && !sidecar(path, "-shm").exists();
    let conn = if quiet {
        Connection::open_with_flags(
            format!("{}?immutable=1", file_uri(path)),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
        )
    } else {
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
    };
    let conn = match conn {
        Ok(c) => c,
        Err(e) => {
            found.push(e.to_string());
            return found;
        }
    };
    // The check may stop with an error after its first rows: keep those.
    let run = |pragma: &str| -> rusqlite::Result<Vec<String>> {
        let mut stmt = conn.prepare(pragma)?;
        let mut rows = Vec::new();
        for row in stmt.query_map([], |r| r.text(0))? {
            match row {
                Ok(r) => rows.push(r),
                Err(e) if rows.is_empty() => return Err(e),
                Err(e) => {
                    rows.push(format!("(the check stopped: {e})"));
                    break;
                }
            }
        }
        Ok(damage_lines(rows))
    };
    // integrity_check also walks tables against their indexes and may stop at a damaged
    // page; quick_check only reads every page, so it gets further.
    found.extend(
        run("PRAGMA integrity_check(100)")
            .or_else(|_| run("PRAGMA quick_check(100)"))
            .unwrap_or_else(|e| vec![e.to_string()]),
    );
    found
}

/// integrity_check's rows as one problem a line, without its "*** in database main ***"
/// heading and its "ok".
fn damage_lines(rows: Vec<String>) -> Vec<String> {
    rows.iter()
        .flat_map(|r| r.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != "ok" && !l.starts_with("*** in database"))
        .map(|l| crate::text::clean_owned(l.to_string()))
        .collect()
}

/// Whether this user may read/write `path` (`access(2)`, with the real uid).
fn may(path: &Path, how: nix::unistd::AccessFlags) -> bool {
    nix::unistd::access(path, how).is_ok()
}

/// The directory a database file is in (where SQLite puts its -wal, -shm and -journal).
fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `kpi.db` → `kpi.db-wal` and the like.
fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// The file's 100-byte SQLite header, if it has one.
fn header(path: &Path) -> Option<[u8; 100]> {
    use std::io::Read;
    let mut head = [0u8; 100];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .ok()?;
    head.starts_with(b"SQLite format 3\0").then_some(head)
}

/// Whether the file's header says WAL mode (bytes 18 and 19 are 2).
fn wal_header(path: &Path) -> bool {
    header(path).is_some_and(|h| h[18] == 2 && h[19] == 2)
}

/// An SQLite URI (`file:` with percent-escapes) for `path`, so parameters can be added.
fn file_uri(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file://");
    for &b in abs.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
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
        access::authorize(tx, &self.permit, action, entity, row_id, old.as_ref())?;
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
