-- +goose Up
-- Issue 11 / SPEC 4a: kekurangan / kelebihan bayar. A change that lands
-- after a month was paid (a late hukdis, an attendance correction, a
-- corrected rating) is recomputed against what was paid; the difference is
-- recorded here with its cause and the new computation (the paid one is the
-- paid claim's own rows and lines), and settled as a line of the next
-- monthly claims: a kelebihan is deducted only as far as the month's net
-- allows, the rest stays open for the month after.
CREATE TABLE tpp_selisih (
    id              bigserial PRIMARY KEY,
    pegawai_id      bigint NOT NULL REFERENCES pegawai(id),
    opd_id          bigint NOT NULL REFERENCES opd(id),
    period          date NOT NULL CHECK (extract(day FROM period) = 1),
    -- the paid claim: the first computation
    claim_id        bigint NOT NULL REFERENCES tpp_claim(id),
    paid_net        bigint NOT NULL,
    recomputed_net  bigint NOT NULL CHECK (recomputed_net >= 0),
    -- recomputed - paid - what earlier differences of this month already said
    amount          bigint NOT NULL CHECK (amount <> 0),
    cause           text NOT NULL CHECK (length(cause) BETWEEN 1 AND 2000),
    -- the second computation: its input and result (tpp.Input, tpp.Result)
    input           jsonb NOT NULL,
    result          jsonb NOT NULL,
    held            boolean NOT NULL DEFAULT false,
    hold_reason     text NOT NULL DEFAULT '',
    created_by      bigint REFERENCES users(id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (NOT held OR btrim(hold_reason) <> '')
);
CREATE INDEX tpp_selisih_pegawai_idx ON tpp_selisih (pegawai_id, period);

-- A difference is never changed except being held or released.
-- +goose StatementBegin
CREATE FUNCTION tpp_selisih_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.amount <> OLD.amount OR NEW.pegawai_id <> OLD.pegawai_id OR NEW.claim_id <> OLD.claim_id
       OR NEW.period <> OLD.period OR NEW.input <> OLD.input OR NEW.result <> OLD.result THEN
        RAISE EXCEPTION 'selisih TPP % tidak boleh diubah atau dihapus', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER tpp_selisih_guard BEFORE UPDATE OR DELETE ON tpp_selisih
    FOR EACH ROW EXECUTE FUNCTION tpp_selisih_guard();

-- tpp_selisih_pakai is how much of a difference a claim settles (signed like
-- the difference); it counts once the claim is approved or paid.
CREATE TABLE tpp_selisih_pakai (
    selisih_id  bigint NOT NULL REFERENCES tpp_selisih(id),
    claim_id    bigint NOT NULL REFERENCES tpp_claim(id),
    amount      bigint NOT NULL CHECK (amount <> 0),
    PRIMARY KEY (selisih_id, claim_id)
);
CREATE INDEX tpp_selisih_pakai_claim_idx ON tpp_selisih_pakai (claim_id);
CREATE TRIGGER tpp_selisih_pakai_ins AFTER INSERT ON tpp_selisih_pakai
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tpp_claim_rows_guard();
CREATE TRIGGER tpp_selisih_pakai_del AFTER DELETE ON tpp_selisih_pakai
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tpp_claim_rows_guard();

-- +goose Down
-- Forward-only: restoring from a backup is the way back.
SELECT 1;
