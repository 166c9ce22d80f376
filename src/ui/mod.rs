//! Rendering: a pure function of [`App`]. One module per pane; the frame (header, tabs,
//! footer), overlays (help, team picker, rep card) and the "too small" notice live here.

mod activity;
mod alerts;
mod card;
mod customers;
mod cycle;
pub mod data;
pub mod form;
mod funnel;
mod plan;
mod team;
pub mod theme;
pub mod widgets;

use crate::app::keys;
use crate::app::{App, Overlay, Pane};
use crate::format::Lang;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph, Wrap};

/// The smallest terminal the board lays out for; below it a notice is shown instead.
pub const MIN_WIDTH: u16 = 64;
pub const MIN_HEIGHT: u16 = 18;

/// Draws the whole board.
pub fn draw(f: &mut Frame, app: &App) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(f, area, app.lang);
        return;
    }
    let banner = banner(app, area.width as usize);
    let [header, banner_area, tabs, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(u16::from(banner.is_some())),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(f, header, app);
    if let Some(line) = banner {
        f.render_widget(Paragraph::new(line), banner_area);
    }
    draw_tabs(f, tabs, app);
    if app.report().is_none() {
        let msg = match &app.error {
            Some(e) => format!(
                "{} {e}",
                app.lang
                    .t("Cannot read the figures:", "Не удалось получить данные:")
            ),
            None => app
                .lang
                .t("Loading the figures…", "Загрузка данных…")
                .to_string(),
        };
        f.render_widget(
            Paragraph::new(msg)
                .alignment(Alignment::Center)
                .wrap(Wrap { trim: true }),
            centered(body, body.width, 3),
        );
    } else {
        match app.pane {
            Pane::Plan => plan::draw(f, body, app),
            Pane::Funnel => funnel::draw(f, body, app),
            Pane::Cycle => cycle::draw(f, body, app),
            Pane::Activity => activity::draw(f, body, app),
            Pane::Team => team::draw(f, body, app),
            Pane::Customers => customers::draw(f, body, app),
            Pane::Alerts => alerts::draw(f, body, app),
        }
    }
    draw_footer(f, footer, app);
    match &app.overlay {
        Overlay::None => {}
        Overlay::Help => draw_help(f, body, app),
        Overlay::Picker { selected } => draw_picker(f, body, app, *selected),
        Overlay::Card { rep, scroll } => card::draw(f, body, app, *rep, *scroll),
        Overlay::Data { scroll } => data::draw(f, body, app, *scroll),
        Overlay::Menu { selected } => draw_menu(f, body, app, *selected),
        Overlay::Entries { selected, confirm } => draw_entries(f, body, app, *selected, *confirm),
    }
    if let Some(open) = &app.form {
        let reps = app.rep_names();
        let customers = app
            .snapshot
            .as_ref()
            .map(|s| s.customers.clone())
            .unwrap_or_default();
        let suggestions = open.form.suggestions(&reps, &customers);
        form::draw(f, body, &open.form, app.lang, &app.theme, &suggestions);
    }
}

fn too_small(f: &mut Frame, area: Rect, lang: Lang) {
    let text = format!(
        "{} {}×{} ({} {MIN_WIDTH}×{MIN_HEIGHT})",
        lang.t("Terminal too small:", "Окно слишком мало:"),
        area.width,
        area.height,
        lang.t("need", "нужно")
    );
    let height = 3.min(area.height);
    f.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        centered(area, area.width, height),
    );
}

/// A `width`×`height` rectangle in the middle of `area` (clipped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// The period whose figures are on screen, as people say it (the period asked for while
/// no figures have arrived yet).
pub fn period_label(app: &App) -> String {
    app.shown_period().name(app.lang)
}

fn local_hms(at: i64, fmt: &str) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.with_timezone(&chrono::Local).format(fmt).to_string())
        .unwrap_or_default()
}

fn draw_header(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let lang = app.lang;
    let team = app
        .team_name()
        .unwrap_or(lang.t("all teams", "все команды"));
    let left = format!(
        " {}{} · {} · {}{}",
        if area.width >= 100 {
            "salesboard · "
        } else {
            ""
        },
        app.db_name,
        period_label(app),
        team,
        if app.read_only {
            lang.t(" · READ-ONLY", " · ТОЛЬКО ЧТЕНИЕ")
        } else if app.cannot_write() {
            lang.t(" · VIEWER", " · ПРОСМОТР")
        } else {
            ""
        }
    );
    let updated = match &app.snapshot {
        // Figures for another period or team were asked for and are on their way: until
        // they come, the header keeps naming the period and team of the figures on screen.
        Some(_) if app.loading_period() && app.period != app.shown_period() => format!(
            "{} {}…",
            lang.t("loading", "загрузка:"),
            app.period.name(lang)
        ),
        Some(s) if app.loading_period() && s.team != app.team => {
            lang.t("loading…", "загрузка…").to_string()
        }
        Some(s) => format!(
            "{} {}",
            lang.t("updated", "обновлено"),
            local_hms(s.computed_at, "%H:%M:%S")
        ),
        None => lang.t("loading…", "загрузка…").to_string(),
    };
    let right = format!("{updated} · {} ", local_hms(app.now, "%H:%M"));
    let width = area.width as usize;
    let right_w = unicode_width::UnicodeWidthStr::width(right.as_str());
    let left = widgets::fit(&left, width.saturating_sub(right_w + 1));
    let pad = width.saturating_sub(unicode_width::UnicodeWidthStr::width(left.as_str()) + right_w);
    let line = Line::from(vec![
        Span::raw(left),
        Span::raw(" ".repeat(pad)),
        Span::raw(right),
    ])
    .style(t.header);
    f.render_widget(Paragraph::new(line), area);
}

/// One line under the header when something needs saying: an error, a fallback period.
fn banner(app: &App, width: usize) -> Option<Line<'static>> {
    let t = &app.theme;
    if let Some(e) = &app.error {
        return Some(Line::styled(
            format!(" ! {}", crate::text::clean(e)),
            t.banner,
        ));
    }
    if let Some(s) = &app.status {
        let style = if s.starts_with('!') || app.read_only {
            t.bad
        } else {
            t.good
        };
        return Some(Line::styled(format!(" {s}"), style));
    }
    Some(Line::styled(
        format!(" {}", banner_text(app, width.saturating_sub(1))?),
        t.warn,
    ))
}

/// The notice about the period on show beside the current one (see
/// [`crate::engine::PeriodNote::text`]), if it needs one, within `width` columns.
pub fn banner_text(app: &App, width: usize) -> Option<String> {
    let snap = app.snapshot.as_ref()?;
    snap.note?.text_within(
        &snap.report.period,
        app.lang,
        crate::engine::Switch::Key('c'),
        width,
    )
}

fn draw_tabs(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let wide = area.width >= 100;
    let mut spans = Vec::new();
    for (i, p) in Pane::ALL.iter().enumerate() {
        let alerts = if *p == Pane::Alerts {
            app.report()
                .map(|r| format!(" {}", r.alerts.len()))
                .unwrap_or_default()
        } else {
            String::new()
        };
        let title = p.title(app.lang);
        let title = if wide || *p == app.pane {
            title.to_string()
        } else {
            widgets::fit(title, 6)
        };
        let text = format!(" {}:{title}{alerts} ", i + 1);
        spans.push(Span::styled(
            text,
            if *p == app.pane { t.tab_active } else { t.tab },
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_footer(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let lang = app.lang;
    let mut spans = Vec::new();
    if app.filtering {
        spans.push(Span::styled(format!(" / {}▏", app.filter), t.key));
        spans.push(Span::raw(format!(
            "  Enter {} · Esc {}",
            lang.t("keep", "оставить"),
            lang.t("clear", "сбросить")
        )));
    } else {
        if !app.filter.is_empty() {
            spans.push(Span::styled(format!(" /{} ", app.filter), t.warn));
        }
        // Hints in the table's order of importance, as many as fit.
        let mut used: usize = spans
            .iter()
            .map(|s| unicode_width::UnicodeWidthStr::width(s.content.as_ref()))
            .sum();
        for (key, what) in keys::hints(app.context(), lang) {
            let w = unicode_width::UnicodeWidthStr::width(key)
                + unicode_width::UnicodeWidthStr::width(what)
                + 3;
            if used + w > area.width as usize {
                break;
            }
            used += w;
            spans.push(Span::styled(format!(" {key}"), t.key));
            spans.push(Span::raw(format!(" {what} ")));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn overlay_block<'a>(title: &'a str, app: &App) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(format!(" {title} "), app.theme.title))
}

fn draw_help(f: &mut Frame, body: Rect, app: &App) {
    let lang = app.lang;
    let entries = keys::help(lang);
    let key_w = entries
        .iter()
        .map(|(k, _)| unicode_width::UnicodeWidthStr::width(k.as_str()))
        .max()
        .unwrap_or(4);
    let mut lines: Vec<Line> = entries
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{k:<key_w$}  "), app.theme.key),
                Span::raw(*what),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    if let Some(r) = app.report() {
        lines.push(Line::styled(
            format!(
                "▲/▼ {} {}",
                lang.t(
                    "compare with the period before:",
                    "— сравнение с периодом до:"
                ),
                r.previous.name(lang)
            ),
            app.theme.dim,
        ));
    }
    lines.push(Line::styled(
        lang.t(
            "— means no value: no data for it (i shows which), not zero.",
            "«—» — значения нет: нет данных (i покажет каких), это не ноль.",
        ),
        app.theme.dim,
    ));
    lines.push(Line::styled(
        lang.t(
            "Figures refresh by themselves when anyone writes to the database.",
            "Данные обновляются сами, когда кто-то пишет в базу.",
        ),
        app.theme.dim,
    ));
    let area = centered(body, 64, lines.len() as u16 + 2);
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines).block(overlay_block(lang.t("Keys", "Клавиши"), app)),
        area,
    );
}

fn draw_menu(f: &mut Frame, body: Rect, app: &App, selected: usize) {
    let lang = app.lang;
    let items: Vec<ListItem> = crate::app::form::FormKind::ALL
        .iter()
        .map(|k| ListItem::new(k.title(lang).to_string()))
        .collect();
    let area = centered(body, 40, items.len() as u16 + 2);
    let mut state = ListState::default().with_selected(Some(selected));
    f.render_widget(Clear, area);
    f.render_stateful_widget(
        List::new(items)
            .block(overlay_block(lang.t("Add", "Добавить"), app))
            .highlight_style(app.theme.selected)
            .highlight_symbol("› "),
        area,
        &mut state,
    );
}

/// The latest entries typed into salesboard: Enter corrects one, d deletes it (after a
/// y/n question), u brings the last deletion back.
fn draw_entries(f: &mut Frame, body: Rect, app: &App, selected: usize, confirm: bool) {
    let lang = app.lang;
    let t = &app.theme;
    let recent: &[crate::model::EntryLine] = app
        .snapshot
        .as_ref()
        .map(|s| s.recent.as_slice())
        .unwrap_or(&[]);
    let area = centered(body, body.width.saturating_sub(4).min(110), body.height);
    f.render_widget(Clear, area);
    let block = overlay_block(
        lang.t(
            "Latest entries — Enter corrects, d deletes, u undoes",
            "Последние записи — Enter исправить, d удалить, u отменить",
        ),
        app,
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    let [list_area, prompt] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let items: Vec<ListItem> = recent
        .iter()
        .map(|e| {
            let when = local_hms(e.entered_at, "%d.%m %H:%M");
            ListItem::new(format!(
                "{when}  {:<10} {:<18} {}  ✎ {}",
                activity::entity_name(&e.entity, lang),
                widgets::fit(&e.rep, 18),
                activity::summary_text(e, lang),
                e.entered_by.as_deref().unwrap_or("—")
            ))
        })
        .collect();
    if items.is_empty() {
        f.render_widget(
            Paragraph::new(lang.t(
                "Nothing has been typed into salesboard yet.",
                "В salesboard ещё ничего не вводили.",
            ))
            .style(t.dim),
            list_area,
        );
    } else {
        let mut state = ListState::default().with_selected(Some(selected.min(items.len() - 1)));
        f.render_stateful_widget(
            List::new(items)
                .highlight_style(t.selected)
                .highlight_symbol("› "),
            list_area,
            &mut state,
        );
    }
    let line = if confirm {
        Line::styled(
            lang.t(
                "Delete this entry? y — delete, any other key — keep",
                "Удалить запись? y — удалить, другая клавиша — оставить",
            ),
            t.bad,
        )
    } else {
        Line::styled(lang.t("Esc closes", "Esc закрывает"), t.dim)
    };
    f.render_widget(Paragraph::new(line), prompt);
}

fn draw_picker(f: &mut Frame, body: Rect, app: &App, selected: usize) {
    let lang = app.lang;
    let mut items = Vec::new();
    if app.sees_all_teams() {
        items.push(ListItem::new(
            lang.t("All teams", "Все команды").to_string(),
        ));
    }
    if let Some(s) = &app.snapshot {
        for e in &s.teams {
            items.push(ListItem::new(format!(
                "{}{}",
                "  ".repeat(e.depth + 1),
                e.team.name
            )));
        }
    }
    let height = (items.len() as u16 + 2).min(body.height);
    let area = centered(body, 40, height);
    let mut state = ListState::default().with_selected(Some(selected));
    f.render_widget(Clear, area);
    f.render_stateful_widget(
        List::new(items)
            .block(overlay_block(lang.t("Team", "Команда"), app))
            .highlight_style(app.theme.selected)
            .highlight_symbol("› "),
        area,
        &mut state,
    );
}
