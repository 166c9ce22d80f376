//! What a deal's stage history says: how far it got, when it became an opportunity, which
//! stage it was in at a given moment, and how long it spent in each stage.

use crate::model::{Deal, Stage, StageChange, Timestamp};

/// Facts derived once per deal from its stage changes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DealPath {
    /// Highest rank on the path to a win that the deal reached (0 = lead … 4 = won).
    pub reached: u8,
    /// When it first reached "qualified" or beyond.
    pub qualified_at: Option<Timestamp>,
    /// Stays in open stages: (stage, entered, left). The last stay of an open deal has no end.
    pub stays: Vec<(Stage, Timestamp, Option<Timestamp>)>,
    /// The deal has recorded stage changes.
    pub has_history: bool,
}

impl DealPath {
    /// For a lost deal: whether the stage it was lost at is known (from `lost_from_stage`
    /// or its history). Without it, the deal counts as lost at lead.
    pub fn loss_stage_known(&self, deal: &Deal) -> bool {
        deal.stage != Stage::Lost || deal.lost_from_stage.is_some() || self.has_history
    }
}

impl DealPath {
    /// `changes` must be this deal's changes, sorted by time.
    pub fn new(deal: &Deal, changes: &[StageChange]) -> DealPath {
        let mut reached = deal
            .stage
            .rank()
            .unwrap_or(0)
            .max(deal.lost_from_stage.and_then(Stage::rank).unwrap_or(0));
        // A history that starts mid-funnel (its first row `qualified → proposal`, as an
        // import of partial history gives) says the deal sat in that row's `from` stage
        // since it was created.
        let since_creation = changes.first().and_then(|c| c.from_stage);
        let mut qualified_at = None;
        if let Some(r) = since_creation.and_then(Stage::rank) {
            reached = reached.max(r);
            if r >= 1 {
                qualified_at = Some(deal.created_at);
            }
        }
        for c in changes {
            if let Some(r) = c.to_stage.rank() {
                reached = reached.max(r);
                if r >= 1 && qualified_at.is_none() {
                    qualified_at = Some(c.at);
                }
            }
        }
        if qualified_at.is_none() && reached >= 1 {
            // Reached qualified without a recorded change (imported as such): the best
            // we know is when the deal was created.
            qualified_at = Some(deal.created_at);
        }
        let mut stays = Vec::new();
        // Before the first recorded change the deal sat in that change's `from` stage
        // since it was created.
        if let Some(first) = changes.first()
            && first.at > deal.created_at
            && let Some(from) = since_creation
            && from.is_open()
        {
            stays.push((from, deal.created_at, Some(first.at)));
        }
        for (i, c) in changes.iter().enumerate() {
            if c.to_stage.is_open() {
                let left = changes.get(i + 1).map(|n| n.at);
                stays.push((c.to_stage, c.at, left));
            }
        }
        if changes.is_empty() && deal.stage.is_open() {
            stays.push((deal.stage, deal.created_at, None));
        }
        DealPath {
            reached,
            qualified_at,
            stays,
            has_history: !changes.is_empty(),
        }
    }

    /// True when the deal reached "qualified" (an opportunity) at some point.
    pub fn was_qualified(&self) -> bool {
        self.reached >= 1
    }
}

/// Whether `deal` was open at instant `t` (created before it and not yet closed).
pub fn open_at(deal: &Deal, t: Timestamp) -> bool {
    deal.created_at < t && deal.closed_at.is_none_or(|c| c >= t)
}

/// The open stage `deal` was in just before instant `t` (assuming it was open then).
/// Before its first recorded change a deal is in that change's `from` stage (the stage it
/// has been in since creation), or in lead when the history starts at creation.
pub fn stage_at(deal: &Deal, changes: &[StageChange], t: Timestamp) -> Stage {
    let Some(first) = changes.first() else {
        return if deal.stage.is_open() {
            deal.stage
        } else {
            Stage::Lead
        };
    };
    let since_creation = first
        .from_stage
        .filter(|s| s.is_open())
        .unwrap_or(Stage::Lead);
    changes
        .iter()
        .take_while(|c| c.at < t)
        .filter(|c| c.to_stage.is_open())
        .last()
        .map(|c| c.to_stage)
        .unwrap_or(since_creation)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DealKind;

    pub(crate) fn deal(id: i64, stage: Stage, created: i64, closed: Option<i64>) -> Deal {
        Deal {
            id,
            rep_id: 1,
            customer_id: None,
            campaign_id: None,
            amount: 1000,
            cost: 0,
            units: 1,
            score: Some(3),
            kind: DealKind::New,
            product: String::new(),
            location: String::new(),
            created_at: created,
            stage,
            closed_at: closed,
            lost_from_stage: None,
        }
    }

    fn ch(deal_id: i64, from: Option<Stage>, to: Stage, at: i64) -> StageChange {
        StageChange {
            deal_id,
            from_stage: from,
            to_stage: to,
            at,
        }
    }

    #[test]
    fn path_of_a_won_deal_with_a_skipped_stage() {
        let d = deal(1, Stage::Won, 0, Some(100));
        let changes = vec![
            ch(1, None, Stage::Lead, 0),
            ch(1, Some(Stage::Lead), Stage::Qualified, 10),
            ch(1, Some(Stage::Qualified), Stage::Negotiation, 40),
            ch(1, Some(Stage::Negotiation), Stage::Won, 100),
        ];
        let p = DealPath::new(&d, &changes);
        assert_eq!(p.reached, 4);
        assert_eq!(p.qualified_at, Some(10));
        assert_eq!(
            p.stays,
            vec![
                (Stage::Lead, 0, Some(10)),
                (Stage::Qualified, 10, Some(40)),
                (Stage::Negotiation, 40, Some(100)),
            ]
        );
        assert_eq!(stage_at(&d, &changes, 41), Stage::Negotiation);
        assert_eq!(stage_at(&d, &changes, 10), Stage::Lead);
    }

    #[test]
    fn lost_deal_keeps_the_stage_it_was_lost_from() {
        let mut d = deal(2, Stage::Lost, 0, Some(50));
        d.lost_from_stage = Some(Stage::Proposal);
        let p = DealPath::new(&d, &[]);
        assert_eq!(p.reached, 2);
        assert_eq!(p.qualified_at, Some(0));
        assert!(p.stays.is_empty());
    }

    #[test]
    fn history_starting_mid_funnel_was_in_its_from_stage_since_creation() {
        // Created on day 0; the first recorded row is qualified → proposal on day 30.
        let d = deal(4, Stage::Proposal, 0, None);
        let changes = vec![ch(4, Some(Stage::Qualified), Stage::Proposal, 30 * 86_400)];
        let p = DealPath::new(&d, &changes);
        // An opportunity since it was created, not since day 30.
        assert_eq!(p.qualified_at, Some(0));
        assert_eq!(p.reached, 2);
        // On day 10 it was qualified, not a lead.
        assert_eq!(stage_at(&d, &changes, 10 * 86_400), Stage::Qualified);
        assert_eq!(stage_at(&d, &changes, 31 * 86_400), Stage::Proposal);
        // A history that starts at creation (no `from`) still begins in lead.
        let from_start = vec![
            ch(4, None, Stage::Lead, 0),
            ch(4, Some(Stage::Lead), Stage::Proposal, 30 * 86_400),
        ];
        assert_eq!(stage_at(&d, &from_start, 10 * 86_400), Stage::Lead);
        assert_eq!(
            DealPath::new(&d, &from_start).qualified_at,
            Some(30 * 86_400)
        );
    }

    #[test]
    fn history_starting_mid_funnel_counts_the_time_before_it() {
        let d = deal(3, Stage::Proposal, 0, None);
        let changes = vec![ch(3, Some(Stage::Qualified), Stage::Proposal, 30)];
        let p = DealPath::new(&d, &changes);
        assert_eq!(
            p.stays,
            vec![(Stage::Qualified, 0, Some(30)), (Stage::Proposal, 30, None)]
        );
        assert!(open_at(&d, 1_000));
        assert!(!open_at(&d, 0));
    }
}
