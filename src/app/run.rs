//! The board's main loop: one thread reads the terminal, the poller thread computes, and
//! a tokio select over keys, snapshots, signals and a minute clock decides when to draw.
//! The screen is drawn only when something changed; ratatui then writes only the cells
//! that differ, so an idle board writes nothing.

use super::poller::{self, Message};
use super::{App, Overlay};
use crate::format::Lang;
use crate::store::{Access, Store, StoreError};
use crate::ui::{self, theme::Theme};
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

/// How the board was asked to run.
pub struct Options {
    pub path: PathBuf,
    pub lang: Lang,
    pub poll: Duration,
    /// Wallboard mode: move to the next pane every this often.
    pub rotate: Option<Duration>,
    /// Open read-only even when the file is writable.
    pub read_only: bool,
    /// A directory to remove when the board ends, however it ends (the demo's copy).
    pub cleanup: Option<PathBuf>,
}

/// Leaves at once without touching the terminal (it is gone), removing what must not
/// be left behind.
fn leave_now(code: i32, cleanup: &Option<PathBuf>) -> ! {
    if let Some(dir) = cleanup {
        let _ = std::fs::remove_dir_all(dir);
    }
    std::process::exit(code)
}

/// A half-filled form as it would be saved, kept where the signal watchdog can reach it
/// while the main loop is stuck.
type DraftMirror = std::sync::Arc<std::sync::Mutex<Option<super::form::Draft>>>;

/// How long SIGTERM or SIGHUP waits for the main loop before the watchdog leaves for it.
const GRACE: Duration = Duration::from_millis(500);

/// Set once the main loop has saved the draft on its way out (the watchdog then does not
/// save it again).
static DRAFT_SAVED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Starts the thread that makes SIGTERM and SIGHUP work even when the main loop cannot
/// run: a frozen SSH link stalls the terminal, and writing a frame to it blocks the main
/// thread (and with it the loop that handles signals) for as long as the link is frozen.
/// The main loop handles both signals itself when it can; if the process is still alive
/// [`GRACE`] after one arrives, this thread saves the draft, restores what can be restored
/// without waiting, and exits with 128 + the signal.
fn start_watchdog(
    db: PathBuf,
    cleanup: Option<PathBuf>,
    mirror: DraftMirror,
) -> Result<(), String> {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    let mut signals =
        signal_hook::iterator::Signals::new([SIGTERM, SIGHUP]).map_err(|e| e.to_string())?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                std::thread::sleep(GRACE);
                if !DRAFT_SAVED.load(std::sync::atomic::Ordering::SeqCst) {
                    let draft = mirror.lock().ok().and_then(|m| m.clone());
                    if let Some(d) = draft {
                        let _ = super::drafts::save(&db, &d);
                    }
                }
                crate::crash::restore_terminal_gently();
                leave_now(128 + sig, &cleanup);
            }
        })
        .map_err(|e| e.to_string())?;
    Ok(())
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Opens the database the way the board will use it: writable when possible (which also
/// upgrades an older schema), read-only with a banner when the file or its directory is
/// not writable for this user. The third part says why the board is read-only (or shows
/// old figures) when the user did not ask for it: one line for under the header.
pub fn open_store(
    path: &Path,
    read_only: bool,
    lang: Lang,
) -> Result<(Store, Access, Option<String>), StoreError> {
    let (store, why) = if read_only {
        (Store::open(path, Access::ReadOnly)?, None)
    } else {
        match Store::open(path, Access::ReadWrite) {
            Ok(s) => return Ok((s, Access::ReadWrite, None)),
            // Reading may still work: a file this user may not write, or a directory
            // where SQLite may not create its -wal. Anything else (missing, damaged,
            // newer…) stops the board before it starts.
            Err(why @ (StoreError::ReadOnly(_) | StoreError::Directory { .. })) => {
                (Store::open(path, Access::ReadOnly)?, Some(why))
            }
            Err(e) => return Err(e),
        }
    };
    let mut line = match &why {
        Some(StoreError::ReadOnly(_)) => lang
            .t(
                "Read-only: you may not write this file; ask its owner for write access.",
                "Только чтение: у вас нет права записи в этот файл; попросите его у владельца.",
            )
            .to_string(),
        Some(StoreError::Directory { path, dir }) => {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            match lang {
                Lang::En => format!(
                    "Read-only: cannot create {name}-wal in {}; the directory must be writable by everyone who uses the board (docs/operations.md).",
                    dir.display()
                ),
                Lang::Ru => format!(
                    "Только чтение: нельзя создать {name}-wal в {}; каталог должен быть доступен на запись всем, кто пользуется доской (docs/operations.md).",
                    dir.display()
                ),
            }
        }
        _ => String::new(),
    };
    if store.is_snapshot() {
        if !line.is_empty() {
            line.push(' ');
        }
        // Read as it was at opening (see `Store::open`): it will not see new writes.
        line.push_str(lang.t(
            "Not live: restart the board to see new entries.",
            "Не обновляется: перезапустите доску, чтобы увидеть новые записи.",
        ));
    }
    let line = (!line.is_empty()).then(|| crate::text::clean_owned(line));
    Ok((store, Access::ReadOnly, line))
}

/// Runs the board until the user quits. Errors before the terminal is taken over are
/// returned (and printed by the caller) so a bad database never leaves a broken screen.
/// Errors are the store's (so a refusal by the access list keeps its own exit status);
/// anything else comes as `StoreError::Other`.
pub fn run(opts: Options) -> Result<(), StoreError> {
    let (store, access, why) = open_store(&opts.path, opts.read_only, opts.lang)?;
    // Someone the access list leaves out is told so before the screen is taken over.
    store.permit()?;
    drop(store);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| StoreError::Other(format!("cannot start: {e}")))?;
    rt.block_on(main_loop(opts, access, why))
        .map_err(StoreError::Other)
}

async fn main_loop(opts: Options, access: Access, why: Option<String>) -> Result<(), String> {
    let mut hangup = signal(SignalKind::hangup()).map_err(|e| e.to_string())?;
    let mut terminate = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    let mut interrupt = signal(SignalKind::interrupt()).map_err(|e| e.to_string())?;
    let mirror = DraftMirror::default();
    start_watchdog(opts.path.clone(), opts.cleanup.clone(), mirror.clone())?;

    let db_name = opts
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| opts.path.display().to_string());
    let now = chrono::Utc::now().timestamp();
    let mut app = App::new(
        opts.lang,
        Theme::from_env(),
        crate::text::clean_owned(db_name),
        access == Access::ReadOnly,
        today(),
        now,
    );
    // Why the board is read-only, under the header until the first key.
    app.status = why;

    // The poller.
    let (req_tx, req_rx) = std::sync::mpsc::channel();
    let (snap_tx, mut snap_rx) = mpsc::unbounded_channel::<Message>();
    let path = opts.path.clone();
    let interval = opts.poll;
    std::thread::Builder::new()
        .name("poller".into())
        .spawn(move || poller::run(path, access, interval, req_rx, snap_tx, today))
        .map_err(|e| e.to_string())?;
    let _ = req_tx.send(app.request());

    // The writer.
    let (job_tx, job_rx) = std::sync::mpsc::channel::<super::writer::Job>();
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<super::writer::Done>();
    let mut writer_alive = true;
    if access == Access::ReadWrite {
        let path = opts.path.clone();
        std::thread::Builder::new()
            .name("writer".into())
            .spawn(move || super::writer::run(path, job_rx, done_tx))
            .map_err(|e| e.to_string())?;
    }

    // A form left half filled when the last board closed comes back.
    if let Some(draft) = super::drafts::take::<super::form::Draft>(&opts.path)
        && let Some(f) = super::form::Form::from_draft(draft, app.today())
    {
        app.open_form(f, None);
        if let Some(open) = app.form.as_mut() {
            open.form.message = Some(
                app.lang
                    .t(
                        "Restored what you were typing when the board last closed.",
                        "Восстановлено то, что вы вводили, когда доска закрылась.",
                    )
                    .to_string(),
            );
            // The draft file is gone now: a signal from here on saves it from the mirror.
            if let Ok(mut m) = mirror.lock() {
                *m = Some(open.form.draft());
            }
        }
    }

    // Terminal events on their own thread (crossterm's reader blocks).
    let (ev_tx, mut ev_rx) = mpsc::unbounded_channel::<Event>();
    std::thread::Builder::new()
        .name("terminal".into())
        .spawn(move || {
            while let Ok(ev) = event::read() {
                if ev_tx.send(ev).is_err() {
                    break;
                }
            }
        })
        .map_err(|e| e.to_string())?;

    let mut terminal = ratatui::try_init().map_err(|e| format!("cannot use this terminal: {e}"))?;
    crate::crash::TERMINAL_IN_USE.store(true, std::sync::atomic::Ordering::SeqCst);
    // First frame first: draw before the first figures arrive.
    let mut dirty = true;
    let mut rotate = opts.rotate.map(|d| {
        let mut i = tokio::time::interval(d);
        i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        i
    });
    if let Some(r) = rotate.as_mut() {
        r.tick().await; // the first tick fires at once
    }
    let result = loop {
        // What a signal would save if the next draw got stuck on a stalled terminal.
        if let Ok(mut m) = mirror.lock() {
            *m = app
                .form
                .as_ref()
                .filter(|f| f.form.is_dirty())
                .map(|f| f.form.draft());
        }
        if dirty {
            if terminal.draw(|f| ui::draw(f, &app)).is_err() {
                // Writing to the terminal failed: it is gone (a dropped link without a
                // SIGHUP). Restoring or dropping it would write again and abort; leave.
                save_draft(&app, &opts.path);
                leave_now(1, &opts.cleanup);
            }
            dirty = false;
            // For the terminal tests: prove a panic leaves the terminal usable.
            if std::env::var_os("SALESBOARD_TEST_PANIC").is_some() {
                panic!("test panic requested by SALESBOARD_TEST_PANIC");
            }
        }
        if app.quit {
            break Ok(());
        }
        let until_minute = 60 - (chrono::Utc::now().timestamp().rem_euclid(60)) as u64;
        tokio::select! {
            // Keys already read come before a signal: what was typed is in the draft.
            biased;
            ev = ev_rx.recv() => {
                // The reader stops only when reading the terminal failed: it is gone.
                let Some(ev) = ev else {
                    save_draft(&app, &opts.path);
                    leave_now(1, &opts.cleanup)
                };
                let mut refetch = handle(&mut app, ev);
                // Coalesce a burst (typing, key repeat, resize storms) into one frame.
                while let Ok(ev) = ev_rx.try_recv() {
                    refetch |= handle(&mut app, ev);
                }
                if refetch {
                    let _ = req_tx.send(app.request());
                }
                for job in app.outbox.drain(..) {
                    let _ = job_tx.send(job);
                }
                dirty = true;
            }
            done = done_rx.recv(), if writer_alive => {
                match done {
                    Some(done) => {
                        app.on_done(done);
                        dirty = true;
                    }
                    // No writer (read-only) or it stopped: stop listening, or this
                    // branch would fire on every turn of the loop.
                    None => writer_alive = false,
                }
            }
            msg = snap_rx.recv() => {
                let Some(mut msg) = msg else { break Err("the background reader stopped".into()) };
                while let Ok(next) = snap_rx.try_recv() {
                    msg = next;
                }
                match msg {
                    Message::Snapshot(s) => app.accept(*s),
                    Message::Error(e) => app.error = Some(e),
                    Message::Denied(e) => {
                        app.snapshot = None;
                        app.overlay = crate::app::Overlay::None;
                        app.error = Some(e);
                    }
                }
                dirty = true;
            }
            _ = tokio::time::sleep(Duration::from_secs(until_minute)) => {
                // The header clock shows minutes: one repaint a minute at most.
                app.now = chrono::Utc::now().timestamp();
                dirty = true;
            }
            _ = async { if let Some(r) = rotate.as_mut() { r.tick().await; } else { std::future::pending::<()>().await } } => {
                if app.overlay == Overlay::None && !app.filtering {
                    app.update(super::Action::NextPane);
                    dirty = true;
                }
            }
            _ = hangup.recv() => {
                // Usually the SSH link is gone and the terminal with it: ratatui's restore
                // would fail or abort there. Keep what was being typed, restore only what
                // can be restored without waiting, and leave at once.
                save_draft(&app, &opts.path);
                crate::crash::restore_terminal_gently();
                leave_now(129, &opts.cleanup);
            }
            _ = terminate.recv() => break Ok(()),
            _ = interrupt.recv() => break Ok(()),
        }
    };
    save_draft(&app, &opts.path);
    DRAFT_SAVED.store(true, std::sync::atomic::Ordering::SeqCst);
    ratatui::restore();
    result
}

/// Saves a half-filled form as a draft, so closing the board never loses typing.
fn save_draft(app: &App, db: &Path) {
    if let Some(open) = &app.form
        && open.form.is_dirty()
    {
        let _ = super::drafts::save(db, &open.form.draft());
    }
}

/// Applies one terminal event; returns true when figures must be recomputed.
fn handle(app: &mut App, ev: Event) -> bool {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => {
            app.now = chrono::Utc::now().timestamp();
            app.on_key(k)
        }
        _ => false, // resize and focus: just redraw
    }
}
