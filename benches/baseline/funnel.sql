-- Naive plain-SQL baseline of the Funnel pane (SPEC §3 KPIs #5 #8 #9 #10 #11 #12 #13):
-- the same figures as src/kpi/compute.rs and src/kpi/deal.rs, straight from the raw tables.
-- Every statement returns (path, value); `path` locates the figure in `salesboard report
-- --format json`. Parameters: :from :to :prev_from :prev_to (Unix seconds, [from, to)),
-- :snapshot :prev_snapshot (the instants open pipeline is taken at). Only the integer
-- parameters are used: local days are derived with date(x, 'unixepoch', 'localtime').
-- Scopes: the company (`total`) and every rep (`reps[rep.id=N].kpis`).
--
-- Deal-history rules (src/kpi/deal.rs):
--   first change = the deal's earliest stage_change (by at, id); its from_stage, when set,
--                  is the stage the deal was in since it was created (a history that
--                  starts mid-funnel, as an import of partial history gives);
--   reached      = the highest rank (lead 0 … won 4) among the deal's stage, its
--                  lost_from_stage, the first change's from_stage and every
--                  stage_change.to_stage ('lost' has no rank);
--   qualified_at = created_at when the first change's from_stage is ranked ≥ 1; else the
--                  first change to a stage ranked ≥ 1; else created_at when reached ≥ 1
--                  (the deal was imported past lead);
--   open at t    = created_at < t and (closed_at IS NULL or closed_at ≥ t);
--   stage at t   = with no changes: the deal's stage if still open, else lead; otherwise the
--                  to_stage of the last change before t into an open stage, else the first
--                  change's from_stage when it is an open stage, else lead.

-- #8 #9 #10 #11 #12 #13 #5: funnel of the period's cohort, closed opportunities, open
-- pipeline now and at the previous period's snapshot, new opportunities per day, pipeline
-- by score and the forecast.
WITH RECURSIVE
  -- Settings read from the table (defaults of src/settings.rs when a row is absent or bad).
  setting(key, value) AS (
    SELECT key, CAST(trim(value, ' ' || char(9, 10, 13)) AS INTEGER) FROM settings
    WHERE trim(value, ' ' || char(9, 10, 13)) GLOB '[0-9]*'
      AND trim(value, ' ' || char(9, 10, 13)) NOT GLOB '*[^0-9]*'),
  cfg(win_rate_warn_pct, p_lead, p_qualified, p_proposal, p_negotiation) AS (
    SELECT coalesce((SELECT value FROM setting WHERE key = 'win_rate_warn_pct'), 15),
           coalesce((SELECT value FROM setting WHERE key = 'stage_probability.lead' AND value <= 100), 10),
           coalesce((SELECT value FROM setting WHERE key = 'stage_probability.qualified' AND value <= 100), 25),
           coalesce((SELECT value FROM setting WHERE key = 'stage_probability.proposal' AND value <= 100), 50),
           coalesce((SELECT value FROM setting WHERE key = 'stage_probability.negotiation' AND value <= 100), 75)),
  -- Rank of a stage on the path to a win; 'lost' has none.
  stage_rank(stage, rank) AS (
    VALUES ('lead', 0), ('qualified', 1), ('proposal', 2), ('negotiation', 3), ('won', 4)),
  -- The deals the engine reads for [prev_from, to): created or closed in that window, or
  -- open at its end; only deals of existing reps.
  d AS (
    SELECT * FROM deal
    WHERE rep_id IN (SELECT id FROM rep)
      AND created_at < :to
      AND (created_at >= :prev_from OR closed_at IS NULL OR closed_at >= :prev_from)),
  -- What each deal's history says.
  path AS MATERIALIZED (
    SELECT d.id, d.rep_id, d.amount, d.score, d.stage, d.created_at, d.closed_at,
           (SELECT c.from_stage FROM stage_change c WHERE c.deal_id = d.id
            ORDER BY c.at, c.id LIMIT 1) AS first_from,
           max(coalesce((SELECT rank FROM stage_rank WHERE stage = d.stage), 0),
               coalesce((SELECT rank FROM stage_rank WHERE stage = d.lost_from_stage), 0),
               coalesce((SELECT r.rank FROM stage_rank r WHERE r.stage =
                          (SELECT c.from_stage FROM stage_change c WHERE c.deal_id = d.id
                           ORDER BY c.at, c.id LIMIT 1)), 0),
               coalesce((SELECT max(r.rank) FROM stage_change c JOIN stage_rank r ON r.stage = c.to_stage
                         WHERE c.deal_id = d.id), 0)) AS reached,
           (SELECT min(c.at) FROM stage_change c JOIN stage_rank r ON r.stage = c.to_stage
            WHERE c.deal_id = d.id AND r.rank >= 1) AS first_qualified_change,
           EXISTS (SELECT 1 FROM stage_change c WHERE c.deal_id = d.id) AS has_changes,
           -- the open stage the deal was in just before each snapshot
           (SELECT c.to_stage FROM stage_change c
            WHERE c.deal_id = d.id AND c.at < :snapshot AND c.to_stage NOT IN ('won', 'lost')
            ORDER BY c.at DESC, c.id DESC LIMIT 1) AS last_open_change_now,
           (SELECT c.to_stage FROM stage_change c
            WHERE c.deal_id = d.id AND c.at < :prev_snapshot AND c.to_stage NOT IN ('won', 'lost')
            ORDER BY c.at DESC, c.id DESC LIMIT 1) AS last_open_change_prev
    FROM d),
  deal_facts AS MATERIALIZED (
    SELECT p.*,
           CASE WHEN first_from IN ('qualified', 'proposal', 'negotiation', 'won') THEN created_at
                ELSE coalesce(first_qualified_change, CASE WHEN reached >= 1 THEN created_at END)
           END AS qualified_at,
           created_at < :snapshot AND (closed_at IS NULL OR closed_at >= :snapshot) AS open_now,
           created_at < :prev_snapshot AND (closed_at IS NULL OR closed_at >= :prev_snapshot) AS open_prev,
           CASE WHEN has_changes THEN coalesce(last_open_change_now,
                     CASE WHEN first_from IN ('qualified', 'proposal', 'negotiation') THEN first_from END, 'lead')
                WHEN stage NOT IN ('won', 'lost') THEN stage ELSE 'lead' END AS stage_now,
           CASE WHEN has_changes THEN coalesce(last_open_change_prev,
                     CASE WHEN first_from IN ('qualified', 'proposal', 'negotiation') THEN first_from END, 'lead')
                WHEN stage NOT IN ('won', 'lost') THEN stage ELSE 'lead' END AS stage_prev
    FROM path p),
  -- The scopes: the company and every rep.
  scope(prefix, rep_id) AS (
    SELECT 'total', NULL
    UNION ALL
    SELECT 'reps[rep.id=' || id || '].kpis', id FROM rep),
  agg AS MATERIALIZED (
    SELECT s.prefix, s.rep_id,
           -- #8 #10 #11: the cohort of deals created in the period
           count(CASE WHEN f.created_at >= :from AND f.created_at < :to THEN 1 END) AS leads,
           count(CASE WHEN f.created_at >= :from AND f.created_at < :to AND f.reached >= 1 THEN 1 END) AS reached1,
           count(CASE WHEN f.created_at >= :from AND f.created_at < :to AND f.reached >= 2 THEN 1 END) AS reached2,
           count(CASE WHEN f.created_at >= :from AND f.created_at < :to AND f.reached >= 3 THEN 1 END) AS reached3,
           count(CASE WHEN f.created_at >= :from AND f.created_at < :to AND f.reached >= 4 THEN 1 END) AS reached4,
           count(CASE WHEN f.created_at >= :from AND f.created_at < :to AND f.stage = 'won' THEN 1 END) AS cohort_won,
           -- #9: opportunities (reached ≥ qualified) closed in the period
           count(CASE WHEN f.reached >= 1 AND f.closed_at >= :from AND f.closed_at < :to AND f.stage = 'won' THEN 1 END) AS closed_won,
           count(CASE WHEN f.reached >= 1 AND f.closed_at >= :from AND f.closed_at < :to AND f.stage = 'lost' THEN 1 END) AS closed_lost,
           -- #5: won revenue of the period
           coalesce(sum(CASE WHEN f.stage = 'won' AND f.closed_at >= :from AND f.closed_at < :to THEN f.amount END), 0) AS revenue,
           -- #12: open opportunities (stage at the snapshot ranked ≥ qualified) and their value
           count(CASE WHEN f.open_now AND f.stage_now <> 'lead' THEN 1 END) AS open_now,
           coalesce(sum(CASE WHEN f.open_now AND f.stage_now <> 'lead' THEN f.amount END), 0) AS value_now,
           count(CASE WHEN f.open_prev AND f.stage_prev <> 'lead' THEN 1 END) AS open_prev,
           coalesce(sum(CASE WHEN f.open_prev AND f.stage_prev <> 'lead' THEN f.amount END), 0) AS value_prev,
           -- #12: deals that became opportunities in the period
           count(CASE WHEN f.qualified_at >= :from AND f.qualified_at < :to THEN 1 END) AS new_now,
           count(CASE WHEN f.qualified_at >= :prev_from AND f.qualified_at < :prev_to THEN 1 END) AS new_prev,
           -- #5: open deals at the snapshot weighted by their stage's win probability
           total(CASE WHEN f.open_now THEN f.amount * (CASE f.stage_now
                   WHEN 'lead' THEN c.p_lead WHEN 'qualified' THEN c.p_qualified
                   WHEN 'proposal' THEN c.p_proposal WHEN 'negotiation' THEN c.p_negotiation END / 100.0) END)
             AS forecast_open
    FROM scope s CROSS JOIN cfg c
    LEFT JOIN deal_facts f ON s.rep_id IS NULL OR f.rep_id = s.rep_id
    GROUP BY s.prefix, s.rep_id),
  -- Revenue target of the period (for #5 forecast_vs_target), as in plan.sql: monthly
  -- plans prorated by working days; the company sums the top-level teams, an explicit
  -- team plan replacing its members' plans.
  p(from_day, to_day) AS (
    SELECT date(:from, 'unixepoch', 'localtime'), date(:to, 'unixepoch', 'localtime')),
  cal(day) AS (
    SELECT date(from_day, 'start of month') FROM p
    UNION ALL
    SELECT date(day, '+1 day') FROM cal
    WHERE day < (SELECT date(to_day, '-1 day', 'start of month', '+1 month', '-1 day') FROM p)),
  month_share(month, share) AS (
    SELECT substr(day, 1, 7),
           1.0 * sum(strftime('%w', day) NOT IN ('0', '6') AND day >= from_day AND day < to_day)
               / sum(strftime('%w', day) NOT IN ('0', '6'))
    FROM cal CROSS JOIN p GROUP BY 1),
  tree(id, path, depth) AS (
    SELECT id, ',' || id || ',', 0 FROM team WHERE parent_id IS NULL
    UNION ALL
    SELECT t.id, tree.path || t.id || ',', tree.depth + 1
    FROM team t JOIN tree ON t.parent_id = tree.id
    WHERE tree.depth < 32),
  company_month(month, revenue) AS (
    SELECT month, sum(revenue_target)
    FROM (
      SELECT tp.month, tp.revenue_target
      FROM team_plan tp JOIN tree ON tree.id = tp.team_id
      WHERE NOT EXISTS (SELECT 1 FROM team_plan a
                        WHERE a.month = tp.month AND a.team_id <> tp.team_id
                          AND instr(tree.path, ',' || a.team_id || ',') > 0)
      UNION ALL
      SELECT pl.month, pl.revenue_target
      FROM plan pl JOIN rep r ON r.id = pl.rep_id JOIN tree ON tree.id = r.team_id
      WHERE NOT EXISTS (SELECT 1 FROM team_plan a
                        WHERE a.month = pl.month AND instr(tree.path, ',' || a.team_id || ',') > 0))
    GROUP BY month),
  targets(rep_id, revenue) AS (
    SELECT NULL, CAST(round(sum(c.revenue * m.share)) AS INTEGER)
    FROM month_share m LEFT JOIN company_month c ON c.month = m.month
    UNION ALL
    SELECT r.id, CAST(round(sum(pl.revenue_target * m.share)) AS INTEGER)
    FROM rep r CROSS JOIN month_share m
    LEFT JOIN plan pl ON pl.rep_id = r.id AND pl.month = m.month
    GROUP BY r.id),
  f AS MATERIALIZED (
    SELECT a.*, t.revenue AS t_rev,
           a.revenue + CAST(round(a.forecast_open) AS INTEGER) AS forecast,
           1.0 * a.closed_won / nullif(a.closed_won + a.closed_lost, 0) AS opportunity_to_win,
           c.win_rate_warn_pct,
           julianday(p.to_day) - julianday(p.from_day) AS days,
           julianday(date(:prev_to, 'unixepoch', 'localtime'))
             - julianday(date(:prev_from, 'unixepoch', 'localtime')) AS prev_days
    FROM agg a JOIN targets t ON t.rep_id IS a.rep_id CROSS JOIN cfg c CROSS JOIN p)
-- #8 leads, opportunities, lead → opportunity
SELECT prefix || '.funnel.leads' AS path, leads AS value FROM f
UNION ALL SELECT prefix || '.funnel.qualified', reached1 FROM f
UNION ALL SELECT prefix || '.funnel.lead_to_opportunity', 1.0 * reached1 / nullif(leads, 0) FROM f
-- #9 opportunity → win
UNION ALL SELECT prefix || '.funnel.closed_won', closed_won FROM f
UNION ALL SELECT prefix || '.funnel.closed_lost', closed_lost FROM f
UNION ALL SELECT prefix || '.funnel.opportunity_to_win', opportunity_to_win FROM f
UNION ALL SELECT prefix || '.funnel.win_rate_low',
  coalesce(opportunity_to_win * 100.0 < win_rate_warn_pct, 0) FROM f
-- #10 lead → won
UNION ALL SELECT prefix || '.funnel.won', cohort_won FROM f
UNION ALL SELECT prefix || '.funnel.lead_conversion', 1.0 * cohort_won / nullif(leads, 0) FROM f
-- #11 stage-to-stage conversion: lead→qualified, qualified→proposal, proposal→negotiation, negotiation→won
UNION ALL SELECT prefix || '.funnel.stages.0.reached_from', leads FROM f
UNION ALL SELECT prefix || '.funnel.stages.0.reached_to', reached1 FROM f
UNION ALL SELECT prefix || '.funnel.stages.0.rate', 1.0 * reached1 / nullif(leads, 0) FROM f
UNION ALL SELECT prefix || '.funnel.stages.1.reached_from', reached1 FROM f
UNION ALL SELECT prefix || '.funnel.stages.1.reached_to', reached2 FROM f
UNION ALL SELECT prefix || '.funnel.stages.1.rate', 1.0 * reached2 / nullif(reached1, 0) FROM f
UNION ALL SELECT prefix || '.funnel.stages.2.reached_from', reached2 FROM f
UNION ALL SELECT prefix || '.funnel.stages.2.reached_to', reached3 FROM f
UNION ALL SELECT prefix || '.funnel.stages.2.rate', 1.0 * reached3 / nullif(reached2, 0) FROM f
UNION ALL SELECT prefix || '.funnel.stages.3.reached_from', reached3 FROM f
UNION ALL SELECT prefix || '.funnel.stages.3.reached_to', reached4 FROM f
UNION ALL SELECT prefix || '.funnel.stages.3.rate', 1.0 * reached4 / nullif(reached3, 0) FROM f
-- #12 open pipeline now and at the previous snapshot, new opportunities per day
UNION ALL SELECT prefix || '.pipeline.open_opportunities.now', open_now FROM f
UNION ALL SELECT prefix || '.pipeline.open_opportunities.prev', open_prev FROM f
UNION ALL SELECT prefix || '.pipeline.value.now', value_now FROM f
UNION ALL SELECT prefix || '.pipeline.value.prev', value_prev FROM f
UNION ALL SELECT prefix || '.pipeline.value_change', 1.0 * (value_now - value_prev) / nullif(value_prev, 0) FROM f
UNION ALL SELECT prefix || '.pipeline.new_per_day.now', new_now / nullif(days, 0) FROM f
UNION ALL SELECT prefix || '.pipeline.new_per_day.prev', new_prev / nullif(prev_days, 0) FROM f
-- #5 forecast: won revenue + probability-weighted open deals, and against the revenue target
UNION ALL SELECT prefix || '.pipeline.forecast', forecast FROM f
UNION ALL SELECT prefix || '.pipeline.forecast_vs_target', 1.0 * forecast / nullif(t_rev, 0) FROM f;

-- #13 open opportunities at the snapshot by lead score: one element per score 1–5 (zeros
-- included), plus score 0 for unscored deals when there are any. Elements are picked by
-- their score (`by_score[score=S]`), since a score-0 element shifts the array indexes.
WITH
  -- Deals of existing reps open at the snapshot, with the stage they were in just before it.
  open_deal AS MATERIALIZED (
    SELECT d.rep_id, coalesce(d.score, 0) AS score, d.amount,
           CASE WHEN EXISTS (SELECT 1 FROM stage_change c WHERE c.deal_id = d.id)
                THEN coalesce((SELECT c.to_stage FROM stage_change c
                               WHERE c.deal_id = d.id AND c.at < :snapshot
                                 AND c.to_stage NOT IN ('won', 'lost')
                               ORDER BY c.at DESC, c.id DESC LIMIT 1), 'lead')
                WHEN d.stage NOT IN ('won', 'lost') THEN d.stage
                ELSE 'lead' END AS stage_then
    FROM deal d
    WHERE d.rep_id IN (SELECT id FROM rep)
      AND d.created_at < :snapshot AND (d.closed_at IS NULL OR d.closed_at >= :snapshot)),
  scope(prefix, rep_id) AS (
    SELECT 'total', NULL
    UNION ALL
    SELECT 'reps[rep.id=' || id || '].kpis', id FROM rep),
  score(score) AS (VALUES (0), (1), (2), (3), (4), (5)),
  bucket AS MATERIALIZED (
    SELECT s.prefix || '.pipeline.by_score[score=' || sc.score || ']' AS prefix, sc.score,
           count(o.amount) AS deals, coalesce(sum(o.amount), 0) AS value
    FROM scope s CROSS JOIN score sc
    LEFT JOIN open_deal o
      ON o.score = sc.score AND o.stage_then <> 'lead'
     AND (s.rep_id IS NULL OR o.rep_id = s.rep_id)
    GROUP BY s.prefix, s.rep_id, sc.score
    HAVING sc.score >= 1 OR count(o.amount) > 0)
SELECT prefix || '.deals' AS path, deals AS value FROM bucket
UNION ALL SELECT prefix || '.value', value FROM bucket;
