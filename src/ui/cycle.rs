//! Cycle: how long deals take from created to won per rep against the team baseline
//! (#14, with the "may need coaching" warning), mean days in each stage (#15), and the
//! share of new customers lost after the sale (#23).

use super::theme::Theme;
use super::widgets::{self, flag, trend};
use crate::app::{App, SortKey};
use crate::format::stage_name;
use crate::format::{self, Lang};
use crate::kpi::{Kpis, Report, StageTime};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};
use unicode_width::UnicodeWidthStr;

/// Where the gauge marks "slow": the `slow_cycle_pct` setting, carried by the figures.
fn slow_share(app: &App) -> f64 {
    app.report()
        .map(|r| r.total.cycle.slow_threshold)
        .unwrap_or(0.25)
}

/// From this size the time in stage sits beside the table, with the selected rep's own.
const WIDE: u16 = 140;

pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let Some(report) = app.report() else { return };
    let k = &report.total;
    if area.width >= WIDE && area.height >= 30 {
        let [table, _, side] = Layout::horizontal([
            Constraint::Min(60),
            Constraint::Length(2),
            Constraint::Length(46),
        ])
        .areas(area);
        draw_table(f, table, app, report);
        draw_side(f, side, app, k);
    } else {
        let rows = k.cycle.time_in_stage.len().max(4) as u16 + 1;
        let [top, _, table] = Layout::vertical([
            Constraint::Length(rows),
            Constraint::Length(1),
            Constraint::Min(4),
        ])
        .areas(area);
        let [stages, _, figures] = Layout::horizontal([
            Constraint::Length(32.min(area.width / 2)),
            Constraint::Length(2),
            Constraint::Min(20),
        ])
        .areas(top);
        draw_time_in_stage(f, stages, app, k, None);
        draw_scope(f, figures, app, k);
        draw_table(f, table, app, report);
    }
}

fn days(v: Option<f64>, lang: Lang) -> String {
    format::decimal_in(v, lang)
}

/// Pads `s` on the right to `w` display columns (cutting it when longer).
fn pad(s: &str, w: usize) -> String {
    let s = widgets::fit(s, w);
    let n = w.saturating_sub(s.width());
    format!("{s}{}", " ".repeat(n))
}

fn lpad(s: &str, w: usize) -> String {
    let n = w.saturating_sub(s.width());
    format!("{}{s}", " ".repeat(n))
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
        s.push('▏');
    }
    let used = s.chars().count();
    s.push_str(&" ".repeat(width.saturating_sub(used)));
    s
}

/// Where the team mean (`│`) and the slow threshold (`┆`) sit in a gauge `width` wide
/// that runs from 0 to twice the team mean.
fn marks(width: usize, slow_share: f64) -> (usize, usize) {
    let last = width.saturating_sub(1);
    let base = ((width as f64) * 0.5).round() as usize;
    let slow = ((width as f64) * (1.0 + slow_share) / 2.0).round() as usize;
    (base.min(last), slow.min(last))
}

/// The rep's mean cycle against the team mean: the bar runs from 0 to twice the team
/// mean, `│` marks the team mean and `┆` the slow threshold; `»` when off the scale.
fn cycle_gauge(
    mean: Option<f64>,
    baseline: Option<f64>,
    slow_share: f64,
    width: usize,
    t: &Theme,
) -> Line<'static> {
    let (Some(m), Some(b)) = (
        mean.filter(|m| m.is_finite()),
        baseline.filter(|b| b.is_finite() && *b > 0.0),
    ) else {
        return Line::styled("·".repeat(width), t.dim);
    };
    let ratio = m / b;
    let filled = ((ratio / 2.0).clamp(0.0, 1.0) * width as f64).round() as usize;
    let (base, slow) = marks(width, slow_share);
    let over = ratio > 1.0 + slow_share;
    let fill = if over { t.bad } else { t.gauge };
    let mut spans: Vec<Span<'static>> = Vec::with_capacity(width);
    for i in 0..width {
        let (ch, style) = if i == base {
            ("│", t.pace)
        } else if i == slow {
            ("┆", t.pace)
        } else if i + 1 == width && ratio > 2.0 {
            ("»", fill)
        } else if i < filled {
            ("█", fill)
        } else {
            ("·", t.dim)
        };
        match spans.last_mut() {
            Some(last) if last.style == style && ch != "│" && ch != "┆" => {
                let mut s = last.content.to_string();
                s.push_str(ch);
                last.content = s.into();
            }
            _ => spans.push(Span::styled(ch, style)),
        }
    }
    Line::from(spans)
}

/// The gauge column's heading: the marks where the rows have them, labelled.
fn gauge_header(width: usize, slow_share: f64, lang: Lang, t: &Theme) -> Line<'static> {
    let (base, slow) = marks(width, slow_share);
    let team = lang.t("team", "команда");
    let slow_label = format!("+{:.0}%", slow_share * 100.0);
    let mut cells: Vec<String> = vec![" ".to_string(); width];
    if width > 0 {
        cells[base] = "│".into();
        cells[slow] = "┆".into();
    }
    // "team" just left of its mark, "+25%" just right of the slow one, when they fit.
    if team.width() <= base {
        for (i, ch) in team.chars().enumerate() {
            cells[base - team.width() + i] = ch.to_string();
        }
    }
    if slow + slow_label.len() < width {
        for (i, ch) in slow_label.chars().enumerate() {
            cells[slow + 1 + i] = ch.to_string();
        }
    }
    Line::styled(cells.concat(), t.title)
}

/// #15: mean days in each stage as bars; with `rep`, the rep's own under the scope's.
fn draw_time_in_stage(
    f: &mut Frame,
    area: Rect,
    app: &App,
    k: &Kpis,
    rep: Option<(&str, &[StageTime])>,
) {
    let lang = app.lang;
    let t = &app.theme;
    let stays: &[StageTime] = &k.cycle.time_in_stage;
    let width = area.width as usize;
    let name_w = stays
        .iter()
        .map(|s| stage_name(&s.stage, lang).width())
        .max()
        .unwrap_or(5)
        .max(5);
    let max = stays
        .iter()
        .chain(rep.map(|r| r.1).unwrap_or(&[]).iter())
        .filter_map(|s| s.mean_days)
        .fold(0.0_f64, f64::max);
    let value_w = 5;
    let stays_w = if rep.is_some() { 10 } else { 0 };
    let bar_w = width.saturating_sub(name_w + value_w + stays_w + 2).max(1);
    let mut lines = vec![Line::styled(
        widgets::fit(
            if rep.is_some() {
                lang.t(
                    "Time in stage, mean days · ×stays",
                    "Дней на этапе, в среднем · ×раз",
                )
            } else {
                lang.t("Time in stage, mean days", "Дней на этапе, в среднем")
            },
            width,
        ),
        t.title,
    )];
    let missing = k.lacks("time_in_stage");
    if !missing.is_empty() {
        lines.push(Line::styled(
            widgets::fit(&crate::kpi::catalogue::why_blank(missing, lang), width),
            t.dim,
        ));
        f.render_widget(Paragraph::new(lines), area);
        return;
    }
    if stays.is_empty() {
        lines.push(Line::styled(
            lang.t("no stage changes yet", "смен этапов пока нет"),
            t.dim,
        ));
    }
    for s in stays {
        let mut spans = vec![
            Span::raw(format!("{} ", pad(stage_name(&s.stage, lang), name_w))),
            Span::styled(hbar(s.mean_days.unwrap_or(0.0), max, bar_w), t.gauge),
            Span::raw(format!(" {}", lpad(&days(s.mean_days, lang), value_w - 1))),
        ];
        if rep.is_some() {
            spans.push(Span::styled(
                format!(" {}", lpad(&format!("×{}", s.stays), stays_w - 1)),
                t.dim,
            ));
        }
        lines.push(Line::from(spans));
        if let Some((name, own)) = rep {
            let mine = own.iter().find(|x| x.stage == s.stage);
            let v = mine.and_then(|x| x.mean_days);
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{} ", lpad(&widgets::fit(name, name_w), name_w)),
                    t.dim,
                ),
                Span::styled(hbar(v.unwrap_or(0.0), max, bar_w), t.gauge_over),
                Span::raw(format!(" {}", lpad(&days(v, lang), value_w - 1))),
                Span::styled(
                    format!(
                        " {}",
                        lpad(
                            &format!("×{}", mine.map(|x| x.stays).unwrap_or(0)),
                            stays_w - 1
                        )
                    ),
                    t.dim,
                ),
            ]));
        }
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// Whether any rep's cycle could be compared with their team's (the ✓ needs that).
fn any_compared(app: &App) -> bool {
    app.report()
        .is_some_and(|r| r.reps.iter().any(|x| x.kpis.cycle.vs_baseline.is_some()))
}

/// The churn-after-sale counts, or why there are none.
fn churn_counts(k: &Kpis, lang: Lang) -> String {
    let cu = &k.customers;
    match k.lacks("churn_after_sale") {
        [] => format!(
            "{} {} {} {}",
            cu.churned_after_sale,
            lang.t("of", "из"),
            cu.sold,
            lang.t("new customers", "новых клиентов")
        ),
        missing => crate::kpi::catalogue::why_blank(missing, lang),
    }
}

/// The reps who are slower than the slow setting allows, as "name +55%".
fn slow_reps(app: &App) -> Vec<(String, Option<f64>)> {
    app.report()
        .map(|r| {
            r.reps
                .iter()
                .filter(|x| x.kpis.cycle.slow)
                .map(|x| (x.rep.name.clone(), x.kpis.cycle.vs_baseline))
                .collect()
        })
        .unwrap_or_default()
}

/// #14 and #23 for the scope, and who may need coaching.
fn draw_scope(f: &mut Frame, area: Rect, app: &App, k: &Kpis) {
    let lang = app.lang;
    let t = &app.theme;
    let c = &k.cycle;
    let cu = &k.customers;
    let width = area.width as usize;
    let mut lines = vec![
        Line::styled(
            widgets::fit(
                &format!(
                    "{} · {} {}",
                    lang.t("Sales cycle, days", "Цикл сделки, дней"),
                    lang.t("won deals", "выиграно сделок"),
                    c.won_deals
                ),
                width,
            ),
            t.title,
        ),
        Line::from(format!(
            "{} {} · {} {} · {} {}",
            lang.t("mean", "среднее"),
            days(c.mean_days, lang),
            lang.t("median", "медиана"),
            days(c.median_days, lang),
            lang.t("baseline", "база"),
            days(c.baseline_days, lang),
        )),
        Line::from(vec![
            Span::raw(format!(
                "{} {}",
                lang.t("Churn after sale", "Отток после продажи"),
                if k.knows("churn_after_sale") {
                    format!("{} ", format::percent(cu.churn_after_sale))
                } else {
                    String::new()
                }
            )),
            Span::styled(churn_counts(k, lang), t.dim),
        ]),
    ];
    let slow = slow_reps(app);
    if slow.is_empty() && !any_compared(app) {
        lines.push(Line::styled(
            lang.t(
                "— too few won deals to compare cycles with the team",
                "— мало выигранных сделок, чтобы сравнить цикл с командой",
            ),
            t.dim,
        ));
    } else if slow.is_empty() {
        lines.push(Line::styled(
            lang.t(
                "✓ nobody is much slower than their team",
                "✓ никто заметно не медленнее команды",
            ),
            t.good,
        ));
    } else {
        // The names wrap over the rows left; what does not fit is counted.
        let rows_left = (area.height as usize).saturating_sub(lines.len()).max(1);
        let mut text: Vec<String> =
            vec![format!("{}:", lang.t("may need coaching", "нужен коучинг"))];
        let mut shown = 0;
        for (i, (name, _)) in slow.iter().enumerate() {
            let more = slow.len() - i - 1;
            let sep = if i + 1 < slow.len() { "," } else { "" };
            let reserve = if more > 0 { 4 } else { 0 };
            let last = text.last_mut().map(|l| l.width()).unwrap_or(0);
            let fits_line = |w: usize| w + 1 + name.width() + sep.len() + 2 <= width;
            if fits_line(last) && (text.len() < rows_left || fits_line(last + reserve)) {
                if let Some(l) = text.last_mut() {
                    l.push_str(&format!(" {name}{sep}"));
                }
            } else if text.len() < rows_left {
                text.push(format!("{name}{sep}"));
            } else {
                break;
            }
            shown += 1;
        }
        if shown < slow.len()
            && let Some(l) = text.last_mut()
        {
            l.push_str(&format!(" +{}", slow.len() - shown));
        }
        for (i, l) in text.into_iter().enumerate() {
            lines.push(Line::from(vec![
                Span::styled(if i == 0 { "! " } else { "  " }, t.bad),
                Span::raw(widgets::fit(&l, width.saturating_sub(2))),
            ]));
        }
    }
    lines.push(Line::styled(
        widgets::fit(
            lang.t(
                "bar: rep's mean, 0 to 2× team │ mean ┆ slow",
                "шкала: среднее, 0–2× команды │ ┆ медленно",
            ),
            width,
        ),
        t.dim,
    ));
    f.render_widget(Paragraph::new(lines), area);
}

/// Wide screens: the scope's cycle, its time in stage beside the selected rep's,
/// churn after sale and the coaching list.
fn draw_side(f: &mut Frame, area: Rect, app: &App, k: &Kpis) {
    let lang = app.lang;
    let t = &app.theme;
    let c = &k.cycle;
    let cu = &k.customers;
    let reps = app.visible_reps();
    let selected = reps.get(app.cursor);
    let stage_rows = c.time_in_stage.len().max(1) as u16 * if selected.is_some() { 2 } else { 1 };
    let [cycle, _, stages, _, churn, _, coaching] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Length(1),
        Constraint::Length(stage_rows + 1),
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);
    let row =
        |label: &str, value: String| Line::from(vec![Span::raw(pad(label, 24)), Span::raw(value)]);
    f.render_widget(
        Paragraph::new(vec![
            Line::styled(lang.t("Sales cycle, days", "Цикл сделки, дней"), t.title),
            row(
                lang.t("mean · median", "среднее · медиана"),
                format!(
                    "{} · {}",
                    days(c.mean_days, lang),
                    days(c.median_days, lang)
                ),
            ),
            row(
                lang.t("baseline (parent team)", "база (вышестоящая)"),
                days(c.baseline_days, lang),
            ),
            row(
                lang.t("won deals", "выиграно сделок"),
                c.won_deals.to_string(),
            ),
        ]),
        cycle,
    );
    let name = selected.map(|x| x.rep.name.as_str()).unwrap_or("");
    draw_time_in_stage(
        f,
        stages,
        app,
        k,
        selected.map(|x| (name, x.kpis.cycle.time_in_stage.as_slice())),
    );
    f.render_widget(
        Paragraph::new(vec![
            Line::styled(lang.t("Churn after sale", "Отток после продажи"), t.title),
            row(
                lang.t("new customers lost", "потеряно новых клиентов"),
                format::percent(cu.churn_after_sale),
            ),
            row(
                lang.t("churned · sold", "ушли · продано"),
                if k.knows("churn_after_sale") {
                    format!("{} · {}", cu.churned_after_sale, cu.sold)
                } else {
                    churn_counts(k, lang)
                },
            ),
        ]),
        churn,
    );
    let slow = slow_reps(app);
    let mut lines = vec![Line::styled(
        format!(
            "{} (>{:.0}% {})",
            lang.t("May need coaching", "Нужен коучинг"),
            slow_share(app) * 100.0,
            lang.t("over team", "дольше команды")
        ),
        t.title,
    )];
    if slow.is_empty() && any_compared(app) {
        lines.push(Line::styled(lang.t("✓ nobody", "✓ никому"), t.good));
    } else if slow.is_empty() {
        lines.push(Line::styled(
            lang.t(
                "— too few won deals to compare",
                "— мало сделок для сравнения",
            ),
            t.dim,
        ));
    }
    let width = area.width as usize;
    for (name, vs) in slow {
        let tail = format!(" {}", format::change(vs));
        lines.push(Line::from(vec![
            Span::styled("! ", t.bad),
            Span::raw(pad(&name, width.saturating_sub(2 + tail.width()))),
            Span::styled(tail, t.bad),
        ]));
    }
    f.render_widget(Paragraph::new(lines), coaching);
}

/// A column of the per-rep table (the gauge has width 0: it takes what is left).
struct Column {
    en: &'static str,
    ru: &'static str,
    width: u16,
    min_screen: u16,
    cell: fn(&Kpis, &Fmt) -> Line<'static>,
}

struct Fmt<'a> {
    lang: Lang,
    theme: &'a Theme,
    gauge_width: usize,
}

fn right(s: String) -> Line<'static> {
    Line::from(s).right_aligned()
}

fn stage_days(k: &Kpis, stage: &str, lang: Lang) -> Line<'static> {
    right(days(
        k.cycle
            .time_in_stage
            .iter()
            .find(|s| s.stage == stage)
            .and_then(|s| s.mean_days),
        lang,
    ))
}

const COLUMNS: &[Column] = &[
    Column {
        en: "Won",
        ru: "Побед",
        width: 4,
        min_screen: 0,
        cell: |k, _| right(k.cycle.won_deals.to_string()),
    },
    Column {
        en: "Mean",
        ru: "Средн",
        width: 5,
        min_screen: 0,
        cell: |k, f| right(days(k.cycle.mean_days, f.lang)),
    },
    Column {
        en: "Median",
        ru: "Медиана",
        width: 6,
        min_screen: 0,
        cell: |k, f| right(days(k.cycle.median_days, f.lang)),
    },
    Column {
        en: "Team",
        ru: "Команда",
        width: 5,
        min_screen: 90,
        cell: |k, f| right(days(k.cycle.baseline_days, f.lang)),
    },
    Column {
        en: "",
        ru: "",
        width: 0,
        min_screen: 0,
        cell: |k, f| {
            cycle_gauge(
                k.cycle.mean_days,
                k.cycle.baseline_days,
                k.cycle.slow_threshold,
                f.gauge_width,
                f.theme,
            )
        },
    },
    Column {
        en: "vs team",
        ru: "к ком.",
        width: 6,
        min_screen: 0,
        cell: |k, f| {
            Line::from(vec![
                flag(k.cycle.slow, f.theme),
                trend(k.cycle.vs_baseline, false, f.theme),
            ])
            .right_aligned()
        },
    },
    Column {
        en: "Lead",
        ru: "Лид",
        width: 5,
        min_screen: 105,
        cell: |k, f| stage_days(k, "lead", f.lang),
    },
    Column {
        en: "Qual",
        ru: "Квал",
        width: 5,
        min_screen: 105,
        cell: |k, f| stage_days(k, "qualified", f.lang),
    },
    Column {
        en: "Prop",
        ru: "КП",
        width: 5,
        min_screen: 105,
        cell: |k, f| stage_days(k, "proposal", f.lang),
    },
    Column {
        en: "Negot",
        ru: "Перег",
        width: 5,
        min_screen: 105,
        cell: |k, f| stage_days(k, "negotiation", f.lang),
    },
    Column {
        en: "Churn",
        ru: "Отток",
        width: 5,
        min_screen: 0,
        cell: |k, _| right(format::percent(k.customers.churn_after_sale)),
    },
    Column {
        en: "churned/sold",
        ru: "ушли/продано",
        width: 9,
        min_screen: 75,
        cell: |k, _| {
            right(if k.knows("churn_after_sale") {
                format!("{}/{}", k.customers.churned_after_sale, k.customers.sold)
            } else {
                "—".into()
            })
        },
    },
];

fn draw_table(f: &mut Frame, area: Rect, app: &App, report: &Report) {
    let lang = app.lang;
    let t = &app.theme;
    let screen = area.width;
    let cols: Vec<&Column> = COLUMNS.iter().filter(|c| screen >= c.min_screen).collect();
    let col_w = |c: &Column| c.width.max(lang.t(c.en, c.ru).width() as u16);
    let fixed: u16 = cols.iter().map(|c| col_w(c) + 1).sum();
    let spare = screen.saturating_sub(fixed + 18);
    let gauge_w = spare.clamp(10, 30);
    let fmt = Fmt {
        lang,
        theme: t,
        gauge_width: gauge_w as usize,
    };
    let name_w = screen.saturating_sub(fixed + gauge_w) as usize;
    let rep = lang.t("Rep", "Менеджер");
    let rep_head = match app.sort {
        SortKey::Name => format!("{rep}{}", if app.sort_desc { "▼" } else { "▲" }),
        s => {
            let full = format!(
                "{rep} ({}{})",
                s.label(lang),
                if app.sort_desc { "▼" } else { "▲" }
            );
            if full.width() <= name_w {
                full
            } else {
                rep.to_string()
            }
        }
    };
    let mut header = vec![Cell::from(Span::styled(rep_head, t.title))];
    let mut widths = vec![Constraint::Min(12)];
    for c in &cols {
        if c.width == 0 {
            header.push(Cell::from(gauge_header(
                gauge_w as usize,
                slow_share(app),
                lang,
                t,
            )));
            widths.push(Constraint::Length(gauge_w));
        } else {
            header.push(Cell::from(
                Line::from(Span::styled(lang.t(c.en, c.ru), t.title)).right_aligned(),
            ));
            widths.push(Constraint::Length(col_w(c)));
        }
    }
    widgets::RepList::of_reps(
        app,
        Row::new(header),
        1,
        widths,
        &app.visible_reps(),
        &report.total,
        |k| cols.iter().map(|c| Cell::from((c.cell)(k, &fmt))).collect(),
    )
    .draw(f, area, app);
}
