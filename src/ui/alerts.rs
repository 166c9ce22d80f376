//! Alerts (#34): every warning of the period, newest first, with a count by kind; the
//! cursor moves over them and Enter opens the rep's card.

use super::theme::Theme;
use super::widgets;
use crate::app::App;
use crate::format::{self, Lang};
use crate::kpi::{Alert, AlertKind, Report};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState, Wrap};
use std::collections::BTreeMap;
use unicode_width::UnicodeWidthStr;

/// From this width the list gets team, value and threshold columns.
const WIDE: u16 = 120;

/// A kind of alert in words.
fn kind_words(kind: AlertKind, lang: Lang) -> &'static str {
    kind.label(lang)
}

/// Who the alert is about: the rep, or the scope for figures of the whole scope.
fn who(a: &Alert, app: &App) -> String {
    match &a.rep {
        Some(r) => r.clone(),
        None => app
            .team_name()
            .unwrap_or(app.lang.t("whole company", "вся компания"))
            .to_string(),
    }
}

fn pct(v: f64) -> String {
    format::percent(Some(v))
}

/// The alert's detail without the name in front (the row shows it) and without the kind
/// repeated; in Russian, worded here from the alert's numbers.
fn detail(a: &Alert, report: &Report, lang: Lang) -> String {
    match lang {
        Lang::En => {
            let mut s = a.message.as_str();
            let prefix = a.rep.as_deref().unwrap_or(report.scope.as_str());
            if let Some(rest) = s.strip_prefix(prefix).and_then(|r| r.strip_prefix(": ")) {
                s = rest;
            }
            let kind = kind_words(a.kind, Lang::En);
            if let Some(rest) = s.strip_prefix(kind).and_then(|r| r.strip_prefix(" — ")) {
                s = rest;
            }
            s.to_string()
        }
        Lang::Ru => detail_ru(a, report),
    }
}

fn detail_ru(a: &Alert, report: &Report) -> String {
    let k = a
        .rep_id
        .and_then(|id| report.reps.iter().find(|r| r.rep.id == id))
        .map(|r| &r.kpis);
    let (v, th) = (a.value, a.threshold);
    let dec = |x: f64| format::decimal_in(Some(x), Lang::Ru);
    match a.kind {
        AlertKind::BehindPace => format!(
            "выполнено {} плана, к этому дню ожидалось {}",
            pct(v),
            pct(th)
        ),
        AlertKind::LowWinRate => match k {
            Some(k) => format!(
                "выиграно {} закрытых сделок ({} из {}), порог {}",
                pct(v),
                k.funnel.closed_won,
                k.funnel.closed_won + k.funnel.closed_lost,
                pct(th)
            ),
            None => format!("выиграно {} закрытых сделок, порог {}", pct(v), pct(th)),
        },
        AlertKind::SlowCycle => {
            format!("цикл сделки {v:.0} дн. при {th:.0} дн. у команды — возможно, нужен коучинг")
        }
        AlertKind::BurnoutRisk if v <= th => {
            format!("удовлетворённость {v:.0}/10 (риск при {th:.0} и ниже)")
        }
        AlertKind::BurnoutRisk => format!("удовлетворённость резко упала, сейчас {v:.0}/10"),
        AlertKind::OverdueInvoices => {
            let sum = format::money(v.round() as i64, &report.currency, Lang::Ru);
            match k {
                Some(k) => format!(
                    "просрочено {sum}; счетов: {}, до {} дн.",
                    k.receivables.overdue_invoices, k.receivables.max_days_overdue
                ),
                None => format!("просрочено {sum}"),
            }
        }
        AlertKind::ResponseOverSla => match k {
            Some(k) => format!(
                "{v:.0} из {} обращений: ответ позже {th:.0} мин или его нет",
                k.activity.inquiries
            ),
            None => format!("обращений с ответом позже {th:.0} мин или без ответа: {v:.0}"),
        },
        AlertKind::MeetingsBelowMinimum => {
            let n = k
                .map(|k| format!("встреч {}, это ", k.activity.meetings.now))
                .unwrap_or_default();
            format!("{n}{} плана к этому дню (минимум {})", pct(v), pct(th))
        }
        AlertKind::KnowledgeBelowMinimum => {
            format!("тест по продукту {v:.0}% (минимум {th:.0}%)")
        }
        AlertKind::FewWinsPerCall => format!(
            "{} выигранных сделок на 100 звонков (норма — от {th:.0})",
            dec(v)
        ),
        AlertKind::CustomersNotContacted => {
            format!("клиентов без контакта дольше {th:.0} дн.: {v:.0}")
        }
        AlertKind::LowLtvToCac => {
            format!("LTV : CAC = {} (норма — от {})", dec(v), dec(th))
        }
    }
}

/// The rules that could not judge this scope for lack of data, in one line (none when
/// every rule had its data).
fn not_judged_line(report: &Report, lang: Lang, t: &Theme, width: usize) -> Option<Line<'static>> {
    let text = format!(
        " — {} (i)",
        AlertKind::not_judged_text(&report.total, lang)?
    );
    // Too long for one line: the count here, the names in the data overlay (i).
    let text = if text.width() <= width {
        text
    } else {
        let n = AlertKind::not_judged(&report.total).len() as i64;
        format!(
            " — {} {}",
            format::count_of(n, lang, ("rule", "rules"), ("правило", "правила", "правил")),
            lang.t(
                "not judged for lack of data: see i",
                "без проверки, нет данных: см. i"
            )
        )
    };
    Some(Line::styled(widgets::fit(&text, width), t.dim))
}

/// The alert's figure and the threshold it crossed, for the wide columns.
fn value_and_limit(a: &Alert, report: &Report, lang: Lang) -> (String, String) {
    let (v, th) = (a.value, a.threshold);
    let dec = |x: f64| format::decimal_in(Some(x), lang);
    let days = lang.t("d", "дн.");
    match a.kind {
        AlertKind::BehindPace | AlertKind::LowWinRate | AlertKind::MeetingsBelowMinimum => {
            (pct(v), pct(th))
        }
        AlertKind::SlowCycle => (format!("{v:.0} {days}"), format!("{th:.0} {days}")),
        AlertKind::BurnoutRisk => (format!("{v:.0}/10"), format!("≤{th:.0}")),
        AlertKind::OverdueInvoices => (
            format::money(v.round() as i64, &report.currency, lang),
            "—".into(),
        ),
        AlertKind::ResponseOverSla => (
            format!("{v:.0}"),
            format!("{th:.0} {}", lang.t("min", "мин")),
        ),
        AlertKind::KnowledgeBelowMinimum => (format!("{v:.0}%"), format!("{th:.0}%")),
        AlertKind::FewWinsPerCall => (dec(v), format!("{th:.0}")),
        AlertKind::CustomersNotContacted => (format!("{v:.0}"), format!("{th:.0} {days}")),
        AlertKind::LowLtvToCac => (dec(v), dec(th)),
    }
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let Some(report) = app.report() else { return };
    let lang = app.lang;
    let t = &app.theme;
    let alerts = app.visible_alerts();
    let blind = not_judged_line(report, lang, t, area.width as usize);
    if alerts.is_empty() {
        let msg = if !app.filter.is_empty() {
            Span::styled(
                lang.t(" No alerts match the filter.", " Нет сигналов по фильтру."),
                t.dim,
            )
        } else {
            // No alert from the rules that have data is not "nothing to warn about".
            let (text, checked) = AlertKind::none_text(&report.total, lang);
            Span::styled(format!(" {text}"), if checked { t.good } else { t.base })
        };
        let mut lines = vec![Line::from(msg)];
        lines.extend(blind);
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
        return;
    }
    let wide = area.width >= WIDE;
    let mut summary = summary_lines(&alerts, lang, t, area.width as usize);
    summary.extend(blind);
    // The selected alert is also shown in full under the list (the column may cut it).
    let detail_h = if area.height < 10 { 0 } else { 3 };
    let [top, _, list, bottom] = Layout::vertical([
        Constraint::Length(summary.len() as u16),
        Constraint::Length(1),
        Constraint::Min(2),
        Constraint::Length(detail_h),
    ])
    .areas(area);
    f.render_widget(Paragraph::new(summary), top);
    draw_table(f, list, app, report, &alerts, wide);
    if detail_h > 0
        && let Some(a) = alerts.get(app.cursor.min(alerts.len() - 1))
    {
        let text = Line::from(vec![
            Span::styled("› ", t.key),
            Span::styled(
                format!("{} ", crate::format::alert_when(a, app.lang)),
                t.dim,
            ),
            Span::styled("! ", t.bad),
            Span::styled(format!("{}: ", who(a, app)), t.title),
            Span::raw(format!(
                "{} — {}",
                kind_words(a.kind, lang),
                detail(a, report, lang)
            )),
        ]);
        let [_, box_area] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(bottom);
        f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), box_area);
    }
}

/// "! 14 alerts: behind pace 3 · …", wrapped to the width (at most three lines).
fn summary_lines(alerts: &[&Alert], lang: Lang, t: &Theme, width: usize) -> Vec<Line<'static>> {
    let mut counts: BTreeMap<AlertKind, usize> = BTreeMap::new();
    for a in alerts {
        *counts.entry(a.kind).or_default() += 1;
    }
    let head = match lang {
        Lang::En => format!(
            " ! {} alert{}:",
            alerts.len(),
            if alerts.len() == 1 { "" } else { "s" }
        ),
        Lang::Ru => format!(" ! всего {}:", alerts.len()),
    };
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut cur: Vec<Span<'static>> = vec![Span::styled(head.clone(), t.bad)];
    let mut used = head.width();
    for (i, (kind, n)) in counts.iter().enumerate() {
        let piece = format!("{} {n}", kind_words(*kind, lang));
        let sep = if i == 0 { " " } else { " · " };
        if i > 0 && used + sep.width() + piece.width() > width {
            lines.push(Line::from(std::mem::take(&mut cur)));
            used = 3 + piece.width();
            cur.push(Span::raw(format!("   {piece}")));
        } else {
            used += sep.width() + piece.width();
            cur.push(Span::raw(format!("{sep}{piece}")));
        }
    }
    lines.push(Line::from(cur));
    lines.truncate(3);
    lines
}

fn draw_table(
    f: &mut Frame,
    area: Rect,
    app: &App,
    report: &Report,
    alerts: &[&Alert],
    wide: bool,
) {
    let lang = app.lang;
    let t = &app.theme;
    let kind_w = alerts
        .iter()
        .map(|a| kind_words(a.kind, lang).width())
        .max()
        .unwrap_or(4)
        .clamp(4, 24) as u16;
    let rep_w = alerts
        .iter()
        .map(|a| who(a, app).width())
        .max()
        .unwrap_or(4)
        .clamp(4, if wide { 24 } else { 16 }) as u16;
    let team = |a: &Alert| -> String {
        a.rep_id
            .and_then(|id| report.reps.iter().find(|r| r.rep.id == id))
            .map(|r| r.team.clone())
            .unwrap_or_default()
    };
    let team_w = alerts
        .iter()
        .map(|a| team(a).width())
        .max()
        .unwrap_or(4)
        .clamp(4, 20) as u16;
    let mut widths = vec![
        Constraint::Length(11),
        Constraint::Length(1),
        Constraint::Length(kind_w),
        Constraint::Length(rep_w),
    ];
    let mut head = vec![
        lang.t("When", "Когда"),
        "",
        lang.t("Alert", "Сигнал"),
        lang.t("Who", "Кто"),
    ];
    if wide {
        widths.extend([
            Constraint::Length(team_w),
            Constraint::Length(12),
            Constraint::Length(8),
        ]);
        head.extend([
            lang.t("Team", "Команда"),
            lang.t("Value", "Значение"),
            lang.t("Limit", "Порог"),
        ]);
    }
    widths.push(Constraint::Min(10));
    head.push(lang.t("Detail", "Подробности"));
    let head_row = Row::new(
        head.iter()
            .enumerate()
            .map(|(i, h)| {
                let l = Line::from(h.to_string());
                // Value and limit read from the right, like the figures under them.
                if wide && (i == 5 || i == 6) {
                    l.right_aligned()
                } else {
                    l
                }
            })
            .collect::<Vec<_>>(),
    )
    .style(t.title);
    let rows: Vec<Row> = alerts
        .iter()
        .map(|a| {
            let mut cells = vec![
                Line::from(crate::format::alert_when(a, app.lang)),
                Line::from(Span::styled("!", t.bad)),
                Line::from(widgets::fit(kind_words(a.kind, lang), kind_w as usize)),
                Line::from(widgets::fit(&who(a, app), rep_w as usize)),
            ];
            if wide {
                let (v, l) = value_and_limit(a, report, lang);
                cells.push(Line::from(widgets::fit(&team(a), team_w as usize)));
                cells.push(Line::from(v).right_aligned());
                cells.push(Line::from(l).right_aligned());
            }
            cells.push(Line::from(detail(a, report, lang)));
            Row::new(cells)
        })
        .collect();
    let table = Table::new(rows, widths)
        .header(head_row)
        .column_spacing(1)
        .row_highlight_style(t.selected);
    let mut state = TableState::default().with_selected(Some(app.cursor.min(alerts.len() - 1)));
    f.render_stateful_widget(table, area, &mut state);
}
