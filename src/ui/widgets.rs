//! Small shared pieces: the attainment gauge with its pace marker, trend arrows, flags,
//! sparklines, and width-aware text fitting.

use super::theme::Theme;
use crate::format::{self, Lang};
use crate::model::Money;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// A one-line gauge `width` cells wide: the filled share is `ratio` (capped at the width),
/// `│` marks where the pace says it should be by now; followed by the percentage.
/// Meaning survives without colour: the fill, the marker and the `!` when behind.
pub fn gauge(ratio: Option<f64>, pace: Option<f64>, width: usize, theme: &Theme) -> Line<'static> {
    let pct = format::percent(ratio);
    let bar = width.saturating_sub(5).max(1);
    let Some(r) = ratio.filter(|r| r.is_finite()) else {
        return Line::from(vec![
            Span::styled("·".repeat(bar), theme.dim),
            Span::raw(format!("{pct:>5}")),
        ]);
    };
    let filled = ((r.clamp(0.0, 1.0)) * bar as f64).round() as usize;
    let marker = pace
        .filter(|p| p.is_finite() && *p > 0.0)
        .map(|p| ((p.clamp(0.0, 1.0)) * bar as f64).round() as usize);
    let behind = pace.is_some_and(|p| r < p);
    let mut spans = Vec::new();
    let fill_style = if r >= 1.0 {
        theme.gauge_over
    } else {
        theme.gauge
    };
    for i in 0..bar {
        let is_marker = marker.is_some_and(|m| m.min(bar - 1) == i && m > 0);
        let (ch, style) = if is_marker {
            ("│", theme.pace)
        } else if i < filled {
            ("█", fill_style)
        } else {
            ("·", theme.dim)
        };
        spans.push(Span::styled(ch, style));
    }
    let label = if behind {
        format!("!{pct:>4}")
    } else {
        format!("{pct:>5}")
    };
    spans.push(Span::styled(
        label,
        if behind { theme.bad } else { theme.base },
    ));
    merge(spans)
}

/// Joins neighbouring spans of one style (fewer spans, same cells).
fn merge(spans: Vec<Span<'static>>) -> Line<'static> {
    let mut out: Vec<Span<'static>> = Vec::new();
    for s in spans {
        match out.last_mut() {
            Some(last) if last.style == s.style => {
                let mut t = last.content.to_string();
                t.push_str(&s.content);
                last.content = t.into();
            }
            _ => out.push(s),
        }
    }
    Line::from(out)
}

/// `▲12%` (good when up) or `▼3%`, or "—".
pub fn trend(change: Option<f64>, up_is_good: bool, theme: &Theme) -> Span<'static> {
    let text = format::change(change);
    let style = match change {
        Some(c) if c > 0.0005 => {
            if up_is_good {
                theme.good
            } else {
                theme.bad
            }
        }
        Some(c) if c < -0.0005 => {
            if up_is_good {
                theme.bad
            } else {
                theme.good
            }
        }
        _ => theme.dim,
    };
    Span::styled(text, style)
}

/// A count of a KPI's rows, or "—" when the KPI has no data for the scope.
pub fn known_count(k: &crate::kpi::Kpis, key: &str, n: i64, lang: Lang) -> String {
    if k.knows(key) {
        format::group(n, lang)
    } else {
        "—".into()
    }
}

/// An optional count (a target): "—" when there is none.
pub fn opt_count(n: Option<i64>, lang: Lang) -> String {
    n.map(|v| format::group(v, lang))
        .unwrap_or_else(|| "—".into())
}

/// What ▲/▼ compare with: `vs Oct`, `vs Q3` (`к окт`, `к К3`).
pub fn vs(previous: &crate::period::Period, lang: Lang) -> String {
    format!("{} {}", lang.t("vs", "к"), previous.short(lang))
}

/// A warning flag that reads without colour.
pub fn flag(on: bool, theme: &Theme) -> Span<'static> {
    if on {
        Span::styled("!", theme.bad)
    } else {
        Span::raw(" ")
    }
}

/// `▁▂▄█` for a series (scaled between its own min and max), or "—".
pub fn spark(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return "—".into();
    }
    let (lo, hi) = v
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(*x), b.max(*x))
        });
    v.iter()
        .map(|x| {
            if hi - lo < 1e-9 {
                BARS[3]
            } else {
                BARS[(((x - lo) / (hi - lo)) * 7.0).round() as usize]
            }
        })
        .collect()
}

/// Cuts `s` to at most `width` display columns, ending in `…` when cut.
pub fn fit(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Money for a cell.
pub fn money(v: Money, currency: &str, lang: Lang) -> String {
    format::money(v, currency, lang)
}

/// Optional money for a cell, "—" when missing.
pub fn omoney(v: Option<Money>, currency: &str, lang: Lang) -> String {
    v.map(|v| format::money(v, currency, lang))
        .unwrap_or_else(|| "—".into())
}

/// Money in a compact form for narrow columns: `₽1.2M`, `₽830K` (en) / `1,2 млн ₽` (ru).
pub fn money_short(v: Money, currency: &str, lang: Lang) -> String {
    let units = v as f64 / 100.0;
    let sym = format::currency_symbol(currency);
    let (n, suffix_en, suffix_ru) = if units.abs() >= 1e9 {
        (units / 1e9, "B", " млрд")
    } else if units.abs() >= 1e6 {
        (units / 1e6, "M", " млн")
    } else if units.abs() >= 1e3 {
        (units / 1e3, "K", " тыс")
    } else {
        return format::money(v, currency, lang);
    };
    match lang {
        Lang::En => format!("{sym}{n:.1}{suffix_en}"),
        Lang::Ru => format!(
            "{}{suffix_ru}\u{a0}{sym}",
            format!("{n:.1}").replace('.', ",")
        ),
    }
}

/// A list of reps (or teams) the cursor moves over: its heading, the rows, a line saying
/// why it is empty when it is, and the Σ totals row pinned under it.
pub struct RepList {
    pub header: ratatui::widgets::Row<'static>,
    /// Lines the heading takes (1 or 2).
    pub header_height: u16,
    pub widths: Vec<ratatui::layout::Constraint>,
    pub rows: Vec<ratatui::widgets::Row<'static>>,
    pub total: ratatui::widgets::Row<'static>,
    pub flex: ratatui::layout::Flex,
}

impl RepList {
    /// One row per rep (the name, then `cells` of their figures; inactive reps dimmed)
    /// and the Σ row of the scope's `total`.
    pub fn of_reps(
        app: &crate::app::App,
        header: ratatui::widgets::Row<'static>,
        header_height: u16,
        widths: Vec<ratatui::layout::Constraint>,
        reps: &[&crate::kpi::RepKpis],
        total: &crate::kpi::Kpis,
        cells: impl Fn(&crate::kpi::Kpis) -> Vec<ratatui::widgets::Cell<'static>>,
    ) -> RepList {
        use ratatui::widgets::{Cell, Row};
        let t = &app.theme;
        let row = |name: String, k: &crate::kpi::Kpis| {
            let mut c = vec![Cell::from(name)];
            c.extend(cells(k));
            Row::new(c)
        };
        let rows = reps
            .iter()
            .map(|x| {
                row(x.rep.name.clone(), &x.kpis).style(if x.rep.active { t.base } else { t.dim })
            })
            .collect();
        RepList {
            header,
            header_height,
            widths,
            rows,
            total: row(total_name(app), total).style(t.title),
            flex: ratatui::layout::Flex::Start,
        }
    }

    pub fn draw(self, f: &mut ratatui::Frame, area: ratatui::layout::Rect, app: &crate::app::App) {
        use ratatui::layout::{Constraint, Layout, Rect};
        use ratatui::widgets::{Paragraph, Table, TableState};
        let t = &app.theme;
        let lang = app.lang;
        let empty = self.rows.is_empty();
        let [list_area, total_area] = Layout::vertical([
            Constraint::Min(self.header_height + 1),
            Constraint::Length(1),
        ])
        .areas(area);
        let table = Table::new(self.rows, self.widths.clone())
            .header(self.header.height(self.header_height))
            .column_spacing(1)
            .flex(self.flex)
            .row_highlight_style(t.selected);
        let mut state =
            TableState::default().with_selected(if empty { None } else { Some(app.cursor) });
        f.render_stateful_widget(table, list_area, &mut state);
        if empty && list_area.height > self.header_height {
            let msg = if app.filter.is_empty() {
                lang.t("No reps in this team.", "В команде нет менеджеров.")
            } else {
                lang.t("No names match the filter.", "Нет имён по фильтру.")
            };
            f.render_widget(
                Paragraph::new(format!("  {msg}")).style(t.dim),
                Rect {
                    y: list_area.y + self.header_height,
                    height: 1,
                    ..list_area
                },
            );
        }
        f.render_widget(
            Table::new(vec![self.total], self.widths)
                .column_spacing(1)
                .flex(self.flex),
            total_area,
        );
    }
}

/// The Σ row's name: the selected team's, or "Total".
pub fn total_name(app: &crate::app::App) -> String {
    format!(
        "Σ {}",
        app.team_name().unwrap_or(app.lang.t("Total", "Итого"))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(l: &Line) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn gauge_shows_fill_pace_and_warning_without_colour() {
        let t = Theme::plain();
        let g = text(&gauge(Some(0.5), Some(0.75), 15, &t));
        assert_eq!(g, "█████···│·! 50%");
        assert_eq!(g.width(), 15);
        let ok = text(&gauge(Some(1.2), Some(0.5), 15, &t));
        assert!(ok.ends_with(" 120%") && !ok.contains('!'));
        assert_eq!(text(&gauge(None, None, 10, &t)), "·····    —");
    }

    #[test]
    fn sparks_fits_and_short_money() {
        assert_eq!(spark(&[1.0, 8.0]), "▁█");
        assert_eq!(spark(&[5.0, 5.0]), "▄▄");
        assert_eq!(spark(&[]), "—");
        assert_eq!(fit("Александра Константинова", 10), "Александр…");
        assert_eq!(fit("王小明王小明", 7), "王小明…");
        assert_eq!(money_short(123_456_700, "RUB", Lang::En), "₽1.2M");
        assert_eq!(money_short(83_000_000, "RUB", Lang::Ru), "830,0 тыс\u{a0}₽");
        assert_eq!(trend(Some(0.1), true, &Theme::plain()).content, "▲10%");
    }
}
