//! Plain data types shared by the store (which fills them from SQL) and the KPI engine
//! (which computes figures from them). No I/O here.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Money in integer minor units (kopecks, cents).
pub type Money = i64;

/// The largest amount any entry path takes: 10 trillion in major units (10¹⁵ kopecks or
/// cents). Far above any real deal, plan or invoice, and small enough that sums of
/// thousands of them stay exact in an `i64` (the KPI sums also saturate rather than wrap,
/// for rows written past this check with SQL).
pub const MAX_AMOUNT: Money = 1_000_000_000_000_000;
/// Unix seconds, UTC.
pub type Timestamp = i64;

pub type TeamId = i64;
pub type RepId = i64;
pub type CustomerId = i64;
pub type DealId = i64;
pub type CampaignId = i64;

/// Funnel stages in order. `Won` and `Lost` are the two closed stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Lead,
    Qualified,
    Proposal,
    Negotiation,
    Won,
    Lost,
}

impl Stage {
    /// The open stages, in funnel order.
    pub const OPEN: [Stage; 4] = [
        Stage::Lead,
        Stage::Qualified,
        Stage::Proposal,
        Stage::Negotiation,
    ];
    /// The stages a deal moves through to a win, in order (used for stage-to-stage conversion).
    pub const PATH: [Stage; 5] = [
        Stage::Lead,
        Stage::Qualified,
        Stage::Proposal,
        Stage::Negotiation,
        Stage::Won,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Lead => "lead",
            Stage::Qualified => "qualified",
            Stage::Proposal => "proposal",
            Stage::Negotiation => "negotiation",
            Stage::Won => "won",
            Stage::Lost => "lost",
        }
    }

    /// Position on the path to a win; `Lost` has no rank of its own.
    pub fn rank(self) -> Option<u8> {
        match self {
            Stage::Lead => Some(0),
            Stage::Qualified => Some(1),
            Stage::Proposal => Some(2),
            Stage::Negotiation => Some(3),
            Stage::Won => Some(4),
            Stage::Lost => None,
        }
    }

    pub fn is_open(self) -> bool {
        !matches!(self, Stage::Won | Stage::Lost)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stage {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "lead" => Stage::Lead,
            "qualified" | "opportunity" => Stage::Qualified,
            "proposal" => Stage::Proposal,
            "negotiation" => Stage::Negotiation,
            "won" => Stage::Won,
            "lost" => Stage::Lost,
            other => {
                return Err(format!(
                    "unknown stage '{other}' (lead, qualified, proposal, negotiation, won, lost)"
                ));
            }
        })
    }
}

/// Declares a string-backed enum with its allowed database values.
macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
                $(if norm == $text { return Ok($name::$variant); })+
                let allowed: Vec<&str> = vec![$($text),+];
                Err(format!("unknown value '{}' (allowed: {})", s.trim(), allowed.join(", ")))
            }
        }
    };
}

text_enum!(
    /// What kind of sale a deal is.
    DealKind { New = "new", Upsell = "upsell", CrossSell = "cross_sell", Renewal = "renewal" }
);
text_enum!(
    /// Activity kinds.
    ActivityKind { Call = "call", Meeting = "meeting" }
);
text_enum!(
    /// What came of a call or meeting.
    Outcome {
        Reached = "reached",
        NoAnswer = "no_answer",
        MeetingSet = "meeting_set",
        DealWon = "deal_won",
        FollowUp = "follow_up",
        Held = "held",
        Cancelled = "cancelled",
        Other = "other",
    }
);
text_enum!(
    /// Marketing channel of a campaign.
    Channel {
        Email = "email",
        Social = "social",
        Events = "events",
        ColdCalls = "cold_calls",
        Ads = "ads",
        Referral = "referral",
        Other = "other",
    }
);
text_enum!(
    /// How an inquiry reached us.
    InquiryChannel {
        Email = "email",
        Phone = "phone",
        Web = "web",
        Chat = "chat",
        Social = "social",
        Other = "other",
    }
);

/// A kind of source rows a KPI is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Deals (created, closed or open in the window).
    Deals,
    /// `stage_change` rows: when deals moved between stages.
    StageHistory,
    /// For lost deals, the stage they were lost at (`lost_from_stage`, or their history).
    LossStage,
    /// The cost of goods of won deals (`deal.cost` above 0).
    CostOfGoods,
    /// Monthly plans (targets) for the scope and period.
    Plans,
    /// Calls and meetings.
    Activities,
    /// Satisfaction surveys of the scope's reps.
    Surveys,
    /// Product knowledge tests of the scope's reps.
    Tests,
    /// Campaigns and other acquisition spending (for CAC).
    AcquisitionCost,
    /// Inquiries with their response times.
    Inquiries,
    /// Invoices.
    Invoices,
    /// Customers, and deals that name their customer.
    Customers,
    /// Churn dates of customers (`customer.churned_on`).
    ChurnDates,
    /// Scores of open deals (`deal.score`).
    Scores,
    /// Deal kinds besides `new` (upsell, cross-sell, renewal).
    DealKinds,
}

impl Source {
    pub const ALL: [Source; 15] = [
        Source::Deals,
        Source::StageHistory,
        Source::LossStage,
        Source::CostOfGoods,
        Source::Plans,
        Source::Activities,
        Source::Surveys,
        Source::Tests,
        Source::AcquisitionCost,
        Source::Inquiries,
        Source::Invoices,
        Source::Customers,
        Source::ChurnDates,
        Source::Scores,
        Source::DealKinds,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Source::Deals => "deals",
            Source::StageHistory => "stage_history",
            Source::LossStage => "loss_stage",
            Source::CostOfGoods => "cost_of_goods",
            Source::Plans => "plans",
            Source::Activities => "activities",
            Source::Surveys => "surveys",
            Source::Tests => "tests",
            Source::AcquisitionCost => "acquisition_cost",
            Source::Inquiries => "inquiries",
            Source::Invoices => "invoices",
            Source::Customers => "customers",
            Source::ChurnDates => "churn_dates",
            Source::Scores => "scores",
            Source::DealKinds => "deal_kinds",
        }
    }

    /// True when every row counted in [`Coverage::rows`](crate::kpi::Coverage::rows)'s
    /// second figure should have these rows, so fewer is a gap in the data (a won deal
    /// without its cost). Churn dates, scores and kinds other than `new` are on some
    /// rows only by nature.
    pub fn partial_is_a_gap(self) -> bool {
        matches!(
            self,
            Source::StageHistory | Source::LossStage | Source::CostOfGoods | Source::Customers
        )
    }

    /// What the rows are, in a few words.
    pub fn label(self, lang: crate::format::Lang) -> &'static str {
        match self {
            Source::Deals => lang.t("deals", "сделки"),
            Source::StageHistory => lang.t("stage history", "история этапов"),
            Source::LossStage => lang.t("stage of lost deals", "этап проигранных сделок"),
            Source::CostOfGoods => lang.t("cost of goods", "себестоимость"),
            Source::Plans => lang.t("plans", "планы"),
            Source::Activities => lang.t("calls and meetings", "звонки и встречи"),
            Source::Surveys => lang.t("satisfaction surveys", "опросы удовлетворённости"),
            Source::Tests => lang.t("knowledge tests", "тесты знаний"),
            Source::AcquisitionCost => lang.t("acquisition spending", "затраты на привлечение"),
            Source::Inquiries => lang.t("inquiries", "обращения"),
            Source::Invoices => lang.t("invoices", "счета"),
            Source::Customers => lang.t("customers of deals", "клиенты сделок"),
            Source::ChurnDates => lang.t("churn dates", "даты ухода клиентов"),
            Source::Scores => lang.t("deal scores", "оценки сделок"),
            Source::DealKinds => lang.t("deal kinds", "виды сделок"),
        }
    }

    /// How `rows` of this kind (out of `of`, for a share) stand: the one rule the data
    /// overlay and `check` mark them by.
    pub fn mark(self, rows: i64, of: Option<i64>) -> Mark {
        match of {
            Some(0) => Mark::NothingToCover,
            _ if rows == 0 => Mark::None,
            Some(of) if rows < of && self.partial_is_a_gap() => Mark::Partial,
            _ => Mark::Present,
        }
    }

    /// "no plan": the short form of [`Source::Plans`]' reason, for a figure set beside a
    /// target that does not exist ("12 (no plan)").
    pub fn no_plan(lang: crate::format::Lang) -> &'static str {
        lang.t("no plan", "нет плана")
    }

    /// Why a KPI that needs these rows shows "—": what is missing, and where it would go.
    pub fn missing(self, lang: crate::format::Lang) -> &'static str {
        match self {
            Source::Deals => lang.t(
                "no deals in this period or the one before",
                "нет сделок за этот и прошлый период",
            ),
            Source::StageHistory => lang.t(
                "no stage history (stage_change)",
                "нет истории этапов (stage_change)",
            ),
            Source::LossStage => lang.t(
                "lost deals without the stage they were lost at (lost_from_stage)",
                "у проигранных сделок не указан этап (lost_from_stage)",
            ),
            Source::CostOfGoods => lang.t(
                "no cost of goods on won deals (deal.cost)",
                "нет себестоимости выигранных сделок (deal.cost)",
            ),
            Source::Plans => lang.t("no plan for this period", "нет плана на период"),
            Source::Activities => lang.t(
                "no calls or meetings recorded",
                "звонки и встречи не записаны",
            ),
            Source::Surveys => lang.t("no satisfaction survey", "нет опросов удовлетворённости"),
            Source::Tests => lang.t("no knowledge test", "нет тестов знаний"),
            Source::AcquisitionCost => lang.t(
                "no campaign or acquisition cost recorded",
                "нет затрат на кампании и привлечение",
            ),
            Source::Inquiries => lang.t("no inquiries recorded", "обращения не записаны"),
            Source::Invoices => lang.t("no invoices recorded", "счета не записаны"),
            Source::Customers => lang.t(
                "deals do not name their customers",
                "в сделках не указаны клиенты",
            ),
            Source::ChurnDates => lang.t(
                "no customer has a churn date (churned_on)",
                "ни у одного клиента нет даты ухода (churned_on)",
            ),
            Source::Scores => lang.t("no deal has a score", "у сделок нет оценок"),
            Source::DealKinds => lang.t(
                "every deal is of kind 'new': upsell and cross-sell are not recorded",
                "все сделки вида «new»: допродажи и кросс-продажи не записаны",
            ),
        }
    }
}

/// How the rows of one kind stand (see [`Source::mark`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// There (for a share: on every row that should have it, or on some by nature).
    Present,
    /// On some rows that should have it only: figures built from it are distorted.
    Partial,
    /// No rows at all.
    None,
    /// Nothing that could have it (costs when no deal is won): neither a gap nor evidence.
    NothingToCover,
}

impl Mark {
    /// ✓, !, — or ·.
    pub fn symbol(self) -> &'static str {
        match self {
            Mark::Present => "✓",
            Mark::Partial => "!",
            Mark::None => "—",
            Mark::NothingToCover => "·",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    pub parent_id: Option<TeamId>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rep {
    pub id: RepId,
    pub name: String,
    pub team_id: TeamId,
    pub region: String,
    pub hired_on: NaiveDate,
    pub active: bool,
}

/// Monthly targets (of a rep, or an explicit team plan).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Targets {
    pub revenue: Money,
    pub units: i64,
    pub calls: i64,
    pub meetings: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Rep or team id, depending on the list it is in.
    pub owner_id: i64,
    /// First day of the month.
    pub month: NaiveDate,
    pub targets: Targets,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    pub id: CustomerId,
    pub rep_id: Option<RepId>,
    pub region: String,
    pub acquired_on: NaiveDate,
    pub churned_on: Option<NaiveDate>,
    pub campaign_id: Option<CampaignId>,
    /// Won deals of this customer closed before the end of the loaded window.
    pub won_deals: i64,
    /// When this customer's first deal was won (any time), if ever.
    pub first_won_at: Option<Timestamp>,
    /// Last call or meeting with this customer before the end of the loaded window.
    pub last_contact_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Campaign {
    pub id: CampaignId,
    pub name: String,
    pub channel: Channel,
    pub cost: Money,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub baseline_revenue: Money,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AcquisitionCost {
    pub spent_on: NaiveDate,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Deal {
    pub id: DealId,
    pub rep_id: RepId,
    pub customer_id: Option<CustomerId>,
    pub campaign_id: Option<CampaignId>,
    pub amount: Money,
    pub cost: Money,
    pub units: i64,
    pub score: Option<u8>,
    pub kind: DealKind,
    pub product: String,
    pub location: String,
    pub created_at: Timestamp,
    pub stage: Stage,
    pub closed_at: Option<Timestamp>,
    pub lost_from_stage: Option<Stage>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StageChange {
    pub deal_id: DealId,
    pub from_stage: Option<Stage>,
    pub to_stage: Stage,
    pub at: Timestamp,
}

/// Calls and meetings of one rep on one local day.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityDay {
    pub rep_id: RepId,
    pub day: NaiveDate,
    pub calls: i64,
    pub meetings: i64,
    /// Calls and meetings linked to a customer.
    pub with_customer: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    pub rep_id: RepId,
    pub taken_on: NaiveDate,
    pub score: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Inquiry {
    pub id: i64,
    pub rep_id: RepId,
    pub received_at: Timestamp,
    pub first_response_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Invoice {
    pub id: i64,
    pub rep_id: RepId,
    pub deal_id: DealId,
    pub amount: Money,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub paid_on: Option<NaiveDate>,
}

/// One recorded entry (call, meeting, survey…), for the "latest entries" lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryLine {
    pub entity: String,
    pub id: i64,
    pub rep: String,
    pub at: Timestamp,
    pub summary: String,
    pub entered_by: Option<String>,
    /// When it was typed in (the list is newest first by this).
    pub entered_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_through_text() {
        for k in DealKind::ALL {
            assert_eq!(k.as_str().parse::<DealKind>().unwrap(), *k);
        }
        assert_eq!(
            "Cross-Sell".parse::<DealKind>().unwrap(),
            DealKind::CrossSell
        );
        assert!(
            "bogus"
                .parse::<Outcome>()
                .unwrap_err()
                .contains("no_answer")
        );
        assert_eq!("opportunity".parse::<Stage>().unwrap(), Stage::Qualified);
    }

    #[test]
    fn stage_ranks_follow_the_funnel() {
        let ranks: Vec<_> = Stage::PATH.iter().map(|s| s.rank().unwrap()).collect();
        assert_eq!(ranks, vec![0, 1, 2, 3, 4]);
        assert_eq!(Stage::Lost.rank(), None);
        assert!(Stage::Negotiation.is_open() && !Stage::Won.is_open());
    }
}
