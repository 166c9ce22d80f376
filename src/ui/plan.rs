//! Plan: the leaderboard (#1–#7, #33) with attainment gauges and pace markers, a totals
//! row, and won revenue by day against the target line.

use super::widgets::{self, gauge, money_short, trend};
use crate::app::{App, SortKey};
use crate::format::{self, Lang};
use crate::kpi::Kpis;
use crate::period::working_days_between;
use chrono::Duration;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Cell, Chart, Dataset, GraphType, Paragraph, Row};
use unicode_width::UnicodeWidthStr;

/// A leaderboard column: its heading, width, the sort key it stands for, the width from
/// which it is shown, and how a row fills it.
struct Column {
    en: &'static str,
    ru: &'static str,
    width: u16,
    sort: Option<SortKey>,
    min_screen: u16,
    cell: fn(&Kpis, &Fmt) -> Line<'static>,
}

/// What a cell needs besides the row's figures.
struct Fmt<'a> {
    currency: &'a str,
    lang: Lang,
    wide: bool,
    gauge_width: usize,
    theme: &'a super::theme::Theme,
}

impl Fmt<'_> {
    fn money(&self, v: i64) -> String {
        if self.wide {
            format::money(v, self.currency, self.lang)
        } else {
            money_short(v, self.currency, self.lang)
        }
    }
}

fn right(s: String) -> Line<'static> {
    Line::from(s).right_aligned()
}

/// A figure of KPI `key`, or "—" when the KPI has no data for the row.
fn known(k: &Kpis, key: &str, text: impl FnOnce() -> String) -> Line<'static> {
    right(if k.knows(key) { text() } else { "—".into() })
}

const COLUMNS: &[Column] = &[
    Column {
        en: "Revenue",
        ru: "Выручка",
        width: 12,
        sort: Some(SortKey::Revenue),
        min_screen: 0,
        cell: |k, f| known(k, "revenue", || f.money(k.revenue.now)),
    },
    Column {
        en: "Target",
        ru: "Цель",
        width: 12,
        sort: None,
        min_screen: 110,
        cell: |k, f| {
            right(
                k.targets
                    .revenue
                    .map(|v| f.money(v))
                    .unwrap_or_else(|| "—".into()),
            )
        },
    },
    Column {
        en: "Plan │pace",
        ru: "План │темп",
        width: 0,
        sort: Some(SortKey::Attainment),
        min_screen: 0,
        cell: |k, f| {
            gauge(
                k.revenue_attainment,
                if k.targets.revenue.is_some_and(|t| t > 0) {
                    k.pace.expected_share
                } else {
                    None
                },
                f.gauge_width,
                f.theme,
            )
        },
    },
    Column {
        en: "Projected",
        ru: "Прогноз",
        width: 12,
        sort: Some(SortKey::Projected),
        min_screen: 0,
        cell: |k, f| {
            right(
                k.pace
                    .projected_revenue
                    .map(|v| f.money(v))
                    .unwrap_or_else(|| "—".into()),
            )
        },
    },
    Column {
        en: "Units",
        ru: "Шт.",
        width: 6,
        sort: Some(SortKey::Units),
        min_screen: 0,
        cell: |k, f| known(k, "units", || format::group(k.units.now, f.lang)),
    },
    Column {
        en: "Deals",
        ru: "Сделки",
        width: 6,
        sort: Some(SortKey::Deals),
        min_screen: 0,
        cell: |k, _| known(k, "revenue", || k.won_deals.now.to_string()),
    },
    Column {
        en: "Avg deal",
        ru: "Ср. чек",
        width: 11,
        sort: Some(SortKey::AverageDeal),
        min_screen: 92,
        cell: |k, f| {
            right(
                k.average_deal
                    .now
                    .map(|v| f.money(v))
                    .unwrap_or_else(|| "—".into()),
            )
        },
    },
    Column {
        en: "Margin",
        ru: "Маржа",
        width: 6,
        sort: Some(SortKey::Margin),
        min_screen: 0,
        cell: |k, _| right(format::percent(k.margin)),
    },
    Column {
        en: "Growth",
        ru: "Рост",
        width: 7,
        sort: Some(SortKey::Growth),
        min_screen: 100,
        cell: |k, f| Line::from(trend(k.growth, true, f.theme)).right_aligned(),
    },
    Column {
        en: "Forecast",
        ru: "С воронкой",
        width: 12,
        sort: None,
        min_screen: 130,
        cell: |k, f| known(k, "forecast", || f.money(k.pipeline.forecast)),
    },
    Column {
        en: "Win",
        ru: "Победы",
        width: 7,
        sort: None,
        min_screen: 140,
        cell: |k, f| {
            let low = k.funnel.win_rate_low;
            Line::from(vec![
                widgets::flag(low, f.theme),
                Span::raw(format::percent(k.funnel.opportunity_to_win)),
            ])
            .right_aligned()
        },
    },
    Column {
        en: "Bonus",
        ru: "Бонус",
        width: 7,
        sort: None,
        min_screen: 150,
        cell: |k, f| {
            right(
                k.composite
                    .bonus_coefficient
                    .map(|b| format!("×{}", format::decimal2_in(b, f.lang)))
                    .unwrap_or_else(|| "—".into()),
            )
        },
    },
];

pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let Some(report) = app.report() else { return };
    let chart_h = if area.height >= 30 {
        12
    } else if area.height >= 19 {
        7
    } else {
        0
    };
    let [summary, table, chart] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(4),
        Constraint::Length(chart_h),
    ])
    .areas(area);
    draw_summary(f, summary, app, report);
    draw_table(f, table, app, report);
    if chart_h > 0 {
        draw_chart(f, chart, app, &report.total);
    }
}

fn draw_summary(f: &mut Frame, area: Rect, app: &App, report: &crate::kpi::Report) {
    let lang = app.lang;
    let t = &app.theme;
    let k = &report.total;
    let currency = report.currency.as_str();
    let m = |v| {
        if area.width >= 110 {
            format::money(v, currency, lang)
        } else {
            money_short(v, currency, lang)
        }
    };
    let target = match k.targets.revenue {
        Some(v) => m(v),
        None => format!("— ({})", crate::kpi::Source::no_plan(lang)),
    };
    if !k.knows("revenue") {
        // No deal at all in the period or the one before: nothing to sum.
        let why = crate::kpi::catalogue::why_blank(k.lacks("revenue"), lang);
        f.render_widget(
            Paragraph::new(vec![Line::from(vec![
                Span::styled(format!(" {} ", lang.t("Revenue", "Выручка")), t.title),
                Span::styled(why, t.dim),
            ])]),
            area,
        );
        return;
    }
    let mut line1 = vec![
        Span::styled(format!(" {} ", lang.t("Revenue", "Выручка")), t.title),
        Span::raw(format!(
            "{} {} {} ",
            m(k.revenue.now),
            lang.t("of", "из"),
            target
        )),
        Span::raw("· "),
        Span::raw(format!(
            "{} {} · ",
            lang.t("projected", "прогноз"),
            k.pace
                .projected_revenue
                .map(m)
                .unwrap_or_else(|| "—".into())
        )),
        Span::raw(format!(
            "{} {} · ",
            lang.t("with pipeline", "с воронкой"),
            m(k.pipeline.forecast)
        )),
        trend(k.growth, true, t),
    ];
    // What ▲/▼ compares with, where it fits.
    let vs = format!(" {}", widgets::vs(&report.previous, lang));
    let used: usize = line1.iter().map(|s| s.content.width()).sum();
    if k.growth.is_some() && used + vs.width() <= area.width as usize {
        line1.push(Span::styled(vs, t.dim));
    }
    let line1 = Line::from(line1);
    let pace = k
        .pace
        .expected_share
        .map(|p| format!("{:.0}%", p * 100.0))
        .unwrap_or_else(|| "—".into());
    let mut spans = vec![Span::raw(format!(
        " {} {}{} · {} {} · {} {} · {} {} · ",
        lang.t("units", "шт."),
        format::group(k.units.now, lang),
        // Without a units target there is no share to give (the line above says why).
        k.units_attainment
            .map(|a| format!(" {}", format::percent(Some(a))))
            .unwrap_or_default(),
        lang.t("deals", "сделок"),
        k.won_deals.now,
        lang.t("margin", "маржа"),
        format::percent(k.margin),
        lang.t("pace", "темп"),
        pace,
    ))];
    if k.pace.behind {
        spans.push(Span::styled(lang.t("! behind pace", "! отставание"), t.bad));
    } else if k.revenue_attainment.is_some() && k.pace.elapsed_working_days > 0 {
        // A ✓ needs evidence: a working day gone by, and revenue measured against it.
        spans.push(Span::styled(lang.t("✓ on pace", "✓ в темпе"), t.good));
    } else if k.targets.revenue.is_none() {
        spans.push(Span::styled(
            lang.t("— no plan to pace against", "— нет плана для темпа"),
            t.dim,
        ));
    }
    f.render_widget(Paragraph::new(vec![line1, Line::from(spans)]), area);
}

fn draw_table(f: &mut Frame, area: Rect, app: &App, report: &crate::kpi::Report) {
    let lang = app.lang;
    let t = &app.theme;
    let screen = area.width;
    let cols: Vec<&Column> = COLUMNS.iter().filter(|c| screen >= c.min_screen).collect();
    let fixed: u16 = cols.iter().map(|c| c.width + 1).sum();
    // The gauge takes what the name does not need, within reason.
    // The name column is as wide as the longest name (within reason); the gauge takes
    // what is left, so wide terminals get a finer gauge rather than empty space.
    let longest = if app.team_rows {
        app.visible_teams()
            .iter()
            .map(|x| x.team.name.width() + 2 * x.depth)
            .max()
    } else {
        app.visible_reps().iter().map(|x| x.rep.name.width()).max()
    }
    .unwrap_or(10)
    .clamp(12, 30) as u16;
    let spare = screen.saturating_sub(fixed + longest);
    let gauge_w = spare.clamp(10, 40);
    let fmt = Fmt {
        currency: &report.currency,
        lang,
        wide: screen >= 120,
        gauge_width: gauge_w as usize,
        theme: t,
    };

    let arrow = if app.sort_desc { "▼" } else { "▲" };
    let mut header = vec![Cell::from(Span::styled(
        format!(
            "{}{}",
            if app.team_rows {
                lang.t("Team", "Команда")
            } else {
                lang.t("Rep", "Менеджер")
            },
            if app.sort == SortKey::Name { arrow } else { "" }
        ),
        if app.sort == SortKey::Name {
            t.key
        } else {
            t.title
        },
    ))];
    let mut widths = vec![Constraint::Length(
        longest.min(screen.saturating_sub(fixed + 10)).max(8),
    )];
    for c in &cols {
        let sorted = c.sort == Some(app.sort);
        let text = format!("{}{}", lang.t(c.en, c.ru), if sorted { arrow } else { "" });
        let line = Line::from(Span::styled(text, if sorted { t.key } else { t.title }));
        // The gauge's heading reads from the left, over the bar; numbers' from the right.
        header.push(Cell::from(if c.width == 0 {
            line
        } else {
            line.right_aligned()
        }));
        widths.push(Constraint::Length(if c.width == 0 {
            gauge_w
        } else {
            c.width
        }));
    }

    let name_row = |name: String, k: &Kpis, style: Style| -> Row<'static> {
        let mut cells = vec![Cell::from(name)];
        for c in &cols {
            cells.push(Cell::from((c.cell)(k, &fmt)));
        }
        Row::new(cells).style(style)
    };
    let rows: Vec<Row> = if app.team_rows {
        app.visible_teams()
            .into_iter()
            .map(|x| {
                name_row(
                    format!("{}{}", "  ".repeat(x.depth), x.team.name),
                    &x.kpis,
                    t.base,
                )
            })
            .collect()
    } else {
        app.visible_reps()
            .into_iter()
            .map(|x| {
                name_row(
                    x.rep.name.clone(),
                    &x.kpis,
                    if x.rep.active { t.base } else { t.dim },
                )
            })
            .collect()
    };
    widgets::RepList {
        header: Row::new(header),
        header_height: 1,
        total: name_row(widgets::total_name(app), &report.total, t.title),
        widths,
        rows,
        flex: ratatui::layout::Flex::Start,
    }
    .draw(f, area, app);
}

/// Cumulative won revenue by day against the target spread over working days.
fn draw_chart(f: &mut Frame, area: Rect, app: &App, k: &Kpis) {
    let lang = app.lang;
    let t = &app.theme;
    let p = app.shown_period();
    let days = k.daily_revenue.len();
    if days == 0 {
        return;
    }
    let mut actual = Vec::with_capacity(days);
    let mut sum = 0i64;
    let today_idx = app
        .report()
        .map(|r| (r.as_of - p.start).num_days())
        .unwrap_or(days as i64 - 1);
    for (i, v) in k.daily_revenue.iter().enumerate() {
        sum = sum.saturating_add(*v);
        if i as i64 <= today_idx {
            actual.push((i as f64, sum as f64 / 100.0));
        }
    }
    let total_wd = p.working_days().max(1) as f64;
    // No plan, no target line (not a line at zero).
    let target: Vec<(f64, f64)> = match k.targets.revenue {
        Some(t) => (0..days)
            .map(|i| {
                let wd =
                    working_days_between(p.start, p.start + Duration::days(i as i64 + 1)) as f64;
                (i as f64, t as f64 / 100.0 * wd / total_wd)
            })
            .collect(),
        None => Vec::new(),
    };
    let top = (k.targets.revenue.unwrap_or(0).max(sum) as f64 / 100.0).max(1.0) * 1.05;
    let currency = app.report().map(|r| r.currency.as_str()).unwrap_or("");
    let datasets = vec![
        Dataset::default()
            .name(lang.t("target", "план"))
            .marker(Marker::Dot)
            .graph_type(GraphType::Line)
            .style(t.dim)
            .data(&target),
        Dataset::default()
            .name(lang.t("won revenue", "выручка"))
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(t.gauge_over)
            .data(&actual),
    ];
    let chart = Chart::new(datasets)
        .block(Block::default().borders(Borders::TOP).title(Line::from({
            let mut title = vec![
                Span::styled(
                    lang.t(
                        " Won revenue by day, cumulative ",
                        " Выручка нарастающим итогом ",
                    ),
                    t.title,
                ),
                Span::styled("⣀⠤⠒ ", t.gauge_over),
            ];
            // The target line only when there is a plan to draw it from.
            if k.targets.revenue.is_some() {
                title.push(Span::styled(lang.t("vs target ", "и план "), t.title));
                title.push(Span::styled("••• ", t.dim));
            } else {
                title.push(Span::styled(
                    format!("· {} ", crate::kpi::Source::no_plan(lang)),
                    t.dim,
                ));
            }
            title
        })))
        .x_axis(
            Axis::default()
                .bounds([0.0, (days - 1).max(1) as f64])
                .labels(vec![
                    Span::raw(p.start.format("%d.%m").to_string()),
                    Span::raw(p.last_day().format("%d.%m").to_string()),
                ]),
        )
        .y_axis(Axis::default().bounds([0.0, top]).labels(vec![
            Span::raw("0"),
            Span::raw(widgets::money_short((top * 100.0) as i64, currency, lang)),
        ]))
        .legend_position(None);
    f.render_widget(chart, area);
}
