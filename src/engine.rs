//! The one path from the store to figures, shared by `report` and the board: pick the
//! period (falling back to the latest one with data), read the dataset, compute.

use crate::kpi::{self, Ctx, Report, Scope};
use crate::period::{Period, PeriodKind};
use crate::store::{DataWindow, Result, Store, StoreError};
use chrono::NaiveDate;

/// The period to show and, when it differs from the one asked for, why.
pub struct Chosen {
    pub period: Period,
    pub fallback: Option<String>,
}

/// Keeps `period` when it has data; otherwise moves to the period of the same kind that
/// holds the latest data, and says so. Explicit ranges are never moved.
pub fn choose_period(store: &Store, period: Period) -> Result<Chosen> {
    if period.kind == PeriodKind::Range || store.has_data_in(&period)? {
        return Ok(Chosen {
            period,
            fallback: None,
        });
    }
    match store.latest_data_day()? {
        Some(day) if day < period.start => {
            let p = Period::containing(period.kind, day);
            Ok(Chosen {
                fallback: Some(format!(
                    "no sales or activity in {period}; showing {p}, the latest {} with data",
                    p.kind.as_str()
                )),
                period: p,
            })
        }
        _ => Ok(Chosen {
            period,
            fallback: None,
        }),
    }
}

/// Finds the scope by team or rep name (exact, any case, a unique part of the name, or `#id`).
pub fn find_scope(
    data: &crate::store::Dataset,
    team: Option<&str>,
    rep: Option<&str>,
) -> std::result::Result<Scope, String> {
    fn pick<'a, T>(
        items: &'a [T],
        name: impl Fn(&T) -> &str,
        wanted: &str,
        what: &str,
    ) -> std::result::Result<&'a T, String> {
        crate::input::pick_by_name(items, name, wanted, what).map_err(|e| format!("{what}: {e}"))
    }
    let by_id = |text: &str| {
        text.trim()
            .strip_prefix('#')
            .and_then(|n| n.parse::<i64>().ok())
    };
    if let Some(id) = rep.and_then(by_id)
        && data.reps.iter().any(|r| r.id == id)
    {
        return Ok(Scope::Rep(id));
    }
    if let Some(id) = team.and_then(by_id)
        && data.teams.iter().any(|t| t.id == id)
    {
        return Ok(Scope::Team(id));
    }
    match (team, rep) {
        (Some(_), Some(_)) => Err("give --team or --rep, not both".into()),
        (Some(t), None) => pick(&data.teams, |x| &x.name, t, "team").map(|t| Scope::Team(t.id)),
        (None, Some(r)) => pick(&data.reps, |x| &x.name, r, "rep").map(|r| Scope::Rep(r.id)),
        (None, None) => Ok(Scope::Company),
    }
}

/// Reads and computes a report for `period` as of `today` in local time.
pub fn build(
    store: &Store,
    period: Period,
    today: NaiveDate,
    team: Option<&str>,
    rep: Option<&str>,
) -> Result<Report> {
    build_for(store, &store.permit()?, period, today, team, rep)
}

/// [`build`] as seen by `permit` (the access list).
pub fn build_for(
    store: &Store,
    permit: &crate::store::Permit,
    period: Period,
    today: NaiveDate,
    team: Option<&str>,
    rep: Option<&str>,
) -> Result<Report> {
    let data = store.dataset(DataWindow::for_period(&period))?;
    report_from(&data, permit, period, today, team, rep)
}

/// [`build_for`] from rows already read (the board keeps them between changes).
pub fn report_from(
    data: &crate::store::Dataset,
    permit: &crate::store::Permit,
    period: Period,
    today: NaiveDate,
    team: Option<&str>,
    rep: Option<&str>,
) -> Result<Report> {
    // Only someone the access list limits needs a copy with the hidden teams taken out.
    let mut limited;
    let data = if permit.sees_all() {
        data
    } else {
        limited = data.clone();
        restrict(&mut limited, permit);
        &limited
    };
    let team = if permit.sees_all() {
        team.map(str::to_string)
    } else {
        restricted_team(permit, team, rep)?
    };
    let team = team.as_deref();
    let scope = find_scope(data, team, rep).map_err(|e| {
        let field = if team.is_some() { "team" } else { "rep" };
        let reason = e
            .strip_prefix(&format!("{field}: "))
            .unwrap_or(&e)
            .to_string();
        StoreError::Invalid(crate::store::Validation::new(field, reason))
    })?;
    kpi::compute(data, &Ctx::local(period, today), scope).map_err(StoreError::Other)
}

/// Applies the access list: teams and reps the user may not see are dropped before any
/// name is matched (so messages never name them).
fn restrict(data: &mut crate::store::Dataset, permit: &crate::store::Permit) {
    data.teams.retain(|t| permit.sees_team(t.id));
    for t in &mut data.teams {
        if t.parent_id.is_some_and(|p| !permit.sees_team(p)) {
            t.parent_id = None;
        }
    }
    data.reps.retain(|r| permit.sees_team(r.team_id));
}

/// Someone limited to some teams gets their team instead of the whole company. Returns the
/// team to look for.
fn restricted_team(
    permit: &crate::store::Permit,
    team: Option<&str>,
    rep: Option<&str>,
) -> Result<Option<String>> {
    if team.is_some() || rep.is_some() {
        return Ok(team.map(str::to_string));
    }
    match permit.roots.as_slice() {
        [(id, _)] => Ok(Some(format!("#{id}"))),
        _ => Err(StoreError::Denied(format!(
            "you may see only some teams ({}): choose one with --team",
            permit.team_list()
        ))),
    }
}
