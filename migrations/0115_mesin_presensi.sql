-- +goose Up
-- Fingerprint machines and their raw scans (issue 12). A machine belongs to
-- one OPD and is known by its serial number; mesin_pin maps the machine's
-- own user PIN to an employee (a PIN seen in a scan or the machine's user
-- list but not yet mapped has pegawai_id NULL and is listed as unmapped).
-- scan_presensi keeps every scan once (the primary key makes a re-imported
-- overlapping file change nothing); kehadiran keeps the paired first-in and
-- last-out per working day derived from them.
CREATE TABLE mesin_presensi (
    id          bigserial PRIMARY KEY,
    opd_id      bigint NOT NULL REFERENCES opd(id),
    nomor_seri  text NOT NULL UNIQUE CHECK (nomor_seri ~ '^[A-Za-z0-9._-]{3,40}$'),
    nama        text NOT NULL CHECK (length(btrim(nama)) BETWEEN 1 AND 100),
    lokasi      text NOT NULL DEFAULT '' CHECK (length(lokasi) <= 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mesin_presensi_opd_idx ON mesin_presensi (opd_id);

CREATE TABLE mesin_pin (
    mesin_id       bigint NOT NULL REFERENCES mesin_presensi(id),
    pin            text NOT NULL CHECK (pin ~ '^[0-9A-Za-z]{1,24}$'),
    pegawai_id     bigint REFERENCES pegawai(id),
    nama_di_mesin  text NOT NULL DEFAULT '' CHECK (length(nama_di_mesin) <= 100),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (mesin_id, pin)
);
CREATE UNIQUE INDEX mesin_pin_pegawai_idx ON mesin_pin (mesin_id, pegawai_id) WHERE pegawai_id IS NOT NULL;

-- waktu is the machine's wall-clock time (the government's zone); status is
-- the machine's in/out state (0 masuk, 1 pulang, 2-5 istirahat/lembur), a
-- hint only; verifikasi is how the person was recognised (finger, card, face).
-- mesin_id and impor_id carry no foreign key: a month is half a million
-- rows written by one import that has just read both ids in its own
-- transaction, and machines and imports are never deleted; a per-row
-- referential check would double the import's time.
CREATE TABLE scan_presensi (
    mesin_id    bigint NOT NULL,
    pin         text COLLATE "C" NOT NULL,
    waktu       timestamp NOT NULL,
    status      smallint,
    verifikasi  smallint,
    impor_id    bigint NOT NULL,
    -- (mesin_id, waktu) first: the import reads a machine's days by range.
    PRIMARY KEY (mesin_id, waktu, pin)
);

-- A scan import is an impor_kehadiran too (same history page); jenis tells
-- a paired-day CSV from a scan log, scan_baru counts scans not stored before.
ALTER TABLE impor_kehadiran
    ADD COLUMN jenis text NOT NULL DEFAULT 'harian' CHECK (jenis IN ('harian', 'scan')),
    ADD COLUMN scan_baru integer NOT NULL DEFAULT 0;

-- +goose Down
-- Forward-only: restoring from a backup is the way back.
SELECT 1;
