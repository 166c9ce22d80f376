//! The KPI catalogue: every KPI once — its key (the report's and the CSV's name for it),
//! its SPEC §3 number, its label in both languages, its unit, the kinds of source rows it
//! needs, where its figures sit in the report's JSON, how the engine clears it when those
//! rows are absent, its raw value and its one-line text. The report, the rep card, the
//! board's data overlay, `check` and the tests all read this list; adding a KPI is adding
//! one entry here (and its formula in `compute`).
//!
//! **No data is not zero.** A KPI whose source rows are absent for the scope is *blind*:
//! the engine clears its optional figures ([`Kpi::clear`]), records which kinds of rows are
//! missing in [`Kpis::no_data`], the JSON shows its [`Kpi::paths`] as `null` and every
//! screen shows "—" with the reason ([`Source::missing`]).

use super::figures::Kpis;
use crate::format::stage_name;
use crate::format::{self, Lang};
use serde::Serialize;

pub use crate::model::Source;

/// The kinds of source rows present for a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Have(u32);

impl Have {
    pub fn all() -> Have {
        let mut h = Have::default();
        for s in Source::ALL {
            h.set(s, true);
        }
        h
    }

    pub fn set(&mut self, s: Source, present: bool) {
        let bit = 1u32 << (s as u32);
        if present {
            self.0 |= bit;
        } else {
            self.0 &= !bit;
        }
    }

    pub fn has(self, s: Source) -> bool {
        self.0 & (1u32 << (s as u32)) != 0
    }
}

/// How a KPI's raw value reads (the CSV `value` column; money there is in whole units).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Money,
    Rate,
    Count,
    Decimal,
    Days,
    Minutes,
    /// 1 or 0.
    Flag,
    /// No single number (`text` lists the parts).
    Listing,
}

/// One KPI (see the module comment).
pub struct Kpi {
    /// The stable key (CSV `kpi`, the reason map `no_data` in JSON).
    pub key: &'static str,
    /// SPEC §3 number.
    pub number: u8,
    pub en: &'static str,
    pub ru: &'static str,
    pub unit: Unit,
    /// The kinds of source rows it needs.
    pub needs: &'static [Source],
    /// Its figures in the JSON of a scope's `kpis` (dotted paths): `null` when blind.
    pub paths: &'static [&'static str],
    /// Clears its optional figures when blind, so every screen shows "—".
    pub clear: fn(&mut Kpis),
    /// The raw value (money in minor units), `None` when there is none.
    pub value: fn(&Kpis) -> Option<f64>,
    /// The value as the report table and the rep card show it.
    pub text: fn(&Kpis, &Words) -> String,
}

impl Kpi {
    pub fn label(&self, lang: Lang) -> &'static str {
        lang.t(self.en, self.ru)
    }
}

/// What writing a value needs besides the figures.
pub struct Words<'a> {
    pub currency: &'a str,
    pub lang: Lang,
}

impl Words<'_> {
    fn t<'s>(&self, en: &'s str, ru: &'s str) -> &'s str {
        self.lang.t(en, ru)
    }
    fn m(&self, v: i64) -> String {
        format::money(v, self.currency, self.lang)
    }
    fn om(&self, v: Option<i64>) -> String {
        v.map(|v| self.m(v)).unwrap_or_else(|| "—".into())
    }
    fn n(&self, v: i64) -> String {
        format::group(v, self.lang)
    }
    fn on(&self, v: Option<i64>) -> String {
        v.map(|v| self.n(v)).unwrap_or_else(|| "—".into())
    }
    fn f(&self, v: Option<f64>) -> String {
        format::decimal_in(v, self.lang)
    }
    fn no_plan(&self) -> &'static str {
        Source::Plans.missing(self.lang)
    }
    fn p(&self, v: Option<f64>) -> String {
        format::percent(v)
    }
    fn prev(&self) -> &'static str {
        self.lang.t("previous", "ранее")
    }
    fn of(&self) -> &'static str {
        self.lang.t("of", "из")
    }
}

fn none(_: &mut Kpis) {}

fn cents(v: i64) -> Option<f64> {
    Some(v as f64)
}

/// Every KPI of SPEC §3 that a scope has, in SPEC order (#27 campaigns, #28 locations and
/// #34 alerts are lists of their own in the report).
pub const CATALOGUE: &[Kpi] = &[
    Kpi {
        key: "revenue",
        number: 1,
        en: "Won revenue",
        ru: "Выручка",
        unit: Unit::Money,
        needs: &[Source::Deals],
        paths: &["revenue", "won_deals", "daily_revenue"],
        clear: none,
        value: |k| cents(k.revenue.now),
        text: |k, w| w.m(k.revenue.now),
    },
    Kpi {
        key: "revenue_target",
        number: 1,
        en: "Revenue target",
        ru: "План по выручке",
        unit: Unit::Money,
        needs: &[Source::Plans],
        paths: &["targets.revenue"],
        clear: none,
        value: |k| k.targets.revenue.map(|v| v as f64),
        text: |k, w| w.om(k.targets.revenue),
    },
    Kpi {
        key: "revenue_attainment",
        number: 1,
        en: "Plan attainment, revenue",
        ru: "Выполнение плана, выручка",
        unit: Unit::Rate,
        needs: &[Source::Deals, Source::Plans],
        paths: &["revenue_attainment"],
        clear: |k| k.revenue_attainment = None,
        value: |k| k.revenue_attainment,
        text: |k, w| w.p(k.revenue_attainment),
    },
    Kpi {
        key: "units",
        number: 2,
        en: "Units won",
        ru: "Продано, шт.",
        unit: Unit::Count,
        needs: &[Source::Deals],
        paths: &["units"],
        clear: none,
        value: |k| Some(k.units.now as f64),
        text: |k, w| w.n(k.units.now),
    },
    Kpi {
        key: "units_attainment",
        number: 2,
        en: "Plan attainment, units",
        ru: "Выполнение плана, шт.",
        unit: Unit::Rate,
        needs: &[Source::Deals, Source::Plans],
        paths: &["units_attainment"],
        clear: |k| k.units_attainment = None,
        value: |k| k.units_attainment,
        text: |k, w| {
            format!(
                "{} {} {}",
                w.p(k.units_attainment),
                w.of(),
                w.on(k.targets.units)
            )
        },
    },
    Kpi {
        key: "expected_share",
        number: 3,
        en: "Pace: expected share",
        ru: "Темп: ожидаемая доля",
        unit: Unit::Rate,
        needs: &[],
        paths: &["pace.expected_share"],
        clear: none,
        value: |k| k.pace.expected_share,
        text: |k, w| {
            format!(
                "{} ({} {} {} {})",
                w.p(k.pace.expected_share),
                k.pace.elapsed_working_days,
                w.of(),
                k.pace.working_days,
                w.t("working days", "рабочих дней")
            )
        },
    },
    Kpi {
        key: "projected_revenue",
        number: 3,
        en: "Projected revenue",
        ru: "Прогноз выручки",
        unit: Unit::Money,
        needs: &[Source::Deals],
        paths: &["pace.projected_revenue", "pace.projected_units"],
        clear: |k| {
            k.pace.projected_revenue = None;
            k.pace.projected_units = None;
        },
        value: |k| k.pace.projected_revenue.map(|v| v as f64),
        text: |k, w| w.om(k.pace.projected_revenue),
    },
    Kpi {
        key: "behind_pace",
        number: 3,
        en: "Behind pace",
        ru: "Отставание от темпа",
        unit: Unit::Flag,
        needs: &[Source::Deals, Source::Plans],
        paths: &["pace.behind"],
        clear: |k| k.pace.behind = false,
        value: |k| Some(k.pace.behind as u8 as f64),
        text: |k, w| {
            if k.pace.behind {
                w.t("! yes", "! да").into()
            } else {
                w.t("no", "нет").into()
            }
        },
    },
    Kpi {
        key: "growth",
        number: 4,
        en: "Sales growth",
        ru: "Рост продаж",
        unit: Unit::Rate,
        needs: &[Source::Deals],
        paths: &["growth"],
        clear: |k| k.growth = None,
        value: |k| k.growth,
        text: |k, w| {
            format!(
                "{} ({} {})",
                format::change(k.growth),
                w.prev(),
                w.m(k.revenue.prev)
            )
        },
    },
    Kpi {
        key: "forecast",
        number: 5,
        en: "Forecast",
        ru: "Прогноз с воронкой",
        unit: Unit::Money,
        needs: &[Source::Deals],
        paths: &["pipeline.forecast", "pipeline.forecast_vs_target"],
        clear: |k| k.pipeline.forecast_vs_target = None,
        value: |k| cents(k.pipeline.forecast),
        text: |k, w| match k.pipeline.forecast_vs_target {
            Some(share) => format!(
                "{} ({} {})",
                w.m(k.pipeline.forecast),
                w.p(Some(share)),
                w.t("of target", "плана")
            ),
            None => format!("{} ({})", w.m(k.pipeline.forecast), w.no_plan()),
        },
    },
    Kpi {
        key: "average_deal",
        number: 6,
        en: "Average deal size",
        ru: "Средний чек",
        unit: Unit::Money,
        needs: &[Source::Deals],
        paths: &["average_deal"],
        clear: none,
        value: |k| k.average_deal.now.map(|v| v as f64),
        text: |k, w| w.om(k.average_deal.now),
    },
    Kpi {
        key: "profit",
        number: 7,
        en: "Profit",
        ru: "Прибыль",
        unit: Unit::Money,
        needs: &[Source::Deals, Source::CostOfGoods],
        paths: &["profit"],
        clear: |k| k.profit = None,
        value: |k| k.profit.map(|v| v as f64),
        text: |k, w| w.om(k.profit),
    },
    Kpi {
        key: "margin",
        number: 7,
        en: "Margin",
        ru: "Маржа",
        unit: Unit::Rate,
        needs: &[Source::Deals, Source::CostOfGoods],
        paths: &["margin"],
        clear: |k| k.margin = None,
        value: |k| k.margin,
        text: |k, w| w.p(k.margin),
    },
    Kpi {
        key: "lead_to_opportunity",
        number: 8,
        en: "Lead → opportunity",
        ru: "Лид → возможность",
        unit: Unit::Rate,
        needs: &[Source::Deals, Source::LossStage],
        paths: &["funnel.lead_to_opportunity", "funnel.qualified"],
        clear: |k| k.funnel.lead_to_opportunity = None,
        value: |k| k.funnel.lead_to_opportunity,
        text: |k, w| {
            format!(
                "{} ({} {} {})",
                w.p(k.funnel.lead_to_opportunity),
                k.funnel.qualified,
                w.of(),
                k.funnel.leads
            )
        },
    },
    Kpi {
        key: "opportunity_to_win",
        number: 9,
        en: "Opportunity → win",
        ru: "Возможность → выигрыш",
        unit: Unit::Rate,
        needs: &[Source::Deals, Source::LossStage],
        paths: &[
            "funnel.opportunity_to_win",
            "funnel.closed_won",
            "funnel.closed_lost",
            "funnel.win_rate_low",
        ],
        clear: |k| {
            k.funnel.opportunity_to_win = None;
            k.funnel.win_rate_low = false;
        },
        value: |k| k.funnel.opportunity_to_win,
        text: |k, w| {
            let fu = &k.funnel;
            format!(
                "{}{} ({} {}, {} {})",
                if fu.win_rate_low { "! " } else { "" },
                w.p(fu.opportunity_to_win),
                fu.closed_won,
                w.t("won", "выиграно"),
                fu.closed_lost,
                w.t("lost", "проиграно")
            )
        },
    },
    Kpi {
        key: "lead_conversion",
        number: 10,
        en: "Lead conversion",
        ru: "Конверсия лидов",
        unit: Unit::Rate,
        needs: &[Source::Deals],
        paths: &["funnel.lead_conversion", "funnel.leads", "funnel.won"],
        clear: |k| k.funnel.lead_conversion = None,
        value: |k| k.funnel.lead_conversion,
        text: |k, w| w.p(k.funnel.lead_conversion),
    },
    Kpi {
        key: "stage_conversion",
        number: 11,
        en: "Stage-to-stage",
        ru: "Между этапами",
        unit: Unit::Rate,
        needs: &[Source::Deals, Source::LossStage],
        paths: &[
            "funnel.stages.*.reached_from",
            "funnel.stages.*.reached_to",
            "funnel.stages.*.rate",
        ],
        clear: |k| {
            for s in &mut k.funnel.stages {
                s.rate = None;
            }
        },
        value: |k| k.funnel.stages.last().and_then(|s| s.rate),
        text: |k, w| {
            let steps: Vec<String> = k
                .funnel
                .stages
                .iter()
                .map(|s| {
                    format!(
                        "{}→{} {}",
                        stage_name(&s.from, w.lang),
                        stage_name(&s.to, w.lang),
                        if s.skipped {
                            w.t("skipped", "не исп.").to_string()
                        } else {
                            w.p(s.rate)
                        }
                    )
                })
                .collect();
            steps.join(", ")
        },
    },
    Kpi {
        key: "open_opportunities",
        number: 12,
        en: "Open opportunities",
        ru: "Открытые возможности",
        unit: Unit::Count,
        needs: &[Source::Deals],
        paths: &["pipeline.open_opportunities.now"],
        clear: none,
        value: |k| Some(k.pipeline.open_opportunities.now as f64),
        text: |k, w| {
            let pl = &k.pipeline;
            if k.knows("pipeline_trend") {
                format!(
                    "{} ({} {})",
                    w.n(pl.open_opportunities.now),
                    w.prev(),
                    w.n(pl.open_opportunities.prev)
                )
            } else {
                w.n(pl.open_opportunities.now)
            }
        },
    },
    Kpi {
        key: "pipeline_value",
        number: 12,
        en: "Pipeline value",
        ru: "Объём воронки",
        unit: Unit::Money,
        needs: &[Source::Deals],
        paths: &["pipeline.value.now"],
        clear: none,
        value: |k| cents(k.pipeline.value.now),
        // The change needs the pipeline a period before, which needs the stage history.
        text: |k, w| match k.pipeline.value_change {
            Some(_) => format!(
                "{} {}",
                w.m(k.pipeline.value.now),
                format::change(k.pipeline.value_change)
            ),
            None => w.m(k.pipeline.value.now),
        },
    },
    Kpi {
        key: "pipeline_trend",
        number: 12,
        en: "Pipeline a period before",
        ru: "Воронка периодом ранее",
        unit: Unit::Money,
        needs: &[Source::Deals, Source::StageHistory],
        paths: &[
            "pipeline.open_opportunities.prev",
            "pipeline.value.prev",
            "pipeline.value_change",
        ],
        clear: |k| k.pipeline.value_change = None,
        value: |k| cents(k.pipeline.value.prev),
        text: |k, w| {
            format!(
                "{} ({} {})",
                w.m(k.pipeline.value.prev),
                w.n(k.pipeline.open_opportunities.prev),
                w.t("open", "открытых")
            )
        },
    },
    Kpi {
        key: "new_opportunities_per_day",
        number: 12,
        en: "New opportunities a day",
        ru: "Новых возможностей в день",
        unit: Unit::Decimal,
        needs: &[Source::Deals, Source::StageHistory],
        paths: &["pipeline.new_per_day"],
        clear: |k| {
            k.pipeline.new_per_day.now = None;
            k.pipeline.new_per_day.prev = None;
        },
        value: |k| k.pipeline.new_per_day.now,
        text: |k, w| {
            format!(
                "{} ({} {})",
                w.f(k.pipeline.new_per_day.now),
                w.prev(),
                w.f(k.pipeline.new_per_day.prev)
            )
        },
    },
    Kpi {
        key: "opportunity_score",
        number: 13,
        en: "Open deals by score",
        ru: "Открытые сделки по оценке",
        unit: Unit::Listing,
        needs: &[Source::Deals, Source::Scores],
        paths: &["pipeline.by_score.*.deals", "pipeline.by_score.*.value"],
        clear: none,
        value: |_| None,
        text: |k, w| {
            let scores: Vec<String> = k
                .pipeline
                .by_score
                .iter()
                .map(|b| format!("{}★ {} · {}", b.score, b.deals, w.m(b.value)))
                .collect();
            scores.join(", ")
        },
    },
    Kpi {
        key: "cycle_days",
        number: 14,
        en: "Sales cycle, days",
        ru: "Цикл сделки, дней",
        unit: Unit::Days,
        needs: &[Source::Deals],
        paths: &[
            "cycle.won_deals",
            "cycle.mean_days",
            "cycle.median_days",
            "cycle.baseline_days",
            "cycle.vs_baseline",
            "cycle.slow",
        ],
        clear: none,
        value: |k| k.cycle.mean_days,
        text: |k, w| {
            let c = &k.cycle;
            format!(
                "{} {} · {} {} · {} {}{}",
                w.t("mean", "среднее"),
                w.f(c.mean_days),
                w.t("median", "медиана"),
                w.f(c.median_days),
                w.t("team", "команда"),
                w.f(c.baseline_days),
                if c.slow {
                    w.t(" ! may need coaching", " ! нужен коучинг")
                } else {
                    ""
                }
            )
        },
    },
    Kpi {
        key: "time_in_stage",
        number: 15,
        en: "Days in stage",
        ru: "Дней на этапе",
        unit: Unit::Listing,
        needs: &[Source::Deals, Source::StageHistory],
        paths: &[
            "cycle.time_in_stage.*.stays",
            "cycle.time_in_stage.*.mean_days",
        ],
        clear: |k| {
            for s in &mut k.cycle.time_in_stage {
                s.mean_days = None;
            }
        },
        value: |_| None,
        text: |k, w| {
            let stays: Vec<String> = k
                .cycle
                .time_in_stage
                .iter()
                .map(|s| format!("{} {}", stage_name(&s.stage, w.lang), w.f(s.mean_days)))
                .collect();
            stays.join(", ")
        },
    },
    Kpi {
        key: "calls",
        number: 16,
        en: "Calls vs plan",
        ru: "Звонки к плану",
        unit: Unit::Count,
        needs: &[Source::Activities],
        paths: &[
            "activity.calls",
            "activity.calls_attainment",
            "activity.calls_pace",
        ],
        clear: |k| {
            k.activity.calls_attainment = None;
            k.activity.calls_pace = None;
        },
        value: |k| Some(k.activity.calls.now as f64),
        text: |k, w| {
            let a = &k.activity;
            match k.targets.calls {
                Some(target) => format!(
                    "{} {} {} ({})",
                    w.n(a.calls.now),
                    w.of(),
                    w.n(target),
                    w.p(a.calls_attainment)
                ),
                None => format!("{} ({})", w.n(a.calls.now), w.no_plan()),
            }
        },
    },
    Kpi {
        key: "meetings",
        number: 16,
        en: "Meetings vs plan",
        ru: "Встречи к плану",
        unit: Unit::Count,
        needs: &[Source::Activities],
        paths: &[
            "activity.meetings",
            "activity.meetings_attainment",
            "activity.meetings_pace",
            "activity.meetings_below_minimum",
        ],
        clear: |k| {
            k.activity.meetings_attainment = None;
            k.activity.meetings_pace = None;
            k.activity.meetings_below_minimum = false;
        },
        value: |k| Some(k.activity.meetings.now as f64),
        text: |k, w| {
            let a = &k.activity;
            let Some(target) = k.targets.meetings else {
                return format!("{} ({})", w.n(a.meetings.now), w.no_plan());
            };
            format!(
                "{} {} {} ({}){}",
                w.n(a.meetings.now),
                w.of(),
                w.n(target),
                w.p(a.meetings_attainment),
                if a.meetings_below_minimum {
                    w.t(" ! below minimum", " ! ниже минимума")
                } else {
                    ""
                }
            )
        },
    },
    Kpi {
        key: "won_per_100_calls",
        number: 17,
        en: "Won deals per 100 calls",
        ru: "Выигрышей на 100 звонков",
        unit: Unit::Decimal,
        needs: &[Source::Deals, Source::Activities],
        paths: &[
            "activity.won_per_100_calls",
            "activity.calls_per_won",
            "activity.few_wins_per_call",
        ],
        clear: |k| {
            k.activity.won_per_100_calls = None;
            k.activity.calls_per_won = None;
            k.activity.few_wins_per_call = false;
        },
        value: |k| k.activity.won_per_100_calls,
        text: |k, w| {
            format!(
                "{} ({} {})",
                w.f(k.activity.won_per_100_calls),
                w.f(k.activity.calls_per_won),
                w.t("calls per win", "звонков на выигрыш")
            )
        },
    },
    Kpi {
        key: "response_minutes",
        number: 18,
        en: "Response time, minutes",
        ru: "Время ответа, мин",
        unit: Unit::Minutes,
        needs: &[Source::Inquiries],
        paths: &[
            "activity.inquiries",
            "activity.unanswered",
            "activity.response_median_min",
            "activity.response_p90_min",
            "activity.over_sla",
        ],
        clear: |k| {
            k.activity.response_median_min = None;
            k.activity.response_p90_min = None;
        },
        value: |k| k.activity.response_median_min,
        text: |k, w| {
            let a = &k.activity;
            format!(
                "{} {} · p90 {} · {} {} {} {} {} {}",
                w.t("median", "медиана"),
                w.f(a.response_median_min),
                w.f(a.response_p90_min),
                a.over_sla,
                w.of(),
                a.inquiries,
                w.t("over", "дольше"),
                a.sla_minutes,
                w.t("min SLA", "мин SLA")
            )
        },
    },
    Kpi {
        key: "upsell_cross_sell",
        number: 19,
        en: "Upsell + cross-sell",
        ru: "Допродажи и кросс-продажи",
        unit: Unit::Rate,
        needs: &[Source::Deals, Source::DealKinds],
        paths: &[
            "upsell_cross_sell_share",
            "upsell_revenue",
            "upsell_deals",
            "cross_sell_revenue",
            "cross_sell_deals",
        ],
        clear: |k| k.upsell_cross_sell_share = None,
        value: |k| k.upsell_cross_sell_share,
        text: |k, w| {
            format!(
                "{} {} ({} {} ×{}, {} {} ×{})",
                w.p(k.upsell_cross_sell_share),
                w.t("of revenue", "выручки"),
                w.t("upsell", "допродажи"),
                w.m(k.upsell_revenue),
                k.upsell_deals,
                w.t("cross-sell", "кросс"),
                w.m(k.cross_sell_revenue),
                k.cross_sell_deals
            )
        },
    },
    Kpi {
        key: "repeat_customers",
        number: 20,
        en: "Repeat customers",
        ru: "Повторные клиенты",
        unit: Unit::Count,
        needs: &[Source::Deals, Source::Customers],
        paths: &[
            "customers.repeat_customers",
            "customers.repeat_revenue_share",
        ],
        clear: |k| k.customers.repeat_revenue_share = None,
        value: |k| Some(k.customers.repeat_customers as f64),
        text: |k, w| {
            let c = &k.customers;
            format!(
                "{} ({} {})",
                w.n(c.repeat_customers),
                w.p(c.repeat_revenue_share),
                w.t("of revenue", "выручки")
            )
        },
    },
    Kpi {
        key: "engagement",
        number: 21,
        en: "Contacts per active customer",
        ru: "Контактов на клиента",
        unit: Unit::Decimal,
        needs: &[Source::Activities, Source::Customers],
        paths: &["activity.per_active_customer", "activity.not_contacted"],
        clear: |k| {
            k.activity.per_active_customer = None;
            k.activity.not_contacted = 0;
        },
        value: |k| k.activity.per_active_customer,
        text: |k, w| {
            let a = &k.activity;
            format!(
                "{} · {} {} {} {}",
                w.f(a.per_active_customer),
                w.n(a.not_contacted),
                w.t("not contacted in", "без контакта"),
                a.not_contacted_days,
                w.t("days", "дней")
            )
        },
    },
    Kpi {
        key: "churn_rate",
        number: 22,
        en: "Churn rate",
        ru: "Отток",
        unit: Unit::Rate,
        needs: &[Source::Customers, Source::ChurnDates],
        paths: &["customers.churn_rate", "customers.churned"],
        clear: |k| k.customers.churn_rate = None,
        value: |k| k.customers.churn_rate,
        text: |k, w| {
            let c = &k.customers;
            format!(
                "{} ({} {} {})",
                w.p(c.churn_rate),
                c.churned,
                w.of(),
                c.active_at_start
            )
        },
    },
    Kpi {
        key: "churn_after_sale",
        number: 23,
        en: "Churn after sale",
        ru: "Отток после продажи",
        unit: Unit::Rate,
        needs: &[Source::Customers, Source::ChurnDates],
        paths: &["customers.churn_after_sale", "customers.churned_after_sale"],
        clear: |k| k.customers.churn_after_sale = None,
        value: |k| k.customers.churn_after_sale,
        text: |k, w| {
            let c = &k.customers;
            format!(
                "{} ({} {} {})",
                w.p(c.churn_after_sale),
                c.churned_after_sale,
                w.of(),
                c.sold
            )
        },
    },
    Kpi {
        key: "arpu",
        number: 24,
        en: "ARPU",
        ru: "ARPU",
        unit: Unit::Money,
        needs: &[Source::Deals, Source::Customers],
        paths: &["customers.arpu", "customers.arpu_monthly"],
        clear: |k| {
            k.customers.arpu = None;
            k.customers.arpu_monthly = None;
        },
        value: |k| k.customers.arpu.map(|v| v as f64),
        text: |k, w| match k.customers.arpu {
            // Deals without customers are caught by `needs`; here the scope's reps own
            // no active customer (customer.rep_id), so there is nothing to divide by.
            None => format!(
                "— {}",
                w.t(
                    "no active customer is assigned here (customer.rep_id)",
                    "нет закреплённых активных клиентов (customer.rep_id)"
                )
            ),
            Some(arpu) => format!(
                "{} ({} {})",
                w.m(arpu),
                w.om(k.customers.arpu_monthly),
                w.t("a month", "в месяц")
            ),
        },
    },
    Kpi {
        key: "cac",
        number: 25,
        en: "CAC",
        ru: "CAC",
        unit: Unit::Money,
        needs: &[Source::Customers, Source::AcquisitionCost],
        paths: &["customers.cac", "customers.acquisition_cost"],
        clear: |k| k.customers.cac = None,
        value: |k| k.customers.cac.map(|v| v as f64),
        text: |k, w| {
            let c = &k.customers;
            format!(
                "{} ({} {}, {} {})",
                w.om(c.cac),
                w.n(c.new.now),
                w.t("new", "новых"),
                w.m(c.acquisition_cost),
                w.t("spent", "затрачено")
            )
        },
    },
    Kpi {
        key: "ltv",
        number: 26,
        en: "LTV and LTV : CAC",
        ru: "LTV и LTV : CAC",
        unit: Unit::Money,
        needs: &[
            Source::Deals,
            Source::Customers,
            Source::CostOfGoods,
            Source::AcquisitionCost,
        ],
        paths: &[
            "customers.ltv",
            "customers.ltv_to_cac",
            "customers.lifetime_months",
            "customers.lifetime_capped",
        ],
        clear: |k| {
            k.customers.ltv = None;
            k.customers.ltv_to_cac = None;
        },
        value: |k| k.customers.ltv.map(|v| v as f64),
        text: |k, w| {
            let c = &k.customers;
            if c.ltv.is_none() {
                // Its parts are known to exist (`needs`), but this scope has none to use.
                return format!(
                    "— {}",
                    if c.arpu.is_none() {
                        w.t(
                            "no active customer is assigned here (customer.rep_id)",
                            "нет закреплённых активных клиентов (customer.rep_id)",
                        )
                    } else {
                        w.t(
                            "no won deal in the period to take a margin from",
                            "нет выигранных сделок за период, не из чего взять маржу",
                        )
                    }
                );
            }
            format!(
                "{} · {}{}{}",
                w.om(c.ltv),
                c.ltv_to_cac
                    .map(|r| format::decimal_in(Some(r), w.lang))
                    .unwrap_or_else(|| "—".into()),
                if c.ltv_to_cac.is_some_and(|r| r < 3.0) {
                    w.t(" ! under 3", " ! меньше 3")
                } else {
                    ""
                },
                c.lifetime_note(w.lang)
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            )
        },
    },
    Kpi {
        key: "average_unit_price",
        number: 29,
        en: "Average unit price",
        ru: "Средняя цена единицы",
        unit: Unit::Money,
        needs: &[Source::Deals],
        paths: &["average_unit_price"],
        clear: none,
        value: |k| k.average_unit_price.now.map(|v| v as f64),
        text: |k, w| {
            format!(
                "{} ({} {})",
                w.om(k.average_unit_price.now),
                w.prev(),
                w.om(k.average_unit_price.prev)
            )
        },
    },
    Kpi {
        key: "receivables",
        number: 30,
        en: "Receivables",
        ru: "Дебиторка",
        unit: Unit::Money,
        needs: &[Source::Invoices],
        paths: &[
            "receivables.outstanding",
            "receivables.overdue",
            "receivables.overdue_invoices",
            "receivables.max_days_overdue",
        ],
        clear: none,
        value: |k| cents(k.receivables.overdue),
        text: |k, w| {
            let r = &k.receivables;
            format!(
                "{} {} · {} {} ({}, {} {} {})",
                w.m(r.outstanding),
                w.t("outstanding", "к оплате"),
                w.m(r.overdue),
                w.t("overdue", "просрочено"),
                format::count_of(
                    r.overdue_invoices,
                    w.lang,
                    ("invoice", "invoices"),
                    ("счёт", "счёта", "счетов")
                ),
                w.t("up to", "до"),
                r.max_days_overdue,
                w.t("days", "дн.")
            )
        },
    },
    Kpi {
        key: "satisfaction",
        number: 31,
        en: "Satisfaction (1–10)",
        ru: "Удовлетворённость (1–10)",
        unit: Unit::Decimal,
        needs: &[Source::Surveys],
        paths: &[
            "people.satisfaction",
            "people.satisfaction_prev",
            "people.satisfaction_trend",
            "people.burnout_risk",
        ],
        clear: none,
        value: |k| k.people.satisfaction,
        text: |k, w| {
            let pe = &k.people;
            format!(
                "{} ({} {}) · {} {}",
                w.f(pe.satisfaction),
                w.prev(),
                w.f(pe.satisfaction_prev),
                pe.burnout_risk,
                w.t("at burnout risk", "в зоне выгорания")
            )
        },
    },
    Kpi {
        key: "knowledge",
        number: 32,
        en: "Product knowledge",
        ru: "Знание продукта",
        unit: Unit::Decimal,
        needs: &[Source::Tests],
        paths: &[
            "people.knowledge",
            "people.knowledge_trend",
            "people.knowledge_below_min",
        ],
        clear: none,
        value: |k| k.people.knowledge,
        text: |k, w| {
            let pe = &k.people;
            format!(
                "{}% · {} {}",
                w.f(pe.knowledge),
                pe.knowledge_below_min,
                w.t("under minimum", "ниже минимума")
            )
        },
    },
    Kpi {
        key: "composite",
        number: 33,
        en: "Composite score · bonus",
        ru: "Итоговый балл · бонус",
        unit: Unit::Rate,
        needs: &[Source::Plans],
        paths: &["composite"],
        clear: |k| {
            k.composite.score = None;
            k.composite.bonus_coefficient = None;
        },
        value: |k| k.composite.score,
        text: |k, w| {
            format!(
                "{} · ×{}",
                w.p(k.composite.score),
                k.composite
                    .bonus_coefficient
                    .map(|b| format::decimal2_in(b, w.lang))
                    .unwrap_or_else(|| "—".into())
            )
        },
    },
];

/// The catalogue entry for `key`.
pub fn kpi(key: &str) -> Option<&'static Kpi> {
    CATALOGUE.iter().find(|k| k.key == key)
}

/// The sources `needs` that `have` lacks.
pub fn lacking(needs: &[Source], have: Have) -> Vec<Source> {
    needs.iter().copied().filter(|s| !have.has(*s)).collect()
}

/// Marks every KPI whose rows are absent: clears it and records what is missing.
pub fn apply(k: &mut Kpis, have: Have) {
    k.no_data.clear();
    for def in CATALOGUE {
        let missing = lacking(def.needs, have);
        if !missing.is_empty() {
            (def.clear)(k);
            k.no_data.insert(def.key, missing);
        }
    }
}

/// Sets the figures at the `paths` of every blind KPI of a scope's JSON (`kpis`) to `null`:
/// numbers and flags become `null` (inside objects and arrays too, so the shape stays and
/// `revenue.now` is still there to read); text such as a stage's name stays. A `*` in a
/// path stands for every element of an array.
pub fn null_blind(kpis: &mut serde_json::Value) {
    let blind: Vec<&'static Kpi> = kpis
        .get("no_data")
        .and_then(|v| v.as_object())
        .map(|m| m.keys().filter_map(|key| kpi(key)).collect())
        .unwrap_or_default();
    for def in blind {
        for path in def.paths {
            let parts: Vec<&str> = path.split('.').collect();
            blank_at(kpis, &parts);
        }
    }
}

fn blank_at(v: &mut serde_json::Value, path: &[&str]) {
    match path.split_first() {
        None => blank(v),
        Some((&"*", rest)) => {
            if let Some(items) = v.as_array_mut() {
                for item in items {
                    blank_at(item, rest);
                }
            }
        }
        Some((key, rest)) => {
            if let Some(next) = v.get_mut(*key) {
                blank_at(next, rest);
            }
        }
    }
}

fn blank(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Number(_) | Value::Bool(_) => *v = Value::Null,
        Value::Array(items) => items.iter_mut().for_each(blank),
        Value::Object(map) => map.values_mut().for_each(blank),
        Value::Null | Value::String(_) => {}
    }
}

/// "— no cost of goods on won deals (deal.cost)": how a blind KPI reads, with its reason.
pub fn why_blank(missing: &[Source], lang: Lang) -> String {
    let reasons: Vec<&str> = missing.iter().map(|s| s.missing(lang)).collect();
    format!("— {}", reasons.join("; "))
}
