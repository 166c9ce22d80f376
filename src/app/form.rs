//! Keyboard data-entry forms: a call, a meeting, a satisfaction score, a monthly plan, a
//! knowledge test score and the first response to an inquiry. Pure state and key handling:
//! the form holds exactly the text typed, [`Form::entry`] turns it into the store's `New…`
//! struct, and the store's [`Validation`] comes back through [`Form::set_error`], which
//! marks the field and never loses a character.

use crate::format::Lang;
use crate::model::ActivityKind;
use crate::store::{NewActivity, NewKnowledge, NewPlan, NewResponse, NewSurvey, Validation};
use chrono::{Datelike, NaiveDate};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde::{Deserialize, Serialize};

/// At most this many rep/customer suggestions are offered.
pub const MAX_SUGGESTIONS: usize = 6;

/// Outcomes a call can have, in the order they are offered.
pub const CALL_OUTCOMES: &[&str] = &[
    "reached",
    "no_answer",
    "meeting_set",
    "deal_won",
    "follow_up",
    "other",
];
/// Outcomes a meeting can have, in the order they are offered.
pub const MEETING_OUTCOMES: &[&str] = &["held", "cancelled", "follow_up", "other"];

/// Which form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Call,
    Meeting,
    Satisfaction,
    Plan,
    Knowledge,
    Response,
}

impl FormKind {
    pub const ALL: [FormKind; 6] = [
        FormKind::Call,
        FormKind::Meeting,
        FormKind::Satisfaction,
        FormKind::Plan,
        FormKind::Knowledge,
        FormKind::Response,
    ];

    pub fn title(self, lang: Lang) -> &'static str {
        match self {
            FormKind::Call => lang.t("New call", "Новый звонок"),
            FormKind::Meeting => lang.t("New meeting", "Новая встреча"),
            FormKind::Satisfaction => lang.t("Satisfaction score", "Оценка удовлетворённости"),
            FormKind::Plan => lang.t("Monthly plan", "План на месяц"),
            FormKind::Knowledge => lang.t("Knowledge test", "Тест знаний"),
            FormKind::Response => lang.t("Inquiry response", "Ответ на обращение"),
        }
    }

    /// The name used in drafts.
    pub fn as_str(self) -> &'static str {
        match self {
            FormKind::Call => "call",
            FormKind::Meeting => "meeting",
            FormKind::Satisfaction => "satisfaction",
            FormKind::Plan => "plan",
            FormKind::Knowledge => "knowledge",
            FormKind::Response => "response",
        }
    }

    pub fn from_name(s: &str) -> Option<FormKind> {
        FormKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// How a field is edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text.
    Text,
    /// An active rep, picked from a filtered list as you type.
    Rep,
    /// A customer, picked from a filtered list as you type.
    Customer,
    /// One of a few values; the value is always one of them.
    Choice(&'static [&'static str]),
    /// Yes (`"yes"`) or no (`""`).
    Check,
}

/// One line of a form.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The [`Validation::field`] name this field maps to.
    pub key: &'static str,
    pub label_en: &'static str,
    pub label_ru: &'static str,
    pub value: String,
    /// Cursor position, in chars.
    pub cursor: usize,
    pub kind: FieldKind,
    /// What may be typed, shown while the field has focus.
    pub hint_en: &'static str,
    pub hint_ru: &'static str,
    /// Shown (dimmed, in brackets) while the field is empty: what empty means.
    pub placeholder_en: &'static str,
    pub placeholder_ru: &'static str,
}

impl Field {
    fn new(key: &'static str, en: &'static str, ru: &'static str, kind: FieldKind) -> Field {
        Field {
            key,
            label_en: en,
            label_ru: ru,
            value: String::new(),
            cursor: 0,
            kind,
            hint_en: "",
            hint_ru: "",
            placeholder_en: "",
            placeholder_ru: "",
        }
    }

    fn hint(mut self, en: &'static str, ru: &'static str) -> Field {
        self.hint_en = en;
        self.hint_ru = ru;
        self
    }

    fn placeholder(mut self, en: &'static str, ru: &'static str) -> Field {
        self.placeholder_en = en;
        self.placeholder_ru = ru;
        self
    }

    fn with(mut self, value: &str) -> Field {
        self.set_value(value);
        self
    }

    pub fn label(&self, lang: Lang) -> &'static str {
        lang.t(self.label_en, self.label_ru)
    }

    pub fn hint_text(&self, lang: Lang) -> &'static str {
        lang.t(self.hint_en, self.hint_ru)
    }

    pub fn placeholder_text(&self, lang: Lang) -> &'static str {
        lang.t(self.placeholder_en, self.placeholder_ru)
    }

    /// Whether the field picks from a list (rep or customer).
    pub fn is_picker(&self) -> bool {
        matches!(self.kind, FieldKind::Rep | FieldKind::Customer)
    }

    /// Replaces the value (unsafe characters dropped; choices kept to their options) and
    /// puts the cursor at its end.
    pub fn set_value(&mut self, value: &str) {
        let v: String = crate::text::clean(value).into_owned();
        self.value = match self.kind {
            FieldKind::Choice(options) => options
                .iter()
                .find(|o| **o == v.trim())
                .or(options.first())
                .map(|o| o.to_string())
                .unwrap_or_default(),
            FieldKind::Check => {
                if is_yes(&v) {
                    "yes".into()
                } else {
                    String::new()
                }
            }
            _ => v,
        };
        self.cursor = self.value.chars().count();
    }

    fn byte_at(&self, char_idx: usize) -> usize {
        self.value
            .char_indices()
            .nth(char_idx)
            .map(|(b, _)| b)
            .unwrap_or(self.value.len())
    }

    fn len(&self) -> usize {
        self.value.chars().count()
    }

    fn insert(&mut self, c: char) {
        let cur = self.cursor.min(self.len());
        let at = self.byte_at(cur);
        self.value.insert(at, c);
        self.cursor = cur + 1;
    }

    fn backspace(&mut self) {
        let cur = self.cursor.min(self.len());
        if cur == 0 {
            return;
        }
        let at = self.byte_at(cur - 1);
        self.value.remove(at);
        self.cursor = cur - 1;
    }

    fn delete(&mut self) {
        let cur = self.cursor.min(self.len());
        if cur >= self.len() {
            return;
        }
        let at = self.byte_at(cur);
        self.value.remove(at);
        self.cursor = cur;
    }

    /// Steps a choice by `by` options (wrapping); toggles a check.
    fn cycle(&mut self, by: isize) {
        match self.kind {
            FieldKind::Choice(options) if !options.is_empty() => {
                let n = options.len() as isize;
                let i = options
                    .iter()
                    .position(|o| *o == self.value)
                    .map(|i| i as isize)
                    .unwrap_or(if by > 0 { -1 } else { 0 });
                let next = (i + by).rem_euclid(n) as usize;
                self.set_value(options[next]);
            }
            FieldKind::Check => {
                let v = if self.value.is_empty() { "yes" } else { "" };
                self.set_value(v);
            }
            _ => {}
        }
    }

    /// A letter typed into a choice: the next option starting with it (in the value or in
    /// either language's label).
    fn choose_by_letter(&mut self, c: char) {
        let FieldKind::Choice(options) = self.kind else {
            return;
        };
        let c: String = c.to_lowercase().collect();
        let starts = |o: &str| {
            [o, choice_label(o, Lang::En), choice_label(o, Lang::Ru)]
                .iter()
                .any(|s| s.to_lowercase().starts_with(&c))
        };
        let n = options.len();
        let cur = options.iter().position(|o| *o == self.value).unwrap_or(n);
        for step in 1..=n {
            let i = (cur + step) % n;
            if starts(options[i]) {
                self.set_value(options[i]);
                return;
            }
        }
    }
}

fn is_yes(v: &str) -> bool {
    matches!(
        v.trim().to_lowercase().as_str(),
        "yes" | "y" | "true" | "1" | "x" | "да" | "д"
    )
}

/// How a choice value reads in `lang` (the value itself is what gets stored).
pub fn choice_label(value: &str, lang: Lang) -> &'static str {
    match value {
        "reached" => lang.t("reached", "дозвонились"),
        "no_answer" => lang.t("no answer", "не ответили"),
        "meeting_set" => lang.t("meeting set", "встреча назначена"),
        "deal_won" => lang.t("deal won", "сделка"),
        "follow_up" => lang.t("follow-up", "повторный контакт"),
        "held" => lang.t("held", "состоялась"),
        "cancelled" => lang.t("cancelled", "отменена"),
        "other" => lang.t("other", "другое"),
        _ => "",
    }
}

/// A checked-out form: what was typed, where the cursor is, what the store said.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub kind: FormKind,
    pub fields: Vec<Field>,
    /// Index of the focused field.
    pub focus: usize,
    /// The store's complaint: (field key, reason).
    pub error: Option<(String, String)>,
    /// Esc was pressed on a form with typed text; a second Esc discards it.
    pub confirm_discard: bool,
    /// Set by the caller while the entry is being written; keys are ignored meanwhile.
    pub saving: bool,
    /// A status line set by the caller (shown when there is no error).
    pub message: Option<String>,
    /// The highlighted suggestion of a rep/customer field.
    pub pick: usize,
    /// The focused field still holds its untouched default (like "today") and shows it
    /// selected: the next character typed replaces it, Backspace clears it.
    pub selected: bool,
    /// The values the form opened with (to tell whether anything was typed).
    initial: Vec<String>,
}

/// What a key did to the form.
#[derive(Debug, Clone, PartialEq)]
pub enum FormOutcome {
    /// Keep the form open.
    Continue,
    /// Write this entry (the form stays as it is; report problems with [`Form::set_error`]).
    Save(Entry),
    /// Close the form without saving.
    Cancel,
}

/// A form's content as the store's write struct.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Activity(NewActivity),
    Survey(NewSurvey),
    Plan(NewPlan),
    Knowledge(NewKnowledge),
    Response(NewResponse),
}

/// An unfinished form, to be kept across a hang-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub kind: String,
    pub values: Vec<(String, String)>,
}

const DATE_HINT: (&str, &str) = (
    "today, yesterday, 2026-11-20, 20.11.2026",
    "сегодня, вчера, 2026-11-20, 20.11.2026",
);
const TIME_HINT: (&str, &str) = (
    "14:30; empty: now (noon for an earlier day)",
    "14:30; пусто: сейчас (полдень для прошлых дней)",
);
const REP_HINT: (&str, &str) = (
    "type part of the name · ↑/↓ pick · Enter take",
    "часть имени · ↑/↓ выбор · Enter взять",
);
const CUSTOMER_HINT: (&str, &str) = (
    "type part of the name · ↑/↓ pick · Enter take · may stay empty",
    "часть названия · ↑/↓ выбор · Enter взять · можно пусто",
);
const CHOICE_HINT: (&str, &str) = (
    "←/→ or Space choose, or type the first letter",
    "←/→ или пробел — выбор, или первая буква",
);
const SUB_HINT: (&str, &str) = ("1–5, may stay empty", "1–5, можно пусто");
const OPTIONAL: (&str, &str) = ("optional", "необязательно");
const COUNT_HINT: (&str, &str) = ("a whole number; empty: 0", "целое число; пусто: 0");

impl Form {
    /// An empty form of `kind`; dates default to `today` ("today"), months to its month.
    pub fn new(kind: FormKind, today: NaiveDate) -> Form {
        let rep =
            || Field::new("rep", "Rep", "Менеджер", FieldKind::Rep).hint(REP_HINT.0, REP_HINT.1);
        let date = |en, ru| {
            Field::new("date", en, ru, FieldKind::Text)
                .hint(DATE_HINT.0, DATE_HINT.1)
                .with("today")
        };
        let time = |en, ru| {
            Field::new("time", en, ru, FieldKind::Text)
                .hint(TIME_HINT.0, TIME_HINT.1)
                .placeholder("now", "сейчас")
        };
        let sub = |key, en, ru| {
            Field::new(key, en, ru, FieldKind::Text)
                .hint(SUB_HINT.0, SUB_HINT.1)
                .placeholder(OPTIONAL.0, OPTIONAL.1)
        };
        let count = |key, en, ru| {
            Field::new(key, en, ru, FieldKind::Text)
                .hint(COUNT_HINT.0, COUNT_HINT.1)
                .placeholder("0", "0")
        };
        let activity = |outcomes: &'static [&'static str]| {
            vec![
                rep(),
                Field::new("customer", "Customer", "Клиент", FieldKind::Customer)
                    .hint(CUSTOMER_HINT.0, CUSTOMER_HINT.1)
                    .placeholder(OPTIONAL.0, OPTIONAL.1),
                date("Date", "Дата"),
                time("Time", "Время"),
                Field::new("duration", "Duration", "Длительность", FieldKind::Text)
                    .hint("minutes: 45, 1h30, 1:30", "минуты: 45, 1h30, 1ч30, 1:30")
                    .placeholder("0 min", "0 мин"),
                Field::new(
                    "outcome",
                    "Outcome",
                    "Результат",
                    FieldKind::Choice(outcomes),
                )
                .hint(CHOICE_HINT.0, CHOICE_HINT.1)
                .with(outcomes.first().copied().unwrap_or_default()),
                Field::new("note", "Note", "Заметка", FieldKind::Text)
                    .hint("free text", "любой текст")
                    .placeholder(OPTIONAL.0, OPTIONAL.1),
            ]
        };
        let fields = match kind {
            FormKind::Call => activity(CALL_OUTCOMES),
            FormKind::Meeting => activity(MEETING_OUTCOMES),
            FormKind::Satisfaction => vec![
                rep(),
                date("Date", "Дата"),
                Field::new("score", "Score", "Оценка", FieldKind::Text).hint(
                    "overall satisfaction, 1–10",
                    "общая удовлетворённость, 1–10",
                ),
                sub("workload", "Workload", "Нагрузка"),
                sub("team", "Team", "Команда"),
                sub("manager", "Manager", "Руководитель"),
                sub("pay", "Pay", "Оплата"),
                Field::new("comment", "Comment", "Комментарий", FieldKind::Text)
                    .hint("free text", "любой текст")
                    .placeholder(OPTIONAL.0, OPTIONAL.1),
            ],
            FormKind::Plan => vec![
                rep(),
                Field::new("month", "Month", "Месяц", FieldKind::Text)
                    .hint("2026-11 or 11.2026", "2026-11 или 11.2026")
                    .with(&format!("{:04}-{:02}", today.year(), today.month())),
                Field::new("revenue", "Revenue", "Выручка", FieldKind::Text).hint(
                    "revenue target: 1234.50, 1 234,50",
                    "план по выручке: 1234.50, 1 234,50",
                ),
                count("units", "Units", "Штуки"),
                count("calls", "Calls", "Звонки"),
                count("meetings", "Meetings", "Встречи"),
                Field::new("replace", "Replace", "Заменить", FieldKind::Check).hint(
                    "Space: replace this month's existing plan",
                    "пробел: заменить уже заданный план месяца",
                ),
            ],
            FormKind::Knowledge => vec![
                rep(),
                date("Date", "Дата"),
                Field::new("score", "Score, %", "Балл, %", FieldKind::Text)
                    .hint("test result, 0–100", "результат теста, 0–100"),
            ],
            FormKind::Response => vec![
                Field::new("inquiry", "Inquiry #", "Обращение №", FieldKind::Text)
                    .hint("the number of an open inquiry", "номер открытого обращения"),
                date("Reply date", "Дата ответа"),
                time("Reply time", "Время ответа"),
            ],
        };
        let initial = fields.iter().map(|f| f.value.clone()).collect();
        Form {
            kind,
            fields,
            focus: 0,
            error: None,
            confirm_discard: false,
            saving: false,
            message: None,
            pick: 0,
            selected: false,
            initial,
        }
    }

    /// The value of the field `key` ("" when the form has no such field).
    pub fn value(&self, key: &str) -> &str {
        self.fields
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.value.as_str())
            .unwrap_or("")
    }

    /// The focused field.
    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    /// Whether anything differs from what the form opened with.
    pub fn is_dirty(&self) -> bool {
        self.fields
            .iter()
            .zip(&self.initial)
            .any(|(f, v)| f.value != *v)
    }

    /// Takes the current values as the form's starting point (e.g. after filling it with an
    /// entry being corrected): Esc then closes it without asking until something changes.
    pub fn mark_clean(&mut self) {
        self.initial = self.fields.iter().map(|f| f.value.clone()).collect();
    }

    /// The store's struct for what was typed (text passed as typed; the store checks it).
    pub fn entry(&self) -> Entry {
        let v = |k: &str| self.value(k).to_string();
        match self.kind {
            FormKind::Call | FormKind::Meeting => Entry::Activity(NewActivity {
                kind: Some(if self.kind == FormKind::Call {
                    ActivityKind::Call
                } else {
                    ActivityKind::Meeting
                }),
                rep: v("rep"),
                date: v("date"),
                time: v("time"),
                duration: v("duration"),
                outcome: v("outcome"),
                customer: v("customer"),
                note: v("note"),
            }),
            FormKind::Satisfaction => Entry::Survey(NewSurvey {
                rep: v("rep"),
                date: v("date"),
                score: v("score"),
                workload: v("workload"),
                team: v("team"),
                manager: v("manager"),
                pay: v("pay"),
                comment: v("comment"),
            }),
            FormKind::Plan => Entry::Plan(NewPlan {
                rep: v("rep"),
                month: v("month"),
                revenue: v("revenue"),
                units: v("units"),
                calls: v("calls"),
                meetings: v("meetings"),
                replace: is_yes(self.value("replace")),
            }),
            FormKind::Knowledge => Entry::Knowledge(NewKnowledge {
                rep: v("rep"),
                date: v("date"),
                score: v("score"),
            }),
            FormKind::Response => Entry::Response(NewResponse {
                inquiry: v("inquiry"),
                date: v("date"),
                time: v("time"),
                ..NewResponse::default()
            }),
        }
    }

    /// Shows the store's complaint: marks the field it names and moves the focus there.
    /// Everything typed stays. A field this form does not have (e.g. "kind") is only named
    /// in the message.
    pub fn set_error(&mut self, v: &Validation) {
        self.saving = false;
        self.confirm_discard = false;
        self.message = None;
        self.error = Some((v.field.to_string(), v.reason.clone()));
        if let Some(i) = self.fields.iter().position(|f| f.key == v.field) {
            self.focus = i;
            self.pick = 0;
            self.selected = false;
            let f = &mut self.fields[i];
            f.cursor = f.len();
        }
    }

    /// The label of the field the error names, or the raw key.
    pub fn error_label(&self, lang: Lang) -> Option<(String, &str)> {
        let (key, reason) = self.error.as_ref()?;
        let label = self
            .fields
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.label(lang).to_string())
            .unwrap_or_else(|| key.clone());
        Some((label, reason.as_str()))
    }

    /// Whether the field at `i` is the one the error names.
    pub fn has_error(&self, i: usize) -> bool {
        match (&self.error, self.fields.get(i)) {
            (Some((key, _)), Some(f)) => f.key == key,
            _ => false,
        }
    }

    /// The unfinished form, for keeping across a hang-up.
    pub fn draft(&self) -> Draft {
        Draft {
            kind: self.kind.as_str().to_string(),
            values: self
                .fields
                .iter()
                .map(|f| (f.key.to_string(), f.value.clone()))
                .collect(),
        }
    }

    /// Reopens a draft (`None` when its kind is unknown). Keys the form does not have are
    /// ignored; the draft's values count as typed (Esc asks before discarding them).
    pub fn from_draft(draft: Draft, today: NaiveDate) -> Option<Form> {
        let kind = FormKind::from_name(&draft.kind)?;
        let mut form = Form::new(kind, today);
        for (key, value) in &draft.values {
            if let Some(f) = form.fields.iter_mut().find(|f| f.key == key) {
                f.set_value(value);
            }
        }
        Some(form)
    }

    /// Suggestions for the focused rep/customer field: names containing what was typed
    /// (any case, any script), names starting with it first, then names with a word
    /// starting with it; at most [`MAX_SUGGESTIONS`]. None while the field is empty or
    /// already holds one of the names exactly. `reps` should hold active reps only.
    pub fn suggestions(&self, reps: &[&str], customers: &[(i64, String)]) -> Vec<String> {
        let Some(f) = self.focused() else {
            return Vec::new();
        };
        match f.kind {
            FieldKind::Rep => matches(&f.value, reps.iter().copied()),
            FieldKind::Customer => matches(&f.value, customers.iter().map(|c| c.1.as_str())),
            _ => Vec::new(),
        }
    }

    fn move_focus(&mut self, by: isize) {
        let n = self.fields.len() as isize;
        if n == 0 {
            return;
        }
        self.focus = (self.focus as isize + by).rem_euclid(n) as usize;
        self.pick = 0;
        let default = self.initial.get(self.focus);
        self.selected = false;
        if let Some(f) = self.fields.get_mut(self.focus) {
            f.cursor = f.len();
            self.selected = f.kind == FieldKind::Text
                && !f.value.is_empty()
                && default.is_some_and(|d| *d == f.value);
        }
    }

    /// Handles one key. `reps`: the names of active reps; `customers`: every customer.
    pub fn on_key(
        &mut self,
        key: KeyEvent,
        reps: &[&str],
        customers: &[(i64, String)],
    ) -> FormOutcome {
        if key.kind == KeyEventKind::Release || self.saving {
            return FormOutcome::Continue;
        }
        if key.code == KeyCode::Esc {
            if self.confirm_discard || !self.is_dirty() {
                return FormOutcome::Cancel;
            }
            self.confirm_discard = true;
            return FormOutcome::Continue;
        }
        self.confirm_discard = false;
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        let suggestions = self.suggestions(reps, customers);
        let before = (self.focus, self.focused().map(|f| f.value.clone()));
        match key.code {
            KeyCode::BackTab => self.move_focus(-1),
            KeyCode::Tab if shift => self.move_focus(-1),
            KeyCode::Tab => self.move_focus(1),
            KeyCode::Down if !suggestions.is_empty() => {
                self.pick = (self.pick + 1).min(suggestions.len() - 1);
            }
            KeyCode::Up if !suggestions.is_empty() => {
                self.pick = self.pick.saturating_sub(1);
            }
            KeyCode::Down => self.move_focus(1),
            KeyCode::Up => self.move_focus(-1),
            KeyCode::Enter if !suggestions.is_empty() => {
                let name = &suggestions[self.pick.min(suggestions.len() - 1)];
                if let Some(f) = self.fields.get_mut(self.focus) {
                    f.set_value(name);
                }
                if self.focus + 1 < self.fields.len() {
                    self.move_focus(1);
                }
                self.pick = 0;
            }
            KeyCode::Enter => return FormOutcome::Save(self.entry()),
            code => {
                let selected = std::mem::take(&mut self.selected);
                if let Some(f) = self.fields.get_mut(self.focus) {
                    let replaces = match code {
                        KeyCode::Char(_) => (!ctrl && !alt) || (ctrl && alt),
                        KeyCode::Backspace | KeyCode::Delete => true,
                        _ => false,
                    };
                    if selected && replaces {
                        f.set_value("");
                        if matches!(code, KeyCode::Backspace | KeyCode::Delete) {
                            return self.after_edit(before);
                        }
                    }
                    edit(f, code, ctrl, alt);
                }
            }
        }
        self.after_edit(before)
    }

    /// After a key: editing the field the error names means the complaint is being dealt
    /// with; a changed value starts the suggestions from the top.
    fn after_edit(&mut self, before: (usize, Option<String>)) -> FormOutcome {
        let (at, old) = before;
        let now = self.fields.get(at).map(|f| f.value.clone());
        if old != now {
            if at == self.focus {
                self.pick = 0;
            }
            if self.has_error(at) {
                self.error = None;
            }
        }
        FormOutcome::Continue
    }
}

/// An editing key inside one field.
fn edit(f: &mut Field, code: KeyCode, ctrl: bool, alt: bool) {
    let len = f.len();
    match f.kind {
        FieldKind::Choice(_) | FieldKind::Check => match code {
            KeyCode::Left => f.cycle(-1),
            KeyCode::Right | KeyCode::Char(' ') => f.cycle(1),
            KeyCode::Char(c) if !ctrl && !alt => {
                if f.kind == FieldKind::Check {
                    if is_yes(&c.to_string()) {
                        f.set_value("yes");
                    } else if matches!(c.to_lowercase().next(), Some('n' | 'н' | '0')) {
                        f.set_value("");
                    }
                } else {
                    f.choose_by_letter(c);
                }
            }
            _ => {}
        },
        _ => match code {
            KeyCode::Char('u') if ctrl => f.set_value(""),
            KeyCode::Char('a') if ctrl => f.cursor = 0,
            KeyCode::Char('e') if ctrl => f.cursor = len,
            // AltGr arrives as Ctrl+Alt on some terminals: it still types a character.
            KeyCode::Char(c)
                if ((!ctrl && !alt) || (ctrl && alt)) && !crate::text::is_unsafe(c) =>
            {
                f.insert(c)
            }
            KeyCode::Backspace => f.backspace(),
            KeyCode::Delete => f.delete(),
            KeyCode::Left => f.cursor = f.cursor.min(len).saturating_sub(1),
            KeyCode::Right => f.cursor = (f.cursor + 1).min(len),
            KeyCode::Home => f.cursor = 0,
            KeyCode::End => f.cursor = len,
            _ => {}
        },
    }
}

/// Names containing `typed` (Unicode, any case): whole-name prefix matches first, then
/// word-prefix matches, then the rest, each in the given order; at most
/// [`MAX_SUGGESTIONS`]. Empty when nothing was typed or a name matches exactly.
pub fn matches<'a>(typed: &str, names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let t = typed.trim().to_lowercase();
    if t.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<(u8, &str)> = Vec::new();
    for name in names {
        let lower = name.to_lowercase();
        if lower == t {
            return Vec::new();
        }
        if !lower.contains(&t) || hits.iter().any(|h| h.1 == name) {
            continue;
        }
        let rank = if lower.starts_with(&t) {
            0
        } else if lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w.starts_with(&t))
        {
            1
        } else {
            2
        };
        hits.push((rank, name));
    }
    hits.sort_by_key(|h| h.0);
    hits.into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|h| h.1.to_string())
        .collect()
}
