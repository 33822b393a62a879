-- +goose Up
-- Issue 12, e-Kinerja BKN predikat: a rule set may take the monthly predikat
-- from the national e-Kinerja export instead of the atasan's rating here
-- (tpp rule params produktivitas.sumber = 'ekinerja_bkn'). Each uploaded
-- export is kept in predikat_bkn_impor with its report (who was matched,
-- missing, unknown, refused or frozen); the predikat it brought is in
-- predikat_bkn, one row per employee and month, naming the import that last
-- set it. Every change is audited by the importer (kinerja.predikat_bkn).
CREATE TABLE predikat_bkn_impor (
    id          bigserial PRIMARY KEY,
    opd_id      bigint NOT NULL REFERENCES opd(id),
    period      date NOT NULL CHECK (extract(day FROM period) = 1),
    user_id     bigint REFERENCES users(id),
    actor_nip   text NOT NULL DEFAULT '',
    berkas      text NOT NULL DEFAULT '' CHECK (length(berkas) <= 300),
    sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    status      text NOT NULL CHECK (status IN ('diterapkan', 'ditolak')),
    laporan     jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX predikat_bkn_impor_opd_idx ON predikat_bkn_impor (opd_id, id DESC);

CREATE TABLE predikat_bkn (
    pegawai_id      bigint NOT NULL REFERENCES pegawai(id),
    period          date NOT NULL CHECK (extract(day FROM period) = 1),
    predikat        text NOT NULL CHECK (predikat IN ('sangat_baik', 'baik', 'butuh_perbaikan', 'kurang', 'sangat_kurang')),
    hasil_kerja     text NOT NULL DEFAULT '' CHECK (hasil_kerja IN ('', 'di_atas', 'sesuai', 'di_bawah')),
    perilaku_kerja  text NOT NULL DEFAULT '' CHECK (perilaku_kerja IN ('', 'di_atas', 'sesuai', 'di_bawah')),
    impor_id        bigint NOT NULL REFERENCES predikat_bkn_impor(id),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pegawai_id, period)
);
CREATE INDEX predikat_bkn_period_idx ON predikat_bkn (period);

-- The last line behind the importer's own check: an imported predikat that
-- an approved or paid monthly claim used is frozen like a local rating; it
-- changes only after a verifikator reopens that claim (back to draft).
-- +goose StatementBegin
CREATE FUNCTION predikat_bkn_beku() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    IF TG_OP = 'DELETE' THEN
        r := OLD;
    ELSE
        r := NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM tpp_claim c JOIN tpp_claim_pegawai cp ON cp.claim_id = c.id
               WHERE cp.pegawai_id = r.pegawai_id AND c.period = r.period AND c.jenis = 'bulanan'
                 AND c.status IN ('approved', 'paid')) THEN
        RAISE EXCEPTION 'predikat e-Kinerja BKN pegawai % bulan % sudah dipakai klaim TPP yang disetujui', r.pegawai_id, r.period
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER predikat_bkn_beku BEFORE INSERT OR UPDATE OR DELETE ON predikat_bkn
    FOR EACH ROW EXECUTE FUNCTION predikat_bkn_beku();

-- +goose Down
-- Forward-only: restoring from a backup is the way back.
SELECT 1;
