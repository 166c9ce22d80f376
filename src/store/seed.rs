//! Deterministic synthetic data for demos, tests and benchmarks (`salesboard seed`).
//!
//! Everything is derived from [`SeedOptions`] alone: no wall clock (all dates are relative
//! to `until`, the last day of data), one ChaCha8 stream per section (so changing how
//! surveys are drawn does not reshuffle the deals), and only ordered collections. The same
//! options therefore give byte-identical rows on the same machine; instants are local
//! business hours converted to UTC, so they follow the machine's time zone.
//!
//! Sales are simulated in memory first (teams, reps, campaigns, customers, deals with their
//! stage history), because later tables depend on earlier outcomes: a won "new" deal
//! creates a customer, plans are calibrated on what a team actually sells, campaign
//! baselines on what the campaign brought. The big tables (activities, inquiries) are then
//! streamed straight into the database day by day.
//!
//! The data is shaped so that every KPI and every alert of SPEC §3 has something to show:
//! reps are given roles (a star, a weak closer, a slow closer, one who skips meetings, two
//! heading for burnout, …) in a fixed cycle of 25, so the small example has one of each
//! and the large one has many.

use super::{Result, Store, StoreError};
use crate::model::{DealKind, Stage};
use crate::period::{day_start, working_days_between};
use chrono::{Datelike, Duration, Local, Months, NaiveDate, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::{Transaction, params};
use serde::Serialize;
use std::collections::BTreeSet;

/// How dense the generated history is (the counts come from [`SeedOptions`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedSize {
    /// The bundled example: small enough to ship, dense enough to show every KPI.
    Small,
    /// The benchmark database of SPEC §7 (~300 000 deals, ~2 000 000 activities).
    Large,
}

#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub reps: usize,
    /// Sub-teams the reps are spread over (departments above them are added).
    pub teams: usize,
    /// Calendar months of data, the last one being the month of `until`.
    pub months: u32,
    pub seed: u64,
    /// The last day of data ("today" of the example); nothing happens after 18:00 that day.
    pub until: NaiveDate,
    pub size: SeedSize,
}

impl SeedOptions {
    /// The example database: 25 reps in 4 teams, 12 months.
    pub fn small(until: NaiveDate) -> Self {
        SeedOptions {
            reps: 25,
            teams: 4,
            months: 12,
            seed: 42,
            until,
            size: SeedSize::Small,
        }
    }

    /// The benchmark database: 500 reps in 40 teams, 24 months.
    pub fn large(until: NaiveDate) -> Self {
        SeedOptions {
            reps: 500,
            teams: 40,
            months: 24,
            seed: 42,
            until,
            size: SeedSize::Large,
        }
    }
}

/// Rows written per table (`teams` includes the departments).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SeedSummary {
    pub teams: usize,
    pub reps: usize,
    pub customers: usize,
    pub campaigns: usize,
    pub deals: usize,
    pub stage_changes: usize,
    pub activities: usize,
    pub surveys: usize,
    pub knowledge_tests: usize,
    pub inquiries: usize,
    pub invoices: usize,
}

/// Fills an empty database with synthetic data, in one transaction.
///
/// Refuses a database that already has reps (or teams): seeding is for new files only.
pub fn seed(store: &mut Store, opts: &SeedOptions) -> Result<SeedSummary> {
    check_options(opts)?;
    let cal = Calendar::new(opts.until, opts.months)?;
    let summary = store.bulk(|tx| {
        refuse_non_empty(tx)?;
        let world = World::generate(opts, &cal);
        let summary = write_world(tx, opts, &cal, &world)?;
        // A new file: no board has read it yet, so the notes of every row are of no use.
        // (One that had would read everything on seeing notes missing.)
        tx.execute("DELETE FROM change_log", [])?;
        Ok(summary)
    })?;
    // The currency row changed the settings; unknown keys are not ours to report here.
    store.reload_settings()?;
    Ok(summary)
}

fn check_options(opts: &SeedOptions) -> Result<()> {
    let bad = |m: String| Err(StoreError::Other(m));
    if opts.reps == 0 || opts.reps > 100_000 {
        return bad(format!("seed: reps must be 1..=100000, not {}", opts.reps));
    }
    if opts.teams == 0 || opts.teams > opts.reps {
        return bad(format!(
            "seed: teams must be 1..=reps ({}), not {}",
            opts.reps, opts.teams
        ));
    }
    if opts.months == 0 || opts.months > 240 {
        return bad(format!("seed: months must be 1..=240, not {}", opts.months));
    }
    Ok(())
}

fn refuse_non_empty(tx: &Transaction<'_>) -> Result<()> {
    let count = |table: &str| -> Result<i64> {
        Ok(tx.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
    };
    let (reps, teams) = (count("rep")?, count("team")?);
    if reps > 0 || teams > 0 {
        return Err(StoreError::Other(format!(
            "the database already has data ({reps} reps, {teams} teams): seed only fills an empty database — create a new one with `salesboard init`"
        )));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Scale and fixed vocabularies
// ---------------------------------------------------------------------------------------

/// Per-size densities. The small example must stay well under 5 MB (an activity row costs
/// ~80 bytes with its three indexes), so its reps log fewer calls a day than real ones;
/// targets are derived from the same rates, so attainment still reads right.
struct Scale {
    /// Deals created per rep per month (21 working days).
    deals_per_month: f64,
    calls_per_day: f64,
    meetings_per_day: f64,
    inquiries_per_day: f64,
    /// Customers each rep already has when the data starts.
    base_customers: usize,
    /// Multiplies deal amounts, so a rep's monthly revenue lands around 1.5–4 million RUB.
    amount_scale: f64,
}

impl SeedSize {
    fn scale(self) -> Scale {
        match self {
            SeedSize::Small => Scale {
                deals_per_month: 9.0,
                calls_per_day: 3.5,
                meetings_per_day: 1.0,
                inquiries_per_day: 0.5,
                base_customers: 5,
                amount_scale: 1.3,
            },
            SeedSize::Large => Scale {
                deals_per_month: 25.8,
                calls_per_day: 7.7,
                meetings_per_day: 0.9,
                inquiries_per_day: 0.4,
                base_customers: 6,
                amount_scale: 0.65,
            },
        }
    }
}

/// Business hours, seconds into the local day.
const OPEN: i64 = 9 * 3600;
const CLOSE: i64 = 18 * 3600;
/// Deals start this many days before the first month, so the first month already has a
/// pipeline closing into it instead of an empty funnel.
const WARM_UP_DAYS: i64 = 42;
/// Neglected customers get no contact in this many final days (for "not contacted in 90").
const NEGLECT_DAYS: i64 = 120;
/// Kopecks per rouble.
const RUB: i64 = 100;

/// Users who typed rows into the board; the first is the head of sales.
const USERS: [&str; 3] = ["e.volkova", "i.orlov", "m.sokolova"];

const REGIONS: [&str; 10] = [
    "Москва",
    "Санкт-Петербург",
    "Казань",
    "Новосибирск",
    "Екатеринбург",
    "Нижний Новгород",
    "Краснодар",
    "Самара",
    "Ростов-на-Дону",
    "Владивосток",
];

/// Sub-teams of the small example: name, regions of their reps, deal size multiplier.
const NAMED_TEAMS: [(&str, &[&str], f64); 4] = [
    ("Москва", &["Москва"], 1.0),
    ("Санкт-Петербург", &["Санкт-Петербург"], 1.0),
    (
        "Регионы",
        &[
            "Казань",
            "Новосибирск",
            "Екатеринбург",
            "Нижний Новгород",
            "Краснодар",
            "Самара",
        ],
        0.8,
    ),
    ("Ключевые клиенты", &["Москва", "Санкт-Петербург"], 1.8),
];

const DEPARTMENTS: [&str; 5] = [
    "Отдел продаж «Центр»",
    "Отдел продаж «Северо-Запад»",
    "Отдел продаж «Волга»",
    "Отдел продаж «Урал и Сибирь»",
    "Отдел продаж «Юг»",
];

#[rustfmt::skip]
const MALE_NAMES: [&str; 30] = [
    "Алексей", "Дмитрий", "Сергей", "Андрей", "Иван", "Михаил", "Николай", "Павел", "Артём",
    "Максим", "Егор", "Роман", "Владимир", "Константин", "Олег", "Игорь", "Евгений", "Никита",
    "Кирилл", "Денис", "Юрий", "Антон", "Виктор", "Григорий", "Тимур", "Руслан", "Илья",
    "Фёдор", "Степан", "Вадим",
];

#[rustfmt::skip]
const FEMALE_NAMES: [&str; 30] = [
    "Анна", "Мария", "Елена", "Ольга", "Наталья", "Екатерина", "Татьяна", "Ирина", "Светлана",
    "Юлия", "Анастасия", "Дарья", "Ксения", "Марина", "Виктория", "Полина", "Алина", "Вера",
    "Людмила", "Галина", "Софья", "Алёна", "Надежда", "Валерия", "Кристина", "Евгения",
    "Любовь", "Лариса", "Оксана", "Жанна",
];

/// Male surnames whose female form adds "а".
#[rustfmt::skip]
const SURNAMES: [&str; 40] = [
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
    "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв",
    "Сергеев", "Кудрявцев", "Белов", "Тарасов", "Беляев", "Комаров", "Медведев", "Киселёв",
];

/// Names in other scripts, to exercise alignment by display width: (rep index, name).
const FOREIGN_NAMES: [(usize, &str); 2] = [(8, "مریم رضایی"), (19, "王伟")];

const COMPANY_FORMS: [(&str, u32); 4] = [("ООО", 70), ("АО", 15), ("ГК", 10), ("ПАО", 5)];
#[rustfmt::skip]
const COMPANY_CORES: [&str; 32] = [
    "Вектор", "Альянс", "Север", "Техно", "Гранит", "Меридиан", "Орион", "Спектр", "Капитал",
    "Фортуна", "Ресурс", "Профи", "Агро", "Медиа", "Энерго", "Сфера", "Интеграл", "Горизонт",
    "Атлант", "Байкал", "Волна", "Дельта", "Импульс", "Кристалл", "Лидер", "Магистраль",
    "Нева", "Омега", "Пульс", "Радуга", "Сигма", "Урал",
];
#[rustfmt::skip]
const COMPANY_SUFFIXES: [&str; 10] = [
    "", "Трейд", "Сервис", "Плюс", "Строй", "Софт", "Маркет", "Логистик", "Групп", "Систем",
];

struct Product {
    name: &'static str,
    units: (i64, i64),
    /// Roubles per unit (log-uniform).
    unit_price: (i64, i64),
    margin: (f64, f64),
}

const PRODUCTS: [Product; 4] = [
    Product {
        name: "Лицензия",
        units: (10, 120),
        unit_price: (9_000, 18_000),
        margin: (0.45, 0.60),
    },
    Product {
        name: "Внедрение",
        units: (1, 1),
        unit_price: (350_000, 2_000_000),
        margin: (0.20, 0.35),
    },
    Product {
        name: "Поддержка",
        units: (3, 12),
        unit_price: (25_000, 60_000),
        margin: (0.35, 0.55),
    },
    Product {
        name: "Обучение",
        units: (2, 20),
        unit_price: (15_000, 30_000),
        margin: (0.30, 0.50),
    },
];

/// Product weights (indexes into PRODUCTS) by deal kind.
fn product_weights(kind: DealKind) -> [u32; 4] {
    match kind {
        DealKind::New => [45, 30, 10, 15],
        DealKind::Upsell => [65, 10, 25, 0],
        DealKind::CrossSell => [0, 40, 20, 40],
        DealKind::Renewal => [40, 0, 60, 0],
    }
}

/// Kind of a deal when the rep has a current customer to sell to.
const KIND_WEIGHTS: [(DealKind, u32); 4] = [
    (DealKind::New, 50),
    (DealKind::Upsell, 18),
    (DealKind::CrossSell, 14),
    (DealKind::Renewal, 18),
];

/// Existing customers buy more readily.
fn kind_win_factor(kind: DealKind) -> f64 {
    match kind {
        DealKind::New => 1.0,
        DealKind::Upsell => 1.05,
        DealKind::CrossSell => 1.0,
        DealKind::Renewal => 1.15,
    }
}

/// Chance to move on from lead, qualified, proposal, negotiation (before score and skill):
/// lead → opportunity ≈ 60 %, opportunity → win ≈ 38 %, lead → win ≈ 23 %.
const STEP_CHANCE: [f64; 4] = [0.62, 0.68, 0.66, 0.66];
/// Mean working days spent in lead, qualified, proposal, negotiation.
const STAGE_DAYS: [f64; 4] = [3.0, 6.0, 9.0, 8.0];
const SCORE_WEIGHTS: [(u8, u32); 5] = [(1, 8), (2, 20), (3, 34), (4, 26), (5, 12)];
const LOST_REASONS: [(&str, u32); 6] = [
    ("цена", 30),
    ("конкурент", 25),
    ("нет бюджета", 20),
    ("нет ответа", 12),
    ("сроки", 8),
    ("отложили проект", 5),
];

const CALL_OUTCOMES: [(&str, u32); 5] = [
    ("reached", 34),
    ("no_answer", 33),
    ("follow_up", 23),
    ("meeting_set", 8),
    ("deal_won", 2),
];
const MEETING_OUTCOMES: [(&str, u32); 3] = [("held", 74), ("follow_up", 15), ("cancelled", 11)];
const CALL_NOTES: [&str; 4] = [
    "Перезвонить через неделю",
    "Отправить КП",
    "Уточнить бюджет",
    "Просит скидку",
];
const MEETING_NOTES: [&str; 5] = [
    "Презентация продукта",
    "Обсуждение КП",
    "Демонстрация",
    "Согласование договора",
    "Встреча с ЛПР",
];
const INQUIRY_CHANNELS: [(&str, u32); 6] = [
    ("email", 35),
    ("phone", 25),
    ("web", 20),
    ("chat", 12),
    ("social", 6),
    ("other", 2),
];

/// Campaign templates: name stem, channel, length in months, cost range in roubles.
const CAMPAIGN_KINDS: [(&str, &str, u32, (i64, i64)); 7] = [
    ("Email-рассылка", "email", 1, (150_000, 350_000)),
    (
        "Вебинар «Автоматизация продаж»",
        "events",
        1,
        (300_000, 700_000),
    ),
    ("Холодный обзвон", "cold_calls", 2, (600_000, 1_200_000)),
    ("Контекстная реклама", "ads", 2, (900_000, 2_000_000)),
    ("Таргетированная реклама", "social", 2, (600_000, 1_400_000)),
    ("Отраслевая выставка", "events", 1, (1_500_000, 3_500_000)),
    ("Партнёрский вебинар", "events", 1, (250_000, 600_000)),
];
#[rustfmt::skip]
const MONTH_NAMES: [&str; 12] = [
    "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
    "октябрь", "ноябрь", "декабрь",
];

const SURVEY_COMMENTS_GOOD: [&str; 4] = [
    "Хорошая команда",
    "Всё устраивает",
    "Интересные клиенты",
    "Хочу больше обучения",
];
const SURVEY_COMMENTS_BAD: [&str; 4] = [
    "Много отчётности",
    "Непонятная система бонусов",
    "Устал, много переработок",
    "План нереалистичный",
];

// ---------------------------------------------------------------------------------------
// Random helpers (no panics on degenerate ranges)
// ---------------------------------------------------------------------------------------

/// An independent stream per section, all from the one seed.
fn stream(seed: u64, section: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(section);
    rng
}

fn uniform(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

/// Inclusive integer range; `lo` when the range is empty.
fn int(rng: &mut ChaCha8Rng, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        lo
    } else {
        rng.random_range(lo..=hi)
    }
}

fn chance(rng: &mut ChaCha8Rng, p: f64) -> bool {
    rng.random::<f64>() < p
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn weighted<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total.max(1));
    for (item, w) in items {
        if roll < *w {
            return *item;
        }
        roll -= w;
    }
    items[items.len() - 1].0
}

/// Exponential with mean 1.
fn exp1(rng: &mut ChaCha8Rng) -> f64 {
    -(1.0 - rng.random::<f64>()).ln()
}

/// Poisson count (Knuth; the rates here are small).
fn poisson(rng: &mut ChaCha8Rng, lambda: f64) -> usize {
    if lambda <= 0.0 {
        return 0;
    }
    let limit = (-lambda.min(50.0)).exp();
    let mut p = 1.0;
    let mut k = 0;
    loop {
        p *= rng.random::<f64>();
        if p <= limit {
            return k;
        }
        k += 1;
    }
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The nearest working day on or before `d`.
fn workday_on_or_before(mut d: NaiveDate) -> NaiveDate {
    while is_weekend(d) {
        d -= days(1);
    }
    d
}

// ---------------------------------------------------------------------------------------
// Calendar: days of data and their local business hours as UTC instants
// ---------------------------------------------------------------------------------------

struct Calendar {
    /// First day with any instant (the warm-up before the first month).
    first: NaiveDate,
    /// First day of the first month of data.
    window_start: NaiveDate,
    until: NaiveDate,
    /// Start of each local day `first..=until`, as UTC seconds (computed once: the time
    /// zone lookup is the slow part of a conversion).
    starts: Vec<i64>,
    workday: Vec<bool>,
}

impl Calendar {
    fn new(until: NaiveDate, months: u32) -> Result<Calendar> {
        let window_start = until
            .with_day(1)
            .and_then(|m| m.checked_sub_months(Months::new(months.saturating_sub(1))))
            .ok_or_else(|| StoreError::Other(format!("seed: no {months} months before {until}")))?;
        let first = window_start - days(WARM_UP_DAYS);
        let n = (until - first).num_days() as usize + 1;
        let mut starts = Vec::with_capacity(n);
        let mut workday = Vec::with_capacity(n);
        for i in 0..n {
            let d = first + days(i as i64);
            starts.push(day_start(&Local, d));
            workday.push(!is_weekend(d));
        }
        Ok(Calendar {
            first,
            window_start,
            until,
            starts,
            workday,
        })
    }

    fn last(&self) -> usize {
        self.starts.len() - 1
    }

    fn date(&self, i: usize) -> NaiveDate {
        self.first + days(i as i64)
    }

    /// Index of `d`, clamped into the calendar.
    fn index(&self, d: NaiveDate) -> usize {
        (d - self.first).num_days().clamp(0, self.last() as i64) as usize
    }

    fn at(&self, i: usize, secs: i64) -> i64 {
        self.starts[i] + secs
    }

    /// The first working day at or after `i`, if it is not after `until`.
    fn next_workday(&self, mut i: usize) -> Option<usize> {
        while i <= self.last() {
            if self.workday[i] {
                return Some(i);
            }
            i += 1;
        }
        None
    }

    /// First days of the months of data, oldest first.
    fn months(&self) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        let mut m = self.window_start;
        while m <= self.until {
            out.push(m);
            m = next_month(m);
        }
        out
    }

    /// Months from the first month of data to the month of `d` (negative before it).
    fn month_index(&self, d: NaiveDate) -> i64 {
        let w = self.window_start;
        (d.year() as i64 * 12 + d.month0() as i64) - (w.year() as i64 * 12 + w.month0() as i64)
    }
}

fn next_month(m: NaiveDate) -> NaiveDate {
    m.checked_add_months(Months::new(1)).unwrap_or(m + days(31))
}

fn month_end(m: NaiveDate) -> NaiveDate {
    next_month(m) - days(1)
}

/// Working days in `from..=to`.
fn workdays(from: NaiveDate, to: NaiveDate) -> i64 {
    working_days_between(from, to + days(1))
}

// ---------------------------------------------------------------------------------------
// The simulated world
// ---------------------------------------------------------------------------------------

struct TeamRec {
    name: String,
    parent: Option<usize>,
    regions: Vec<&'static str>,
    deal_size: f64,
}

/// What makes a rep stand out; cycled every 25 reps so each appears in the small example.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Steady,
    /// Beats plan.
    Star,
    /// Opportunity → win under 15 %.
    Weak,
    /// Sales cycle far longer than the team's.
    Slow,
    /// Well below the meetings target.
    FewMeetings,
    /// Latest satisfaction ≤ 4.
    BurnoutLow,
    /// Satisfaction fell by 3 at the latest survey.
    BurnoutDrop,
    /// Knowledge tests under 70 %.
    LowKnowledge,
    /// Answers inquiries late (over the 1 h SLA).
    SlowReplies,
    /// Many new customers churn soon after the first sale.
    Churny,
}

#[rustfmt::skip]
const ROLE_CYCLE: [Role; 25] = {
    use Role::*;
    [
        Star, Steady, Weak, Steady, Slow,                      // 0–4
        Steady, FewMeetings, BurnoutLow, Steady, LowKnowledge, // 5–9
        Star, SlowReplies, Steady, BurnoutDrop, Churny,        // 10–14
        Steady, LowKnowledge, Steady, Steady, Steady,          // 15–19
        Steady, Star, Steady, Steady, Steady,                  // 20–24
    ]
};
/// Positions in the cycle of reps hired during the data window, and of those who left.
const HIRED_IN_WINDOW: [usize; 4] = [5, 12, 20, 23];
const LEFT_IN_WINDOW: [usize; 2] = [17, 24];

struct RepRec {
    name: String,
    team: usize,
    region: &'static str,
    hired: NaiveDate,
    /// Last day at the company, for the inactive ones.
    left: Option<NaiveDate>,
    role: Role,
    /// Multiplies the chances to move on past the lead stage.
    skill: f64,
    /// Multiplies the days spent in each stage (above 1 = slower).
    speed: f64,
    /// Multiplies the number of deals created.
    volume: f64,
    calls: f64,
    meetings: f64,
    deal_size: f64,
    /// Satisfaction baseline, 1–10.
    mood: f64,
    /// Knowledge test baseline, 0–100.
    knowledge: f64,
    /// Multiplies inquiry response delays.
    reply: f64,
}

impl RepRec {
    fn active_on(&self, d: NaiveDate) -> bool {
        d >= self.hired && self.left.is_none_or(|l| d <= l)
    }

    /// New hires ramp up over their first two months.
    fn ramp(&self, d: NaiveDate) -> f64 {
        match (d - self.hired).num_days() {
            ..30 => 0.4,
            30..60 => 0.7,
            _ => 1.0,
        }
    }
}

struct CampaignRec {
    name: String,
    channel: &'static str,
    cost: i64,
    starts: NaiveDate,
    ends: NaiveDate,
    baseline: i64,
}

impl CampaignRec {
    /// Deals created up to a month after a campaign still count as its leads.
    fn attracts_on(&self, d: NaiveDate) -> bool {
        d >= self.starts && d <= self.ends + days(30)
    }
}

struct CustRec {
    name: String,
    region: &'static str,
    owner: usize,
    acquired: NaiveDate,
    churned: Option<NaiveDate>,
    campaign: Option<usize>,
    /// Left without contact for the last NEGLECT_DAYS days.
    neglected: bool,
}

impl CustRec {
    fn current_on(&self, d: NaiveDate) -> bool {
        self.acquired <= d && self.churned.is_none_or(|c| c > d)
    }
}

/// A deal's stage history: (stage entered, at), the first being (lead, created_at).
#[derive(Clone, Copy)]
struct Moves {
    len: usize,
    steps: [(Stage, i64); 5],
}

impl Moves {
    fn new(at: i64) -> Moves {
        Moves {
            len: 1,
            steps: [(Stage::Lead, at); 5],
        }
    }
    fn push(&mut self, stage: Stage, at: i64) {
        // At most lead, qualified, proposal, negotiation and a close: never more than 5.
        if self.len < self.steps.len() {
            self.steps[self.len] = (stage, at);
            self.len += 1;
        }
    }
    fn list(&self) -> &[(Stage, i64)] {
        &self.steps[..self.len]
    }
    fn created_at(&self) -> i64 {
        self.steps[0].1
    }
    fn current(&self) -> (Stage, i64) {
        self.steps[self.len - 1]
    }
}

struct DealRec {
    rep: usize,
    customer: Option<usize>,
    campaign: Option<usize>,
    amount: i64,
    cost: i64,
    units: i64,
    score: u8,
    kind: DealKind,
    product: &'static str,
    location: &'static str,
    moves: Moves,
    lost: Option<(Stage, &'static str)>,
    created_day: usize,
    closed_day: Option<usize>,
}

impl DealRec {
    fn stage(&self) -> Stage {
        self.moves.current().0
    }
    fn closed_at(&self) -> Option<i64> {
        (!self.stage().is_open()).then(|| self.moves.current().1)
    }
    fn won(&self) -> bool {
        self.stage() == Stage::Won
    }
}

struct World {
    scale: Scale,
    teams: Vec<TeamRec>,
    reps: Vec<RepRec>,
    campaigns: Vec<CampaignRec>,
    customers: Vec<CustRec>,
    deals: Vec<DealRec>,
}

/// Stream numbers of the sections.
mod section {
    pub const PEOPLE: u64 = 1;
    pub const CAMPAIGNS: u64 = 2;
    pub const SALES: u64 = 3;
    pub const PLANS: u64 = 4;
    pub const INVOICES: u64 = 5;
    pub const ACTIVITY: u64 = 6;
    pub const INQUIRIES: u64 = 7;
    pub const SURVEYS: u64 = 8;
    pub const KNOWLEDGE: u64 = 9;
    pub const COSTS: u64 = 10;
}

impl World {
    fn generate(opts: &SeedOptions, cal: &Calendar) -> World {
        let scale = opts.size.scale();
        let mut rng = stream(opts.seed, section::PEOPLE);
        let teams = make_teams(opts);
        let reps = make_reps(&mut rng, opts, cal, &teams);
        let mut rng = stream(opts.seed, section::CAMPAIGNS);
        let campaigns = make_campaigns(&mut rng, opts, cal);
        let mut world = World {
            scale,
            teams,
            reps,
            campaigns,
            customers: Vec::new(),
            deals: Vec::new(),
        };
        let mut rng = stream(opts.seed, section::SALES);
        world.simulate_sales(&mut rng, cal);
        world.hand_over_leavers_customers(&mut rng);
        world.set_campaign_baselines(&mut rng);
        world
    }
}

/// Departments (one per 10 sub-teams) first, then the sub-teams below them.
fn make_teams(opts: &SeedOptions) -> Vec<TeamRec> {
    let depts = opts.teams.div_ceil(10);
    let mut teams: Vec<TeamRec> = (0..depts)
        .map(|d| TeamRec {
            name: match (depts, DEPARTMENTS.get(d)) {
                (1, _) => "Отдел продаж".to_string(),
                (_, Some(name)) => name.to_string(),
                (_, None) => format!("Отдел продаж {}", d + 1),
            },
            parent: None,
            regions: Vec::new(),
            deal_size: 1.0,
        })
        .collect();
    for t in 0..opts.teams {
        let parent = Some(t * depts / opts.teams);
        let team = if opts.teams <= NAMED_TEAMS.len() {
            let (name, regions, deal_size) = NAMED_TEAMS[t];
            TeamRec {
                name: name.to_string(),
                parent,
                regions: regions.to_vec(),
                deal_size,
            }
        } else {
            let region = REGIONS[t % REGIONS.len()];
            TeamRec {
                name: format!("{region} — группа {}", t / REGIONS.len() + 1),
                parent,
                regions: vec![region],
                deal_size: 1.0,
            }
        };
        teams.push(team);
    }
    teams
}

fn make_reps(
    rng: &mut ChaCha8Rng,
    opts: &SeedOptions,
    cal: &Calendar,
    teams: &[TeamRec],
) -> Vec<RepRec> {
    let first_team = teams.len() - opts.teams;
    let window_days = (cal.until - cal.window_start).num_days();
    let mut taken = BTreeSet::new();
    for (_, name) in FOREIGN_NAMES {
        taken.insert(name.to_string());
    }
    let mut reps = Vec::with_capacity(opts.reps);
    for i in 0..opts.reps {
        let slot = i % ROLE_CYCLE.len();
        let team = first_team + i % opts.teams;
        let name = match FOREIGN_NAMES.iter().find(|(at, _)| *at == i) {
            Some((_, name)) => name.to_string(),
            None => russian_name(rng, i, &mut taken),
        };
        let region = *pick(rng, &teams[team].regions);
        let hired = if HIRED_IN_WINDOW.contains(&slot) {
            // Late enough to be visibly new, early enough to have some history.
            cal.window_start + days(int(rng, window_days / 4, window_days * 3 / 4))
        } else {
            cal.first - days(int(rng, 60, 2500))
        };
        let left = LEFT_IN_WINDOW.contains(&slot).then(|| {
            let d = cal.until - days(int(rng, window_days / 5, window_days / 2));
            workday_on_or_before(d.max(hired + days(1)))
        });
        let mut rep = RepRec {
            name,
            team,
            region,
            hired,
            left,
            role: ROLE_CYCLE[slot],
            skill: uniform(rng, 0.92, 1.08),
            speed: uniform(rng, 0.85, 1.15),
            volume: uniform(rng, 0.9, 1.1),
            calls: uniform(rng, 0.9, 1.15),
            meetings: uniform(rng, 0.9, 1.2),
            deal_size: uniform(rng, 0.9, 1.1),
            mood: uniform(rng, 6.5, 8.8),
            knowledge: uniform(rng, 76.0, 94.0),
            reply: uniform(rng, 0.7, 1.1),
        };
        apply_role(rng, &mut rep);
        reps.push(rep);
    }
    reps
}

fn apply_role(rng: &mut ChaCha8Rng, rep: &mut RepRec) {
    match rep.role {
        Role::Star => {
            rep.skill = uniform(rng, 1.18, 1.25);
            rep.volume = 1.15;
            rep.deal_size = 1.15;
            rep.speed = 0.85;
        }
        Role::Weak => rep.skill = uniform(rng, 0.5, 0.56),
        Role::Slow => rep.speed = uniform(rng, 1.7, 1.9),
        Role::FewMeetings => rep.meetings = uniform(rng, 0.4, 0.5),
        Role::LowKnowledge => rep.knowledge = uniform(rng, 60.0, 66.0),
        Role::SlowReplies => rep.reply = uniform(rng, 3.5, 4.5),
        Role::Steady | Role::BurnoutLow | Role::BurnoutDrop | Role::Churny => {}
    }
}

fn russian_name(rng: &mut ChaCha8Rng, i: usize, taken: &mut BTreeSet<String>) -> String {
    let mut last_try = String::new();
    for _ in 0..50 {
        let surname = *pick(rng, &SURNAMES);
        let name = if chance(rng, 0.5) {
            format!("{} {surname}а", pick(rng, &FEMALE_NAMES))
        } else {
            format!("{} {surname}", pick(rng, &MALE_NAMES))
        };
        if taken.insert(name.clone()) {
            return name;
        }
        last_try = name;
    }
    // All tries taken (only with thousands of reps): a number keeps the name unique.
    let name = format!("{last_try} {}", i + 1);
    taken.insert(name.clone());
    name
}

/// A referral programme over the whole window, then campaigns spread over the months.
fn make_campaigns(rng: &mut ChaCha8Rng, opts: &SeedOptions, cal: &Calendar) -> Vec<CampaignRec> {
    let cost_scale = (opts.reps as f64 / 25.0).max(1.0);
    let rub = |r: i64| r * RUB;
    let count = (opts.months as usize * 2 / 3).clamp(6, 24);
    let months = cal.months();
    let mut out = vec![CampaignRec {
        name: "Реферальная программа".to_string(),
        channel: "referral",
        cost: (rub(60_000) as f64 * months.len() as f64 * cost_scale) as i64,
        starts: cal.window_start,
        ends: cal.until,
        baseline: 0,
    }];
    let mut names = BTreeSet::new();
    for k in 1..count {
        let (stem, channel, len, (lo, hi)) = CAMPAIGN_KINDS[(k - 1) % CAMPAIGN_KINDS.len()];
        let month = months[(k - 1) * months.len() / (count - 1)];
        let starts = (month + days(int(rng, 0, 10))).min(cal.until);
        let ends = (starts + days(30 * len as i64 - 1)).min(cal.until);
        let mut name = format!(
            "{stem}, {} {}",
            MONTH_NAMES[starts.month0() as usize],
            starts.year()
        );
        if !names.insert(name.clone()) {
            name = format!("{name} ({k})");
        }
        out.push(CampaignRec {
            name,
            channel,
            cost: (rub(int(rng, lo, hi)) as f64 * cost_scale) as i64 / 100_000 * 100_000,
            starts,
            ends,
            baseline: 0,
        });
    }
    out
}

fn company_name(rng: &mut ChaCha8Rng, taken: &mut BTreeSet<String>) -> String {
    let mut last_try = String::new();
    for _ in 0..6 {
        let form = weighted(rng, &COMPANY_FORMS);
        let core = pick(rng, &COMPANY_CORES);
        let suffix = pick(rng, &COMPANY_SUFFIXES);
        let name = if suffix.is_empty() {
            format!("{form} «{core}»")
        } else {
            format!("{form} «{core} {suffix}»")
        };
        if taken.insert(name.clone()) {
            return name;
        }
        last_try = name;
    }
    // Every combination tried is taken (tens of thousands of customers): number it.
    let name = format!("{} {}»", last_try.trim_end_matches('»'), taken.len());
    taken.insert(name.clone());
    name
}

impl World {
    /// Base customers, then deals rep by rep in creation order; won new deals add customers.
    fn simulate_sales(&mut self, rng: &mut ChaCha8Rng, cal: &Calendar) {
        let mut names = BTreeSet::new();
        for ri in 0..self.reps.len() {
            let mut own = self.base_customers(rng, cal, ri, &mut names);
            let rep = &self.reps[ri];
            let from = cal.index(rep.hired.max(cal.first));
            let to = rep.left.map_or(cal.last(), |l| cal.index(l));
            for day in from..=to {
                if !cal.workday[day] {
                    continue;
                }
                let date = cal.date(day);
                let rep = &self.reps[ri];
                let lambda = self.scale.deals_per_month / 21.0 * rep.volume * rep.ramp(date);
                for _ in 0..poisson(rng, lambda) {
                    let mut deal = self.make_deal(rng, cal, ri, day, &own);
                    if deal.won() && deal.kind == DealKind::New {
                        let c = self.new_customer(rng, cal, &deal, &mut names);
                        own.push(c);
                        deal.customer = Some(c);
                    }
                    self.deals.push(deal);
                }
            }
        }
    }

    /// Customers a rep already serves when the data starts (none for new hires).
    fn base_customers(
        &mut self,
        rng: &mut ChaCha8Rng,
        cal: &Calendar,
        ri: usize,
        names: &mut BTreeSet<String>,
    ) -> Vec<usize> {
        let rep = &self.reps[ri];
        if rep.hired >= cal.first {
            return Vec::new();
        }
        let window_days = (cal.until - cal.window_start).num_days();
        let mut own = Vec::new();
        for _ in 0..self.scale.base_customers {
            let acquired = cal.first - days(int(rng, 30, 1500));
            let churned =
                chance(rng, 0.25).then(|| cal.window_start + days(int(rng, 0, window_days)));
            let customer = CustRec {
                name: company_name(rng, names),
                region: self.reps[ri].region,
                owner: ri,
                acquired,
                churned,
                campaign: None,
                neglected: chance(rng, 0.08),
            };
            own.push(self.customers.len());
            self.customers.push(customer);
        }
        own
    }

    /// The customer won by a new deal; some churn, the churny rep's ones soon after.
    fn new_customer(
        &mut self,
        rng: &mut ChaCha8Rng,
        cal: &Calendar,
        deal: &DealRec,
        names: &mut BTreeSet<String>,
    ) -> usize {
        let acquired = cal.date(deal.closed_day.unwrap_or(deal.created_day));
        let churny = self.reps[deal.rep].role == Role::Churny;
        let (p_churn, p_soon) = if churny { (0.55, 0.85) } else { (0.3, 0.5) };
        let churned = if chance(rng, p_churn) {
            let after = if chance(rng, p_soon) {
                int(rng, 20, 175)
            } else {
                int(rng, 190, 600)
            };
            Some(acquired + days(after)).filter(|d| *d <= cal.until)
        } else {
            None
        };
        self.customers.push(CustRec {
            name: company_name(rng, names),
            region: deal.location,
            owner: deal.rep,
            acquired,
            churned,
            campaign: deal.campaign,
            neglected: chance(rng, 0.08),
        });
        self.customers.len() - 1
    }

    fn make_deal(
        &self,
        rng: &mut ChaCha8Rng,
        cal: &Calendar,
        ri: usize,
        day: usize,
        own: &[usize],
    ) -> DealRec {
        let rep = &self.reps[ri];
        let date = cal.date(day);
        let mut kind = weighted(rng, &KIND_WEIGHTS);
        let customer = if kind == DealKind::New {
            None
        } else {
            self.pick_customer(rng, own, date)
        };
        if customer.is_none() {
            kind = DealKind::New;
        }
        let location = match customer {
            Some(c) => self.customers[c].region,
            None if chance(rng, 0.9) => rep.region,
            None => *pick(rng, &REGIONS),
        };
        let campaign = self.pick_campaign(rng, kind, date);
        let product = &PRODUCTS[weighted_index(rng, &product_weights(kind))];
        let units = int(rng, product.units.0, product.units.1);
        let size = self.scale.amount_scale * self.teams[rep.team].deal_size * rep.deal_size;
        let (lo, hi) = (product.unit_price.0 as f64, product.unit_price.1 as f64);
        let unit_price = (uniform(rng, lo.ln(), hi.ln()).exp() * size / 100.0).round() as i64 * 100;
        let amount = units * unit_price.max(100) * RUB;
        let margin = uniform(rng, product.margin.0, product.margin.1);
        let cost = ((amount as f64 * (1.0 - margin)) / RUB as f64).round() as i64 * RUB;
        let score = weighted(rng, &SCORE_WEIGHTS);
        let created = cal.at(day, int(rng, OPEN, CLOSE - 1800));
        let mut deal = DealRec {
            rep: ri,
            customer,
            campaign,
            amount,
            cost: cost.clamp(0, amount),
            units,
            score,
            kind,
            product: product.name,
            location,
            moves: Moves::new(created),
            lost: None,
            created_day: day,
            closed_day: None,
        };
        self.walk_funnel(rng, cal, &mut deal);
        deal
    }

    /// A current customer of the rep (a few random tries; None sends the caller to a new one).
    fn pick_customer(&self, rng: &mut ChaCha8Rng, own: &[usize], on: NaiveDate) -> Option<usize> {
        if own.is_empty() {
            return None;
        }
        (0..8)
            .map(|_| own[rng.random_range(0..own.len())])
            .find(|&c| self.customers[c].current_on(on) && self.customers[c].acquired < on)
    }

    /// Most new deals come from a running campaign; a few repeat ones do too.
    fn pick_campaign(&self, rng: &mut ChaCha8Rng, kind: DealKind, on: NaiveDate) -> Option<usize> {
        let p = if kind == DealKind::New { 0.85 } else { 0.08 };
        if !chance(rng, p) {
            return None;
        }
        let running: Vec<usize> = (0..self.campaigns.len())
            .filter(|&c| self.campaigns[c].attracts_on(on))
            .collect();
        (!running.is_empty()).then(|| *pick(rng, &running))
    }

    /// Moves the deal through the funnel until it is won, lost, or `until` is reached.
    fn walk_funnel(&self, rng: &mut ChaCha8Rng, cal: &Calendar, deal: &mut DealRec) {
        let rep = &self.reps[deal.rep];
        let score_factor = 0.8 + 0.1 * (deal.score as f64 - 1.0);
        let kind_factor = kind_win_factor(deal.kind);
        let (mut day, mut secs) = (
            deal.created_day,
            deal.moves.created_at() - cal.starts[deal.created_day],
        );
        let mut rank = 0;
        while rank < 4 {
            let dwell = STAGE_DAYS[rank] * rep.speed * (0.35 + 0.65 * exp1(rng));
            let Some((d, s)) = advance(rng, cal, day, secs, dwell) else {
                return; // still open at `until`
            };
            (day, secs) = (d, s);
            let at = cal.at(day, secs);
            let skill = if rank == 0 { 1.0 } else { rep.skill };
            let p = (STEP_CHANCE[rank] * score_factor * kind_factor * skill).clamp(0.02, 0.95);
            if chance(rng, p) {
                // Now and then a stage is skipped (qualified straight to negotiation…).
                let skip = rank + 2 <= 4 && chance(rng, 0.04);
                rank += if skip { 2 } else { 1 };
                deal.moves.push(Stage::PATH[rank], at);
            } else {
                let from = Stage::PATH[rank];
                let reason = if rank == 0 && chance(rng, 0.4) {
                    "нет ответа"
                } else {
                    weighted(rng, &LOST_REASONS)
                };
                deal.moves.push(Stage::Lost, at);
                deal.lost = Some((from, reason));
                deal.closed_day = Some(day);
                return;
            }
        }
        deal.closed_day = Some(day);
    }

    /// Customers of reps who left go to a teammate who is still there.
    fn hand_over_leavers_customers(&mut self, rng: &mut ChaCha8Rng) {
        for c in 0..self.customers.len() {
            let owner = &self.reps[self.customers[c].owner];
            if owner.left.is_none() {
                continue;
            }
            let team = owner.team;
            let mates: Vec<usize> = (0..self.reps.len())
                .filter(|&r| self.reps[r].team == team && self.reps[r].left.is_none())
                .collect();
            if !mates.is_empty() {
                self.customers[c].owner = *pick(rng, &mates);
            }
        }
    }

    /// Baseline = what the campaign's deals would have brought anyway; one campaign is a flop.
    fn set_campaign_baselines(&mut self, rng: &mut ChaCha8Rng) {
        let mut attributed = vec![0i64; self.campaigns.len()];
        for deal in self.deals.iter().filter(|d| d.won()) {
            if let Some(c) = deal.campaign {
                attributed[c] += deal.amount;
            }
        }
        for (c, campaign) in self.campaigns.iter_mut().enumerate() {
            let share = if c == 1 {
                1.25
            } else {
                uniform(rng, 0.35, 0.8)
            };
            campaign.baseline = (attributed[c] as f64 * share / 100_000.0).round() as i64 * 100_000;
        }
    }
}

fn weighted_index(rng: &mut ChaCha8Rng, weights: &[u32; 4]) -> usize {
    let items: Vec<(usize, u32)> = weights.iter().copied().enumerate().collect();
    weighted(rng, &items)
}

/// The moment about `dwell_days` after (day, secs), in business hours of a working day and
/// strictly later; None when that is after `until`.
fn advance(
    rng: &mut ChaCha8Rng,
    cal: &Calendar,
    day: usize,
    secs: i64,
    dwell_days: f64,
) -> Option<(usize, i64)> {
    let whole = dwell_days.max(0.0).floor() as usize;
    if whole == 0 {
        let later = secs + int(rng, 900, 7200);
        if later <= CLOSE - 600 {
            return Some((day, later));
        }
        let next = cal.next_workday(day + 1)?;
        return Some((next, int(rng, OPEN, OPEN + 7200)));
    }
    let next = cal.next_workday(day + whole)?;
    Some((next, int(rng, OPEN, CLOSE - 1800)))
}

// ---------------------------------------------------------------------------------------
// Plans
// ---------------------------------------------------------------------------------------

struct PlanRec {
    rep: usize,
    month: NaiveDate,
    revenue: i64,
    units: i64,
    calls: i64,
    meetings: i64,
}

/// Revenue and units targets are the team's typical month (from fully staffed months) with a
/// 5 % stretch, so stars beat plan and weak reps fall behind; new hires and partial months
/// get a prorated plan. Calls and meetings targets follow the team's daily norms.
fn make_plans(rng: &mut ChaCha8Rng, cal: &Calendar, world: &World) -> Vec<PlanRec> {
    let months = cal.months();
    let n_months = months.len();
    let mut won = vec![(0i64, 0i64); world.reps.len() * n_months];
    for deal in world.deals.iter().filter(|d| d.won()) {
        let m = deal.closed_day.map_or(-1, |d| cal.month_index(cal.date(d)));
        if (0..n_months as i64).contains(&m) {
            let cell = &mut won[deal.rep * n_months + m as usize];
            cell.0 += deal.amount;
            cell.1 += deal.units;
        }
    }
    let mut sums = vec![(0f64, 0f64, 0u32); world.teams.len()];
    for (ri, rep) in world.reps.iter().enumerate() {
        for (mi, &m) in months.iter().enumerate() {
            let complete = month_end(m) <= cal.until;
            if complete && active_share(rep, m) >= 1.0 && plan_ramp(rep, m) >= 1.0 {
                let (rev, units) = won[ri * n_months + mi];
                let s = &mut sums[rep.team];
                s.0 += rev as f64;
                s.1 += units as f64;
                s.2 += 1;
            }
        }
    }
    let all = sums
        .iter()
        .fold((0.0, 0.0, 0), |a, s| (a.0 + s.0, a.1 + s.1, a.2 + s.2));
    let norm = |t: usize| {
        let s = if sums[t].2 > 0 { sums[t] } else { all };
        if s.2 > 0 {
            (s.0 / s.2 as f64, s.1 / s.2 as f64)
        } else {
            (2_500_000.0 * RUB as f64, 150.0)
        }
    };
    let scale = &world.scale;
    let mut plans = Vec::new();
    for (ri, rep) in world.reps.iter().enumerate() {
        let (rev_norm, units_norm) = norm(rep.team);
        for &m in &months {
            let share = active_share(rep, m);
            if share <= 0.0 {
                continue;
            }
            let wd = workdays(m, month_end(m)) as f64;
            let factor = 1.05 * uniform(rng, 0.92, 1.08) * share * plan_ramp(rep, m);
            let step = 10_000 * RUB;
            plans.push(PlanRec {
                rep: ri,
                month: m,
                revenue: ((rev_norm * factor / step as f64).round() as i64 * step).max(step),
                units: (units_norm * factor).round().max(1.0) as i64,
                calls: ((scale.calls_per_day * wd * share / 5.0).round() as i64 * 5).max(5),
                meetings: (scale.meetings_per_day * wd * share).round().max(1.0) as i64,
            });
        }
    }
    plans
}

/// Share of the month's working days the rep was with the company.
fn active_share(rep: &RepRec, m: NaiveDate) -> f64 {
    let end = month_end(m);
    let from = rep.hired.max(m);
    let to = rep.left.map_or(end, |l| l.min(end));
    if to < from {
        return 0.0;
    }
    workdays(from, to) as f64 / workdays(m, end).max(1) as f64
}

fn plan_ramp(rep: &RepRec, m: NaiveDate) -> f64 {
    match (m - rep.hired).num_days() {
        ..30 => 0.5,
        30..60 => 0.75,
        _ => 1.0,
    }
}

// ---------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------

/// Row ids of what was inserted, by index into the world's vectors.
struct Ids {
    reps: Vec<i64>,
    campaigns: Vec<i64>,
    customers: Vec<i64>,
    deals: Vec<i64>,
}

fn write_world(
    tx: &Transaction<'_>,
    opts: &SeedOptions,
    cal: &Calendar,
    world: &World,
) -> Result<SeedSummary> {
    let mut sum = SeedSummary::default();
    tx.execute(
        "INSERT INTO settings(key, value) VALUES ('currency', 'RUB')
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [],
    )?;
    let teams = write_teams(tx, world, &mut sum)?;
    let reps = write_reps(tx, world, &teams, &mut sum)?;
    let campaigns = write_campaigns(tx, world, &mut sum)?;
    write_acquisition_costs(tx, opts, cal)?;
    let customers = write_customers(tx, world, &reps, &campaigns, &mut sum)?;
    let mut ids = Ids {
        reps,
        campaigns,
        customers,
        deals: Vec::new(),
    };
    ids.deals = write_deals(tx, opts, cal, world, &ids, &mut sum)?;
    let plans = make_plans(&mut stream(opts.seed, section::PLANS), cal, world);
    write_plans(tx, &plans, &ids)?;
    write_surveys(tx, opts, cal, world, &ids, &mut sum)?;
    write_knowledge(tx, opts, cal, world, &ids, &mut sum)?;
    write_days(tx, opts, cal, world, &ids, &mut sum)?;
    Ok(sum)
}

fn write_teams(tx: &Transaction<'_>, world: &World, sum: &mut SeedSummary) -> Result<Vec<i64>> {
    let mut stmt = tx.prepare_cached("INSERT INTO team(name, parent_id) VALUES (?1, ?2)")?;
    let mut ids: Vec<i64> = Vec::with_capacity(world.teams.len());
    for team in &world.teams {
        // Parents come first in the vector, so their ids are known.
        let parent = team.parent.map(|p| ids[p]);
        ids.push(stmt.insert(params![team.name, parent])?);
    }
    sum.teams = ids.len();
    Ok(ids)
}

fn write_reps(
    tx: &Transaction<'_>,
    world: &World,
    teams: &[i64],
    sum: &mut SeedSummary,
) -> Result<Vec<i64>> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO rep(name, team_id, region, hired_on, active) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut ids = Vec::with_capacity(world.reps.len());
    for rep in &world.reps {
        ids.push(stmt.insert(params![
            rep.name,
            teams[rep.team],
            rep.region,
            ymd(rep.hired),
            rep.left.is_none()
        ])?);
    }
    sum.reps = ids.len();
    Ok(ids)
}

fn write_campaigns(tx: &Transaction<'_>, world: &World, sum: &mut SeedSummary) -> Result<Vec<i64>> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO campaign(name, channel, cost, starts_on, ends_on, baseline_revenue)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut ids = Vec::with_capacity(world.campaigns.len());
    for c in &world.campaigns {
        ids.push(stmt.insert(params![
            c.name,
            c.channel,
            c.cost,
            ymd(c.starts),
            ymd(c.ends),
            c.baseline
        ])?);
    }
    sum.campaigns = ids.len();
    Ok(ids)
}

/// Lead-generation agency fees every month and a trade show every quarter, for CAC.
fn write_acquisition_costs(tx: &Transaction<'_>, opts: &SeedOptions, cal: &Calendar) -> Result<()> {
    let mut rng = stream(opts.seed, section::COSTS);
    let scale = (opts.reps as f64 / 25.0).max(1.0);
    let mut stmt = tx.prepare_cached(
        "INSERT INTO acquisition_cost(spent_on, amount, note) VALUES (?1, ?2, ?3)",
    )?;
    let mut row = |on: NaiveDate, rub: i64, note: &str| -> Result<()> {
        let amount = (rub as f64 * scale) as i64 / 1000 * 1000 * RUB;
        stmt.execute(params![ymd(on.min(cal.until)), amount, note])?;
        Ok(())
    };
    for (i, m) in cal.months().into_iter().enumerate() {
        row(
            m + days(4),
            int(&mut rng, 150_000, 300_000),
            "Агентство лидогенерации",
        )?;
        if i % 3 == 1 {
            row(
                m + days(14),
                int(&mut rng, 400_000, 900_000),
                "Участие в выставке",
            )?;
        }
    }
    Ok(())
}

/// Customers in order of acquisition, so ids grow with time like a real CRM's.
fn write_customers(
    tx: &Transaction<'_>,
    world: &World,
    reps: &[i64],
    campaigns: &[i64],
    sum: &mut SeedSummary,
) -> Result<Vec<i64>> {
    let mut order: Vec<usize> = (0..world.customers.len()).collect();
    order.sort_by_key(|&c| (world.customers[c].acquired, c));
    let mut stmt = tx.prepare_cached(
        "INSERT INTO customer(name, region, rep_id, acquired_on, churned_on, campaign_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut ids = vec![0; world.customers.len()];
    for c in order {
        let cust = &world.customers[c];
        ids[c] = stmt.insert(params![
            cust.name,
            cust.region,
            reps[cust.owner],
            ymd(cust.acquired),
            cust.churned.map(ymd),
            cust.campaign.map(|k| campaigns[k])
        ])?;
    }
    sum.customers = ids.len();
    Ok(ids)
}

/// Deals in order of creation, each with its stage history and (when won) its invoice.
fn write_deals(
    tx: &Transaction<'_>,
    opts: &SeedOptions,
    cal: &Calendar,
    world: &World,
    ids: &Ids,
    sum: &mut SeedSummary,
) -> Result<Vec<i64>> {
    let mut rng = stream(opts.seed, section::INVOICES);
    let mut order: Vec<usize> = (0..world.deals.len()).collect();
    order.sort_by_key(|&d| (world.deals[d].moves.created_at(), d));
    let mut deal_stmt = tx.prepare_cached(
        "INSERT INTO deal(rep_id, customer_id, campaign_id, amount, cost, units, score, kind,
                          product, location, created_at, stage, closed_at, lost_reason,
                          lost_from_stage)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    let mut change_stmt = tx.prepare_cached(
        "INSERT INTO stage_change(deal_id, from_stage, to_stage, at) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut out = vec![0; world.deals.len()];
    for d in order {
        let deal = &world.deals[d];
        let id = deal_stmt.insert(params![
            ids.reps[deal.rep],
            deal.customer.map(|c| ids.customers[c]),
            deal.campaign.map(|c| ids.campaigns[c]),
            deal.amount,
            deal.cost,
            deal.units,
            deal.score,
            deal.kind.as_str(),
            deal.product,
            deal.location,
            deal.moves.created_at(),
            deal.stage().as_str(),
            deal.closed_at(),
            deal.lost.map(|(_, reason)| reason),
            deal.lost.map(|(from, _)| from.as_str()),
        ])?;
        out[d] = id;
        let mut from: Option<Stage> = None;
        for &(to, at) in deal.moves.list() {
            change_stmt.execute(params![id, from.map(Stage::as_str), to.as_str(), at])?;
            from = Some(to);
            sum.stage_changes += 1;
        }
        if deal.won() {
            write_invoice(tx, &mut rng, cal, deal, id, sum)?;
        }
    }
    sum.deals = out.len();
    Ok(out)
}

/// Most won deals are invoiced on the close date; most pay on time, some late, a few never.
fn write_invoice(
    tx: &Transaction<'_>,
    rng: &mut ChaCha8Rng,
    cal: &Calendar,
    deal: &DealRec,
    deal_id: i64,
    sum: &mut SeedSummary,
) -> Result<()> {
    if !chance(rng, 0.92) {
        return Ok(()); // prepaid or invoiced outside the CRM
    }
    let issued = cal.date(deal.closed_day.unwrap_or(deal.created_day));
    let terms = *pick(rng, &[14, 21, 30]);
    let due = issued + days(terms);
    let roll = rng.random::<f64>();
    let paid = if roll < 0.72 {
        Some(issued + days(int(rng, 1, terms)))
    } else if roll < 0.98 {
        Some(due + days(int(rng, 1, 45)))
    } else {
        None
    };
    let paid = paid.filter(|p| *p <= cal.until);
    tx.prepare_cached(
        "INSERT INTO invoice(deal_id, amount, issued_on, due_on, paid_on) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![deal_id, deal.amount, ymd(issued), ymd(due), paid.map(ymd)])?;
    sum.invoices += 1;
    Ok(())
}

fn write_plans(tx: &Transaction<'_>, plans: &[PlanRec], ids: &Ids) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO plan(rep_id, month, revenue_target, units_target, calls_target, meetings_target)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for p in plans {
        stmt.execute(params![
            ids.reps[p.rep],
            p.month.format("%Y-%m").to_string(),
            p.revenue,
            p.units,
            p.calls,
            p.meetings
        ])?;
    }
    Ok(())
}

/// Survey day of each month: the working day on or before the 25th, if not after `until`.
fn survey_days(cal: &Calendar) -> Vec<NaiveDate> {
    cal.months()
        .into_iter()
        .map(|m| workday_on_or_before(m + days(24)))
        .filter(|d| *d <= cal.until && *d >= cal.window_start)
        .collect()
}

/// Monthly satisfaction, typed in by the head of sales. Scores wander around each rep's
/// mood; the two burnout roles end low or with a sharp drop.
fn write_surveys(
    tx: &Transaction<'_>,
    opts: &SeedOptions,
    cal: &Calendar,
    world: &World,
    ids: &Ids,
    sum: &mut SeedSummary,
) -> Result<()> {
    let mut rng = stream(opts.seed, section::SURVEYS);
    let all_days = survey_days(cal);
    let mut stmt = tx.prepare_cached(
        "INSERT INTO satisfaction(rep_id, taken_on, score, workload, team, manager, pay, comment,
                                  entered_by, entered_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for (ri, rep) in world.reps.iter().enumerate() {
        let taken: Vec<NaiveDate> = all_days
            .iter()
            .copied()
            .filter(|d| rep.active_on(*d))
            .collect();
        let mut scores: Vec<i64> = taken
            .iter()
            .map(|_| {
                (rep.mood + uniform(&mut rng, -0.6, 0.6))
                    .round()
                    .clamp(1.0, 10.0) as i64
            })
            .collect();
        burn_out(&mut rng, rep.role, &mut scores);
        for (k, (&on, &score)) in taken.iter().zip(&scores).enumerate() {
            let latest = k + 1 == taken.len();
            let tired = latest && matches!(rep.role, Role::BurnoutLow | Role::BurnoutDrop);
            let sub = |rng: &mut ChaCha8Rng| {
                (score as f64 / 2.0 + uniform(rng, -1.0, 1.0))
                    .round()
                    .clamp(1.0, 5.0) as i64
            };
            let subs = chance(&mut rng, 0.9).then(|| {
                let workload = if tired {
                    int(&mut rng, 1, 2)
                } else {
                    sub(&mut rng)
                };
                [workload, sub(&mut rng), sub(&mut rng), sub(&mut rng)]
            });
            let comment = if tired || chance(&mut rng, 0.2) {
                let list = if score <= 5 {
                    &SURVEY_COMMENTS_BAD
                } else {
                    &SURVEY_COMMENTS_GOOD
                };
                *pick(&mut rng, list)
            } else {
                ""
            };
            let day = cal.index(on);
            let entered_at = cal.at(day, int(&mut rng, 16 * 3600, CLOSE - 300));
            stmt.execute(params![
                ids.reps[ri],
                ymd(on),
                score,
                subs.map(|s| s[0]),
                subs.map(|s| s[1]),
                subs.map(|s| s[2]),
                subs.map(|s| s[3]),
                comment,
                USERS[0],
                entered_at
            ])?;
            sum.surveys += 1;
        }
    }
    Ok(())
}

/// BurnoutLow slides to 3–4 over the last surveys; BurnoutDrop falls by 3 at the last one.
fn burn_out(rng: &mut ChaCha8Rng, role: Role, scores: &mut [i64]) {
    let n = scores.len();
    match role {
        Role::BurnoutLow if n > 0 => {
            scores[n - 1] = int(rng, 3, 4);
            if n > 1 {
                scores[n - 2] = scores[n - 2].min(5);
            }
            if n > 2 {
                scores[n - 3] = scores[n - 3].min(6);
            }
        }
        Role::BurnoutDrop if n > 1 => {
            scores[n - 2] = scores[n - 2].max(8);
            scores[n - 1] = scores[n - 2] - 3;
        }
        Role::BurnoutDrop if n == 1 => scores[0] = 4,
        _ => {}
    }
}

/// Quarterly tests (mid-quarter) plus one three weeks after a hire.
fn write_knowledge(
    tx: &Transaction<'_>,
    opts: &SeedOptions,
    cal: &Calendar,
    world: &World,
    ids: &Ids,
    sum: &mut SeedSummary,
) -> Result<()> {
    let mut rng = stream(opts.seed, section::KNOWLEDGE);
    let quarterly: Vec<NaiveDate> = cal
        .months()
        .into_iter()
        .filter(|m| m.month0() % 3 == 1)
        .map(|m| workday_on_or_before(m + days(11)))
        .filter(|d| *d <= cal.until && *d >= cal.window_start)
        .collect();
    let mut stmt = tx.prepare_cached(
        "INSERT INTO knowledge_test(rep_id, taken_on, score) VALUES (?1, ?2, ?3)",
    )?;
    for (ri, rep) in world.reps.iter().enumerate() {
        let first_test = workday_on_or_before(rep.hired + days(21));
        let mut dates: Vec<NaiveDate> = quarterly
            .iter()
            .copied()
            .filter(|d| rep.active_on(*d))
            .collect();
        if first_test >= cal.window_start && first_test <= cal.until && rep.active_on(first_test) {
            dates.push(first_test);
            dates.sort();
            dates.dedup();
        }
        for (k, &on) in dates.iter().enumerate() {
            let latest = k + 1 == dates.len();
            let fresh = on == first_test;
            // Fresh hires score lower; the low-knowledge role ends under 70.
            let base = if fresh {
                rep.knowledge - 10.0
            } else {
                rep.knowledge
            };
            let mut score = base + uniform(&mut rng, -5.0, 5.0);
            if latest && rep.role == Role::LowKnowledge {
                score = uniform(&mut rng, 55.0, 68.0);
            }
            stmt.execute(params![
                ids.reps[ri],
                ymd(on),
                score.round().clamp(0.0, 100.0) as i64
            ])?;
            sum.knowledge_tests += 1;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Day by day: calls, meetings and inquiries (the big tables, streamed)
// ---------------------------------------------------------------------------------------

/// One call or meeting before it is written.
struct ActivityRow {
    kind: &'static str,
    outcome: &'static str,
    duration: i64,
    note: &'static str,
    customer: Option<i64>,
    deal: Option<i64>,
}

/// A deal as seen by the activity writer: when it was open, and whom it is with.
struct DealRef {
    created_day: usize,
    closed_day: usize,
    id: i64,
    customer: Option<i64>,
}

struct DayWriter<'a> {
    cal: &'a Calendar,
    world: &'a World,
    ids: &'a Ids,
    /// Customer indexes owned by each rep (after hand-over).
    pools: Vec<Vec<usize>>,
    /// Each rep's deals in creation order.
    deals: Vec<Vec<DealRef>>,
    /// Neglected customers get no contact from this day on.
    neglect_from: NaiveDate,
    rng: ChaCha8Rng,
    inquiry_rng: ChaCha8Rng,
    /// Scratch: the rep's customers that can be contacted today.
    current: Vec<i64>,
    times: Vec<(i64, bool)>,
}

fn write_days(
    tx: &Transaction<'_>,
    opts: &SeedOptions,
    cal: &Calendar,
    world: &World,
    ids: &Ids,
    sum: &mut SeedSummary,
) -> Result<()> {
    let mut pools = vec![Vec::new(); world.reps.len()];
    for (c, cust) in world.customers.iter().enumerate() {
        pools[cust.owner].push(c);
    }
    let mut deals: Vec<Vec<DealRef>> = (0..world.reps.len()).map(|_| Vec::new()).collect();
    for (d, deal) in world.deals.iter().enumerate() {
        deals[deal.rep].push(DealRef {
            created_day: deal.created_day,
            closed_day: deal.closed_day.unwrap_or(usize::MAX),
            id: ids.deals[d],
            customer: deal.customer.map(|c| ids.customers[c]),
        });
    }
    // Already in creation order per rep (simulated day by day); sorting makes sure.
    for list in &mut deals {
        list.sort_by_key(|d| d.created_day);
    }
    let mut w = DayWriter {
        cal,
        world,
        ids,
        pools,
        deals,
        neglect_from: cal.until - days(NEGLECT_DAYS),
        rng: stream(opts.seed, section::ACTIVITY),
        inquiry_rng: stream(opts.seed, section::INQUIRIES),
        current: Vec::new(),
        times: Vec::new(),
    };
    // Day-major order keeps the activity_at index appending instead of splitting pages.
    for day in cal.index(cal.window_start)..=cal.last() {
        let date = cal.date(day);
        for (ri, rep) in world.reps.iter().enumerate() {
            if !rep.active_on(date) {
                continue;
            }
            // Mostly weekdays; now and then someone calls a client on a weekend.
            if !cal.workday[day] && !chance(&mut w.rng, 0.03) {
                continue;
            }
            w.collect_current(ri, date);
            w.rep_day(tx, ri, day, sum)?;
            if cal.workday[day] {
                w.inquiries(tx, ri, day, sum)?;
            }
        }
    }
    Ok(())
}

impl DayWriter<'_> {
    fn collect_current(&mut self, ri: usize, date: NaiveDate) {
        self.current.clear();
        let neglect = date >= self.neglect_from;
        for &c in &self.pools[ri] {
            let cust = &self.world.customers[c];
            if cust.current_on(date) && !(neglect && cust.neglected) {
                self.current.push(self.ids.customers[c]);
            }
        }
    }

    fn current_customer(&mut self, p: f64) -> Option<i64> {
        if self.current.is_empty() || !chance(&mut self.rng, p) {
            return None;
        }
        Some(*pick(&mut self.rng, &self.current))
    }

    /// An open deal of the rep on `day` (id, customer), probing a few recent ones.
    fn open_deal(&mut self, ri: usize, day: usize) -> Option<(i64, Option<i64>)> {
        let list = &self.deals[ri];
        let upto = list.partition_point(|d| d.created_day <= day);
        if upto == 0 {
            return None;
        }
        let start = upto - 1 - self.rng.random_range(0..upto.min(15));
        list[..=start]
            .iter()
            .rev()
            .take(10)
            .find(|d| d.closed_day >= day)
            .map(|d| (d.id, d.customer))
    }

    /// One rep's calls and meetings of one day, in time order.
    fn rep_day(
        &mut self,
        tx: &Transaction<'_>,
        ri: usize,
        day: usize,
        sum: &mut SeedSummary,
    ) -> Result<()> {
        let world = self.world;
        let rep = &world.reps[ri];
        let (calls, meetings) = if self.cal.workday[day] {
            let ramp = rep.ramp(self.cal.date(day));
            (
                poisson(&mut self.rng, world.scale.calls_per_day * rep.calls * ramp),
                poisson(
                    &mut self.rng,
                    world.scale.meetings_per_day * rep.meetings * ramp,
                ),
            )
        } else {
            (int(&mut self.rng, 1, 3) as usize, 0)
        };
        let mut times = std::mem::take(&mut self.times);
        times.clear();
        for k in 0..calls + meetings {
            times.push((int(&mut self.rng, OPEN, CLOSE - 300), k >= calls));
        }
        times.sort_unstable();
        // Typed in by a manager more often lately (the board is new), else from telephony.
        let typed_share = if day + 14 >= self.cal.last() {
            0.15
        } else {
            0.02
        };
        let mut stmt = tx.prepare_cached(
            "INSERT INTO activity(rep_id, kind, at, duration_min, outcome, customer_id, deal_id,
                                  note, entered_by, entered_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for &(secs, meeting) in &times {
            let at = self.cal.at(day, secs);
            let row = if meeting {
                self.meeting(ri, day)
            } else {
                self.call(ri, day)
            };
            let (by, by_at) = if chance(&mut self.rng, typed_share) {
                let user = *pick(&mut self.rng, &USERS);
                let end = self.cal.at(day, CLOSE);
                (Some(user), Some(int(&mut self.rng, at + 60, end)))
            } else {
                (None, None)
            };
            stmt.execute(params![
                self.ids.reps[ri],
                row.kind,
                at,
                row.duration,
                row.outcome,
                row.customer,
                row.deal,
                row.note,
                by,
                by_at
            ])?;
            sum.activities += 1;
        }
        self.times = times;
        Ok(())
    }

    fn call(&mut self, ri: usize, day: usize) -> ActivityRow {
        let outcome = weighted(&mut self.rng, &CALL_OUTCOMES);
        let duration = match outcome {
            "no_answer" => int(&mut self.rng, 0, 1),
            "reached" => int(&mut self.rng, 2, 12),
            "deal_won" => int(&mut self.rng, 5, 25),
            _ => int(&mut self.rng, 3, 15),
        };
        let note = if chance(&mut self.rng, 0.03) {
            *pick(&mut self.rng, &CALL_NOTES)
        } else {
            ""
        };
        let customer = self.current_customer(0.75);
        let about_deal =
            matches!(outcome, "meeting_set" | "deal_won") && chance(&mut self.rng, 0.3);
        self.with_deal(
            ActivityRow {
                kind: "call",
                outcome,
                duration,
                note,
                customer,
                deal: None,
            },
            about_deal.then_some((ri, day)),
        )
    }

    fn meeting(&mut self, ri: usize, day: usize) -> ActivityRow {
        let outcome = weighted(&mut self.rng, &MEETING_OUTCOMES);
        let duration = match outcome {
            "cancelled" => 0,
            "held" => int(&mut self.rng, 30, 120),
            _ => int(&mut self.rng, 30, 90),
        };
        let note = if outcome == "held" && chance(&mut self.rng, 0.15) {
            *pick(&mut self.rng, &MEETING_NOTES)
        } else {
            ""
        };
        let customer = self.current_customer(0.9);
        let about_deal = chance(&mut self.rng, 0.25);
        self.with_deal(
            ActivityRow {
                kind: "meeting",
                outcome,
                duration,
                note,
                customer,
                deal: None,
            },
            about_deal.then_some((ri, day)),
        )
    }

    /// Links the activity to an open deal of the rep (and to that deal's customer).
    fn with_deal(&mut self, mut row: ActivityRow, about: Option<(usize, usize)>) -> ActivityRow {
        if let Some((deal, customer)) = about.and_then(|(ri, day)| self.open_deal(ri, day)) {
            row.deal = Some(deal);
            row.customer = customer.or(row.customer);
        }
        row
    }

    /// Inquiries of one rep's working day: most answered within the hour, some later (the
    /// slow replier often), a few never; an answer after closing comes next morning.
    fn inquiries(
        &mut self,
        tx: &Transaction<'_>,
        ri: usize,
        day: usize,
        sum: &mut SeedSummary,
    ) -> Result<()> {
        let rep = &self.world.reps[ri];
        let rng = &mut self.inquiry_rng;
        let n = poisson(rng, self.world.scale.inquiries_per_day);
        let mut stmt = tx.prepare_cached(
            "INSERT INTO inquiry(rep_id, customer_id, channel, received_at, first_response_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for _ in 0..n {
            let secs = int(rng, OPEN, CLOSE - 600);
            let roll = rng.random::<f64>();
            // Typical reps: median ~15 min, 90th percentile under the hour.
            let minutes = if roll < 0.88 {
                uniform(rng, 2.0, 30.0)
            } else if roll < 0.96 {
                uniform(rng, 30.0, 90.0)
            } else {
                uniform(rng, 90.0, 300.0)
            } * rep.reply;
            let reply_secs = secs + (minutes * 60.0) as i64;
            let response = if chance(rng, 0.005) {
                None
            } else if reply_secs <= CLOSE {
                Some(self.cal.at(day, reply_secs))
            } else {
                self.cal
                    .next_workday(day + 1)
                    .map(|d| self.cal.at(d, int(rng, OPEN, OPEN + 5400)))
            };
            let customer = if !self.current.is_empty() && chance(rng, 0.6) {
                Some(*pick(rng, &self.current))
            } else {
                None
            };
            let channel = weighted(rng, &INQUIRY_CHANNELS);
            stmt.execute(params![
                self.ids.reps[ri],
                customer,
                channel,
                self.cal.at(day, secs),
                response
            ])?;
            sum.inquiries += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::types::Value;
    use std::path::Path;

    const TABLES: [&str; 13] = [
        "team",
        "rep",
        "plan",
        "campaign",
        "acquisition_cost",
        "customer",
        "deal",
        "stage_change",
        "activity",
        "satisfaction",
        "knowledge_test",
        "inquiry",
        "invoice",
    ];

    /// id, created_at, stage, closed_at, lost_from_stage
    type DealRow = (i64, i64, String, Option<i64>, Option<String>);

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn tiny(seed: u64) -> SeedOptions {
        SeedOptions {
            reps: 6,
            teams: 2,
            months: 3,
            seed,
            until: date(2026, 11, 20),
            size: SeedSize::Small,
        }
    }

    fn seeded(dir: &Path, file: &str, opts: &SeedOptions) -> (Store, SeedSummary) {
        let mut store = Store::init(&dir.join(file)).expect("init");
        let summary = seed(&mut store, opts).expect("seed");
        (store, summary)
    }

    /// Every row of a table rendered as text, in id order.
    fn dump(store: &Store, table: &str) -> Vec<String> {
        rows_of(store, &format!("SELECT * FROM {table} ORDER BY id"))
    }

    /// Every row of a query rendered as text.
    fn rows_of(store: &Store, sql: &str) -> Vec<String> {
        let mut stmt = store.conn().prepare(sql).expect(sql);
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            let cells: rusqlite::Result<Vec<String>> = (0..n)
                .map(|i| r.get::<_, Value>(i).map(|v| format!("{v:?}")))
                .collect();
            Ok(cells?.join("|"))
        })
        .expect(sql)
        .collect::<rusqlite::Result<_>>()
        .expect(sql)
    }

    fn int_of(store: &Store, sql: &str) -> i64 {
        store.conn().query_row(sql, [], |r| r.get(0)).expect(sql)
    }

    #[test]
    fn same_options_give_identical_data() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, sa) = seeded(dir.path(), "a.db", &tiny(7));
        let (b, sb) = seeded(dir.path(), "b.db", &tiny(7));
        assert!(sa.deals > 0 && sa.activities > 0 && sa.stage_changes > sa.deals);
        for table in TABLES {
            let rows = dump(&a, table);
            assert!(!rows.is_empty(), "{table} is empty");
            assert_eq!(rows, dump(&b, table), "{table} differs between two runs");
        }
        let settings = "SELECT key, value FROM settings ORDER BY key";
        assert_eq!(rows_of(&a, settings), rows_of(&b, settings));
        assert_eq!(format!("{sa:?}"), format!("{sb:?}"));
        // …and the dump does tell seeds apart.
        let (c, _) = seeded(dir.path(), "c.db", &tiny(8));
        assert_ne!(dump(&a, "deal"), dump(&c, "deal"));
    }

    #[test]
    fn seeded_data_is_consistent_and_counted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (store, sum) = seeded(dir.path(), "s.db", &tiny(3));
        assert_eq!(
            store.integrity_problems().expect("check"),
            Vec::<String>::new()
        );
        let counts: Vec<(String, i64)> = store.row_counts().expect("counts");
        let count = |t: &str| counts.iter().find(|(n, _)| n == t).map_or(-1, |(_, c)| *c);
        assert_eq!(count("team") as usize, sum.teams);
        assert_eq!(sum.teams, 3, "one department above two teams");
        assert_eq!(count("rep") as usize, sum.reps);
        assert_eq!(count("customer") as usize, sum.customers);
        assert_eq!(count("deal") as usize, sum.deals);
        assert_eq!(count("stage_change") as usize, sum.stage_changes);
        assert_eq!(count("activity") as usize, sum.activities);
        assert_eq!(count("satisfaction") as usize, sum.surveys);
        assert_eq!(count("knowledge_test") as usize, sum.knowledge_tests);
        assert_eq!(count("inquiry") as usize, sum.inquiries);
        assert_eq!(count("invoice") as usize, sum.invoices);
        assert_eq!(store.settings().currency, "RUB");
        assert_eq!(
            int_of(&store, "SELECT count(*) FROM team WHERE parent_id IS NULL"),
            1
        );
    }

    #[test]
    fn stage_history_is_ordered_and_ends_at_the_current_stage() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (store, _) = seeded(dir.path(), "s.db", &tiny(11));
        let conn = store.conn();
        let mut deals = conn
            .prepare(
                "SELECT id, created_at, stage, closed_at, lost_from_stage FROM deal ORDER BY id",
            )
            .expect("prepare");
        let deals: Vec<DealRow> = deals
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        let mut changes = conn
            .prepare(
                "SELECT from_stage, to_stage, at FROM stage_change WHERE deal_id = ?1 ORDER BY id",
            )
            .expect("prepare");
        let (mut won, mut lost, mut open) = (0, 0, 0);
        for (id, created, stage, closed, lost_from) in deals {
            let history: Vec<(Option<String>, String, i64)> = changes
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .expect("query")
                .collect::<rusqlite::Result<_>>()
                .expect("rows");
            assert_eq!(history[0], (None, "lead".to_string(), created), "deal {id}");
            for pair in history.windows(2) {
                assert_eq!(pair[1].0.as_deref(), Some(pair[0].1.as_str()), "deal {id}");
                assert!(
                    pair[1].2 > pair[0].2,
                    "deal {id}: stage changes out of order"
                );
            }
            let last = history.last().expect("history");
            assert_eq!(last.1, stage, "deal {id} ends elsewhere than its stage");
            match stage.as_str() {
                "won" | "lost" => assert_eq!(closed, Some(last.2), "deal {id}"),
                _ => assert_eq!(closed, None, "deal {id}"),
            }
            if stage == "lost" {
                let before = &history[history.len() - 2].1;
                assert_eq!(lost_from.as_ref(), Some(before), "deal {id}");
            }
            match stage.as_str() {
                "won" => won += 1,
                "lost" => lost += 1,
                _ => open += 1,
            }
        }
        assert!(
            won > 0 && lost > 0 && open > 0,
            "{won} won, {lost} lost, {open} open"
        );
    }

    #[test]
    fn nothing_happens_after_until() {
        let dir = tempfile::tempdir().expect("tempdir");
        let opts = tiny(5);
        let (store, _) = seeded(dir.path(), "s.db", &opts);
        let limit = day_start(&Local, opts.until) + CLOSE;
        let instants = [
            ("deal", "created_at"),
            ("deal", "closed_at"),
            ("stage_change", "at"),
            ("activity", "at"),
            ("activity", "entered_at"),
            ("satisfaction", "entered_at"),
            ("inquiry", "received_at"),
            ("inquiry", "first_response_at"),
        ];
        for (table, col) in instants {
            let max = int_of(
                &store,
                &format!("SELECT coalesce(max({col}), 0) FROM {table}"),
            );
            assert!(max > 0 && max <= limit, "{table}.{col}: {max} > {limit}");
        }
        let until = ymd(opts.until);
        let dates = [
            ("rep", "hired_on"),
            ("campaign", "ends_on"),
            ("acquisition_cost", "spent_on"),
            ("customer", "acquired_on"),
            ("customer", "churned_on"),
            ("satisfaction", "taken_on"),
            ("knowledge_test", "taken_on"),
            ("invoice", "issued_on"),
            ("invoice", "paid_on"),
        ];
        for (table, col) in dates {
            let later = int_of(
                &store,
                &format!("SELECT count(*) FROM {table} WHERE {col} > '{until}'"),
            );
            assert_eq!(later, 0, "{table}.{col} after {until}");
        }
        let max_month: String = store
            .conn()
            .query_row("SELECT max(month) FROM plan", [], |r| r.get(0))
            .expect("plan month");
        assert_eq!(max_month, "2026-11");
    }

    #[test]
    fn refuses_a_database_that_already_has_reps() {
        let dir = tempfile::tempdir().expect("tempdir");
        let opts = tiny(1);
        let (mut store, sum) = seeded(dir.path(), "s.db", &opts);
        let err = seed(&mut store, &opts).expect_err("second seed must be refused");
        assert!(
            matches!(&err, StoreError::Other(m) if m.contains("already")),
            "{err}"
        );
        assert_eq!(
            int_of(&store, "SELECT count(*) FROM deal") as usize,
            sum.deals
        );
    }

    #[test]
    fn bad_options_are_refused_before_writing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::init(&dir.path().join("s.db")).expect("init");
        let mut opts = tiny(1);
        opts.reps = 0;
        assert!(seed(&mut store, &opts).is_err());
        opts.reps = 3;
        opts.teams = 4;
        assert!(seed(&mut store, &opts).is_err());
        assert_eq!(int_of(&store, "SELECT count(*) FROM team"), 0);
    }

    #[test]
    fn odd_sizes_and_dates_seed_cleanly() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cases = [
            // One rep, one day of data, and that day a Sunday.
            (1, 1, 1, date(2026, 11, 1)),
            // Generated team names under two departments.
            (30, 12, 2, date(2026, 3, 31)),
        ];
        for (i, (reps, teams, months, until)) in cases.into_iter().enumerate() {
            let opts = SeedOptions {
                reps,
                teams,
                months,
                seed: 9,
                until,
                size: SeedSize::Small,
            };
            let (store, sum) = seeded(dir.path(), &format!("odd{i}.db"), &opts);
            assert_eq!(
                store.integrity_problems().expect("check"),
                Vec::<String>::new()
            );
            assert_eq!((sum.reps, sum.teams), (reps, teams + teams.div_ceil(10)));
            let roots = int_of(&store, "SELECT count(*) FROM team WHERE parent_id IS NULL");
            assert_eq!(roots as usize, teams.div_ceil(10));
        }
    }

    /// The bundled example must give every KPI and alert of SPEC §3 something to show.
    #[test]
    fn small_example_shows_every_alert() {
        let dir = tempfile::tempdir().expect("tempdir");
        let opts = SeedOptions::small(date(2026, 11, 20));
        let (store, sum) = seeded(dir.path(), "small.db", &opts);
        assert_eq!((sum.reps, sum.teams), (25, 5));
        assert!((300..1500).contains(&sum.customers), "{sum:?}");
        let q = |sql: &str| int_of(&store, sql);
        let reached = "EXISTS (SELECT 1 FROM stage_change s WHERE s.deal_id = d.id
                        AND s.to_stage IN ('qualified', 'proposal', 'negotiation', 'won'))";
        // Funnel: lead → opportunity 50–70 %, overall win 20–30 % (closed cohorts).
        let leads = q("SELECT count(*) FROM deal");
        let opps = q(&format!("SELECT count(*) FROM deal d WHERE {reached}"));
        let won = q("SELECT count(*) FROM deal WHERE stage = 'won'");
        let lead_opp = opps as f64 / leads as f64;
        let win = won as f64 / leads as f64;
        assert!(
            (0.5..0.7).contains(&lead_opp),
            "lead→opportunity {lead_opp}"
        );
        assert!((0.2..0.3).contains(&win), "win rate {win}");
        // Some rep wins under 15 % of opportunities.
        let weak = q(&format!(
            "SELECT count(*) FROM (SELECT rep_id,
                    sum(stage = 'won') * 1.0 / sum(stage IN ('won', 'lost')) AS r
               FROM deal d WHERE {reached} GROUP BY rep_id) WHERE r < 0.15"
        ));
        assert!(weak >= 1, "no rep under 15 % opportunity → win");
        // Burnout at the latest survey: score ≤ 4 or a drop of 2 or more.
        let burnout = q("WITH ranked AS (SELECT rep_id, score, row_number() OVER
                 (PARTITION BY rep_id ORDER BY taken_on DESC) AS k FROM satisfaction)
             SELECT count(*) FROM ranked a LEFT JOIN ranked b ON b.rep_id = a.rep_id AND b.k = 2
             WHERE a.k = 1 AND (a.score <= 4 OR b.score - a.score >= 2)");
        assert!(burnout >= 2, "{burnout} reps at burnout risk");
        let low_knowledge = q(
            "SELECT count(*) FROM knowledge_test t WHERE score < 70 AND taken_on =
                 (SELECT max(taken_on) FROM knowledge_test u WHERE u.rep_id = t.rep_id)",
        );
        assert!(low_knowledge >= 1);
        let until = ymd(opts.until);
        assert!(
            q(&format!(
                "SELECT count(*) FROM invoice WHERE paid_on IS NULL AND due_on < '{until}'"
            )) >= 3
        );
        assert!(q("SELECT count(*) FROM invoice WHERE paid_on > due_on") >= 3);
        assert!(
            q("SELECT count(*) FROM inquiry WHERE first_response_at - received_at > 3600") >= 3
        );
        assert!(q("SELECT count(*) FROM inquiry WHERE first_response_at IS NULL") >= 1);
        assert!(q("SELECT count(*) FROM rep WHERE active = 0") >= 1);
        assert!(
            q(&format!(
                "SELECT count(*) FROM rep WHERE hired_on > '{}'",
                ymd(opts.until - days(365))
            )) >= 2
        );
        // Repeat customers, churn soon after the first sale, neglected customers.
        assert!(
            q(
                "SELECT count(*) FROM (SELECT customer_id FROM deal WHERE stage = 'won'
                   AND customer_id IS NOT NULL GROUP BY customer_id HAVING count(*) >= 2)"
            ) >= 10
        );
        assert!(
            q(
                "SELECT count(*) FROM customer WHERE julianday(churned_on) - julianday(acquired_on) <= 180"
            ) >= 5
        );
        let silent = q(&format!(
            "SELECT count(*) FROM customer c WHERE churned_on IS NULL AND acquired_on < '{until}'
               AND NOT EXISTS (SELECT 1 FROM activity a WHERE a.customer_id = c.id
                               AND a.at > {})",
            day_start(&Local, opts.until - days(90))
        ));
        assert!(
            silent >= 5,
            "{silent} customers without contact for 90 days"
        );
        // One rep far below the meetings target over the last full month.
        let month = "2026-10";
        let (from, to) = (
            day_start(&Local, date(2026, 10, 1)),
            day_start(&Local, date(2026, 11, 1)),
        );
        let few = q(&format!(
            "SELECT count(*) FROM plan p WHERE p.month = '{month}' AND
               (SELECT count(*) FROM activity a WHERE a.rep_id = p.rep_id AND a.kind = 'meeting'
                 AND a.at >= {from} AND a.at < {to}) < p.meetings_target * 0.7"
        ));
        assert!(few >= 1, "nobody below the meetings target");
        // Entered-by rows exist but are a small share.
        let typed = q("SELECT count(*) FROM activity WHERE entered_by IS NOT NULL");
        assert!(typed > 0 && typed * 10 < sum.activities as i64);
    }
}
