-- salesboard schema, migration 3: the change log, and an index for the latest typed entries.
--
-- Every change to a table the figures are computed from is noted in `change_log` by the
-- triggers below, whichever program made it (salesboard, `import`, a script writing SQL).
-- An open board that sees the file change (PRAGMA data_version) reads the notes added since
-- it last looked and re-reads only the rows of the reps they name, instead of everything.
-- Only the newest 10 000 notes are kept: a board that fell further behind reads everything.
-- Integrations need do nothing: the triggers write the notes. (A stage change or invoice
-- removed with its deal is noted by the deal's own note.)
CREATE TABLE change_log (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The table that changed ('deal' also for a deal's stage changes).
    tbl         TEXT NOT NULL,
    -- The rep whose figures the row feeds; NULL for tables not tied to one rep (teams,
    -- reps, settings, campaigns…), which make a board read everything again.
    rep_id      INTEGER,
    -- The customer the row touches, when there is one (its won deals and last contact
    -- are figures of the rep who owns the customer).
    customer_id INTEGER
);

-- The latest entries typed into salesboard (the Activity pane, the corrections list).
CREATE INDEX activity_entered ON activity(entered_at) WHERE entered_at IS NOT NULL;
-- Calls and meetings per rep per day are counted from this index alone, without reading
-- the rows (it replaces the plain index on `at`).
DROP INDEX activity_at;
CREATE INDEX activity_at ON activity(at, rep_id, kind, customer_id);
-- A customer's won deals (count, first) from the index alone.
CREATE INDEX deal_won_customer ON deal(customer_id, closed_at) WHERE stage = 'won';

-- deal
CREATE TRIGGER deal_insert_log AFTER INSERT ON deal BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('deal', NEW.rep_id, NEW.customer_id);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER deal_update_log AFTER UPDATE ON deal BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('deal', OLD.rep_id, OLD.customer_id);
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('deal', NEW.rep_id, NEW.customer_id);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER deal_delete_log AFTER DELETE ON deal BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('deal', OLD.rep_id, OLD.customer_id);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
-- stage_change
CREATE TRIGGER stage_change_insert_log AFTER INSERT ON stage_change BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) SELECT 'deal', rep_id, customer_id FROM deal WHERE id = NEW.deal_id;
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER stage_change_update_log AFTER UPDATE ON stage_change BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) SELECT 'deal', rep_id, customer_id FROM deal WHERE id = OLD.deal_id;
    INSERT INTO change_log (tbl, rep_id, customer_id) SELECT 'deal', rep_id, customer_id FROM deal WHERE id = NEW.deal_id;
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER stage_change_delete_log AFTER DELETE ON stage_change BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) SELECT 'deal', rep_id, customer_id FROM deal WHERE id = OLD.deal_id;
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
-- activity
CREATE TRIGGER activity_insert_log AFTER INSERT ON activity BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('activity', NEW.rep_id, NEW.customer_id);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER activity_update_log AFTER UPDATE ON activity BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('activity', OLD.rep_id, OLD.customer_id);
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('activity', NEW.rep_id, NEW.customer_id);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER activity_delete_log AFTER DELETE ON activity BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('activity', OLD.rep_id, OLD.customer_id);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
-- customer
CREATE TRIGGER customer_insert_log AFTER INSERT ON customer BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('customer', NEW.rep_id, NEW.id);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER customer_update_log AFTER UPDATE ON customer BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('customer', OLD.rep_id, OLD.id);
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('customer', NEW.rep_id, NEW.id);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER customer_delete_log AFTER DELETE ON customer BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('customer', OLD.rep_id, OLD.id);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
-- inquiry
CREATE TRIGGER inquiry_insert_log AFTER INSERT ON inquiry BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('inquiry', NEW.rep_id, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER inquiry_update_log AFTER UPDATE ON inquiry BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('inquiry', OLD.rep_id, NULL);
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('inquiry', NEW.rep_id, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER inquiry_delete_log AFTER DELETE ON inquiry BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('inquiry', OLD.rep_id, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
-- invoice
CREATE TRIGGER invoice_insert_log AFTER INSERT ON invoice BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) SELECT 'invoice', rep_id, NULL FROM deal WHERE id = NEW.deal_id;
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER invoice_update_log AFTER UPDATE ON invoice BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) SELECT 'invoice', rep_id, NULL FROM deal WHERE id = OLD.deal_id;
    INSERT INTO change_log (tbl, rep_id, customer_id) SELECT 'invoice', rep_id, NULL FROM deal WHERE id = NEW.deal_id;
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER invoice_delete_log AFTER DELETE ON invoice BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) SELECT 'invoice', rep_id, NULL FROM deal WHERE id = OLD.deal_id;
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
-- satisfaction
CREATE TRIGGER satisfaction_insert_log AFTER INSERT ON satisfaction BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('satisfaction', NEW.rep_id, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER satisfaction_update_log AFTER UPDATE ON satisfaction BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('satisfaction', OLD.rep_id, NULL);
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('satisfaction', NEW.rep_id, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER satisfaction_delete_log AFTER DELETE ON satisfaction BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('satisfaction', OLD.rep_id, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
-- knowledge_test
CREATE TRIGGER knowledge_test_insert_log AFTER INSERT ON knowledge_test BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('knowledge_test', NEW.rep_id, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER knowledge_test_update_log AFTER UPDATE ON knowledge_test BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('knowledge_test', OLD.rep_id, NULL);
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('knowledge_test', NEW.rep_id, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER knowledge_test_delete_log AFTER DELETE ON knowledge_test BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('knowledge_test', OLD.rep_id, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
-- plan
CREATE TRIGGER plan_insert_log AFTER INSERT ON plan BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('plan', NEW.rep_id, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER plan_update_log AFTER UPDATE ON plan BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('plan', OLD.rep_id, NULL);
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('plan', NEW.rep_id, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER plan_delete_log AFTER DELETE ON plan BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('plan', OLD.rep_id, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
-- Tables not tied to one rep.
CREATE TRIGGER settings_insert_log AFTER INSERT ON settings BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('settings', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER settings_update_log AFTER UPDATE ON settings BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('settings', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER settings_delete_log AFTER DELETE ON settings BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('settings', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER team_insert_log AFTER INSERT ON team BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('team', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER team_update_log AFTER UPDATE ON team BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('team', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER team_delete_log AFTER DELETE ON team BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('team', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER rep_insert_log AFTER INSERT ON rep BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('rep', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER rep_update_log AFTER UPDATE ON rep BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('rep', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER rep_delete_log AFTER DELETE ON rep BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('rep', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER team_plan_insert_log AFTER INSERT ON team_plan BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('team_plan', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER team_plan_update_log AFTER UPDATE ON team_plan BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('team_plan', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER team_plan_delete_log AFTER DELETE ON team_plan BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('team_plan', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER campaign_insert_log AFTER INSERT ON campaign BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('campaign', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER campaign_update_log AFTER UPDATE ON campaign BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('campaign', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER campaign_delete_log AFTER DELETE ON campaign BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('campaign', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER acquisition_cost_insert_log AFTER INSERT ON acquisition_cost BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('acquisition_cost', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER acquisition_cost_update_log AFTER UPDATE ON acquisition_cost BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('acquisition_cost', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER acquisition_cost_delete_log AFTER DELETE ON acquisition_cost BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('acquisition_cost', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER access_insert_log AFTER INSERT ON access BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('access', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER access_update_log AFTER UPDATE ON access BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('access', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER access_delete_log AFTER DELETE ON access BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('access', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER access_team_insert_log AFTER INSERT ON access_team BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('access_team', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER access_team_update_log AFTER UPDATE ON access_team BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('access_team', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
CREATE TRIGGER access_team_delete_log AFTER DELETE ON access_team BEGIN
    INSERT INTO change_log (tbl, rep_id, customer_id) VALUES ('access_team', NULL, NULL);
    DELETE FROM change_log WHERE seq <= (SELECT max(seq) FROM change_log) - 10000;
END;
