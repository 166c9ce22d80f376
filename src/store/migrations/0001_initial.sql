-- salesboard schema, migration 1.
-- Conventions (see docs/schema.md):
--   * money: INTEGER minor units (kopecks, cents); currency in settings('currency')
--   * instants: INTEGER Unix seconds, UTC (columns named *_at); seconds, not milliseconds
--   * calendar dates: TEXT 'YYYY-MM-DD' in the company's local calendar (columns named *_on)
--   * months: TEXT 'YYYY-MM'
--   * entered_by / entered_at: who (OS user from the real uid) and when a row was entered
--     through salesboard; NULL for rows written by integrations.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE team (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    parent_id  INTEGER REFERENCES team(id) ON DELETE RESTRICT,
    entered_by TEXT,
    entered_at INTEGER,
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX team_parent ON team(parent_id);

CREATE TABLE rep (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    team_id    INTEGER NOT NULL REFERENCES team(id) ON DELETE RESTRICT,
    region     TEXT NOT NULL DEFAULT '',
    hired_on   TEXT NOT NULL CHECK (date(hired_on) IS hired_on),
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    entered_by TEXT,
    entered_at INTEGER
);
CREATE INDEX rep_team ON rep(team_id);

-- Monthly plan per rep.
CREATE TABLE plan (
    id              INTEGER PRIMARY KEY,
    rep_id          INTEGER NOT NULL REFERENCES rep(id) ON DELETE CASCADE,
    month           TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    revenue_target  INTEGER NOT NULL DEFAULT 0 CHECK (revenue_target >= 0),
    units_target    INTEGER NOT NULL DEFAULT 0 CHECK (units_target >= 0),
    calls_target    INTEGER NOT NULL DEFAULT 0 CHECK (calls_target >= 0),
    meetings_target INTEGER NOT NULL DEFAULT 0 CHECK (meetings_target >= 0),
    entered_by      TEXT,
    entered_at      INTEGER,
    UNIQUE (rep_id, month)
);

-- Optional explicit monthly plan for a team; when absent the team's plan is the sum of
-- its reps' plans (and of its sub-teams').
CREATE TABLE team_plan (
    id              INTEGER PRIMARY KEY,
    team_id         INTEGER NOT NULL REFERENCES team(id) ON DELETE CASCADE,
    month           TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    revenue_target  INTEGER NOT NULL DEFAULT 0 CHECK (revenue_target >= 0),
    units_target    INTEGER NOT NULL DEFAULT 0 CHECK (units_target >= 0),
    calls_target    INTEGER NOT NULL DEFAULT 0 CHECK (calls_target >= 0),
    meetings_target INTEGER NOT NULL DEFAULT 0 CHECK (meetings_target >= 0),
    entered_by      TEXT,
    entered_at      INTEGER,
    UNIQUE (team_id, month)
);

CREATE TABLE campaign (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    channel          TEXT NOT NULL CHECK (channel IN ('email', 'social', 'events', 'cold_calls', 'ads', 'referral', 'other')),
    cost             INTEGER NOT NULL DEFAULT 0 CHECK (cost >= 0),
    starts_on        TEXT NOT NULL CHECK (date(starts_on) IS starts_on),
    ends_on          TEXT NOT NULL CHECK (date(ends_on) IS ends_on),
    baseline_revenue INTEGER NOT NULL DEFAULT 0 CHECK (baseline_revenue >= 0),
    entered_by       TEXT,
    entered_at       INTEGER,
    CHECK (ends_on >= starts_on)
);

-- Acquisition spending that is not a campaign (agency fees, trade shows...), for CAC.
CREATE TABLE acquisition_cost (
    id         INTEGER PRIMARY KEY,
    spent_on   TEXT NOT NULL CHECK (date(spent_on) IS spent_on),
    amount     INTEGER NOT NULL CHECK (amount >= 0),
    note       TEXT NOT NULL DEFAULT '',
    entered_by TEXT,
    entered_at INTEGER
);
CREATE INDEX acquisition_cost_on ON acquisition_cost(spent_on);

CREATE TABLE customer (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    region      TEXT NOT NULL DEFAULT '',
    rep_id      INTEGER REFERENCES rep(id) ON DELETE SET NULL,
    acquired_on TEXT NOT NULL CHECK (date(acquired_on) IS acquired_on),
    churned_on  TEXT CHECK (churned_on IS NULL OR date(churned_on) IS churned_on),
    campaign_id INTEGER REFERENCES campaign(id) ON DELETE SET NULL,
    entered_by  TEXT,
    entered_at  INTEGER,
    CHECK (churned_on IS NULL OR churned_on >= acquired_on)
);
CREATE INDEX customer_rep ON customer(rep_id);
CREATE INDEX customer_campaign ON customer(campaign_id);

CREATE TABLE deal (
    id              INTEGER PRIMARY KEY,
    rep_id          INTEGER NOT NULL REFERENCES rep(id) ON DELETE RESTRICT,
    customer_id     INTEGER REFERENCES customer(id) ON DELETE SET NULL,
    campaign_id     INTEGER REFERENCES campaign(id) ON DELETE SET NULL,
    amount          INTEGER NOT NULL CHECK (amount >= 0),
    cost            INTEGER NOT NULL DEFAULT 0 CHECK (cost >= 0),
    units           INTEGER NOT NULL DEFAULT 1 CHECK (units >= 0),
    score           INTEGER CHECK (score BETWEEN 1 AND 5),
    kind            TEXT NOT NULL DEFAULT 'new' CHECK (kind IN ('new', 'upsell', 'cross_sell', 'renewal')),
    product         TEXT NOT NULL DEFAULT '',
    location        TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL CHECK (typeof(created_at) = 'integer' AND created_at BETWEEN 0 AND 32503680000),
    stage           TEXT NOT NULL DEFAULT 'lead' CHECK (stage IN ('lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost')),
    closed_at       INTEGER CHECK (closed_at IS NULL OR (typeof(closed_at) = 'integer' AND closed_at BETWEEN 0 AND 32503680000)),
    lost_reason     TEXT,
    lost_from_stage TEXT CHECK (lost_from_stage IN ('lead', 'qualified', 'proposal', 'negotiation')),
    entered_by      TEXT,
    entered_at      INTEGER,
    CHECK ((stage IN ('won', 'lost')) = (closed_at IS NOT NULL)),
    CHECK (closed_at IS NULL OR closed_at >= created_at),
    CHECK (stage = 'lost' OR lost_from_stage IS NULL)
);
CREATE INDEX deal_closed ON deal(closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX deal_created ON deal(created_at);
CREATE INDEX deal_open ON deal(stage) WHERE stage NOT IN ('won', 'lost');
CREATE INDEX deal_rep ON deal(rep_id);
CREATE INDEX deal_customer ON deal(customer_id);
CREATE INDEX deal_campaign ON deal(campaign_id);

CREATE TABLE stage_change (
    id         INTEGER PRIMARY KEY,
    deal_id    INTEGER NOT NULL REFERENCES deal(id) ON DELETE CASCADE,
    from_stage TEXT CHECK (from_stage IN ('lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost')),
    to_stage   TEXT NOT NULL CHECK (to_stage IN ('lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost')),
    at         INTEGER NOT NULL CHECK (typeof(at) = 'integer' AND at BETWEEN 0 AND 32503680000),
    entered_by TEXT,
    entered_at INTEGER
);
CREATE INDEX stage_change_deal ON stage_change(deal_id, at);
CREATE INDEX stage_change_at ON stage_change(at);

CREATE TABLE activity (
    id           INTEGER PRIMARY KEY,
    rep_id       INTEGER NOT NULL REFERENCES rep(id) ON DELETE RESTRICT,
    kind         TEXT NOT NULL CHECK (kind IN ('call', 'meeting')),
    at           INTEGER NOT NULL CHECK (typeof(at) = 'integer' AND at BETWEEN 0 AND 32503680000),
    duration_min INTEGER NOT NULL DEFAULT 0 CHECK (duration_min >= 0),
    outcome      TEXT NOT NULL DEFAULT 'reached' CHECK (outcome IN ('reached', 'no_answer', 'meeting_set', 'deal_won', 'follow_up', 'held', 'cancelled', 'other')),
    customer_id  INTEGER REFERENCES customer(id) ON DELETE SET NULL,
    deal_id      INTEGER REFERENCES deal(id) ON DELETE SET NULL,
    note         TEXT NOT NULL DEFAULT '',
    entered_by   TEXT,
    entered_at   INTEGER
);
CREATE INDEX activity_at ON activity(at);
CREATE INDEX activity_rep_at ON activity(rep_id, at);
CREATE INDEX activity_customer_at ON activity(customer_id, at) WHERE customer_id IS NOT NULL;

CREATE TABLE satisfaction (
    id         INTEGER PRIMARY KEY,
    rep_id     INTEGER NOT NULL REFERENCES rep(id) ON DELETE CASCADE,
    taken_on   TEXT NOT NULL CHECK (date(taken_on) IS taken_on),
    score      INTEGER NOT NULL CHECK (score BETWEEN 1 AND 10),
    workload   INTEGER CHECK (workload BETWEEN 1 AND 5),
    team       INTEGER CHECK (team BETWEEN 1 AND 5),
    manager    INTEGER CHECK (manager BETWEEN 1 AND 5),
    pay        INTEGER CHECK (pay BETWEEN 1 AND 5),
    comment    TEXT NOT NULL DEFAULT '',
    entered_by TEXT,
    entered_at INTEGER
);
CREATE INDEX satisfaction_rep ON satisfaction(rep_id, taken_on);

CREATE TABLE knowledge_test (
    id         INTEGER PRIMARY KEY,
    rep_id     INTEGER NOT NULL REFERENCES rep(id) ON DELETE CASCADE,
    taken_on   TEXT NOT NULL CHECK (date(taken_on) IS taken_on),
    score      INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    entered_by TEXT,
    entered_at INTEGER
);
CREATE INDEX knowledge_test_rep ON knowledge_test(rep_id, taken_on);

CREATE TABLE inquiry (
    id                INTEGER PRIMARY KEY,
    rep_id            INTEGER NOT NULL REFERENCES rep(id) ON DELETE RESTRICT,
    customer_id       INTEGER REFERENCES customer(id) ON DELETE SET NULL,
    channel           TEXT NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'phone', 'web', 'chat', 'social', 'other')),
    received_at       INTEGER NOT NULL CHECK (typeof(received_at) = 'integer' AND received_at BETWEEN 0 AND 32503680000),
    first_response_at INTEGER CHECK (first_response_at IS NULL OR (typeof(first_response_at) = 'integer' AND first_response_at BETWEEN 0 AND 32503680000)),
    entered_by        TEXT,
    entered_at        INTEGER,
    CHECK (first_response_at IS NULL OR first_response_at >= received_at)
);
CREATE INDEX inquiry_received ON inquiry(received_at);
CREATE INDEX inquiry_rep ON inquiry(rep_id, received_at);

CREATE TABLE invoice (
    id         INTEGER PRIMARY KEY,
    deal_id    INTEGER NOT NULL REFERENCES deal(id) ON DELETE CASCADE,
    amount     INTEGER NOT NULL CHECK (amount >= 0),
    issued_on  TEXT NOT NULL CHECK (date(issued_on) IS issued_on),
    due_on     TEXT NOT NULL CHECK (date(due_on) IS due_on),
    paid_on    TEXT CHECK (paid_on IS NULL OR date(paid_on) IS paid_on),
    entered_by TEXT,
    entered_at INTEGER,
    CHECK (due_on >= issued_on)
);
CREATE INDEX invoice_deal ON invoice(deal_id);
CREATE INDEX invoice_unpaid ON invoice(due_on) WHERE paid_on IS NULL;

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL CHECK (typeof(at) = 'integer' AND at BETWEEN 0 AND 32503680000),
    uid        INTEGER NOT NULL,
    user       TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete', 'import')),
    entity     TEXT NOT NULL,
    row_id     INTEGER,
    old_values TEXT,
    new_values TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_entity ON audit_log(entity, row_id);
