//! Strings typed by other people reach the database through any tool. Here they go in by
//! raw SQL, full of escape sequences (screen clears, window titles, clipboard writes,
//! hyperlinks, DCS strings), other control characters and bidi overrides; then every way
//! out is read: the board's bytes on a real terminal, the reports in each format, the CSV
//! export and error messages. None may carry a control sequence or the payload of one.

#[path = "common/tmux.rs"]
mod tmux;

use std::path::{Path, PathBuf};
use std::process::Command;
use tmux::{Tmux, bin};

/// Window title, screen clear, bidi override, clipboard write, in one name.
const EVIL_REP: &str = "'Evil' || char(27) || ']0;pwned-title' || char(7) || char(27) || '[2J' \
    || char(8238) || 'Rep' || char(27) || ']52;c;ZXZpbA==' || char(7)";
/// A hyperlink to somewhere else, and a C1 CSI.
const EVIL_TEAM: &str = "'Team' || char(27) || ']8;;http://pwned.example/' || char(27) || '\\' \
    || 'Link' || char(27) || ']8;;' || char(27) || '\\' || char(155) || '31m'";
/// A DCS string, a backspace trick, a bidi isolate and the line and paragraph separators
/// (which tmux takes for a line break, shifting the rest of the row) in a note.
const EVIL_NOTE: &str = "'ok' || char(27) || 'Ppwned-dcs' || char(27) || '\\' || char(8) || char(8) \
    || 'note' || char(8294) || char(13) || 'x' || char(8232) || 'y' || char(8233) || 'z'";

/// What must never reach a terminal. Output meant for pipes and files (reports, exports,
/// messages) carries no escape at all; the board's own bytes are full of cursor moves and
/// colours, so there only the sequences the data carried are looked for.
fn assert_harmless(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for bad in [
        "\x1b]", "\x1bP", "\x1b[2J", "[2J", "\x07", "\x08", "\r", "\u{202e}", "\u{2066}", "\u{9b}",
        "\u{2028}", "\u{2029}",
    ] {
        assert!(
            !text.contains(bad),
            "{what} passes {bad:?} through:\n{}",
            text.escape_debug()
        );
    }
    for payload in ["pwned", "ZXZpbA"] {
        assert!(
            !text.contains(payload),
            "{what} shows the payload {payload:?}"
        );
    }
}

fn sb(db: &Path) -> Command {
    let mut c = Command::new(bin());
    c.env("SALESBOARD_CONFIG", "/nonexistent")
        .env("LANG", "C.UTF-8")
        .arg("--db")
        .arg(db);
    c
}

/// A seeded database with hostile strings written by raw SQL into a rep's name, a team's
/// name, a customer, a typed call's note and a survey comment.
fn poisoned(dir: &Path) -> PathBuf {
    let db = dir.join("kpi.db");
    let o = sb(&db)
        .args(["seed", "--reps", "6", "--teams", "2", "--months", "3"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&format!(
        "UPDATE rep SET name = {EVIL_REP} WHERE id = (SELECT min(id) FROM rep);
         UPDATE team SET name = {EVIL_TEAM} WHERE id = (SELECT team_id FROM rep ORDER BY id LIMIT 1);
         UPDATE customer SET name = {EVIL_REP} || 'Co' WHERE id IN (SELECT id FROM customer LIMIT 20);
         UPDATE activity SET note = {EVIL_NOTE}, entered_by = {EVIL_NOTE}, entered_at = at
          WHERE id = (SELECT max(id) FROM activity);
         UPDATE satisfaction SET comment = {EVIL_NOTE};
         -- Bytes that are not UTF-8, and a BLOB, where text belongs: the board must open.
         UPDATE deal SET product = CAST(X'80FF' AS TEXT), location = X'C0'
          WHERE id IN (SELECT id FROM deal WHERE stage = 'won' LIMIT 20);
         UPDATE customer SET region = CAST(X'FE' AS TEXT) WHERE id IN (SELECT id FROM customer LIMIT 5);"
    ))
    .unwrap();
    db
}

#[test]
fn reports_exports_and_messages_carry_no_control_sequences() {
    let dir = tempfile::tempdir().unwrap();
    let db = poisoned(dir.path());
    let mut seen_name = false;
    for args in [
        &["report"][..],
        &["report", "--format", "markdown"],
        &["report", "--format", "csv"],
        &["report", "--format", "json"],
        &["report", "--lang", "ru"],
        &["export", "reps"],
        &["export", "teams"],
        &["export", "customers"],
        &["export", "activities"],
        &["export", "satisfaction"],
        &["export", "audit_log"],
        &["check"],
        // Typed input echoed back in an error message.
        &[
            "add",
            "call",
            "--rep",
            "\x1b]0;pwned\x07Nobody",
            "--date",
            "today",
        ],
        &["report", "--team", "\x1b]52;c;ZXZpbA==\x07"],
        // Arguments the command-line parser refuses, quoted back in its message.
        &["--bogus\x1b[2J\x1b]0;pwned\x07"],
        &["report", "--format", "\x1b]52;c;ZXZpbA==\x07"],
        &["seed", "--size", "\x1b]0;pwned\x07"],
        &["report", "--period", "\x1b[2J\x1b]0;pwned\x07"],
        &["add", "call", "--rep"],
    ] {
        let o = sb(&db).args(args).output().unwrap();
        for (stream, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
            let what = format!("{args:?} ({stream})");
            assert_harmless(&what, bytes);
            assert!(
                !bytes.contains(&0x1b),
                "{what} carries an escape:\n{}",
                String::from_utf8_lossy(bytes).escape_debug()
            );
        }
        seen_name |= String::from_utf8_lossy(&o.stdout).contains("EvilRep");
    }
    assert!(seen_name, "the cleaned name is still shown");
}

#[test]
fn the_board_writes_no_control_sequence_from_the_data() {
    if !tmux::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = poisoned(dir.path());
    let log = dir.path().join("terminal.bytes");
    // The board starts after a moment, so that every byte it writes is recorded.
    let t = Tmux::start(
        200,
        50,
        &format!(
            "sh -c 'sleep 0.5; exec env SALESBOARD_CONFIG=/nonexistent LANG=C.UTF-8 {} --db {}'",
            bin().display(),
            db.display()
        ),
    );
    t.record_output(&log);
    t.wait_for(10, "the plan pane", |s| s.contains("EvilRep"));
    // Every pane, the team picker and the rep card of the hostile name.
    for pane in ["2", "3", "4", "5", "6", "7", "1"] {
        t.keys(&[pane]);
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    t.keys(&["4"]);
    t.wait_for(5, "the typed note", |s| s.contains("oknote"));
    t.keys(&["1", "t"]);
    t.wait_for(5, "the team picker", |s| s.contains("TeamLink"));
    // Esc on its own: followed at once by a key it would read as Alt+key.
    t.keys(&["Escape"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    t.keys(&["/", "Evil", "Enter"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    t.keys(&["Enter"]);
    t.wait_for(5, "the rep card", |s| s.contains("┌ EvilRep"));
    t.keys(&["Escape", "q"]);
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(
        !t.format("#{pane_title}").contains("pwned"),
        "window title changed"
    );
    let bytes = std::fs::read(&log).unwrap();
    assert!(bytes.len() > 1000, "the board's output was recorded");
    assert_harmless("the board", &bytes);
}

#[test]
fn text_that_is_not_utf8_is_read_lossily_and_named_by_check() {
    // An integration writing with sqlite3 or Python can put any bytes in a TEXT column,
    // or a BLOB. Boards and reports go on (the bad bytes read as U+FFFD); `check` names
    // the table, row and column and fails.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kpi.db");
    let o = sb(&db)
        .args(["seed", "--reps", "6", "--teams", "2", "--months", "3"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "UPDATE rep SET name = CAST(X'50657472FF7636' AS TEXT) WHERE id = (SELECT min(id) FROM rep);
         UPDATE team SET name = X'C0FFEE' WHERE id = (SELECT max(id) FROM team);
         UPDATE customer SET name = CAST(X'FE' AS TEXT) || name WHERE id = (SELECT min(id) FROM customer);
         UPDATE deal SET product = CAST(X'80' AS TEXT), location = X'00FF'
          WHERE id IN (SELECT id FROM deal WHERE stage = 'won' LIMIT 5);
         UPDATE activity SET note = CAST(X'E282' AS TEXT), entered_by = X'FF', entered_at = at
          WHERE id = (SELECT max(id) FROM activity);",
    )
    .unwrap();
    drop(conn);
    for args in [
        &["report"][..],
        &["report", "--format", "json"],
        &["report", "--format", "csv"],
        &["report", "--format", "markdown"],
        &["export", "reps"],
        &["export", "teams"],
        &["export", "deals"],
        &["export", "activities"],
    ] {
        let o = sb(&db).args(args).output().unwrap();
        let out = String::from_utf8(o.stdout.clone()).expect("output is UTF-8");
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        if args[0] == "report" || args[1] == "reps" {
            assert!(
                out.contains("Petr\u{FFFD}v6"),
                "{args:?} shows the name lossily"
            );
        }
    }
    let o = sb(&db).arg("check").output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    for needle in [
        "rep row 1, column name: not valid UTF-8",
        "team row",
        "column name: a BLOB",
        "deal row",
        "column product: not valid UTF-8",
        "column location: a BLOB",
        "column note: not valid UTF-8",
        "column entered_by: a BLOB",
    ] {
        assert!(out.contains(needle), "check names {needle:?}:\n{out}");
    }
    assert!(err.contains("not valid UTF-8"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
