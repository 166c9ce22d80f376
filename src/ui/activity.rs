//! Activity: calls and meetings against plan with pace markers (#16), cold-call
//! effectiveness (#17), response time against the SLA (#18) and customer engagement (#21)
//! per rep with a scope total; below, the latest entries typed into salesboard, newest
//! first, with who entered them.

use super::widgets::{self, gauge, trend};
use crate::app::App;
use crate::format::{self, Lang};
use crate::kpi::{Kpis, Report};
use crate::model::EntryLine;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

/// From this width the columns get full headings and more of them.
const WIDE: u16 = 140;
/// From this width calls and meetings show as done/plan besides their gauges.
const COUNTS: u16 = 110;

/// What a cell needs besides the row's figures.
struct Fmt<'a> {
    lang: Lang,
    wide: bool,
    /// The done/plan count columns are shown (they then head the gauges' group).
    counts: bool,
    gauge_width: usize,
    theme: &'a super::theme::Theme,
}

/// A table column: its two heading lines, its width on narrow and wide screens, the
/// screen width from which it is shown, and how a row fills it.
struct Column {
    head: fn(&Fmt) -> [&'static str; 2],
    /// On narrow and wide screens; `(0, n)` is a gauge: the gauge width plus `n` cells
    /// for a leading flag.
    width: (u16, u16),
    min_screen: u16,
    cell: fn(&Kpis, &Fmt) -> Line<'static>,
}

fn right(s: String) -> Line<'static> {
    Line::from(s).right_aligned()
}

/// Whole minutes (whole hours from 1,000 minutes, so the figure fits its column), or "—".
fn minutes(v: Option<f64>, lang: Lang) -> String {
    match v {
        Some(m) if m.is_finite() && m.abs() >= 999.5 => {
            format!("{:.0}{}", m / 60.0, lang.t("h", "ч"))
        }
        Some(m) if m.is_finite() => format!("{m:.0}"),
        _ => "—".into(),
    }
}

/// `now ÷ prev − 1`, or nothing without a previous figure.
fn change(now: i64, prev: i64) -> Option<f64> {
    (prev > 0).then(|| now as f64 / prev as f64 - 1.0)
}

/// A count with a warning flag in front when it is above zero: `!2` or `0`; "—" when
/// its KPI has no data (no zero without rows to count).
fn flagged_count(k: &Kpis, key: &str, n: i64, f: &Fmt) -> Line<'static> {
    if !k.knows(key) {
        right("—".into())
    } else if n > 0 {
        Line::from(vec![
            widgets::flag(true, f.theme),
            Span::raw(format::group(n, f.lang)),
        ])
        .right_aligned()
    } else {
        right("0".into())
    }
}

/// Cold-call effectiveness under the rule of thumb (judged by the KPI engine).
fn few_wins(k: &Kpis) -> bool {
    k.activity.few_wins_per_call
}

const COLUMNS: &[Column] = &[
    Column {
        head: |f| {
            [
                f.lang.t("Calls", "Звонки"),
                f.lang.t("done/plan", "факт/план"),
            ]
        },
        width: (11, 11),
        min_screen: COUNTS,
        cell: |k, f| {
            right(format!(
                "{}/{}",
                widgets::known_count(k, "calls", k.activity.calls.now, f.lang),
                widgets::opt_count(k.targets.calls, f.lang)
            ))
        },
    },
    Column {
        head: |f| {
            [
                if f.counts {
                    ""
                } else {
                    f.lang.t("Calls", "Звонки")
                },
                f.lang.t("plan │pace", "план │темп"),
            ]
        },
        width: (0, 0),
        min_screen: 0,
        cell: |k, f| {
            gauge(
                k.activity.calls_attainment,
                pace_for(k, k.targets.calls),
                f.gauge_width,
                f.theme,
            )
        },
    },
    Column {
        head: |f| [f.lang.t("vs", "к пред."), f.lang.t("prev", "периоду")],
        width: (7, 7),
        min_screen: 150,
        cell: |k, f| {
            let a = &k.activity;
            let c = change(a.calls.now, a.calls.prev).filter(|_| k.knows("calls"));
            Line::from(trend(c, true, f.theme)).right_aligned()
        },
    },
    Column {
        head: |f| {
            [
                f.lang.t("Meetings", "Встречи"),
                f.lang.t("done/plan", "факт/план"),
            ]
        },
        width: (11, 11),
        min_screen: COUNTS,
        cell: |k, f| {
            right(format!(
                "{}/{}",
                widgets::known_count(k, "meetings", k.activity.meetings.now, f.lang),
                widgets::opt_count(k.targets.meetings, f.lang)
            ))
        },
    },
    Column {
        head: |f| {
            [
                if f.counts {
                    ""
                } else {
                    f.lang.t("Meetings", "Встречи")
                },
                f.lang.t(" plan │pace", " план │темп"),
            ]
        },
        width: (0, 1),
        min_screen: 0,
        cell: |k, f| {
            let mut l = gauge(
                k.activity.meetings_attainment,
                pace_for(k, k.targets.meetings),
                f.gauge_width,
                f.theme,
            );
            l.spans
                .insert(0, widgets::flag(k.activity.meetings_below_minimum, f.theme));
            l
        },
    },
    Column {
        head: |f| [f.lang.t("vs", "к пред."), f.lang.t("prev", "периоду")],
        width: (7, 7),
        min_screen: 150,
        cell: |k, f| {
            let a = &k.activity;
            Line::from(trend(
                change(a.meetings.now, a.meetings.prev).filter(|_| k.knows("meetings")),
                true,
                f.theme,
            ))
            .right_aligned()
        },
    },
    Column {
        head: |f| {
            if f.wide {
                [
                    f.lang.t("Won per", "Побед на"),
                    f.lang.t("100 calls", "100 звонк."),
                ]
            } else {
                [f.lang.t("Won", "Поб."), "/100"]
            }
        },
        width: (4, 10),
        min_screen: 0,
        cell: |k, f| {
            Line::from(vec![
                widgets::flag(few_wins(k), f.theme),
                Span::raw(format::decimal_in(k.activity.won_per_100_calls, f.lang)),
            ])
            .right_aligned()
        },
    },
    Column {
        head: |f| {
            if f.wide {
                [
                    f.lang.t("Calls", "Звонков"),
                    f.lang.t("per win", "на победу"),
                ]
            } else {
                [f.lang.t("Calls", "Звон."), f.lang.t("/win", "/поб.")]
            }
        },
        width: (5, 9),
        min_screen: 0,
        cell: |k, f| {
            right(
                k.activity
                    .calls_per_won
                    .filter(|v| v.is_finite())
                    .map(|v| format::group(v.round() as i64, f.lang))
                    .unwrap_or_else(|| "—".into()),
            )
        },
    },
    Column {
        head: |f| {
            [
                f.lang.t("Inquiries", "Обращений"),
                f.lang.t("!unanswered", "!без ответа"),
            ]
        },
        width: (11, 11),
        min_screen: 120,
        cell: |k, f| {
            let a = &k.activity;
            if !k.knows("response_minutes") {
                return right("—".into());
            }
            let mut spans = vec![Span::raw(format::group(a.inquiries, f.lang))];
            if a.unanswered > 0 {
                spans.push(Span::raw(" "));
                spans.push(widgets::flag(true, f.theme));
                spans.push(Span::raw(format::group(a.unanswered, f.lang)));
            }
            Line::from(spans).right_aligned()
        },
    },
    Column {
        head: |f| {
            if f.wide {
                [
                    f.lang.t("Reply, min", "Ответ, мин"),
                    f.lang.t("median", "медиана"),
                ]
            } else {
                [f.lang.t("Reply", "Ответ"), f.lang.t("med", "мед.")]
            }
        },
        width: (5, 10),
        min_screen: 0,
        cell: |k, f| right(minutes(k.activity.response_median_min, f.lang)),
    },
    Column {
        head: |f| {
            if f.wide {
                ["", "p90"]
            } else {
                [f.lang.t("min", "мин"), "p90"]
            }
        },
        width: (4, 5),
        min_screen: 0,
        cell: |k, f| right(minutes(k.activity.response_p90_min, f.lang)),
    },
    Column {
        head: |f| [f.lang.t("Over", "Выше"), "SLA"],
        width: (4, 5),
        min_screen: 0,
        cell: |k, f| flagged_count(k, "response_minutes", k.activity.over_sla, f),
    },
    Column {
        head: |f| {
            if f.wide {
                [
                    f.lang.t("Contacts", "Контактов"),
                    f.lang.t("/customer", "/клиента"),
                ]
            } else {
                [f.lang.t("Cont.", "Конт."), f.lang.t("/cust", "/клн")]
            }
        },
        width: (5, 10),
        min_screen: 0,
        cell: |k, f| right(format::decimal_in(k.activity.per_active_customer, f.lang)),
    },
    Column {
        head: |f| {
            if f.wide {
                [
                    f.lang.t("Not con-", "Без кон-"),
                    f.lang.t("tacted", "такта"),
                ]
            } else {
                [f.lang.t("Idle", "Без"), f.lang.t("cust", "конт")]
            }
        },
        width: (4, 8),
        min_screen: 0,
        cell: |k, f| flagged_count(k, "engagement", k.activity.not_contacted, f),
    },
];

/// The pace marker only makes sense against a target.
fn pace_for(k: &Kpis, target: Option<i64>) -> Option<f64> {
    if target.is_some_and(|t| t > 0) {
        k.pace.expected_share
    } else {
        None
    }
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let Some(report) = app.report() else { return };
    let entries = entries(app);
    // The table: two heading lines, the reps, the total; at least a few rows of it.
    let table_need = app.visible_reps().len().max(1) as u16 + 3;
    let wide = area.width >= WIDE;
    let summary_h = 3u16;
    let rest = area.height.saturating_sub(summary_h);
    // Entries below the table get what the table does not need, but at least 5 lines when
    // the body is tall enough (title + 4), and no more than there are entries.
    let entries_want = entries.len() as u16 + 2;
    let entries_h = if rest >= 16 {
        rest.saturating_sub(table_need).max(6).min(entries_want)
    } else if rest >= 10 {
        rest.saturating_sub(table_need).max(4).min(entries_want)
    } else {
        0
    };
    let [summary, table, latest] = Layout::vertical([
        Constraint::Length(summary_h),
        Constraint::Min(4),
        Constraint::Length(entries_h),
    ])
    .areas(area);
    draw_summary(f, summary, app, report);
    draw_table(f, table, app, report);
    if entries_h > 0 {
        draw_entries(f, latest, app, &entries, wide);
    }
}

/// Scope figures the columns cannot hold: the targets, the pace, the SLA, the inquiry
/// counts, and how many days "not contacted" means.
fn draw_summary(f: &mut Frame, area: Rect, app: &App, report: &Report) {
    let lang = app.lang;
    let t = &app.theme;
    let k = &report.total;
    let a = &k.activity;
    let n = |v: i64| format::group(v, lang);
    let of = lang.t("of", "из");
    let calls_known = k.knows("calls");
    let count = |key: &str, v: i64| widgets::known_count(k, key, v, lang);
    // "12 of 20", or "12 (no plan)": a missing target is not a dash to compare with.
    let against = |key: &str, v: i64, target: Option<i64>| match target {
        Some(target) => format!("{} {of} {} ", count(key, v), n(target)),
        None => format!("{} ({}) ", count(key, v), crate::kpi::Source::no_plan(lang)),
    };
    let mut line1 = if !calls_known {
        // No calls or meetings recorded: no counts, no targets, no trends to show.
        vec![
            Span::styled(format!(" {} ", lang.t("Calls", "Звонки")), t.title),
            Span::raw("— · "),
            Span::styled(format!("{} ", lang.t("Meetings", "Встречи")), t.title),
            Span::raw("—"),
        ]
    } else {
        vec![
            Span::styled(format!(" {} ", lang.t("Calls", "Звонки")), t.title),
            Span::raw(against("calls", a.calls.now, k.targets.calls)),
            trend(
                change(a.calls.now, a.calls.prev).filter(|_| calls_known),
                true,
                t,
            ),
            Span::raw(" · "),
            Span::styled(format!("{} ", lang.t("Meetings", "Встречи")), t.title),
            Span::raw(against("meetings", a.meetings.now, k.targets.meetings)),
            trend(
                change(a.meetings.now, a.meetings.prev).filter(|_| calls_known),
                true,
                t,
            ),
        ]
    };
    if calls_known && area.width >= 100 {
        line1.push(Span::styled(
            format!(" {}", widgets::vs(&report.previous, lang)),
            t.dim,
        ));
    }
    line1.push(Span::raw(format!(
        " · {} {}",
        lang.t("pace", "темп"),
        format::percent(k.pace.expected_share)
    )));
    if area.width >= 100 {
        line1.push(Span::raw(format!(
            " ({} {of} {} {})",
            k.pace.elapsed_working_days,
            k.pace.working_days,
            lang.t("working days", "рабочих дней")
        )));
    }
    let below = app
        .visible_reps()
        .iter()
        .filter(|x| x.kpis.activity.meetings_below_minimum)
        .count();
    // A ✓ needs evidence: meetings recorded, and a meetings target to judge them by.
    let judged = app
        .visible_reps()
        .iter()
        .filter(|x| x.kpis.knows("meetings") && x.kpis.activity.meetings_pace.is_some())
        .count();
    let verdict = if below > 0 {
        Span::styled(
            format!(
                " {}: {below} {}",
                lang.t("! Below meetings minimum", "! Ниже минимума встреч"),
                lang.t("(! before gauge)", "(! перед шкалой)")
            ),
            t.bad,
        )
    } else if judged > 0 {
        Span::styled(
            lang.t(" ✓ Meetings above the minimum", " ✓ Встречи выше минимума"),
            t.good,
        )
    } else if !calls_known {
        Span::styled(
            format!(" — {}", crate::kpi::Source::Activities.missing(lang)),
            t.dim,
        )
    } else {
        Span::styled(
            lang.t(
                " — no meetings target to judge by",
                " — нет плана по встречам для оценки",
            ),
            t.dim,
        )
    };
    let line2 = vec![
        verdict,
        Span::raw(format!(
            " · {} ≥ {} {}",
            lang.t("rule", "ориентир"),
            report.settings.won_per_100_calls_min,
            lang.t("won per 100 calls", "побед на 100 звонков")
        )),
    ];
    let mut line3 = vec![Span::raw(
        if k.knows("response_minutes") && a.inquiries == 0 {
            format!(
                " SLA {} {}: {} · ",
                a.sla_minutes,
                lang.t("min", "мин"),
                lang.t("no inquiries in the period", "обращений за период нет"),
            )
        } else if k.knows("response_minutes") {
            format!(
                " SLA {} {}: {} {of} {} {} · ",
                a.sla_minutes,
                lang.t("min", "мин"),
                n(a.over_sla),
                n(a.inquiries),
                lang.t("over", "дольше"),
            )
        } else {
            format!(" SLA {} {}: — · ", a.sla_minutes, lang.t("min", "мин"))
        },
    )];
    if a.unanswered > 0 {
        line3.push(Span::raw(format!(
            "{} {} · ",
            n(a.unanswered),
            lang.t("unanswered", "без ответа")
        )));
    }
    line3.push(Span::raw(format!(
        "{} {} {}: {}",
        lang.t("idle = not contacted in", "без конт. = нет контакта"),
        a.not_contacted_days,
        lang.t("days", "дней"),
        count("engagement", a.not_contacted),
    )));
    f.render_widget(
        Paragraph::new(vec![
            Line::from(line1),
            Line::from(line2),
            Line::from(line3),
        ]),
        area,
    );
}

fn draw_table(f: &mut Frame, area: Rect, app: &App, report: &Report) {
    let lang = app.lang;
    let t = &app.theme;
    let screen = area.width;
    let wide = screen >= WIDE;
    let cols: Vec<&Column> = COLUMNS.iter().filter(|c| screen >= c.min_screen).collect();
    let is_gauge = |c: &Column| c.width.0 == 0;
    let width_of = |c: &Column| {
        if is_gauge(c) || wide {
            c.width.1
        } else {
            c.width.0
        }
    };
    let gauges = cols.iter().filter(|c| is_gauge(c)).count() as u16;
    let fixed: u16 = cols.iter().map(|c| width_of(c) + 1).sum();
    // The gauges share what the names (about 16 cells) do not need, within reason.
    let spare = screen.saturating_sub(fixed + 16) / gauges.max(1);
    let gauge_w = spare.clamp(10, 26);
    let fmt = Fmt {
        lang,
        wide,
        counts: screen >= COUNTS,
        gauge_width: gauge_w as usize,
        theme: t,
    };

    let mut header = vec![Cell::from(Text::from(vec![
        Line::styled(lang.t("Rep", "Менеджер"), t.title),
        Line::raw(""),
    ]))];
    let mut widths = vec![Constraint::Min(12)];
    for c in &cols {
        let [a, b] = (c.head)(&fmt);
        let gauge_col = is_gauge(c);
        let line = |s: &'static str| {
            let l = Line::styled(s, t.title);
            if gauge_col { l } else { l.right_aligned() }
        };
        header.push(Cell::from(Text::from(vec![line(a), line(b)])));
        widths.push(Constraint::Length(if gauge_col {
            gauge_w + width_of(c)
        } else {
            width_of(c)
        }));
    }
    widgets::RepList::of_reps(
        app,
        Row::new(header),
        2,
        widths,
        &app.visible_reps(),
        &report.total,
        |k| cols.iter().map(|c| Cell::from((c.cell)(k, &fmt))).collect(),
    )
    .draw(f, area, app);
}

/// The latest entries of the reps in view (the team and the name filter apply), newest
/// first.
fn entries(app: &App) -> Vec<&EntryLine> {
    let Some(snap) = app.snapshot.as_ref() else {
        return Vec::new();
    };
    if app.team.is_none() && app.filter.is_empty() {
        return snap.recent.iter().collect();
    }
    let names: Vec<&str> = app
        .visible_reps()
        .iter()
        .map(|x| x.rep.name.as_str())
        .collect();
    snap.recent
        .iter()
        .filter(|e| names.contains(&e.rep.as_str()))
        .collect()
}

/// What an entry is, in the reader's language.
pub(super) fn entity_name(entity: &str, lang: Lang) -> &str {
    match entity {
        "call" => lang.t("call", "звонок"),
        "meeting" => lang.t("meeting", "встреча"),
        "satisfaction" => lang.t("survey", "опрос"),
        "knowledge" => lang.t("test", "тест"),
        "plan" => lang.t("plan", "план"),
        other => other,
    }
}

/// An activity outcome in words.
fn outcome_name(code: &str, lang: Lang) -> Option<&'static str> {
    Some(match code {
        "reached" => lang.t("reached", "дозвон"),
        "no_answer" => lang.t("no answer", "нет ответа"),
        "meeting_set" => lang.t("meeting set", "встреча назначена"),
        "deal_won" => lang.t("deal won", "сделка выиграна"),
        "follow_up" => lang.t("follow-up", "повторный контакт"),
        "held" => lang.t("held", "проведена"),
        "cancelled" => lang.t("cancelled", "отменена"),
        "other" => lang.t("other", "другое"),
        _ => return None,
    })
}

/// The store's summary (`held, 40 min — note`, `score 7/10`, `test 80%`, `plan 2026-11`)
/// in the reader's language; a note typed by a person stays as it is.
pub(super) fn summary_text(e: &EntryLine, lang: Lang) -> String {
    let (head, note) = match e.summary.split_once(" — ") {
        Some((h, n)) => (h, Some(n)),
        None => (e.summary.as_str(), None),
    };
    let mut out = match e.entity.as_str() {
        "call" | "meeting" => {
            let (code, rest) = match head.split_once(", ") {
                Some((c, r)) => (c, Some(r)),
                None => (head, None),
            };
            let mut s = outcome_name(code, lang).unwrap_or(code).to_string();
            if let Some(r) = rest {
                s.push_str(", ");
                s.push_str(&match r.strip_suffix(" min") {
                    Some(m) => format!("{m} {}", lang.t("min", "мин")),
                    None => r.to_string(),
                });
            }
            s
        }
        _ => {
            let words: [(&str, &str); 3] = [
                ("score ", lang.t("score ", "оценка ")),
                ("test ", lang.t("score ", "результат ")),
                ("plan ", lang.t("for ", "на ")),
            ];
            words
                .iter()
                .find_map(|(from, to)| head.strip_prefix(from).map(|r| format!("{to}{r}")))
                .unwrap_or_else(|| head.to_string())
        }
    };
    if let Some(n) = note {
        out.push_str(" — ");
        out.push_str(n);
    }
    out
}

fn draw_entries(f: &mut Frame, area: Rect, app: &App, entries: &[&EntryLine], wide: bool) {
    let lang = app.lang;
    let t = &app.theme;
    let block = Block::default().borders(Borders::TOP).title(Span::styled(
        lang.t(
            " Latest entries, newest first ",
            " Последние записи, новые сверху ",
        ),
        t.title,
    ));
    let inner = block.inner(area);
    f.render_widget(block, area);
    if entries.is_empty() {
        f.render_widget(
            Paragraph::new(format!(
                "  {}",
                lang.t(
                    "Nothing typed into salesboard yet.",
                    "В salesboard пока ничего не вводили."
                )
            ))
            .style(t.dim),
            inner,
        );
        return;
    }
    let rows: Vec<Row> = entries
        .iter()
        .map(|e| {
            let when = chrono::DateTime::from_timestamp(e.entered_at, 0)
                .map(|d| {
                    d.with_timezone(&chrono::Local)
                        .format("%d.%m %H:%M")
                        .to_string()
                })
                .unwrap_or_else(|| "—".into());
            let by = e.entered_by.as_deref().unwrap_or("—");
            let mut cells = vec![
                Cell::from(when),
                Cell::from(e.rep.clone()),
                Cell::from(entity_name(&e.entity, lang).to_string()),
                Cell::from(summary_text(e, lang)),
                Cell::from(Line::from(vec![
                    Span::styled("✎ ", t.dim),
                    Span::raw(by.to_string()),
                ])),
            ];
            if wide {
                cells.push(Cell::from(Span::styled(format!("#{}", e.id), t.dim)));
            }
            Row::new(cells)
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(11),
        Constraint::Length(if wide { 24 } else { 16 }),
        Constraint::Length(7),
        Constraint::Fill(1),
        Constraint::Length(if wide { 18 } else { 12 }),
    ];
    if wide {
        widths.push(Constraint::Length(7));
    }
    let mut table = Table::new(rows, widths).column_spacing(1);
    if wide {
        let head = |s: &'static str| Cell::from(Span::styled(s, t.title));
        table = table.header(Row::new(vec![
            head(lang.t("When", "Когда")),
            head(lang.t("Rep", "Менеджер")),
            head(lang.t("What", "Что")),
            head(""),
            head(lang.t("Entered by", "Кто ввёл")),
            head(lang.t("Entry", "Запись")),
        ]));
    }
    f.render_widget(table, inner);
}
