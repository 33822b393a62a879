-- +goose Up
-- Issue 11 / SPEC 4a: the TPP paid with the THR and with the thirteenth
-- salary (gaji ketiga belas). A superadmin records each year's decision; the
-- special claim of an OPD is a tpp_claim of kind 'thr' or 'gaji13' with the
-- same workflow, exports, bank file and bundle as a monthly claim. Its period
-- is the decision's basis month. An employee is paid at most one of each kind
-- per year: the unique index on tpp_bayar_pegawai refuses a second, however
-- the approvals race.

CREATE TABLE tpp_khusus (
    id               bigserial PRIMARY KEY,
    jenis            text NOT NULL CHECK (jenis IN ('thr', 'gaji13')),
    tahun            smallint NOT NULL CHECK (tahun BETWEEN 2000 AND 2999),
    bulan_dasar      date NOT NULL CHECK (extract(day FROM bulan_dasar) = 1 AND extract(year FROM bulan_dasar) = tahun),
    persen           integer NOT NULL CHECK (persen BETWEEN 1 AND 10000),
    pns              boolean NOT NULL,
    cpns             boolean NOT NULL,
    pppk             boolean NOT NULL,
    cuti             boolean NOT NULL,
    hukdis           boolean NOT NULL,
    dengan_potongan  boolean NOT NULL,
    dasar_hukum      text NOT NULL CHECK (length(dasar_hukum) BETWEEN 3 AND 300),
    created_by       bigint REFERENCES users(id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       bigint REFERENCES users(id),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (jenis, tahun),
    CHECK (pns OR cpns OR pppk)
);

ALTER TABLE tpp_claim ADD COLUMN jenis text NOT NULL DEFAULT 'bulanan' CHECK (jenis IN ('bulanan', 'thr', 'gaji13'));
ALTER TABLE tpp_claim ADD COLUMN khusus_id bigint REFERENCES tpp_khusus(id);
ALTER TABLE tpp_claim ADD CONSTRAINT tpp_claim_khusus_kind CHECK ((jenis = 'bulanan') = (khusus_id IS NULL));
ALTER TABLE tpp_claim DROP CONSTRAINT tpp_claim_opd_period_susulan_key;
ALTER TABLE tpp_claim ADD CONSTRAINT tpp_claim_opd_period_jenis_susulan_key UNIQUE (opd_id, period, jenis, susulan);
CREATE INDEX tpp_claim_khusus_idx ON tpp_claim (khusus_id) WHERE khusus_id IS NOT NULL;

-- +goose StatementBegin
CREATE FUNCTION tpp_claim_jenis_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.jenis <> OLD.jenis OR NEW.khusus_id IS DISTINCT FROM OLD.khusus_id THEN
        RAISE EXCEPTION 'klaim TPP %: jenis klaim tidak boleh diubah', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER tpp_claim_jenis_fixed BEFORE UPDATE ON tpp_claim
    FOR EACH ROW EXECUTE FUNCTION tpp_claim_jenis_fixed();

-- A decision that a computed claim follows is never changed or removed.
-- +goose StatementBegin
CREATE FUNCTION tpp_khusus_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM tpp_claim WHERE khusus_id = OLD.id AND inputs_digest <> '') THEN
        RAISE EXCEPTION 'keputusan % % sudah dipakai menghitung klaim dan tidak boleh diubah', OLD.jenis, OLD.tahun
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER tpp_khusus_guard BEFORE UPDATE OR DELETE ON tpp_khusus
    FOR EACH ROW EXECUTE FUNCTION tpp_khusus_guard();

-- Who a claim pays now also says for which kind of payment; the year is kept
-- for the special kinds, which an employee receives once a year.
ALTER TABLE tpp_bayar_pegawai ADD COLUMN jenis text NOT NULL DEFAULT 'bulanan' CHECK (jenis IN ('bulanan', 'thr', 'gaji13'));
ALTER TABLE tpp_bayar_pegawai ADD COLUMN tahun smallint;
ALTER TABLE tpp_bayar_pegawai ADD CONSTRAINT tpp_bayar_pegawai_tahun CHECK ((jenis = 'bulanan') = (tahun IS NULL));
ALTER TABLE tpp_bayar_pegawai DROP CONSTRAINT tpp_bayar_pegawai_pkey;
ALTER TABLE tpp_bayar_pegawai ADD PRIMARY KEY (pegawai_id, opd_id, period, jenis);
CREATE UNIQUE INDEX tpp_bayar_pegawai_khusus_sekali ON tpp_bayar_pegawai (pegawai_id, jenis, tahun) WHERE jenis <> 'bulanan';

-- The guard of 0095, now also taking the kind and year from the claim (so
-- no caller can write a THR row as a monthly one).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tpp_bayar_pegawai_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    st text;
    kind text;
    yr smallint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT status, jenis, extract(year FROM period)::smallint INTO st, kind, yr
        FROM tpp_claim WHERE id = NEW.claim_id AND opd_id = NEW.opd_id AND period = NEW.period;
        IF st IS DISTINCT FROM 'approved' THEN
            RAISE EXCEPTION 'pembayaran pegawai %: klaim % bukan klaim disetujui OPD dan bulan ini', NEW.pegawai_id, NEW.claim_id
                USING ERRCODE = 'check_violation';
        END IF;
        NEW.jenis := kind;
        NEW.tahun := CASE WHEN kind = 'bulanan' THEN NULL ELSE yr END;
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

-- +goose Down
-- Forward-only: restoring from a backup is the way back.
SELECT 1;
