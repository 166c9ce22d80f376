-- Customers pane (#20, #22, #24, #25, #26), receivables (#30), campaigns (#27) and
-- locations (#28), by plain SQL over the raw tables.
-- Scopes: the company (`total`), every rep, every team (its whole subtree).
-- Money is rounded to whole minor units with round() (half away from zero, as the engine).
-- Local days (period bounds, as-of day) are derived from the instant parameters (:from, :to,
-- :prev_from, :prev_to, :as_of_end), not from the *_day strings.

-- #20 repeat customers (distinct, among the period's won deals) and their revenue share, #22 active / active at start / new / churned /
-- churn rate, #24 ARPU (period and monthly), #25 acquisition cost and CAC, #26 lifetime,
-- LTV and LTV:CAC; for the company, every rep and every team.
WITH RECURSIVE
  -- period bounds as local days, derived from the instant parameters
  p AS (
    SELECT date(:from, 'unixepoch', 'localtime') AS from_day, date(:to, 'unixepoch', 'localtime') AS to_day,
      date(:prev_from, 'unixepoch', 'localtime') AS prev_from_day,
      date(:prev_to, 'unixepoch', 'localtime') AS prev_to_day,
      date(:as_of_end - 1, 'unixepoch', 'localtime') AS as_of
  ),
  cfg AS (
    SELECT
      max(1, coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'lifetime_cap_months'), 60)) AS cap,
      (julianday((SELECT to_day FROM p)) - julianday((SELECT from_day FROM p))) / (365.25 / 12.0) AS months
  ),
  subtree(team_id, member_team) AS (
    SELECT id, id FROM team
    UNION
    SELECT s.team_id, t.id FROM subtree s JOIN team t ON t.parent_id = s.member_team
  ),
  -- scope: key of the JSON object, and whether it is the company (all customers)
  scope(skey, company) AS (
    SELECT 'total', 1
    UNION ALL SELECT 'reps[rep.id=' || id || '].kpis', 0 FROM rep
    UNION ALL SELECT 'teams[team.id=' || id || '].kpis', 0 FROM team
  ),
  member(skey, rep_id) AS (
    SELECT 'total', id FROM rep
    UNION ALL SELECT 'reps[rep.id=' || id || '].kpis', id FROM rep
    UNION ALL SELECT 'teams[team.id=' || s.team_id || '].kpis', r.id
      FROM subtree s JOIN rep r ON r.team_id = s.member_team
  ),
  -- campaign cost prorated to the campaign's days inside the period
  camp AS (
    SELECT id,
      max(0, julianday(min(date(ends_on, '+1 day'), (SELECT to_day FROM p))) - julianday(max(starts_on, (SELECT from_day FROM p))))
        * 1.0 / (julianday(ends_on) - julianday(starts_on) + 1) * cost AS cost_p
    FROM campaign
  ),
  new_cust AS (SELECT * FROM customer WHERE acquired_on >= (SELECT from_day FROM p) AND acquired_on < (SELECT to_day FROM p)),
  other AS (
    SELECT coalesce(sum(amount), 0) * 1.0 AS amount FROM acquisition_cost
    WHERE spent_on >= (SELECT from_day FROM p) AND spent_on < (SELECT to_day FROM p)
  ),
  -- cost allocated to each new customer: its campaign's cost over the customers the
  -- campaign brought, plus other acquisition cost over all new customers
  alloc AS (
    SELECT n.id,
      coalesce((SELECT c.cost_p / (SELECT count(*) FROM new_cust b WHERE b.campaign_id = c.id)
                FROM camp c WHERE c.id = n.campaign_id), 0.0)
      + (SELECT amount FROM other) / (SELECT count(*) FROM new_cust) AS cost
    FROM new_cust n
  ),
  total_cost AS (
    SELECT (SELECT sum(cost_p) FROM camp) + (SELECT amount FROM other) AS cost
  ),
  -- every customer with its won deals before the period's end
  cust AS (
    SELECT c.*,
      (SELECT count(*) FROM deal x WHERE x.customer_id = c.id AND x.stage = 'won' AND x.closed_at < :to) AS won_deals
    FROM customer c
  ),
  scope_cust AS (
    SELECT s.skey, c.* FROM scope s JOIN cust c ON s.company = 1
    UNION ALL
    SELECT m.skey, c.* FROM member m JOIN cust c ON c.rep_id = m.rep_id WHERE m.skey <> 'total'
  ),
  cust_fig AS (
    SELECT skey,
      -- active on some day of the period: churned_on later than its first day
      sum(acquired_on < (SELECT to_day FROM p) AND (churned_on IS NULL OR churned_on > (SELECT from_day FROM p))) AS active,
      -- carried into the period: acquired before it, still active on the day before it
      sum(acquired_on < (SELECT from_day FROM p) AND (churned_on IS NULL OR churned_on >= (SELECT from_day FROM p))) AS active_at_start,
      sum(acquired_on >= (SELECT from_day FROM p) AND acquired_on < (SELECT to_day FROM p)) AS new_now,
      sum(acquired_on >= (SELECT prev_from_day FROM p) AND acquired_on < (SELECT prev_to_day FROM p)) AS new_prev,
      -- of those carried in, lost during the period
      sum(acquired_on < (SELECT from_day FROM p) AND churned_on >= (SELECT from_day FROM p) AND churned_on < (SELECT to_day FROM p)) AS churned,
      (SELECT sum(a.cost) FROM alloc a WHERE a.id IN (SELECT id FROM scope_cust y WHERE y.skey = x.skey)) AS allocated
    FROM scope_cust x GROUP BY skey
  ),
  won AS (
    SELECT m.skey, d.amount, d.cost, d.customer_id,
      (SELECT won_deals FROM cust c WHERE c.id = d.customer_id) >= 2 AS repeat
    FROM member m JOIN deal d ON d.rep_id = m.rep_id
    WHERE d.stage = 'won' AND d.closed_at >= :from AND d.closed_at < :to
  ),
  won_fig AS (
    SELECT skey, coalesce(sum(amount), 0) AS revenue, coalesce(sum(cost), 0) AS cost,
      coalesce(sum(CASE WHEN repeat THEN amount END), 0) AS repeat_revenue,
      -- #20: the customers with two won deals or more among the scope's won deals of
      -- the period, each once
      count(DISTINCT CASE WHEN repeat THEN customer_id END) AS repeat_customers
    FROM scope LEFT JOIN won USING (skey) GROUP BY skey
  ),
  f1 AS (
    SELECT s.skey, s.company,
      coalesce(c.active, 0) AS active, coalesce(c.active_at_start, 0) AS active_at_start,
      coalesce(c.new_now, 0) AS new_now, coalesce(c.new_prev, 0) AS new_prev,
      coalesce(c.churned, 0) AS churned, w.repeat_customers,
      w.revenue, w.repeat_revenue,
      CASE WHEN w.revenue <> 0 THEN (w.revenue - w.cost) * 1.0 / w.revenue END AS margin,
      CAST(round(CASE WHEN s.company THEN (SELECT cost FROM total_cost)
                      ELSE coalesce(c.allocated, 0.0) END) AS INTEGER) AS acquisition_cost
    FROM scope s JOIN won_fig w USING (skey) LEFT JOIN cust_fig c USING (skey)
  ),
  f2 AS (
    SELECT f1.*,
      CASE WHEN active_at_start <> 0 THEN churned * 1.0 / active_at_start END AS churn_rate,
      CASE WHEN revenue <> 0 THEN repeat_revenue * 1.0 / revenue END AS repeat_revenue_share,
      CASE WHEN active <> 0 THEN CAST(round(revenue * 1.0 / active) AS INTEGER) END AS arpu,
      CASE WHEN new_now <> 0 THEN CAST(round(acquisition_cost * 1.0 / new_now) AS INTEGER) END AS cac
    FROM f1
  ),
  f3 AS (
    SELECT f2.*,
      CASE WHEN arpu IS NOT NULL AND cfg.months <> 0 THEN CAST(round(arpu / cfg.months) AS INTEGER) END AS arpu_monthly,
      CASE WHEN churn_rate / cfg.months > 0 THEN min(1.0 / (churn_rate / cfg.months), cfg.cap * 1.0)
           ELSE cfg.cap * 1.0 END AS lifetime_months
    FROM f2, cfg
  ),
  f4 AS (
    SELECT f3.*,
      CASE WHEN arpu_monthly IS NOT NULL AND margin IS NOT NULL
           THEN CAST(round(arpu_monthly * 1.0 * margin * lifetime_months) AS INTEGER) - coalesce(cac, 0) END AS ltv
    FROM f3
  ),
  f5 AS (
    SELECT f4.*, CASE WHEN ltv IS NOT NULL AND cac IS NOT NULL AND cac <> 0 THEN ltv * 1.0 / cac END AS ltv_to_cac
    FROM f4
  )
SELECT skey || '.customers.repeat_customers' AS path, repeat_customers AS value FROM f5
UNION ALL SELECT skey || '.customers.repeat_revenue_share', repeat_revenue_share FROM f5
UNION ALL SELECT skey || '.customers.active', active FROM f5
UNION ALL SELECT skey || '.customers.active_at_start', active_at_start FROM f5
UNION ALL SELECT skey || '.customers.new.now', new_now FROM f5
UNION ALL SELECT skey || '.customers.new.prev', new_prev FROM f5
UNION ALL SELECT skey || '.customers.churned', churned FROM f5
UNION ALL SELECT skey || '.customers.churn_rate', churn_rate FROM f5
UNION ALL SELECT skey || '.customers.arpu', arpu FROM f5
UNION ALL SELECT skey || '.customers.arpu_monthly', arpu_monthly FROM f5
UNION ALL SELECT skey || '.customers.acquisition_cost', acquisition_cost FROM f5
UNION ALL SELECT skey || '.customers.cac', cac FROM f5
UNION ALL SELECT skey || '.customers.lifetime_months', lifetime_months FROM f5
UNION ALL SELECT skey || '.customers.ltv', ltv FROM f5
UNION ALL SELECT skey || '.customers.ltv_to_cac', ltv_to_cac FROM f5;

-- #30 receivables as of the as-of day: outstanding, overdue, overdue invoices, oldest days past due;
-- an invoice belongs to its deal's rep. (The engine only reads invoices issued before the
-- period's end and not paid before the previous period's start.)
WITH RECURSIVE
  -- period bounds as local days, derived from the instant parameters
  p AS (
    SELECT date(:from, 'unixepoch', 'localtime') AS from_day, date(:to, 'unixepoch', 'localtime') AS to_day,
      date(:prev_from, 'unixepoch', 'localtime') AS prev_from_day,
      date(:prev_to, 'unixepoch', 'localtime') AS prev_to_day,
      date(:as_of_end - 1, 'unixepoch', 'localtime') AS as_of
  ),
  subtree(team_id, member_team) AS (
    SELECT id, id FROM team
    UNION
    SELECT s.team_id, t.id FROM subtree s JOIN team t ON t.parent_id = s.member_team
  ),
  member(skey, rep_id) AS (
    SELECT 'total', id FROM rep
    UNION ALL SELECT 'reps[rep.id=' || id || '].kpis', id FROM rep
    UNION ALL SELECT 'teams[team.id=' || s.team_id || '].kpis', r.id
      FROM subtree s JOIN rep r ON r.team_id = s.member_team
  ),
  open_inv AS (
    SELECT d.rep_id, i.amount, i.due_on
    FROM invoice i JOIN deal d ON d.id = i.deal_id
    WHERE i.issued_on < (SELECT to_day FROM p) AND (i.paid_on IS NULL OR i.paid_on >= (SELECT prev_from_day FROM p))
      AND i.issued_on <= (SELECT as_of FROM p) AND (i.paid_on IS NULL OR i.paid_on > (SELECT as_of FROM p))
  ),
  fig AS (
    SELECT skey,
      coalesce(sum(amount), 0) AS outstanding,
      coalesce(sum(CASE WHEN due_on < (SELECT as_of FROM p) THEN amount END), 0) AS overdue,
      count(CASE WHEN due_on < (SELECT as_of FROM p) THEN 1 END) AS overdue_invoices,
      coalesce(max(CASE WHEN due_on < (SELECT as_of FROM p) THEN CAST(julianday((SELECT as_of FROM p)) - julianday(due_on) AS INTEGER) END), 0) AS max_days
    FROM (SELECT DISTINCT skey FROM member) s
    LEFT JOIN (SELECT m.skey AS k, o.* FROM member m JOIN open_inv o ON o.rep_id = m.rep_id) ON k = skey
    GROUP BY skey
  )
SELECT skey || '.receivables.outstanding' AS path, outstanding AS value FROM fig
UNION ALL SELECT skey || '.receivables.overdue', overdue FROM fig
UNION ALL SELECT skey || '.receivables.overdue_invoices', overdue_invoices FROM fig
UNION ALL SELECT skey || '.receivables.max_days_overdue', max_days FROM fig;

-- #27 campaigns (and their #25 CAC) in the company report: every campaign that ran in the
-- period or brought won revenue in it.
WITH
  -- period bounds as local days, derived from the instant parameters
  p AS (
    SELECT date(:from, 'unixepoch', 'localtime') AS from_day, date(:to, 'unixepoch', 'localtime') AS to_day,
      date(:prev_from, 'unixepoch', 'localtime') AS prev_from_day,
      date(:prev_to, 'unixepoch', 'localtime') AS prev_to_day,
      date(:as_of_end - 1, 'unixepoch', 'localtime') AS as_of
  ),
  camp AS (
    SELECT c.*,
      max(0, julianday(min(date(ends_on, '+1 day'), (SELECT to_day FROM p))) - julianday(max(starts_on, (SELECT from_day FROM p))))
        * 1.0 / (julianday(ends_on) - julianday(starts_on) + 1) AS share,
      (SELECT coalesce(sum(amount), 0) FROM deal d WHERE d.campaign_id = c.id AND d.stage = 'won'
         AND d.closed_at >= :from AND d.closed_at < :to) AS revenue,
      (SELECT coalesce(sum(d.cost), 0) FROM deal d WHERE d.campaign_id = c.id AND d.stage = 'won'
         AND d.closed_at >= :from AND d.closed_at < :to) AS cogs,
      (SELECT count(*) FROM deal d WHERE d.campaign_id = c.id AND d.stage = 'won'
         AND d.closed_at >= :from AND d.closed_at < :to) AS won_deals,
      (SELECT count(*) FROM customer x WHERE x.campaign_id = c.id
         AND x.acquired_on >= (SELECT from_day FROM p) AND x.acquired_on < (SELECT to_day FROM p)) AS brought
    FROM campaign c
  ),
  k1 AS (
    SELECT id, revenue, won_deals, brought,
      CAST(round(baseline_revenue * share) AS INTEGER) AS baseline,
      CAST(round(cost * share) AS INTEGER) AS cost_p,
      CASE WHEN revenue <> 0 THEN (revenue - cogs) * 1.0 / revenue END AS margin
    FROM camp WHERE share <> 0 OR won_deals <> 0
  ),
  k2 AS (
    SELECT k1.*, revenue - baseline AS incremental,
      CASE WHEN margin IS NOT NULL AND cost_p <> 0
           THEN ((revenue - baseline) * margin - cost_p) / cost_p END AS roi,
      CASE WHEN brought <> 0 THEN CAST(round(cost_p * 1.0 / brought) AS INTEGER) END AS cac
    FROM k1
  )
SELECT 'campaigns[campaign.id=' || id || '].revenue' AS path, revenue AS value FROM k2
UNION ALL SELECT 'campaigns[campaign.id=' || id || '].won_deals', won_deals FROM k2
UNION ALL SELECT 'campaigns[campaign.id=' || id || '].baseline', baseline FROM k2
UNION ALL SELECT 'campaigns[campaign.id=' || id || '].cost', cost_p FROM k2
UNION ALL SELECT 'campaigns[campaign.id=' || id || '].incremental', incremental FROM k2
UNION ALL SELECT 'campaigns[campaign.id=' || id || '].margin', margin FROM k2
UNION ALL SELECT 'campaigns[campaign.id=' || id || '].roi', roi FROM k2
UNION ALL SELECT 'campaigns[campaign.id=' || id || '].new_customers', brought FROM k2
UNION ALL SELECT 'campaigns[campaign.id=' || id || '].cac', cac FROM k2
UNION ALL SELECT 'campaigns#len', count(*) FROM k2;

-- #28 locations in the company report: won revenue (now and before), deals and units by deal
-- location ("—" when empty), with the period revenue targets of the reps of that region
-- (monthly plans prorated by working days Mon–Fri of each month inside the period).
WITH RECURSIVE
  -- period bounds as local days, derived from the instant parameters
  p AS (
    SELECT date(:from, 'unixepoch', 'localtime') AS from_day, date(:to, 'unixepoch', 'localtime') AS to_day,
      date(:prev_from, 'unixepoch', 'localtime') AS prev_from_day,
      date(:prev_to, 'unixepoch', 'localtime') AS prev_to_day,
      date(:as_of_end - 1, 'unixepoch', 'localtime') AS as_of
  ),
  day(d) AS (
    SELECT date((SELECT from_day FROM p), 'start of month')
    UNION ALL
    SELECT date(d, '+1 day') FROM day WHERE d < date((SELECT to_day FROM p), '-1 day', 'start of month', '+1 month', '-1 day')
  ),
  month_share AS (
    SELECT strftime('%Y-%m', d) AS month,
      sum(d >= (SELECT from_day FROM p) AND d < (SELECT to_day FROM p)) * 1.0 / sum(1) AS share
    FROM day WHERE strftime('%w', d) NOT IN ('0', '6') GROUP BY month
  ),
  rep_target AS (
    SELECT r.id, r.region,
      -- no plan: no target (NULL), not 0
      CAST(round((SELECT sum(p.revenue_target * m.share)
                  FROM plan p JOIN month_share m ON m.month = p.month
                  WHERE p.rep_id = r.id)) AS INTEGER) AS target
    FROM rep r
  ),
  won AS (
    SELECT CASE WHEN trim(location) = '' THEN '—' ELSE location END AS name, amount, units,
      closed_at >= :from AND closed_at < :to AS now
    FROM deal WHERE stage = 'won' AND closed_at >= :prev_from AND closed_at < :to
  ),
  loc AS (
    SELECT name,
      sum(CASE WHEN now THEN amount ELSE 0 END) AS revenue,
      sum(CASE WHEN now THEN 0 ELSE amount END) AS revenue_prev,
      sum(now) AS won_deals,
      sum(CASE WHEN now THEN units ELSE 0 END) AS units,
      (SELECT sum(target) FROM rep_target t WHERE t.region = won.name) AS target
    FROM won GROUP BY name
  )
SELECT 'locations[name=' || name || '].revenue.now' AS path, revenue AS value FROM loc
UNION ALL SELECT 'locations[name=' || name || '].revenue.prev', revenue_prev FROM loc
UNION ALL SELECT 'locations[name=' || name || '].won_deals', won_deals FROM loc
UNION ALL SELECT 'locations[name=' || name || '].units', units FROM loc
UNION ALL SELECT 'locations[name=' || name || '].target', target FROM loc
UNION ALL SELECT 'locations[name=' || name || '].attainment',
  CASE WHEN target <> 0 THEN revenue * 1.0 / target END FROM loc
UNION ALL SELECT 'locations#len', count(*) FROM loc;
