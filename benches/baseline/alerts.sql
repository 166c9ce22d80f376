-- Alerts (#34) by plain SQL over the raw tables: every per-rep figure a warning rule needs is
-- recomputed here (pace, win rate, cycle, surveys, invoices, inquiries, meetings, knowledge
-- tests, calls, customer contacts, and the company LTV : CAC).
-- Alerts are raised for active reps only; `low_ltv_to_cac` is about the whole company.
-- Period bounds as local days are derived from the instant parameters (:from, :to, …).

-- #34 (built from #3, #9, #14, #16, #17, #18, #21, #26, #30, #31, #32): the number of alerts
-- of each kind, the number of alerts of each rep, and every alert in the report's order
-- (newest first, then by kind, then by rep name) with its rep, instant, value and threshold.
WITH RECURSIVE
  p AS (
    SELECT date(:from, 'unixepoch', 'localtime') AS from_day, date(:to, 'unixepoch', 'localtime') AS to_day,
      date(:prev_from, 'unixepoch', 'localtime') AS prev_from_day,
      date(:as_of_end - 1, 'unixepoch', 'localtime') AS as_of,
      (julianday(date(:to, 'unixepoch', 'localtime')) - julianday(date(:from, 'unixepoch', 'localtime'))) / (365.25 / 12.0) AS months
  ),
  -- the start of the as-of day: the instant stamped on alerts about the period as a whole
  stamp AS (SELECT CAST(strftime('%s', as_of, 'utc') AS INTEGER) AS at FROM p),
  -- settings, with the engine's defaults when a row is absent
  cfg AS (
    SELECT
      coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'response_sla_minutes'), 60) AS sla_min,
      coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'no_contact_days'), 90) AS no_contact_days,
      max(1, coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'lifetime_cap_months'), 60)) AS cap,
      coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'win_rate_warn_pct'), 15) AS win_rate_warn_pct,
      coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'slow_cycle_pct'), 25) AS slow_cycle_pct,
      coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'knowledge_min_pct'), 70) AS knowledge_min_pct,
      coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'burnout_score'), 4) AS burnout_score,
      coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'burnout_drop'), 2) AS burnout_drop,
      coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'meetings_min_pct'), 80) AS meetings_min_pct,
      coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'won_per_100_calls_min'), 3) AS won_per_100_calls_min
  ),
  -- #3 working days (Mon–Fri) of the months the period touches
  day(d) AS (
    SELECT date(from_day, 'start of month') FROM p
    UNION ALL
    SELECT date(d, '+1 day') FROM day, p WHERE d < date(to_day, '-1 day', 'start of month', '+1 month', '-1 day')
  ),
  workday AS (SELECT d FROM day WHERE strftime('%w', d) NOT IN ('0', '6')),
  pace AS (
    SELECT sum(d >= from_day AND d < to_day) AS total_wd,
      sum(d >= from_day AND d < to_day AND d <= as_of) AS elapsed_wd
    FROM workday, p
  ),
  expected AS (SELECT CASE WHEN total_wd <> 0 THEN elapsed_wd * 1.0 / total_wd END AS share, elapsed_wd FROM pace),
  month_share AS (
    SELECT strftime('%Y-%m', d) AS month, sum(d >= from_day AND d < to_day) * 1.0 / count(*) AS share
    FROM workday, p GROUP BY month
  ),
  -- #1, #16 each rep's period targets: monthly plans prorated by working days
  target AS (
    SELECT r.id AS rep_id,
      CAST(round(coalesce((SELECT sum(pl.revenue_target * m.share) FROM plan pl JOIN month_share m ON m.month = pl.month
                           WHERE pl.rep_id = r.id), 0.0)) AS INTEGER) AS revenue,
      CAST(round(coalesce((SELECT sum(pl.meetings_target * m.share) FROM plan pl JOIN month_share m ON m.month = pl.month
                           WHERE pl.rep_id = r.id), 0.0)) AS INTEGER) AS meetings
    FROM rep r
  ),
  -- deals closed in the period, with whether they ever reached "qualified" (a skipped stage
  -- counts; a lost deal counts up to its lost_from_stage)
  closed AS (
    SELECT d.*, (d.closed_at - d.created_at) / 86400.0 AS cycle_days,
      (d.stage IN ('qualified', 'proposal', 'negotiation', 'won')
       OR d.lost_from_stage IN ('qualified', 'proposal', 'negotiation')
       OR EXISTS (SELECT 1 FROM stage_change c WHERE c.deal_id = d.id
                  AND (c.to_stage IN ('qualified', 'proposal', 'negotiation', 'won')
                       OR c.from_stage IN ('qualified', 'proposal', 'negotiation', 'won')))) AS qualified
    FROM deal d WHERE d.closed_at >= :from AND d.closed_at < :to
  ),
  -- #16 calls and meetings by the local day of `at`
  act AS (
    SELECT a.rep_id, sum(a.kind = 'call') AS calls, sum(a.kind = 'meeting') AS meetings
    FROM activity a, p
    WHERE a.at >= :prev_from AND a.at < :to
      AND date(a.at, 'unixepoch', 'localtime') >= from_day AND date(a.at, 'unixepoch', 'localtime') < to_day
    GROUP BY a.rep_id
  ),
  -- #14 team baselines: mean cycle of the won deals of each team's whole subtree
  subtree(team_id, member_team) AS (
    SELECT id, id FROM team
    UNION
    SELECT s.team_id, t.id FROM subtree s JOIN team t ON t.parent_id = s.member_team
  ),
  team_cycle AS (
    SELECT s.team_id, avg(c.cycle_days) AS mean_days
    FROM subtree s JOIN rep r ON r.team_id = s.member_team JOIN closed c ON c.rep_id = r.id AND c.stage = 'won'
    GROUP BY s.team_id
  ),
  -- per-rep figures of the period
  fig AS (
    SELECT r.id AS rep_id, r.name, r.team_id,
      t.revenue AS target_revenue, t.meetings AS target_meetings,
      (SELECT coalesce(sum(amount), 0) FROM closed c WHERE c.rep_id = r.id AND c.stage = 'won') AS revenue,
      (SELECT count(*) FROM closed c WHERE c.rep_id = r.id AND c.stage = 'won') AS won,
      (SELECT avg(cycle_days) FROM closed c WHERE c.rep_id = r.id AND c.stage = 'won') AS mean_cycle,
      (SELECT count(*) FROM closed c WHERE c.rep_id = r.id AND c.stage = 'won' AND c.qualified) AS closed_won,
      (SELECT count(*) FROM closed c WHERE c.rep_id = r.id AND c.stage = 'lost' AND c.qualified) AS closed_lost,
      coalesce(a.calls, 0) AS calls, coalesce(a.meetings, 0) AS meetings,
      (SELECT mean_days FROM team_cycle tc WHERE tc.team_id = r.team_id) AS baseline
    FROM rep r JOIN target t ON t.rep_id = r.id LEFT JOIN act a ON a.rep_id = r.id
    WHERE r.active = 1
  ),
  -- #31 satisfaction surveys up to the as-of day, numbered from the latest
  survey AS (
    SELECT s.rep_id, s.taken_on, s.score,
      row_number() OVER (PARTITION BY s.rep_id ORDER BY s.taken_on DESC, s.id DESC) AS n
    FROM satisfaction s, p WHERE s.taken_on < to_day AND s.taken_on <= as_of
  ),
  -- #32 the latest knowledge test up to the as-of day
  test AS (
    SELECT k.rep_id, k.taken_on, k.score,
      row_number() OVER (PARTITION BY k.rep_id ORDER BY k.taken_on DESC, k.id DESC) AS n
    FROM knowledge_test k, p WHERE k.taken_on < to_day AND k.taken_on <= as_of
  ),
  -- #30 invoices overdue on the as-of day (an invoice belongs to its deal's rep)
  overdue AS (
    SELECT d.rep_id, sum(i.amount) AS amount, max(i.due_on) AS latest_due
    FROM invoice i JOIN deal d ON d.id = i.deal_id, p
    WHERE i.issued_on < to_day AND (i.paid_on IS NULL OR i.paid_on >= prev_from_day)
      AND i.issued_on <= as_of AND i.due_on < as_of AND (i.paid_on IS NULL OR i.paid_on > as_of)
    GROUP BY d.rep_id
  ),
  -- #18 inquiries of the period answered later than the SLA, or unanswered for longer than it
  late AS (
    SELECT q.rep_id, count(*) AS over_sla, max(q.received_at) AS latest
    FROM inquiry q, cfg
    WHERE q.received_at >= :from AND q.received_at < :to
      AND coalesce(q.first_response_at, :snapshot) - q.received_at > cfg.sla_min * 60
    GROUP BY q.rep_id
  ),
  -- #21 active customers of each rep not contacted (by anyone) in the last no_contact_days days
  not_contacted AS (
    SELECT c.rep_id, count(*) AS customers
    FROM customer c, p, cfg
    WHERE c.acquired_on <= as_of AND (c.churned_on IS NULL OR c.churned_on > as_of)
      AND max(coalesce((SELECT max(a.at) FROM activity a WHERE a.customer_id = c.id AND a.at < :to),
                       CAST(strftime('%s', c.acquired_on, 'utc') AS INTEGER)),
              CAST(strftime('%s', c.acquired_on, 'utc') AS INTEGER))
          < :snapshot - cfg.no_contact_days * 86400
    GROUP BY c.rep_id
  ),
  -- #26 the company's LTV : CAC (customers, revenue, margin, churn, acquisition cost)
  won_total AS (
    SELECT coalesce(sum(amount), 0) AS revenue, coalesce(sum(cost), 0) AS cost FROM closed WHERE stage = 'won'
  ),
  cust_total AS (
    SELECT
      sum(acquired_on < to_day AND (churned_on IS NULL OR churned_on > from_day)) AS active,
      sum(acquired_on < from_day AND (churned_on IS NULL OR churned_on >= from_day)) AS active_at_start,
      sum(acquired_on >= from_day AND acquired_on < to_day) AS new_now,
      sum(acquired_on < from_day AND churned_on >= from_day AND churned_on < to_day) AS churned
    FROM customer, p
  ),
  acq_cost AS (
    SELECT CAST(round(
      (SELECT sum(max(0, julianday(min(date(ends_on, '+1 day'), to_day)) - julianday(max(starts_on, from_day)))
                  * 1.0 / (julianday(ends_on) - julianday(starts_on) + 1) * cost) FROM campaign, p)
      + (SELECT coalesce(sum(amount), 0) FROM acquisition_cost, p WHERE spent_on >= from_day AND spent_on < to_day)
    ) AS INTEGER) AS cost
  ),
  ltv1 AS (
    SELECT
      CASE WHEN w.revenue <> 0 THEN (w.revenue - w.cost) * 1.0 / w.revenue END AS margin,
      CASE WHEN c.active <> 0 THEN CAST(round(w.revenue * 1.0 / c.active) AS INTEGER) END AS arpu,
      CASE WHEN c.new_now <> 0 THEN CAST(round(a.cost * 1.0 / c.new_now) AS INTEGER) END AS cac,
      CASE WHEN c.active_at_start <> 0 THEN c.churned * 1.0 / c.active_at_start END AS churn_rate
    FROM won_total w, cust_total c, acq_cost a
  ),
  ltv2 AS (
    SELECT ltv1.*,
      CASE WHEN arpu IS NOT NULL AND p.months <> 0 THEN CAST(round(arpu / p.months) AS INTEGER) END AS arpu_monthly,
      CASE WHEN churn_rate / p.months > 0 THEN min(1.0 / (churn_rate / p.months), cfg.cap * 1.0)
           ELSE cfg.cap * 1.0 END AS lifetime
    FROM ltv1, p, cfg
  ),
  ltv3 AS (
    SELECT ltv2.*,
      CASE WHEN arpu_monthly IS NOT NULL AND margin IS NOT NULL
           THEN CAST(round(arpu_monthly * 1.0 * margin * lifetime) AS INTEGER) - coalesce(cac, 0) END AS ltv
    FROM ltv2
  ),
  ltv_to_cac AS (
    SELECT CASE WHEN ltv IS NOT NULL AND cac IS NOT NULL AND cac <> 0 THEN ltv * 1.0 / cac END AS ratio FROM ltv3
  ),
  -- the engine's order of kinds (ties on `at` are broken by kind, then by rep name)
  kind(ord, name) AS (VALUES
    (0, 'behind_pace'), (1, 'low_win_rate'), (2, 'slow_cycle'), (3, 'burnout_risk'),
    (4, 'overdue_invoices'), (5, 'response_over_sla'), (6, 'meetings_below_minimum'),
    (7, 'knowledge_below_minimum'), (8, 'few_wins_per_call'), (9, 'customers_not_contacted'),
    (10, 'low_ltv_to_cac')
  ),
  alert(kind, rep_id, rep, at, value, threshold) AS (
    -- #3 behind pace: revenue under the expected share of a revenue target
    SELECT 0, f.rep_id, f.name, stamp.at, f.revenue * 1.0 / f.target_revenue, e.share
    FROM fig f, expected e, stamp
    WHERE f.target_revenue > 0 AND e.elapsed_wd > 0 AND f.revenue < coalesce(e.share, 0.0) * f.target_revenue
    UNION ALL
    -- #9 opportunity → win under win_rate_warn_pct, with at least 5 qualified deals closed
    SELECT 1, f.rep_id, f.name, stamp.at, f.closed_won * 1.0 / (f.closed_won + f.closed_lost), cfg.win_rate_warn_pct / 100.0
    FROM fig f, cfg, stamp
    WHERE f.closed_won + f.closed_lost >= 5
      AND f.closed_won * 1.0 / (f.closed_won + f.closed_lost) * 100.0 < cfg.win_rate_warn_pct
    UNION ALL
    -- #14 mean cycle more than slow_cycle_pct slower than the team's, with at least 3 won deals
    SELECT 2, f.rep_id, f.name, stamp.at, f.mean_cycle, f.baseline
    FROM fig f, cfg, stamp
    WHERE f.won >= 3 AND f.baseline > 0 AND f.mean_cycle / f.baseline - 1.0 > cfg.slow_cycle_pct / 100.0
    UNION ALL
    -- #31 latest satisfaction score at or under burnout_score, or fallen by burnout_drop
    SELECT 3, f.rep_id, f.name, CAST(strftime('%s', s1.taken_on, 'utc') AS INTEGER), s1.score, cfg.burnout_score
    FROM fig f JOIN survey s1 ON s1.rep_id = f.rep_id AND s1.n = 1
      LEFT JOIN survey s2 ON s2.rep_id = f.rep_id AND s2.n = 2, cfg
    WHERE s1.score <= cfg.burnout_score OR s2.score - s1.score >= cfg.burnout_drop
    UNION ALL
    -- #30 overdue invoices: their sum, stamped with the latest due date
    SELECT 4, f.rep_id, f.name, CAST(strftime('%s', o.latest_due, 'utc') AS INTEGER), o.amount, 0
    FROM fig f JOIN overdue o ON o.rep_id = f.rep_id
    UNION ALL
    -- #18 inquiries over the SLA, stamped with the latest such inquiry
    SELECT 5, f.rep_id, f.name, l.latest, l.over_sla, cfg.sla_min
    FROM fig f JOIN late l ON l.rep_id = f.rep_id, cfg
    UNION ALL
    -- #16 meetings under meetings_min_pct of the paced meetings target
    SELECT 6, f.rep_id, f.name, stamp.at, f.meetings / (e.share * f.target_meetings), cfg.meetings_min_pct / 100.0
    FROM fig f, expected e, cfg, stamp
    WHERE e.share * f.target_meetings > 0
      AND f.meetings / (e.share * f.target_meetings) < cfg.meetings_min_pct / 100.0
    UNION ALL
    -- #32 the latest knowledge test under knowledge_min_pct
    SELECT 7, f.rep_id, f.name, CAST(strftime('%s', t.taken_on, 'utc') AS INTEGER), t.score, cfg.knowledge_min_pct
    FROM fig f JOIN test t ON t.rep_id = f.rep_id AND t.n = 1, cfg
    WHERE t.score < cfg.knowledge_min_pct
    UNION ALL
    -- #17 at least 100 calls and fewer won deals per 100 calls than the rule of thumb
    SELECT 8, f.rep_id, f.name, stamp.at, f.won * 100.0 / f.calls, cfg.won_per_100_calls_min
    FROM fig f, cfg, stamp
    WHERE f.calls >= 100 AND f.won * 100.0 / f.calls < cfg.won_per_100_calls_min
    UNION ALL
    -- #21 customers not contacted for no_contact_days
    SELECT 9, f.rep_id, f.name, stamp.at, n.customers, cfg.no_contact_days
    FROM fig f JOIN not_contacted n ON n.rep_id = f.rep_id, cfg, stamp
    UNION ALL
    -- #26 the company's LTV : CAC under 3
    SELECT 10, NULL, NULL, stamp.at, ratio, 3 FROM ltv_to_cac, stamp WHERE ratio < 3.0
  ),
  ordered AS (
    SELECT alert.*, row_number() OVER (ORDER BY at DESC, kind, rep IS NOT NULL, rep) - 1 AS i FROM alert
  )
SELECT 'alerts[kind=' || k.name || ']#len' AS path, (SELECT count(*) FROM alert a WHERE a.kind = k.ord) AS value FROM kind k
UNION ALL
SELECT 'alerts[rep_id=' || r.id || ']#len', (SELECT count(*) FROM alert a WHERE a.rep_id = r.id) FROM rep r
UNION ALL
SELECT 'alerts#len', count(*) FROM alert
UNION ALL SELECT 'alerts.' || i || '.rep_id', rep_id FROM ordered
UNION ALL SELECT 'alerts.' || i || '.at', at FROM ordered
UNION ALL SELECT 'alerts.' || i || '.value', value FROM ordered
UNION ALL SELECT 'alerts.' || i || '.threshold', threshold FROM ordered;
