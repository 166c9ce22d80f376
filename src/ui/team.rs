//! Team: per rep the latest satisfaction score against the previous one with its trend
//! and the burnout flag (#31), the latest product-knowledge test with its trend and the
//! under-minimum flag (#32), and the composite KPI score turned into the bonus
//! coefficient (#33); the scope's averages on top and, when there is room, per team.

use super::theme::Theme;
use super::widgets::{self, spark};
use crate::app::App;
use crate::format::{self, Lang};
use crate::kpi::{Kpis, RepKpis, Report, TeamKpis};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

/// From this width the tables get more columns.
const WIDE: u16 = 120;
/// How many points of a history the sparklines show.
const SPARK: usize = 6;

/// A score as people write it: `8` for a rep's own, `7.3` for an average; or "—".
fn score(v: Option<f64>, lang: Lang) -> String {
    match v {
        Some(x) if x.is_finite() && (x - x.round()).abs() < 1e-9 => format!("{x:.0}"),
        _ => format::decimal_in(v, lang),
    }
}

/// `▲1`, `▼2`, `=` for a score's move since the previous one (▲ is good), or a blank.
fn delta(now: Option<f64>, prev: Option<f64>, lang: Lang, t: &Theme) -> Span<'static> {
    match (now, prev) {
        (Some(n), Some(p)) if n.is_finite() && p.is_finite() => {
            let d = n - p;
            if d > 0.05 {
                Span::styled(format!("▲{}", score(Some(d), lang)), t.good)
            } else if d < -0.05 {
                Span::styled(format!("▼{}", score(Some(-d), lang)), t.bad)
            } else {
                Span::styled("=", t.dim)
            }
        }
        _ => Span::raw(""),
    }
}

/// The last few points of a series.
fn tail(v: &[f64]) -> &[f64] {
    &v[v.len().saturating_sub(SPARK)..]
}

fn ints(v: &[i64]) -> Vec<f64> {
    v.iter().map(|x| *x as f64).collect()
}

/// What one row of either table needs.
struct RowFigures<'a> {
    name: String,
    style: Style,
    k: &'a Kpis,
    /// A rep's own histories; a team's are its monthly averages.
    satisfaction: Vec<f64>,
    knowledge: Vec<f64>,
    /// Reps in a team (teams only).
    reps: Option<usize>,
    /// Averages over a group (shown with a decimal) rather than a rep's own scores.
    avg: bool,
    team: Option<&'a str>,
}

impl<'a> RowFigures<'a> {
    fn rep(x: &'a RepKpis, t: &Theme) -> Self {
        RowFigures {
            name: x.rep.name.clone(),
            style: if x.rep.active { t.base } else { t.dim },
            k: &x.kpis,
            satisfaction: ints(&x.satisfaction_history),
            knowledge: ints(&x.knowledge_history),
            reps: None,
            avg: false,
            team: Some(&x.team),
        }
    }

    fn group(name: String, k: &'a Kpis, reps: Option<usize>, style: Style) -> Self {
        RowFigures {
            name,
            style,
            k,
            satisfaction: k.people.satisfaction_trend.clone(),
            knowledge: k.people.knowledge_trend.clone(),
            reps,
            avg: true,
            team: None,
        }
    }
}

/// A column after the name: two heading lines, its width, and whether it reads from
/// the right (numbers).
struct Head {
    lines: [&'static str; 2],
    width: u16,
    right: bool,
}

/// Column widths and switches for one frame.
struct Cols {
    lang: Lang,
    wide: bool,
    /// The composite's inputs (revenue, units, calls, meetings attainment).
    inputs: bool,
    burnout_w: u16,
}

impl Cols {
    fn new(width: u16, lang: Lang) -> Cols {
        let wide = width >= WIDE;
        Cols {
            lang,
            wide,
            inputs: width >= 150,
            burnout_w: match (lang, wide) {
                (Lang::En, false) => 14,
                (Lang::Ru, false) => 11,
                (_, true) => 24,
            },
        }
    }

    /// The columns after the name; `teams` swaps the rep-only columns for team counts.
    fn heads(&self, teams: bool) -> Vec<Head> {
        let l = self.lang;
        let h = |a, b, width, right| Head {
            lines: [a, b],
            width,
            right,
        };
        let mut out = Vec::new();
        if self.wide {
            if teams {
                out.push(h(l.t("Reps", "Менедж."), "", 7, true));
            } else {
                out.push(h(l.t("Team", "Команда"), "", 16, false));
            }
        }
        out.push(if self.wide {
            h(
                l.t("Satisfaction, 1–10", "Удовлетворённость"),
                l.t("  now  prev      trend", "сейч. ранее      тренд"),
                23,
                false,
            )
        } else {
            h(
                l.t("Satisfaction", "Удовлетворён."),
                l.t(" now prev      trend", "сейч ран.      тренд"),
                21,
                false,
            )
        });
        out.push(if teams {
            h(l.t("Burnout", "Выгор."), l.t("at risk", "риск"), 7, true)
        } else {
            h("", "", self.burnout_w, false)
        });
        out.push(h(
            l.t("Knowledge", "Знания"),
            if self.wide {
                l.t(" test  prev trend", " тест ранее тренд")
            } else {
                l.t(" test trend", " тест тренд")
            },
            if self.wide { 18 } else { 12 },
            false,
        ));
        out.push(h("KPI", l.t("score", "балл"), 5, true));
        out.push(h(l.t("Bonus", "Бонус"), l.t("coef.", "коэф."), 6, true));
        if teams {
            out.push(h(l.t("Under", "Ниже"), "70%", 5, true));
        }
        if self.inputs && !teams {
            let of = l.t("of plan", "% плана");
            out.push(h(l.t("Revenue", "Выручка"), of, 8, true));
            out.push(h(l.t("Units", "Шт."), of, 8, true));
            out.push(h(l.t("Calls", "Звонки"), of, 8, true));
            out.push(h(l.t("Meetings", "Встречи"), of, 8, true));
        }
        out
    }

    /// The name column fills the row for reps; for teams it is as wide as the names.
    fn widths(&self, teams: bool, name_w: Option<u16>) -> Vec<Constraint> {
        let mut w = vec![match name_w {
            Some(n) => Constraint::Length(n),
            None => Constraint::Min(14),
        }];
        w.extend(
            self.heads(teams)
                .iter()
                .map(|h| Constraint::Length(h.width)),
        );
        w
    }

    fn header(&self, first: &'static str, teams: bool, t: &Theme) -> Row<'static> {
        let mut cells = vec![Cell::from(Text::from(vec![
            Line::styled(first, t.title),
            Line::raw(""),
        ]))];
        for h in self.heads(teams) {
            let line = |s: &'static str| {
                let l = Line::styled(s, t.title);
                if h.right { l.right_aligned() } else { l }
            };
            cells.push(Cell::from(Text::from(vec![
                line(h.lines[0]),
                line(h.lines[1]),
            ])));
        }
        Row::new(cells).height(2)
    }

    fn cells(&self, r: &RowFigures, teams: bool, t: &Theme) -> Vec<Cell<'static>> {
        let l = self.lang;
        let p = &r.k.people;
        let right = |s: String| Cell::from(Line::from(s).right_aligned());
        let mut out = vec![Cell::from(r.name.clone())];
        if self.wide {
            if teams {
                out.push(right(r.reps.map(|n| n.to_string()).unwrap_or_default()));
            } else {
                out.push(Cell::from(r.team.unwrap_or("").to_string()));
            }
        }
        // Satisfaction: now, previous, the move, the trend.
        let sc = |v| {
            if r.avg {
                format::decimal_in(v, l)
            } else {
                score(v, l)
            }
        };
        let d = delta(p.satisfaction, p.satisfaction_prev, l, t);
        let w = if self.wide { 5 } else { 4 };
        out.push(Cell::from(Line::from(vec![
            Span::raw(format!(
                "{:>w$} {:>w$} ",
                sc(p.satisfaction),
                sc(p.satisfaction_prev)
            )),
            Span::styled(format!("{:<4}", d.content), d.style),
            Span::raw(format!(" {}", spark(tail(&r.satisfaction)))),
        ])));
        if teams {
            let n = p.burnout_risk;
            out.push(Cell::from(if r.k.knows("satisfaction") {
                Line::from(vec![widgets::flag(n > 0, t), Span::raw(n.to_string())]).right_aligned()
            } else {
                Line::raw("—").right_aligned()
            }));
        } else {
            out.push(Cell::from(burnout(r, self, t)));
        }
        // Knowledge: latest test (previous on wide screens), trend; flagged under the minimum.
        // The flag sits right before the figure: `!65%`, ` 83%`.
        let score = pct(p.knowledge);
        let pad = " ".repeat(4usize.saturating_sub(score.chars().count()));
        // Only a rep's own test is flagged; a group's count has its own column and words.
        let mut kn = if p.knowledge_below_min > 0 && !r.avg {
            vec![Span::raw(pad), widgets::flag(true, t), Span::raw(score)]
        } else {
            vec![Span::raw(format!(" {pad}{score}"))]
        };
        if self.wide {
            let prev = r.knowledge.len().checked_sub(2).map(|i| r.knowledge[i]);
            kn.push(Span::raw(format!(" {:>5}", pct(prev))));
        }
        kn.push(Span::raw(format!(" {}", spark(tail(&r.knowledge)))));
        out.push(Cell::from(Line::from(kn)));
        let c = &r.k.composite;
        out.push(right(format::percent(c.score)));
        out.push(right(bonus(c.bonus_coefficient, l)));
        if teams {
            let n = p.knowledge_below_min;
            out.push(Cell::from(if r.k.knows("knowledge") {
                Line::from(vec![widgets::flag(n > 0, t), Span::raw(n.to_string())]).right_aligned()
            } else {
                Line::raw("—").right_aligned()
            }));
        }
        if self.inputs && !teams {
            let k = r.k;
            for v in [
                k.revenue_attainment,
                k.units_attainment,
                k.activity.calls_attainment,
                k.activity.meetings_attainment,
            ] {
                out.push(right(format::percent(v)));
            }
        }
        out
    }
}

/// A test score in percent (the figure is already in percent points).
fn pct(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.0}%"),
        _ => "—".into(),
    }
}

/// The bonus coefficient: `×1.08` / `×1,08`.
fn bonus(v: Option<f64>, lang: Lang) -> String {
    match v {
        Some(b) if b.is_finite() => format!("×{}", format::decimal2_in(b, lang)),
        _ => "—".into(),
    }
}

/// The burnout cell: the flag for a rep (with why on wide screens), the count for a group.
fn burnout(r: &RowFigures, c: &Cols, t: &Theme) -> Line<'static> {
    let l = c.lang;
    let n = r.k.people.burnout_risk;
    // Without a survey there is no verdict either way.
    if !r.k.knows("satisfaction") {
        return Line::styled("—", t.dim);
    }
    if r.team.is_none() {
        return if n > 0 {
            Line::styled(format!("! {n} {}", l.t("at risk", "в риске")), t.bad)
        } else {
            Line::styled(l.t("✓ no risk", "✓ нет риска"), t.dim)
        };
    }
    if n == 0 {
        return Line::raw("");
    }
    let mut text = if c.wide {
        l.t("! burnout risk", "! риск выгорания")
    } else {
        l.t("! burnout risk", "! выгорание")
    }
    .to_string();
    if c.wide
        && let [.., a, b] = r.satisfaction.as_slice()
    {
        text.push_str(&format!(" ({}→{})", score(Some(*a), l), score(Some(*b), l)));
    }
    Line::styled(text, t.bad)
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let Some(report) = app.report() else { return };
    let reps = app.visible_reps();
    let summary_h = 2u16;
    let rest = area.height.saturating_sub(summary_h);
    let rep_need = reps.len().max(1) as u16 + 3;
    let team_need = if report.teams.is_empty() {
        0
    } else {
        report.teams.len() as u16 + 3
    };
    // The team table only when the rep list still gets its rows (or at least 8 of them).
    let team_h = if team_need > 0 && rest >= team_need + rep_need.min(11) {
        team_need
    } else {
        0
    };
    let table_h = rest.saturating_sub(team_h).min(rep_need).max(3);
    // On tall screens, the numbers behind the teams' sparklines.
    let months_need = report.teams.len() as u16 + 3;
    let months_h = if team_h > 0 && rest >= table_h + team_h + months_need {
        months_need
    } else {
        0
    };
    let [summary, table, teams, months, _] = Layout::vertical([
        Constraint::Length(summary_h),
        Constraint::Length(table_h),
        Constraint::Length(team_h),
        Constraint::Length(months_h),
        Constraint::Min(0),
    ])
    .areas(area);
    draw_summary(f, summary, app, report);
    draw_reps(f, table, app, report, &reps);
    if team_h > 0 {
        draw_teams(f, teams, app, &report.teams);
    }
    if months_h > 0 {
        draw_months(f, months, app, &report.teams);
    }
}

/// The scope's averages in words.
fn draw_summary(f: &mut Frame, area: Rect, app: &App, report: &Report) {
    let lang = app.lang;
    let t = &app.theme;
    let k = &report.total;
    let p = &k.people;
    let mut l1 = vec![Span::styled(
        format!(" {} ", lang.t("Satisfaction", "Удовлетворённость")),
        t.title,
    )];
    if !k.knows("satisfaction") {
        l1.push(Span::styled(
            crate::kpi::catalogue::why_blank(k.lacks("satisfaction"), lang),
            t.dim,
        ));
    } else {
        l1.extend([
            Span::raw(format!(
                "{} ({} {}) ",
                format::decimal_in(p.satisfaction, lang),
                lang.t("prev", "ранее"),
                format::decimal_in(p.satisfaction_prev, lang)
            )),
            delta(p.satisfaction, p.satisfaction_prev, lang, t),
            Span::raw(format!(" {} · ", spark(tail(&p.satisfaction_trend)))),
            if p.burnout_risk > 0 {
                Span::styled(
                    format!(
                        "! {} {}",
                        p.burnout_risk,
                        lang.t("at burnout risk", "под риском выгорания")
                    ),
                    t.bad,
                )
            } else {
                Span::styled(lang.t("✓ no burnout risk", "✓ риска выгорания нет"), t.good)
            },
        ]);
    }
    let mut l2 = vec![Span::styled(
        format!(" {} ", lang.t("Knowledge", "Знание продукта")),
        t.title,
    )];
    if !k.knows("knowledge") {
        l2.push(Span::styled(
            crate::kpi::catalogue::why_blank(k.lacks("knowledge"), lang),
            t.dim,
        ));
    } else {
        l2.push(Span::raw(format!(
            "{} {} · ",
            pct(p.knowledge),
            spark(tail(&p.knowledge_trend))
        )));
        let min = report.settings.knowledge_min_pct;
        l2.push(if p.knowledge_below_min > 0 {
            Span::styled(
                format!(
                    "! {} {} {min}%",
                    p.knowledge_below_min,
                    lang.t("under", "ниже")
                ),
                t.bad,
            )
        } else {
            Span::styled(
                format!("✓ {} {min}%", lang.t("none under", "никого ниже")),
                t.good,
            )
        });
    }
    l2.push(Span::raw(format!(
        " · {} {} → {} {}",
        lang.t("KPI score", "балл KPI"),
        format::percent(k.composite.score),
        lang.t("bonus", "бонус"),
        bonus(k.composite.bonus_coefficient, lang)
    )));
    if area.width >= 110 {
        l2.push(Span::raw(format!(
            " ({} {}, {} {}, {} {}, {} {})",
            lang.t("revenue", "выручка"),
            format::percent(k.revenue_attainment),
            lang.t("units", "шт."),
            format::percent(k.units_attainment),
            lang.t("calls", "звонки"),
            format::percent(k.activity.calls_attainment),
            lang.t("meetings", "встречи"),
            format::percent(k.activity.meetings_attainment),
        )));
    }
    f.render_widget(Paragraph::new(vec![Line::from(l1), Line::from(l2)]), area);
}

fn draw_reps(f: &mut Frame, area: Rect, app: &App, report: &Report, reps: &[&RepKpis]) {
    let lang = app.lang;
    let t = &app.theme;
    let cols = Cols::new(area.width, lang);
    let widths = cols.widths(false, None);
    let rows: Vec<Row> = reps
        .iter()
        .map(|x| {
            let r = RowFigures::rep(x, t);
            Row::new(cols.cells(&r, false, t)).style(r.style)
        })
        .collect();
    widgets::RepList {
        header: cols.header(lang.t("Rep", "Менеджер"), false, t),
        header_height: 2,
        widths,
        rows,
        total: Row::new(cols.cells(
            &RowFigures::group(widgets::total_name(app), &report.total, None, t.title),
            false,
            t,
        ))
        .style(t.title),
        flex: ratatui::layout::Flex::Start,
    }
    .draw(f, area, app);
}

/// Per team of the scope (depth-first, indented): averages and counts.
fn draw_teams(f: &mut Frame, area: Rect, app: &App, teams: &[TeamKpis]) {
    let lang = app.lang;
    let t = &app.theme;
    let block = Block::default()
        .borders(Borders::TOP)
        .title(Span::styled(lang.t(" By team ", " По командам "), t.title));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let cols = Cols::new(area.width, lang);
    let name_w = team_name_width(teams);
    let rows: Vec<Row> = teams
        .iter()
        .map(|x| {
            let r = RowFigures::group(team_name(x), &x.kpis, Some(x.reps), t.base);
            Row::new(cols.cells(&r, true, t))
        })
        .collect();
    f.render_widget(
        Table::new(rows, cols.widths(true, Some(name_w)))
            .header(cols.header(lang.t("Team", "Команда"), true, t))
            .column_spacing(1),
        inner,
    );
}

/// A team's name indented by its depth in the tree.
fn team_name(x: &TeamKpis) -> String {
    format!("{}{}", "  ".repeat(x.depth), x.team.name)
}

/// The width the team names need (within reason).
fn team_name_width(teams: &[TeamKpis]) -> u16 {
    teams
        .iter()
        .map(|x| unicode_width::UnicodeWidthStr::width(team_name(x).as_str()) as u16)
        .max()
        .unwrap_or(0)
        .clamp(12, 28)
}

/// The monthly averages behind the teams' sparklines, oldest first.
fn draw_months(f: &mut Frame, area: Rect, app: &App, teams: &[TeamKpis]) {
    let lang = app.lang;
    let t = &app.theme;
    let block = Block::default().borders(Borders::TOP).title(Span::styled(
        lang.t(
            " Monthly averages of the surveys and tests, oldest first ",
            " Средние по месяцам, опросы и тесты, старые слева ",
        ),
        t.title,
    ));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let join = |v: &[f64], f: &dyn Fn(f64) -> String| {
        if v.is_empty() {
            "—".to_string()
        } else {
            v.iter()
                .map(|x| format!("{:>5}", f(*x)))
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    let rows: Vec<Row> = teams
        .iter()
        .map(|x| {
            let p = &x.kpis.people;
            Row::new(vec![
                Cell::from(team_name(x)),
                Cell::from(join(&p.satisfaction_trend, &|v| {
                    format::decimal_in(Some(v), lang)
                })),
                Cell::from(join(&p.knowledge_trend, &|v| pct(Some(v)))),
            ])
        })
        .collect();
    let head = |s: &'static str| Cell::from(Span::styled(s, t.title));
    f.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(team_name_width(teams)),
                Constraint::Length(30),
                Constraint::Fill(1),
            ],
        )
        .header(Row::new(vec![
            head(lang.t("Team", "Команда")),
            head(lang.t("Satisfaction, 1–10", "Удовлетворённость, 1–10")),
            head(lang.t("Knowledge test", "Тест на знание продукта")),
        ]))
        .column_spacing(1),
        inner,
    );
}
