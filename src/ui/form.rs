//! Drawing a data-entry form: a centred box with one line per field, the rep/customer
//! suggestions under the field being typed into, the store's complaint on one line, and
//! the keys at the bottom. Meaning never rests on colour alone: the focused field has `›`,
//! a refused field `!`, the cursor is a reverse-video cell, the picked suggestion `▸`.

use super::theme::Theme;
use super::widgets::fit;
use crate::app::form::{FieldKind, Form, MAX_SUGGESTIONS, choice_label};
use crate::format::Lang;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Padding, Paragraph, Wrap};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The widest the box gets.
const MAX_WIDTH: u16 = 76;

/// Draws `form` centred in `area`. `suggestions`: [`Form::suggestions`] for the focused
/// field (empty when it is not a rep/customer field).
pub fn draw(
    f: &mut Frame,
    area: Rect,
    form: &Form,
    lang: Lang,
    theme: &Theme,
    suggestions: &[String],
) {
    let shown: &[String] = match form.focused() {
        Some(fl) if fl.is_picker() => &suggestions[..suggestions.len().min(MAX_SUGGESTIONS)],
        _ => &[],
    };
    // Placed as if the longest suggestion list were open, so that the fields stay where
    // they are and the box only grows downwards when suggestions appear.
    let has_picker = form.fields.iter().any(|fl| fl.is_picker());
    let reserve = if has_picker { MAX_SUGGESTIONS } else { 0 };
    let rows = |extra: usize| u16::try_from(2 + form.fields.len() + extra + 4).unwrap_or(u16::MAX);
    let room = super::centered(area, MAX_WIDTH.min(area.width), rows(reserve));
    let boxed = Rect {
        height: rows(shown.len()).min(room.height),
        ..room
    };
    f.render_widget(Clear, boxed);
    let block = Block::default()
        .borders(Borders::ALL)
        .padding(Padding::horizontal(1))
        .title(Span::styled(
            format!(" {} ", form.kind.title(lang)),
            theme.title,
        ))
        .style(theme.base);
    let inner = block.inner(boxed);
    f.render_widget(block, boxed);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let width = usize::from(inner.width);
    let body = body_lines(form, lang, theme, shown, width);

    let (status, status_style) = status(form, lang, theme);
    let status_lines = if status.is_empty() {
        0
    } else {
        status.width().div_ceil(width).clamp(1, 2)
    };
    // The fields first (at least the focused one and a little around it), then the
    // complaint, the keys, the field's hint, and a spacer, as far as the height allows.
    let mut spare = usize::from(inner.height).saturating_sub(body.len().min(3));
    let mut take = |n: usize| {
        let got = n.min(spare);
        spare -= got;
        got
    };
    let status_h = take(status_lines);
    let keys_h = take(1);
    let hint_h = take(1);
    let gap_h = take(2 - status_h.min(2));
    let status_h = status_h + gap_h;
    let body_h = usize::from(inner.height) - status_h - keys_h - hint_h;
    let len = |n: usize| Constraint::Length(u16::try_from(n).unwrap_or(0));
    let [body_area, status_area, hint_area, keys_area] =
        Layout::vertical([len(body_h), len(status_h), len(hint_h), len(keys_h)]).areas(inner);

    // Keep the focused field and its suggestions in view.
    let focus_end = form.focus + 1 + shown.len();
    let offset = focus_end.saturating_sub(body_h).min(form.focus);
    f.render_widget(
        Paragraph::new(body).scroll((u16::try_from(offset).unwrap_or(0), 0)),
        body_area,
    );

    if status_lines > 0 && status_area.height > 0 {
        let lines = u16::try_from(status_lines)
            .unwrap_or(1)
            .min(status_area.height);
        let at = Rect {
            y: status_area.y + status_area.height - lines,
            height: lines,
            ..status_area
        };
        f.render_widget(
            Paragraph::new(Span::styled(status, status_style)).wrap(Wrap { trim: true }),
            at,
        );
    }
    if let Some(fl) = form.focused() {
        f.render_widget(
            Paragraph::new(Span::styled(fit(fl.hint_text(lang), width), theme.dim)),
            hint_area,
        );
    }
    f.render_widget(
        Paragraph::new(keys_line(lang, theme, !shown.is_empty())),
        keys_area,
    );
}

/// The line under the fields: the discard question, the store's complaint, "saving", or
/// the caller's message.
fn status(form: &Form, lang: Lang, theme: &Theme) -> (String, Style) {
    if form.confirm_discard {
        return (
            lang.t(
                "Discard what you typed? Esc again: discard · any other key: keep editing",
                "Отменить введённое? Esc ещё раз — отменить, другая клавиша — продолжить",
            )
            .to_string(),
            theme.warn.patch(theme.title),
        );
    }
    if let Some((label, reason)) = form.error_label(lang) {
        return (format!("! {label}: {reason}"), theme.bad);
    }
    if form.saving {
        return (lang.t("Saving…", "Сохранение…").to_string(), theme.dim);
    }
    match &form.message {
        Some(m) => (crate::text::clean(m).into_owned(), theme.base),
        None => (String::new(), theme.base),
    }
}

fn keys_line(lang: Lang, theme: &Theme, picking: bool) -> Line<'static> {
    let sep = || Span::styled(" · ", theme.dim);
    let key = |k: &'static str| Span::styled(k, theme.key);
    let word = |w: &'static str| Span::raw(format!(" {w}"));
    Line::from(vec![
        key("Tab"),
        word(lang.t("next", "далее")),
        sep(),
        key("Shift-Tab"),
        word(lang.t("back", "назад")),
        sep(),
        key("Enter"),
        word(if picking {
            lang.t("take", "взять")
        } else {
            lang.t("save", "сохранить")
        }),
        sep(),
        key("Esc"),
        word(lang.t("cancel", "отмена")),
    ])
}

/// One line per field, with the suggestions under the focused one.
fn body_lines(
    form: &Form,
    lang: Lang,
    theme: &Theme,
    shown: &[String],
    width: usize,
) -> Vec<Line<'static>> {
    let label_w = form
        .fields
        .iter()
        .map(|fl| fl.label(lang).width())
        .max()
        .unwrap_or(0);
    // "› " + label + " " + "!" + " "
    let prefix_w = label_w + 5;
    let avail = width.saturating_sub(prefix_w);
    let mut lines = Vec::new();
    for (i, fl) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let label = fl.label(lang);
        let pad = " ".repeat(label_w.saturating_sub(label.width()));
        let mut spans = vec![
            Span::raw(if focused { "› " } else { "  " }),
            Span::styled(
                label.to_string(),
                if focused { theme.selected } else { theme.base },
            ),
            Span::raw(format!("{pad} ")),
            if form.has_error(i) {
                Span::styled("!", theme.bad)
            } else {
                Span::raw(" ")
            },
            Span::raw(" "),
        ];
        spans.extend(value_spans(
            fl,
            focused,
            focused && form.selected,
            lang,
            theme,
            avail,
        ));
        lines.push(Line::from(spans));
        if focused && !shown.is_empty() {
            let pick = form.pick.min(shown.len() - 1);
            for (j, name) in shown.iter().enumerate() {
                let name = fit(&crate::text::clean(name), avail.saturating_sub(2));
                let indent = Span::raw(" ".repeat(prefix_w));
                lines.push(if j == pick {
                    Line::from(vec![
                        indent,
                        Span::raw("▸ "),
                        Span::styled(name, theme.selected),
                    ])
                } else {
                    Line::from(vec![indent, Span::raw("  "), Span::raw(name)])
                });
            }
        }
    }
    lines
}

/// The value part of a field's line, at most `avail` columns.
fn value_spans(
    fl: &crate::app::form::Field,
    focused: bool,
    selected: bool,
    lang: Lang,
    theme: &Theme,
    avail: usize,
) -> Vec<Span<'static>> {
    if avail == 0 {
        return Vec::new();
    }
    match fl.kind {
        FieldKind::Choice(options) => {
            let current = choice_label(&fl.value, lang);
            if !focused {
                return vec![Span::raw(fit(current, avail))];
            }
            let mut all: Vec<Span<'static>> = Vec::new();
            for (i, o) in options.iter().enumerate() {
                if i > 0 {
                    all.push(Span::raw(" "));
                }
                let l = choice_label(o, lang).to_string();
                if *o == fl.value {
                    all.push(Span::raw("["));
                    all.push(Span::styled(l, theme.selected));
                    all.push(Span::raw("]"));
                } else {
                    all.push(Span::styled(l, theme.dim));
                }
            }
            let total: usize = all.iter().map(|s| s.content.width()).sum();
            if total <= avail {
                return all;
            }
            let n = options.len();
            let i = options
                .iter()
                .position(|o| *o == fl.value)
                .map_or(0, |i| i + 1);
            let text = format!("‹ {current} › {i}/{n}");
            vec![Span::styled(fit(&text, avail), theme.selected)]
        }
        FieldKind::Check => {
            let text = if fl.value.is_empty() {
                format!("[ ] {}", lang.t("no", "нет"))
            } else {
                format!("[x] {}", lang.t("yes", "да"))
            };
            let style = if focused { theme.selected } else { theme.base };
            vec![Span::styled(fit(&text, avail), style)]
        }
        _ if !focused => {
            if fl.value.is_empty() && !fl.placeholder_text(lang).is_empty() {
                let ph = format!("({})", fl.placeholder_text(lang));
                vec![Span::styled(fit(&ph, avail), theme.dim)]
            } else {
                vec![Span::raw(fit(&crate::text::clean(&fl.value), avail))]
            }
        }
        _ if selected => vec![Span::styled(
            fit(&crate::text::clean(&fl.value), avail),
            theme.selected,
        )],
        _ => edit_spans(fl, lang, theme, avail),
    }
}

/// The focused text: scrolled so the cursor shows, the cursor cell in reverse video.
fn edit_spans(
    fl: &crate::app::form::Field,
    lang: Lang,
    theme: &Theme,
    avail: usize,
) -> Vec<Span<'static>> {
    let chars: Vec<char> = fl
        .value
        .chars()
        .map(|c| if crate::text::is_unsafe(c) { ' ' } else { c })
        .collect();
    let cur = fl.cursor.min(chars.len());
    let w = |c: &char| c.width().unwrap_or(0);
    let cursor_char = chars.get(cur).copied().unwrap_or(' ');
    let cursor_w = w(&cursor_char).max(1);
    // First shown char: as far left as possible while the cursor cell still fits.
    let mut start = cur;
    let mut used = cursor_w;
    while start > 0 && used + w(&chars[start - 1]) <= avail {
        start -= 1;
        used += w(&chars[start]);
    }
    if used > avail {
        return Vec::new();
    }
    let before: String = chars[start..cur].iter().collect();
    let mut after = String::new();
    for c in chars.iter().skip(cur + 1) {
        if used + w(c) > avail {
            break;
        }
        used += w(c);
        after.push(*c);
    }
    let mut spans = vec![
        Span::raw(before),
        Span::styled(cursor_char.to_string(), theme.selected),
        Span::raw(after),
    ];
    if chars.is_empty() && !fl.placeholder_text(lang).is_empty() {
        let ph = format!(" ({})", fl.placeholder_text(lang));
        spans.push(Span::styled(
            fit(&ph, avail.saturating_sub(used)),
            theme.dim,
        ));
    }
    spans
}
