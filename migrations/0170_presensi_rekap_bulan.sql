-- +goose Up
-- Issue 15, "read paths built for speed": the monthly attendance recap of
-- each employee is stored, so the OPD recap page, its .xlsx and API and the
-- TPP computation read one row per employee instead of judging every day of
-- the month on every view.
--
-- A row is the judgement of one employee's month by the attendance store
-- (attendance.RecapMonth, the one arithmetic): the counts, the leave and DL
-- requests the month's excused days belong to (cuti), and what it was
-- judged with:
--   * kunci: a digest of the work schedule's pattern, the month's holidays
--     and the last day judged (sampai: yesterday in a running month); a
--     row whose kunci differs from what those inputs give today is stale;
--   * batas_tl / batas_psw: the TL/PSW band edges of the rule set; a row is
--     only served for the same edges.
-- The employee's own days (kehadiran, koreksi_kehadiran, cuti) are the other
-- inputs: every write path of the attendance store refreshes the rows of
-- the employee-months it changed in its own transaction
-- (attendance.Store.RefreshMonth), and the triggers below mark a row stale
-- (basi) and bump its versi whenever one of those tables changes by any
-- other way (a script, a restore of one table, a test), so a stale row is
-- never served: it is judged again on its next read.
--
-- No backfill here: the judgement lives in Go. A month without rows (every
-- month right after this migration) is judged on its first read and stored
-- then; later reads use the rows. The table is derived data: a backup keeps
-- it (it is consistent with the days in the same snapshot) and deleting
-- every row loses nothing but time.
CREATE TABLE presensi_rekap_bulan (
    pegawai_id          bigint NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    bulan               date NOT NULL CHECK (extract(day FROM bulan) = 1),
    basi                boolean NOT NULL DEFAULT true,
    versi               bigint NOT NULL DEFAULT 0,
    kunci               text NOT NULL DEFAULT '',
    batas_tl            integer[] NOT NULL DEFAULT '{}',
    batas_psw           integer[] NOT NULL DEFAULT '{}',
    sampai              date,
    hari_dinilai        integer NOT NULL DEFAULT 0,
    hari_kerja          integer NOT NULL DEFAULT 0,
    hari_libur          integer NOT NULL DEFAULT 0,
    hadir               integer NOT NULL DEFAULT 0,
    tepat_waktu         integer NOT NULL DEFAULT 0,
    tl                  integer[] NOT NULL DEFAULT '{0,0,0,0}' CHECK (array_length(tl, 1) = 4),
    psw                 integer[] NOT NULL DEFAULT '{0,0,0,0}' CHECK (array_length(psw, 1) = 4),
    tl_tanpa_rekam      integer NOT NULL DEFAULT 0,
    psw_tanpa_rekam     integer NOT NULL DEFAULT 0,
    tk                  integer NOT NULL DEFAULT 0,
    tanpa_rekam         integer NOT NULL DEFAULT 0,
    menit_terlambat     integer NOT NULL DEFAULT 0,
    menit_pulang_cepat  integer NOT NULL DEFAULT 0,
    dikoreksi           integer NOT NULL DEFAULT 0,
    per_status          jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(per_status) = 'object'),
    per_alasan          jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(per_alasan) = 'object'),
    cuti                jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(cuti) = 'array'),
    diperbarui_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (bulan, pegawai_id)
);
-- The recap page looks its rows up by (bulan, pegawai_id); removing an
-- employee finds theirs by pegawai_id.
CREATE INDEX presensi_rekap_bulan_pegawai_idx ON presensi_rekap_bulan (pegawai_id);

-- Days of kehadiran or koreksi_kehadiran changed: their employee-months are stale.
-- +goose StatementBegin
CREATE FUNCTION presensi_rekap_basi_hari() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE presensi_rekap_bulan r SET basi = true, versi = r.versi + 1
        FROM (SELECT DISTINCT pegawai_id, date_trunc('month', tanggal)::date AS bulan FROM baru) t
        WHERE r.pegawai_id = t.pegawai_id AND r.bulan = t.bulan;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE presensi_rekap_bulan r SET basi = true, versi = r.versi + 1
        FROM (SELECT DISTINCT pegawai_id, date_trunc('month', tanggal)::date AS bulan FROM lama) t
        WHERE r.pegawai_id = t.pegawai_id AND r.bulan = t.bulan;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- An approved leave or DL request came or went (approved, or an approved one
-- changed or removed): every month it touches is stale. A request waiting,
-- refused or cancelled before its decision excuses nothing.
-- +goose StatementBegin
CREATE FUNCTION presensi_rekap_basi_cuti() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE presensi_rekap_bulan r SET basi = true, versi = r.versi + 1
        FROM (SELECT DISTINCT c.pegawai_id, m::date AS bulan FROM baru c,
              generate_series(date_trunc('month', c.mulai), c.selesai, interval '1 month') m
              WHERE c.status = 'disetujui') t
        WHERE r.pegawai_id = t.pegawai_id AND r.bulan = t.bulan;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE presensi_rekap_bulan r SET basi = true, versi = r.versi + 1
        FROM (SELECT DISTINCT c.pegawai_id, m::date AS bulan FROM lama c,
              generate_series(date_trunc('month', c.mulai), c.selesai, interval '1 month') m
              WHERE c.status = 'disetujui') t
        WHERE r.pegawai_id = t.pegawai_id AND r.bulan = t.bulan;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER kehadiran_rekap_tambah AFTER INSERT ON kehadiran
    REFERENCING NEW TABLE AS baru FOR EACH STATEMENT EXECUTE FUNCTION presensi_rekap_basi_hari();
CREATE TRIGGER kehadiran_rekap_ubah AFTER UPDATE ON kehadiran
    REFERENCING OLD TABLE AS lama NEW TABLE AS baru FOR EACH STATEMENT EXECUTE FUNCTION presensi_rekap_basi_hari();
CREATE TRIGGER kehadiran_rekap_hapus AFTER DELETE ON kehadiran
    REFERENCING OLD TABLE AS lama FOR EACH STATEMENT EXECUTE FUNCTION presensi_rekap_basi_hari();
CREATE TRIGGER koreksi_kehadiran_rekap_tambah AFTER INSERT ON koreksi_kehadiran
    REFERENCING NEW TABLE AS baru FOR EACH STATEMENT EXECUTE FUNCTION presensi_rekap_basi_hari();
CREATE TRIGGER koreksi_kehadiran_rekap_ubah AFTER UPDATE ON koreksi_kehadiran
    REFERENCING OLD TABLE AS lama NEW TABLE AS baru FOR EACH STATEMENT EXECUTE FUNCTION presensi_rekap_basi_hari();
CREATE TRIGGER koreksi_kehadiran_rekap_hapus AFTER DELETE ON koreksi_kehadiran
    REFERENCING OLD TABLE AS lama FOR EACH STATEMENT EXECUTE FUNCTION presensi_rekap_basi_hari();
CREATE TRIGGER cuti_rekap_tambah AFTER INSERT ON cuti
    REFERENCING NEW TABLE AS baru FOR EACH STATEMENT EXECUTE FUNCTION presensi_rekap_basi_cuti();
CREATE TRIGGER cuti_rekap_ubah AFTER UPDATE ON cuti
    REFERENCING OLD TABLE AS lama NEW TABLE AS baru FOR EACH STATEMENT EXECUTE FUNCTION presensi_rekap_basi_cuti();
CREATE TRIGGER cuti_rekap_hapus AFTER DELETE ON cuti
    REFERENCING OLD TABLE AS lama FOR EACH STATEMENT EXECUTE FUNCTION presensi_rekap_basi_cuti();

-- +goose Down
DROP FUNCTION presensi_rekap_basi_hari() CASCADE;
DROP FUNCTION presensi_rekap_basi_cuti() CASCADE;
DROP TABLE presensi_rekap_bulan;
