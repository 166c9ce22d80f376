//! All colours and emphasis in one place. Only the 16 basic ANSI colours are used, so the
//! board looks the same in 16- and 256-colour terminals; with `NO_COLOR` set there is no
//! colour at all and meaning rests on symbols (▲ ▼ ! ✓ │) and bold/reverse.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    pub base: Style,
    pub dim: Style,
    pub title: Style,
    pub header: Style,
    pub tab: Style,
    pub tab_active: Style,
    pub selected: Style,
    pub good: Style,
    pub bad: Style,
    pub warn: Style,
    pub key: Style,
    pub gauge: Style,
    pub gauge_over: Style,
    pub pace: Style,
    pub banner: Style,
    pub colored: bool,
}

impl Theme {
    pub fn color() -> Theme {
        Theme {
            base: Style::default(),
            dim: Style::default().fg(Color::DarkGray),
            title: Style::default().add_modifier(Modifier::BOLD),
            header: Style::default().fg(Color::Black).bg(Color::Cyan),
            tab: Style::default(),
            tab_active: Style::default()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            selected: Style::default().add_modifier(Modifier::REVERSED),
            good: Style::default().fg(Color::Green),
            bad: Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
            warn: Style::default().fg(Color::Yellow),
            key: Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            gauge: Style::default().fg(Color::Blue),
            gauge_over: Style::default().fg(Color::Green),
            pace: Style::default()
                .fg(Color::Magenta)
                .add_modifier(Modifier::BOLD),
            banner: Style::default()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
            colored: true,
        }
    }

    /// No colour: emphasis only.
    pub fn plain() -> Theme {
        let none = Style::default();
        Theme {
            base: none,
            dim: none,
            title: none.add_modifier(Modifier::BOLD),
            header: none.add_modifier(Modifier::REVERSED),
            tab: none,
            tab_active: none.add_modifier(Modifier::REVERSED | Modifier::BOLD),
            selected: none.add_modifier(Modifier::REVERSED),
            good: none,
            bad: none.add_modifier(Modifier::BOLD),
            warn: none,
            key: none.add_modifier(Modifier::BOLD),
            gauge: none,
            gauge_over: none,
            pace: none.add_modifier(Modifier::BOLD),
            banner: none.add_modifier(Modifier::REVERSED | Modifier::BOLD),
            colored: false,
        }
    }

    /// `NO_COLOR` (any non-empty value, see no-color.org) turns colour off.
    pub fn from_env() -> Theme {
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Theme::plain(),
            _ => Theme::color(),
        }
    }
}
