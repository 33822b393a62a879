-- +goose Up
-- Issue 18 / SPEC 4a: an employee who cannot be computed (or has no bank
-- account) is held out of the monthly claim and paid in a supplementary claim
-- (klaim susulan) of the same OPD and month, and nobody is paid twice for one
-- month.

-- susulan numbers the claims of one OPD and month: 0 is the monthly claim,
-- 1, 2, ... the supplementary claims in the order they were made.
ALTER TABLE tpp_claim ADD COLUMN susulan smallint NOT NULL DEFAULT 0 CHECK (susulan BETWEEN 0 AND 99);
ALTER TABLE tpp_claim DROP CONSTRAINT tpp_claim_opd_id_period_key;
ALTER TABLE tpp_claim ADD CONSTRAINT tpp_claim_opd_period_susulan_key UNIQUE (opd_id, period, susulan);

-- +goose StatementBegin
CREATE FUNCTION tpp_claim_susulan_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.susulan <> OLD.susulan THEN
        RAISE EXCEPTION 'klaim TPP %: nomor susulan tidak boleh diubah', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER tpp_claim_susulan_fixed BEFORE UPDATE ON tpp_claim
    FOR EACH ROW EXECUTE FUNCTION tpp_claim_susulan_fixed();

-- tpp_bayar_pegawai is who a claim pays: one row per employee, OPD and month,
-- written when the claim is approved (the bank file is made from these rows
-- only) and kept for good once it is paid. The primary key is the guard: a
-- second claim of the same OPD and month (monthly or susulan) that holds the
-- same employee cannot be approved, however the clicks race. An employee
-- moved mid-month is paid by each OPD for its own days, so the OPD is part of
-- the key.
CREATE TABLE tpp_bayar_pegawai (
    pegawai_id     bigint NOT NULL REFERENCES pegawai(id),
    opd_id         bigint NOT NULL REFERENCES opd(id),
    period         date NOT NULL,
    claim_id       bigint NOT NULL REFERENCES tpp_claim(id),
    amount         bigint NOT NULL CHECK (amount >= 0),
    bank_rekening  text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pegawai_id, opd_id, period)
);
CREATE INDEX tpp_bayar_pegawai_claim_idx ON tpp_bayar_pegawai (claim_id);

-- A row is written only for an approved claim of its OPD and month, for an
-- employee of that claim who was computed, with the claim's net amount, and
-- with an account unless there is nothing to transfer. It is removed only
-- when its claim is reopened (back to draft), never once paid; it is never
-- changed.
-- +goose StatementBegin
CREATE FUNCTION tpp_bayar_pegawai_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    st text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT status INTO st FROM tpp_claim WHERE id = NEW.claim_id AND opd_id = NEW.opd_id AND period = NEW.period;
        IF st IS DISTINCT FROM 'approved' THEN
            RAISE EXCEPTION 'pembayaran pegawai %: klaim % bukan klaim disetujui OPD dan bulan ini', NEW.pegawai_id, NEW.claim_id
                USING ERRCODE = 'check_violation';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM tpp_claim_pegawai r WHERE r.claim_id = NEW.claim_id AND r.pegawai_id = NEW.pegawai_id
                       AND r.error = '' AND r.net = NEW.amount AND r.bank_rekening = NEW.bank_rekening
                       AND (r.net = 0 OR r.bank_rekening <> '')) THEN
            RAISE EXCEPTION 'pembayaran pegawai %: tidak sesuai rincian klaim % (belum dihitung, jumlah lain, atau tanpa rekening)', NEW.pegawai_id, NEW.claim_id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        SELECT status INTO st FROM tpp_claim WHERE id = OLD.claim_id;
        IF st IS DISTINCT FROM 'draft' THEN
            RAISE EXCEPTION 'pembayaran pegawai % pada klaim % (%) tidak boleh dihapus', OLD.pegawai_id, OLD.claim_id, st
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'pembayaran pegawai tidak boleh diubah' USING ERRCODE = 'check_violation';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER tpp_bayar_pegawai_guard BEFORE INSERT OR UPDATE OR DELETE ON tpp_bayar_pegawai
    FOR EACH ROW EXECUTE FUNCTION tpp_bayar_pegawai_guard();
CREATE TRIGGER tpp_bayar_pegawai_no_truncate BEFORE TRUNCATE ON tpp_bayar_pegawai
    FOR EACH STATEMENT EXECUTE FUNCTION tpp_payment_immutable();

-- Claims approved or paid before this migration pay every computed employee
-- with an account (or nothing to transfer), as their bank file did.
-- The guard only admits rows of approved claims, so it is off for this fill.
ALTER TABLE tpp_bayar_pegawai DISABLE TRIGGER tpp_bayar_pegawai_guard;
INSERT INTO tpp_bayar_pegawai (pegawai_id, opd_id, period, claim_id, amount, bank_rekening)
SELECT r.pegawai_id, c.opd_id, c.period, c.id, r.net, r.bank_rekening
FROM tpp_claim c JOIN tpp_claim_pegawai r ON r.claim_id = c.id
WHERE c.status IN ('approved', 'paid') AND r.error = '' AND (r.net = 0 OR r.bank_rekening <> '')
ON CONFLICT DO NOTHING;
ALTER TABLE tpp_bayar_pegawai ENABLE TRIGGER tpp_bayar_pegawai_guard;

-- +goose Down
-- Forward-only: restoring from a backup is the way back.
SELECT 1;
