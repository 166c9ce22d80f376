-- Naive plain-SQL baseline of the Plan pane (SPEC §3 KPIs #1 #2 #3 #4 #6 #7 #19 #29):
-- the same figures as src/kpi/compute.rs, straight from the raw tables.
-- Every statement returns (path, value); `path` locates the figure in `salesboard report
-- --format json`. Parameters: :from :to :prev_from :prev_to (Unix seconds, [from, to)),
-- :snapshot (min(period end, start of the day after today)). Only the integer parameters are
-- used: local days are derived from them with date(x, 'unixepoch', 'localtime').
-- Scopes: the company (`total`) and every rep (`reps[rep.id=N].kpis`).
-- Money is rounded to a whole minor unit with round() (half away from zero, like Rust).

-- #1 #2 #3 #4 #6 #7 #19 #29: targets (plans prorated by working days), won revenue, units
-- and deals now and before, attainment, pace, growth, average deal, profit, margin,
-- upsell / cross-sell, average unit price; also targets.calls / targets.meetings.
WITH RECURSIVE
  -- The period's first day, the day after it, and the day after the last elapsed one
  -- (the day after today, clamped to the period).
  p(from_day, to_day, until_day) AS (
    SELECT date(:from, 'unixepoch', 'localtime'), date(:to, 'unixepoch', 'localtime'),
           date(max(:snapshot, :from), 'unixepoch', 'localtime')),
  -- Every day of every month the period touches.
  cal(day) AS (
    SELECT date(from_day, 'start of month') FROM p
    UNION ALL
    SELECT date(day, '+1 day') FROM cal
    WHERE day < (SELECT date(to_day, '-1 day', 'start of month', '+1 month', '-1 day') FROM p)),
  -- Share of each touched month's plan that falls in the period: its working days
  -- (Monday to Friday) inside the period ÷ all its working days.
  month_share(month, share) AS (
    SELECT substr(day, 1, 7),
           1.0 * sum(strftime('%w', day) NOT IN ('0', '6') AND day >= from_day AND day < to_day)
               / sum(strftime('%w', day) NOT IN ('0', '6'))
    FROM cal CROSS JOIN p GROUP BY 1),
  -- Working days of the period, and those elapsed by the end of today.
  pace_days(total_wd, elapsed_wd) AS (
    SELECT sum(strftime('%w', day) NOT IN ('0', '6')),
           sum(strftime('%w', day) NOT IN ('0', '6') AND day < until_day)
    FROM cal CROSS JOIN p WHERE day >= from_day AND day < to_day),
  -- The team tree from the top-level teams down; `path` lists the team and its ancestors.
  tree(id, path, depth) AS (
    SELECT id, ',' || id || ',', 0 FROM team WHERE parent_id IS NULL
    UNION ALL
    SELECT t.id, tree.path || t.id || ',', tree.depth + 1
    FROM team t JOIN tree ON t.parent_id = tree.id
    WHERE tree.depth < 32),
  -- The company's plan per month: the sum over the top-level teams, where an explicit
  -- team plan replaces the plans of everyone below that team.
  company_month(month, revenue, units, calls, meetings) AS (
    SELECT month, sum(revenue_target), sum(units_target), sum(calls_target), sum(meetings_target)
    FROM (
      SELECT tp.month, tp.revenue_target, tp.units_target, tp.calls_target, tp.meetings_target
      FROM team_plan tp JOIN tree ON tree.id = tp.team_id
      WHERE NOT EXISTS (SELECT 1 FROM team_plan a
                        WHERE a.month = tp.month AND a.team_id <> tp.team_id
                          AND instr(tree.path, ',' || a.team_id || ',') > 0)
      UNION ALL
      SELECT p.month, p.revenue_target, p.units_target, p.calls_target, p.meetings_target
      FROM plan p JOIN rep r ON r.id = p.rep_id JOIN tree ON tree.id = r.team_id
      WHERE NOT EXISTS (SELECT 1 FROM team_plan a
                        WHERE a.month = p.month AND instr(tree.path, ',' || a.team_id || ',') > 0))
    GROUP BY month),
  -- Period targets per scope (rep_id NULL = the company), rounded after prorating.
  targets(rep_id, revenue, units, calls, meetings) AS (
    SELECT NULL,
           CAST(round(sum(c.revenue * m.share)) AS INTEGER),
           CAST(round(sum(c.units * m.share)) AS INTEGER),
           CAST(round(sum(c.calls * m.share)) AS INTEGER),
           CAST(round(sum(c.meetings * m.share)) AS INTEGER)
    FROM month_share m LEFT JOIN company_month c ON c.month = m.month
    UNION ALL
    SELECT r.id,
           CAST(round(sum(p.revenue_target * m.share)) AS INTEGER),
           CAST(round(sum(p.units_target * m.share)) AS INTEGER),
           CAST(round(sum(p.calls_target * m.share)) AS INTEGER),
           CAST(round(sum(p.meetings_target * m.share)) AS INTEGER)
    FROM rep r CROSS JOIN month_share m
    LEFT JOIN plan p ON p.rep_id = r.id AND p.month = m.month
    GROUP BY r.id),
  -- The scopes: the company and every rep.
  scope(prefix, rep_id) AS (
    SELECT 'total', NULL
    UNION ALL
    SELECT 'reps[rep.id=' || id || '].kpis', id FROM rep),
  -- Won deals per scope, now (closed in [from, to)) and before (closed in [prev_from, prev_to)).
  won(prefix, rep_id, rev, rev_prev, units, units_prev, deals, deals_prev, cost,
      upsell_rev, upsell_deals, cross_rev, cross_deals) AS (
    SELECT s.prefix, s.rep_id,
           coalesce(sum(CASE WHEN d.closed_at >= :from AND d.closed_at < :to THEN d.amount END), 0),
           coalesce(sum(CASE WHEN d.closed_at >= :prev_from AND d.closed_at < :prev_to THEN d.amount END), 0),
           coalesce(sum(CASE WHEN d.closed_at >= :from AND d.closed_at < :to THEN d.units END), 0),
           coalesce(sum(CASE WHEN d.closed_at >= :prev_from AND d.closed_at < :prev_to THEN d.units END), 0),
           count(CASE WHEN d.closed_at >= :from AND d.closed_at < :to THEN 1 END),
           count(CASE WHEN d.closed_at >= :prev_from AND d.closed_at < :prev_to THEN 1 END),
           coalesce(sum(CASE WHEN d.closed_at >= :from AND d.closed_at < :to THEN d.cost END), 0),
           coalesce(sum(CASE WHEN d.closed_at >= :from AND d.closed_at < :to AND d.kind = 'upsell' THEN d.amount END), 0),
           count(CASE WHEN d.closed_at >= :from AND d.closed_at < :to AND d.kind = 'upsell' THEN 1 END),
           coalesce(sum(CASE WHEN d.closed_at >= :from AND d.closed_at < :to AND d.kind = 'cross_sell' THEN d.amount END), 0),
           count(CASE WHEN d.closed_at >= :from AND d.closed_at < :to AND d.kind = 'cross_sell' THEN 1 END)
    FROM scope s
    LEFT JOIN deal d
      ON d.stage = 'won' AND d.rep_id IN (SELECT id FROM rep)
     AND (s.rep_id IS NULL OR d.rep_id = s.rep_id)
     AND ((d.closed_at >= :from AND d.closed_at < :to) OR (d.closed_at >= :prev_from AND d.closed_at < :prev_to))
    GROUP BY s.prefix, s.rep_id),
  f AS MATERIALIZED (
    SELECT w.*, t.revenue AS t_rev, t.units AS t_units, t.calls AS t_calls, t.meetings AS t_meetings,
           pd.total_wd, pd.elapsed_wd,
           1.0 * pd.elapsed_wd / nullif(pd.total_wd, 0) AS expected
    FROM won w JOIN targets t ON t.rep_id IS w.rep_id CROSS JOIN pace_days pd)
SELECT prefix || '.targets.revenue' AS path, t_rev AS value FROM f
UNION ALL SELECT prefix || '.targets.units', t_units FROM f
UNION ALL SELECT prefix || '.targets.calls', t_calls FROM f
UNION ALL SELECT prefix || '.targets.meetings', t_meetings FROM f
-- #1 revenue and attainment
UNION ALL SELECT prefix || '.revenue.now', rev FROM f
UNION ALL SELECT prefix || '.revenue.prev', rev_prev FROM f
UNION ALL SELECT prefix || '.revenue_attainment', 1.0 * rev / nullif(t_rev, 0) FROM f
-- #2 units and attainment
UNION ALL SELECT prefix || '.units.now', units FROM f
UNION ALL SELECT prefix || '.units.prev', units_prev FROM f
UNION ALL SELECT prefix || '.units_attainment', 1.0 * units / nullif(t_units, 0) FROM f
-- #3 pace: projections are actual ÷ elapsed × total working days
UNION ALL SELECT prefix || '.pace.elapsed_working_days', elapsed_wd FROM f
UNION ALL SELECT prefix || '.pace.working_days', total_wd FROM f
UNION ALL SELECT prefix || '.pace.expected_share', expected FROM f
UNION ALL SELECT prefix || '.pace.projected_revenue',
  CASE WHEN elapsed_wd > 0 THEN CAST(round(1.0 * rev / elapsed_wd * total_wd) AS INTEGER) END FROM f
UNION ALL SELECT prefix || '.pace.projected_units',
  CASE WHEN elapsed_wd > 0 THEN CAST(round(1.0 * units / elapsed_wd * total_wd) AS INTEGER) END FROM f
UNION ALL SELECT prefix || '.pace.behind',
  t_rev > 0 AND elapsed_wd > 0 AND rev < coalesce(expected, 0) * t_rev FROM f
-- #4 growth
UNION ALL SELECT prefix || '.growth', 1.0 * (rev - rev_prev) / nullif(rev_prev, 0) FROM f
-- #6 won deals and average deal
UNION ALL SELECT prefix || '.won_deals.now', deals FROM f
UNION ALL SELECT prefix || '.won_deals.prev', deals_prev FROM f
UNION ALL SELECT prefix || '.average_deal.now', CAST(round(1.0 * rev / nullif(deals, 0)) AS INTEGER) FROM f
UNION ALL SELECT prefix || '.average_deal.prev', CAST(round(1.0 * rev_prev / nullif(deals_prev, 0)) AS INTEGER) FROM f
-- #7 profit and margin
UNION ALL SELECT prefix || '.profit', rev - cost FROM f
UNION ALL SELECT prefix || '.margin', 1.0 * (rev - cost) / nullif(rev, 0) FROM f
-- #19 upsell and cross-sell
UNION ALL SELECT prefix || '.upsell_revenue', upsell_rev FROM f
UNION ALL SELECT prefix || '.upsell_deals', upsell_deals FROM f
UNION ALL SELECT prefix || '.cross_sell_revenue', cross_rev FROM f
UNION ALL SELECT prefix || '.cross_sell_deals', cross_deals FROM f
UNION ALL SELECT prefix || '.upsell_cross_sell_share', 1.0 * (upsell_rev + cross_rev) / nullif(rev, 0) FROM f
-- #29 average unit price
UNION ALL SELECT prefix || '.average_unit_price.now', CAST(round(1.0 * rev / nullif(units, 0)) AS INTEGER) FROM f
UNION ALL SELECT prefix || '.average_unit_price.prev', CAST(round(1.0 * rev_prev / nullif(units_prev, 0)) AS INTEGER) FROM f;

-- #1 daily_revenue: won revenue per local day of the period (index 0 = the first day).
WITH RECURSIVE
  period_day(i, day) AS (
    SELECT 0, date(:from, 'unixepoch', 'localtime')
    UNION ALL
    SELECT i + 1, date(day, '+1 day') FROM period_day
    WHERE date(day, '+1 day') < date(:to, 'unixepoch', 'localtime')),
  scope(prefix, rep_id) AS (
    SELECT 'total', NULL
    UNION ALL
    SELECT 'reps[rep.id=' || id || '].kpis', id FROM rep),
  won_day(rep_id, day, amount) AS MATERIALIZED (
    SELECT rep_id, date(closed_at, 'unixepoch', 'localtime'), sum(amount)
    FROM deal
    WHERE stage = 'won' AND closed_at >= :from AND closed_at < :to AND rep_id IN (SELECT id FROM rep)
    GROUP BY 1, 2)
SELECT s.prefix || '.daily_revenue.' || p.i AS path,
       (SELECT coalesce(sum(w.amount), 0) FROM won_day w
        WHERE w.day = p.day AND (s.rep_id IS NULL OR w.rep_id = s.rep_id)) AS value
FROM scope s CROSS JOIN period_day p;

-- #29 products (company scope): won revenue, deals and units by product line now, revenue
-- and units before, average unit price now and before, and its change.
WITH
  won(name, now_rev, now_deals, now_units, prev_rev, prev_units) AS (
    SELECT CASE WHEN trim(product, ' ' || char(9, 10, 11, 12, 13)) = '' THEN '—' ELSE product END,
           sum(CASE WHEN closed_at >= :from AND closed_at < :to THEN amount ELSE 0 END),
           sum(closed_at >= :from AND closed_at < :to),
           sum(CASE WHEN closed_at >= :from AND closed_at < :to THEN units ELSE 0 END),
           sum(CASE WHEN closed_at >= :prev_from AND closed_at < :prev_to
                     AND NOT (closed_at >= :from AND closed_at < :to) THEN amount ELSE 0 END),
           sum(CASE WHEN closed_at >= :prev_from AND closed_at < :prev_to
                     AND NOT (closed_at >= :from AND closed_at < :to) THEN units ELSE 0 END)
    FROM deal
    WHERE stage = 'won' AND rep_id IN (SELECT id FROM rep)
      AND ((closed_at >= :from AND closed_at < :to) OR (closed_at >= :prev_from AND closed_at < :prev_to))
    GROUP BY 1),
  f AS MATERIALIZED (
    SELECT 'products[name=' || name || ']' AS prefix, *,
           CAST(round(1.0 * now_rev / nullif(now_units, 0)) AS INTEGER) AS price_now,
           CAST(round(1.0 * prev_rev / nullif(prev_units, 0)) AS INTEGER) AS price_prev
    FROM won)
SELECT prefix || '.revenue.now' AS path, now_rev AS value FROM f
UNION ALL SELECT prefix || '.revenue.prev', prev_rev FROM f
UNION ALL SELECT prefix || '.won_deals', now_deals FROM f
UNION ALL SELECT prefix || '.units', now_units FROM f
UNION ALL SELECT prefix || '.average_unit_price.now', price_now FROM f
UNION ALL SELECT prefix || '.average_unit_price.prev', price_prev FROM f
UNION ALL SELECT prefix || '.unit_price_change', 1.0 * (price_now - price_prev) / nullif(price_prev, 0) FROM f;
