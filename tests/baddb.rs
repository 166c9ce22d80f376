//! Bad databases, end to end with the real binary: a missing file, an empty one, one that
//! is not SQLite (or another program's SQLite), a damaged one, one from a newer
//! salesboard, one this user may not write, and one in a directory where SQLite may not
//! create its `-wal`/`-shm`. Every refusal is one line (`salesboard: …`) that names the
//! file and says what to do, with a non-zero exit; reading a read-only file works; and in
//! every case the file is left byte for byte as it was, with no `-wal`, `-shm` or
//! `-journal` beside it that was not there before. Never a panic.
//!
//! Permissions do not stop root, so when the tests run as root the binary runs as
//! `nobody` (through `setpriv`); otherwise as the user running the tests, and the cases
//! that need a file owned by someone else are skipped (they say so).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use salesboard::store::{Access, SCHEMA_VERSION, Store};

#[path = "common/tmux.rs"]
mod tmux;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/kpi.db.example");
const NOBODY: u32 = 65534;

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_salesboard"))
}

fn root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// The prefix that runs a program as the test user: `nobody` when the tests run as root.
fn as_user() -> Vec<String> {
    if root() {
        vec![
            "setpriv".into(),
            format!("--reuid={NOBODY}"),
            format!("--regid={NOBODY}"),
            "--clear-groups".into(),
        ]
    } else {
        Vec::new()
    }
}

/// Makes `path` belong to the test user (a no-op when the tests do not run as root).
fn give(path: &Path) {
    if root() {
        let nobody = Some(nix::unistd::Uid::from_raw(NOBODY));
        let group = Some(nix::unistd::Gid::from_raw(NOBODY));
        nix::unistd::chown(path, nobody, group).unwrap();
    }
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A private work area: a temporary directory the test user can enter (0755), with a
/// home of the test user's own for the program's state.
struct Work {
    dir: tempfile::TempDir,
    home: PathBuf,
    /// Directories made read-only, opened again before removal.
    locked: std::cell::RefCell<Vec<PathBuf>>,
}

impl Work {
    fn new() -> Work {
        let dir = tempfile::tempdir().unwrap();
        chmod(dir.path(), 0o755);
        let home = dir.path().join("home");
        std::fs::create_dir(&home).unwrap();
        give(&home);
        Work {
            dir,
            home,
            locked: Default::default(),
        }
    }

    /// A subdirectory owned by the test user (`own`) or by whoever runs the tests.
    fn sub(&self, name: &str, mode: u32, own: bool) -> PathBuf {
        let d = self.dir.path().join(name);
        std::fs::create_dir(&d).unwrap();
        if own {
            give(&d);
        }
        chmod(&d, mode);
        if mode & 0o200 == 0 {
            self.locked.borrow_mut().push(d.clone());
        }
        d
    }

    /// `salesboard --db DB args…` as the test user.
    fn run(&self, db: &Path, args: &[&str]) -> Output {
        let prefix = as_user();
        let mut c = match prefix.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(bin());
                c
            }
            None => Command::new(bin()),
        };
        c.env("TZ", "UTC")
            .env("HOME", &self.home)
            .env("SALESBOARD_STATE_DIR", self.home.join("state"))
            .env("SALESBOARD_CONFIG", "/nonexistent/salesboard.toml")
            .env_remove("SALESBOARD_DB")
            .env("LANG", "C")
            .env("RUST_BACKTRACE", "1")
            .arg("--db")
            .arg(db)
            .args(args)
            .output()
            .unwrap()
    }
}

impl Drop for Work {
    fn drop(&mut self) {
        for d in self.locked.borrow().iter() {
            let _ = std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755));
        }
    }
}

/// The example data at this program's schema, in rollback-journal (DELETE) mode like
/// `kpi.db.example`, or in WAL mode like every file salesboard has written to; with no
/// `-wal`/`-shm` (nobody has it open).
fn example(wal: bool) -> &'static [u8] {
    static DELETE: OnceLock<Vec<u8>> = OnceLock::new();
    static WAL: OnceLock<Vec<u8>> = OnceLock::new();
    (if wal { &WAL } else { &DELETE }).get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kpi.db");
        std::fs::copy(EXAMPLE, &db).unwrap();
        // Brings an older example up to this schema.
        drop(Store::open(&db, Access::ReadWrite).unwrap());
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mode: String = conn
            .pragma_update_and_check(
                None,
                "journal_mode",
                if wal { "WAL" } else { "DELETE" },
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(mode.to_lowercase(), if wal { "wal" } else { "delete" });
        drop(conn);
        assert_eq!(beside(&db), Vec::<String>::new());
        std::fs::read(&db).unwrap()
    })
}

/// A rep of the example data, for `add call`.
fn a_rep() -> &'static str {
    static REP: OnceLock<String> = OnceLock::new();
    REP.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kpi.db");
        std::fs::write(&db, example(false)).unwrap();
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.query_row(
            "SELECT name FROM rep WHERE active = 1 ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
    })
}

/// Writes `bytes` as `dir/kpi.db` with `mode`, owned by the test user when `own`.
fn place(dir: &Path, bytes: &[u8], mode: u32, own: bool) -> PathBuf {
    let db = dir.join("kpi.db");
    std::fs::write(&db, bytes).unwrap();
    if own {
        give(&db);
    }
    chmod(&db, mode);
    db
}

/// Makes `path` look a minute old.
fn age(path: &Path) {
    let then = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(then)
        .unwrap();
}

/// The -wal, -shm and -journal files beside `db`.
fn beside(db: &Path) -> Vec<String> {
    let name = db.file_name().unwrap().to_string_lossy().into_owned();
    let mut found: Vec<String> = std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&name) && *n != name)
        .collect();
    found.sort();
    found
}

/// What must not change: the file's bytes (or its absence), and the files beside it.
#[derive(PartialEq)]
struct Before {
    bytes: Option<Vec<u8>>,
    beside: Vec<String>,
}

impl Before {
    fn of(db: &Path) -> Before {
        Before {
            bytes: std::fs::read(db).ok(),
            beside: beside(db),
        }
    }

    fn assert_same(&self, db: &Path, what: &str) {
        let now = Before::of(db);
        assert!(
            self.bytes == now.bytes,
            "{what}: {} changed ({:?} bytes before, {:?} after)",
            db.display(),
            self.bytes.as_ref().map(Vec::len),
            now.bytes.as_ref().map(Vec::len)
        );
        assert_eq!(
            self.beside,
            now.beside,
            "{what}: files left beside {}",
            db.display()
        );
    }
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Nothing that looks like a crash.
fn calm(all: &str, what: &str) {
    for bad in ["panicked", "backtrace", "RUST_BACKTRACE", "internal error"] {
        assert!(!all.contains(bad), "{what}: '{bad}' in output:\n{all}");
    }
}

/// A refusal: a non-zero exit and exactly one line on stderr, `salesboard: …`, naming
/// the file and containing every one of `needles`. Returns the line.
fn refused(o: &Output, db: &Path, needles: &[&str], what: &str) -> String {
    let (out, err) = text(o);
    calm(&format!("{out}{err}"), what);
    assert!(
        !o.status.success() && o.status.code().is_some(),
        "{what}: expected a refusal, got {:?}\nstdout {out}\nstderr {err}",
        o.status
    );
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{what}: one line on stderr, got:\n{err}");
    let line = lines[0];
    assert!(line.starts_with("salesboard: "), "{what}: {line}");
    assert!(
        line.contains(&db.display().to_string()),
        "{what}: the line does not name {}: {line}",
        db.display()
    );
    for n in needles {
        assert!(line.contains(n), "{what}: expected '{n}' in: {line}");
    }
    line.to_string()
}

/// A success: exit 0, nothing on stderr, and `needle` on stdout.
fn worked(o: &Output, needle: &str, what: &str) {
    let (out, err) = text(o);
    calm(&format!("{out}{err}"), what);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{what}: stdout {out}\nstderr {err}"
    );
    assert!(err.is_empty(), "{what}: stderr: {err}");
    assert!(
        out.contains(needle),
        "{what}: expected '{needle}' in:\n{out}"
    );
}

/// The four commands every case runs: two reads, the integrity check, one write.
fn commands() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("report", vec!["report", "--at", "2026-11-15"]),
        ("export", vec!["export", "reps"]),
        ("check", vec!["check"]),
        (
            "add",
            vec![
                "add",
                "call",
                "--rep",
                a_rep(),
                "--date",
                "2026-11-19",
                "--duration",
                "5",
                "--outcome",
                "no_answer",
            ],
        ),
    ]
}

/// Every command refuses `db` with a line containing `needles`; nothing changes.
fn all_refuse(w: &Work, db: &Path, needles: &[&str], case: &str) {
    let before = Before::of(db);
    for (name, args) in commands() {
        let what = format!("{case}, {name}");
        refused(&w.run(db, &args), db, needles, &what);
        before.assert_same(db, &what);
    }
}

#[test]
fn a_missing_file_is_named_and_not_created() {
    let w = Work::new();
    let d = w.sub("d", 0o755, true);
    let db = d.join("kpi.db");
    all_refuse(
        &w,
        &db,
        &["no database at", "salesboard init --db"],
        "missing",
    );
    assert!(!db.exists());
    assert!(
        std::fs::read_dir(&d).unwrap().next().is_none(),
        "nothing is created in the directory"
    );
}

#[test]
fn an_empty_file_is_not_turned_into_a_database() {
    // `touch kpi.db` makes one, as does a mistyped redirection. Only `init` makes a
    // database, and never leaves an empty file where others could find it: an empty file
    // is refused however new it is, whoever made it.
    let w = Work::new();
    let d = w.sub("d", 0o755, true);
    for (fresh, mode) in [(true, 0o644), (true, 0o600), (false, 0o644)] {
        let db = place(&d, b"", mode, true);
        if !fresh {
            age(&db);
        }
        let case = format!("empty (new: {fresh}, mode {mode:o})");
        all_refuse(
            &w,
            &db,
            &["empty file (0 bytes)", "remove it and run `salesboard init"],
            &case,
        );
        let o = w.run(
            &db,
            &["seed", "--reps", "2", "--teams", "1", "--months", "1"],
        );
        refused(&o, &db, &["empty file"], &format!("{case}, seed"));
        assert_eq!(std::fs::read(&db).unwrap(), b"", "{case}");
        std::fs::remove_file(&db).unwrap();
    }
}

#[test]
fn a_named_pipe_at_the_path_is_refused_without_waiting() {
    // A FIFO would block whoever opens it until someone writes to the other end.
    let w = Work::new();
    let d = w.sub("d", 0o755, true);
    let db = d.join("kpi.db");
    nix::unistd::mkfifo(&db, nix::sys::stat::Mode::from_bits_truncate(0o644)).unwrap();
    give(&db);
    for (name, args) in commands() {
        let started = std::time::Instant::now();
        let o = w.run(&db, &args);
        refused(&o, &db, &["not a regular file"], &format!("fifo, {name}"));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "fifo, {name}: took {:?}",
            started.elapsed()
        );
    }
    use std::os::unix::fs::FileTypeExt;
    let kind = std::fs::symlink_metadata(&db).unwrap().file_type();
    assert!(kind.is_fifo(), "the pipe is still a pipe");
}

/// `bytes` with `PRAGMA user_version` set to `version`.
fn with_version(bytes: &[u8], version: i64) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    std::fs::write(&db, bytes).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "user_version", version).unwrap();
    drop(conn);
    std::fs::read(&db).unwrap()
}

#[test]
fn a_schema_version_changed_by_hand_is_refused_in_one_line() {
    // Lowered (the tables of later migrations are there: upgrading would fail half-way
    // and print the migration's SQL), negative (never written by salesboard), or raised
    // past tables that are not there.
    let w = Work::new();
    let d = w.sub("d", 0o755, true);
    let mut cases: Vec<(i64, Vec<&str>)> = vec![
        (
            -1,
            vec!["schema version -1", "restore the file from a backup"],
        ),
        (
            -7,
            vec!["schema version -7", "restore the file from a backup"],
        ),
    ];
    for lowered in 0..SCHEMA_VERSION {
        cases.push((lowered, vec!["was lowered", "PRAGMA user_version"]));
    }
    for (version, needles) in cases {
        for wal in [false, true] {
            let db = place(&d, &with_version(example(wal), version), 0o644, true);
            all_refuse(
                &w,
                &db,
                &needles,
                &format!("user_version {version}, wal {wal}"),
            );
            std::fs::remove_file(&db).unwrap();
        }
    }
    // Raised by hand over a file that lacks a later migration's table.
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("x.db");
    std::fs::write(&x, example(false)).unwrap();
    let conn = rusqlite::Connection::open(&x).unwrap();
    conn.execute_batch("DROP TABLE change_log").unwrap();
    drop(conn);
    let db = place(&d, &std::fs::read(&x).unwrap(), 0o644, true);
    all_refuse(&w, &db, &["table change_log", "is missing"], "raised");
}

#[test]
fn files_that_are_not_salesboard_databases_are_refused() {
    let w = Work::new();
    let d = w.sub("d", 0o755, true);
    let needles = ["is not a salesboard database", "point --db / SALESBOARD_DB"];
    for (case, bytes) in [
        ("short text", b"hello\n".to_vec()),
        ("long text", "not sqlite at all ".repeat(300).into_bytes()),
        (
            "binary",
            (0..8192u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect(),
        ),
    ] {
        let db = place(&d, &bytes, 0o644, true);
        all_refuse(&w, &db, &needles, case);
        std::fs::remove_file(&db).unwrap();
    }
    // Another program's SQLite file: never migrated into a salesboard database.
    let db = d.join("kpi.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES ('mine');")
        .unwrap();
    drop(conn);
    give(&db);
    all_refuse(&w, &db, &needles, "another program's SQLite file");
}

/// Overwrites `len` bytes of `bytes` at `at` with a pattern.
fn scribble(bytes: &mut [u8], at: usize, len: usize) {
    for (i, b) in bytes[at..at + len].iter_mut().enumerate() {
        *b = [0xde, 0xad, 0xbe, 0xef][i % 4];
    }
}

/// The byte offset of the first page of table `name` in `bytes`.
fn root_page_offset(bytes: &[u8], name: &str) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    std::fs::write(&db, bytes).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let root: i64 = conn
        .query_row(
            "SELECT rootpage FROM sqlite_schema WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .unwrap();
    let page: i64 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    ((root - 1) * page) as usize
}

#[test]
fn a_damaged_file_is_named_with_what_to_do_and_left_alone() {
    let w = Work::new();
    let d = w.sub("d", 0o755, true);
    // Every message says to restore; all but check's own point to check.
    let needles = ["is damaged", "restore it from a backup"];
    for wal in [false, true] {
        let mode = if wal { "WAL" } else { "DELETE" };
        // The reps table's first page overwritten: every command needs it.
        let mut bytes = example(wal).to_vec();
        let at = root_page_offset(&bytes, "rep");
        scribble(&mut bytes, at, 4096);
        let db = place(&d, &bytes, 0o644, true);
        let before = Before::of(&db);
        for (name, args) in commands() {
            let what = format!("reps page damaged ({mode}), {name}");
            let o = w.run(&db, &args);
            let line = refused(&o, &db, &needles, &what);
            assert!(
                name == "check" || line.contains("check` lists the damage"),
                "{what}: {line}"
            );
            before.assert_same(&db, &what);
            if name == "check" {
                // check prints what it can, then the damage.
                let (out, _) = text(&o);
                assert!(
                    out.contains(&format!("database: {}", db.display())),
                    "{out}"
                );
                assert!(
                    out.contains("problem: "),
                    "{what}: no problem listed:\n{out}"
                );
            }
        }
        std::fs::remove_file(&db).unwrap();
    }

    // Cut off half-way (a copy that did not finish), and after the header.
    for len in [example(false).len() / 2, 100] {
        let db = place(&d, &example(false)[..len], 0o644, true);
        all_refuse(&w, &db, &needles, &format!("cut off at {len}"));
        let (out, _) = text(&w.run(&db, &["check"]));
        assert!(out.contains("it was cut off"), "{out}");
        std::fs::remove_file(&db).unwrap();
    }

    // Some bytes overwritten in the middle of the file: reads that do not reach the
    // damaged page may work; check finds it; a write is refused before anything changes.
    let mut bytes = example(false).to_vec();
    let middle = bytes.len() / 2 / 4096 * 4096;
    scribble(&mut bytes, middle, 4096);
    let db = place(&d, &bytes, 0o644, true);
    let before = Before::of(&db);
    for (name, args) in commands() {
        let what = format!("middle damaged, {name}");
        let o = w.run(&db, &args);
        if name == "report" || name == "export" {
            if !o.status.success() {
                refused(&o, &db, &needles, &what);
            } else {
                calm(&text(&o).1, &what);
            }
        } else {
            let line = refused(&o, &db, &needles, &what);
            if name == "check" {
                assert!(line.contains("listed above"), "{line}");
                let (out, _) = text(&o);
                assert!(out.contains("problem: "), "{out}");
            }
        }
        before.assert_same(&db, &what);
    }
}

/// `bytes` with its schema version set above what this program knows.
fn newer(bytes: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    std::fs::write(&db, bytes).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(conn);
    std::fs::read(&db).unwrap()
}

#[test]
fn a_file_from_a_newer_salesboard_is_refused_unchanged() {
    let w = Work::new();
    let d = w.sub("d", 0o755, true);
    for wal in [false, true] {
        let db = place(&d, &newer(example(wal)), 0o644, true);
        let found = format!("schema {}", SCHEMA_VERSION + 1);
        all_refuse(
            &w,
            &db,
            &["newer salesboard", &found, "upgrade salesboard"],
            if wal { "newer (WAL)" } else { "newer" },
        );
        std::fs::remove_file(&db).unwrap();
    }
}

/// Reads work and the write is refused with `needles`; nothing changes.
fn reads_work_writes_refused(w: &Work, db: &Path, needles: &[&str], case: &str) {
    let before = Before::of(db);
    for (name, args) in commands() {
        let what = format!("{case}, {name}");
        let o = w.run(db, &args);
        match name {
            "report" => worked(&o, "Won revenue", &what),
            "export" => worked(&o, a_rep(), &what),
            "check" => worked(&o, "integrity: ok", &what),
            _ => {
                refused(&o, db, needles, &what);
            }
        }
        before.assert_same(db, &what);
    }
}

#[test]
fn a_read_only_file_can_be_read_but_not_written() {
    let w = Work::new();
    let read_only = ["is read-only for you", "ask its owner for write access"];
    for wal in [false, true] {
        let mode = if wal { "WAL" } else { "DELETE" };
        // chmod 444 on one's own file, in one's own directory.
        let d = w.sub(&format!("own-{mode}"), 0o755, true);
        let db = place(&d, example(wal), 0o444, true);
        reads_work_writes_refused(&w, &db, &read_only, &format!("own file 0444 ({mode})"));
        if !root() {
            eprintln!("not root: skipping the file owned by someone else");
            continue;
        }
        // Someone else's file (0644), in a directory the user may write…
        let d = w.sub(&format!("shared-{mode}"), 0o777, false);
        let db = place(&d, example(wal), 0o644, false);
        reads_work_writes_refused(
            &w,
            &db,
            &read_only,
            &format!("someone else's file ({mode}), open directory"),
        );
        // …and in theirs (so nothing can be created beside it).
        let d = w.sub(&format!("theirs-{mode}"), 0o755, false);
        let db = place(&d, example(wal), 0o644, false);
        reads_work_writes_refused(
            &w,
            &db,
            &read_only,
            &format!("someone else's file ({mode}), their directory"),
        );
    }
}

#[test]
fn a_directory_without_write_access_allows_reading_only_and_says_why() {
    let w = Work::new();
    for wal in [false, true] {
        let mode = if wal { "WAL without -shm" } else { "DELETE" };
        // The file is the user's and writable; its directory is not.
        let d = w.sub(&format!("locked-{}", u8::from(wal)), 0o555, true);
        chmod(&d, 0o755);
        let db = place(&d, example(wal), 0o644, true);
        chmod(&d, 0o555);
        let wal_file = format!("cannot create {}-wal", db.display());
        let dir = format!("its directory {} must be writable by everyone", d.display());
        reads_work_writes_refused(
            &w,
            &db,
            &[&wal_file, &dir, "docs/operations.md"],
            &format!("directory not writable ({mode})"),
        );
    }
}

// ---------------------------------------------------------------------------------------
// The board.

/// Runs the board as the test user in tmux; after it ends, prints its exit status.
fn board(w: &Work, db: &Path) -> tmux::Tmux {
    let prefix = as_user().join(" ");
    tmux::Tmux::start(
        200,
        30,
        &format!(
            "env HOME={home} SALESBOARD_STATE_DIR={home}/state SALESBOARD_CONFIG=/nonexistent LANG=C.UTF-8 TZ=UTC RUST_BACKTRACE=1 {prefix} {bin} --db {db}; echo EXITED $?; sleep 30",
            home = w.home.display(),
            bin = bin().display(),
            db = db.display()
        ),
    )
}

/// The screen with wrapped lines joined.
fn joined(t: &tmux::Tmux) -> String {
    let out = t
        .cmd()
        .args(["capture-pane", "-p", "-J", "-t", "main"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The board refuses `db` before taking over the terminal: status 1, one line naming it.
fn board_refuses(w: &Work, db: &Path, needle: &str, case: &str) {
    let before = Before::of(db);
    let t = board(w, db);
    t.wait_for(15, "the board to exit", |s| s.contains("EXITED"));
    let s = joined(&t);
    calm(&s, case);
    assert!(s.contains("EXITED 1"), "{case}:\n{s}");
    let lines: Vec<&str> = s
        .lines()
        .filter(|l| l.starts_with("salesboard: "))
        .collect();
    assert_eq!(lines.len(), 1, "{case}: one message line:\n{s}");
    assert!(
        lines[0].contains(&db.display().to_string()) && lines[0].contains(needle),
        "{case}:\n{s}"
    );
    assert_eq!(
        t.format("#{alternate_on}"),
        "0",
        "{case}: the screen is left as it was"
    );
    before.assert_same(db, case);
}

#[test]
fn the_board_refuses_bad_files_before_taking_the_screen() {
    if !tmux::available() {
        return;
    }
    let w = Work::new();
    let d = w.sub("d", 0o755, true);
    let missing = d.join("kpi.db");
    board_refuses(&w, &missing, "no database at", "missing");
    assert!(!missing.exists());

    let db = place(&d, b"", 0o644, true);
    age(&db);
    board_refuses(&w, &db, "empty file", "empty");
    let db = place(&d, b"hello\n", 0o644, true);
    board_refuses(&w, &db, "is not a salesboard database", "text");

    let mut bytes = example(false).to_vec();
    let at = root_page_offset(&bytes, "rep");
    scribble(&mut bytes, at, 4096);
    let db = place(&d, &bytes, 0o644, true);
    board_refuses(&w, &db, "is damaged", "damaged");
    let db = place(&d, &example(false)[..example(false).len() / 2], 0o644, true);
    board_refuses(&w, &db, "is damaged", "cut off");

    for wal in [false, true] {
        let db = place(&d, &newer(example(wal)), 0o644, true);
        board_refuses(&w, &db, "newer salesboard", "newer");
    }
}

/// The board opens `db` read-only: READ-ONLY in the header and `why` under it; quitting
/// leaves the file and its directory as they were.
fn board_read_only(w: &Work, db: &Path, why: &[&str], case: &str) {
    let before = Before::of(db);
    let t = board(w, db);
    let s = t.wait_for(15, "the board", |s| {
        s.contains("READ-ONLY") || s.contains("EXITED")
    });
    let header = s.lines().next().unwrap_or_default();
    assert!(
        header.contains("READ-ONLY"),
        "{case}: no READ-ONLY in the header:\n{s}"
    );
    let s = t.wait_for(15, "the reason", |s| why.iter().all(|n| s.contains(n)));
    calm(&s, case);
    t.keys(&["q"]);
    let end = t.wait_for(10, "the board to exit", |s| s.contains("EXITED"));
    assert!(end.contains("EXITED 0"), "{case}:\n{end}");
    before.assert_same(db, case);
}

#[test]
fn the_board_on_a_read_only_file_or_directory_is_read_only_and_says_why() {
    if !tmux::available() {
        return;
    }
    let w = Work::new();
    for wal in [false, true] {
        let mode = if wal { "WAL" } else { "DELETE" };
        let d = w.sub(&format!("own-{mode}"), 0o755, true);
        let db = place(&d, example(wal), 0o444, true);
        board_read_only(
            &w,
            &db,
            &["Read-only: you may not write this file"],
            &format!("own file 0444 ({mode})"),
        );

        let d = w.sub(&format!("locked-{mode}"), 0o755, true);
        let db = place(&d, example(wal), 0o644, true);
        chmod(&d, 0o555);
        w.locked.borrow_mut().push(d.clone());
        let mut why = vec![
            "Read-only: cannot create kpi.db-wal in",
            "must be writable by everyone",
        ];
        if wal {
            // Nobody has it open and SQLite cannot make its -shm: a still picture.
            why.push("Not live: restart the board to see new entries.");
        }
        board_read_only(&w, &db, &why, &format!("directory not writable ({mode})"));

        if root() {
            // Someone else's file (0644) in their directory.
            let d = w.sub(&format!("theirs-{mode}"), 0o755, false);
            let db = place(&d, example(wal), 0o644, false);
            board_read_only(
                &w,
                &db,
                &["Read-only: you may not write this file"],
                &format!("someone else's file ({mode})"),
            );
        }
    }
}

#[test]
fn an_export_that_fails_half_way_leaves_no_partial_file() {
    // A leaf page in the middle of the activity table is damaged: the export reads rows up
    // to it, then fails. The file named by -o is never left half written: absent when it
    // was absent, as it was when it existed.
    let w = Work::new();
    let d = w.sub("d", 0o777, true);
    let mut bytes = example(false).to_vec();
    let page = {
        let dir = tempfile::tempdir().unwrap();
        let x = dir.path().join("x.db");
        std::fs::write(&x, &bytes).unwrap();
        let conn = rusqlite::Connection::open(&x).unwrap();
        let leaves: Vec<i64> = conn
            .prepare("SELECT pageno FROM dbstat WHERE name = 'activity' AND pagetype = 'leaf' ORDER BY path")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(leaves.len() > 10, "{leaves:?}");
        leaves[leaves.len() / 2]
    };
    scribble(&mut bytes, (page as usize - 1) * 4096, 4096);
    let db = place(&d, &bytes, 0o644, true);
    let out = d.join("activities.csv");
    for existed in [false, true] {
        if existed {
            std::fs::write(&out, b"the previous export\n").unwrap();
            give(&out);
        }
        let o = w.run(&db, &["export", "activities", "-o", out.to_str().unwrap()]);
        refused(
            &o,
            &db,
            &["is damaged"],
            &format!("export (file existed: {existed})"),
        );
        if existed {
            assert_eq!(std::fs::read(&out).unwrap(), b"the previous export\n");
        } else {
            assert!(
                !out.exists(),
                "a partial export was left at {}",
                out.display()
            );
        }
        let stray: Vec<String> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".part") || n.starts_with(".activities"))
            .collect();
        assert!(stray.is_empty(), "temporary files left: {stray:?}");
    }
    // The same export from a sound file writes the whole table.
    let good = d.join("good.db");
    std::fs::write(&good, example(false)).unwrap();
    give(&good);
    let o = w.run(
        &good,
        &["export", "activities", "-o", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o).1);
    assert!(std::fs::read_to_string(&out).unwrap().lines().count() > 1000);
}
