//! The data overlay (`i`): what the figures on show are built from — each kind of source
//! rows, how many the period and the one before hold — and which KPIs show "—" for lack
//! of them, with the reason. An empty pane explains itself here.

use super::widgets;
use crate::app::App;
use crate::format;
use crate::kpi::{CATALOGUE, Source};
use crate::model::Mark;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

/// The overlay's lines (also what the tests read).
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let Some(r) = app.report() else {
        return Vec::new();
    };
    let lang = app.lang;
    let t = &app.theme;
    let k = &r.total;
    let n = |v: i64| format::group(v, lang);
    let mut out = vec![Line::styled(
        format!(
            "{} {} {} {}",
            lang.t("Rows in", "Строк за"),
            r.period.name(lang),
            lang.t("and the period before,", "и период до него,"),
            r.previous.name(lang)
        ),
        t.title,
    )];
    // A kind is missing for the scope when some KPI of it lacks it.
    let lacking = |s: Source| k.no_data.values().any(|m| m.contains(&s));
    let label_w = Source::ALL
        .iter()
        .map(|s| s.label(lang).width())
        .max()
        .unwrap_or(10);
    for s in Source::ALL {
        let (rows, of) = r.coverage.rows(s);
        let count = match of {
            Some(of) => format!("{} {} {}", n(rows), lang.t("of", "из"), n(of)),
            None => n(rows),
        };
        let label = format!("{:<label_w$}", s.label(lang));
        let mark = s.mark(rows, of);
        let line = if lacking(s) {
            Line::from(vec![
                Span::styled("— ", t.bad),
                Span::raw(label),
                Span::styled(format!(" {}", s.missing(lang)), t.dim),
            ])
        } else {
            // No rows, yet no KPI of this view lacks them: nothing to cover here.
            let (symbol, style) = match mark {
                Mark::Present => (Mark::Present.symbol(), t.good),
                Mark::Partial => (Mark::Partial.symbol(), t.warn),
                Mark::None | Mark::NothingToCover => (Mark::NothingToCover.symbol(), t.dim),
            };
            Line::from(vec![
                Span::styled(format!("{symbol} "), style),
                Span::raw(label),
                Span::raw(format!(" {count}")),
            ])
        };
        out.push(line);
    }
    out.push(Line::raw(""));
    if k.no_data.is_empty() {
        out.push(Line::styled(
            lang.t(
                "✓ Every KPI of this view has the rows it needs.",
                "✓ У всех показателей этого вида есть нужные данные.",
            ),
            t.good,
        ));
    } else {
        out.push(Line::styled(
            lang.t(
                "Shown as — for lack of data (not zero):",
                "Показано «—» из-за отсутствия данных (это не ноль):",
            ),
            t.title,
        ));
        for def in CATALOGUE {
            let missing = k.lacks(def.key);
            if missing.is_empty() {
                continue;
            }
            let why: Vec<&str> = missing.iter().map(|s| s.label(lang)).collect();
            out.push(Line::from(vec![
                Span::raw(format!("#{:<2} {} ", def.number, def.label(lang))),
                Span::styled(
                    format!("— {} {}", lang.t("missing:", "нет:"), why.join(", ")),
                    t.dim,
                ),
            ]));
        }
    }
    if let Some(text) = crate::kpi::AlertKind::not_judged_text(k, lang) {
        out.push(Line::raw(""));
        out.push(Line::styled(
            format!("{}: {text}", lang.t("Alert rules", "Правила сигналов")),
            t.dim,
        ));
    }
    out.push(Line::raw(""));
    out.push(Line::styled(
        lang.t(
            "▲/▼ everywhere compare with the period before. `salesboard check` lists the whole file's data with dates.",
            "▲/▼ везде — сравнение с периодом до. `salesboard check` покажет все данные файла с датами.",
        ),
        t.dim,
    ));
    out
}

pub fn draw(f: &mut Frame, body: Rect, app: &App, scroll: u16) {
    let lang = app.lang;
    let text = lines(app);
    let title = format!(
        " {} · {} · {} ",
        lang.t("What the figures are built from", "Из каких данных цифры"),
        app.shown_period().name(lang),
        app.team_name()
            .unwrap_or(lang.t("all teams", "все команды"))
    );
    let block = Block::default().borders(Borders::ALL).title(Span::styled(
        widgets::fit(&title, body.width.saturating_sub(2) as usize),
        app.theme.title,
    ));
    f.render_widget(Clear, body);
    // Lines wrap: count the rows they take (a word wrap may take one more per line).
    let inner = usize::from(body.width.saturating_sub(2)).max(1);
    let rows: usize = text
        .iter()
        .map(|l| match l.width() {
            w if w <= inner => 1,
            w => w.div_ceil(inner) + 1,
        })
        .sum();
    let max_scroll = u16::try_from(rows)
        .unwrap_or(u16::MAX)
        .saturating_sub(body.height.saturating_sub(2));
    f.render_widget(
        Paragraph::new(text)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll.min(max_scroll), 0)),
        body,
    );
}
