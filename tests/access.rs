//! The access list and shared files, end to end with the real binary run as another OS
//! user. The tests need to switch users: they run when the test process is root (as in
//! CI) and `setpriv` exists, and say so and return otherwise; the same rules are unit
//! tested in `src/store/access.rs` with injected uids.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOBODY: u32 = 65534;

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_salesboard"))
}

fn can_switch_users() -> bool {
    let root = nix::unistd::getuid().is_root();
    let setpriv = Command::new("setpriv").arg("--version").output().is_ok();
    if !(root && setpriv) {
        eprintln!("skipped: needs root and setpriv to run salesboard as another user");
    }
    root && setpriv
}

/// `salesboard --db DB args…` as `uid` (root runs it directly).
fn run_as(uid: u32, dir: &Path, db: &Path, args: &[&str]) -> Output {
    let mut c = if uid == 0 {
        Command::new(bin())
    } else {
        let mut c = Command::new("setpriv");
        c.arg(format!("--reuid={uid}"))
            .arg(format!("--regid={uid}"))
            .arg("--clear-groups")
            .arg(bin());
        c
    };
    c.env("TZ", "UTC")
        .env("HOME", dir)
        .env("SALESBOARD_CONFIG", "/nonexistent/salesboard.toml")
        .env("SALESBOARD_STATE_DIR", dir.join("state"))
        .env_remove("SALESBOARD_DB")
        .env("LANG", "C")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A seeded database in a directory everyone may use (the file permissions let anyone
/// in, so only the access list decides).
fn shared_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let db = dir.path().join("kpi.db");
    let o = run_as(
        0,
        dir.path(),
        &db,
        &[
            "seed",
            "--size",
            "small",
            "--reps",
            "9",
            "--teams",
            "3",
            "--months",
            "2",
            "--until",
            "2026-11-20",
        ],
    );
    assert!(o.status.success(), "{:?}", text(&o));
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o666)).unwrap();
    (dir, db)
}

/// Team → its reps, from the admin's export.
fn teams_and_reps(dir: &Path, db: &Path) -> Vec<(String, String)> {
    let o = run_as(0, dir, db, &["export", "reps"]);
    assert!(o.status.success());
    let mut r = csv::Reader::from_reader(&o.stdout[..]);
    r.records()
        .map(|x| {
            let x = x.unwrap();
            (x[1].to_string(), x[0].to_string())
        })
        .collect()
}

fn assert_refused(o: &Output, code: i32, needle: &str) {
    let (out, err) = text(o);
    assert_eq!(o.status.code(), Some(code), "stdout {out}\nstderr {err}");
    assert!(err.contains(needle), "expected '{needle}' in: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn the_access_list_limits_what_each_user_sees_and_changes() {
    if !can_switch_users() {
        return;
    }
    let (dir, db) = shared_db();
    let d = dir.path();
    let reps = teams_and_reps(d, &db);
    let mut teams: Vec<&str> = reps.iter().map(|(t, _)| t.as_str()).collect();
    teams.sort();
    teams.dedup();
    assert!(teams.len() >= 2, "{teams:?}");
    let (mine, other) = (teams[0], teams[1]);
    let my_rep = &reps.iter().find(|(t, _)| t == mine).unwrap().1;
    let other_rep = &reps.iter().find(|(t, _)| t == other).unwrap().1;
    let call = |rep: &str| {
        vec![
            "add".to_string(),
            "call".into(),
            "--rep".into(),
            rep.into(),
            "--date".into(),
            "2026-11-19".into(),
        ]
    };
    let add = |uid: u32, rep: &str| {
        let args = call(rep);
        run_as(
            uid,
            d,
            &db,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        )
    };

    // No list: the file's permissions decide, so nobody may report and add.
    assert!(run_as(NOBODY, d, &db, &["report"]).status.success());
    assert!(add(NOBODY, other_rep).status.success());

    // root starts the list; nobody becomes a viewer of one team.
    let o = run_as(
        0,
        d,
        &db,
        &[
            "access", "grant", "nobody", "--role", "viewer", "--team", mine,
        ],
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let o = run_as(NOBODY, d, &db, &["report", "--format", "csv"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains(my_rep.as_str()), "{out}");
    assert!(
        !out.contains(other_rep.as_str()),
        "another team's rep leaked:\n{out}"
    );
    assert_refused(
        &run_as(NOBODY, d, &db, &["report", "--team", other]),
        2,
        "no team called",
    );
    assert_refused(&add(NOBODY, my_rep), 3, "viewer");
    let o = run_as(NOBODY, d, &db, &["export", "activities"]);
    let (out, _) = text(&o);
    assert!(o.status.success());
    assert!(out.contains(my_rep.as_str()) && !out.contains(other_rep.as_str()));
    assert_refused(
        &run_as(NOBODY, d, &db, &["export", "audit_log"]),
        3,
        "admin",
    );

    // As a manager of that team: calls for its reps only; no settings, imports or grants.
    run_as(
        0,
        d,
        &db,
        &[
            "access", "grant", "nobody", "--role", "manager", "--team", mine,
        ],
    );
    let o = add(NOBODY, my_rep);
    assert!(o.status.success(), "{:?}", text(&o));
    assert_refused(&add(NOBODY, other_rep), 3, "not in your teams");
    assert_refused(
        &run_as(NOBODY, d, &db, &["settings", "currency", "USD"]),
        3,
        "admin",
    );
    assert_refused(
        &run_as(
            NOBODY,
            d,
            &db,
            &["access", "grant", "nobody", "--role", "admin"],
        ),
        3,
        "admin",
    );
    let csv = d.join("teams.csv");
    std::fs::write(&csv, "name,parent\nNew team,\n").unwrap();
    std::fs::set_permissions(&csv, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_refused(
        &run_as(NOBODY, d, &db, &["import", "teams", csv.to_str().unwrap()]),
        3,
        "admin",
    );

    // Off the list: refused everywhere, the board before it takes the terminal. (With
    // nobody else listed the list would be empty again, and the file would decide.)
    run_as(0, d, &db, &["access", "grant", "root", "--role", "admin"]);
    run_as(0, d, &db, &["access", "revoke", "nobody"]);
    for args in [&["report"][..], &["export", "reps"], &[]] {
        let o = run_as(NOBODY, d, &db, args);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(3), "{args:?}: {err}");
        assert!(err.contains("not on the access list"), "{args:?}: {err}");
    }
    let o = run_as(0, d, &db, &["access", "list"]);
    let (out, _) = text(&o);
    assert!(!out.contains("nobody"), "{out}");
    // What was refused left nothing behind; what was allowed is audited under nobody.
    let o = run_as(0, d, &db, &["export", "audit_log"]);
    let (log, _) = text(&o);
    assert_eq!(log.matches(",nobody,insert,activity,").count(), 2, "{log}");
    assert!(run_as(0, d, &db, &["check"]).status.success());
}

#[test]
fn init_makes_private_files_or_group_files_with_advice_for_the_directory() {
    if !can_switch_users() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let private = d.join("private.db");
    let o = run_as(0, d, &private, &["init"]);
    assert!(o.status.success());
    assert_eq!(std::fs::metadata(&private).unwrap().mode() & 0o777, 0o600);

    // A group file in a directory that is not ready: created, with one warning saying how.
    let shared = d.join("shared.db");
    let o = run_as(0, d, &shared, &["init", "--shared", "users"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("shared with group users"), "{out}");
    let m = std::fs::metadata(&shared).unwrap();
    assert_eq!((m.mode() & 0o777, m.gid()), (0o660, 100));
    assert!(
        err.contains("chmod 2770") && err.contains("setgid"),
        "{err}"
    );
    for wal in ["-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{wal}", shared.display()));
        if let Ok(m) = std::fs::metadata(&p) {
            assert_eq!(m.mode() & 0o777, 0o660, "{wal} takes the file's mode");
        }
    }

    // In a setgid group directory: no warning, and a member of the group can write.
    let team_dir = d.join("team");
    std::fs::create_dir(&team_dir).unwrap();
    nix::unistd::chown(&team_dir, None, Some(nix::unistd::Gid::from_raw(100))).unwrap();
    std::fs::set_permissions(&team_dir, std::fs::Permissions::from_mode(0o2770)).unwrap();
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    let db = team_dir.join("kpi.db");
    let o = run_as(0, d, &db, &["init", "--shared", "users"]);
    let (_, err) = text(&o);
    assert!(o.status.success() && err.is_empty(), "{err}");
    // nobody, as a member of `users`: writes work; outside the group: refused.
    let member = Command::new("setpriv")
        .args([&format!("--reuid={NOBODY}"), "--regid=100", "--groups=100"])
        .arg(bin())
        .env("HOME", d)
        .env("SALESBOARD_CONFIG", "/nonexistent")
        .arg("--db")
        .arg(&db)
        .args(["settings", "currency", "USD"])
        .output()
        .unwrap();
    assert!(member.status.success(), "{:?}", text(&member));
    let outsider = run_as(NOBODY, d, &db, &["report"]);
    assert!(!outsider.status.success());

    // Bad groups and existing files are refused, and change nothing.
    assert_refused(
        &run_as(
            0,
            d,
            &d.join("x.db"),
            &["init", "--shared", "no-such-group"],
        ),
        2,
        "no group called",
    );
    assert!(!d.join("x.db").exists());
    let before = std::fs::read(&private).unwrap();
    assert_refused(
        &run_as(0, d, &private, &["init", "--shared", "users"]),
        1,
        "already exists",
    );
    assert_eq!(std::fs::read(&private).unwrap(), before);
}

#[path = "common/tmux.rs"]
mod tmux;

#[test]
fn the_board_of_a_viewer_shows_their_team_and_goes_blank_when_revoked() {
    if !can_switch_users() || !tmux::available() {
        return;
    }
    let (dir, db) = shared_db();
    let d = dir.path();
    let reps = teams_and_reps(d, &db);
    let mine = reps[0].0.clone();
    let my_rep = reps[0].1.clone();
    let other_rep = reps.iter().find(|(t, _)| *t != mine).unwrap().1.clone();
    run_as(0, d, &db, &["access", "grant", "root", "--role", "admin"]);
    run_as(
        0,
        d,
        &db,
        &[
            "access", "grant", "nobody", "--role", "viewer", "--team", &mine,
        ],
    );
    let t = tmux::Tmux::start(
        160,
        40,
        &format!(
            "env HOME={d} SALESBOARD_CONFIG=/nonexistent LANG=C.UTF-8 setpriv --reuid={NOBODY} --regid={NOBODY} --clear-groups {} --db {}; echo EXITED $?; sleep 30",
            tmux::bin().display(),
            db.display(),
            d = d.display()
        ),
    );
    let s = t.wait_for(10, "the viewer's board", |s| s.contains(&my_rep));
    assert!(s.lines().next().unwrap().contains("VIEWER"), "{s}");
    assert!(!s.contains(&other_rep), "another team's rep is shown:\n{s}");
    t.keys(&["a"]);
    t.wait_for(5, "the refusal", |s| {
        s.contains("role on this database is viewer")
    });
    // Revoked while the board is open: the figures go, the reason shows.
    let o = run_as(0, d, &db, &["access", "revoke", "nobody"]);
    assert!(o.status.success());
    let s = t.wait_for(5, "the board to notice", |s| {
        s.contains("not on the access list")
    });
    assert!(
        !s.contains(&my_rep),
        "figures still shown after revoking:\n{s}"
    );
    t.keys(&["q"]);
    t.wait_for(5, "the board to exit", |s| s.contains("EXITED 0"));
}
