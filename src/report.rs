//! `salesboard report`: the KPIs of a [`Report`] as a text table, CSV, JSON or Markdown.
//! Pure formatting: the figures come computed from [`crate::kpi`].

use crate::format::{self, Lang};
use crate::kpi::catalogue::{self, Unit};
use crate::kpi::{Breakdown, CATALOGUE, Kpis, Report};
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
    /// Set when another period than the one asked for is shown: the current period has no
    /// sales or activity yet and the latest one with data is shown instead (English).
    pub fallback: Option<String>,
    /// The current period of the report's kind, whether it has data yet, and the latest
    /// period with data (null for --from/--to ranges).
    pub period_note: Option<crate::engine::PeriodNote>,
    #[serde(flatten)]
    pub report: &'a Report,
}

impl Document<'_> {
    /// The document as JSON, with the figures of every blind KPI set to `null` (see
    /// [`null_blind`]).
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        null_blind(&mut v);
        v
    }
}

/// A report as JSON, as `report --format json` has it (without the envelope).
pub fn report_json(r: &Report) -> serde_json::Value {
    let mut v = serde_json::to_value(r).unwrap_or(serde_json::Value::Null);
    null_blind(&mut v);
    v
}

/// Sets the figures of every blind KPI (see [`crate::kpi::catalogue`]) to `null` in the
/// total, every team and every rep of a report's JSON.
fn null_blind(v: &mut serde_json::Value) {
    {
        if let Some(total) = v.get_mut("total") {
            catalogue::null_blind(total);
        }
        for list in ["teams", "reps"] {
            if let Some(rows) = v.get_mut(list).and_then(|r| r.as_array_mut()) {
                for row in rows {
                    if let Some(k) = row.get_mut("kpis") {
                        catalogue::null_blind(k);
                    }
                }
            }
        }
    }
}

/// One KPI line: a stable key, the SPEC number, a label, the display text and the raw value
/// (money in whole currency units). A blind KPI reads "— <why>" and has no raw value.
pub struct Line {
    pub key: &'static str,
    pub number: u8,
    pub label: &'static str,
    pub text: String,
    pub raw: Option<f64>,
    /// The kinds of source rows it lacks (empty when it has them).
    pub missing: Vec<crate::kpi::Source>,
}

/// Every KPI of a scope, in SPEC order (the catalogue's), formatted for people and kept
/// raw for CSV.
pub fn lines(k: &Kpis, currency: &str, lang: Lang) -> Vec<Line> {
    let words = catalogue::Words { currency, lang };
    CATALOGUE
        .iter()
        .map(|def| {
            let missing = k.lacks(def.key).to_vec();
            let (text, raw) = if missing.is_empty() {
                let raw = (def.value)(k).map(|v| match def.unit {
                    Unit::Money => v / 100.0,
                    _ => v,
                });
                ((def.text)(k, &words), raw)
            } else {
                (catalogue::why_blank(&missing, lang), None)
            };
            Line {
                key: def.key,
                number: def.number,
                label: def.label(lang),
                text,
                raw,
                missing,
            }
        })
        .collect()
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
    if !k.knows("revenue") {
        // No deal in the period or the one before: every column would be a made-up zero.
        let mut row = vec![name.to_string()];
        row.extend(std::iter::repeat_n("—".to_string(), BOARD_HEADER.len() - 1));
        return row;
    }
    vec![
        name.to_string(),
        m(k.revenue.now),
        k.targets.revenue.map(m).unwrap_or_else(|| "—".into()),
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
        if k.knows("calls") {
            format!("{}/{}", k.activity.calls.now, k.activity.meetings.now)
        } else {
            "—".into()
        },
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
                if k.knows("receivables") {
                    format::money(k.receivables.overdue, cur, lang)
                } else {
                    "—".into()
                },
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
        out.push_str(crate::kpi::AlertKind::none_text(&r.total, lang).0);
        out.push('\n');
    }
    if let Some(text) = crate::kpi::AlertKind::not_judged_text(&r.total, lang) {
        out.push_str(&format!("— {text}\n"));
    }
    for a in &r.alerts {
        let when = match a.period {
            Some(_) => crate::format::alert_when(a, lang),
            None => crate::format::local_time(a.at),
        };
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

/// The data-coverage section of `check`: each kind of source rows, how many and for which
/// days; for a missing kind, the KPIs that show "—" without it; for a partial one, what it
/// distorts.
pub fn coverage_text(cov: &crate::store::FileCoverage) -> String {
    use crate::model::{Mark, Source};
    let lang = Lang::En;
    let n = |v: i64| crate::format::group(v, lang);
    let mut out = String::from("data coverage (what the figures are built from):\n");
    for k in &cov.kinds {
        let label = k.source.label(lang);
        // Dates read from the file: checked by the schema, cleaned all the same.
        let span = match (&k.first, &k.last) {
            (Some(a), Some(b)) if a == b => format!("  {}", clean(a)),
            (Some(a), Some(b)) => format!("  {} … {}", clean(a), clean(b)),
            _ => String::new(),
        };
        let count = match k.of {
            Some(of) => format!("{} of {}", n(k.rows), n(of)),
            None => n(k.rows),
        };
        let mark = k.mark();
        let symbol = mark.symbol();
        let line = match mark {
            Mark::None => {
                let blind: Vec<&str> = crate::kpi::CATALOGUE
                    .iter()
                    .filter(|d| d.needs.contains(&k.source))
                    .map(|d| d.en)
                    .collect();
                format!(
                    "{symbol} {label:<26} none: {} show —",
                    if blind.is_empty() {
                        "no KPI needs it alone; nothing".to_string()
                    } else {
                        blind.join(", ")
                    }
                )
            }
            Mark::NothingToCover => format!("{symbol} {label:<26} {count}: nothing to cover yet"),
            Mark::Partial => {
                let lacking = n(k.of.unwrap_or(k.rows) - k.rows);
                let what = match k.source {
                    Source::LossStage => format!(
                        "{lacking} lost deals have no lost_from_stage and no stage history: they would count as lost at lead, so opportunity → win, lead → opportunity and stage-to-stage show — for the periods they fall in"
                    ),
                    Source::CostOfGoods => format!(
                        "{lacking} won deals have no cost of goods (cost 0): margin and LTV count them at 100 % margin"
                    ),
                    Source::Customers => format!(
                        "{lacking} deals name no customer: repeat customers and ARPU leave them out"
                    ),
                    Source::StageHistory => format!(
                        "{lacking} deals have no stage history: time in stage and the pipeline a period before leave them out"
                    ),
                    _ => format!("{lacking} rows lack it"),
                };
                format!("{symbol} {label:<26} {count}{span}: {what}")
            }
            Mark::Present => format!("{symbol} {label:<26} {count}{span}"),
        };
        out.push_str("  ");
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_marks_kinds_by_the_one_rule_of_the_overlay() {
        use crate::model::Source;
        use crate::store::{DataKind, FileCoverage};
        let kind = |source, rows, of| DataKind {
            source,
            rows,
            of,
            first: None,
            last: None,
        };
        let text = coverage_text(&FileCoverage {
            kinds: vec![
                kind(Source::CostOfGoods, 0, Some(0)),
                kind(Source::ChurnDates, 5, Some(100)),
                kind(Source::LossStage, 10, Some(12)),
                kind(Source::Surveys, 0, None),
            ],
        });
        let line = |label: &str| {
            text.lines()
                .find(|l| l.contains(label))
                .unwrap_or_else(|| panic!("{label}: {text}"))
                .trim()
                .to_string()
        };
        // No won deal to have a cost: no ✓, no warning.
        assert!(line("cost of goods").starts_with("· "), "{text}");
        // Most customers have not churned: that is not a gap.
        assert!(line("churn dates").starts_with("✓ "), "{text}");
        let lost = line("stage of lost deals");
        assert!(
            lost.starts_with("! ") && lost.contains(": 2 lost deals"),
            "{text}"
        );
        let surveys = line("satisfaction");
        assert!(
            surveys.starts_with("— ") && surveys.contains("Satisfaction"),
            "{text}"
        );
    }

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
