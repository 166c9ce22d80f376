-- Who may do what. With no rows in `access`, the file's own permissions decide: anyone
-- who can read the file sees everything, anyone who can write it may change anything.
-- Once there is a row, only the listed uids may use the database through salesboard.
CREATE TABLE access (
    uid        INTEGER PRIMARY KEY CHECK (uid >= 0),
    -- The login name when the row was written, for people reading the table; the uid decides.
    user       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('viewer', 'manager', 'admin')),
    granted_by TEXT NOT NULL,
    granted_at INTEGER NOT NULL CHECK (granted_at = CAST(granted_at AS INTEGER))
);

-- The teams (each with its sub-teams) a viewer or manager may see. None: every team.
CREATE TABLE access_team (
    uid     INTEGER NOT NULL REFERENCES access(uid) ON DELETE CASCADE,
    team_id INTEGER NOT NULL REFERENCES team(id) ON DELETE CASCADE,
    PRIMARY KEY (uid, team_id)
);
