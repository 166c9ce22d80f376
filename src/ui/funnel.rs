//! Funnel: the period's lead cohort stage by stage with the conversion of each step
//! (#8–#11), the open pipeline with its trend (#12), the forecast against the target (#5),
//! open deals by score (#13), and the same figures per rep below.

use super::theme::Theme;
use super::widgets::{self, flag, money_short, trend};
use crate::app::{App, SortKey};
use crate::format::stage_name;
use crate::format::{self, Lang};
use crate::kpi::{Kpis, Report, ScoreBucket};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};
use unicode_width::UnicodeWidthStr;

/// From this width the pane shows full amounts, the funnel with its steps drawn between
/// the stages, and the scores as a column of their own.
const WIDE: u16 = 120;

pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let Some(report) = app.report() else { return };
    let k = &report.total;
    let wide = area.width >= WIDE && area.height >= 30;
    let ctx = Ctx {
        lang: app.lang,
        theme: &app.theme,
        currency: &report.currency,
        full_money: area.width >= WIDE,
    };
    if wide {
        let top_h =
            (2 + 2 * k.funnel.stages.len() as u16).max(2 + k.pipeline.by_score.len() as u16);
        let [top, _, table] = Layout::vertical([
            Constraint::Length(top_h),
            Constraint::Length(1),
            Constraint::Min(4),
        ])
        .areas(area);
        let [stages, _, figures, _, scores] = Layout::horizontal([
            Constraint::Percentage(30),
            Constraint::Length(2),
            Constraint::Min(40),
            Constraint::Length(2),
            Constraint::Length(46),
        ])
        .areas(top);
        draw_stages(f, stages, &ctx, k, true);
        draw_figures(f, figures, &ctx, k, true);
        draw_scores_column(f, scores, &ctx, k);
        draw_table(f, table, app, report, &ctx);
    } else {
        let stage_w = 28.min(area.width / 2);
        let [top, scores, table] = Layout::vertical([
            Constraint::Length(7),
            Constraint::Length(2),
            Constraint::Min(3),
        ])
        .areas(area);
        let [stages, _, figures] = Layout::horizontal([
            Constraint::Length(stage_w),
            Constraint::Length(1),
            Constraint::Min(10),
        ])
        .areas(top);
        draw_stages(f, stages, &ctx, k, false);
        draw_figures(f, figures, &ctx, k, false);
        draw_scores_rows(f, scores, &ctx, k);
        draw_table(f, table, app, report, &ctx);
    }
}

/// What every part needs besides the figures.
struct Ctx<'a> {
    lang: Lang,
    theme: &'a Theme,
    currency: &'a str,
    full_money: bool,
}

impl Ctx<'_> {
    fn money(&self, v: i64) -> String {
        if self.full_money {
            format::money(v, self.currency, self.lang)
        } else {
            money_short(v, self.currency, self.lang)
        }
    }
}

/// A horizontal bar of `value` against `max`, `width` cells, in eighths of a cell.
fn hbar(value: f64, max: f64, width: usize) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    if width == 0 || !value.is_finite() || !max.is_finite() || max <= 0.0 {
        return " ".repeat(width);
    }
    let eighths = ((value / max).clamp(0.0, 1.0) * width as f64 * 8.0).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    let rest = eighths % 8;
    if rest > 0 {
        s.push(PARTS[rest]);
    } else if eighths == 0 && value > 0.0 {
        // Something, however little, shows as a sliver.
        s.push('▏');
    }
    let used = s.chars().count();
    s.push_str(&" ".repeat(width.saturating_sub(used)));
    s
}

/// The change of a count or rate against the previous period.
fn change_of(now: f64, prev: f64) -> Option<f64> {
    (prev.is_finite() && now.is_finite() && prev > 0.0).then(|| now / prev - 1.0)
}

/// Pads `s` on the right to `w` display columns.
fn pad(s: &str, w: usize) -> String {
    let s = widgets::fit(s, w);
    let n = w.saturating_sub(s.width());
    format!("{s}{}", " ".repeat(n))
}

/// Pads `s` on the left to `w` display columns.
fn lpad(s: &str, w: usize) -> String {
    let n = w.saturating_sub(s.width());
    format!("{}{s}", " ".repeat(n))
}

/// Lead → qualified → proposal → negotiation → won: how many deals of the period's
/// cohort reached each stage, and the share that moved on from the stage before.
fn draw_stages(f: &mut Frame, area: Rect, c: &Ctx, k: &Kpis, wide: bool) {
    let lang = c.lang;
    let t = c.theme;
    let missing = k.lacks("stage_conversion");
    if !missing.is_empty() {
        // How far lost deals got is not known: the stages between lead and won would be
        // counted short. Only what is known: the leads, the wins, and why.
        let width = area.width as usize;
        let lines = vec![
            Line::styled(
                widgets::fit(
                    lang.t("Funnel of the period's deals", "Воронка сделок периода"),
                    width,
                ),
                t.title,
            ),
            Line::raw(widgets::fit(
                &format!(
                    "{} {} · {} {}",
                    stage_name("lead", lang),
                    format::group(k.funnel.leads, lang),
                    stage_name("won", lang),
                    format::group(k.funnel.won, lang)
                ),
                width,
            )),
            Line::styled(crate::kpi::catalogue::why_blank(missing, lang), t.dim),
        ];
        f.render_widget(
            Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }),
            area,
        );
        return;
    }
    let steps = &k.funnel.stages;
    let unused = |stage: &str| k.funnel.skipped_stages.iter().any(|s| s == stage);
    // The stages in order: the first step's "from", then every step's "to".
    let mut stages: Vec<(&str, i64, Option<f64>)> = Vec::new();
    if let Some(first) = steps.first() {
        stages.push((first.from.as_str(), first.reached_from, None));
    }
    for s in steps {
        stages.push((
            s.to.as_str(),
            s.reached_to,
            Some(s.rate).flatten().or(Some(f64::NAN)),
        ));
    }
    let name_w = stages
        .iter()
        .map(|(s, _, _)| stage_name(s, lang).width())
        .max()
        .unwrap_or(5)
        .max(5);
    let max = stages.iter().map(|s| s.1).max().unwrap_or(0).max(1);
    let count_w = stages
        .iter()
        .map(|s| format::group(s.1, lang).width())
        .max()
        .unwrap_or(1);
    let width = area.width as usize;
    let mut lines = Vec::new();
    if wide {
        let bar_w = width.saturating_sub(name_w + count_w + 3).max(1);
        lines.push(Line::styled(
            widgets::fit(
                &format!(
                    "{} · {} {}",
                    lang.t("Funnel", "Воронка"),
                    lang.t("deals created in the period:", "сделок создано за период:"),
                    format::group(k.funnel.leads, lang)
                ),
                width,
            ),
            t.title,
        ));
        for (i, (stage, n, rate)) in stages.iter().enumerate() {
            if i > 0 {
                let pct = format::percent(rate.filter(|r| r.is_finite()));
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(name_w + 2)),
                    Span::styled(format!("↓ {pct} {}", lang.t("moved on", "перешли")), t.dim),
                ]));
            }
            if unused(stage) {
                lines.push(skipped_line(stage, name_w, c));
            } else {
                lines.push(stage_line(stage, *n, max, name_w, bar_w, count_w, None, c));
            }
        }
    } else {
        let conv_w = 5;
        let bar_w = width.saturating_sub(name_w + count_w + conv_w + 3).max(1);
        let head = format!(
            "{}{}{}",
            pad(lang.t("Stage", "Этап"), name_w + 1),
            pad(lang.t("reached", "дошли"), bar_w + count_w + 1),
            lpad(lang.t("step", "шаг"), conv_w + 1)
        );
        lines.push(Line::styled(widgets::fit(&head, width), t.title));
        for (stage, n, rate) in &stages {
            if unused(stage) {
                lines.push(skipped_line(stage, name_w, c));
                continue;
            }
            lines.push(stage_line(
                stage,
                *n,
                max,
                name_w,
                bar_w,
                count_w,
                Some(rate.map(|r| format::percent(Some(r))).unwrap_or_default()),
                c,
            ));
        }
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// A stage no deal of the scope passed through: named, no bar, no rate.
fn skipped_line(stage: &str, name_w: usize, c: &Ctx) -> Line<'static> {
    Line::from(vec![
        Span::raw(format!("{} ", pad(stage_name(stage, c.lang), name_w))),
        Span::styled(
            if c.full_money {
                c.lang
                    .t("— not used by any deal", "— ни одна сделка не проходила")
            } else {
                c.lang.t("— not used", "— не исп.")
            }
            .to_string(),
            c.theme.dim,
        ),
    ])
}

#[allow(clippy::too_many_arguments)]
fn stage_line(
    stage: &str,
    n: i64,
    max: i64,
    name_w: usize,
    bar_w: usize,
    count_w: usize,
    conv: Option<String>,
    c: &Ctx,
) -> Line<'static> {
    let t = c.theme;
    let mut spans = vec![
        Span::raw(format!("{} ", pad(stage_name(stage, c.lang), name_w))),
        Span::styled(
            hbar(n as f64, max as f64, bar_w),
            if stage == "won" {
                t.gauge_over
            } else {
                t.gauge
            },
        ),
        Span::raw(format!(" {}", lpad(&format::group(n, c.lang), count_w))),
    ];
    if let Some(conv) = conv {
        spans.push(Span::raw(format!(" {}", lpad(&conv, 5))));
    }
    Line::from(spans)
}

/// #8, #9, #10, #12 and #5 for the scope, each with its basis or trend.
fn draw_figures(f: &mut Frame, area: Rect, c: &Ctx, k: &Kpis, wide: bool) {
    let lang = c.lang;
    let t = c.theme;
    let fu = &k.funnel;
    let pl = &k.pipeline;
    let of = lang.t("of", "из");
    let prev = lang.t("prev", "ранее");
    let dim = |s: String| Span::styled(s, t.dim);
    let new_change = match (pl.new_per_day.now, pl.new_per_day.prev) {
        (Some(a), Some(b)) => change_of(a, b),
        _ => None,
    };
    // What follows a figure: its basis, or why it is blank (a KPI without its data).
    let why = |key: &str| -> Option<Vec<Span<'static>>> {
        let missing = k.lacks(key);
        (!missing.is_empty()).then(|| {
            vec![dim(format!(
                " {}",
                crate::kpi::catalogue::why_blank(missing, lang).trim_start_matches("— ")
            ))]
        })
    };
    let trend_known = k.knows("pipeline_trend");
    // (label, main value, what follows it)
    let mut rows: Vec<(&str, Vec<Span<'static>>, Vec<Span<'static>>)> = vec![
        (
            lang.t("Lead → opportunity", "Лид → возможность"),
            vec![Span::raw(format::percent(fu.lead_to_opportunity))],
            why("lead_to_opportunity")
                .unwrap_or_else(|| vec![dim(format!(" {} {of} {}", fu.qualified, fu.leads))]),
        ),
        (
            if wide {
                lang.t("Opportunity → win", "Возможность → победа")
            } else {
                lang.t("Opportunity → win", "Возможн. → победа")
            },
            vec![
                flag(fu.win_rate_low, t),
                Span::styled(
                    format::percent(fu.opportunity_to_win),
                    if fu.win_rate_low { t.bad } else { t.base },
                ),
            ],
            why("opportunity_to_win").unwrap_or_else(|| {
                vec![dim(format!(
                    " {} {}, {} {}",
                    fu.closed_won,
                    lang.t("won", "выигр."),
                    fu.closed_lost,
                    lang.t("lost", "проигр."),
                ))]
            }),
        ),
        (
            lang.t("Lead conversion", "Конверсия лидов"),
            vec![Span::raw(format::percent(fu.lead_conversion))],
            vec![dim(format!(
                " {} {of} {} {}",
                fu.won,
                fu.leads,
                lang.t("won", "выигр.")
            ))],
        ),
        (
            if wide {
                lang.t("Open opportunities", "Открытые возможности")
            } else {
                lang.t("Open opportunities", "Открытые возможн.")
            },
            vec![Span::raw(format::group(pl.open_opportunities.now, lang))],
            if trend_known {
                vec![
                    Span::raw(" "),
                    trend(
                        change_of(
                            pl.open_opportunities.now as f64,
                            pl.open_opportunities.prev as f64,
                        ),
                        true,
                        t,
                    ),
                    dim(format!(
                        " {prev} {}",
                        format::group(pl.open_opportunities.prev, lang)
                    )),
                ]
            } else {
                why("pipeline_trend").unwrap_or_default()
            },
        ),
        (
            lang.t("Pipeline value", "Объём воронки"),
            vec![Span::raw(c.money(pl.value.now))],
            {
                // The change needs the pipeline a period before (the stage history).
                let mut v = Vec::new();
                if trend_known {
                    v.extend([Span::raw(" "), trend(pl.value_change, true, t)]);
                    if wide {
                        v.push(dim(format!(" {prev} {}", c.money(pl.value.prev))));
                    }
                }
                v
            },
        ),
        (
            if wide {
                lang.t("New opportunities/day", "Новых возможностей в день")
            } else {
                lang.t("New opportunities/day", "Новых возм./день")
            },
            vec![Span::raw(format::decimal_in(pl.new_per_day.now, lang))],
            why("new_opportunities_per_day").unwrap_or_else(|| {
                vec![
                    Span::raw(" "),
                    trend(new_change, true, t),
                    dim(format!(
                        " {prev} {}",
                        format::decimal_in(pl.new_per_day.prev, lang)
                    )),
                ]
            }),
        ),
        (
            lang.t("Forecast", "Прогноз с воронкой"),
            vec![Span::raw(c.money(pl.forecast))],
            {
                match pl.forecast_vs_target {
                    Some(share) => vec![
                        Span::raw(" "),
                        if share < 1.0 {
                            Span::styled("!", t.bad)
                        } else {
                            Span::styled("✓", t.good)
                        },
                        Span::raw(format!(
                            "{} {}",
                            format::percent(Some(share)),
                            lang.t("of target", "плана")
                        )),
                    ],
                    None => vec![dim(format!(" {}", crate::kpi::Source::no_plan(lang)))],
                }
            },
        ),
    ];
    if wide {
        rows.push((
            lang.t("Revenue target", "План по выручке"),
            vec![Span::raw(
                k.targets
                    .revenue
                    .map(|v| c.money(v))
                    .unwrap_or_else(|| "—".into()),
            )],
            vec![dim(format!(
                " {} {}",
                lang.t("won so far", "выиграно"),
                c.money(k.revenue.now)
            ))],
        ));
    }
    let label_w = rows.iter().map(|r| r.0.width()).max().unwrap_or(0) + 1;
    let span_w = |v: &[Span]| v.iter().map(|s| s.content.width()).sum::<usize>();
    let value_w = rows.iter().map(|r| span_w(&r.1)).max().unwrap_or(0);
    let mut lines = Vec::new();
    if wide {
        lines.push(Line::styled(
            lang.t("Conversion and pipeline", "Конверсия и воронка"),
            t.title,
        ));
    }
    for (label, value, rest) in rows {
        let mut spans = vec![
            Span::raw(pad(label, label_w)),
            Span::raw(" ".repeat(value_w.saturating_sub(span_w(&value)))),
        ];
        spans.extend(value);
        spans.extend(rest);
        lines.push(Line::from(spans));
    }
    f.render_widget(Paragraph::new(lines), area);
}

fn score_label(b: &ScoreBucket, lang: Lang) -> String {
    if b.score == 0 {
        lang.t("no ★", "без ★").to_string()
    } else {
        format!("{}★", b.score)
    }
}

/// #13 on narrow screens: two lines, one column per score with a bar of its value.
fn draw_scores_rows(f: &mut Frame, area: Rect, c: &Ctx, k: &Kpis) {
    let lang = c.lang;
    let t = c.theme;
    let blank = scores_blank(k, lang);
    let by_score: &[ScoreBucket] = if blank.is_some() {
        &[]
    } else {
        &k.pipeline.by_score
    };
    let (head1, head2) = (
        lang.t("Open deals", "Открытые"),
        lang.t("by score", "по оценке"),
    );
    let label_w = head1.width().max(head2.width()) + 1;
    let n = by_score.len().max(1);
    let col_w = (area.width as usize).saturating_sub(label_w) / n;
    let max = by_score.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let mut l1 = vec![Span::styled(pad(head1, label_w), t.title)];
    let mut l2 = vec![Span::styled(pad(head2, label_w), t.title)];
    if by_score.is_empty() {
        l1.push(Span::styled(
            blank
                .clone()
                .unwrap_or_else(|| lang.t("no open deals", "нет открытых сделок").into()),
            t.dim,
        ));
    }
    for b in by_score {
        let label = score_label(b, lang);
        let bar_w = col_w.saturating_sub(label.width() + 2);
        l1.push(Span::raw(format!("{label} ")));
        l1.push(Span::styled(
            format!("{} ", hbar(b.value as f64, max as f64, bar_w)),
            t.gauge,
        ));
        let text = format!("{}·{}", b.deals, c.money(b.value));
        l2.push(Span::raw(format!(
            "{} ",
            pad(&text, col_w.saturating_sub(1))
        )));
    }
    f.render_widget(Paragraph::new(vec![Line::from(l1), Line::from(l2)]), area);
}

/// #13 on wide screens: one line per score with a bar of its pipeline value.
fn draw_scores_column(f: &mut Frame, area: Rect, c: &Ctx, k: &Kpis) {
    let lang = c.lang;
    let t = c.theme;
    let blank = scores_blank(k, lang);
    let by_score: &[ScoreBucket] = if blank.is_some() {
        &[]
    } else {
        &k.pipeline.by_score
    };
    let width = area.width as usize;
    let max = by_score.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let total: i64 = by_score.iter().fold(0i64, |a, b| a.saturating_add(b.value));
    let deals_w = by_score
        .iter()
        .map(|b| b.deals.to_string().len())
        .max()
        .unwrap_or(1)
        .max(5);
    let money_w = by_score
        .iter()
        .map(|b| c.money(b.value).width())
        .max()
        .unwrap_or(1);
    let label_w = by_score
        .iter()
        .map(|b| score_label(b, lang).width())
        .max()
        .unwrap_or(2);
    let bar_w = width
        .saturating_sub(label_w + deals_w + money_w + 4 + 5)
        .max(1);
    let mut lines = vec![Line::styled(
        widgets::fit(
            lang.t(
                "Open deals by score: deals · value · share",
                "Открытые сделки по оценке: сделки · объём · доля",
            ),
            width,
        ),
        t.title,
    )];
    if by_score.is_empty() {
        lines.push(Line::styled(
            blank.unwrap_or_else(|| lang.t("no open deals", "нет открытых сделок").into()),
            t.dim,
        ));
    }
    for b in by_score {
        let share = (total > 0).then(|| b.value as f64 / total as f64);
        lines.push(Line::from(vec![
            Span::raw(format!("{} ", lpad(&score_label(b, lang), label_w))),
            Span::styled(hbar(b.value as f64, max as f64, bar_w), t.gauge),
            Span::raw(format!(
                " {} {} {}",
                lpad(&b.deals.to_string(), deals_w),
                lpad(&c.money(b.value), money_w),
                lpad(&format::percent(share), 4)
            )),
        ]));
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// Why the scores show nothing when deals carry no score.
fn scores_blank(k: &Kpis, lang: Lang) -> Option<String> {
    let missing = k.lacks("opportunity_score");
    (!missing.is_empty()).then(|| crate::kpi::catalogue::why_blank(missing, lang))
}

/// Open deals per score 1–5 as one bar each (`·` for none), scaled to the largest.
fn score_spark(by_score: &[ScoreBucket]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let count = |s: u8| {
        by_score
            .iter()
            .find(|b| b.score == s)
            .map(|b| b.deals)
            .unwrap_or(0)
    };
    let max = (1..=5).map(count).max().unwrap_or(0);
    (1..=5)
        .map(|s| match count(s) {
            0 => '·',
            n => BARS[((n as f64 / max as f64) * 7.0).round() as usize],
        })
        .collect()
}

/// A column of the per-rep table.
struct Column {
    en: &'static str,
    ru: &'static str,
    width: u16,
    min_screen: u16,
    cell: fn(&Kpis, &Ctx) -> Line<'static>,
}

fn right(s: String) -> Line<'static> {
    Line::from(s).right_aligned()
}

fn step_rate(k: &Kpis, i: usize) -> Line<'static> {
    right(format::percent(k.funnel.stages.get(i).and_then(|s| s.rate)))
}

const COLUMNS: &[Column] = &[
    Column {
        en: "Leads",
        ru: "Лиды",
        width: 5,
        min_screen: 0,
        cell: |k, c| right(format::group(k.funnel.leads, c.lang)),
    },
    Column {
        en: "L→Opp",
        ru: "Л→Возм",
        width: 6,
        min_screen: 0,
        cell: |k, _| right(format::percent(k.funnel.lead_to_opportunity)),
    },
    Column {
        en: "Q→P",
        ru: "К→КП",
        width: 5,
        min_screen: 150,
        cell: |k, _| step_rate(k, 1),
    },
    Column {
        en: "P→N",
        ru: "КП→Пер",
        width: 6,
        min_screen: 150,
        cell: |k, _| step_rate(k, 2),
    },
    Column {
        en: "N→W",
        ru: "Пер→Поб",
        width: 7,
        min_screen: 150,
        cell: |k, _| step_rate(k, 3),
    },
    Column {
        en: "Won",
        ru: "Выигр",
        width: 5,
        min_screen: 100,
        cell: |k, c| {
            right(widgets::known_count(
                k,
                "opportunity_to_win",
                k.funnel.closed_won,
                c.lang,
            ))
        },
    },
    Column {
        en: "Lost",
        ru: "Проигр",
        width: 6,
        min_screen: 100,
        cell: |k, c| {
            right(widgets::known_count(
                k,
                "opportunity_to_win",
                k.funnel.closed_lost,
                c.lang,
            ))
        },
    },
    Column {
        en: "Opp→Win",
        ru: "Возм→Поб",
        width: 8,
        min_screen: 0,
        cell: |k, c| {
            let low = k.funnel.win_rate_low;
            Line::from(vec![
                flag(low, c.theme),
                Span::styled(
                    format::percent(k.funnel.opportunity_to_win),
                    if low { c.theme.bad } else { c.theme.base },
                ),
            ])
            .right_aligned()
        },
    },
    Column {
        en: "Lead conv",
        ru: "Конв.лидов",
        width: 10,
        min_screen: 115,
        cell: |k, _| right(format::percent(k.funnel.lead_conversion)),
    },
    Column {
        en: "Open",
        ru: "Откр.",
        width: 5,
        min_screen: 0,
        cell: |k, c| right(format::group(k.pipeline.open_opportunities.now, c.lang)),
    },
    Column {
        en: "Pipeline",
        ru: "Воронка",
        width: 0,
        min_screen: 0,
        cell: |k, c| right(c.money(k.pipeline.value.now)),
    },
    Column {
        en: "vs prev",
        ru: "к пред.",
        width: 7,
        min_screen: 100,
        cell: |k, c| Line::from(trend(k.pipeline.value_change, true, c.theme)).right_aligned(),
    },
    Column {
        en: "By ★1‥5",
        ru: "По ★1‥5",
        width: 7,
        min_screen: 140,
        cell: |k, _| {
            right(if k.knows("opportunity_score") {
                score_spark(&k.pipeline.by_score)
            } else {
                "—".into()
            })
        },
    },
    Column {
        en: "New/d",
        ru: "Нов/д",
        width: 5,
        min_screen: 0,
        cell: |k, c| right(format::decimal_in(k.pipeline.new_per_day.now, c.lang)),
    },
    Column {
        en: "Forecast",
        ru: "С воронкой",
        width: 0,
        min_screen: 0,
        cell: |k, c| right(c.money(k.pipeline.forecast)),
    },
    Column {
        en: "of plan",
        ru: "от плана",
        width: 8,
        min_screen: 110,
        cell: |k, _| right(format::percent(k.pipeline.forecast_vs_target)),
    },
];

fn draw_table(f: &mut Frame, area: Rect, app: &App, report: &Report, c: &Ctx) {
    let lang = app.lang;
    let t = &app.theme;
    let screen = area.width;
    let cols: Vec<&Column> = COLUMNS.iter().filter(|x| screen >= x.min_screen).collect();
    // Money columns fit the widest amount of the list.
    let reps = app.visible_reps();
    let money_w = reps
        .iter()
        .map(|x| &x.kpis)
        .chain(std::iter::once(&report.total))
        .flat_map(|k| [k.pipeline.value.now, k.pipeline.forecast])
        .map(|v| c.money(v).width())
        .max()
        .unwrap_or(8)
        .max(8) as u16;
    let col_w = |x: &Column| {
        let head = lang.t(x.en, x.ru).width() as u16;
        if x.width == 0 {
            money_w.max(head)
        } else {
            x.width.max(head)
        }
    };
    let fixed: u16 = cols.iter().map(|x| col_w(x) + 1).sum();
    let name_w = screen.saturating_sub(fixed).max(12);

    let sort_note = if app.sort == SortKey::Name {
        String::new()
    } else {
        format!(
            " ({}{})",
            app.sort.label(lang),
            if app.sort_desc { "▼" } else { "▲" }
        )
    };
    let rep_head = if app.sort == SortKey::Name {
        format!(
            "{}{}",
            lang.t("Rep", "Менеджер"),
            if app.sort_desc { "▼" } else { "▲" }
        )
    } else {
        let full = format!("{}{sort_note}", lang.t("Rep", "Менеджер"));
        if full.width() <= name_w as usize {
            full
        } else {
            lang.t("Rep", "Менеджер").to_string()
        }
    };
    let mut header = vec![Cell::from(Span::styled(rep_head, t.title))];
    let mut widths = vec![Constraint::Min(12)];
    for x in &cols {
        header.push(Cell::from(
            Line::from(Span::styled(lang.t(x.en, x.ru), t.title)).right_aligned(),
        ));
        widths.push(Constraint::Length(col_w(x)));
    }
    widgets::RepList::of_reps(
        app,
        Row::new(header),
        1,
        widths,
        &reps,
        &report.total,
        |k| cols.iter().map(|x| Cell::from((x.cell)(k, c))).collect(),
    )
    .draw(f, area, app);
}
