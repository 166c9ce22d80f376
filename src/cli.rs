//! The command line. Each subcommand parses its arguments, calls the store / engine /
//! report functions and prints; no KPI or validation logic lives here.

use crate::config::Config;
use crate::engine;
use crate::input;
use crate::model::ActivityKind;
use crate::period::{Period, PeriodKind};
use crate::report::{self, Format};
use crate::store::{
    self, Access, Actor, ImportKind, NewActivity, NewKnowledge, NewPlan, NewResponse, NewSurvey,
    Store, StoreError,
};
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "salesboard",
    version,
    about = "A live sales KPI board for the terminal, over one shared SQLite file.",
    long_about = "A live sales KPI board for the terminal, over one shared SQLite file.\n\n\
        Without a command, opens the board. `salesboard demo` opens it on a private copy of \
        the bundled example data.\n\n\
        The database is found from --db, then $SALESBOARD_DB, then the config file \
        (~/.config/salesboard/config.toml or /etc/salesboard/config.toml), then ./kpi.db."
)]
pub struct Cli {
    /// The database file.
    #[arg(long, global = true, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Interface language: en or ru (default: from LANG / LC_ALL).
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<String>,
    /// Open the database read-only (the board shows a banner; nothing can be saved).
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Wallboard mode: move to the next pane every SECONDS (keys still work).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(2..=3600))]
    pub rotate: Option<u64>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the board on a private copy of the bundled example data (your files are not touched).
    Demo,
    /// Create a new, empty database (readable only by you). Refuses to overwrite a file.
    Init {
        /// Share it with a group: the file belongs to GROUP and its members may read and
        /// write it (mode 0660). See docs/operations.md for the directory.
        #[arg(long, value_name = "GROUP")]
        shared: Option<String>,
    },
    /// Fill an empty database with realistic synthetic data (same seed → same data).
    Seed(SeedArgs),
    /// Print every KPI for a period as a table, CSV, JSON or Markdown.
    Report(ReportArgs),
    /// Record a call, meeting, satisfaction score, plan, knowledge test or inquiry response.
    Add {
        #[command(subcommand)]
        what: AddCommand,
    },
    /// Import a CSV file (all rows or none; every bad row is listed).
    Import {
        /// What the file holds: teams, reps, plans, customers, campaigns, deals, stage_changes, invoices.
        kind: String,
        /// The CSV file (with a header row; see docs/csv.md).
        file: PathBuf,
    },
    /// Export a table as CSV (to standard output, or --output FILE).
    Export {
        /// teams, reps, plans, team_plans, customers, campaigns, deals, stage_changes,
        /// activities, satisfaction, knowledge_tests, inquiries, invoices, audit_log.
        kind: String,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Check the database: integrity, foreign keys, schema version, row counts.
    Check,
    /// Show or change who may use the database (the access list; admins only).
    Access {
        #[command(subcommand)]
        what: AccessCommand,
    },
    /// Show the KPI settings kept in the database, or change one (KEY VALUE).
    Settings {
        key: Option<String>,
        value: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccessCommand {
    /// List who may do what (empty: the file's permissions decide).
    List,
    /// Give a user (login name or uid) a role, and optionally limit them to some teams.
    Grant {
        /// Login name or numeric uid.
        user: String,
        /// viewer (sees), manager (also enters data for their teams' reps) or admin (everything).
        #[arg(long)]
        role: String,
        /// A team they may see, with its sub-teams (repeat for several; none: every team).
        #[arg(long, value_name = "NAME")]
        team: Vec<String>,
    },
    /// Remove a user from the access list.
    Revoke {
        /// Login name or numeric uid.
        user: String,
    },
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Preset: small (25 reps, 4 teams, 12 months) or large (500 reps, 40 teams, 24 months).
    #[arg(long, default_value = "small", value_parser = ["small", "large"])]
    pub size: String,
    /// Number of reps (overrides the preset).
    #[arg(long)]
    pub reps: Option<usize>,
    /// Number of teams (overrides the preset).
    #[arg(long)]
    pub teams: Option<usize>,
    /// Months of history (overrides the preset).
    #[arg(long)]
    pub months: Option<u32>,
    /// Random seed; the same seed and arguments give the same data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// The last day of data (default: today).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// day, week, month or quarter.
    #[arg(long, default_value = "month")]
    pub period: String,
    /// A day inside the wanted period (default: today).
    #[arg(long, value_name = "DATE")]
    pub at: Option<String>,
    /// Start of a custom range (with --to).
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<String>,
    /// End of a custom range, included (with --from).
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
    /// Only this team (and its sub-teams).
    #[arg(long, value_name = "NAME")]
    pub team: Option<String>,
    /// Only this rep.
    #[arg(long, value_name = "NAME", conflicts_with = "team")]
    pub rep: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Fields shared by calls and meetings.
#[derive(Debug, Args)]
pub struct ActivityArgs {
    /// Rep: full name, a unique part of it, or #id.
    #[arg(long)]
    pub rep: String,
    /// Day: today, yesterday, 2026-11-20 or 20.11.2026.
    #[arg(long, default_value = "today")]
    pub date: String,
    /// Time of day, like 14:30 (default: now for today, else 12:00).
    #[arg(long, default_value = "")]
    pub time: String,
    /// Duration: 45, 1h30, 90m or 1:30.
    #[arg(long, default_value = "")]
    pub duration: String,
    /// reached, no_answer, meeting_set, deal_won, follow_up, held, cancelled, other.
    #[arg(long, default_value = "")]
    pub outcome: String,
    /// Customer: name, a unique part of it, or #id.
    #[arg(long, default_value = "")]
    pub customer: String,
    /// Free-text note.
    #[arg(long, default_value = "")]
    pub note: String,
}

#[derive(Debug, Subcommand)]
pub enum AddCommand {
    /// A phone call.
    Call(ActivityArgs),
    /// A meeting.
    Meeting(ActivityArgs),
    /// A satisfaction survey answer: score 1–10, optional sub-scores 1–5.
    Satisfaction {
        #[arg(long)]
        rep: String,
        #[arg(long, default_value = "today")]
        date: String,
        /// Overall score, 1–10.
        #[arg(long)]
        score: String,
        #[arg(long, default_value = "")]
        workload: String,
        #[arg(long, default_value = "")]
        team: String,
        #[arg(long, default_value = "")]
        manager: String,
        #[arg(long, default_value = "")]
        pay: String,
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// A rep's monthly plan (targets for revenue, units, calls and meetings).
    Plan {
        #[arg(long)]
        rep: String,
        /// Month, like 2026-11 or 11.2026.
        #[arg(long)]
        month: String,
        /// Revenue target in currency units, like 1500000 or 1 500 000,00.
        #[arg(long)]
        revenue: String,
        #[arg(long, default_value = "")]
        units: String,
        #[arg(long, default_value = "")]
        calls: String,
        #[arg(long, default_value = "")]
        meetings: String,
        /// Replace the plan if the month already has one.
        #[arg(long)]
        replace: bool,
    },
    /// A product knowledge test score, 0–100 %.
    Knowledge {
        #[arg(long)]
        rep: String,
        #[arg(long, default_value = "today")]
        date: String,
        #[arg(long)]
        score: String,
    },
    /// The first response to an inquiry: --inquiry ID; or a new inquiry with --rep and --received.
    Response {
        /// Number of an open inquiry to mark answered.
        #[arg(long, default_value = "")]
        inquiry: String,
        /// For a new inquiry: the rep who handles it.
        #[arg(long, default_value = "")]
        rep: String,
        #[arg(long, default_value = "")]
        customer: String,
        /// email, phone, web, chat, social, other.
        #[arg(long, default_value = "")]
        channel: String,
        /// For a new inquiry: the day it came in.
        #[arg(long, default_value = "")]
        received: String,
        #[arg(long, default_value = "")]
        received_time: String,
        /// Day of the first response (default: today).
        #[arg(long, default_value = "today")]
        date: String,
        /// Time of the first response, like 14:30.
        #[arg(long, default_value = "")]
        time: String,
    },
}

/// An error for the user: one line, and the exit code.
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        if matches!(e, StoreError::OutputClosed) {
            // As for any command whose reader went away: stop quietly.
            return Failure {
                message: String::new(),
                code: 0,
            };
        }
        let code = match e {
            StoreError::Invalid(_) | StoreError::Rows(_) => 2,
            StoreError::Denied(_) => 3,
            _ => 1,
        };
        let message = match &e {
            StoreError::Rows(rows) => {
                let mut s = e.to_string();
                for r in rows {
                    s.push_str(&format!("\n  {r}"));
                }
                s
            }
            _ => e.to_string(),
        };
        Failure {
            // main() cleans every line before printing it.
            message,
            code,
        }
    }
}

fn usage(msg: impl Into<String>) -> Failure {
    Failure {
        message: msg.into(),
        code: 2,
    }
}

fn io(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Failure {
            message: String::new(),
            code: 0,
        }
    } else {
        Failure {
            message: e.to_string(),
            code: 1,
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let (config, _) = Config::load().map_err(|m| Failure {
        message: m,
        code: 1,
    })?;
    let path = config.db_path(cli.db.as_deref());
    let lang = config.lang(cli.lang.as_deref());
    if let Some(l) = &cli.lang
        && crate::config::parse_lang(l).is_none()
    {
        return Err(usage(format!("--lang: '{l}' is not a language (en, ru)")));
    }
    let actor = Actor::current();
    let today = actor.today();
    let mut out = std::io::stdout().lock();
    let board = |path: PathBuf, cleanup: Option<PathBuf>| -> Result<ExitCode, Failure> {
        let poll = std::time::Duration::from_millis(config.poll_interval_ms.unwrap_or(500));
        crate::app::run::run(crate::app::run::Options {
            path,
            lang,
            poll,
            rotate: cli.rotate.map(std::time::Duration::from_secs),
            read_only: cli.read_only,
            cleanup,
        })
        .map_err(Failure::from)?;
        Ok(ExitCode::SUCCESS)
    };
    let Some(command) = cli.command else {
        return board(path, None);
    };
    match command {
        Command::Demo => {
            let dir = tempfile::Builder::new()
                .prefix("salesboard-demo-")
                .tempdir()
                .map_err(|e| Failure {
                    message: format!("cannot make a temporary directory: {e}"),
                    code: 1,
                })?;
            let copy = dir.path().join("kpi.db.example");
            write_private(&copy, crate::EXAMPLE_DB).map_err(|e| Failure {
                message: format!("cannot write {}: {e}", copy.display()),
                code: 1,
            })?;
            return board(copy, Some(dir.path().to_path_buf()));
        }
        Command::Init { shared } => {
            let group = match &shared {
                None => None,
                Some(g) => Some(find_group(g)?),
            };
            Store::init_shared(&path, group.as_ref().map(|g| (g.gid, g.name.as_str())))?;
            writeln!(
                out,
                "created {} (schema {}{})",
                path.display(),
                store::SCHEMA_VERSION,
                match &group {
                    Some(g) => format!(", shared with group {}: mode 0660", g.name),
                    None => ", readable only by you: mode 0600".into(),
                }
            )
            .map_err(io)?;
            if let Some(g) = &group {
                for advice in shared_dir_advice(&path, g) {
                    eprintln!("salesboard: warning: {advice}");
                }
            }
        }
        Command::Access { what } => {
            let mut s = match what {
                AccessCommand::List => open_to_read(&path)?,
                _ => Store::open(&path, Access::ReadWrite)?,
            };
            match what {
                AccessCommand::List => {
                    // Anyone on the list (or anyone at all, when it is empty) may read it.
                    s.permit()?;
                    let grants = s.grants()?;
                    if grants.is_empty() {
                        writeln!(
                            out,
                            "the access list is empty: the file's permissions decide who may read and write {}",
                            path.display()
                        )
                        .map_err(io)?;
                    }
                    for g in grants {
                        writeln!(
                            out,
                            "{:<16} uid {:<6} {:<8} {}  (by {} {})",
                            g.user,
                            g.uid,
                            g.role.as_str(),
                            if g.teams.is_empty() {
                                "every team".to_string()
                            } else {
                                g.teams.join(", ")
                            },
                            g.granted_by,
                            chrono::DateTime::from_timestamp(g.granted_at, 0)
                                .map(|t| t
                                    .with_timezone(&chrono::Local)
                                    .format("%Y-%m-%d %H:%M")
                                    .to_string())
                                .unwrap_or_default()
                        )
                        .map_err(io)?;
                    }
                }
                AccessCommand::Grant { user, role, team } => {
                    let g = s.grant(&actor, &user, &role, &team)?;
                    writeln!(
                        out,
                        "{} (uid {}) is now {} of {}, seeing {}",
                        g.user,
                        g.uid,
                        g.role.as_str(),
                        path.display(),
                        if g.teams.is_empty() {
                            "every team".to_string()
                        } else {
                            g.teams.join(", ")
                        }
                    )
                    .map_err(io)?;
                }
                AccessCommand::Revoke { user } => {
                    s.revoke(&actor, &user)?;
                    writeln!(
                        out,
                        "removed {} from the access list",
                        crate::text::clean(&user)
                    )
                    .map_err(io)?;
                }
            }
        }
        Command::Seed(a) => {
            let until = match &a.until {
                Some(s) => {
                    input::parse_date(s, today).map_err(|e| usage(format!("--until: {e}")))?
                }
                None => today,
            };
            let mut opts = if a.size == "large" {
                store::seed::SeedOptions::large(until)
            } else {
                store::seed::SeedOptions::small(until)
            };
            opts.seed = a.seed;
            if let Some(r) = a.reps {
                opts.reps = r;
            }
            if let Some(t) = a.teams {
                opts.teams = t;
            }
            if let Some(m) = a.months {
                opts.months = m;
            }
            if opts.reps == 0 || opts.teams == 0 || opts.months == 0 {
                return Err(usage("--reps, --teams and --months must be at least 1"));
            }
            if opts.teams > opts.reps {
                return Err(usage("--teams cannot exceed --reps"));
            }
            let mut s = open_or_create(&path)?;
            let summary = store::seed::seed(&mut s, &opts)?;
            writeln!(
                out,
                "seeded {}: {} teams, {} reps, {} customers, {} deals, {} stage changes, {} activities",
                path.display(),
                summary.teams,
                summary.reps,
                summary.customers,
                summary.deals,
                summary.stage_changes,
                summary.activities
            )
            .map_err(io)?;
        }
        Command::Report(a) => {
            let s = open_to_read(&path)?;
            let period = report_period(&a, today)?;
            // Without --at (or --from/--to), the latest period with data stands in for a
            // current one that has none yet, and the note says so; with them, the period
            // asked for is shown as it is.
            let open_latest = a.at.is_none() && a.from.is_none();
            let chosen = engine::choose_period(&s, &s.permit()?, period, today, open_latest)?;
            let r = engine::build(
                &s,
                chosen.period,
                today,
                a.team.as_deref(),
                a.rep.as_deref(),
            )?;
            // With --at inside an earlier period, that period was asked for: no note. On
            // the current period (empty), the note says where the figures are.
            let note_in = |lang| {
                chosen
                    .note
                    .filter(|n| open_latest || chosen.period == n.current)
                    .and_then(|n| n.text(&chosen.period, lang, engine::Switch::Cli))
            };
            let note_text = note_in(lang);
            let note = note_text.as_deref();
            if let Some(n) = note
                && a.format != Format::Table
                && a.format != Format::Markdown
            {
                eprintln!("salesboard: note: {n}");
            }
            let text = match a.format {
                Format::Table => report::render_text(&r, note, false, lang),
                Format::Markdown => report::render_text(&r, note, true, lang),
                Format::Csv => report::render_csv(&r, lang).map_err(|e| Failure {
                    message: e.to_string(),
                    code: 1,
                })?,
                Format::Json => {
                    let doc = report::Document {
                        format_version: 1,
                        database: path.display().to_string(),
                        generated_at: chrono::Local::now().to_rfc3339(),
                        // Only when another period than the one asked for is shown.
                        fallback: note_in(crate::format::Lang::En)
                            .filter(|_| chosen.period != period),
                        period_note: chosen.note,
                        report: &r,
                    };
                    let mut j =
                        serde_json::to_string_pretty(&doc.to_json()).map_err(|e| Failure {
                            message: e.to_string(),
                            code: 1,
                        })?;
                    j.push('\n');
                    j
                }
            };
            out.write_all(text.as_bytes()).map_err(io)?;
        }
        Command::Add { what } => {
            let mut s = Store::open(&path, Access::ReadWrite)?;
            let (what, id) = match what {
                AddCommand::Call(a) => (
                    "call",
                    s.add_activity(&actor, &activity(ActivityKind::Call, a))?,
                ),
                AddCommand::Meeting(a) => (
                    "meeting",
                    s.add_activity(&actor, &activity(ActivityKind::Meeting, a))?,
                ),
                AddCommand::Satisfaction {
                    rep,
                    date,
                    score,
                    workload,
                    team,
                    manager,
                    pay,
                    comment,
                } => (
                    "satisfaction score",
                    s.add_survey(
                        &actor,
                        &NewSurvey {
                            rep,
                            date,
                            score,
                            workload,
                            team,
                            manager,
                            pay,
                            comment,
                        },
                    )?,
                ),
                AddCommand::Plan {
                    rep,
                    month,
                    revenue,
                    units,
                    calls,
                    meetings,
                    replace,
                } => (
                    "plan",
                    s.add_plan(
                        &actor,
                        &NewPlan {
                            rep,
                            month,
                            revenue,
                            units,
                            calls,
                            meetings,
                            replace,
                        },
                    )?,
                ),
                AddCommand::Knowledge { rep, date, score } => (
                    "knowledge test",
                    s.add_knowledge(&actor, &NewKnowledge { rep, date, score })?,
                ),
                AddCommand::Response {
                    inquiry,
                    rep,
                    customer,
                    channel,
                    received,
                    received_time,
                    date,
                    time,
                } => {
                    if inquiry.trim().is_empty()
                        && (rep.trim().is_empty() || received.trim().is_empty())
                    {
                        return Err(usage(
                            "response: give --inquiry ID, or --rep and --received for a new inquiry",
                        ));
                    }
                    (
                        "inquiry",
                        s.add_response(
                            &actor,
                            &NewResponse {
                                inquiry,
                                rep,
                                customer,
                                channel,
                                received_date: received,
                                received_time,
                                date,
                                time,
                            },
                        )?,
                    )
                }
            };
            writeln!(out, "saved {what} #{id}").map_err(io)?;
        }
        Command::Import { kind, file } => {
            let kind: ImportKind = kind.parse().map_err(usage)?;
            let f = std::fs::File::open(&file).map_err(|e| Failure {
                message: format!("cannot read {}: {e}", file.display()),
                code: 1,
            })?;
            let mut s = Store::open(&path, Access::ReadWrite)?;
            let r = s.import_csv(&actor, kind, f)?;
            writeln!(out, "imported {} row(s) from {}", r.rows, file.display()).map_err(io)?;
        }
        Command::Export { kind, output } => {
            let s = open_to_read(&path)?;
            match &output {
                Some(p) => {
                    let n = export_to_file(&s, &kind, p)?;
                    eprintln!("exported {n} row(s) to {}", p.display());
                }
                None => {
                    s.export_csv(&kind, &mut out)?;
                }
            }
        }
        Command::Check => {
            // A damaged file: print what can be read, list the damage, fail at the end.
            let damaged = |problems: &[String], out: &mut dyn Write| -> Result<(), Failure> {
                for p in problems {
                    writeln!(out, "problem: {}", crate::text::clean(p)).map_err(io)?;
                }
                Err(Failure {
                    message: format!(
                        "{} is damaged ({} problem(s) listed above): restore it from a backup (see docs/operations.md); it was not changed",
                        path.display(),
                        problems.len()
                    ),
                    code: 1,
                })
            };
            let what = |e: StoreError| match e {
                StoreError::Corrupt { detail, .. } => detail,
                other => other.to_string(),
            };
            let s = match open_to_read(&path) {
                Ok(s) => s,
                Err(StoreError::Corrupt { detail, .. }) => {
                    writeln!(out, "database: {}", path.display()).map_err(io)?;
                    let mut problems = store::damage(&path);
                    if problems.is_empty() {
                        problems.push(detail);
                    }
                    return damaged(&problems, &mut out).map(|_| ExitCode::FAILURE);
                }
                Err(e) => return Err(e.into()),
            };
            // Someone left off the access list learns nothing; a damaged file is still
            // checked (reading the list may be what fails).
            if let Err(e @ StoreError::Denied(_)) = s.permit() {
                return Err(e.into());
            }
            writeln!(out, "database: {}", path.display()).map_err(io)?;
            writeln!(
                out,
                "schema version: {} (this program: {})",
                s.schema_version()?,
                store::SCHEMA_VERSION
            )
            .map_err(io)?;
            let mut problems = Vec::new();
            match s.row_counts() {
                Ok(counts) => {
                    for (t, n) in counts {
                        writeln!(out, "  {t:<18} {n:>10}").map_err(io)?;
                    }
                }
                Err(e) => problems.push(format!("row counts: {}", what(e))),
            }
            match s.settings_problems() {
                Ok(ps) => {
                    for p in ps {
                        writeln!(out, "setting ignored: {p}").map_err(io)?;
                    }
                }
                Err(e) => problems.push(format!("settings: {}", what(e))),
            }
            match s.integrity_problems() {
                Ok(ps) => problems.extend(ps),
                Err(e) => {
                    // Stopped at a damaged page: list what a plainer check finds.
                    let found = store::damage(&path);
                    if found.is_empty() {
                        problems.push(format!("integrity check: {}", what(e)));
                    }
                    problems.extend(found);
                }
            }
            if problems.is_empty() {
                writeln!(out, "integrity: ok").map_err(io)?;
            } else {
                return damaged(&problems, &mut out).map(|_| ExitCode::FAILURE);
            }
            write!(out, "{}", report::coverage_text(&s.file_coverage()?)).map_err(io)?;
            // Text an integration wrote that is not text: boards read it with U+FFFD in
            // place of the bad bytes; here each value is named so it can be fixed.
            let (bad, total) = s.bad_text(50)?;
            if total > 0 {
                writeln!(out, "text: {total} value(s) are not valid UTF-8 text:").map_err(io)?;
                for b in &bad {
                    writeln!(out, "  {}", crate::text::clean(b)).map_err(io)?;
                }
                if total > bad.len() {
                    writeln!(out, "  … and {} more", total - bad.len()).map_err(io)?;
                }
                return Err(Failure {
                    message: format!(
                        "{}: {total} text value(s) are not valid UTF-8 (listed above; the board shows their bad bytes as �): correct them with an UPDATE or re-import those rows",
                        path.display()
                    ),
                    code: 1,
                });
            }
            writeln!(out, "text: ok").map_err(io)?;
        }
        Command::Settings { key, value } => match (key, value) {
            (Some(k), Some(v)) => {
                let mut s = Store::open(&path, Access::ReadWrite)?;
                s.set_setting(&actor, &k, &v)?;
                writeln!(out, "{k} = {v}").map_err(io)?;
            }
            (Some(_), None) => {
                return Err(usage(
                    "settings: give KEY VALUE to change a setting, or nothing to list them",
                ));
            }
            _ => {
                let s = open_to_read(&path)?;
                s.permit()?;
                let json = serde_json::to_value(s.settings()).map_err(|e| Failure {
                    message: e.to_string(),
                    code: 1,
                })?;
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&json).unwrap_or_default()
                )
                .map_err(io)?;
                writeln!(out, "\nKeys:").map_err(io)?;
                for (k, what) in crate::settings::KEYS {
                    writeln!(out, "  {k:<30} {what}").map_err(io)?;
                }
            }
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// Exports `kind` into `dest` whole or not at all: the rows go to a temporary file beside
/// it, which replaces `dest` only once everything was written; on any failure `dest` is
/// left as it was (or absent) and the temporary file is removed.
fn export_to_file(s: &Store, kind: &str, dest: &std::path::Path) -> Result<usize, Failure> {
    use std::os::unix::fs::PermissionsExt;
    let cannot = |e: &dyn std::fmt::Display| Failure {
        message: format!("cannot write {}: {e}", dest.display()),
        code: 1,
    };
    // A pipe or a device (`-o /dev/stdout`) is written to as it is: there is no file to
    // leave half written.
    if std::fs::metadata(dest).is_ok_and(|m| !m.is_file()) {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(dest)
            .map_err(|e| cannot(&e))?;
        let mut w = std::io::BufWriter::new(f);
        let n = s.export_csv(kind, &mut w)?;
        w.flush().map_err(|e| cannot(&e))?;
        return Ok(n);
    }
    let dir = match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    // Like File::create: readable as the umask allows (the temporary file would be 0600).
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".part")
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(&dir)
        .map_err(|e| cannot(&e))?;
    let mut w = std::io::BufWriter::new(tmp.as_file());
    let n = s.export_csv(kind, &mut w)?;
    w.flush().map_err(|e| cannot(&e))?;
    drop(w);
    tmp.as_file().sync_all().map_err(|e| cannot(&e))?;
    tmp.persist(dest).map_err(|e| cannot(&e.error))?;
    Ok(n)
}

/// Writes `bytes` to a new file only its owner can read.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

fn activity(kind: ActivityKind, a: ActivityArgs) -> NewActivity {
    NewActivity {
        kind: Some(kind),
        rep: a.rep,
        date: a.date,
        time: a.time,
        duration: a.duration,
        outcome: a.outcome,
        customer: a.customer,
        note: a.note,
    }
}

/// Opens for reading. An older file is upgraded by a writable open first; when this user
/// may not do that, the message says why it was needed (the old schema).
fn open_to_read(path: &std::path::Path) -> Result<Store, StoreError> {
    Store::open(path, Access::ReadOnly).or_else(|e| match e {
        StoreError::Other(_) => Store::open(path, Access::ReadWrite).map_err(|w| match w {
            StoreError::ReadOnly(_) | StoreError::Directory { .. } => e,
            other => other,
        }),
        other => Err(other),
    })
}

fn open_or_create(path: &std::path::Path) -> Result<Store, Failure> {
    if path.exists() {
        Ok(Store::open(path, Access::ReadWrite)?)
    } else {
        Ok(Store::init(path)?)
    }
}

fn report_period(a: &ReportArgs, today: chrono::NaiveDate) -> Result<Period, Failure> {
    if let (Some(f), Some(t)) = (&a.from, &a.to) {
        let from = input::parse_date(f, today).map_err(|e| usage(format!("--from: {e}")))?;
        let to = input::parse_date(t, today).map_err(|e| usage(format!("--to: {e}")))?;
        return Period::range(from, to).map_err(usage);
    }
    let kind: PeriodKind = a
        .period
        .parse()
        .map_err(|e| usage(format!("--period: {e}")))?;
    let at = match &a.at {
        Some(s) => input::parse_date(s, today).map_err(|e| usage(format!("--at: {e}")))?,
        None => today,
    };
    Ok(Period::containing(kind, at))
}

/// A group by name or number.
fn find_group(g: &str) -> Result<nix::unistd::Group, Failure> {
    let found = match g.parse::<u32>() {
        Ok(n) => nix::unistd::Group::from_gid(nix::unistd::Gid::from_raw(n)),
        Err(_) => nix::unistd::Group::from_name(g),
    };
    match found {
        Ok(Some(group)) => Ok(group),
        _ => Err(usage(format!(
            "--shared: no group called '{}' on this machine (create it with `groupadd`, or give an existing one)",
            crate::text::clean(g)
        ))),
    }
}

/// What the directory of a shared database still needs: SQLite creates `-wal` and `-shm`
/// beside the file, as whoever opens it first, so the directory must be writable by the
/// group and setgid to it (new files then belong to the group).
fn shared_dir_advice(path: &std::path::Path, group: &nix::unistd::Group) -> Vec<String> {
    use std::os::unix::fs::MetadataExt;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(meta) = std::fs::metadata(&dir) else {
        return Vec::new();
    };
    let mode = meta.mode();
    let mut missing = Vec::new();
    if meta.gid() != group.gid.as_raw() {
        missing.push("does not belong to the group");
    }
    if mode & 0o070 != 0o070 {
        missing.push("is not readable, writable and searchable by the group");
    }
    if mode & 0o2000 == 0 {
        missing.push("is not setgid (new -wal/-shm files would get each user's own group)");
    }
    if missing.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "the directory {} {}; everyone in {} must be able to create {}-wal and -shm there: run `chgrp {} {d} && chmod 2770 {d}` (see docs/operations.md)",
        dir.display(),
        missing.join(", "),
        group.name,
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        group.name,
        d = dir.display()
    )]
}
