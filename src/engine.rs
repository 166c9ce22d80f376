//! The one path from the store to figures, shared by `report` and the board: pick the
//! period (falling back to the latest one with data), read the dataset, compute.

use crate::format::Lang;
use crate::kpi::{self, Ctx, Report, Scope};
use crate::period::{Period, PeriodKind};
use crate::store::{DataWindow, Permit, Result, Store, StoreError};
use chrono::NaiveDate;

/// Where the period on show stands beside the current one (the period of the same kind
/// that holds today): whether the current one has sales or activity yet, and the latest
/// period that has. The board and `report` word it the same way ([`PeriodNote::text`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PeriodNote {
    pub current: Period,
    /// The current period has a won deal or a call or meeting.
    pub current_has_data: bool,
    /// The latest period of the kind with a won deal or a call or meeting.
    pub latest: Option<Period>,
}

/// How the reader switches between the current period and the latest one with data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    /// A key on the board.
    Key(char),
    /// `report`'s options.
    Cli,
}

impl PeriodNote {
    /// Reads the note for periods of `kind` as of `today` (none for explicit ranges).
    /// Reads the note for periods of `kind` as of `today`, over the teams `permit` sees
    /// (none for explicit ranges).
    pub fn read(
        store: &Store,
        permit: &Permit,
        kind: PeriodKind,
        today: NaiveDate,
    ) -> Result<Option<PeriodNote>> {
        if kind == PeriodKind::Range {
            return Ok(None);
        }
        let current = Period::containing(kind, today);
        Ok(Some(PeriodNote {
            current,
            current_has_data: store.has_data_in(&current, permit)?,
            latest: store
                .latest_data_day(permit, today)?
                .map(|d| Period::containing(kind, d)),
        }))
    }

    /// One line for under the header (or above a report) when `shown` needs it: the board
    /// sits on the latest period with data because the current one has none yet, or on an
    /// empty current period while an earlier one has figures. `None` otherwise.
    pub fn text(&self, shown: &Period, lang: Lang, switch: Switch) -> Option<String> {
        self.words(shown, lang, switch, false)
    }

    /// [`PeriodNote::text`] within `width` columns: the long wording when it fits, else a
    /// short one that still names both periods and the key.
    pub fn text_within(
        &self,
        shown: &Period,
        lang: Lang,
        switch: Switch,
        width: usize,
    ) -> Option<String> {
        let long = self.words(shown, lang, switch, false)?;
        if unicode_width::UnicodeWidthStr::width(long.as_str()) <= width {
            return Some(long);
        }
        self.words(shown, lang, switch, true)
    }

    fn words(&self, shown: &Period, lang: Lang, switch: Switch, short: bool) -> Option<String> {
        let latest = self.latest?;
        let current = self.current;
        if self.current_has_data || latest == current || shown.kind != current.kind {
            return None;
        }
        let head = capitalized(&current.name(lang));
        let (cur, last) = (current.name(lang), latest.name(lang));
        if short {
            let k = match switch {
                Switch::Key(k) => k,
                Switch::Cli => return None,
            };
            let empty = lang.t("no sales yet", "продаж пока нет");
            return if *shown == latest {
                Some(format!(
                    "{head} — {empty}; {} {last} · {k}: {cur}",
                    lang.t("showing", "показан")
                ))
            } else if *shown == current {
                Some(format!("{head} — {empty} · {k}: {last}"))
            } else {
                None
            };
        }
        if *shown == latest {
            let how = match (switch, lang) {
                (Switch::Key(k), _) => format!(" · {k}: {cur}"),
                (Switch::Cli, Lang::En) => format!(" (--at {} shows it)", current.start),
                (Switch::Cli, Lang::Ru) => format!(" (--at {} покажет его)", current.start),
            };
            Some(match lang {
                Lang::En => format!(
                    "{head} — no sales or activity yet; showing {last}, the latest with data{how}"
                ),
                Lang::Ru => format!(
                    "{head} — продаж и активности пока нет; показан {last}, последний период с данными{how}"
                ),
            })
        } else if *shown == current {
            Some(match (switch, lang) {
                (Switch::Key(k), Lang::En) => {
                    format!("{head} — no sales or activity yet · {k}: {last}, the latest with data")
                }
                (Switch::Key(k), Lang::Ru) => format!(
                    "{head} — продаж и активности пока нет · {k}: {last}, последний период с данными"
                ),
                (Switch::Cli, Lang::En) => format!(
                    "{head} — no sales or activity yet (without --at, report shows {last}, the latest with data)"
                ),
                (Switch::Cli, Lang::Ru) => format!(
                    "{head} — продаж и активности пока нет (без --at report покажет {last}, последний период с данными)"
                ),
            })
        } else {
            None
        }
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The period to show, and the note about it.
pub struct Chosen {
    pub period: Period,
    pub note: Option<PeriodNote>,
}

/// The period to show for `asked`. With `open_latest` (how the board opens, and `report`
/// without `--at`), a period with no sales or activity yet gives way to the latest period
/// of the same kind that has some; otherwise `asked` is shown as it is (empty or not).
/// Explicit ranges are never moved.
pub fn choose_period(
    store: &Store,
    permit: &Permit,
    asked: Period,
    today: NaiveDate,
    open_latest: bool,
) -> Result<Chosen> {
    let note = PeriodNote::read(store, permit, asked.kind, today)?;
    // The note has read the current period and the latest with data (of the same kind):
    // only another period asked for needs a query of its own.
    let period = match note {
        Some(n) if open_latest => {
            let has_data = if asked == n.current {
                n.current_has_data
            } else {
                store.has_data_in(&asked, permit)?
            };
            match n.latest {
                Some(latest) if !has_data && latest.start < asked.start => latest,
                _ => asked,
            }
        }
        _ => asked,
    };
    Ok(Chosen { period, note })
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
/// name is matched (so messages never name them), and with them every row of theirs
/// (customers aside, see below), so that nothing computed from the rows (the data
/// coverage, what counts as "no data") depends on teams the user may not see.
fn restrict(data: &mut crate::store::Dataset, permit: &crate::store::Permit) {
    data.teams.retain(|t| permit.sees_team(t.id));
    for t in &mut data.teams {
        if t.parent_id.is_some_and(|p| !permit.sees_team(p)) {
            t.parent_id = None;
        }
    }
    data.reps.retain(|r| permit.sees_team(r.team_id));
    let seen: std::collections::HashSet<crate::model::RepId> =
        data.reps.iter().map(|r| r.id).collect();
    let sees = |rep: &crate::model::RepId| seen.contains(rep);
    data.deals.retain(|d| sees(&d.rep_id));
    let deals: std::collections::HashSet<crate::model::DealId> =
        data.deals.iter().map(|d| d.id).collect();
    data.stage_changes.retain(|c| deals.contains(&c.deal_id));
    data.plans.retain(|p| sees(&p.owner_id));
    data.team_plans.retain(|p| permit.sees_team(p.owner_id));
    data.activity_days.retain(|a| sees(&a.rep_id));
    // Customers stay: acquisition spending is spread over every new customer, so a team's
    // CAC is the same whoever looks at it. Their own figures count only for their reps'
    // scopes, and the data coverage counts only customers of reps that may be seen.
    data.surveys.retain(|x| sees(&x.rep_id));
    data.knowledge.retain(|x| sees(&x.rep_id));
    data.inquiries.retain(|q| sees(&q.rep_id));
    data.invoices.retain(|i| sees(&i.rep_id));
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
