-- Naive plain-SQL baseline of the Cycle pane: SPEC #14 (sales cycle), #15 (time in stage)
-- and #23 (churn after sale), for the company total, every team and every rep.
-- Every statement returns (path, value) rows: the report JSON path and the figure.
-- Scopes: a scope is a JSON prefix and the set of reps it covers:
--   'total' = every rep; 'teams[team.id=T].kpis' = the reps of T's subtree;
--   'reps[rep.id=N].kpis' = rep N alone.

-- #14 cycle.won_deals, cycle.mean_days, cycle.median_days, cycle.baseline_days,
--     cycle.vs_baseline, cycle.slow (baseline: a rep's team subtree mean cycle, a team's
--     parent subtree mean cycle, none for the company and top-level teams).
WITH RECURSIVE
  cfg AS (
    SELECT coalesce((SELECT CAST(trim(value) AS INTEGER) FROM settings
                     WHERE key = 'slow_cycle_pct'), 25) / 100.0 AS slow_share),
  -- every team with every team of its subtree (itself included)
  sub(team_id, member) AS (
    SELECT id, id FROM team
    UNION SELECT sub.team_id, t.id FROM sub JOIN team t ON t.parent_id = sub.member),
  scope(key, rep_id) AS (
    SELECT 'total', id FROM rep
    UNION ALL SELECT 'teams[team.id=' || sub.team_id || '].kpis', r.id
      FROM sub JOIN rep r ON r.team_id = sub.member
    UNION ALL SELECT 'reps[rep.id=' || id || '].kpis', id FROM rep),
  -- deals won in the period and their cycle in days
  won AS (
    SELECT rep_id, (closed_at - created_at) / 86400.0 AS days FROM deal
    WHERE stage = 'won' AND closed_at >= :from AND closed_at < :to),
  sample AS (
    SELECT s.key, w.days,
           row_number() OVER (PARTITION BY s.key ORDER BY w.days) - 1 AS i,
           count(*) OVER (PARTITION BY s.key) AS n
    FROM scope s JOIN won w ON w.rep_id = s.rep_id),
  stats AS (
    SELECT key, count(*) AS n, avg(days) AS mean_days,
           -- median: linear interpolation between the closest ranks
           max(CASE WHEN i = (n - 1) / 2 THEN days END)
             + (max(CASE WHEN i = n / 2 THEN days END) - max(CASE WHEN i = (n - 1) / 2 THEN days END))
               * ((n - 1) * 0.5 - (n - 1) / 2) AS median_days
    FROM sample GROUP BY key),
  team_mean AS (
    SELECT sub.team_id, avg(w.days) AS mean_days
    FROM sub JOIN rep r ON r.team_id = sub.member JOIN won w ON w.rep_id = r.id
    GROUP BY sub.team_id),
  keys(key, baseline) AS (
    SELECT 'total', NULL
    UNION ALL SELECT 'teams[team.id=' || t.id || '].kpis',
                     (SELECT mean_days FROM team_mean WHERE team_id = t.parent_id) FROM team t
    UNION ALL SELECT 'reps[rep.id=' || r.id || '].kpis',
                     (SELECT mean_days FROM team_mean WHERE team_id = r.team_id) FROM rep r),
  cyc AS (
    SELECT k.key, coalesce(st.n, 0) AS n, st.mean_days, st.median_days, k.baseline,
           CASE WHEN k.baseline > 0 THEN st.mean_days / k.baseline - 1 END AS vs
    FROM keys k LEFT JOIN stats st ON st.key = k.key)
SELECT key || '.cycle.won_deals' AS path, n AS value FROM cyc
UNION ALL SELECT key || '.cycle.mean_days', mean_days FROM cyc
UNION ALL SELECT key || '.cycle.median_days', median_days FROM cyc
UNION ALL SELECT key || '.cycle.baseline_days', baseline FROM cyc
UNION ALL SELECT key || '.cycle.vs_baseline', vs FROM cyc
UNION ALL SELECT key || '.cycle.slow', coalesce(vs > (SELECT slow_share FROM cfg), 0) FROM cyc
UNION ALL SELECT key || '.cycle.slow_threshold', (SELECT slow_share FROM cfg) FROM cyc;

-- #15 cycle.time_in_stage.N.stays and .mean_days (N = 0 lead, 1 qualified, 2 proposal,
--     3 negotiation): stays in a stage that ended in the period. A stay runs from a change
--     into the stage to the deal's next change; before its first recorded change a deal sat
--     in that change's from_stage since it was created. Only deals the engine loads count:
--     created before the period's end and not closed before the previous period.
WITH RECURSIVE
  sub(team_id, member) AS (
    SELECT id, id FROM team
    UNION SELECT sub.team_id, t.id FROM sub JOIN team t ON t.parent_id = sub.member),
  scope(key, rep_id) AS (
    SELECT 'total', id FROM rep
    UNION ALL SELECT 'teams[team.id=' || sub.team_id || '].kpis', r.id
      FROM sub JOIN rep r ON r.team_id = sub.member
    UNION ALL SELECT 'reps[rep.id=' || id || '].kpis', id FROM rep),
  keys(key) AS (SELECT DISTINCT key FROM scope),
  stage(n, name) AS (VALUES (0, 'lead'), (1, 'qualified'), (2, 'proposal'), (3, 'negotiation')),
  loaded AS (
    SELECT id, rep_id, created_at FROM deal
    WHERE created_at < :to AND (closed_at IS NULL OR closed_at >= :prev_from)),
  ch AS (
    SELECT c.deal_id, c.from_stage, c.to_stage, c.at,
           row_number() OVER w AS k, lead(c.at) OVER w AS next_at
    FROM stage_change c JOIN loaded d ON d.id = c.deal_id
    WINDOW w AS (PARTITION BY c.deal_id ORDER BY c.at, c.id)),
  stays(rep_id, stage, entered, left_at) AS (
    SELECT d.rep_id, ch.from_stage, d.created_at, ch.at
      FROM ch JOIN loaded d ON d.id = ch.deal_id
      WHERE ch.k = 1 AND ch.at > d.created_at AND ch.from_stage IS NOT NULL
    UNION ALL
    SELECT d.rep_id, ch.to_stage, ch.at, ch.next_at
      FROM ch JOIN loaded d ON d.id = ch.deal_id),
  ended AS (
    SELECT s.key, st.n, (x.left_at - x.entered) / 86400.0 AS days
    FROM stays x JOIN stage st ON st.name = x.stage JOIN scope s ON s.rep_id = x.rep_id
    WHERE x.left_at >= :from AND x.left_at < :to),
  agg AS (
    SELECT k.key, st.n, count(e.days) AS stays, avg(e.days) AS mean_days
    FROM keys k CROSS JOIN stage st LEFT JOIN ended e ON e.key = k.key AND e.n = st.n
    GROUP BY k.key, st.n)
SELECT key || '.cycle.time_in_stage.' || n || '.stays' AS path, stays AS value FROM agg
UNION ALL SELECT key || '.cycle.time_in_stage.' || n || '.mean_days', mean_days FROM agg;

-- #23 customers.sold, customers.churned_after_sale, customers.churn_after_sale: customers
--     whose first won deal (ever) closed before the period's end, and of those the ones
--     churned within churn_after_sale_days of that first win's local day. The company
--     counts every customer; a rep or team the customers its reps own.
WITH RECURSIVE
  cfg AS (
    SELECT coalesce((SELECT CAST(trim(value) AS INTEGER) FROM settings
                     WHERE key = 'churn_after_sale_days'), 180) AS window_days),
  sub(team_id, member) AS (
    SELECT id, id FROM team
    UNION SELECT sub.team_id, t.id FROM sub JOIN team t ON t.parent_id = sub.member),
  keys(key, rep_id) AS (
    SELECT 'teams[team.id=' || sub.team_id || '].kpis', r.id
      FROM sub JOIN rep r ON r.team_id = sub.member
    UNION ALL SELECT 'reps[rep.id=' || id || '].kpis', id FROM rep),
  firsts AS (
    SELECT c.id, c.rep_id, c.churned_on,
           (SELECT min(x.closed_at) FROM deal x
            WHERE x.customer_id = c.id AND x.stage = 'won') AS first_won
    FROM customer c),
  sold AS (
    SELECT rep_id,
           coalesce(julianday(churned_on)
                    - julianday(date(first_won, 'unixepoch', 'localtime'))
                    <= (SELECT window_days FROM cfg), 0) AS churned
    FROM firsts WHERE first_won < :to),
  agg AS (
    SELECT 'total' AS key, count(*) AS sold, coalesce(sum(churned), 0) AS churned FROM sold
    UNION ALL
    SELECT k.key, count(s.rep_id), coalesce(sum(s.churned), 0)
    FROM keys k LEFT JOIN sold s ON s.rep_id = k.rep_id
    GROUP BY k.key)
SELECT key || '.customers.sold' AS path, sold AS value FROM agg
UNION ALL SELECT key || '.customers.churned_after_sale', churned FROM agg
UNION ALL SELECT key || '.customers.churn_after_sale',
                 CASE WHEN sold > 0 THEN churned * 1.0 / sold END FROM agg;
