//! The real binary in a real terminal (tmux): walk every pane, see a figure change after
//! another process writes, quit and find the terminal restored; SIGTERM restores it too;
//! SIGHUP (a dropped SSH link) ends the process at once.
//!
//! Needs tmux. Without it the tests say so and pass, except under CI (`CI` set), where
//! `.ci/run` installs tmux and a missing tmux is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "common/tmux.rs"]
mod tmux;
use tmux::{Tmux, bin};

fn tmux_available() -> bool {
    tmux::available()
}

/// Runs the binary on `db` with `args` (no config file) and insists that it succeeds.
fn salesboard(db: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new(bin())
        .env("SALESBOARD_CONFIG", "/nonexistent")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Logs a five-minute call for `rep` from another process.
fn add_call(db: &Path, rep: &str) {
    salesboard(db, &["add", "call", "--rep", rep, "--duration", "5"]);
}

/// A seeded database whose data reaches today, in `dir`.
fn seeded(dir: &Path) -> PathBuf {
    let db = dir.join("kpi.db");
    salesboard(
        &db,
        &["seed", "--reps", "6", "--teams", "2", "--months", "3"],
    );
    db
}

/// The shell command that runs the board and, after it exits, prints its status and the
/// terminal's line discipline (`icanon` back on means raw mode was turned off).
fn board_command(db: &Path, pidfile: &Path) -> String {
    board_command_env(db, pidfile, "")
}

fn board_command_env(db: &Path, pidfile: &Path, env: &str) -> String {
    format!(
        "sh -c 'echo $$ > {pid}; exec env SALESBOARD_CONFIG=/nonexistent LANG=C.UTF-8 {env} {bin} --db {db}'; echo EXITED $?; stty -a | tr \" \" \"\\n\" | grep -x -- \"-*icanon\"; echo END; sleep 30",
        pid = pidfile.display(),
        bin = bin().display(),
        db = db.display()
    )
}

fn calls_of(screen: &str) -> Option<i64> {
    // "#16 Calls vs plan               57 of 75 (76%)"
    let line = screen.lines().find(|l| l.contains("Calls vs plan"))?;
    let after = line.split("Calls vs plan").nth(1)?.trim_start();
    after
        .split_whitespace()
        .next()?
        .replace(',', "")
        .parse()
        .ok()
}

#[test]
fn walk_every_pane_see_a_write_from_another_process_and_quit_restored() {
    if !tmux_available() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let db = seeded(work.path());
    let pidfile = work.path().join("pid");
    let t = Tmux::start(80, 24, &board_command(&db, &pidfile));
    t.wait_for(10, "the first figures", |s| {
        s.contains("updated") && s.contains("Σ")
    });
    assert_eq!(t.format("#{alternate_on}"), "1");

    // Every pane shows something of its own; none is empty or broken.
    let mut screens = Vec::new();
    for n in 1..=7 {
        t.keys(&[&n.to_string()]);
        std::thread::sleep(Duration::from_millis(250));
        let s = t.screen();
        assert!(
            !s.contains("too small") && !s.contains("panicked"),
            "pane {n}:\n{s}"
        );
        assert!(
            s.lines().filter(|l| !l.trim().is_empty()).count() > 10,
            "pane {n} is nearly empty:\n{s}"
        );
        screens.push(s);
    }
    for i in 0..screens.len() {
        for j in i + 1..screens.len() {
            assert_ne!(
                screens[i],
                screens[j],
                "panes {} and {} look the same",
                i + 1,
                j + 1
            );
        }
    }
    // Tab cycles, ? opens the key list, Esc closes it.
    t.keys(&["Tab"]);
    t.keys(&["?"]);
    t.wait_for(3, "the key list", |s| {
        s.contains("Keys") && s.contains("quit")
    });
    t.keys(&["Escape"]);
    t.wait_for(3, "the key list to close", |s| !s.contains(" Keys "));

    // The first rep's card in a big window shows their calls; another process adds three.
    t.cmd()
        .args(["resize-window", "-t", "main", "-x", "200", "-y", "60"])
        .status()
        .unwrap();
    t.keys(&["1", "Enter"]);
    let card = t.wait_for(5, "the rep card", |s| calls_of(s).is_some());
    let before = calls_of(&card).unwrap();
    let title = card.lines().find(|l| l.contains('┌')).unwrap();
    let name = title
        .trim_start_matches(['┌', ' '])
        .split(" · ")
        .next()
        .unwrap()
        .trim()
        .to_string();
    for _ in 0..3 {
        add_call(&db, &name);
    }
    let start = Instant::now();
    let after = t.wait_for(3, "the new calls on the open board", |s| {
        calls_of(s) == Some(before + 3)
    });
    assert!(start.elapsed() < Duration::from_secs(3));
    assert!(after.contains(&name));

    // Quit: the process ends with 0 and the terminal is back to normal.
    // Esc and q sent together would read as Alt-q; a person types them apart.
    t.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    t.keys(&["q"]);
    let end = t.wait_for(5, "the board to exit", |s| s.contains("END"));
    assert!(end.contains("EXITED 0"), "{end}");
    assert!(
        end.lines().any(|l| l.trim() == "icanon"),
        "raw mode left on:\n{end}"
    );
    assert_eq!(
        t.format("#{alternate_on}"),
        "0",
        "still on the alternate screen"
    );
    assert_eq!(t.format("#{cursor_flag}"), "1", "cursor hidden");
}

#[test]
fn sigterm_and_sighup_restore_the_terminal_and_sighup_ends_at_once() {
    if !tmux_available() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let db = seeded(work.path());
    for (signal, status) in [("TERM", "EXITED 0"), ("HUP", "EXITED 129")] {
        let pidfile = work.path().join(format!("pid-{signal}"));
        let t = Tmux::start(80, 24, &board_command(&db, &pidfile));
        t.wait_for(10, "the board", |s| s.contains("updated"));
        let pid = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .to_string();
        assert!(
            Command::new("kill")
                .args([&format!("-{signal}"), &pid])
                .status()
                .unwrap()
                .success()
        );
        let end = t.wait_for(5, "the board to exit", |s| s.contains("END"));
        // SIGHUP usually means a dead link (then nothing can be restored, and nothing
        // blocks); sent to a live terminal, it is left usable as after SIGTERM.
        assert!(end.contains(status), "{end}");
        assert!(
            end.lines().any(|l| l.trim() == "icanon"),
            "raw mode left on after SIG{signal}:\n{end}"
        );
        assert_eq!(t.format("#{alternate_on}"), "0", "SIG{signal}");
        assert_eq!(
            t.format("#{cursor_flag}"),
            "1",
            "cursor hidden after SIG{signal}"
        );
        let alive = Command::new("kill")
            .args(["-0", &pid])
            .status()
            .unwrap()
            .success();
        assert!(!alive, "the board is still running after SIG{signal}");
    }
}

#[test]
fn a_dropped_link_ends_the_board_at_once_without_spinning() {
    if !tmux_available() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let db = seeded(work.path());
    let pidfile = work.path().join("pid");
    let t = Tmux::start(80, 24, &board_command(&db, &pidfile));
    t.wait_for(10, "the board", |s| s.contains("updated"));
    let pid = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .to_string();
    // Killing the tmux server closes the terminal under the board, as sshd does when the
    // link drops: SIGHUP, and every read or write on the terminal fails from then on.
    let _ = t.cmd().arg("kill-server").status();
    let start = Instant::now();
    while Command::new("kill")
        .args(["-0", &pid])
        .status()
        .unwrap()
        .success()
    {
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "the board outlived its terminal by 3 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_panic_leaves_the_terminal_usable() {
    if !tmux_available() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let db = seeded(work.path());
    let pidfile = work.path().join("pid");
    let t = Tmux::start(
        80,
        24,
        &board_command_env(
            &db,
            &pidfile,
            &format!(
                "SALESBOARD_TEST_PANIC=1 RUST_BACKTRACE=0 SALESBOARD_STATE_DIR={}",
                work.path().join("state").display()
            ),
        ),
    );
    let end = t.wait_for(10, "the board to exit", |s| s.contains("END"));
    assert!(end.contains("EXITED 101"), "{end}");
    assert!(
        end.contains("salesboard: internal error: test panic requested"),
        "a one-line message is shown:\n{end}"
    );
    assert!(
        !end.contains("panicked at") && !end.contains("RUST_BACKTRACE"),
        "no Rust panic text:\n{end}"
    );
    // The crash report holds the details, readable by its owner only.
    let reports: Vec<_> = std::fs::read_dir(work.path().join("state"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("crash-"))
        .collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    let text = std::fs::read_to_string(&reports[0]).unwrap();
    assert!(
        text.contains("test panic requested") && text.contains("run.rs"),
        "{text}"
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&reports[0]).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(
        end.lines().any(|l| l.trim() == "icanon"),
        "raw mode left on:\n{end}"
    );
    assert_eq!(t.format("#{alternate_on}"), "0");
    assert_eq!(
        t.format("#{cursor_flag}"),
        "1",
        "cursor hidden after a panic"
    );
}

#[test]
fn rotate_turns_the_board_into_a_wallboard() {
    if !tmux_available() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let db = seeded(work.path());
    let cmd = format!(
        "env SALESBOARD_CONFIG=/nonexistent LANG=C.UTF-8 {} --db {} --rotate 2",
        bin().display(),
        db.display()
    );
    let t = Tmux::start(80, 24, &cmd);
    let first = t.wait_for(10, "the board", |s| s.contains("Won revenue by day"));
    let moved = t.wait_for(6, "the next pane", |s| {
        s.contains("updated") && s != first && !s.contains("Won revenue by day")
    });
    assert!(!moved.contains("too small"));
    t.keys(&["q"]);
}

#[test]
fn demo_leaves_nothing_behind_however_it_ends() {
    if !tmux_available() {
        return;
    }
    for how in ["q", "HUP"] {
        let tmp = tempfile::tempdir().unwrap();
        let pidfile = tmp.path().join("pid");
        let cmd = format!(
            "sh -c 'echo $$ > {pid}; exec env TMPDIR={tmp} SALESBOARD_CONFIG=/nonexistent LANG=C.UTF-8 {bin} demo'; echo END; sleep 30",
            pid = pidfile.display(),
            tmp = tmp.path().display(),
            bin = bin().display()
        );
        let t = Tmux::start(80, 24, &cmd);
        t.wait_for(10, "the demo board", |s| {
            s.contains("kpi.db.example") && s.contains("updated")
        });
        let copies = || {
            std::fs::read_dir(tmp.path())
                .unwrap()
                .filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .file_name()
                        .to_string_lossy()
                        .starts_with("salesboard-demo-")
                })
                .count()
        };
        assert_eq!(copies(), 1, "the demo works on a private copy");
        if how == "q" {
            t.keys(&["q"]);
        } else {
            let pid = std::fs::read_to_string(&pidfile)
                .unwrap()
                .trim()
                .to_string();
            Command::new("kill").args(["-HUP", &pid]).status().unwrap();
        }
        t.wait_for(5, "the demo to end", |s| s.contains("END"));
        assert_eq!(copies(), 0, "the copy is left behind after {how}");
    }
}

/// The first rep of a seeded database, by exporting reps.
fn a_rep(db: &Path) -> String {
    let out = salesboard(db, &["export", "reps"]);
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn a_call_typed_in_one_board_appears_on_another() {
    if !tmux_available() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let db = seeded(work.path());
    let name = a_rep(&db);
    let state = work.path().join("state");
    let env = format!("SALESBOARD_STATE_DIR={}", state.display());
    let board = |pid: &str| board_command_env(&db, &work.path().join(pid), &env);
    // Board B shows the rep's card (filter to the rep, open it) in a big window.
    let b = Tmux::start(200, 60, &board("pid-b"));
    b.wait_for(10, "board B", |s| s.contains("updated"));
    b.keys(&["/"]);
    b.keys(&["-l", &name]);
    b.keys(&["Enter", "Enter"]);
    let card = b.wait_for(5, "the rep card on board B", |s| calls_of(s).is_some());
    let before = calls_of(&card).unwrap();

    // Board A: a → New call → the rep → save.
    let a = Tmux::start(80, 24, &board("pid-a"));
    a.wait_for(10, "board A", |s| s.contains("updated"));
    a.keys(&["a"]);
    a.wait_for(3, "the add menu", |s| s.contains("New call"));
    a.keys(&["Enter"]);
    a.wait_for(3, "the call form", |s| s.contains("Duration"));
    a.keys(&["-l", &name]);
    a.keys(&["Tab", "Tab", "Tab", "Tab"]);
    a.keys(&["-l", "25"]);
    a.keys(&["Enter"]);
    a.wait_for(5, "the call to be saved", |s| s.contains("✓ Saved"));

    let start = Instant::now();
    b.wait_for(3, "the call on board B", |s| {
        calls_of(s) == Some(before + 1)
    });
    assert!(start.elapsed() < Duration::from_secs(3));
    a.keys(&["q"]);
    b.keys(&["Escape"]);
}

#[test]
fn a_form_cut_off_by_sighup_comes_back_as_a_draft() {
    if !tmux_available() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let db = seeded(work.path());
    let pidfile = work.path().join("pid");
    let state = work.path().join("state");
    let cmd = board_command_env(
        &db,
        &pidfile,
        &format!("SALESBOARD_STATE_DIR={}", state.display()),
    );
    let t = Tmux::start(80, 24, &cmd);
    t.wait_for(10, "the board", |s| s.contains("updated"));
    t.keys(&["a", "Down", "Down", "Enter"]); // satisfaction score
    t.wait_for(3, "the survey form", |s| s.contains("Workload"));
    t.keys(&["-l", "Незаконченный ввод"]);
    // The hang-up comes after the board has taken the typing in (a dropped link does not
    // race the keystrokes that went before it).
    t.wait_for(3, "the typed text", |s| s.contains("Незаконченный ввод"));
    let pid = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .to_string();
    Command::new("kill").args(["-HUP", &pid]).status().unwrap();
    t.wait_for(5, "the board to end", |s| s.contains("END"));
    drop(t);

    let again = Tmux::start(80, 24, &cmd);
    let s = again.wait_for(10, "the draft back", |s| {
        s.contains("Restored what you were typing")
    });
    assert!(s.contains("Незаконченный ввод"), "{s}");
    // It is offered once: Esc asks, Esc discards, and the next start is clean.
    again.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    again.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    again.keys(&["q"]);
    again.wait_for(5, "the board to end", |s| s.contains("END"));
    drop(again);
    let third = Tmux::start(80, 24, &cmd);
    let s = third.wait_for(10, "the board", |s| s.contains("updated"));
    assert!(!s.contains("Restored"), "{s}");
    third.keys(&["q"]);
}

#[test]
fn a_storm_of_resizes_leaves_the_board_alive_and_drawn_at_the_last_size() {
    if !tmux_available() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let db = seeded(work.path());
    let pidfile = work.path().join("pid");
    let t = Tmux::start(80, 24, &board_command(&db, &pidfile));
    t.wait_for(10, "the board", |s| {
        s.contains("updated") && s.contains("Σ")
    });
    let pid = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .to_string();

    // 200 sizes: the extremes tmux takes (1×1 … 500×200, 1×200, 500×1), both sides of
    // the 64×18 minimum, and a fixed pseudo-random walk in between.
    let special = [
        (1, 1),
        (2, 1),
        (1, 2),
        (500, 200),
        (1, 200),
        (500, 1),
        (63, 17),
        (64, 18),
        (63, 18),
        (64, 17),
        (80, 24),
        (3, 3),
    ];
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let sizes: Vec<(u64, u64)> = (0..200)
        .map(|i| {
            if i % 2 == 0 {
                special[(i / 2) % special.len()]
            } else {
                (1 + next(500), 1 + next(200))
            }
        })
        .collect();
    // Most of them in chained tmux commands (one after another with no pause at all),
    // some one by one, with keys typed in the middle of the storm.
    let start = Instant::now();
    for (n, chunk) in sizes.chunks(25).enumerate() {
        let mut c = t.cmd();
        for (i, (w, h)) in chunk.iter().enumerate() {
            if i > 0 {
                c.arg(";");
            }
            c.args([
                "resize-window",
                "-t",
                "main",
                "-x",
                &w.to_string(),
                "-y",
                &h.to_string(),
            ]);
        }
        assert!(c.status().unwrap().success(), "tmux refused {chunk:?}");
        if n % 2 == 1 {
            t.keys(&["Tab"]);
        }
    }
    for (w, h) in sizes.iter().take(20) {
        t.cmd()
            .args([
                "resize-window",
                "-t",
                "main",
                "-x",
                &w.to_string(),
                "-y",
                &h.to_string(),
            ])
            .status()
            .unwrap();
    }
    eprintln!("220 resizes sent in {:?}", start.elapsed());
    let alive = || {
        Command::new("kill")
            .args(["-0", &pid])
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap()
            .success()
    };
    assert!(alive(), "the board died in the storm:\n{}", t.screen());

    // Each new size is drawn: below the minimum, the notice names it.
    assert!(
        t.cmd()
            .args(["resize-window", "-t", "main", "-x", "50", "-y", "12"])
            .status()
            .unwrap()
            .success()
    );
    t.wait_for(5, "the notice at 50×12", |s| {
        s.contains("Terminal too small: 50×12")
    });

    // The last size wins: the whole frame is drawn at 100×30.
    assert!(
        t.cmd()
            .args(["resize-window", "-t", "main", "-x", "100", "-y", "30"])
            .status()
            .unwrap()
            .success()
    );
    assert_eq!(t.format("#{pane_width}x#{pane_height}"), "100x30");
    let screen = t.wait_for(10, "the board drawn at 100×30", |s| {
        let lines: Vec<&str> = s.lines().collect();
        lines.len() == 30
            && lines[0].contains("updated")
            // The header's clock sits at the right edge of 100 columns, not 80 or 500.
            && (95..=100).contains(&lines[0].trim_end().chars().count())
            && lines[1].contains("1:Plan")
            && lines[29].contains("q quit")
    });
    assert!(
        !screen.contains("too small") && !screen.contains("panicked"),
        "{screen}"
    );
    assert!(alive());

    // Keys still work: the key list opens and closes, a pane key switches panes.
    t.keys(&["?"]);
    t.wait_for(3, "the key list", |s| {
        s.contains("Keys") && s.contains("quit")
    });
    t.keys(&["Escape"]);
    t.wait_for(3, "the key list to close", |s| !s.contains(" Keys "));
    t.keys(&["1"]);
    t.wait_for(3, "the Plan pane", |s| s.contains("Won revenue by day"));

    // And q ends it with status 0, the terminal restored.
    t.keys(&["q"]);
    let end = t.wait_for(5, "the board to exit", |s| s.contains("END"));
    assert!(end.contains("EXITED 0"), "{end}");
    assert!(
        end.lines().any(|l| l.trim() == "icanon"),
        "raw mode left on:\n{end}"
    );
    assert!(!alive(), "the board is still running after q");
}

/// A seeded database whose data ends on the last day of last month (the first morning of
/// a month, whenever the test runs).
fn seeded_until_last_month(dir: &Path) -> PathBuf {
    use chrono::Datelike;
    let first = chrono::Local::now().date_naive().with_day(1).unwrap();
    let until = first - chrono::Duration::days(1);
    let db = dir.join("kpi.db");
    let until = until.to_string();
    salesboard(
        &db,
        &[
            "seed", "--reps", "6", "--teams", "2", "--months", "3", "--until", &until,
        ],
    );
    db
}

/// The screen below the tab line and above the footer: the figures of the pane (blank
/// lines left out: a notice under the header takes a line from the list).
fn pane_body(screen: &str) -> Vec<String> {
    let lines: Vec<&str> = screen.lines().collect();
    let tabs = lines
        .iter()
        .position(|l| l.contains(" 1:Plan ") || l.contains(" 1:План "))
        .expect("the tab line");
    lines[tabs + 1..lines.len().saturating_sub(1)]
        .iter()
        .map(|l| l.trim_end().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn on_the_first_morning_of_a_month_the_header_and_every_figure_agree() {
    if !tmux_available() {
        return;
    }
    use salesboard::format::Lang;
    use salesboard::period::{Period, PeriodKind};
    let today = chrono::Local::now().date_naive();
    let current = Period::containing(PeriodKind::Month, today);
    let last = current.prev();
    for (lang, env) in [(Lang::En, "LANG=C.UTF-8"), (Lang::Ru, "LANG=ru_RU.UTF-8")] {
        let work = tempfile::tempdir().unwrap();
        let db = seeded_until_last_month(work.path());
        let name = a_rep(&db);
        let pidfile = work.path().join("pid");
        let t = Tmux::start(80, 24, &board_command_env(&db, &pidfile, env));
        let first = t.wait_for(10, "the first figures", |s| {
            s.contains("Σ")
                && s.lines()
                    .next()
                    .is_some_and(|h| h.contains(&last.name(lang)))
        });
        // The board opened on last month, and says why.
        let why = match lang {
            Lang::En => "yet; showing",
            Lang::Ru => "пока нет; показан",
        };
        assert!(first.contains(why), "{lang:?}:\n{first}");
        let before = pane_body(&first);

        // Someone logs today's first call from another process.
        add_call(&db, &name);
        // The board refreshes (the notice about an empty month goes)…
        let after = t.wait_for(5, "the refresh after the call", |s| !s.contains(why));
        // …but the header still names last month, and every figure under it is last
        // month's, as before the call.
        let header = after.lines().next().unwrap();
        assert!(header.contains(&last.name(lang)), "{lang:?}: {header}");
        assert!(!header.contains(&current.name(lang)), "{lang:?}: {header}");
        assert_eq!(pane_body(&after), before, "{lang:?}: the figures changed");

        // c: this month, as it is, with today's call on the Activity pane.
        t.keys(&["c"]);
        let now = t.wait_for(5, "this month", |s| {
            s.lines()
                .next()
                .is_some_and(|h| h.contains(&current.name(lang)))
        });
        assert!(!now.contains(why), "{lang:?}:\n{now}");
        t.keys(&["4"]);
        t.wait_for(5, "today's call in this month's figures", |s| {
            s.contains(&name)
                && s.lines()
                    .next()
                    .is_some_and(|h| h.contains(&current.name(lang)))
        });
        t.keys(&["q"]);
    }
}
