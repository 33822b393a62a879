-- +goose Up
-- Issue 18: a rule-set version could be edited in place after a claim was
-- computed with it and before approval, so the approved claim named a version
-- that now held other amounts and its continuity bundle failed `tpp verify`.
-- A version is now frozen from the first computation that uses it (the Go
-- code sets used = true in the computation's transaction and refuses edits);
-- this is the database's last line: whatever path an UPDATE comes by, the
-- rules of a version that is marked used, or that any computed claim names,
-- never change, and used is never taken back.

-- Versions already computed with are frozen now.
UPDATE tpp_rule_set SET used = true
WHERE NOT used AND id IN (SELECT rule_set_id FROM tpp_claim WHERE inputs_digest <> '');

CREATE INDEX IF NOT EXISTS tpp_claim_rule_set_idx ON tpp_claim (rule_set_id);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tpp_rule_set_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    frozen boolean;
BEGIN
    frozen := OLD.used OR EXISTS (SELECT 1 FROM tpp_claim WHERE rule_set_id = OLD.id AND inputs_digest <> '');
    IF TG_OP = 'DELETE' THEN
        IF frozen THEN
            RAISE EXCEPTION 'tpp_rule_set % versi % sudah dipakai menghitung klaim dan tidak boleh dihapus', OLD.id, OLD.version
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF frozen AND (NOT NEW.used OR NEW.params IS DISTINCT FROM OLD.params OR NEW.name <> OLD.name
                   OR NEW.version <> OLD.version OR NEW.effective_from <> OLD.effective_from) THEN
        RAISE EXCEPTION 'tpp_rule_set % versi % sudah dipakai menghitung klaim dan dikunci; buat versi baru', OLD.id, OLD.version
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tpp_rule_set_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.used THEN
            RAISE EXCEPTION 'tpp_rule_set % versi % sudah dipakai klaim yang disetujui dan tidak boleh dihapus', OLD.id, OLD.version
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.used AND (NOT NEW.used OR NEW.params IS DISTINCT FROM OLD.params OR NEW.name <> OLD.name
                     OR NEW.version <> OLD.version OR NEW.effective_from <> OLD.effective_from) THEN
        RAISE EXCEPTION 'tpp_rule_set % versi % sudah dipakai klaim yang disetujui; buat versi baru', OLD.id, OLD.version
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
DROP INDEX IF EXISTS tpp_claim_rule_set_idx;
