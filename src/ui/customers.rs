//! Customers: the scope's customer economics (#4, #19, #20, #22–#26, #29, #30), then
//! receivables per rep (the list the cursor moves over), sales by location (#28), by
//! campaign (#27) and by product line (#29).

use super::theme::Theme;
use super::widgets::{self, flag, gauge, money_short, trend};
use crate::app::App;
use crate::format::{self, Lang};
use crate::kpi::{Breakdown, CampaignKpis, Kpis, Report};
use crate::model::{Channel, Money};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState};
use unicode_width::UnicodeWidthStr;

/// From this width the pane spells figures out in full and shows every table.
const WIDE: u16 = 120;

/// How figures are written on this screen.
struct Fmt<'a> {
    currency: &'a str,
    lang: Lang,
    wide: bool,
    theme: &'a Theme,
}

impl Fmt<'_> {
    fn money(&self, v: Money) -> String {
        if self.wide {
            format::money(v, self.currency, self.lang)
        } else {
            money_short(v, self.currency, self.lang)
        }
    }

    fn omoney(&self, v: Option<Money>) -> String {
        v.map(|v| self.money(v)).unwrap_or_else(|| "—".into())
    }

    fn t<'s>(&self, en: &'s str, ru: &'s str) -> &'s str {
        self.lang.t(en, ru)
    }

    /// Money in a narrow table cell: in Russian the currency moves to the heading
    /// (`9,9 млн` under `Выручка, ₽`), which keeps the columns narrow enough for 80 columns.
    fn cell(&self, v: Money) -> String {
        let s = self.money(v);
        if self.wide || self.lang == Lang::En {
            return s;
        }
        let sym = format!("\u{a0}{}", format::currency_symbol(self.currency));
        s.strip_suffix(&sym).map(str::to_string).unwrap_or(s)
    }

    fn ocell(&self, v: Option<Money>) -> String {
        v.map(|v| self.cell(v)).unwrap_or_else(|| "—".into())
    }

    /// A money column's heading (with the currency when the cells leave it out).
    fn money_head(&self, en: &str, ru: &str) -> String {
        if self.wide || self.lang == Lang::En {
            self.t(en, ru).to_string()
        } else {
            format!("{ru}, {}", format::currency_symbol(self.currency))
        }
    }
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let Some(report) = app.report() else { return };
    let fm = Fmt {
        currency: &report.currency,
        lang: app.lang,
        wide: area.width >= WIDE,
        theme: &app.theme,
    };
    let (left, right) = economics(&report.total, &fm);
    let econ_h = left.len().max(right.len()) as u16;
    let [econ, _, rest] = Layout::vertical([
        Constraint::Length(econ_h),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(area);
    draw_economics(f, econ, &left, &right);
    if fm.wide {
        draw_wide(f, rest, app, report, &fm);
    } else {
        draw_narrow(f, rest, app, report, &fm);
    }
}

/// Receivables on the left; locations, campaigns and products stacked on the right.
fn draw_narrow(f: &mut Frame, area: Rect, app: &App, report: &Report, fm: &Fmt) {
    let reps = receivables(app, report, fm);
    let left_w = reps
        .natural_width()
        .min(area.width.saturating_sub(30))
        .max(20);
    let [left, bar, right] = Layout::horizontal([
        Constraint::Length(left_w),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(area);
    reps.draw(f, left, Some(app.cursor), fm.theme, None);
    f.render_widget(
        Block::default()
            .borders(Borders::LEFT)
            .border_style(fm.theme.dim),
        bar,
    );
    let pace = report.total.pace.expected_share;
    let tables = [
        locations(&report.locations, pace, fm, 0),
        campaigns(&report.campaigns, fm),
        products(&report.products, fm),
    ];
    stack(f, right, &tables, fm.theme);
}

/// Receivables and locations side by side, then campaigns and product lines in full.
fn draw_wide(f: &mut Frame, area: Rect, app: &App, report: &Report, fm: &Fmt) {
    let reps = receivables(app, report, fm);
    let pace = report.total.pace.expected_share;
    let half = area.width / 2;
    let left_w = reps.natural_width().clamp(half.min(40), half + 10);
    let right_w = area.width.saturating_sub(left_w + 2);
    // The location gauge takes what the other columns leave, within reason.
    let spare = right_w.saturating_sub(locations(&report.locations, pace, fm, 10).natural_width());
    let gauge_w = (10 + spare).clamp(10, 26) as usize;
    let locs = locations(&report.locations, pace, fm, gauge_w);
    let camps = campaigns(&report.campaigns, fm);
    let prods = products(&report.products, fm);
    // Each table has a title line and a heading; the receivables also a total row.
    let camp_h = camps.rows.len().max(1) as u16 + 2;
    let prod_h = prods.rows.len().max(1) as u16 + 2;
    let top_h = (reps.rows.len().max(1) as u16 + 3)
        .max(locs.rows.len().max(1) as u16 + 2)
        .min(area.height.saturating_sub(camp_h + prod_h + 2))
        .max(6);
    let [top, _, mid, _, bottom, _] = Layout::vertical([
        Constraint::Length(top_h),
        Constraint::Length(1),
        Constraint::Length(camp_h),
        Constraint::Length(1),
        Constraint::Length(prod_h),
        Constraint::Min(0),
    ])
    .areas(area);
    let [left, _, right] = Layout::horizontal([
        Constraint::Length(left_w),
        Constraint::Length(2),
        Constraint::Min(0),
    ])
    .areas(top);
    let t = fm.theme;
    reps.draw(
        f,
        left,
        Some(app.cursor),
        t,
        Some(fm.t(" Receivables by rep ", " Дебиторка по менеджерам ")),
    );
    locs.draw(
        f,
        right,
        None,
        t,
        Some(fm.t(" Sales by location ", " Продажи по регионам ")),
    );
    camps.draw(
        f,
        mid,
        None,
        t,
        Some(fm.t(
            " Incremental sales by campaign ",
            " Прирост продаж по кампаниям ",
        )),
    );
    prods.draw(
        f,
        bottom,
        None,
        t,
        Some(fm.t(
            " Average unit price by product line ",
            " Средняя цена единицы по продуктам ",
        )),
    );
}

/// Stacks tables top to bottom with a blank line between them when everything fits;
/// otherwise each gets its heading and a couple of rows first, and the rest of the height
/// goes to them in order (a cut table says how many rows it leaves out).
fn stack(f: &mut Frame, area: Rect, tables: &[Grid], t: &Theme) {
    let need: Vec<u16> = tables
        .iter()
        .map(|g| g.rows.len().max(1) as u16 + 1)
        .collect();
    let total: u16 = need.iter().sum();
    let gaps = tables.len().saturating_sub(1) as u16;
    let gap = u16::from(total + gaps <= area.height);
    let mut heights: Vec<u16> = need.iter().map(|n| (*n).min(3)).collect();
    let mut left = area.height.saturating_sub(heights.iter().sum::<u16>());
    for (h, n) in heights.iter_mut().zip(&need) {
        let more = (n - *h).min(left);
        *h += more;
        left -= more;
    }
    let mut y = area.y;
    let bottom = area.y + area.height;
    for (g, h) in tables.iter().zip(heights) {
        let h = h.min(bottom.saturating_sub(y));
        if h < 2 {
            break;
        }
        g.draw(
            f,
            Rect {
                y,
                height: h,
                ..area
            },
            None,
            t,
            None,
        );
        y += h + gap;
    }
}

/// One labelled figure of the economics block.
struct Item {
    label: String,
    value: Vec<Span<'static>>,
}

fn item(label: &str, value: Vec<Span<'static>>) -> Item {
    Item {
        label: label.to_string(),
        value,
    }
}

/// The scope's customer economics: the left column (money per customer, receivables) and
/// the right one (growth and the customer base).
fn economics(k: &Kpis, fm: &Fmt) -> (Vec<Item>, Vec<Item>) {
    let t = fm.theme;
    let w = fm.wide;
    let c = &k.customers;
    let r = &k.receivables;
    let raw = Span::raw;
    let growth = item(
        fm.t("Growth", "Рост"),
        vec![
            trend(k.growth, true, t),
            raw(if w {
                format!(
                    " {} ({} {})",
                    fm.money(k.revenue.now),
                    fm.t("prev", "было"),
                    fm.money(k.revenue.prev)
                )
            } else {
                format!(" {} {}", fm.t("vs", "к"), fm.money(k.revenue.prev))
            }),
        ],
    );
    let churn = item(
        fm.t("Churn", "Отток"),
        vec![raw(format!(
            "{} · {} {} {}{}",
            format::percent(c.churn_rate),
            c.churned,
            fm.t("of", "из"),
            c.active_at_start,
            if w {
                fm.t(" active at the start", " активных на начало")
            } else {
                ""
            }
        ))],
    );
    let arpu = item(
        "ARPU",
        vec![if c.arpu.is_none() {
            Span::styled(
                fm.t(
                    "— no active customer is assigned here",
                    "— нет закреплённых активных клиентов",
                )
                .to_string(),
                t.dim,
            )
        } else {
            raw(format!(
                "{} · {}{}{}",
                fm.omoney(c.arpu),
                fm.omoney(c.arpu_monthly),
                fm.t("/mo", "/мес"),
                if w {
                    format!(
                        " · {} {}",
                        format::group(c.active, fm.lang),
                        fm.t("active customers", "активных клиентов")
                    )
                } else {
                    String::new()
                }
            ))
        }],
    );
    let after_sale = item(
        fm.t("After sale", "После прод."),
        vec![raw(format!(
            "{} · {} {} {}{}",
            format::percent(c.churn_after_sale),
            c.churned_after_sale,
            fm.t("of", "из"),
            c.sold,
            if w {
                fm.t(" new customers churned", " новых клиентов ушли")
            } else {
                fm.t(" churned", " ушли")
            }
        ))],
    );
    let cac = item(
        "CAC",
        vec![raw(if w {
            format!(
                "{} · {} {} · {} {}",
                fm.omoney(c.cac),
                format::group(c.new.now, fm.lang),
                fm.t("new customers", "новых клиентов"),
                fm.money(c.acquisition_cost),
                fm.t("spent on acquisition", "затрачено на привлечение")
            )
        } else {
            format!(
                "{} · {} {} {} {}",
                fm.omoney(c.cac),
                format::group(c.new.now, fm.lang),
                fm.t("new", "нов."),
                fm.t("for", "на"),
                fm.money(c.acquisition_cost),
            )
        })],
    );
    let repeat = item(
        fm.t("Repeat", "Повторные"),
        vec![raw(format!(
            "{} · {} {}",
            format::group(c.repeat_customers, fm.lang),
            format::percent(c.repeat_revenue_share),
            if w {
                fm.t("of revenue from them", "выручки от них")
            } else {
                fm.t("of revenue", "выручки")
            }
        ))],
    );
    let ratio = c
        .ltv_to_cac
        .map(|x| format::decimal_in(Some(x), fm.lang))
        .unwrap_or_else(|| "—".into());
    let mut ltv = vec![raw(format!("{} · LTV:CAC {ratio}", fm.omoney(c.ltv)))];
    match c.ltv_to_cac {
        Some(x) if x < 3.0 => ltv.push(Span::styled(fm.t(" ! under 3", " ! меньше 3"), t.bad)),
        // A ✓ needs evidence: not a lifetime that is the cap setting.
        Some(_) if !c.lifetime_capped => ltv.push(Span::styled(" ✓", t.good)),
        _ => {}
    }
    match c.lifetime_months {
        // A setting, not a figure from data: say so instead of the bare lifetime.
        Some(_) if w && c.lifetime_note(fm.lang).is_some() => ltv.push(Span::styled(
            format!(" · {}", c.lifetime_note(fm.lang).unwrap_or_default()),
            t.dim,
        )),
        Some(m) if w => ltv.push(raw(format!(
            " · {} {:.0} {}",
            fm.t("lifetime", "срок жизни"),
            m,
            fm.t("months", "мес.")
        ))),
        Some(m) if c.lifetime_capped && c.ltv.is_some() => ltv.push(Span::styled(
            format!(" · {} {m:.0}", fm.t("cap", "предел")),
            t.dim,
        )),
        _ => {}
    }
    let ltv = item("LTV", ltv);
    let upsell = item(
        fm.t("Upsell+cross", "Допродажи"),
        vec![raw(if w {
            format!(
                "{} {} · {} {} ×{} · {} {} ×{}",
                format::percent(k.upsell_cross_sell_share),
                fm.t("of revenue", "выручки"),
                fm.t("upsell", "допродажи"),
                fm.money(k.upsell_revenue),
                k.upsell_deals,
                fm.t("cross-sell", "кросс-продажи"),
                fm.money(k.cross_sell_revenue),
                k.cross_sell_deals
            )
        } else {
            format!(
                "{} {} · {} {}",
                format::percent(k.upsell_cross_sell_share),
                fm.t("of revenue", "выручки"),
                k.upsell_deals + k.cross_sell_deals,
                fm.t("deals", "сд.")
            )
        })],
    );
    let p = &k.average_unit_price;
    let price_change = match (p.now, p.prev) {
        (Some(n), Some(b)) if b > 0 => Some(n as f64 / b as f64 - 1.0),
        _ => None,
    };
    let price = item(
        fm.t("Unit price", "Цена ед."),
        vec![
            raw(format!(
                "{} ({} {}) ",
                fm.omoney(p.now),
                fm.t("prev", "было"),
                fm.omoney(p.prev)
            )),
            trend(price_change, true, t),
        ],
    );
    let mut recv = vec![
        raw(format!("{} · ", fm.money(r.outstanding))),
        flag(r.overdue > 0, t),
        raw(format!(
            "{}{} {}",
            if r.overdue > 0 { " " } else { "" },
            fm.money(r.overdue),
            fm.t("overdue", "просрочено")
        )),
    ];
    if w {
        recv.push(raw(format!(
            " · {} · {} {} {}",
            format::count_of(
                r.overdue_invoices,
                fm.lang,
                ("invoice", "invoices"),
                ("счёт", "счёта", "счетов")
            ),
            fm.t("up to", "до"),
            r.max_days_overdue,
            fm.t("days", "дн.")
        )));
    }
    let recv = item(fm.t("Receivables", "Дебиторка"), recv);
    // No data is not zero: a KPI without its rows says why instead of showing figures.
    let known = |key: &str, it: Item| -> Item {
        match k.lacks(key) {
            [] => it,
            missing => Item {
                label: it.label,
                value: vec![Span::styled(
                    crate::kpi::catalogue::why_blank(missing, fm.lang),
                    t.dim,
                )],
            },
        }
    };
    (
        vec![
            known("arpu", arpu),
            known("cac", cac),
            known("ltv", ltv),
            known("average_unit_price", price),
            known("receivables", recv),
        ],
        vec![
            known("growth", growth),
            known("churn_rate", churn),
            known("churn_after_sale", after_sale),
            known("repeat_customers", repeat),
            known("upsell_cross_sell", upsell),
        ],
    )
}

/// Two columns of "label value", labels padded to their column's widest; the left column
/// is as wide as its longest line, the right one takes the rest.
fn draw_economics(f: &mut Frame, area: Rect, left: &[Item], right: &[Item]) {
    let lines = |items: &[Item]| -> Vec<Vec<Span<'static>>> {
        let label_w = items.iter().map(|i| i.label.width()).max().unwrap_or(0);
        items
            .iter()
            .map(|i| {
                let pad = label_w.saturating_sub(i.label.width());
                let mut spans = vec![Span::raw(format!(" {}{} ", i.label, " ".repeat(pad)))];
                spans.extend(i.value.iter().cloned());
                spans
            })
            .collect()
    };
    let (l, r) = (lines(left), lines(right));
    let natural = l
        .iter()
        .map(|s| s.iter().map(|x| x.content.width()).sum::<usize>())
        .max()
        .unwrap_or(0) as u16;
    // Every line starts with a space, which separates the columns.
    let left_w = natural.min(area.width / 2 + area.width / 5);
    let [la, ra] = Layout::horizontal([Constraint::Length(left_w), Constraint::Min(0)]).areas(area);
    for (spans, rect) in [(l, la), (r, ra)] {
        let text: Vec<Line> = spans
            .into_iter()
            .map(|s| fit_line(s, rect.width as usize))
            .collect();
        f.render_widget(Paragraph::new(text), rect);
    }
}

/// Cuts a line of styled spans to `width` columns, ending in `…` when cut.
fn fit_line(spans: Vec<Span<'static>>, width: usize) -> Line<'static> {
    let total: usize = spans.iter().map(|s| s.content.width()).sum();
    if total <= width {
        return Line::from(spans);
    }
    let mut out = Vec::new();
    let mut left = width;
    for s in spans {
        let w = s.content.width();
        if w < left {
            left -= w;
            out.push(s);
        } else {
            out.push(Span::styled(widgets::fit(&s.content, left.max(1)), s.style));
            if !out.last().is_some_and(|x| x.content.ends_with('…')) {
                out.push(Span::raw("…"));
            }
            break;
        }
    }
    Line::from(out)
}

/// A table whose first column is a name and the others are sized to their content.
struct Grid {
    head: Vec<Line<'static>>,
    rows: Vec<GridRow>,
    total: Option<GridRow>,
    /// The widest the name column may grow.
    name_cap: usize,
    empty: String,
    lang: Lang,
}

struct GridRow {
    name: String,
    cells: Vec<Line<'static>>,
    style: Style,
}

impl Grid {
    fn col_widths(&self) -> Vec<u16> {
        let all = self.rows.iter().chain(self.total.iter());
        let mut w: Vec<u16> = self.head[1..].iter().map(|h| h.width() as u16).collect();
        for r in all {
            for (i, c) in r.cells.iter().enumerate() {
                if let Some(x) = w.get_mut(i) {
                    *x = (*x).max(c.width() as u16);
                }
            }
        }
        w
    }

    fn name_width(&self) -> u16 {
        self.rows
            .iter()
            .chain(self.total.iter())
            .map(|r| r.name.width())
            .chain([self.head[0].width()])
            .max()
            .unwrap_or(0)
            .min(self.name_cap) as u16
    }

    /// The width the table needs to show everything.
    fn natural_width(&self) -> u16 {
        self.name_width() + self.col_widths().iter().map(|w| w + 1).sum::<u16>()
    }

    fn draw(
        &self,
        f: &mut Frame,
        area: Rect,
        selected: Option<usize>,
        t: &Theme,
        title: Option<&str>,
    ) {
        let area = match title {
            Some(title) => {
                let block = Block::default()
                    .borders(Borders::TOP)
                    .title(Span::styled(title.to_string(), t.title));
                let inner = block.inner(area);
                f.render_widget(block, area);
                inner
            }
            None => area,
        };
        if area.width == 0 || area.height == 0 {
            return;
        }
        // Drop columns from the right until the name keeps at least 8 cells.
        let mut cols = self.col_widths();
        while !cols.is_empty() && cols.iter().map(|w| w + 1).sum::<u16>() + 8 > area.width {
            cols.pop();
        }
        let fixed: u16 = cols.iter().map(|w| w + 1).sum();
        let name_w = self
            .name_width()
            .min(area.width.saturating_sub(fixed))
            .max(1);
        let mut widths = vec![Constraint::Length(name_w)];
        widths.extend(cols.iter().map(|w| Constraint::Length(*w)));
        let n = cols.len() + 1;
        let row = |r: &GridRow| -> Row<'static> {
            let mut cells = vec![Line::from(widgets::fit(&r.name, name_w as usize))];
            cells.extend(r.cells.iter().take(n - 1).cloned());
            Row::new(cells).style(r.style)
        };
        let head: Vec<Line> = self
            .head
            .iter()
            .take(n)
            .enumerate()
            .map(|(i, h)| {
                if i == 0 {
                    Line::from(widgets::fit(&h.to_string(), name_w as usize)).style(t.title)
                } else {
                    h.clone().style(t.title)
                }
            })
            .collect();
        let (list_area, total_area) = match (&self.total, area.height) {
            (Some(_), h) if h >= 3 => {
                let [a, b] =
                    Layout::vertical([Constraint::Min(2), Constraint::Length(1)]).areas(area);
                (a, Some(b))
            }
            _ => (area, None),
        };
        let mut rows: Vec<Row> = self.rows.iter().map(row).collect();
        // A list without a cursor that does not fit says how much it leaves out.
        let room = list_area.height.saturating_sub(1) as usize;
        if selected.is_none() && room > 0 && rows.len() > room {
            let hidden = rows.len() - room + 1;
            rows.truncate(room - 1);
            let more = match self.lang {
                Lang::En => format!("… {hidden} more"),
                Lang::Ru => format!("… ещё {hidden}"),
            };
            rows.push(Row::new(vec![Line::from(more)]).style(t.dim));
        }
        let empty = rows.is_empty();
        let table = Table::new(rows, widths.clone())
            .header(Row::new(head))
            .column_spacing(1)
            .row_highlight_style(t.selected);
        let mut state = TableState::default().with_selected(if empty { None } else { selected });
        f.render_stateful_widget(table, list_area, &mut state);
        if empty && list_area.height > 1 {
            f.render_widget(
                Paragraph::new(widgets::fit(&self.empty, list_area.width as usize)).style(t.dim),
                Rect {
                    y: list_area.y + 1,
                    height: 1,
                    ..list_area
                },
            );
        }
        if let (Some(total), Some(total_area)) = (&self.total, total_area) {
            f.render_widget(
                Table::new(vec![row(total)], widths).column_spacing(1),
                total_area,
            );
        }
    }
}

fn right(s: String) -> Line<'static> {
    Line::from(s).right_aligned()
}

/// Headings: the name column's reads from the left, the figures' from the right.
fn head<S: AsRef<str>>(names: &[S]) -> Vec<Line<'static>> {
    names
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let l = Line::from(h.as_ref().to_string());
            if i == 0 { l } else { l.right_aligned() }
        })
        .collect()
}

/// #30 per rep: the list the cursor moves over, with the scope's total.
fn receivables(app: &App, report: &Report, fm: &Fmt) -> Grid {
    let t = fm.theme;
    let cells = |k: &Kpis| -> Vec<Line<'static>> {
        let r = &k.receivables;
        if !k.knows("receivables") {
            // No invoices recorded: nothing outstanding is not the same as nothing owed.
            let n = if fm.wide { 5 } else { 4 };
            return (0..n).map(|_| right("—".into())).collect();
        }
        let overdue = if r.overdue > 0 {
            Line::from(vec![flag(true, t), Span::raw(fm.cell(r.overdue))])
        } else {
            Line::from(fm.cell(r.overdue))
        };
        let mut v = vec![
            right(fm.cell(r.outstanding)),
            overdue.right_aligned(),
            right(r.overdue_invoices.to_string()),
            right(r.max_days_overdue.to_string()),
        ];
        if fm.wide {
            let share = (r.outstanding > 0).then(|| r.overdue as f64 / r.outstanding as f64);
            v.push(right(format::percent(share)));
        }
        v
    };
    let rows = app
        .visible_reps()
        .into_iter()
        .map(|x| GridRow {
            name: x.rep.name.clone(),
            cells: cells(&x.kpis),
            style: if x.rep.active { t.base } else { t.dim },
        })
        .collect();
    let total = GridRow {
        name: format!("Σ {}", app.team_name().unwrap_or(fm.t("Total", "Итого"))),
        cells: cells(&report.total),
        style: t.title,
    };
    let names = if fm.wide {
        vec![
            fm.t("Rep", "Менеджер").to_string(),
            fm.t("Outstanding", "К оплате").to_string(),
            fm.t("Overdue", "Просрочено").to_string(),
            fm.t("Invoices", "Счетов").to_string(),
            fm.t("Max days", "Макс. дней").to_string(),
            fm.t("Overdue %", "Просрочено, %").to_string(),
        ]
    } else {
        vec![
            fm.t("Receivables", "Дебиторка").to_string(),
            fm.money_head("Owed", "Долг"),
            fm.money_head("Overdue", "Просроч."),
            fm.t("Inv", "Сч.").to_string(),
            fm.t("Days", "Дн.").to_string(),
        ]
    };
    Grid {
        lang: fm.lang,
        head: head(&names),
        rows,
        total: Some(total),
        name_cap: if fm.wide { 24 } else { 16 },
        empty: if app.filter.is_empty() {
            fm.t("  No reps in this team.", "  В команде нет менеджеров.")
        } else {
            fm.t("  No names match the filter.", "  Нет имён по фильтру.")
        }
        .to_string(),
    }
}

/// Attainment in a few cells: `101%`, or `!45%` when behind the pace.
fn attainment_cell(ratio: Option<f64>, pace: Option<f64>, t: &Theme) -> Line<'static> {
    let behind = matches!((ratio, pace), (Some(r), Some(p)) if r < p);
    Line::from(vec![flag(behind, t), Span::raw(format::percent(ratio))]).right_aligned()
}

/// #28 sales by location, with #29 unit price and its change. On wide screens the
/// attainment is a gauge `gauge_w` cells wide with the pace marker.
fn locations(list: &[Breakdown], pace: Option<f64>, fm: &Fmt, gauge_w: usize) -> Grid {
    let rows = list
        .iter()
        .map(|b| {
            let pace = pace.filter(|_| b.target.is_some_and(|t| t > 0));
            let mut cells = vec![right(fm.cell(b.revenue.now))];
            cells.push(right(b.won_deals.to_string()));
            if fm.wide {
                cells.push(right(fm.ocell(b.target)));
                cells.push(gauge(b.attainment, pace, gauge_w, fm.theme));
                cells.push(right(fm.ocell(b.average_unit_price.now)));
                cells.push(right(fm.ocell(b.average_unit_price.prev)));
            } else {
                cells.push(attainment_cell(b.attainment, pace, fm.theme));
            }
            cells.push(Line::from(trend(b.unit_price_change, true, fm.theme)).right_aligned());
            GridRow {
                name: b.name.clone(),
                cells,
                style: fm.theme.base,
            }
        })
        .collect();
    let mut head = head(&[
        fm.t("Location", "Регион").to_string(),
        fm.money_head("Revenue", "Выручка"),
        fm.t("Deals", "Сд.").to_string(),
    ]);
    if fm.wide {
        head.push(right(fm.t("Target", "Цель").into()));
        // The gauge's heading reads from the left, over the bar.
        head.push(Line::from(fm.t("Plan │pace", "План │темп").to_string()));
        head.push(right(fm.t("Unit price", "Цена ед.").into()));
        head.push(right(fm.t("Previous", "Была").into()));
        head.push(right(fm.t("Change", "Изм.").into()));
    } else {
        head.push(right(fm.t("Plan", "План").into()));
        head.push(right(fm.t("Price±", "Цена±").into()));
    }
    Grid {
        lang: fm.lang,
        head,
        rows,
        total: None,
        name_cap: if fm.wide { 20 } else { 14 },
        empty: fm
            .t("  No sales by location.", "  Нет продаж по регионам.")
            .into(),
    }
}

fn channel(c: Channel, lang: Lang) -> &'static str {
    match c {
        Channel::Email => lang.t("email", "e-mail"),
        Channel::Social => lang.t("social", "соцсети"),
        Channel::Events => lang.t("events", "мероприятия"),
        Channel::ColdCalls => lang.t("cold calls", "холодные звонки"),
        Channel::Ads => lang.t("ads", "реклама"),
        Channel::Referral => lang.t("referral", "рекомендации"),
        Channel::Other => lang.t("other", "другое"),
    }
}

/// #27 incremental sales and ROI by campaign (`!` when the ROI is negative).
fn campaigns(list: &[CampaignKpis], fm: &Fmt) -> Grid {
    let rows = list
        .iter()
        .map(|c| {
            let roi = Line::from(vec![
                flag(c.roi.is_some_and(|r| r < 0.0), fm.theme),
                Span::raw(format::percent(c.roi)),
            ])
            .right_aligned();
            let cells = if fm.wide {
                vec![
                    Line::from(channel(c.campaign.channel, fm.lang)),
                    right(fm.cell(c.revenue)),
                    right(fm.cell(c.baseline)),
                    right(fm.cell(c.incremental)),
                    right(fm.cell(c.cost)),
                    roi,
                    right(c.new_customers.to_string()),
                    right(fm.ocell(c.cac)),
                ]
            } else {
                vec![right(fm.cell(c.incremental)), roi]
            };
            GridRow {
                name: c.campaign.name.clone(),
                cells,
                style: fm.theme.base,
            }
        })
        .collect();
    let mut head = if fm.wide {
        head(&[
            fm.t("Campaign", "Кампания"),
            "",
            fm.t("Revenue", "Выручка"),
            fm.t("Baseline", "База"),
            fm.t("Incremental", "Прирост"),
            fm.t("Cost", "Затраты"),
            "ROI",
            fm.t("New customers", "Новых клиентов"),
            "CAC",
        ])
    } else {
        head(&[
            fm.t("Campaign", "Кампания").to_string(),
            fm.money_head("Incremental", "Прирост"),
            "ROI".to_string(),
        ])
    };
    if fm.wide {
        head[1] = Line::from(fm.t("Channel", "Канал").to_string());
    }
    Grid {
        lang: fm.lang,
        head,
        rows,
        total: None,
        name_cap: 40,
        empty: fm
            .t(
                "  No campaigns in this period.",
                "  Нет кампаний в периоде.",
            )
            .into(),
    }
}

/// #29 average unit price by product line, with revenue.
fn products(list: &[Breakdown], fm: &Fmt) -> Grid {
    let rows = list
        .iter()
        .map(|b| {
            let mut cells = vec![right(fm.cell(b.revenue.now))];
            if fm.wide {
                cells.push(right(fm.cell(b.revenue.prev)));
                cells.push(right(b.won_deals.to_string()));
                cells.push(right(format::group(b.units, fm.lang)));
            }
            cells.push(right(fm.ocell(b.average_unit_price.now)));
            if fm.wide {
                cells.push(right(fm.ocell(b.average_unit_price.prev)));
            }
            cells.push(Line::from(trend(b.unit_price_change, true, fm.theme)).right_aligned());
            GridRow {
                name: b.name.clone(),
                cells,
                style: fm.theme.base,
            }
        })
        .collect();
    let head = if fm.wide {
        head(&[
            fm.t("Product line", "Продукт"),
            fm.t("Revenue", "Выручка"),
            fm.t("Previous", "Было"),
            fm.t("Deals", "Сделки"),
            fm.t("Units", "Шт."),
            fm.t("Unit price", "Цена ед."),
            fm.t("Previous", "Была"),
            fm.t("Change", "Изм."),
        ])
    } else {
        head(&[
            fm.t("Product", "Продукт").to_string(),
            fm.money_head("Revenue", "Выручка"),
            fm.money_head("Unit price", "Цена"),
            "±".to_string(),
        ])
    };
    Grid {
        lang: fm.lang,
        head,
        rows,
        total: None,
        name_cap: if fm.wide { 24 } else { 14 },
        empty: fm
            .t("  No sales by product line.", "  Нет продаж по продуктам.")
            .into(),
    }
}
