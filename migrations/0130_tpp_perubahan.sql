-- +goose Up
-- Issue 11 / SPEC 4a: a change that lands after a month was paid starts its
-- own difference. Every late hukdis (recorded, changed or removed), every
-- attendance correction and every corrected rating of an employee and month
-- that a paid monthly claim paid is queued here, in the same transaction as
-- the change, by the triggers below (whatever path the change comes by).
-- The claim domain recomputes the paid month of each queued change before
-- any monthly claim is computed (and on `ekinerja tpp selisih`), records the
-- difference linked to the change (tpp_selisih.perubahan_id), and marks the
-- change done.
CREATE TABLE tpp_perubahan (
    id            bigserial PRIMARY KEY,
    pegawai_id    bigint NOT NULL REFERENCES pegawai(id),
    period        date NOT NULL CHECK (extract(day FROM period) = 1),
    sumber        text NOT NULL CHECK (sumber IN ('hukdis', 'koreksi_kehadiran', 'koreksi_predikat')),
    sumber_id     bigint NOT NULL,
    keterangan    text NOT NULL CHECK (length(keterangan) BETWEEN 1 AND 600),
    created_at    timestamptz NOT NULL DEFAULT now(),
    processed_at  timestamptz
);
CREATE INDEX tpp_perubahan_open_idx ON tpp_perubahan (pegawai_id, period) WHERE processed_at IS NULL;

ALTER TABLE tpp_selisih ADD COLUMN perubahan_id bigint REFERENCES tpp_perubahan(id);

-- tpp_perubahan_catat queues a change of employee p's month m when a paid
-- monthly claim paid p for m.
-- +goose StatementBegin
CREATE FUNCTION tpp_perubahan_catat(p bigint, m date, src text, src_id bigint, what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM tpp_bayar_pegawai b JOIN tpp_claim c ON c.id = b.claim_id
               WHERE b.pegawai_id = p AND b.period = m AND b.jenis = 'bulanan' AND c.status = 'paid') THEN
        INSERT INTO tpp_perubahan (pegawai_id, period, sumber, sumber_id, keterangan) VALUES (p, m, src, src_id, left(what, 600));
    END IF;
END;
$$;

CREATE FUNCTION tpp_perubahan_hukdis_bulan(p bigint, mulai date, lama integer, src_id bigint, what text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    m date;
BEGIN
    FOR m IN SELECT generate_series(mulai, mulai + make_interval(months => lama - 1), interval '1 month')::date LOOP
        PERFORM tpp_perubahan_catat(p, m, 'hukdis', src_id, what);
    END LOOP;
END;
$$;

CREATE FUNCTION tpp_perubahan_hukdis() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM tpp_perubahan_hukdis_bulan(NEW.pegawai_id, NEW.mulai_bulan, NEW.lama_bulan, NEW.id,
            'Hukuman disiplin ' || NEW.jenis || ' dicatat (SK ' || NEW.nomor_sk || ')');
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM tpp_perubahan_hukdis_bulan(OLD.pegawai_id, OLD.mulai_bulan, OLD.lama_bulan, OLD.id, 'Hukuman disiplin SK ' || OLD.nomor_sk || ' diubah');
        PERFORM tpp_perubahan_hukdis_bulan(NEW.pegawai_id, NEW.mulai_bulan, NEW.lama_bulan, NEW.id, 'Hukuman disiplin SK ' || NEW.nomor_sk || ' diubah');
    ELSE
        PERFORM tpp_perubahan_hukdis_bulan(OLD.pegawai_id, OLD.mulai_bulan, OLD.lama_bulan, OLD.id, 'Hukuman disiplin SK ' || OLD.nomor_sk || ' dihapus');
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION tpp_perubahan_koreksi() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tpp_perubahan_catat(NEW.pegawai_id, date_trunc('month', NEW.tanggal)::date, 'koreksi_kehadiran', NEW.id,
        'Koreksi kehadiran ' || to_char(NEW.tanggal, 'YYYY-MM-DD') || ': ' || NEW.alasan);
    RETURN NULL;
END;
$$;

CREATE FUNCTION tpp_perubahan_predikat() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.predikat IS DISTINCT FROM OLD.predikat THEN
        PERFORM tpp_perubahan_catat(NEW.pegawai_id, make_date(NEW.tahun, NEW.bulan, 1), 'koreksi_predikat', NEW.id,
            'Predikat dikoreksi dari ' || coalesce(OLD.predikat, '-') || ' menjadi ' || coalesce(NEW.predikat, '-'));
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER tpp_perubahan_hukdis AFTER INSERT OR UPDATE OR DELETE ON hukuman_disiplin
    FOR EACH ROW EXECUTE FUNCTION tpp_perubahan_hukdis();
CREATE TRIGGER tpp_perubahan_koreksi AFTER INSERT ON koreksi_kehadiran
    FOR EACH ROW EXECUTE FUNCTION tpp_perubahan_koreksi();
CREATE TRIGGER tpp_perubahan_predikat AFTER UPDATE ON penilaian_bulanan
    FOR EACH ROW EXECUTE FUNCTION tpp_perubahan_predikat();

-- +goose Down
-- Forward-only: restoring from a backup is the way back.
SELECT 1;
