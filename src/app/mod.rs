//! Board state and its update loop: keys become [`Action`]s through one table
//! ([`keys`]), `update` changes the state and says whether new figures are needed; the
//! figures themselves arrive as whole [`Snapshot`]s from the poller ([`poller`]).

pub mod drafts;
pub mod form;
pub mod keys;
pub mod poller;
pub mod run;
pub mod writer;

use crate::format::Lang;
use crate::kpi::{RepKpis, Report};
use crate::model::{EntryLine, RepId, Team, TeamId, Timestamp};
use crate::period::{Period, PeriodKind};
use crate::ui::theme::Theme;
use keys::Context;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::Arc;

/// The panes, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Plan,
    Funnel,
    Cycle,
    Activity,
    Team,
    Customers,
    Alerts,
}

impl Pane {
    pub const ALL: [Pane; 7] = [
        Pane::Plan,
        Pane::Funnel,
        Pane::Cycle,
        Pane::Activity,
        Pane::Team,
        Pane::Customers,
        Pane::Alerts,
    ];

    pub fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    pub fn title(self, lang: Lang) -> &'static str {
        match self {
            Pane::Plan => lang.t("Plan", "План"),
            Pane::Funnel => lang.t("Funnel", "Воронка"),
            Pane::Cycle => lang.t("Cycle", "Цикл"),
            Pane::Activity => lang.t("Activity", "Активность"),
            Pane::Team => lang.t("Team", "Команда"),
            Pane::Customers => lang.t("Customers", "Клиенты"),
            Pane::Alerts => lang.t("Alerts", "Сигналы"),
        }
    }

    fn step(self, by: isize) -> Pane {
        let n = Pane::ALL.len() as isize;
        Pane::ALL[((self.index() as isize + by).rem_euclid(n)) as usize]
    }
}

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    GoPane(usize),
    NextPane,
    PrevPane,
    PrevPeriod,
    NextPeriod,
    /// To the current period, or from an empty current period to the latest with data.
    CurrentOrLatest,
    /// What the figures are built from: the data coverage and the KPIs left blank.
    ShowData,
    CyclePeriodKind,
    OpenTeamPicker,
    ToggleRows,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    SortPrev,
    SortNext,
    SortReverse,
    Open,
    StartFilter,
    Refresh,
    Back,
    ToggleHelp,
    Quit,
    AddEntry,
    ShowEntries,
    Undo,
    Delete,
}

/// What the leaderboards can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Revenue,
    Attainment,
    Projected,
    Units,
    Deals,
    AverageDeal,
    Margin,
    Growth,
}

impl SortKey {
    pub const ALL: [SortKey; 9] = [
        SortKey::Name,
        SortKey::Revenue,
        SortKey::Attainment,
        SortKey::Projected,
        SortKey::Units,
        SortKey::Deals,
        SortKey::AverageDeal,
        SortKey::Margin,
        SortKey::Growth,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SortKey::Name => lang.t("name", "имя"),
            SortKey::Revenue => lang.t("revenue", "выручка"),
            SortKey::Attainment => lang.t("attainment", "выполнение"),
            SortKey::Projected => lang.t("projection", "прогноз"),
            SortKey::Units => lang.t("units", "штуки"),
            SortKey::Deals => lang.t("deals", "сделки"),
            SortKey::AverageDeal => lang.t("average deal", "средний чек"),
            SortKey::Margin => lang.t("margin", "маржа"),
            SortKey::Growth => lang.t("growth", "рост"),
        }
    }

    /// The sortable value of a row's KPIs (missing values sort last).
    pub fn value(self, k: &crate::kpi::Kpis) -> f64 {
        let o = |v: Option<f64>| v.unwrap_or(f64::NEG_INFINITY);
        match self {
            SortKey::Name => 0.0,
            SortKey::Revenue => k.revenue.now as f64,
            SortKey::Attainment => o(k.revenue_attainment),
            SortKey::Projected => o(k.pace.projected_revenue.map(|v| v as f64)),
            SortKey::Units => k.units.now as f64,
            SortKey::Deals => k.won_deals.now as f64,
            SortKey::AverageDeal => o(k.average_deal.now.map(|v| v as f64)),
            SortKey::Margin => o(k.margin),
            SortKey::Growth => o(k.growth),
        }
    }
}

/// A team in the picker, with its depth in the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamEntry {
    pub team: Team,
    pub depth: usize,
}

/// One whole set of figures from the poller.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The request this answers.
    pub seq: u64,
    pub report: Report,
    /// The whole team tree (depth-first), for the picker.
    pub teams: Vec<TeamEntry>,
    /// The latest entries typed into salesboard, newest first.
    pub recent: Vec<EntryLine>,
    /// Every customer (id, name), for the forms' pickers.
    pub customers: Arc<Vec<(crate::model::CustomerId, String)>>,
    /// Where the period on show stands beside the current one (for the notice under the
    /// header and the `c` key); none for explicit ranges.
    pub note: Option<crate::engine::PeriodNote>,
    /// When these figures were computed.
    pub computed_at: Timestamp,
    /// What the user running the board may see and do (the access list).
    pub permit: crate::store::Permit,
    /// The team these figures are for (the access list may have narrowed the request).
    pub team: Option<TeamId>,
}

/// What the poller should compute.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Request {
    pub seq: u64,
    pub period: Period,
    /// When `period` has no sales or activity, show the latest period of its kind that
    /// has (how the board opens, and the `c` key's way back to figures).
    pub open_latest: bool,
    pub team: Option<TeamId>,
}

/// An overlay over the panes.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    None,
    Help,
    Card {
        rep: RepId,
        scroll: u16,
    },
    /// What the figures on show are built from (data coverage), scrollable.
    Data {
        scroll: u16,
    },
    Picker {
        selected: usize,
    },
    /// Choosing what to add.
    Menu {
        selected: usize,
    },
    /// Recent entries: correct, delete (after `confirm`), undo.
    Entries {
        selected: usize,
        confirm: bool,
    },
}

/// A form on screen, and the entry it corrects (entity, id) when it is an edit.
pub struct OpenForm {
    pub form: form::Form,
    pub editing: Option<(String, i64)>,
}

pub struct App {
    pub lang: Lang,
    pub theme: Theme,
    /// File name of the database, for the header.
    pub db_name: String,
    pub read_only: bool,
    pub pane: Pane,
    /// The period asked for; the figures on show may be for an earlier one until the
    /// answer arrives (see [`App::shown_period`]).
    pub period: Period,
    /// Ask for the latest period with data when `period` has none (set when the board
    /// opens; cleared once the poller has settled the period).
    pub open_latest: bool,
    pub team: Option<TeamId>,
    pub snapshot: Option<Arc<Snapshot>>,
    /// The last error from the poller (shown in the header until the next snapshot).
    pub error: Option<String>,
    /// The latest request sent to the poller.
    pub seq: u64,
    /// Local "now", refreshed by the clock tick (render never reads the clock).
    pub now: Timestamp,
    pub cursor: usize,
    pub sort: SortKey,
    pub sort_desc: bool,
    /// Plan pane rows per team instead of per rep.
    pub team_rows: bool,
    pub filter: String,
    pub filtering: bool,
    pub overlay: Overlay,
    pub quit: bool,
    /// Rows visible in the main list at the last draw (for paging).
    pub page: usize,
    /// The data-entry form being filled, if any.
    pub form: Option<OpenForm>,
    /// A one-line notice about the last write ("saved", "deleted — u undoes", why not).
    pub status: Option<String>,
    /// Writes asked for by keys, for the run loop to hand to the writer.
    pub outbox: Vec<writer::Job>,
}

impl App {
    pub fn new(
        lang: Lang,
        theme: Theme,
        db_name: String,
        read_only: bool,
        today: chrono::NaiveDate,
        now: Timestamp,
    ) -> App {
        App {
            lang,
            theme,
            db_name,
            read_only,
            pane: Pane::Plan,
            period: Period::containing(PeriodKind::Month, today),
            open_latest: true,
            team: None,
            snapshot: None,
            error: None,
            seq: 0,
            now,
            cursor: 0,
            sort: SortKey::Revenue,
            sort_desc: true,
            team_rows: false,
            filter: String::new(),
            filtering: false,
            overlay: Overlay::None,
            quit: false,
            page: 10,
            form: None,
            status: None,
            outbox: Vec::new(),
        }
    }

    /// Today in local time, from the injected clock.
    pub fn today(&self) -> chrono::NaiveDate {
        crate::period::local_day(&chrono::Local, self.now)
    }

    /// Active reps' names (for the forms' pickers).
    pub fn rep_names(&self) -> Vec<&str> {
        self.report()
            .map(|r| {
                r.reps
                    .iter()
                    .filter(|x| x.rep.active)
                    .map(|x| x.rep.name.as_str())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether the access list lets this user see every team (else the picker has no
    /// "all teams" entry).
    pub fn sees_all_teams(&self) -> bool {
        self.snapshot.as_ref().is_none_or(|s| s.permit.sees_all())
    }

    /// True when nothing typed here could be saved: a read-only file, or a viewer's role.
    pub fn cannot_write(&self) -> bool {
        self.read_only
            || self
                .snapshot
                .as_ref()
                .is_some_and(|s| !s.permit.may_enter())
    }

    /// Opens a form, unless nothing could be saved from it.
    pub fn open_form(&mut self, form: form::Form, editing: Option<(String, i64)>) {
        if !self.read_only && self.cannot_write() {
            self.status = Some(
                self.lang
                    .t(
                        "Your role on this database is viewer: only managers and admins can enter data. Ask an admin (salesboard access list).",
                        "Ваша роль в этой базе — наблюдатель: вносить данные могут менеджеры и администраторы. Обратитесь к администратору (salesboard access list).",
                    )
                    .to_string(),
            );
            return;
        }
        if self.read_only {
            self.status = Some(
                self.lang
                    .t(
                        "This database is read-only for you: nothing typed here could be saved. Ask its owner for write access.",
                        "База доступна вам только для чтения: введённое не сохранится. Попросите у владельца права на запись.",
                    )
                    .to_string(),
            );
            return;
        }
        self.overlay = Overlay::None;
        self.form = Some(OpenForm { form, editing });
    }

    /// Takes in the result of a write.
    pub fn on_done(&mut self, done: writer::Done) {
        use writer::Done;
        let lang = self.lang;
        match done {
            Done::Saved(id) => {
                let what = self
                    .form
                    .as_ref()
                    .map(|f| f.form.kind.title(lang).to_string())
                    .unwrap_or_default();
                self.form = None;
                self.status = Some(format!("✓ {} {what} #{id}", lang.t("Saved", "Сохранено:")));
            }
            Done::Invalid(v) => match self.form.as_mut() {
                Some(f) => f.form.set_error(&v),
                None => self.status = Some(format!("! {v}")),
            },
            Done::Failed(m) => match self.form.as_mut() {
                Some(f) => {
                    f.form.saving = false;
                    f.form.message =
                        Some(format!("! {} {m}", lang.t("Not saved:", "Не сохранено:")));
                }
                None => self.status = Some(format!("! {m}")),
            },
            Done::Deleted => {
                self.status = Some(
                    lang.t(
                        "✓ Deleted — u brings it back",
                        "✓ Удалено — u вернёт запись",
                    )
                    .to_string(),
                )
            }
            Done::Undone => {
                self.status = Some(
                    lang.t(
                        "✓ The deleted entry is back",
                        "✓ Удалённая запись возвращена",
                    )
                    .to_string(),
                )
            }
            Done::NothingToUndo => {
                self.status = Some(lang.t("Nothing to undo", "Нечего отменять").to_string())
            }
            Done::Fetched { entity, id, values } => {
                let kind = form::FormKind::from_name(&entity)
                    .map(|k| k.as_str().to_string())
                    .unwrap_or(entity.clone());
                if let Some(mut f) =
                    form::Form::from_draft(form::Draft { kind, values }, self.today())
                {
                    f.mark_clean();
                    f.message = Some(format!(
                        "{} #{id}: {}",
                        lang.t("Correcting entry", "Исправление записи"),
                        lang.t(
                            "Enter saves over it, Esc leaves it as it was",
                            "Enter сохранит поверх, Esc оставит как было"
                        )
                    ));
                    self.open_form(f, Some((entity, id)));
                }
            }
        }
    }

    /// The write job for a form's entry (an edit when the form corrects an entry).
    fn job_for(entry: form::Entry, editing: Option<i64>) -> writer::Job {
        use form::Entry;
        use writer::Job;
        match entry {
            Entry::Activity(a) => Job::Activity(editing, a),
            Entry::Survey(x) => Job::Survey(editing, x),
            Entry::Knowledge(x) => Job::Knowledge(editing, x),
            Entry::Plan(p) => Job::Plan(p),
            Entry::Response(r) => Job::Response(r),
        }
    }

    /// Keys while a form is open: all of them go to the form.
    fn form_key(&mut self, key: KeyEvent) {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            // Quitting keeps what was typed: the run loop saves it as a draft.
            self.quit = true;
            return;
        }
        let reps: Vec<String> = self.rep_names().into_iter().map(String::from).collect();
        let reps: Vec<&str> = reps.iter().map(String::as_str).collect();
        let customers = self
            .snapshot
            .as_ref()
            .map(|s| s.customers.clone())
            .unwrap_or_default();
        let Some(open) = self.form.as_mut() else {
            return;
        };
        match open.form.on_key(key, &reps, &customers) {
            form::FormOutcome::Continue => {}
            form::FormOutcome::Cancel => self.form = None,
            form::FormOutcome::Save(entry) => {
                open.form.saving = true;
                open.form.message = None;
                let editing = open.editing.as_ref().map(|(_, id)| *id);
                self.outbox.push(Self::job_for(entry, editing));
            }
        }
    }

    /// The request for the current period and team (with a new sequence number).
    pub fn request(&mut self) -> Request {
        self.seq += 1;
        Request {
            seq: self.seq,
            period: self.period,
            open_latest: self.open_latest,
            team: self.team,
        }
    }

    /// The period whose figures are on screen (the one asked for before any arrive). The
    /// header names this one, so it always agrees with the figures under it.
    pub fn shown_period(&self) -> Period {
        self.report().map(|r| r.period).unwrap_or(self.period)
    }

    /// Whether figures for the period last asked for are still on their way.
    pub fn loading_period(&self) -> bool {
        self.snapshot.as_ref().is_some_and(|s| s.seq != self.seq)
    }

    /// The `c` key: from any period to the current one; from an empty current period to
    /// the latest one with data. Returns whether new figures are needed.
    fn current_or_latest(&mut self) -> bool {
        let shown = self.shown_period();
        let today = self.today();
        let current = Period::containing(
            if shown.kind == PeriodKind::Range {
                PeriodKind::Month
            } else {
                shown.kind
            },
            today,
        );
        let note = self.snapshot.as_ref().and_then(|s| s.note);
        if shown != current {
            self.period = current;
            self.open_latest = false;
        } else if let Some(latest) = note
            .filter(|n| !n.current_has_data)
            .and_then(|n| n.latest)
            .filter(|l| *l != current)
        {
            self.period = latest;
            self.open_latest = false;
        } else {
            return false;
        }
        self.cursor = 0;
        true
    }

    pub fn report(&self) -> Option<&Report> {
        self.snapshot.as_ref().map(|s| &s.report)
    }

    /// Takes in new figures. A snapshot for an older request is still shown (better than
    /// nothing) but does not move the period.
    pub fn accept(&mut self, snap: Snapshot) {
        if snap.seq == self.seq {
            // The poller settled the period (the latest with data, when asked): from now on
            // this is the period asked for, whatever others write.
            self.period = snap.report.period;
            self.open_latest = false;
            self.team = snap.team;
        }
        self.error = None;
        self.snapshot = Some(Arc::new(snap));
        self.clamp_cursor();
    }

    /// The reps of the current list: filtered by name and sorted by the chosen column.
    pub fn visible_reps(&self) -> Vec<&RepKpis> {
        let Some(r) = self.report() else {
            return Vec::new();
        };
        let needle = self.filter.to_lowercase();
        let mut reps: Vec<&RepKpis> = r
            .reps
            .iter()
            .filter(|x| {
                needle.is_empty()
                    || x.rep.name.to_lowercase().contains(&needle)
                    || x.team.to_lowercase().contains(&needle)
            })
            .collect();
        self.sort_rows(&mut reps, |x| (&x.rep.name, &x.kpis));
        reps
    }

    /// Teams of the current scope, filtered and sorted like reps (for the Plan pane's team rows).
    pub fn visible_teams(&self) -> Vec<&crate::kpi::TeamKpis> {
        let Some(r) = self.report() else {
            return Vec::new();
        };
        let needle = self.filter.to_lowercase();
        let mut teams: Vec<&crate::kpi::TeamKpis> = r
            .teams
            .iter()
            .filter(|t| needle.is_empty() || t.team.name.to_lowercase().contains(&needle))
            .collect();
        if self.sort != SortKey::Name {
            self.sort_rows(&mut teams, |t| (&t.team.name, &t.kpis));
        }
        teams
    }

    fn sort_rows<T>(&self, rows: &mut [T], key: impl Fn(&T) -> (&String, &crate::kpi::Kpis)) {
        let s = self.sort;
        rows.sort_by(|a, b| {
            let (na, ka) = key(a);
            let (nb, kb) = key(b);
            let ord = if s == SortKey::Name {
                na.cmp(nb)
            } else {
                s.value(ka).total_cmp(&s.value(kb)).then_with(|| nb.cmp(na))
            };
            if self.sort_desc { ord.reverse() } else { ord }
        });
    }

    /// How many rows the current pane's list has.
    pub fn list_len(&self) -> usize {
        match self.pane {
            Pane::Alerts => self.visible_alerts().len(),
            Pane::Plan if self.team_rows => self.visible_teams().len(),
            _ => self.visible_reps().len(),
        }
    }

    /// Alerts filtered by rep name.
    pub fn visible_alerts(&self) -> Vec<&crate::kpi::Alert> {
        let Some(r) = self.report() else {
            return Vec::new();
        };
        let needle = self.filter.to_lowercase();
        r.alerts
            .iter()
            .filter(|a| {
                needle.is_empty()
                    || a.rep
                        .as_deref()
                        .is_some_and(|n| n.to_lowercase().contains(&needle))
                    || a.message.to_lowercase().contains(&needle)
            })
            .collect()
    }

    fn clamp_cursor(&mut self) {
        let n = self.list_len();
        self.cursor = self.cursor.min(n.saturating_sub(1));
    }

    /// The keys' context right now.
    pub fn context(&self) -> Context {
        if self.form.is_some() {
            return Context::Form;
        }
        match self.overlay {
            Overlay::None => Context::Board,
            Overlay::Help => Context::Help,
            Overlay::Card { .. } | Overlay::Data { .. } => Context::Card,
            Overlay::Picker { .. } => Context::Picker,
            Overlay::Menu { .. } => Context::Menu,
            Overlay::Entries { .. } => Context::Entries,
        }
    }

    /// Handles a key; returns true when the figures must be recomputed.
    pub fn on_key(&mut self, key: KeyEvent) -> bool {
        self.status = None;
        if self.form.is_some() {
            self.form_key(key);
            return false;
        }
        if let Overlay::Entries {
            confirm: true,
            selected,
        } = self.overlay
        {
            // "Delete this entry? y/n"
            if matches!(
                key.code,
                KeyCode::Char('y') | KeyCode::Char('д') | KeyCode::Enter
            ) && let Some(e) = self.snapshot.as_ref().and_then(|s| s.recent.get(selected))
            {
                self.outbox.push(writer::Job::Delete {
                    entity: e.entity.clone(),
                    id: e.id,
                });
            }
            self.overlay = Overlay::Entries {
                selected,
                confirm: false,
            };
            return false;
        }
        if self.filtering {
            match key.code {
                KeyCode::Esc => {
                    self.filter.clear();
                    self.filtering = false;
                }
                KeyCode::Enter => self.filtering = false,
                KeyCode::Backspace => {
                    self.filter.pop();
                }
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    self.quit = true
                }
                KeyCode::Char(c)
                    if !key.modifiers.contains(KeyModifiers::CONTROL)
                        && !crate::text::is_unsafe(c)
                        && self.filter.chars().count() < 40 =>
                {
                    self.filter.push(c);
                }
                _ => {}
            }
            self.cursor = 0;
            return false;
        }
        match keys::action_for(key, self.context()) {
            Some(a) => self.update(a),
            None => false,
        }
    }

    /// Applies an action; returns true when the figures must be recomputed.
    pub fn update(&mut self, action: Action) -> bool {
        let len = self.list_len();
        let page = self.page.max(1);
        let sees_all = self.sees_all_teams();
        let cannot_write = self.cannot_write();
        match (&mut self.overlay, action) {
            (_, Action::Quit) => self.quit = true,
            (Overlay::Help, Action::ToggleHelp | Action::Back) => self.overlay = Overlay::None,
            (Overlay::Help, _) => {}
            (Overlay::Picker { selected }, a) => {
                // Entry 0 is "all teams" when the access list allows it; then the tree.
                let all = usize::from(sees_all);
                let n = (self.snapshot.as_ref().map(|s| s.teams.len()).unwrap_or(0) + all).max(1);
                match a {
                    Action::Down => *selected = (*selected + 1).min(n - 1),
                    Action::Up => *selected = selected.saturating_sub(1),
                    Action::Top => *selected = 0,
                    Action::Bottom => *selected = n - 1,
                    Action::PageDown => *selected = (*selected + page).min(n - 1),
                    Action::PageUp => *selected = selected.saturating_sub(page),
                    Action::Back => self.overlay = Overlay::None,
                    Action::Open => {
                        let pick = *selected;
                        self.team = if pick < all {
                            None
                        } else {
                            self.snapshot
                                .as_ref()
                                .and_then(|s| s.teams.get(pick - all))
                                .map(|t| t.team.id)
                        };
                        self.overlay = Overlay::None;
                        self.cursor = 0;
                        return true;
                    }
                    _ => {}
                }
            }
            (Overlay::Menu { selected }, a) => {
                let n = form::FormKind::ALL.len();
                match a {
                    Action::Down => *selected = (*selected + 1).min(n - 1),
                    Action::Up => *selected = selected.saturating_sub(1),
                    Action::Top => *selected = 0,
                    Action::Bottom => *selected = n - 1,
                    Action::Back => self.overlay = Overlay::None,
                    Action::Open => {
                        let kind = form::FormKind::ALL[(*selected).min(n - 1)];
                        let f = form::Form::new(kind, self.today());
                        self.open_form(f, None);
                    }
                    _ => {}
                }
            }
            (Overlay::Entries { selected, .. }, a) => {
                let n = self.snapshot.as_ref().map(|s| s.recent.len()).unwrap_or(0);
                match a {
                    Action::Down => *selected = (*selected + 1).min(n.saturating_sub(1)),
                    Action::Up => *selected = selected.saturating_sub(1),
                    Action::Top => *selected = 0,
                    Action::Bottom => *selected = n.saturating_sub(1),
                    Action::PageDown => *selected = (*selected + page).min(n.saturating_sub(1)),
                    Action::PageUp => *selected = selected.saturating_sub(page),
                    Action::Back => self.overlay = Overlay::None,
                    Action::Undo => self.outbox.push(writer::Job::Undo),
                    Action::Delete if n > 0 => {
                        if cannot_write {
                            self.open_form(
                                form::Form::new(form::FormKind::Call, self.today()),
                                None,
                            );
                        } else {
                            self.overlay = Overlay::Entries {
                                selected: *selected,
                                confirm: true,
                            };
                        }
                    }
                    Action::Open if n > 0 => {
                        let e = self.snapshot.as_ref().and_then(|s| s.recent.get(*selected));
                        if let Some(e) = e {
                            if cannot_write {
                                let f = form::Form::new(form::FormKind::Call, self.today());
                                self.open_form(f, None);
                            } else if form::FormKind::from_name(&e.entity).is_some() {
                                self.outbox.push(writer::Job::Fetch {
                                    entity: e.entity.clone(),
                                    id: e.id,
                                });
                            }
                        }
                    }
                    _ => {}
                }
            }
            (Overlay::Card { scroll, .. } | Overlay::Data { scroll }, a) => match a {
                Action::Back => self.overlay = Overlay::None,
                Action::ToggleHelp => self.overlay = Overlay::Help,
                Action::Down => *scroll = scroll.saturating_add(1),
                Action::Up => *scroll = scroll.saturating_sub(1),
                Action::PageDown => *scroll = scroll.saturating_add(page as u16),
                Action::PageUp => *scroll = scroll.saturating_sub(page as u16),
                Action::Top => *scroll = 0,
                Action::Bottom => *scroll = u16::MAX / 2,
                _ => {}
            },
            (Overlay::None, a) => match a {
                Action::GoPane(i) => self.switch(Pane::ALL.get(i).copied().unwrap_or(self.pane)),
                Action::NextPane => self.switch(self.pane.step(1)),
                Action::PrevPane => self.switch(self.pane.step(-1)),
                Action::PrevPeriod => {
                    self.period = self.period.prev();
                    self.open_latest = false;
                    return true;
                }
                Action::NextPeriod => {
                    self.period = self.period.next();
                    self.open_latest = false;
                    return true;
                }
                Action::CurrentOrLatest => return self.current_or_latest(),
                Action::CyclePeriodKind => {
                    // Anchor on today when it is inside the shown period, else on its start.
                    let today = crate::period::local_day(&chrono::Local, self.now);
                    let anchor = if self.period.contains(today) {
                        today
                    } else {
                        self.period.start
                    };
                    self.period = Period::containing(self.period.kind.cycle(), anchor);
                    self.open_latest = false;
                    return true;
                }
                Action::OpenTeamPicker => {
                    let selected = self
                        .team
                        .and_then(|t| {
                            self.snapshot
                                .as_ref()?
                                .teams
                                .iter()
                                .position(|e| e.team.id == t)
                        })
                        .map(|i| i + usize::from(self.sees_all_teams()))
                        .unwrap_or(0);
                    self.overlay = Overlay::Picker { selected };
                }
                Action::ToggleRows => {
                    self.team_rows = !self.team_rows;
                    self.cursor = 0;
                }
                Action::Down => self.cursor = (self.cursor + 1).min(len.saturating_sub(1)),
                Action::Up => self.cursor = self.cursor.saturating_sub(1),
                Action::Top => self.cursor = 0,
                Action::Bottom => self.cursor = len.saturating_sub(1),
                Action::PageDown => self.cursor = (self.cursor + page).min(len.saturating_sub(1)),
                Action::PageUp => self.cursor = self.cursor.saturating_sub(page),
                Action::SortNext | Action::SortPrev => {
                    let all = SortKey::ALL;
                    let i = all.iter().position(|s| *s == self.sort).unwrap_or(0) as isize;
                    let by = if a == Action::SortNext { 1 } else { -1 };
                    self.sort = all[((i + by).rem_euclid(all.len() as isize)) as usize];
                    self.sort_desc = self.sort != SortKey::Name;
                }
                Action::SortReverse => self.sort_desc = !self.sort_desc,
                Action::Open => {
                    let rep = match self.pane {
                        Pane::Alerts => self
                            .visible_alerts()
                            .get(self.cursor)
                            .and_then(|a| a.rep_id),
                        Pane::Plan if self.team_rows => {
                            // Enter on a team narrows the board to it.
                            if let Some(t) = self.visible_teams().get(self.cursor) {
                                self.team = Some(t.team.id);
                                self.team_rows = false;
                                self.cursor = 0;
                                return true;
                            }
                            None
                        }
                        _ => self.visible_reps().get(self.cursor).map(|r| r.rep.id),
                    };
                    if let Some(rep) = rep {
                        self.overlay = Overlay::Card { rep, scroll: 0 };
                    }
                }
                Action::StartFilter => {
                    self.filtering = true;
                    self.cursor = 0;
                }
                Action::Refresh => return true,
                Action::Back => {
                    if !self.filter.is_empty() {
                        self.filter.clear();
                    } else if self.team.is_some() {
                        // Esc climbs the team tree: team → its parent → all.
                        self.team = self.team.and_then(|t| {
                            self.snapshot
                                .as_ref()?
                                .teams
                                .iter()
                                .find(|e| e.team.id == t)?
                                .team
                                .parent_id
                        });
                        self.cursor = 0;
                        return true;
                    }
                }
                Action::ToggleHelp => self.overlay = Overlay::Help,
                Action::ShowData => self.overlay = Overlay::Data { scroll: 0 },
                Action::Quit => self.quit = true,
                Action::AddEntry => {
                    if self.cannot_write() {
                        self.open_form(form::Form::new(form::FormKind::Call, self.today()), None);
                    } else {
                        self.overlay = Overlay::Menu { selected: 0 };
                    }
                }
                Action::ShowEntries => {
                    self.overlay = Overlay::Entries {
                        selected: 0,
                        confirm: false,
                    }
                }
                Action::Undo => self.outbox.push(writer::Job::Undo),
                Action::Delete => {}
            },
        }
        false
    }

    fn switch(&mut self, pane: Pane) {
        if pane != self.pane {
            self.pane = pane;
            self.cursor = 0;
        }
    }

    /// The name of the team whose figures are on screen, or None for the whole company
    /// (the team picked is named once its figures arrive, like the period).
    pub fn team_name(&self) -> Option<&str> {
        let snap = self.snapshot.as_ref()?;
        let t = snap.team?;
        snap.teams
            .iter()
            .find(|e| e.team.id == t)
            .map(|e| e.team.name.as_str())
    }
}

#[cfg(test)]
mod tests;
