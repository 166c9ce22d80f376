//! Issue 5: one database file under load from many processes at once, and writers killed
//! with SIGKILL in the middle of a write. Every test here runs the real binary, one process
//! per command, exactly as scripts and integrations do.
//!
//! - `eight_writers_and_four_readers_lose_nothing`: 8 writers × 500 `add call` processes
//!   in sequence, while 4 readers run `report --format json` in a loop. Every reported id
//!   must be in the file with its own note, nothing may fail or complain about a lock, the
//!   readers must never see the count of calls go down, and `check` must pass.
//! - `writers_killed_mid_write_lose_nothing_they_reported`: 200 `add call` processes
//!   killed with SIGKILL at once, after delays spread over a write's life (before, during
//!   and after the commit), while the test holds the write lock, or right after they
//!   printed `saved`; meanwhile other writers and a reader keep going. Every id a killed process printed must be in
//!   the file, no row may be half written (row and audit entry go together), and `check`
//!   and a final `add call` must still work.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Each test loads both cores by itself: run them one after the other.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// The binary on `db`, isolated from the user's config, database, state and time zone.
fn sb(home: &Path, db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_salesboard"));
    c.env("TZ", "UTC")
        .env("SALESBOARD_CONFIG", "/nonexistent/salesboard.toml")
        .env_remove("SALESBOARD_DB")
        .env("LANG", "C")
        .env("HOME", home)
        .env("XDG_STATE_HOME", home)
        .arg("--db")
        .arg(db)
        .stdin(Stdio::null());
    c
}

/// True when a process's standard error speaks of a locked or busy database.
fn complains_of_lock(stderr: &[u8]) -> bool {
    let e = String::from_utf8_lossy(stderr).to_lowercase();
    e.contains("locked") || e.contains("busy")
}

/// One line describing a process that went wrong.
fn describe(what: &str, out: &Output) -> String {
    format!(
        "{what}: {} — stdout {:?}, stderr {:?}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The id in `saved call #N`, if the output holds that line.
fn saved_id(stdout: &[u8]) -> Option<i64> {
    String::from_utf8_lossy(stdout)
        .lines()
        .find_map(|l| l.trim().strip_prefix("saved call #")?.parse().ok())
}

/// A small seeded database in its own directory, a past day to write on and an active rep
/// hired before that day.
struct Fixture {
    dir: tempfile::TempDir,
    db: PathBuf,
    day: String,
    rep: String,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kpi.db");
        // Two days back: in the past whatever the time zone, and inside the seeded history.
        let day = (chrono::Utc::now().date_naive() - chrono::Days::new(2))
            .format("%Y-%m-%d")
            .to_string();
        let f = Fixture {
            dir,
            db,
            day,
            rep: String::new(),
        };
        let out = f
            .cmd()
            .args(["seed", "--size", "small", "--reps", "4", "--teams", "1"])
            .args(["--months", "2", "--seed", "5", "--until", &f.day])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", describe("seed", &out));
        let conn = rusqlite::Connection::open_with_flags(
            &f.db,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        let id: i64 = conn
            .query_row(
                "SELECT id FROM rep WHERE active = 1 AND hired_on <= ?1 ORDER BY id LIMIT 1",
                [&f.day],
                |r| r.get(0),
            )
            .expect("the seed has an active rep hired before the day");
        drop(conn);
        Fixture {
            rep: format!("#{id}"),
            ..f
        }
    }

    fn cmd(&self) -> Command {
        sb(self.dir.path(), &self.db)
    }

    /// `add call` for this fixture's rep and day, with `note`.
    fn add_call(&self, note: &str, n: usize) -> Command {
        let mut c = self.cmd();
        c.args(["add", "call", "--rep", &self.rep, "--date", &self.day])
            .args(["--time", &format!("{:02}:{:02}", 8 + n % 10, n % 60)])
            .args(["--duration", &format!("{}", 1 + n % 45)])
            .args(["--outcome", ["reached", "no_answer", "follow_up"][n % 3]])
            .args(["--note", note]);
        c
    }

    /// `export KIND` as CSV records, keyed by header name.
    fn export(&self, kind: &str) -> Vec<HashMap<String, String>> {
        let out = self.cmd().args(["export", kind]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            describe(&format!("export {kind}"), &out)
        );
        let mut r = csv::Reader::from_reader(out.stdout.as_slice());
        let headers = r.headers().unwrap().clone();
        r.records()
            .map(|rec| {
                let rec = rec.unwrap();
                headers
                    .iter()
                    .zip(rec.iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect()
            })
            .collect()
    }

    /// Every activity row: id → (kind, at, note).
    fn activities(&self) -> HashMap<i64, (String, String, String)> {
        self.export("activities")
            .into_iter()
            .map(|r| {
                (
                    r["id"].parse().unwrap(),
                    (r["kind"].clone(), r["at"].clone(), r["note"].clone()),
                )
            })
            .collect()
    }

    /// The row ids of every audited insert into `activity`.
    fn audited_activity_inserts(&self) -> Vec<i64> {
        self.export("audit_log")
            .into_iter()
            .filter(|r| r["action"] == "insert" && r["entity"] == "activity")
            .map(|r| r["row_id"].parse().unwrap())
            .collect()
    }

    /// Calls on the fixture's day, as the day's `report --format json` counts them; `None`
    /// when the report fell back to another day.
    fn reported_calls(&self, out: &Output) -> Result<Option<i64>, String> {
        let j: serde_json::Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("report printed no JSON ({e}): {}", describe("report", out)))?;
        if !j["fallback"].is_null() || j["period"]["start"] != self.day.as_str() {
            return Ok(None);
        }
        j["total"]["activity"]["calls"]["now"]
            .as_i64()
            .map(Some)
            .ok_or_else(|| format!("no total.activity.calls.now in the report: {j}"))
    }

    fn report(&self) -> Command {
        let mut c = self.cmd();
        c.args(["report", "--format", "json", "--period", "day", "--at"])
            .arg(&self.day);
        c
    }

    /// `check` exits 0 and says the file is sound.
    fn assert_check_passes(&self) {
        let out = self.cmd().arg("check").output().unwrap();
        assert!(
            out.status.success()
                && String::from_utf8_lossy(&out.stdout).contains("integrity: ok")
                && !complains_of_lock(&out.stderr),
            "{}",
            describe("check", &out)
        );
    }

    /// Every new activity row (id above `seeded_max`) has exactly one audited insert, and
    /// every audited insert its row: a write landed whole or not at all.
    fn assert_rows_and_audit_agree(
        &self,
        rows: &HashMap<i64, (String, String, String)>,
        seeded_max: i64,
    ) {
        let mut audited = self.audited_activity_inserts();
        audited.sort_unstable();
        let before = audited.len();
        audited.dedup();
        assert_eq!(before, audited.len(), "an activity row was audited twice");
        let mut new_rows: Vec<i64> = rows.keys().copied().filter(|&id| id > seeded_max).collect();
        new_rows.sort_unstable();
        assert_eq!(
            new_rows, audited,
            "activity rows and their audit entries differ"
        );
    }
}

/// Problems found by one thread, and how many processes it ran.
#[derive(Default)]
struct Tally {
    problems: Vec<String>,
    runs: usize,
    slowest: Duration,
}

fn assert_no_problems(what: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{what}: {} problem(s), the first ones:\n{}",
        problems.len(),
        problems
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A reader loop: `report --format json` until `stop`, checking each run and that the
/// day's call count never goes down.
fn reader(f: &Fixture, stop: &AtomicBool) -> (Tally, Option<i64>) {
    let mut t = Tally::default();
    let mut last: Option<i64> = None;
    loop {
        let finished = stop.load(Ordering::SeqCst);
        let started = Instant::now();
        let out = f.report().output().unwrap();
        t.slowest = t.slowest.max(started.elapsed());
        t.runs += 1;
        if !out.status.success() || complains_of_lock(&out.stderr) {
            t.problems.push(describe("report", &out));
        } else {
            match f.reported_calls(&out) {
                Err(e) => t.problems.push(e),
                Ok(Some(n)) => {
                    if let Some(prev) = last
                        && n < prev
                    {
                        t.problems
                            .push(format!("report saw {n} calls after having seen {prev}"));
                    }
                    last = Some(n);
                }
                Ok(None) => {}
            }
        }
        if finished {
            return (t, last);
        }
    }
}

const WRITERS: usize = 8;
const CALLS_PER_WRITER: usize = 500;
const READERS: usize = 4;

#[test]
fn eight_writers_and_four_readers_lose_nothing() {
    let _serial = serial();
    let f = Fixture::new();
    let before = f.activities();
    let seeded_max = before.keys().copied().max().unwrap_or(0);
    let calls_before = before
        .values()
        .filter(|(kind, at, _)| kind == "call" && at.starts_with(&f.day))
        .count() as i64;

    let started = Instant::now();
    let stop = AtomicBool::new(false);
    let (writers, readers) = std::thread::scope(|s| {
        let readers: Vec<_> = (0..READERS)
            .map(|_| s.spawn(|| reader(&f, &stop)))
            .collect();
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let f = &f;
                s.spawn(move || {
                    let mut t = Tally::default();
                    let mut saved = Vec::new();
                    for n in 0..CALLS_PER_WRITER {
                        let note = format!("writer {w} call {n}");
                        let t0 = Instant::now();
                        let out = f.add_call(&note, n).output().unwrap();
                        t.slowest = t.slowest.max(t0.elapsed());
                        t.runs += 1;
                        let id = saved_id(&out.stdout);
                        if !out.status.success() || complains_of_lock(&out.stderr) || id.is_none() {
                            t.problems.push(describe(&note, &out));
                        }
                        if let Some(id) = id {
                            saved.push((id, note));
                        }
                    }
                    (t, saved)
                })
            })
            .collect();
        let writers: Vec<_> = writers.into_iter().map(|h| h.join().unwrap()).collect();
        stop.store(true, Ordering::SeqCst);
        let readers: Vec<_> = readers.into_iter().map(|h| h.join().unwrap()).collect();
        (writers, readers)
    });
    let elapsed = started.elapsed();

    let mut problems = Vec::new();
    let mut saved = Vec::new();
    let mut slowest_write = Duration::ZERO;
    for (t, s) in writers {
        assert_eq!(t.runs, CALLS_PER_WRITER);
        problems.extend(t.problems);
        slowest_write = slowest_write.max(t.slowest);
        saved.extend(s);
    }
    let mut reports = 0;
    let mut slowest_report = Duration::ZERO;
    let mut last_seen = Vec::new();
    for (t, last) in readers {
        problems.extend(t.problems);
        reports += t.runs;
        slowest_report = slowest_report.max(t.slowest);
        last_seen.extend(last);
    }
    println!(
        "{} writes and {reports} reports in {elapsed:.1?}; slowest add {slowest_write:.1?}, slowest report {slowest_report:.1?}",
        WRITERS * CALLS_PER_WRITER
    );
    assert_no_problems("writers and readers", &problems);

    // 4 000 distinct ids, each in the file with its own note.
    assert_eq!(saved.len(), WRITERS * CALLS_PER_WRITER);
    let ids: HashSet<i64> = saved.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids.len(), saved.len(), "an id was reported twice");
    let rows = f.activities();
    for (id, note) in &saved {
        match rows.get(id) {
            None => panic!("call #{id} ({note}) was reported saved but is not in the file"),
            Some((kind, at, n)) => assert!(
                kind == "call" && n == note && at.starts_with(&f.day),
                "call #{id} should be '{note}' on {}, the file has {kind} '{n}' at {at}",
                f.day
            ),
        }
    }
    for w in 0..WRITERS {
        let prefix = format!("writer {w} call ");
        let n = rows.values().filter(|r| r.2.starts_with(&prefix)).count();
        assert_eq!(n, CALLS_PER_WRITER, "writer {w} has {n} calls in the file");
    }
    assert_eq!(rows.len(), before.len() + WRITERS * CALLS_PER_WRITER);
    f.assert_rows_and_audit_agree(&rows, seeded_max);

    // The report agrees, and no reader ever saw more than there is.
    let out = f.report().output().unwrap();
    assert!(out.status.success(), "{}", describe("report", &out));
    let total = calls_before + (WRITERS * CALLS_PER_WRITER) as i64;
    assert_eq!(f.reported_calls(&out).unwrap(), Some(total));
    assert!(
        last_seen.iter().all(|&n| n <= total),
        "{last_seen:?} > {total}"
    );
    f.assert_check_passes();
}

/// How a killed writer's attempt is ended.
#[derive(Clone, Copy, Debug)]
enum Kill {
    /// SIGKILL as soon as the process has started. Under heavy load the test itself may
    /// be held up long enough for the write to finish first, so this is not relied on.
    AtOnce,
    /// SIGKILL after this long while the test holds the write lock: certainly before the
    /// commit, perhaps while the process waits for the lock.
    WhileLocked(Duration),
    /// SIGKILL after this long.
    After(Duration),
    /// SIGKILL as soon as it has printed `saved call #N`.
    WhenSaved,
}

/// What became of one killed attempt.
struct Attempt {
    note: String,
    kill: Kill,
    killed: bool,
    reported: Option<i64>,
}

/// Runs one `add call` and kills it as `kill` says.
fn killed_attempt(f: &Fixture, n: usize, kill: Kill) -> (Attempt, Option<String>) {
    let note = format!("killed {n}");
    let mut lock = match kill {
        Kill::WhileLocked(_) => {
            let c = rusqlite::Connection::open(&f.db).unwrap();
            c.busy_timeout(Duration::from_secs(30)).unwrap();
            c.execute_batch("BEGIN IMMEDIATE").unwrap();
            Some(c)
        }
        _ => None,
    };
    let mut child = f
        .add_call(&note, n)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = Vec::new();
    match kill {
        Kill::AtOnce => {}
        Kill::After(d) | Kill::WhileLocked(d) => std::thread::sleep(d),
        Kill::WhenSaved => {
            let mut r = std::io::BufReader::new(child.stdout.as_mut().unwrap());
            let mut line = String::new();
            // Returns at the first line, or at the end when the process dies first.
            r.read_line(&mut line).unwrap();
            stdout.extend_from_slice(line.as_bytes());
        }
    }
    // SIGKILL (on Unix, `Child::kill` sends nothing else); a process that already ended
    // is not affected.
    child.kill().unwrap();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_end(&mut stdout)
        .unwrap();
    let mut stderr = Vec::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_end(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    if let Some(c) = lock.take() {
        c.execute_batch("ROLLBACK").unwrap();
    }
    let out = Output {
        status,
        stdout,
        stderr,
    };
    let killed = status.signal() == Some(nix::sys::signal::Signal::SIGKILL as i32);
    let reported = saved_id(&out.stdout);
    let problem = if complains_of_lock(&out.stderr)
        || (!killed && (!status.success() || reported.is_none()))
    {
        Some(describe(&note, &out))
    } else {
        None
    };
    (
        Attempt {
            note,
            kill,
            killed,
            reported,
        },
        problem,
    )
}

const KILLS: usize = 200;
const STEADY_WRITERS: usize = 2;

#[test]
fn writers_killed_mid_write_lose_nothing_they_reported() {
    let _serial = serial();
    let f = Fixture::new();
    let before = f.activities();
    let seeded_max = before.keys().copied().max().unwrap_or(0);

    let stop = AtomicBool::new(false);
    let (attempts, problems, steady, reader_tally) = std::thread::scope(|s| {
        // Writers that are never killed, so kills land while others wait for or hold the
        // write lock; and a reader.
        let steady: Vec<_> = (0..STEADY_WRITERS)
            .map(|w| {
                let (f, stop) = (&f, &stop);
                s.spawn(move || {
                    let mut t = Tally::default();
                    let mut saved = Vec::new();
                    let mut n = 0;
                    while !stop.load(Ordering::SeqCst) {
                        let note = format!("steady {w} call {n}");
                        let out = f.add_call(&note, n).output().unwrap();
                        t.runs += 1;
                        match saved_id(&out.stdout) {
                            Some(id) if out.status.success() && !complains_of_lock(&out.stderr) => {
                                saved.push((id, note))
                            }
                            _ => t.problems.push(describe(&note, &out)),
                        }
                        n += 1;
                    }
                    (t, saved)
                })
            })
            .collect();
        let reader = s.spawn(|| reader(&f, &stop).0);

        // How long one write takes under this load, to spread the kills over its life.
        let mut times: Vec<Duration> = (0..15)
            .map(|n| {
                let t0 = Instant::now();
                let out = f.add_call(&format!("timing {n}"), n).output().unwrap();
                assert!(out.status.success(), "{}", describe("timing", &out));
                t0.elapsed()
            })
            .collect();
        times.sort_unstable();
        let typical = times[times.len() / 2];
        // From nothing to a little over a typical write.
        let span = (typical * 5 / 4).max(Duration::from_millis(5));
        println!("a write takes about {typical:.1?} under load; kills spread over 0–{span:.1?}");

        let mut attempts = Vec::new();
        let mut problems = Vec::new();
        for n in 0..KILLS {
            let kill = match n % 10 {
                0 => Kill::AtOnce,
                1 => Kill::WhileLocked(span.mul_f64((n as f64 * 0.618_033_988_75).fract())),
                9 => Kill::WhenSaved,
                // A low-discrepancy spread over the span (golden ratio steps).
                _ => Kill::After(span.mul_f64((n as f64 * 0.618_033_988_75).fract())),
            };
            let (a, p) = killed_attempt(&f, n, kill);
            attempts.push(a);
            problems.extend(p);
        }
        stop.store(true, Ordering::SeqCst);
        let steady: Vec<_> = steady.into_iter().map(|h| h.join().unwrap()).collect();
        (attempts, problems, steady, reader.join().unwrap())
    });

    let mut problems = problems;
    problems.extend(reader_tally.problems);
    let mut steady_saved = Vec::new();
    for (t, saved) in steady {
        problems.extend(t.problems);
        steady_saved.extend(saved);
    }
    assert_no_problems("killed and steady writers", &problems);

    let rows = f.activities();
    let by_note: HashMap<&str, Vec<i64>> = rows.iter().fold(HashMap::new(), |mut m, (id, r)| {
        m.entry(r.2.as_str()).or_default().push(*id);
        m
    });
    // Every steady write is there.
    assert!(!steady_saved.is_empty());
    for (id, note) in &steady_saved {
        assert_eq!(
            rows.get(id).map(|r| r.2.as_str()),
            Some(note.as_str()),
            "steady call #{id} ('{note}') is not in the file"
        );
    }
    // Every id a killed process printed is there with its note; nothing is there twice.
    let (mut finished, mut killed_after_saved, mut committed_unreported, mut lost_before_commit) =
        (0, 0, 0, 0);
    let (mut at_once_lost, mut locked_lost) = (0, 0);
    for a in &attempts {
        let found = by_note.get(a.note.as_str()).cloned().unwrap_or_default();
        assert!(
            found.len() <= 1,
            "'{}' is in the file {} times",
            a.note,
            found.len()
        );
        match (a.reported, found.first()) {
            (Some(id), Some(&row)) => {
                assert_eq!(id, row, "'{}' was reported as #{id} but is #{row}", a.note);
                if a.killed {
                    killed_after_saved += 1;
                } else {
                    finished += 1;
                }
            }
            (Some(id), None) => panic!(
                "'{}' was reported saved as #{id} (kill {:?}) but is not in the file",
                a.note, a.kill
            ),
            (None, Some(_)) => committed_unreported += 1,
            (None, None) => {
                lost_before_commit += 1;
                match a.kill {
                    Kill::AtOnce => at_once_lost += 1,
                    Kill::WhileLocked(_) => locked_lost += 1,
                    _ => {}
                }
            }
        }
    }
    println!(
        "{KILLS} kills: {lost_before_commit} before the commit, {committed_unreported} after the commit but before printing, \
         {killed_after_saved} after printing 'saved', {finished} too late (the process had ended); \
         {} steady writes, {} reports; {at_once_lost} of {} kills at once landed before the commit",
        steady_saved.len(),
        reader_tally.runs,
        KILLS / 10
    );
    // Reliable by construction: a kill while the test holds the write lock lands before the
    // commit, and a kill after the process printed 'saved' (or ended) after it.
    assert_eq!(
        locked_lost,
        KILLS / 10,
        "a write killed while the lock was held elsewhere is in the file"
    );
    assert!(
        killed_after_saved + finished >= KILLS / 10,
        "only {} attempts got as far as 'saved'",
        killed_after_saved + finished
    );
    assert!(lost_before_commit >= KILLS / 10);

    f.assert_rows_and_audit_agree(&rows, seeded_max);
    f.assert_check_passes();
    let out = f.add_call("after the kills", 0).output().unwrap();
    let id = saved_id(&out.stdout);
    assert!(
        out.status.success() && id.is_some(),
        "{}",
        describe("add call after the kills", &out)
    );
    assert_eq!(f.activities()[&id.unwrap()].2, "after the kills");
    f.assert_check_passes();
}
