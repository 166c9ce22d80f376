//! The background poller: its own read connection on its own thread. It recomputes the
//! figures when the board asks (new period or team) and when another process changed the
//! file (`PRAGMA data_version`), and sends each result as one whole [`Snapshot`].
//! Nothing here runs on the draw path.

use super::{Request, Snapshot, TeamEntry};
use crate::engine;
use crate::store::{Access, DataWindow, Dataset, Store};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// What the poller reports.
#[derive(Debug)]
pub enum Message {
    Snapshot(Box<Snapshot>),
    Error(String),
    /// The access list no longer lets this user see these figures: hide them.
    Denied(String),
}

/// How many recent entries the Activity pane lists.
const RECENT: usize = 40;

/// What the poller keeps between rounds: the rows read for the window on show, kept up to
/// date by reading again only what the change log names (see [`Store::refresh`]), and the
/// lists that change rarely.
pub struct Cache {
    window: DataWindow,
    data: Dataset,
    recent: Vec<crate::model::EntryLine>,
    customers: std::sync::Arc<Vec<(crate::model::CustomerId, String)>>,
}

/// Runs until the request channel closes. `today` is asked each round so a board left
/// open overnight moves to the new day.
pub fn run(
    path: PathBuf,
    access: Access,
    interval: Duration,
    requests: Receiver<Request>,
    out: UnboundedSender<Message>,
    today: fn() -> chrono::NaiveDate,
) {
    let mut store: Option<Store> = None;
    let mut cache: Option<Cache> = None;
    let mut current: Option<Request> = None;
    // Set after reopening a snapshot that failed, so that a second failure is reported.
    let mut reread = false;
    let mut seen_version: Option<i64> = None;
    let mut seen_day = today();
    loop {
        let mut force = false;
        match requests.recv_timeout(interval) {
            Ok(r) => {
                // Only the latest of a burst of requests matters.
                current = Some(requests.try_iter().last().unwrap_or(r));
                force = true;
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        let Some(req) = current else { continue };
        if store.is_none() {
            cache = None;
            match Store::open(&path, access) {
                Ok(s) => store = Some(s),
                Err(e) => {
                    if out.send(Message::Error(e.to_string())).is_err() {
                        return;
                    }
                    continue;
                }
            }
        }
        let Some(s) = store.as_mut() else { continue };
        let version = match s.data_version() {
            Ok(v) => v,
            Err(e) => {
                store = None;
                if out.send(Message::Error(e.to_string())).is_err() {
                    return;
                }
                continue;
            }
        };
        let day = today();
        let changed = seen_version.is_some_and(|v| v != version);
        if !force && !changed && day == seen_day {
            continue;
        }
        if day != seen_day {
            // Open deals, pace and contact gaps are taken as of today: read afresh.
            cache = None;
        }
        seen_version = Some(version);
        seen_day = day;
        let msg = match snapshot(s, &mut cache, req, day, changed) {
            Ok(snap) => {
                reread = false;
                // The period is settled once per request: refreshes after other people's
                // writes keep it, even if the period asked for has data by now.
                current = Some(Request {
                    period: snap.report.period,
                    open_latest: false,
                    ..req
                });
                Message::Snapshot(Box::new(snap))
            }
            Err(e @ crate::store::StoreError::Denied(_)) => Message::Denied(e.to_string()),
            Err(_) if s.is_snapshot() && !reread => {
                // A frozen snapshot (a file nobody could share locks on) fails when a writer
                // rewrites the file under it: that is not damage. Read it afresh.
                store = None;
                seen_version = None;
                reread = true;
                continue;
            }
            Err(e) => {
                cache = None;
                Message::Error(e.to_string())
            }
        };
        if out.send(msg).is_err() {
            return;
        }
    }
}

/// One snapshot for a request, read from scratch (tests, and the board's first frame).
pub fn compute(
    store: &mut Store,
    req: Request,
    today: chrono::NaiveDate,
) -> crate::store::Result<Snapshot> {
    snapshot(store, &mut None, req, today, false)
}

/// One snapshot for a request. With a `cache` for the same window, only what changed since
/// (`changed`: another connection wrote) is read again; otherwise everything is read and
/// kept in `cache`.
pub fn snapshot(
    store: &mut Store,
    cache: &mut Option<Cache>,
    req: Request,
    today: chrono::NaiveDate,
    changed: bool,
) -> crate::store::Result<Snapshot> {
    let permit = store.permit()?;
    let chosen = engine::choose_period(store, &permit, req.period, today, req.open_latest)?;
    let window = DataWindow::for_period(&chosen.period);
    let c = match cache.take() {
        Some(mut c) if c.window == window => {
            if changed {
                let affected = store.refresh(&mut c.data, window)?;
                if affected.everything || affected.entries {
                    c.recent = store.recent_entries(RECENT, &permit)?;
                }
                if affected.everything || affected.customers {
                    c.customers = std::sync::Arc::new(store.customer_names(&permit)?);
                }
            }
            c
        }
        _ => {
            if changed {
                // Someone may have changed the settings (currency, thresholds).
                store.reload_settings()?;
            }
            Cache {
                window,
                data: store.dataset(window)?,
                recent: store.recent_entries(RECENT, &permit)?,
                customers: std::sync::Arc::new(store.customer_names(&permit)?),
            }
        }
    };
    let c = cache.insert(c);
    let teams: Vec<_> = c
        .data
        .teams
        .iter()
        .filter(|t| permit.sees_team(t.id))
        .cloned()
        .collect();
    // A team the access list hides (or "all teams" for someone limited to some) becomes
    // the first team they may see.
    let team = req
        .team
        .filter(|t| teams.iter().any(|x| x.id == *t))
        .or_else(|| permit.roots.first().map(|r| r.0));
    let team_name = team.map(|t| format!("#{t}"));
    let report = engine::report_from(
        &c.data,
        &permit,
        chosen.period,
        today,
        team_name.as_deref(),
        None,
    )?;
    Ok(Snapshot {
        seq: req.seq,
        report,
        teams: tree(&teams),
        recent: c.recent.clone(),
        customers: c.customers.clone(),
        note: chosen.note,
        computed_at: chrono::Utc::now().timestamp(),
        permit,
        team,
    })
}

/// The team tree depth-first, children by name.
fn tree(teams: &[crate::model::Team]) -> Vec<TeamEntry> {
    let mut out = Vec::new();
    let ids: std::collections::HashSet<_> = teams.iter().map(|t| t.id).collect();
    let mut stack: Vec<(&crate::model::Team, usize)> = teams
        .iter()
        .filter(|t| t.parent_id.is_none_or(|p| !ids.contains(&p)))
        .rev()
        .map(|t| (t, 0))
        .collect();
    while let Some((t, depth)) = stack.pop() {
        out.push(TeamEntry {
            team: t.clone(),
            depth,
        });
        if depth < 32 {
            let mut kids: Vec<&crate::model::Team> =
                teams.iter().filter(|c| c.parent_id == Some(t.id)).collect();
            kids.sort_by(|a, b| a.name.cmp(&b.name));
            for k in kids.into_iter().rev() {
                stack.push((k, depth + 1));
            }
        }
    }
    out
}
