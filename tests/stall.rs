//! A frozen SSH link: the board's terminal stops taking output, so writing the next frame
//! blocks. SIGTERM and SIGHUP must still end the board within about a second, keeping what
//! was being typed as a draft. The board runs in a pseudo-terminal whose other end this
//! test stops reading.

use nix::pty::{OpenptyResult, Winsize, openpty};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/kpi.db.example");

fn size(cols: u16, rows: u16) -> Winsize {
    Winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    }
}

/// Resizes the terminal (the kernel sends SIGWINCH to the board: a full redraw).
fn resize(master: &std::fs::File, ws: &Winsize) {
    // SAFETY: TIOCSWINSZ reads one Winsize from a valid pointer.
    let rc = unsafe { nix::libc::ioctl(master.as_raw_fd(), nix::libc::TIOCSWINSZ, ws) };
    assert_eq!(rc, 0);
}

/// The main thread's kernel wait channel and system call (what it is blocked in).
fn wchan(pid: u32) -> String {
    let wchan = std::fs::read_to_string(format!("/proc/{pid}/wchan")).unwrap_or_default();
    let call = std::fs::read_to_string(format!("/proc/{pid}/syscall")).unwrap_or_default();
    format!(
        "{wchan} {}",
        call.split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ")
    )
}

/// The numbers of `write` and `writev`.
#[cfg(target_arch = "x86_64")]
const WRITES: [&str; 2] = ["1", "20"];
#[cfg(target_arch = "aarch64")]
const WRITES: [&str; 2] = ["64", "66"];

/// True when the main thread is blocked writing to its terminal: in `write` or `writev`,
/// waiting in the tty layer for room.
fn writing_blocked(pid: u32) -> bool {
    let w = wchan(pid);
    let mut parts = w.split_whitespace();
    let (Some(chan), Some(call)) = (parts.next(), parts.next()) else {
        return false;
    };
    matches!(chan, "wait_woken" | "n_tty_write") && WRITES.contains(&call)
}

/// Kills the board if the test fails while it still runs.
struct Reap(u32);

impl Drop for Reap {
    fn drop(&mut self) {
        let _ = kill(Pid::from_raw(self.0 as i32), Signal::SIGKILL);
    }
}

fn stalled_board_leaves_on(signal: Signal, code: i32) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kpi.db");
    std::fs::copy(EXAMPLE, &db).unwrap();
    let state = dir.path().join("state");
    let OpenptyResult { master, slave } = openpty(Some(&size(80, 24)), None).unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_salesboard"));
    cmd.env("SALESBOARD_CONFIG", "/nonexistent")
        .env("SALESBOARD_STATE_DIR", &state)
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .env("TZ", "UTC")
        .arg("--db")
        .arg(&db)
        .stdin(slave.try_clone().unwrap())
        .stdout(slave.try_clone().unwrap())
        .stderr(slave.try_clone().unwrap());
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            nix::unistd::setsid().map_err(std::io::Error::from)?;
            if nix::libc::ioctl(0, nix::libc::TIOCSCTTY as _, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    drop(slave);
    let master = std::fs::File::from(master);
    let pid = child.id();
    let _reap = Reap(pid);

    // Read what the board writes until told to stop.
    let seen = Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let mut m = master.try_clone().unwrap();
        let (seen, stop) = (seen.clone(), stop.clone());
        nix::fcntl::fcntl(
            &m,
            nix::fcntl::FcntlArg::F_SETFL(nix::fcntl::OFlag::O_NONBLOCK),
        )
        .unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while !stop.load(Ordering::SeqCst) {
                match m.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => seen.lock().unwrap().extend_from_slice(&buf[..n]),
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        })
    };
    let wait_for = |what: &str, needle: &str| {
        let start = Instant::now();
        while !String::from_utf8_lossy(&seen.lock().unwrap()).contains(needle) {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "waited for {what}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    let mut keys = master.try_clone().unwrap();
    wait_for("the figures", "Σ");
    // Open the call form and type into it.
    keys.write_all(b"a").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    keys.write_all(b"\r").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    keys.write_all("Застыло".as_bytes()).unwrap();
    wait_for("the typed text", "Застыло");

    // The link freezes: nothing reads the terminal any more, and full redraws pile up
    // until writing blocks.
    stop.store(true, Ordering::SeqCst);
    reader.join().unwrap();
    let started = Instant::now();
    let mut i = 0;
    while !writing_blocked(pid) && started.elapsed() < Duration::from_secs(20) {
        resize(
            &master,
            &if i % 2 == 0 {
                size(220, 60)
            } else {
                size(80, 24)
            },
        );
        i += 1;
        std::thread::sleep(Duration::from_millis(30));
    }
    let blocked = wchan(pid);
    assert!(
        writing_blocked(pid),
        "the board never blocked on its terminal (wchan {blocked:?} after {i} resizes)"
    );

    let sent = Instant::now();
    kill(Pid::from_raw(pid as i32), signal).unwrap();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            sent.elapsed() < Duration::from_secs(5),
            "{signal}: still running {:?} after the signal (blocked in {})",
            sent.elapsed(),
            wchan(pid)
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = sent.elapsed();
    assert!(
        took < Duration::from_millis(1500),
        "{signal}: left only after {took:?}"
    );
    assert_eq!(status.code(), Some(code), "{signal}");
    // What was typed is kept.
    let drafts: Vec<_> = std::fs::read_dir(state.join("drafts"))
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    let text: String = drafts
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(
        text.contains("Застыло"),
        "{signal}: no draft with the typed text in {}: {drafts:?}",
        Path::new(&state).display()
    );
}

#[test]
fn sigterm_ends_a_board_whose_terminal_is_stalled() {
    stalled_board_leaves_on(Signal::SIGTERM, 143);
}

#[test]
fn sighup_ends_a_board_whose_terminal_is_stalled() {
    stalled_board_leaves_on(Signal::SIGHUP, 129);
}
