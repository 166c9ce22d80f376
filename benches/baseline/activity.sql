-- Naive plain-SQL baseline of the Activity pane: SPEC #16 (calls and meetings against
-- target and pace), #17 (won deals per call), #18 (inquiry response time), #21 (customer
-- engagement), for the company total, every team and every rep.
-- Every statement returns (path, value) rows: the report JSON path and the figure.
-- Scopes: a scope is a JSON prefix and the set of reps it covers:
--   'total' = every rep; 'teams[team.id=T].kpis' = the reps of T's subtree;
--   'reps[rep.id=N].kpis' = rep N alone.
-- Local days are derived from the instant parameters (:from, :to, :prev_from, :prev_to,
-- :as_of_end), not taken from the 'YYYY-MM-DD' ones: the sqlite3 shell's
-- `.parameter set :x '2026-10-01'` evaluates the unquoted text as arithmetic (2015).

-- #16 activity.calls.now/prev, activity.meetings.now/prev, calls_attainment,
--     meetings_attainment, calls_pace, meetings_pace, meetings_below_minimum;
-- #17 won_per_100_calls, few_wins_per_call, calls_per_won.
-- Targets: monthly plans prorated by the working days (Mon-Fri) of each month inside the
-- period, rounded; a team's explicit team plan replaces the sum of its members' and
-- sub-teams' plans for that month; the company is the sum of the top-level teams.
WITH RECURSIVE
  -- the period's local days (end exclusive) and the as-of day, from the instant parameters
  prm AS (
    SELECT date(:from, 'unixepoch', 'localtime') AS from_day,
           date(:to, 'unixepoch', 'localtime') AS to_day,
           date(:prev_from, 'unixepoch', 'localtime') AS prev_from_day,
           date(:prev_to, 'unixepoch', 'localtime') AS prev_to_day,
           date(:as_of_end, 'unixepoch', 'localtime', '-1 day') AS as_of),
  cfg AS (
    SELECT coalesce((SELECT CAST(trim(value) AS INTEGER) FROM settings
                     WHERE key = 'meetings_min_pct'), 80) / 100.0 AS meetings_min,
           coalesce((SELECT CAST(trim(value) AS INTEGER) FROM settings
                     WHERE key = 'won_per_100_calls_min'), 3) AS won_per_100_min),
  -- every calendar day of the months the period touches
  days(d) AS (
    SELECT date(from_day, 'start of month') FROM prm
    UNION ALL SELECT date(d, '+1 day') FROM days
    WHERE d < (SELECT date(to_day, '-1 day', 'start of month', '+1 month', '-1 day') FROM prm)),
  wdays AS (
    SELECT d, strftime('%Y-%m', d) AS month, (d >= from_day AND d < to_day) AS inside, as_of
    FROM days CROSS JOIN prm WHERE strftime('%w', d) NOT IN ('0', '6')),
  pace AS (
    SELECT CASE WHEN sum(inside) > 0
                THEN sum(inside AND d <= as_of) * 1.0 / sum(inside) END AS expected
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
    SELECT root, month, sum(calls_target) AS calls, sum(meetings_target) AS meetings FROM (
      SELECT w.root, w.month, tp.calls_target, tp.meetings_target
        FROM walk w JOIN team_plan tp ON tp.team_id = w.team AND tp.month = w.month
      UNION ALL
      SELECT w.root, w.month, p.calls_target, p.meetings_target
        FROM walk w JOIN rep r ON r.team_id = w.team JOIN plan p ON p.rep_id = r.id AND p.month = w.month
        WHERE NOT EXISTS (SELECT 1 FROM team_plan tp WHERE tp.team_id = w.team AND tp.month = w.month))
    GROUP BY root, month),
  monthly(key, month, calls, meetings) AS (
    SELECT 'reps[rep.id=' || p.rep_id || '].kpis', p.month, p.calls_target, p.meetings_target FROM plan p
    UNION ALL SELECT 'teams[team.id=' || root || '].kpis', month, calls, meetings FROM team_month
    UNION ALL SELECT 'total', tm.month, sum(tm.calls), sum(tm.meetings)
      FROM team_month tm JOIN team t ON t.id = tm.root AND t.parent_id IS NULL GROUP BY tm.month),
  targets AS (
    SELECT m.key, round(sum(m.calls * s.share)) AS calls, round(sum(m.meetings * s.share)) AS meetings
    FROM monthly m JOIN share s ON s.month = m.month GROUP BY m.key),
  -- calls and meetings by the local day of `at`
  acts AS (
    SELECT rep_id, kind, date(at, 'unixepoch', 'localtime') AS day FROM activity
    WHERE at >= :prev_from AND at < :to),
  act AS (
    SELECT s.key,
           sum(a.kind = 'call' AND a.day >= from_day AND a.day < to_day) AS calls_now,
           sum(a.kind = 'call' AND a.day >= prev_from_day AND a.day < prev_to_day) AS calls_prev,
           sum(a.kind = 'meeting' AND a.day >= from_day AND a.day < to_day) AS meetings_now,
           sum(a.kind = 'meeting' AND a.day >= prev_from_day AND a.day < prev_to_day) AS meetings_prev
    FROM scope s JOIN acts a ON a.rep_id = s.rep_id CROSS JOIN prm GROUP BY s.key),
  won AS (
    SELECT s.key, count(*) AS won FROM scope s JOIN deal d ON d.rep_id = s.rep_id
    WHERE d.stage = 'won' AND d.closed_at >= :from AND d.closed_at < :to GROUP BY s.key),
  fig AS (
    SELECT k.key,
           coalesce(a.calls_now, 0) AS calls, coalesce(a.calls_prev, 0) AS calls_prev,
           coalesce(a.meetings_now, 0) AS meetings, coalesce(a.meetings_prev, 0) AS meetings_prev,
           -- no plan is no target (NULL), not a target of 0
           t.calls AS calls_target, t.meetings AS meetings_target,
           coalesce(w.won, 0) AS won
    FROM keys k LEFT JOIN act a ON a.key = k.key LEFT JOIN targets t ON t.key = k.key
         LEFT JOIN won w ON w.key = k.key),
  res AS (
    SELECT f.*,
           CASE WHEN calls_target <> 0 THEN calls * 1.0 / calls_target END AS calls_att,
           CASE WHEN meetings_target <> 0 THEN meetings * 1.0 / meetings_target END AS meetings_att,
           CASE WHEN p.expected * calls_target > 0 THEN calls / (p.expected * calls_target) END AS calls_pace,
           CASE WHEN p.expected * meetings_target > 0 THEN meetings / (p.expected * meetings_target) END AS meetings_pace,
           CASE WHEN calls <> 0 THEN won * 100.0 / calls END AS won_per_100,
           CASE WHEN won <> 0 THEN calls * 1.0 / won END AS calls_per_won
    FROM fig f CROSS JOIN pace p)
SELECT key || '.activity.calls.now' AS path, calls AS value FROM res
UNION ALL SELECT key || '.activity.calls.prev', calls_prev FROM res
UNION ALL SELECT key || '.activity.meetings.now', meetings FROM res
UNION ALL SELECT key || '.activity.meetings.prev', meetings_prev FROM res
UNION ALL SELECT key || '.targets.calls', calls_target FROM res
UNION ALL SELECT key || '.targets.meetings', meetings_target FROM res
UNION ALL SELECT key || '.activity.calls_attainment', calls_att FROM res
UNION ALL SELECT key || '.activity.meetings_attainment', meetings_att FROM res
UNION ALL SELECT key || '.activity.calls_pace', calls_pace FROM res
UNION ALL SELECT key || '.activity.meetings_pace', meetings_pace FROM res
UNION ALL SELECT key || '.activity.meetings_below_minimum',
                 coalesce(meetings_pace < (SELECT meetings_min FROM cfg), 0) FROM res
UNION ALL SELECT key || '.activity.won_per_100_calls', won_per_100 FROM res
UNION ALL SELECT key || '.activity.few_wins_per_call',
                 coalesce(calls >= 100 AND won_per_100 < (SELECT won_per_100_min FROM cfg), 0) FROM res
UNION ALL SELECT key || '.activity.calls_per_won', calls_per_won FROM res;

-- #18 activity.inquiries, unanswered, response_median_min, response_p90_min, over_sla,
--     sla_minutes: inquiries received in the period; response minutes of the answered ones
--     (percentiles by linear interpolation between the closest ranks); over the SLA when
--     answered later than it, or still unanswered at the snapshot for longer than it.
WITH RECURSIVE
  cfg AS (
    SELECT coalesce((SELECT CAST(trim(value) AS INTEGER) FROM settings
                     WHERE key = 'response_sla_minutes'), 60) AS sla_min),
  sub(team_id, member) AS (
    SELECT id, id FROM team
    UNION SELECT sub.team_id, t.id FROM sub JOIN team t ON t.parent_id = sub.member),
  scope(key, rep_id) AS (
    SELECT 'total', id FROM rep
    UNION ALL SELECT 'teams[team.id=' || sub.team_id || '].kpis', r.id
      FROM sub JOIN rep r ON r.team_id = sub.member
    UNION ALL SELECT 'reps[rep.id=' || id || '].kpis', id FROM rep),
  keys(key) AS (SELECT DISTINCT key FROM scope),
  inq AS (
    SELECT s.key, q.first_response_at IS NULL AS unanswered,
           (q.first_response_at - q.received_at) / 60.0 AS minutes,
           CASE WHEN q.first_response_at IS NULL
                THEN :snapshot - q.received_at > c.sla_min * 60
                ELSE q.first_response_at - q.received_at > c.sla_min * 60 END AS over_sla
    FROM scope s JOIN inquiry q ON q.rep_id = s.rep_id CROSS JOIN cfg c
    WHERE q.received_at >= :from AND q.received_at < :to),
  answered AS (
    SELECT key, minutes,
           row_number() OVER (PARTITION BY key ORDER BY minutes) - 1 AS i,
           count(*) OVER (PARTITION BY key) AS n,
           0.5 * (count(*) OVER (PARTITION BY key) - 1) AS pos50,
           0.9 * (count(*) OVER (PARTITION BY key) - 1) AS pos90
    FROM inq WHERE NOT unanswered),
  pct AS (
    SELECT key,
           max(CASE WHEN i = CAST(pos50 AS INTEGER) THEN minutes END) AS lo50,
           max(CASE WHEN i = CAST(pos50 AS INTEGER) + (pos50 > CAST(pos50 AS INTEGER)) THEN minutes END) AS hi50,
           max(pos50) - CAST(max(pos50) AS INTEGER) AS frac50,
           max(CASE WHEN i = CAST(pos90 AS INTEGER) THEN minutes END) AS lo90,
           max(CASE WHEN i = CAST(pos90 AS INTEGER) + (pos90 > CAST(pos90 AS INTEGER)) THEN minutes END) AS hi90,
           max(pos90) - CAST(max(pos90) AS INTEGER) AS frac90
    FROM answered GROUP BY key),
  res AS (
    SELECT k.key,
           (SELECT count(*) FROM inq WHERE inq.key = k.key) AS inquiries,
           (SELECT count(*) FROM inq WHERE inq.key = k.key AND unanswered) AS unanswered,
           (SELECT count(*) FROM inq WHERE inq.key = k.key AND over_sla) AS over_sla,
           p.lo50 + (p.hi50 - p.lo50) * p.frac50 AS median_min,
           p.lo90 + (p.hi90 - p.lo90) * p.frac90 AS p90_min
    FROM keys k LEFT JOIN pct p ON p.key = k.key)
SELECT key || '.activity.inquiries' AS path, inquiries AS value FROM res
UNION ALL SELECT key || '.activity.unanswered', unanswered FROM res
UNION ALL SELECT key || '.activity.response_median_min', median_min FROM res
UNION ALL SELECT key || '.activity.response_p90_min', p90_min FROM res
UNION ALL SELECT key || '.activity.over_sla', over_sla FROM res
UNION ALL SELECT key || '.activity.sla_minutes', (SELECT sla_min FROM cfg) FROM res;

-- #21 activity.per_active_customer, not_contacted, not_contacted_days: calls and meetings
--     with a customer in the period (by local day) over the customers of the scope's reps
--     active at some point in the period; not contacted: customers active on as_of whose
--     last contact (any rep's activity before the period's end; at the earliest the start
--     of the acquisition day) is older than no_contact_days before the snapshot.
--     Customers without a rep count in no scope, not even the company.
WITH RECURSIVE
  -- the period's local days (end exclusive) and the as-of day, from the instant parameters
  prm AS (
    SELECT date(:from, 'unixepoch', 'localtime') AS from_day,
           date(:to, 'unixepoch', 'localtime') AS to_day,
           date(:prev_from, 'unixepoch', 'localtime') AS prev_from_day,
           date(:prev_to, 'unixepoch', 'localtime') AS prev_to_day,
           date(:as_of_end, 'unixepoch', 'localtime', '-1 day') AS as_of),
  cfg AS (
    SELECT coalesce((SELECT CAST(trim(value) AS INTEGER) FROM settings
                     WHERE key = 'no_contact_days'), 90) AS no_contact_days),
  sub(team_id, member) AS (
    SELECT id, id FROM team
    UNION SELECT sub.team_id, t.id FROM sub JOIN team t ON t.parent_id = sub.member),
  scope(key, rep_id) AS (
    SELECT 'total', id FROM rep
    UNION ALL SELECT 'teams[team.id=' || sub.team_id || '].kpis', r.id
      FROM sub JOIN rep r ON r.team_id = sub.member
    UNION ALL SELECT 'reps[rep.id=' || id || '].kpis', id FROM rep),
  keys(key) AS (SELECT DISTINCT key FROM scope),
  contacts AS (
    SELECT s.key, count(*) AS n
    FROM scope s JOIN activity a ON a.rep_id = s.rep_id CROSS JOIN prm
    WHERE a.customer_id IS NOT NULL AND a.at >= :prev_from AND a.at < :to
      AND date(a.at, 'unixepoch', 'localtime') >= from_day
      AND date(a.at, 'unixepoch', 'localtime') < to_day
    GROUP BY s.key),
  cust AS (
    SELECT c.rep_id,
           (c.acquired_on < to_day AND (c.churned_on IS NULL OR c.churned_on > from_day)) AS active,
           (c.acquired_on <= as_of AND (c.churned_on IS NULL OR c.churned_on > as_of)
            AND max(coalesce((SELECT max(a.at) FROM activity a
                              WHERE a.customer_id = c.id AND a.at < :to), 0),
                    unixepoch(c.acquired_on, 'utc'))
                < :snapshot - cfg.no_contact_days * 86400) AS not_contacted
    FROM customer c CROSS JOIN cfg CROSS JOIN prm WHERE c.rep_id IS NOT NULL),
  per_key AS (
    SELECT s.key, sum(c.active) AS active, sum(c.not_contacted) AS not_contacted
    FROM scope s JOIN cust c ON c.rep_id = s.rep_id GROUP BY s.key),
  res AS (
    SELECT k.key,
           CASE WHEN coalesce(p.active, 0) <> 0 THEN coalesce(ct.n, 0) * 1.0 / p.active END AS per_active,
           coalesce(p.not_contacted, 0) AS not_contacted
    FROM keys k LEFT JOIN per_key p ON p.key = k.key LEFT JOIN contacts ct ON ct.key = k.key)
SELECT key || '.activity.per_active_customer' AS path, per_active AS value FROM res
UNION ALL SELECT key || '.activity.not_contacted', not_contacted FROM res
UNION ALL SELECT key || '.activity.not_contacted_days', (SELECT no_contact_days FROM cfg) FROM res;
