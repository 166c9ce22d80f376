//! The rep card: every KPI of one rep (SPEC §3 in order), their satisfaction and knowledge
//! history, revenue by day, their alerts and the latest entries about them.

use super::widgets::{self, gauge, spark};
use crate::app::App;
use crate::model::RepId;
use crate::report;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

pub fn draw(f: &mut Frame, body: Rect, app: &App, rep: RepId, scroll: u16) {
    let Some(r) = app.report() else { return };
    let Some(x) = r.reps.iter().find(|x| x.rep.id == rep) else {
        return;
    };
    let lang = app.lang;
    let t = &app.theme;
    let k = &x.kpis;
    f.render_widget(Clear, body);
    let title = format!(
        " {} · {} · {} · {} {}{} ",
        x.rep.name,
        x.team,
        if x.rep.region.is_empty() {
            "—"
        } else {
            &x.rep.region
        },
        lang.t("hired", "принят"),
        x.rep.hired_on.format("%d.%m.%Y"),
        if x.rep.active {
            ""
        } else {
            lang.t(" · inactive", " · не работает")
        }
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(title, t.title));
    let inner = block.inner(body);
    f.render_widget(block, body);

    let wide = inner.width >= 110;
    let [left, right] = if wide {
        Layout::horizontal([Constraint::Percentage(64), Constraint::Percentage(36)]).areas(inner)
    } else {
        [inner, Rect::default()]
    };

    // The rep's KPIs, scrollable.
    let lines = report::lines(k, &r.currency, lang);
    let label_w = lines
        .iter()
        .map(|l| l.label.width() + 4)
        .max()
        .unwrap_or(20)
        .min(left.width as usize / 2);
    let mut text: Vec<Line> = Vec::new();
    let gauge_w = (left.width as usize)
        .saturating_sub(label_w + 2)
        .clamp(10, 30);
    text.push(Line::from(
        vec![
            Span::styled(
                format!("{:<label_w$}", lang.t("Plan │pace", "План │темп")),
                t.title,
            ),
            Span::raw(" "),
        ]
        .into_iter()
        .chain(
            gauge(
                k.revenue_attainment,
                if k.targets.revenue.is_some_and(|t| t > 0) {
                    k.pace.expected_share
                } else {
                    None
                },
                gauge_w,
                t,
            )
            .spans,
        )
        .collect::<Vec<_>>(),
    ));
    // What every ▲/▼ and "previous" on the card is compared with.
    text.push(Line::styled(
        format!(
            "{:<label_w$} {}",
            lang.t("Compared with", "Сравнение с"),
            r.previous.name(lang)
        ),
        t.dim,
    ));
    for l in &lines {
        let label = widgets::fit(&format!("#{:<2} {}", l.number, l.label), label_w);
        let warn = l.missing.is_empty() && (l.text.starts_with('!') || l.text.contains(" ! "));
        text.push(Line::from(vec![
            Span::styled(
                format!(
                    "{label:<w$}",
                    w = label_w - (label.width() - label.chars().count())
                ),
                t.dim,
            ),
            Span::raw(" "),
            Span::styled(
                l.text.clone(),
                if warn {
                    t.bad
                } else if l.missing.is_empty() {
                    t.base
                } else {
                    t.dim
                },
            ),
        ]));
    }
    let mut extra = history(app, x);
    if !wide {
        text.push(Line::raw(""));
        text.append(&mut extra);
    }
    // Long lines wrap; scrolling stops where the last line has been reached.
    let max_scroll = (text.len() as u16).saturating_sub(left.height / 2);
    f.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .scroll((scroll.min(max_scroll), 0)),
        left,
    );
    if wide {
        f.render_widget(Paragraph::new(extra).wrap(Wrap { trim: false }), right);
    }
}

/// Trends, alerts and latest entries of the rep.
fn history(app: &App, x: &crate::kpi::RepKpis) -> Vec<Line<'static>> {
    let lang = app.lang;
    let t = &app.theme;
    let mut out = Vec::new();
    let ints = |v: &[i64]| v.iter().map(|s| *s as f64).collect::<Vec<_>>();
    let score = |v: &[i64], unit: &str, none: crate::kpi::Source| match v.last() {
        Some(s) => format!("{s}{unit}"),
        None => none.missing(lang).to_string(),
    };
    out.push(Line::from(vec![
        Span::styled(
            format!("{:<16}", lang.t("Satisfaction", "Удовлетвор.")),
            t.title,
        ),
        Span::raw(format!("{} ", spark(&ints(&x.satisfaction_history)))),
        Span::raw(score(
            &x.satisfaction_history,
            "/10",
            crate::kpi::Source::Surveys,
        )),
        if x.kpis.people.burnout_risk > 0 {
            Span::styled(lang.t("  ! burnout risk", "  ! риск выгорания"), t.bad)
        } else {
            Span::raw("")
        },
    ]));
    out.push(Line::from(vec![
        Span::styled(format!("{:<16}", lang.t("Knowledge", "Знания")), t.title),
        Span::raw(format!("{} ", spark(&ints(&x.knowledge_history)))),
        Span::raw(score(&x.knowledge_history, "%", crate::kpi::Source::Tests)),
        if x.kpis.people.knowledge_below_min > 0 {
            Span::styled(lang.t("  ! under minimum", "  ! ниже минимума"), t.bad)
        } else {
            Span::raw("")
        },
    ]));
    let daily: Vec<f64> = x.kpis.daily_revenue.iter().map(|v| *v as f64).collect();
    out.push(Line::from(vec![
        Span::styled(
            format!("{:<16}", lang.t("Revenue by day", "Выручка по дням")),
            t.title,
        ),
        Span::raw(spark(&daily)),
    ]));
    out.push(Line::raw(""));
    let alerts: Vec<&crate::kpi::Alert> = app
        .report()
        .map(|r| {
            r.alerts
                .iter()
                .filter(|a| a.rep_id == Some(x.rep.id))
                .collect()
        })
        .unwrap_or_default();
    out.push(Line::styled(
        format!("{} ({})", lang.t("Alerts", "Сигналы"), alerts.len()),
        t.title,
    ));
    if alerts.is_empty() {
        let (text, checked) = crate::kpi::AlertKind::none_text(&x.kpis, lang);
        out.push(Line::styled(text, if checked { t.good } else { t.base }));
    }
    if let Some(text) = crate::kpi::AlertKind::not_judged_text(&x.kpis, lang) {
        out.push(Line::styled(format!("— {text}"), t.dim));
    }
    for a in alerts {
        let text = match lang {
            crate::format::Lang::En => a
                .message
                .split_once(": ")
                .map(|(_, m)| m)
                .unwrap_or(&a.message)
                .to_string(),
            crate::format::Lang::Ru => a.kind.label(lang).to_string(),
        };
        out.push(Line::from(vec![Span::styled("! ", t.bad), Span::raw(text)]));
    }
    out.push(Line::raw(""));
    out.push(Line::styled(
        lang.t("Latest entries", "Последние записи"),
        t.title,
    ));
    let entries: Vec<&crate::model::EntryLine> = app
        .snapshot
        .as_ref()
        .map(|s| {
            s.recent
                .iter()
                .filter(|e| e.rep == x.rep.name)
                .take(8)
                .collect()
        })
        .unwrap_or_default();
    if entries.is_empty() {
        out.push(Line::styled(
            lang.t(
                "none typed in salesboard yet",
                "в salesboard пока ничего не вводили",
            ),
            t.dim,
        ));
    }
    for e in entries {
        let when = chrono::DateTime::from_timestamp(e.entered_at, 0)
            .map(|d| {
                d.with_timezone(&chrono::Local)
                    .format("%d.%m %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        out.push(Line::raw(format!(
            "{when}  {}  {}  ({})",
            super::activity::entity_name(&e.entity, lang),
            super::activity::summary_text(e, lang),
            e.entered_by.as_deref().unwrap_or("—")
        )));
    }
    out
}
