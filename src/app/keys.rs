//! The one key table: every key the board understands, what it does, where it works, and
//! its words for the footer and the help overlay (which are generated from this table, so
//! they cannot disagree with what the keys do).

use super::Action;
use crate::format::Lang;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Any pane, no overlay open.
    Board,
    /// The rep card.
    Card,
    /// The team picker.
    Picker,
    /// The help overlay.
    Help,
    /// The "add an entry" menu.
    Menu,
    /// The list of recent entries (correct, delete, undo).
    Entries,
    /// A data-entry form (it takes every key itself; nothing here applies).
    Form,
}

pub struct Binding {
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How the keys are written in hints: `1-7`, `Tab`, `[ ]`.
    pub label: &'static str,
    pub action: Action,
    pub contexts: &'static [Context],
    pub en: &'static str,
    pub ru: &'static str,
    /// Shown in the footer (the help overlay shows everything).
    pub footer: bool,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const B: &[Context] = &[Context::Board];
const ALL: &[Context] = &[
    Context::Board,
    Context::Card,
    Context::Picker,
    Context::Help,
    Context::Menu,
    Context::Entries,
];
const LISTS: &[Context] = &[
    Context::Board,
    Context::Card,
    Context::Picker,
    Context::Menu,
    Context::Entries,
];

use KeyCode::*;

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[(Char('1'), NONE)],
        label: "1-7",
        action: Action::GoPane(0),
        contexts: B,
        en: "pane",
        ru: "вкладка",
        footer: true,
    },
    Binding {
        keys: &[(Char('2'), NONE)],
        label: "",
        action: Action::GoPane(1),
        contexts: B,
        en: "",
        ru: "",
        footer: false,
    },
    Binding {
        keys: &[(Char('3'), NONE)],
        label: "",
        action: Action::GoPane(2),
        contexts: B,
        en: "",
        ru: "",
        footer: false,
    },
    Binding {
        keys: &[(Char('4'), NONE)],
        label: "",
        action: Action::GoPane(3),
        contexts: B,
        en: "",
        ru: "",
        footer: false,
    },
    Binding {
        keys: &[(Char('5'), NONE)],
        label: "",
        action: Action::GoPane(4),
        contexts: B,
        en: "",
        ru: "",
        footer: false,
    },
    Binding {
        keys: &[(Char('6'), NONE)],
        label: "",
        action: Action::GoPane(5),
        contexts: B,
        en: "",
        ru: "",
        footer: false,
    },
    Binding {
        keys: &[(Char('7'), NONE)],
        label: "",
        action: Action::GoPane(6),
        contexts: B,
        en: "",
        ru: "",
        footer: false,
    },
    Binding {
        keys: &[(Tab, NONE)],
        label: "Tab",
        action: Action::NextPane,
        contexts: B,
        en: "next pane",
        ru: "след. вкладка",
        footer: false,
    },
    Binding {
        keys: &[(BackTab, SHIFT), (BackTab, NONE)],
        label: "S-Tab",
        action: Action::PrevPane,
        contexts: B,
        en: "previous pane",
        ru: "пред. вкладка",
        footer: false,
    },
    Binding {
        keys: &[(Char('['), NONE)],
        label: "[ ]",
        action: Action::PrevPeriod,
        contexts: B,
        en: "period",
        ru: "период",
        footer: true,
    },
    Binding {
        keys: &[(Char(']'), NONE)],
        label: "",
        action: Action::NextPeriod,
        contexts: B,
        en: "next period",
        ru: "след. период",
        footer: false,
    },
    Binding {
        keys: &[(Char('c'), NONE)],
        label: "c",
        action: Action::CurrentOrLatest,
        contexts: B,
        en: "current period / latest with data",
        ru: "текущий период / последний с данными",
        footer: false,
    },
    Binding {
        keys: &[(Char('i'), NONE)],
        label: "i",
        action: Action::ShowData,
        contexts: B,
        en: "data",
        ru: "данные",
        footer: true,
    },
    Binding {
        keys: &[(Char('p'), NONE)],
        label: "p",
        action: Action::CyclePeriodKind,
        contexts: B,
        en: "day/week/month/quarter",
        ru: "день/неделя/месяц/квартал",
        footer: true,
    },
    Binding {
        keys: &[(Char('t'), NONE)],
        label: "t",
        action: Action::OpenTeamPicker,
        contexts: B,
        en: "team",
        ru: "команда",
        footer: true,
    },
    Binding {
        keys: &[(Char('v'), NONE)],
        label: "v",
        action: Action::ToggleRows,
        contexts: B,
        en: "reps/teams",
        ru: "менеджеры/команды",
        footer: false,
    },
    Binding {
        keys: &[(Char('j'), NONE), (Down, NONE)],
        label: "j/k",
        action: Action::Down,
        contexts: LISTS,
        en: "move",
        ru: "вверх/вниз",
        footer: true,
    },
    Binding {
        keys: &[(Char('k'), NONE), (Up, NONE)],
        label: "",
        action: Action::Up,
        contexts: LISTS,
        en: "up",
        ru: "вверх",
        footer: false,
    },
    Binding {
        keys: &[(Char('g'), NONE), (Home, NONE)],
        label: "g/G",
        action: Action::Top,
        contexts: LISTS,
        en: "first/last",
        ru: "в начало/конец",
        footer: false,
    },
    Binding {
        keys: &[(Char('G'), SHIFT), (Char('G'), NONE), (End, NONE)],
        label: "",
        action: Action::Bottom,
        contexts: LISTS,
        en: "last",
        ru: "в конец",
        footer: false,
    },
    Binding {
        keys: &[(PageDown, NONE), (Char('d'), CTRL)],
        label: "PgDn/PgUp",
        action: Action::PageDown,
        contexts: LISTS,
        en: "page",
        ru: "страница",
        footer: false,
    },
    Binding {
        keys: &[(PageUp, NONE), (Char('u'), CTRL)],
        label: "",
        action: Action::PageUp,
        contexts: LISTS,
        en: "page up",
        ru: "страница вверх",
        footer: false,
    },
    Binding {
        keys: &[(Char('h'), NONE), (Left, NONE)],
        label: "h/l",
        action: Action::SortPrev,
        contexts: B,
        en: "sort column",
        ru: "сортировка",
        footer: true,
    },
    Binding {
        keys: &[(Char('l'), NONE), (Right, NONE)],
        label: "",
        action: Action::SortNext,
        contexts: B,
        en: "next sort column",
        ru: "след. столбец",
        footer: false,
    },
    Binding {
        keys: &[(Char('s'), NONE)],
        label: "s",
        action: Action::SortReverse,
        contexts: B,
        en: "reverse sort",
        ru: "обратный порядок",
        footer: false,
    },
    Binding {
        keys: &[(Enter, NONE)],
        label: "Enter",
        action: Action::Open,
        contexts: &[
            Context::Board,
            Context::Picker,
            Context::Menu,
            Context::Entries,
        ],
        en: "open",
        ru: "открыть",
        footer: true,
    },
    Binding {
        keys: &[(Char('/'), NONE)],
        label: "/",
        action: Action::StartFilter,
        contexts: B,
        en: "filter",
        ru: "фильтр",
        footer: true,
    },
    Binding {
        keys: &[(Char('a'), NONE)],
        label: "a",
        action: Action::AddEntry,
        contexts: B,
        en: "add entry",
        ru: "добавить",
        footer: true,
    },
    Binding {
        keys: &[(Char('e'), NONE)],
        label: "e",
        action: Action::ShowEntries,
        contexts: B,
        en: "entries",
        ru: "записи",
        footer: true,
    },
    Binding {
        keys: &[(Char('u'), NONE)],
        label: "u",
        action: Action::Undo,
        contexts: &[Context::Board, Context::Entries],
        en: "undo deletion",
        ru: "отменить удаление",
        footer: false,
    },
    Binding {
        keys: &[(Char('d'), NONE), (Delete, NONE)],
        label: "d",
        action: Action::Delete,
        contexts: &[Context::Entries],
        en: "delete",
        ru: "удалить",
        footer: true,
    },
    Binding {
        keys: &[(Char('r'), NONE)],
        label: "r",
        action: Action::Refresh,
        contexts: B,
        en: "refresh now",
        ru: "обновить",
        footer: false,
    },
    Binding {
        keys: &[(Esc, NONE)],
        label: "Esc",
        action: Action::Back,
        contexts: ALL,
        en: "back",
        ru: "назад",
        footer: true,
    },
    Binding {
        keys: &[(Char('?'), NONE), (Char('?'), SHIFT), (F(1), NONE)],
        label: "?",
        action: Action::ToggleHelp,
        contexts: &[Context::Board, Context::Card, Context::Help],
        en: "help",
        ru: "справка",
        footer: true,
    },
    Binding {
        keys: &[(Char('q'), NONE), (Char('c'), CTRL)],
        label: "q",
        action: Action::Quit,
        contexts: &[
            Context::Board,
            Context::Card,
            Context::Help,
            Context::Menu,
            Context::Entries,
        ],
        en: "quit",
        ru: "выход",
        footer: true,
    },
    Binding {
        keys: &[(Char('c'), CTRL)],
        label: "",
        action: Action::Quit,
        contexts: &[Context::Picker, Context::Form],
        en: "quit",
        ru: "выход",
        footer: false,
    },
];

/// The action `key` triggers in `ctx`, if any.
pub fn action_for(key: KeyEvent, ctx: Context) -> Option<Action> {
    // Shift is reported inconsistently for symbols and capitals across terminals.
    let mods = key.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
    BINDINGS
        .iter()
        .filter(|b| b.contexts.contains(&ctx))
        .find(|b| {
            b.keys.iter().any(|(code, m)| {
                *code == key.code
                    && (*m == mods
                        || (*m == NONE && mods == KeyModifiers::SHIFT && matches!(code, Char(_))))
            })
        })
        .map(|b| b.action)
}

/// The footer hints for a context: `label what` pairs.
pub fn hints(ctx: Context, lang: Lang) -> Vec<(&'static str, &'static str)> {
    // Most needed first: the footer shows as many as fit.
    const ORDER: [&str; 15] = [
        "?", "q", "Esc", "a", "e", "d", "1-7", "[ ]", "t", "Enter", "/", "p", "h/l", "j/k", "i",
    ];
    let mut out: Vec<&Binding> = BINDINGS
        .iter()
        .filter(|b| b.footer && b.contexts.contains(&ctx))
        .collect();
    out.sort_by_key(|b| {
        ORDER
            .iter()
            .position(|o| *o == b.label)
            .unwrap_or(ORDER.len())
    });
    out.into_iter()
        .map(|b| (b.label, lang.t(b.en, b.ru)))
        .collect()
}

/// Every documented binding, for the help overlay: (keys, what).
pub fn help(lang: Lang) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for b in BINDINGS.iter().filter(|b| !b.en.is_empty()) {
        let keys: Vec<String> = b
            .keys
            .iter()
            .map(|(code, m)| describe(*code, *m))
            .collect::<Vec<_>>();
        let mut uniq: Vec<String> = Vec::new();
        for k in keys {
            if !uniq.contains(&k) {
                uniq.push(k);
            }
        }
        let label = if b.label == "1-7" || b.label == "[ ]" {
            b.label.to_string()
        } else {
            uniq.join(" ")
        };
        if !out.iter().any(|(k, _): &(String, &str)| *k == label) {
            out.push((label, lang.t(b.en, b.ru)));
        }
    }
    out
}

fn describe(code: KeyCode, m: KeyModifiers) -> String {
    let base = match code {
        Char(c) => c.to_string(),
        Tab => "Tab".into(),
        BackTab => "Shift-Tab".into(),
        Up => "↑".into(),
        Down => "↓".into(),
        Left => "←".into(),
        Right => "→".into(),
        Home => "Home".into(),
        End => "End".into(),
        PageUp => "PgUp".into(),
        PageDown => "PgDn".into(),
        Enter => "Enter".into(),
        Esc => "Esc".into(),
        F(n) => format!("F{n}"),
        _ => "?".into(),
    };
    if m.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{base}")
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn arrows_and_vim_keys_do_the_same() {
        for (a, b) in [
            (Char('j'), Down),
            (Char('k'), Up),
            (Char('g'), Home),
            (Char('h'), Left),
            (Char('l'), Right),
        ] {
            assert_eq!(
                action_for(key(a, NONE), Context::Board),
                action_for(key(b, NONE), Context::Board)
            );
            assert!(action_for(key(a, NONE), Context::Board).is_some());
        }
        assert_eq!(
            action_for(key(Char('G'), SHIFT), Context::Board),
            Some(Action::Bottom)
        );
        assert_eq!(
            action_for(key(Char('c'), CTRL), Context::Picker),
            Some(Action::Quit)
        );
        assert_eq!(
            action_for(key(Char('3'), NONE), Context::Board),
            Some(Action::GoPane(2))
        );
        assert_eq!(action_for(key(Char('['), NONE), Context::Card), None);
        assert_eq!(
            action_for(key(Char('?'), SHIFT), Context::Board),
            Some(Action::ToggleHelp)
        );
    }

    #[test]
    fn no_key_means_two_things_in_one_context() {
        for ctx in [
            Context::Board,
            Context::Card,
            Context::Picker,
            Context::Help,
            Context::Menu,
            Context::Entries,
        ] {
            let mut seen = Vec::new();
            for b in BINDINGS.iter().filter(|b| b.contexts.contains(&ctx)) {
                for k in b.keys {
                    assert!(
                        !seen.contains(k) || b.action == Action::Quit,
                        "{k:?} bound twice in {ctx:?}"
                    );
                    seen.push(*k);
                }
            }
        }
    }

    #[test]
    fn hints_and_help_exist_in_both_languages() {
        assert!(
            hints(Context::Board, Lang::Ru)
                .iter()
                .any(|(_, w)| *w == "справка")
        );
        let en = help(Lang::En);
        assert!(en.iter().any(|(k, _)| k.contains("Tab")));
        assert_eq!(en.len(), help(Lang::Ru).len());
        assert!(BINDINGS.iter().all(|b| b.en.is_empty() == b.ru.is_empty()));
    }
}
