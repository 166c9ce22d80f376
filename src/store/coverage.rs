//! What kinds of data the file holds, and for which days: the data-coverage section of
//! `salesboard check`. A kind with no rows leaves the KPIs that need it blank (see
//! `kpi::catalogue`); a kind that is only partly there distorts figures silently, and
//! `check` says so.

use super::lossy::RowExt;
use super::{Result, Store};
use crate::model::Source;
use chrono::Local;

/// One kind of source rows in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Kind {
    pub source: Source,
    /// Rows of this kind (for a share: those that have it).
    pub rows: i64,
    /// Out of how many, when it is a share (won deals with a cost, of all won deals).
    pub of: Option<i64>,
    /// The first and last day the rows cover (local calendar), when they have dates.
    pub first: Option<String>,
    pub last: Option<String>,
}

impl Kind {
    /// How the rows stand (✓ ! — ·).
    pub fn mark(&self) -> crate::model::Mark {
        self.source.mark(self.rows, self.of)
    }
}

/// The file's data coverage, kind by kind (in [`Source::ALL`] order).
#[derive(Debug, Clone, PartialEq)]
pub struct FileCoverage {
    pub kinds: Vec<Kind>,
}

impl FileCoverage {
    pub fn get(&self, s: Source) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.source == s)
    }
}

/// `(count, first, last)` of a query; instants become local days.
type Span = (i64, Option<String>, Option<String>);

impl Store {
    /// Counts every kind of source rows in the file and the days they cover.
    pub fn file_coverage(&self) -> Result<FileCoverage> {
        let c = &self.conn;
        let day = |t: Option<i64>| t.map(|t| crate::period::local_day(&Local, t).to_string());
        let instants = |sql: &str| -> Result<Span> {
            let (n, a, b): (i64, Option<i64>, Option<i64>) =
                c.query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok((n, day(a), day(b)))
        };
        let dates = |sql: &str| -> Result<Span> {
            Ok(c.query_row(sql, [], |r| Ok((r.get(0)?, r.opt_text(1)?, r.opt_text(2)?)))?)
        };
        let count = |sql: &str| -> Result<i64> { Ok(c.query_row(sql, [], |r| r.get(0))?) };
        let deals = instants(
            "SELECT count(*), min(created_at), max(coalesce(closed_at, created_at)) FROM deal",
        )?;
        let history =
            instants("SELECT count(DISTINCT deal_id), min(at), max(at) FROM stage_change")?;
        let lost = count("SELECT count(*) FROM deal WHERE stage = 'lost'")?;
        let lost_known = count(
            "SELECT count(*) FROM deal d WHERE stage = 'lost'
               AND (lost_from_stage IS NOT NULL
                    OR EXISTS (SELECT 1 FROM stage_change s WHERE s.deal_id = d.id))",
        )?;
        let won = count("SELECT count(*) FROM deal WHERE stage = 'won'")?;
        let won_cost = count("SELECT count(*) FROM deal WHERE stage = 'won' AND cost > 0")?;
        let plans = dates(
            "SELECT count(*), min(month), max(month)
             FROM (SELECT month FROM plan UNION ALL SELECT month FROM team_plan)",
        )?;
        let activities = instants("SELECT count(*), min(at), max(at) FROM activity")?;
        let surveys = dates("SELECT count(*), min(taken_on), max(taken_on) FROM satisfaction")?;
        let tests = dates("SELECT count(*), min(taken_on), max(taken_on) FROM knowledge_test")?;
        let spending = dates(
            "SELECT count(*), min(d), max(e) FROM (
               SELECT starts_on AS d, ends_on AS e FROM campaign
               UNION ALL SELECT spent_on, spent_on FROM acquisition_cost)",
        )?;
        let inquiries =
            instants("SELECT count(*), min(received_at), max(received_at) FROM inquiry")?;
        let invoices = dates("SELECT count(*), min(issued_on), max(issued_on) FROM invoice")?;
        let with_customer = count("SELECT count(*) FROM deal WHERE customer_id IS NOT NULL")?;
        let customers = count("SELECT count(*) FROM customer")?;
        let churned = dates(
            "SELECT count(*), min(churned_on), max(churned_on) FROM customer WHERE churned_on IS NOT NULL",
        )?;
        let scored = count("SELECT count(*) FROM deal WHERE score IS NOT NULL")?;
        let kinds = count("SELECT count(*) FROM deal WHERE kind <> 'new'")?;
        let kind = |source, (rows, first, last): Span, of: Option<i64>| Kind {
            source,
            rows,
            of,
            first,
            last,
        };
        let plain = |source, rows, of| Kind {
            source,
            rows,
            of,
            first: None,
            last: None,
        };
        let all = deals.0;
        Ok(FileCoverage {
            kinds: vec![
                kind(Source::Deals, deals, None),
                kind(Source::StageHistory, history, Some(all)),
                plain(Source::LossStage, lost_known, Some(lost)),
                plain(Source::CostOfGoods, won_cost, Some(won)),
                kind(Source::Plans, plans, None),
                kind(Source::Activities, activities, None),
                kind(Source::Surveys, surveys, None),
                kind(Source::Tests, tests, None),
                kind(Source::AcquisitionCost, spending, None),
                kind(Source::Inquiries, inquiries, None),
                kind(Source::Invoices, invoices, None),
                plain(Source::Customers, with_customer, Some(all)),
                kind(Source::ChurnDates, churned, Some(customers)),
                plain(Source::Scores, scored, Some(all)),
                plain(Source::DealKinds, kinds, Some(all)),
            ],
        })
    }
}
