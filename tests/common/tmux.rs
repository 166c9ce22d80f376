//! A tmux session on a private server socket, for tests that run the real binary in a
//! real terminal. Included with `#[path = "common/tmux.rs"] mod tmux;`.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// True when tmux can run; under CI (`CI` set) a missing tmux is a failure.
pub fn available() -> bool {
    let ok = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is required for the terminal tests under CI"
        );
        eprintln!("tmux not found: skipping the terminal tests (apt-get install tmux)");
    }
    ok
}

pub fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("salesboard")
}

/// A session running one command, killed when dropped.
pub struct Tmux {
    socket: String,
    /// Gives the socket name a unique part; removed with the session.
    _dir: tempfile::TempDir,
}

impl Tmux {
    pub fn start(width: u16, height: u16, command: &str) -> Tmux {
        let dir = tempfile::tempdir().unwrap();
        let socket = format!(
            "sb-test-{}-{}",
            std::process::id(),
            dir.path().file_name().unwrap().to_string_lossy()
        );
        let t = Tmux { socket, _dir: dir };
        let status = t
            .cmd()
            .args([
                "new-session",
                "-d",
                "-s",
                "main",
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
                command,
            ])
            .status()
            .unwrap();
        assert!(status.success());
        t
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket, "-f", "/dev/null"]);
        c
    }

    pub fn screen(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", "main"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut c = self.cmd();
        c.args(["send-keys", "-t", "main"]);
        c.args(keys);
        assert!(c.status().unwrap().success());
    }

    /// Appends every byte the program writes to the terminal to `file`.
    pub fn record_output(&self, file: &std::path::Path) {
        let status = self
            .cmd()
            .args([
                "pipe-pane",
                "-O",
                "-t",
                "main",
                &format!("cat >> {}", file.display()),
            ])
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub fn format(&self, f: &str) -> String {
        let out = self
            .cmd()
            .args(["display-message", "-p", "-t", "main", f])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Waits up to `secs` for the screen to satisfy `ok`; returns the last screen.
    pub fn wait_for(&self, secs: u64, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "waited {secs}s for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}
