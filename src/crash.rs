//! What a user sees when salesboard itself fails: one line on standard error naming the
//! problem and a crash report file, instead of Rust's panic message and backtrace.
//!
//! The hook is installed first thing in `main`; the board's terminal hook (ratatui's) is
//! installed later and chains to it, so the terminal is already restored when this runs.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set while the board has the terminal in raw mode on the alternate screen.
pub static TERMINAL_IN_USE: AtomicBool = AtomicBool::new(false);

/// Restores the terminal (after SIGHUP, or a panic) without ever blocking or panicking: the terminal
/// may be dead (a dropped link) or alive (`kill -HUP`). The line discipline is reset with
/// one `tcsetattr`; the screen sequences go through a fresh non-blocking handle, so a
/// stalled link cannot hold the process; every error is ignored.
pub fn restore_terminal_gently() {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let _ = ratatui::crossterm::terminal::disable_raw_mode();
    if let Ok(mut tty) = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(nix::libc::O_NONBLOCK)
        .open("/dev/tty")
    {
        // Main screen back, cursor shown.
        let _ = tty.write_all(b"\x1b[?1049l\x1b[?25h");
    }
}

/// Installs the panic hook. A panic in any thread ends the process with exit code 101: a
/// board whose poller or writer died would otherwise go on showing stale figures.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        if TERMINAL_IN_USE.load(Ordering::SeqCst) {
            // ratatui's own hook has left raw mode and the alternate screen, but the
            // cursor stays hidden; the process exits below, so nothing else would show it.
            restore_terminal_gently();
        }
        let what = payload(info.payload());
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_else(|| "an unknown place".into());
        let backtrace = std::backtrace::Backtrace::force_capture();
        let report = crate::config::state_dir()
            .and_then(|d| write_report(&d, &what, &place, &backtrace).ok());
        let what = crate::text::clean(&what);
        let mut err = std::io::stderr().lock();
        let _ = match report {
            Some(path) => writeln!(
                err,
                "salesboard: internal error: {what} (at {place}). Nothing you saved was lost. \
                 A crash report is in {}; please send it to whoever looks after salesboard.",
                path.display()
            ),
            None => writeln!(
                err,
                "salesboard: internal error: {what} (at {place}). Nothing you saved was lost."
            ),
        };
        if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
            let _ = writeln!(err, "{backtrace}");
        }
        let _ = err.flush();
        std::process::exit(101);
    }));
}

fn payload(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".into()
    }
}

/// Writes `crash-<time>-<pid>.log` (mode 0600) in `dir` and returns its path.
fn write_report(
    dir: &Path,
    what: &str,
    place: &str,
    backtrace: &std::backtrace::Backtrace,
) -> std::io::Result<PathBuf> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let now = chrono::Utc::now();
    let path = dir.join(format!(
        "crash-{}-{}.log",
        now.format("%Y%m%dT%H%M%SZ"),
        std::process::id()
    ));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)?;
    let args: Vec<String> = std::env::args().map(crate::text::clean_owned).collect();
    writeln!(
        f,
        "salesboard {} crashed at {}\ncommand: {}\nthread: {}\npanic: {}\nat: {place}\n\n{backtrace}",
        env!("CARGO_PKG_VERSION"),
        now.to_rfc3339(),
        args.join(" "),
        std::thread::current().name().unwrap_or("unnamed"),
        crate::text::clean(what),
    )?;
    Ok(path)
}
