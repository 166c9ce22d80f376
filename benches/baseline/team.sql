-- Naive plain-SQL baseline of the Team pane: SPEC #31 (satisfaction, burnout risk), #32
-- (product knowledge), #33 (composite score and bonus coefficient), for the company total,
-- every team and every rep.
-- Every statement returns (path, value) rows: the report JSON path and the figure.
-- Scopes: a scope is a JSON prefix and the set of reps it covers:
--   'total' = every rep; 'teams[team.id=T].kpis' = the reps of T's subtree;
--   'reps[rep.id=N].kpis' = rep N alone.
-- Local days are derived from the instant parameters (:from, :to, :as_of_end), not taken
-- from the 'YYYY-MM-DD' ones: the sqlite3 shell's `.parameter set :x '2026-10-01'`
-- evaluates the unquoted text as arithmetic (2015).

-- #31 people.satisfaction (mean of each rep's latest score), satisfaction_prev (mean of each
--     rep's score before that), burnout_risk (reps whose latest score is <= burnout_score or
--     fell by >= burnout_drop), satisfaction_trend.N (monthly means of all the scope's
--     surveys, the last 6 months with surveys, oldest first) and its length; surveys taken
--     before the period's end.
WITH RECURSIVE
  prm AS (SELECT date(:to, 'unixepoch', 'localtime') AS to_day),
  cfg AS (
    SELECT coalesce((SELECT CAST(trim(value) AS INTEGER) FROM settings
                     WHERE key = 'burnout_score'), 4) AS burnout_score,
           coalesce((SELECT CAST(trim(value) AS INTEGER) FROM settings
                     WHERE key = 'burnout_drop'), 2) AS burnout_drop),
  sub(team_id, member) AS (
    SELECT id, id FROM team
    UNION SELECT sub.team_id, t.id FROM sub JOIN team t ON t.parent_id = sub.member),
  scope(key, rep_id) AS (
    SELECT 'total', id FROM rep
    UNION ALL SELECT 'teams[team.id=' || sub.team_id || '].kpis', r.id
      FROM sub JOIN rep r ON r.team_id = sub.member
    UNION ALL SELECT 'reps[rep.id=' || id || '].kpis', id FROM rep),
  keys(key) AS (SELECT DISTINCT key FROM scope),
  surveys AS (
    SELECT rep_id, taken_on, score,
           row_number() OVER (PARTITION BY rep_id ORDER BY taken_on DESC, id DESC) AS back
    FROM satisfaction WHERE taken_on < (SELECT to_day FROM prm)),
  per_rep AS (
    SELECT l.rep_id, l.score AS latest, b.score AS before,
           (l.score <= c.burnout_score OR coalesce(b.score - l.score >= c.burnout_drop, 0)) AS burnout
    FROM surveys l CROSS JOIN cfg c
         LEFT JOIN surveys b ON b.rep_id = l.rep_id AND b.back = 2
    WHERE l.back = 1),
  people AS (
    SELECT k.key, avg(p.latest) AS satisfaction, avg(p.before) AS satisfaction_prev,
           coalesce(sum(p.burnout), 0) AS burnout_risk
    FROM keys k LEFT JOIN scope s ON s.key = k.key LEFT JOIN per_rep p ON p.rep_id = s.rep_id
    GROUP BY k.key),
  months AS (
    SELECT s.key, strftime('%Y-%m', x.taken_on) AS month, avg(x.score) AS mean
    FROM scope s JOIN surveys x ON x.rep_id = s.rep_id GROUP BY s.key, month),
  trend AS (
    SELECT key, mean,
           row_number() OVER (PARTITION BY key ORDER BY month DESC) AS back,
           min(6, count(*) OVER (PARTITION BY key)) AS len
    FROM months)
SELECT key || '.people.satisfaction' AS path, satisfaction AS value FROM people
UNION ALL SELECT key || '.people.satisfaction_prev', satisfaction_prev FROM people
UNION ALL SELECT key || '.people.burnout_risk', burnout_risk FROM people
UNION ALL SELECT key || '.people.satisfaction_trend#len',
                 (SELECT count(*) FROM trend t WHERE t.key = people.key AND t.back <= 6) FROM people
UNION ALL SELECT key || '.people.satisfaction_trend.' || (len - back), mean FROM trend WHERE back <= 6;

-- #32 people.knowledge (mean of each rep's latest test score, percent), knowledge_below_min
--     (reps whose latest score is under knowledge_min_pct), knowledge_trend.N (monthly means,
--     as for satisfaction) and its length; tests taken before the period's end.
WITH RECURSIVE
  prm AS (SELECT date(:to, 'unixepoch', 'localtime') AS to_day),
  cfg AS (
    SELECT coalesce((SELECT CAST(trim(value) AS INTEGER) FROM settings
                     WHERE key = 'knowledge_min_pct'), 70) AS knowledge_min),
  sub(team_id, member) AS (
    SELECT id, id FROM team
    UNION SELECT sub.team_id, t.id FROM sub JOIN team t ON t.parent_id = sub.member),
  scope(key, rep_id) AS (
    SELECT 'total', id FROM rep
    UNION ALL SELECT 'teams[team.id=' || sub.team_id || '].kpis', r.id
      FROM sub JOIN rep r ON r.team_id = sub.member
    UNION ALL SELECT 'reps[rep.id=' || id || '].kpis', id FROM rep),
  keys(key) AS (SELECT DISTINCT key FROM scope),
  tests AS (
    SELECT rep_id, taken_on, score,
           row_number() OVER (PARTITION BY rep_id ORDER BY taken_on DESC, id DESC) AS back
    FROM knowledge_test WHERE taken_on < (SELECT to_day FROM prm)),
  people AS (
    SELECT k.key, avg(t.score) AS knowledge,
           coalesce(sum(t.score < (SELECT knowledge_min FROM cfg)), 0) AS below_min
    FROM keys k LEFT JOIN scope s ON s.key = k.key
         LEFT JOIN tests t ON t.rep_id = s.rep_id AND t.back = 1
    GROUP BY k.key),
  months AS (
    SELECT s.key, strftime('%Y-%m', x.taken_on) AS month, avg(x.score) AS mean
    FROM scope s JOIN tests x ON x.rep_id = s.rep_id GROUP BY s.key, month),
  trend AS (
    SELECT key, mean,
           row_number() OVER (PARTITION BY key ORDER BY month DESC) AS back,
           min(6, count(*) OVER (PARTITION BY key)) AS len
    FROM months)
SELECT key || '.people.knowledge' AS path, knowledge AS value FROM people
UNION ALL SELECT key || '.people.knowledge_below_min', below_min FROM people
UNION ALL SELECT key || '.people.knowledge_trend#len',
                 (SELECT count(*) FROM trend t WHERE t.key = people.key AND t.back <= 6) FROM people
UNION ALL SELECT key || '.people.knowledge_trend.' || (len - back), mean FROM trend WHERE back <= 6;

-- #31, #32 (rep rows) satisfaction_history.N and knowledge_history.N: each rep's latest
--     (up to 12) scores taken before the period's end, oldest first, and their number.
WITH
  prm AS (SELECT date(:to, 'unixepoch', 'localtime') AS to_day),
  scores AS (
    SELECT 'satisfaction_history' AS list, rep_id, score,
           row_number() OVER (PARTITION BY rep_id ORDER BY taken_on DESC, id DESC) AS back,
           min(12, count(*) OVER (PARTITION BY rep_id)) AS len
    FROM satisfaction WHERE taken_on < (SELECT to_day FROM prm)
    UNION ALL
    SELECT 'knowledge_history', rep_id, score,
           row_number() OVER (PARTITION BY rep_id ORDER BY taken_on DESC, id DESC),
           min(12, count(*) OVER (PARTITION BY rep_id))
    FROM knowledge_test WHERE taken_on < (SELECT to_day FROM prm)),
  lists(list) AS (VALUES ('satisfaction_history'), ('knowledge_history'))
SELECT 'reps[rep.id=' || r.id || '].' || l.list || '#len' AS path,
       (SELECT count(*) FROM scores s WHERE s.rep_id = r.id AND s.list = l.list AND s.back <= 12) AS value
FROM rep r CROSS JOIN lists l
UNION ALL
SELECT 'reps[rep.id=' || rep_id || '].' || list || '.' || (len - back), score
FROM scores WHERE back <= 12;

-- #33 composite.score and composite.bonus_coefficient: the weighted mean (weight.*) of the
--     revenue, units, calls and meetings attainments, each capped at composite_cap_pct and
--     paced by the expected share (elapsed ÷ all working days, Mon-Fri) while the period
--     runs; parts with a zero weight or no target are left out. The bonus coefficient is 0
--     under bonus_threshold_pct, otherwise the score, at most bonus_max_pct ÷ 100.
--     Targets: monthly plans prorated by the working days of each month inside the period,
--     rounded; a team's explicit team plan replaces the sum of its members' and sub-teams'
--     plans for that month; the company is the sum of the top-level teams.
WITH RECURSIVE
  prm AS (
    SELECT date(:from, 'unixepoch', 'localtime') AS from_day,
           date(:to, 'unixepoch', 'localtime') AS to_day,
           date(:as_of_end, 'unixepoch', 'localtime', '-1 day') AS as_of),
  cfg AS (
    SELECT coalesce((SELECT CAST(trim(value) AS INTEGER) FROM settings WHERE key = 'weight.revenue'), 50) AS w_revenue,
           coalesce((SELECT CAST(trim(value) AS INTEGER) FROM settings WHERE key = 'weight.units'), 20) AS w_units,
           coalesce((SELECT CAST(trim(value) AS INTEGER) FROM settings WHERE key = 'weight.calls'), 15) AS w_calls,
           coalesce((SELECT CAST(trim(value) AS INTEGER) FROM settings WHERE key = 'weight.meetings'), 15) AS w_meetings,
           coalesce((SELECT CAST(trim(value) AS INTEGER) FROM settings WHERE key = 'composite_cap_pct'), 150) / 100.0 AS cap,
           coalesce((SELECT CAST(trim(value) AS INTEGER) FROM settings WHERE key = 'bonus_threshold_pct'), 70) AS threshold_pct,
           coalesce((SELECT CAST(trim(value) AS INTEGER) FROM settings WHERE key = 'bonus_max_pct'), 200) / 100.0 AS bonus_max),
  -- every calendar day of the months the period touches
  days(d) AS (
    SELECT date(from_day, 'start of month') FROM prm
    UNION ALL SELECT date(d, '+1 day') FROM days
    WHERE d < (SELECT date(to_day, '-1 day', 'start of month', '+1 month', '-1 day') FROM prm)),
  wdays AS (
    SELECT d, strftime('%Y-%m', d) AS month, (d >= from_day AND d < to_day) AS inside, as_of
    FROM days CROSS JOIN prm WHERE strftime('%w', d) NOT IN ('0', '6')),
  -- the share of the target expected by now (1 when the period has no working day)
  pace AS (
    SELECT coalesce(CASE WHEN sum(inside) > 0
                         THEN sum(inside AND d <= as_of) * 1.0 / sum(inside) END, 1.0) AS share
    FROM wdays),
  share AS (SELECT month, sum(inside) * 1.0 / count(*) AS share FROM wdays GROUP BY month),
  sub(team_id, member) AS (
    SELECT id, id FROM team
    UNION SELECT sub.team_id, t.id FROM sub JOIN team t ON t.parent_id = sub.member),
  scope(key, rep_id) AS (
    SELECT 'total', id FROM rep
    UNION ALL SELECT 'teams[team.id=' || sub.team_id || '].kpis', r.id
      FROM sub JOIN rep r ON r.team_id = sub.member
    UNION ALL SELECT 'reps[rep.id=' || id || '].kpis', id FROM rep),
  keys(key) AS (SELECT DISTINCT key FROM scope),
  -- the teams whose plans make up team `root`'s month: descend until a team with a plan
  walk(root, team, month) AS (
    SELECT t.id, t.id, s.month FROM team t CROSS JOIN share s
    UNION SELECT w.root, c.id, w.month FROM walk w JOIN team c ON c.parent_id = w.team
      WHERE NOT EXISTS (SELECT 1 FROM team_plan tp WHERE tp.team_id = w.team AND tp.month = w.month)),
  team_month AS (
    SELECT root, month, sum(revenue_target) AS revenue, sum(units_target) AS units,
           sum(calls_target) AS calls, sum(meetings_target) AS meetings FROM (
      SELECT w.root, w.month, tp.revenue_target, tp.units_target, tp.calls_target, tp.meetings_target
        FROM walk w JOIN team_plan tp ON tp.team_id = w.team AND tp.month = w.month
      UNION ALL
      SELECT w.root, w.month, p.revenue_target, p.units_target, p.calls_target, p.meetings_target
        FROM walk w JOIN rep r ON r.team_id = w.team JOIN plan p ON p.rep_id = r.id AND p.month = w.month
        WHERE NOT EXISTS (SELECT 1 FROM team_plan tp WHERE tp.team_id = w.team AND tp.month = w.month))
    GROUP BY root, month),
  monthly(key, month, revenue, units, calls, meetings) AS (
    SELECT 'reps[rep.id=' || p.rep_id || '].kpis', p.month,
           p.revenue_target, p.units_target, p.calls_target, p.meetings_target FROM plan p
    UNION ALL SELECT 'teams[team.id=' || root || '].kpis', month, revenue, units, calls, meetings
      FROM team_month
    UNION ALL SELECT 'total', tm.month, sum(tm.revenue), sum(tm.units), sum(tm.calls), sum(tm.meetings)
      FROM team_month tm JOIN team t ON t.id = tm.root AND t.parent_id IS NULL GROUP BY tm.month),
  targets AS (
    SELECT m.key, round(sum(m.revenue * s.share)) AS revenue, round(sum(m.units * s.share)) AS units,
           round(sum(m.calls * s.share)) AS calls, round(sum(m.meetings * s.share)) AS meetings
    FROM monthly m JOIN share s ON s.month = m.month GROUP BY m.key),
  won AS (
    SELECT s.key, sum(d.amount) AS revenue, sum(d.units) AS units
    FROM scope s JOIN deal d ON d.rep_id = s.rep_id
    WHERE d.stage = 'won' AND d.closed_at >= :from AND d.closed_at < :to GROUP BY s.key),
  act AS (
    SELECT s.key, sum(a.kind = 'call') AS calls, sum(a.kind = 'meeting') AS meetings
    FROM scope s JOIN activity a ON a.rep_id = s.rep_id CROSS JOIN prm
    WHERE a.at >= :prev_from AND a.at < :to
      AND date(a.at, 'unixepoch', 'localtime') >= from_day
      AND date(a.at, 'unixepoch', 'localtime') < to_day
    GROUP BY s.key),
  -- one row per scope and part: weight, actual, target
  parts(key, w, actual, target) AS (
    SELECT k.key, c.w_revenue, coalesce(w.revenue, 0), coalesce(t.revenue, 0)
      FROM keys k CROSS JOIN cfg c LEFT JOIN won w ON w.key = k.key LEFT JOIN targets t ON t.key = k.key
    UNION ALL SELECT k.key, c.w_units, coalesce(w.units, 0), coalesce(t.units, 0)
      FROM keys k CROSS JOIN cfg c LEFT JOIN won w ON w.key = k.key LEFT JOIN targets t ON t.key = k.key
    UNION ALL SELECT k.key, c.w_calls, coalesce(a.calls, 0), coalesce(t.calls, 0)
      FROM keys k CROSS JOIN cfg c LEFT JOIN act a ON a.key = k.key LEFT JOIN targets t ON t.key = k.key
    UNION ALL SELECT k.key, c.w_meetings, coalesce(a.meetings, 0), coalesce(t.meetings, 0)
      FROM keys k CROSS JOIN cfg c LEFT JOIN act a ON a.key = k.key LEFT JOIN targets t ON t.key = k.key),
  scored AS (
    SELECT p.key,
           sum(CASE WHEN p.w > 0 AND p.target * pc.share <> 0
                    THEN p.w * min(p.actual / (p.target * pc.share), c.cap) END) AS total,
           sum(CASE WHEN p.w > 0 AND p.target * pc.share <> 0 THEN p.w END) AS weights
    FROM parts p CROSS JOIN pace pc CROSS JOIN cfg c GROUP BY p.key),
  res AS (
    SELECT key, CASE WHEN weights <> 0 THEN total / weights END AS score FROM scored)
SELECT key || '.composite.score' AS path, score AS value FROM res
UNION ALL
SELECT key || '.composite.bonus_coefficient',
       CASE WHEN score IS NULL THEN NULL
            WHEN score * 100.0 < c.threshold_pct THEN 0.0
            ELSE min(score, c.bonus_max) END
FROM res CROSS JOIN cfg c;
