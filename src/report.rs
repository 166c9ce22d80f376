//! `salesboard report`: the KPIs of a [`Report`] as a text table, CSV, JSON or Markdown.
//! Pure formatting: the figures come computed from [`crate::kpi`].

use crate::format::{self, Lang};
use crate::kpi::{Breakdown, Kpis, Report};
use crate::text::clean;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

/// Output formats of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    Markdown,
}

/// The JSON document: a versioned envelope around the report.
#[derive(Serialize)]
pub struct Document<'a> {
    /// Bumped when a key is renamed or removed (adding keys does not bump it).
    pub format_version: u32,
    pub database: String,
    pub generated_at: String,
    /// Set when the period shown needs a word beside the current one: the current period
    /// has no sales or activity yet and the latest one with data is shown instead, or it is
    /// the one shown and is still empty (English).
    pub fallback: Option<String>,
    /// The current period of the report's kind, whether it has data yet, and the latest
    /// period with data (null for --from/--to ranges).
    pub period_note: Option<crate::engine::PeriodNote>,
    #[serde(flatten)]
    pub report: &'a Report,
}

/// One KPI line: a stable key, the SPEC number, a label, the display text and the raw value.
pub struct Line {
    pub key: &'static str,
    pub number: u8,
    pub label: &'static str,
    pub text: String,
    pub raw: Option<f64>,
}

/// Every KPI of a scope, in SPEC order, formatted for people and kept raw for CSV.
pub fn lines(k: &Kpis, currency: &str, lang: Lang) -> Vec<Line> {
    let m = |v: i64| format::money(v, currency, lang);
    let om = |v: Option<i64>| v.map(m).unwrap_or_else(|| "—".into());
    let p = format::percent;
    let n = |v: i64| format::group(v, lang);
    let f = |v: Option<f64>| format::decimal_in(v, lang);
    let t = |en: &'static str, ru: &'static str| lang.t(en, ru);
    let (of, prev, yes, no) = (
        t("of", "из"),
        t("previous", "ранее"),
        t("! yes", "! да"),
        t("no", "нет"),
    );
    let mut out = Vec::new();
    let mut push = |key, number, label: &'static str, text: String, raw: Option<f64>| {
        out.push(Line {
            key,
            number,
            label,
            text,
            raw,
        });
    };
    let cents = |v: i64| Some(v as f64 / 100.0);
    let ocents = |v: Option<i64>| v.map(|v| v as f64 / 100.0);
    push(
        "revenue",
        1,
        t("Won revenue", "Выручка"),
        m(k.revenue.now),
        cents(k.revenue.now),
    );
    push(
        "revenue_target",
        1,
        t("Revenue target", "План по выручке"),
        m(k.targets.revenue),
        cents(k.targets.revenue),
    );
    push(
        "revenue_attainment",
        1,
        t("Plan attainment, revenue", "Выполнение плана, выручка"),
        p(k.revenue_attainment),
        k.revenue_attainment,
    );
    push(
        "units",
        2,
        t("Units won", "Продано, шт."),
        n(k.units.now),
        Some(k.units.now as f64),
    );
    push(
        "units_attainment",
        2,
        t("Plan attainment, units", "Выполнение плана, шт."),
        format!("{} {of} {}", p(k.units_attainment), n(k.targets.units)),
        k.units_attainment,
    );
    push(
        "expected_share",
        3,
        t("Pace: expected share", "Темп: ожидаемая доля"),
        format!(
            "{} ({} {of} {} {})",
            p(k.pace.expected_share),
            k.pace.elapsed_working_days,
            k.pace.working_days,
            t("working days", "рабочих дней")
        ),
        k.pace.expected_share,
    );
    push(
        "projected_revenue",
        3,
        t("Projected revenue", "Прогноз выручки"),
        om(k.pace.projected_revenue),
        ocents(k.pace.projected_revenue),
    );
    push(
        "behind_pace",
        3,
        t("Behind pace", "Отставание от темпа"),
        if k.pace.behind { yes.into() } else { no.into() },
        Some(k.pace.behind as u8 as f64),
    );
    push(
        "growth",
        4,
        t("Sales growth", "Рост продаж"),
        format!(
            "{} ({prev} {})",
            format::change(k.growth),
            m(k.revenue.prev)
        ),
        k.growth,
    );
    push(
        "forecast",
        5,
        t("Forecast", "Прогноз с воронкой"),
        format!(
            "{} ({} {})",
            m(k.pipeline.forecast),
            p(k.pipeline.forecast_vs_target),
            t("of target", "плана")
        ),
        cents(k.pipeline.forecast),
    );
    push(
        "average_deal",
        6,
        t("Average deal size", "Средний чек"),
        om(k.average_deal.now),
        ocents(k.average_deal.now),
    );
    push(
        "profit",
        7,
        t("Profit", "Прибыль"),
        m(k.profit),
        cents(k.profit),
    );
    push("margin", 7, t("Margin", "Маржа"), p(k.margin), k.margin);
    let fu = &k.funnel;
    push(
        "lead_to_opportunity",
        8,
        t("Lead → opportunity", "Лид → возможность"),
        format!(
            "{} ({} {of} {})",
            p(fu.lead_to_opportunity),
            fu.qualified,
            fu.leads
        ),
        fu.lead_to_opportunity,
    );
    push(
        "opportunity_to_win",
        9,
        t("Opportunity → win", "Возможность → победа"),
        format!(
            "{}{} ({} {}, {} {})",
            if fu.win_rate_low { "! " } else { "" },
            p(fu.opportunity_to_win),
            fu.closed_won,
            t("won", "выиграно"),
            fu.closed_lost,
            t("lost", "проиграно")
        ),
        fu.opportunity_to_win,
    );
    push(
        "lead_conversion",
        10,
        t("Lead conversion", "Конверсия лидов"),
        p(fu.lead_conversion),
        fu.lead_conversion,
    );
    let steps: Vec<String> = fu
        .stages
        .iter()
        .map(|s| {
            format!(
                "{}→{} {}",
                stage_name(&s.from, lang),
                stage_name(&s.to, lang),
                p(s.rate)
            )
        })
        .collect();
    push(
        "stage_conversion",
        11,
        t("Stage-to-stage", "Между этапами"),
        steps.join(", "),
        fu.stages.last().and_then(|s| s.rate),
    );
    let pl = &k.pipeline;
    push(
        "open_opportunities",
        12,
        t("Open opportunities", "Открытые возможности"),
        format!(
            "{} ({prev} {})",
            n(pl.open_opportunities.now),
            n(pl.open_opportunities.prev)
        ),
        Some(pl.open_opportunities.now as f64),
    );
    push(
        "pipeline_value",
        12,
        t("Pipeline value", "Объём воронки"),
        format!("{} {}", m(pl.value.now), format::change(pl.value_change)),
        cents(pl.value.now),
    );
    push(
        "new_opportunities_per_day",
        12,
        t("New opportunities a day", "Новых возможностей в день"),
        format!(
            "{} ({prev} {})",
            f(pl.new_per_day.now),
            f(pl.new_per_day.prev)
        ),
        pl.new_per_day.now,
    );
    let scores: Vec<String> = pl
        .by_score
        .iter()
        .map(|b| format!("{}★ {} · {}", b.score, b.deals, m(b.value)))
        .collect();
    push(
        "opportunity_score",
        13,
        t("Open deals by score", "Открытые сделки по оценке"),
        scores.join(", "),
        None,
    );
    let c = &k.cycle;
    push(
        "cycle_days",
        14,
        t("Sales cycle, days", "Цикл сделки, дней"),
        format!(
            "{} {} · {} {} · {} {}{}",
            t("mean", "среднее"),
            f(c.mean_days),
            t("median", "медиана"),
            f(c.median_days),
            t("team", "команда"),
            f(c.baseline_days),
            if c.slow {
                t(" ! may need coaching", " ! нужен коучинг")
            } else {
                ""
            }
        ),
        c.mean_days,
    );
    let stays: Vec<String> = c
        .time_in_stage
        .iter()
        .map(|s| format!("{} {}", stage_name(&s.stage, lang), f(s.mean_days)))
        .collect();
    push(
        "time_in_stage",
        15,
        t("Days in stage", "Дней на этапе"),
        stays.join(", "),
        None,
    );
    let a = &k.activity;
    push(
        "calls",
        16,
        t("Calls vs plan", "Звонки к плану"),
        format!(
            "{} {of} {} ({})",
            n(a.calls.now),
            n(k.targets.calls),
            p(a.calls_attainment)
        ),
        Some(a.calls.now as f64),
    );
    push(
        "meetings",
        16,
        t("Meetings vs plan", "Встречи к плану"),
        format!(
            "{} {of} {} ({}){}",
            n(a.meetings.now),
            n(k.targets.meetings),
            p(a.meetings_attainment),
            if a.meetings_below_minimum {
                t(" ! below minimum", " ! ниже минимума")
            } else {
                ""
            }
        ),
        Some(a.meetings.now as f64),
    );
    push(
        "won_per_100_calls",
        17,
        t("Won deals per 100 calls", "Побед на 100 звонков"),
        format!(
            "{} ({} {})",
            f(a.won_per_100_calls),
            f(a.calls_per_won),
            t("calls per win", "звонков на победу")
        ),
        a.won_per_100_calls,
    );
    push(
        "response_minutes",
        18,
        t("Response time, minutes", "Время ответа, мин"),
        format!(
            "{} {} · p90 {} · {} {of} {} {} {} {}",
            t("median", "медиана"),
            f(a.response_median_min),
            f(a.response_p90_min),
            a.over_sla,
            a.inquiries,
            t("over", "дольше"),
            a.sla_minutes,
            t("min SLA", "мин SLA")
        ),
        a.response_median_min,
    );
    push(
        "upsell_cross_sell",
        19,
        t("Upsell + cross-sell", "Допродажи и кросс-продажи"),
        format!(
            "{} {} ({} {} ×{}, {} {} ×{})",
            p(k.upsell_cross_sell_share),
            t("of revenue", "выручки"),
            t("upsell", "допродажи"),
            m(k.upsell_revenue),
            k.upsell_deals,
            t("cross-sell", "кросс"),
            m(k.cross_sell_revenue),
            k.cross_sell_deals
        ),
        k.upsell_cross_sell_share,
    );
    let cu = &k.customers;
    push(
        "repeat_customers",
        20,
        t("Repeat customers", "Повторные клиенты"),
        format!(
            "{} ({} {})",
            n(cu.repeat_customers),
            p(cu.repeat_revenue_share),
            t("of revenue", "выручки")
        ),
        Some(cu.repeat_customers as f64),
    );
    push(
        "engagement",
        21,
        t("Contacts per active customer", "Контактов на клиента"),
        format!(
            "{} · {} {} {} {}",
            f(a.per_active_customer),
            n(a.not_contacted),
            t("not contacted in", "без контакта"),
            a.not_contacted_days,
            t("days", "дней")
        ),
        a.per_active_customer,
    );
    push(
        "churn_rate",
        22,
        t("Churn rate", "Отток"),
        format!(
            "{} ({} {of} {})",
            p(cu.churn_rate),
            cu.churned,
            cu.active_at_start
        ),
        cu.churn_rate,
    );
    push(
        "churn_after_sale",
        23,
        t("Churn after sale", "Отток после продажи"),
        format!(
            "{} ({} {of} {})",
            p(cu.churn_after_sale),
            cu.churned_after_sale,
            cu.sold
        ),
        cu.churn_after_sale,
    );
    push(
        "arpu",
        24,
        "ARPU",
        format!(
            "{} ({} {})",
            om(cu.arpu),
            om(cu.arpu_monthly),
            t("a month", "в месяц")
        ),
        ocents(cu.arpu),
    );
    push(
        "cac",
        25,
        "CAC",
        format!(
            "{} ({} {}, {} {})",
            om(cu.cac),
            n(cu.new.now),
            t("new", "новых"),
            m(cu.acquisition_cost),
            t("spent", "затрачено")
        ),
        ocents(cu.cac),
    );
    push(
        "ltv",
        26,
        t("LTV and LTV : CAC", "LTV и LTV : CAC"),
        format!(
            "{} · {}{}",
            om(cu.ltv),
            cu.ltv_to_cac
                .map(|r| format!("{r:.1}"))
                .unwrap_or_else(|| "—".into()),
            if cu.ltv_to_cac.is_some_and(|r| r < 3.0) {
                t(" ! under 3", " ! меньше 3")
            } else {
                ""
            }
        ),
        ocents(cu.ltv),
    );
    push(
        "average_unit_price",
        29,
        t("Average unit price", "Средняя цена единицы"),
        format!(
            "{} ({prev} {})",
            om(k.average_unit_price.now),
            om(k.average_unit_price.prev)
        ),
        ocents(k.average_unit_price.now),
    );
    let r = &k.receivables;
    push(
        "receivables",
        30,
        t("Receivables", "Дебиторка"),
        format!(
            "{} {} · {} {} ({} {}, {} {} {})",
            m(r.outstanding),
            t("outstanding", "к оплате"),
            m(r.overdue),
            t("overdue", "просрочено"),
            r.overdue_invoices,
            t("invoices", "счетов"),
            t("up to", "до"),
            r.max_days_overdue,
            t("days", "дн.")
        ),
        cents(r.overdue),
    );
    let pe = &k.people;
    push(
        "satisfaction",
        31,
        t("Satisfaction (1–10)", "Удовлетворённость (1–10)"),
        format!(
            "{} ({prev} {}) · {} {}",
            f(pe.satisfaction),
            f(pe.satisfaction_prev),
            pe.burnout_risk,
            t("at burnout risk", "в зоне выгорания")
        ),
        pe.satisfaction,
    );
    push(
        "knowledge",
        32,
        t("Product knowledge", "Знание продукта"),
        format!(
            "{}% · {} {}",
            f(pe.knowledge),
            pe.knowledge_below_min,
            t("under minimum", "ниже минимума")
        ),
        pe.knowledge,
    );
    push(
        "composite",
        33,
        t("Composite score · bonus", "Итоговый балл · бонус"),
        format!(
            "{} · ×{}",
            p(k.composite.score),
            k.composite
                .bonus_coefficient
                .map(|b| format!("{b:.2}"))
                .unwrap_or_else(|| "—".into())
        ),
        k.composite.score,
    );
    out
}

/// A funnel stage's name in the language.
pub fn stage_name(stage: &str, lang: Lang) -> &str {
    match (stage, lang) {
        (_, Lang::En) => stage,
        ("lead", Lang::Ru) => "лид",
        ("qualified", Lang::Ru) => "квалиф.",
        ("proposal", Lang::Ru) => "КП",
        ("negotiation", Lang::Ru) => "переговоры",
        ("won", Lang::Ru) => "победа",
        ("lost", Lang::Ru) => "проигрыш",
        (other, Lang::Ru) => other,
    }
}

/// Pads `s` to `width` display columns (names in any script line up).
pub fn pad(s: &str, width: usize, right: bool) -> String {
    let w = s.width();
    let fill = " ".repeat(width.saturating_sub(w));
    if right {
        format!("{fill}{s}")
    } else {
        format!("{s}{fill}")
    }
}

/// A plain text table with display-width alignment. The first column is left-aligned,
/// the others right-aligned.
pub fn text_table(header: &[String], rows: &[Vec<String>]) -> String {
    let cols = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(cols) {
            widths[i] = widths[i].max(c.width());
        }
    }
    let line = |cells: &[String]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| pad(c, widths[i], i > 0))
            .collect();
        parts.join("  ").trim_end().to_string()
    };
    let mut out = line(header);
    out.push('\n');
    out.push_str(
        &widths
            .iter()
            .map(|w| "─".repeat(*w))
            .collect::<Vec<_>>()
            .join("  "),
    );
    out.push('\n');
    for r in rows {
        out.push_str(&line(r));
        out.push('\n');
    }
    out
}

fn md_table(header: &[String], rows: &[Vec<String>]) -> String {
    let esc = |s: &str| s.replace('|', "\\|");
    let mut out = format!(
        "| {} |\n",
        header
            .iter()
            .map(|h| esc(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    out.push_str(&format!(
        "|{}\n",
        header
            .iter()
            .enumerate()
            .map(|(i, _)| if i == 0 { " --- |" } else { " ---: |" })
            .collect::<String>()
    ));
    for r in rows {
        out.push_str(&format!(
            "| {} |\n",
            r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
        ));
    }
    out
}

/// The leaderboard columns for one scope row.
fn board_row(name: &str, k: &Kpis, currency: &str, lang: Lang) -> Vec<String> {
    let m = |v: i64| format::money(v, currency, lang);
    vec![
        name.to_string(),
        m(k.revenue.now),
        m(k.targets.revenue),
        format!(
            "{}{}",
            if k.pace.behind { "! " } else { "" },
            format::percent(k.revenue_attainment)
        ),
        k.pace
            .projected_revenue
            .map(m)
            .unwrap_or_else(|| "—".into()),
        format::group(k.units.now, lang),
        k.won_deals.now.to_string(),
        k.average_deal.now.map(m).unwrap_or_else(|| "—".into()),
        format::percent(k.margin),
        format::percent(k.funnel.opportunity_to_win),
        format!("{}/{}", k.activity.calls.now, k.activity.meetings.now),
        format::change(k.growth),
    ]
}

const BOARD_HEADER: [&str; 12] = [
    "",
    "Revenue",
    "Target",
    "Attain.",
    "Projected",
    "Units",
    "Deals",
    "Avg deal",
    "Margin",
    "Win",
    "Calls/Mtgs",
    "Growth",
];

fn breakdown_rows(items: &[Breakdown], currency: &str, lang: Lang) -> Vec<Vec<String>> {
    items
        .iter()
        .map(|b| {
            vec![
                clean(&b.name).into_owned(),
                format::money(b.revenue.now, currency, lang),
                b.won_deals.to_string(),
                format::group(b.units, lang),
                b.target
                    .map(|t| format::money(t, currency, lang))
                    .unwrap_or_else(|| "—".into()),
                format::percent(b.attainment),
                b.average_unit_price
                    .now
                    .map(|v| format::money(v, currency, lang))
                    .unwrap_or_else(|| "—".into()),
                format::change(b.unit_price_change),
            ]
        })
        .collect()
}

/// Renders a report as a text table (`markdown` = false) or Markdown.
pub fn render_text(r: &Report, note: Option<&str>, markdown: bool, lang: Lang) -> String {
    let cur = r.currency.as_str();
    let table = |h: &[String], rows: &[Vec<String>]| {
        if markdown {
            md_table(h, rows)
        } else {
            text_table(h, rows)
        }
    };
    let heading = |s: &str| {
        if markdown {
            format!("\n## {s}\n\n")
        } else {
            format!("\n{s}\n")
        }
    };
    let mut out = String::new();
    if markdown {
        out.push_str(&format!(
            "# Sales KPIs — {} — {}\n\n",
            clean(&r.scope),
            r.period
        ));
    } else {
        out.push_str(&format!(
            "Sales KPIs — {} — {} ({} to {}, as of {})\n",
            clean(&r.scope),
            r.period,
            r.period.start,
            r.period.last_day(),
            r.as_of
        ));
    }
    if let Some(n) = note {
        out.push_str(&format!("{}{n}\n", if markdown { "> " } else { "Note: " }));
    }
    out.push_str(&heading("All KPIs"));
    let rows: Vec<Vec<String>> = lines(&r.total, cur, lang)
        .into_iter()
        .map(|l| vec![format!("#{:<2} {}", l.number, l.label), l.text])
        .collect();
    let h = vec!["KPI".to_string(), "Value".to_string()];
    if markdown {
        out.push_str(&md_table(&h, &rows));
    } else {
        // Values are left-aligned text here, so pad by hand.
        let w = rows.iter().map(|r| r[0].width()).max().unwrap_or(0);
        for row in &rows {
            out.push_str(&format!("{}  {}\n", pad(&row[0], w, false), row[1]));
        }
    }
    let header: Vec<String> = BOARD_HEADER.iter().map(|s| s.to_string()).collect();
    if !r.teams.is_empty() {
        out.push_str(&heading("Teams"));
        let rows: Vec<Vec<String>> = r
            .teams
            .iter()
            .map(|t| {
                board_row(
                    &format!("{}{}", "  ".repeat(t.depth), clean(&t.team.name)),
                    &t.kpis,
                    cur,
                    lang,
                )
            })
            .collect();
        let mut h = header.clone();
        h[0] = "Team".into();
        out.push_str(&table(&h, &rows));
    }
    out.push_str(&heading("Reps"));
    let rows: Vec<Vec<String>> = r
        .reps
        .iter()
        .map(|x| board_row(&clean(&x.rep.name), &x.kpis, cur, lang))
        .collect();
    let mut h = header.clone();
    h[0] = "Rep".into();
    out.push_str(&table(&h, &rows));

    out.push_str(&heading("People, cycle and customers by rep"));
    let rows: Vec<Vec<String>> = r
        .reps
        .iter()
        .map(|x| {
            let k = &x.kpis;
            vec![
                clean(&x.rep.name).into_owned(),
                format!(
                    "{}{}",
                    format::decimal(k.cycle.mean_days),
                    if k.cycle.slow { " !" } else { "" }
                ),
                format::decimal(k.cycle.baseline_days),
                format::decimal(k.activity.response_median_min),
                format::percent(k.customers.churn_after_sale),
                format::percent(k.upsell_cross_sell_share),
                format::money(k.receivables.overdue, cur, lang),
                format!(
                    "{}{}",
                    x.satisfaction_history
                        .last()
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| "—".into()),
                    if k.people.burnout_risk > 0 { " !" } else { "" }
                ),
                format!(
                    "{}{}",
                    x.knowledge_history
                        .last()
                        .map(|s| format!("{s}%"))
                        .unwrap_or_else(|| "—".into()),
                    if k.people.knowledge_below_min > 0 {
                        " !"
                    } else {
                        ""
                    }
                ),
                format::percent(k.composite.score),
            ]
        })
        .collect();
    let h: Vec<String> = [
        "Rep",
        "Cycle d",
        "Team d",
        "Resp. min",
        "Churn/sale",
        "Up+cross",
        "Overdue",
        "Satisf.",
        "Knowl.",
        "Score",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    out.push_str(&table(&h, &rows));

    let bh: Vec<String> = [
        "",
        "Revenue",
        "Deals",
        "Units",
        "Target",
        "Attain.",
        "Unit price",
        "Price chg",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if !r.locations.is_empty() {
        out.push_str(&heading("By location"));
        let mut h = bh.clone();
        h[0] = "Location".into();
        out.push_str(&table(&h, &breakdown_rows(&r.locations, cur, lang)));
    }
    if !r.products.is_empty() {
        out.push_str(&heading("By product line"));
        let mut h = bh.clone();
        h[0] = "Product".into();
        out.push_str(&table(&h, &breakdown_rows(&r.products, cur, lang)));
    }
    if !r.campaigns.is_empty() {
        out.push_str(&heading("Campaigns"));
        let rows: Vec<Vec<String>> = r
            .campaigns
            .iter()
            .map(|c| {
                vec![
                    clean(&c.campaign.name).into_owned(),
                    c.campaign.channel.to_string(),
                    format::money(c.revenue, cur, lang),
                    format::money(c.baseline, cur, lang),
                    format::money(c.incremental, cur, lang),
                    format::money(c.cost, cur, lang),
                    format::percent(c.roi),
                    c.new_customers.to_string(),
                    c.cac
                        .map(|v| format::money(v, cur, lang))
                        .unwrap_or_else(|| "—".into()),
                ]
            })
            .collect();
        let h: Vec<String> = [
            "Campaign",
            "Channel",
            "Revenue",
            "Baseline",
            "Incremental",
            "Cost",
            "ROI",
            "New cust.",
            "CAC",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        out.push_str(&table(&h, &rows));
    }
    out.push_str(&heading(&format!("Alerts ({})", r.alerts.len())));
    if r.alerts.is_empty() {
        out.push_str("✓ nothing to warn about\n");
    }
    for a in &r.alerts {
        let when = crate::format::local_time(a.at);
        if markdown {
            out.push_str(&format!(
                "- **{}** {} — {}\n",
                a.kind.as_str(),
                when,
                clean(&a.message)
            ));
        } else {
            out.push_str(&format!(
                "! {when}  {:<24} {}\n",
                a.kind.as_str(),
                clean(&a.message)
            ));
        }
    }
    out
}

/// Long-format CSV: one row per scope and KPI (`scope_type,scope,kpi,number,value,text`),
/// plus breakdown and alert rows, so every figure is there for spreadsheets and scripts.
pub fn render_csv(r: &Report, lang: Lang) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["scope_type", "scope", "kpi", "number", "value", "text"])?;
    let cur = r.currency.as_str();
    let scope = |w: &mut csv::Writer<Vec<u8>>,
                 kind: &str,
                 name: &str,
                 k: &Kpis|
     -> Result<(), csv::Error> {
        for l in lines(k, cur, lang) {
            w.write_record([
                kind,
                &clean(name),
                l.key,
                &l.number.to_string(),
                &l.raw.map(|v| format!("{v}")).unwrap_or_default(),
                &l.text,
            ])?;
        }
        Ok(())
    };
    scope(&mut w, "total", &r.scope, &r.total)?;
    for t in &r.teams {
        scope(&mut w, "team", &t.team.name, &t.kpis)?;
    }
    for x in &r.reps {
        scope(&mut w, "rep", &x.rep.name, &x.kpis)?;
    }
    for (kind, number, items) in [
        ("location", "28", &r.locations),
        ("product", "29", &r.products),
    ] {
        for b in items {
            w.write_record([
                kind,
                &clean(&b.name),
                "revenue",
                number,
                &format!("{}", b.revenue.now as f64 / 100.0),
                &format::money(b.revenue.now, cur, lang),
            ])?;
            w.write_record([
                kind,
                &clean(&b.name),
                "attainment",
                number,
                &b.attainment.map(|v| v.to_string()).unwrap_or_default(),
                &format::percent(b.attainment),
            ])?;
            w.write_record([
                kind,
                &clean(&b.name),
                "average_unit_price",
                "29",
                &b.average_unit_price
                    .now
                    .map(|v| (v as f64 / 100.0).to_string())
                    .unwrap_or_default(),
                &format::change(b.unit_price_change),
            ])?;
        }
    }
    for c in &r.campaigns {
        let name = clean(&c.campaign.name).into_owned();
        w.write_record([
            "campaign",
            &name,
            "incremental",
            "27",
            &format!("{}", c.incremental as f64 / 100.0),
            &format::money(c.incremental, cur, lang),
        ])?;
        w.write_record([
            "campaign",
            &name,
            "roi",
            "27",
            &c.roi.map(|v| v.to_string()).unwrap_or_default(),
            &format::percent(c.roi),
        ])?;
    }
    for a in &r.alerts {
        w.write_record([
            "alert",
            &clean(a.rep.as_deref().unwrap_or(&r.scope)),
            a.kind.as_str(),
            "34",
            &a.value.to_string(),
            &clean(&a.message),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_by_display_width() {
        let h = vec!["Rep".to_string(), "Revenue".to_string()];
        let rows = vec![
            vec!["王小明".to_string(), "1".to_string()],
            vec!["Иван".to_string(), "22".to_string()],
            vec!["محمد".to_string(), "333".to_string()],
        ];
        let t = text_table(&h, &rows);
        let widths: Vec<usize> = t
            .lines()
            .filter(|l| !l.starts_with('─'))
            .map(|l| l.width())
            .collect();
        assert!(widths.iter().all(|w| *w == widths[0]), "{t}");
    }

    #[test]
    fn markdown_escapes_pipes() {
        let t = md_table(&["a".into()], &[vec!["x|y".into()]]);
        assert!(t.contains("x\\|y"));
    }
}
