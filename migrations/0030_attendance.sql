-- +goose Up
-- Attendance, leave and discipline (issue 5): work schedules and their
-- assignment, the holiday calendar, imported fingerprint records, audited
-- manual corrections, leave/DL requests and disciplinary sanctions. These
-- are the inputs of the TPP disiplin share (SPEC §4 steps 4-5).

-- jadwal_kerja is a weekly pattern: pola holds seven windows indexed by
-- weekday (Sunday first), each "HH:MM-HH:MM" or '' for a day off. Exactly one
-- schedule is the default (bawaan) for everyone without an assignment.
CREATE TABLE jadwal_kerja (
    id          bigserial PRIMARY KEY,
    kode        text NOT NULL UNIQUE CHECK (kode ~ '^[A-Z0-9_-]{1,32}$'),
    nama        text NOT NULL CHECK (length(nama) BETWEEN 1 AND 100),
    pola        text[] NOT NULL CHECK (array_length(pola, 1) = 7),
    bawaan      boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX jadwal_kerja_satu_bawaan ON jadwal_kerja (bawaan) WHERE bawaan;

-- jadwal_kerja_penugasan assigns a schedule to a whole OPD or to one employee
-- from a date; an employee's own assignment beats the OPD's, a later start
-- beats an earlier one.
CREATE TABLE jadwal_kerja_penugasan (
    id          bigserial PRIMARY KEY,
    jadwal_id   bigint NOT NULL REFERENCES jadwal_kerja(id),
    opd_id      bigint REFERENCES opd(id),
    pegawai_id  bigint REFERENCES pegawai(id),
    mulai       date NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((opd_id IS NULL) <> (pegawai_id IS NULL))
);
CREATE INDEX jadwal_penugasan_opd_idx ON jadwal_kerja_penugasan (opd_id, mulai);
CREATE INDEX jadwal_penugasan_pegawai_idx ON jadwal_kerja_penugasan (pegawai_id, mulai);

INSERT INTO jadwal_kerja (kode, nama, pola, bawaan) VALUES
    ('5HK', '5 hari kerja', ARRAY['', '07:30-16:00', '07:30-16:00', '07:30-16:00', '07:30-16:00', '07:30-16:30', ''], true),
    ('6HK', '6 hari kerja', ARRAY['', '07:30-14:30', '07:30-14:30', '07:30-14:30', '07:30-14:30', '07:30-11:30', '07:30-13:00'], false);

-- hari_libur is the holiday calendar kept by the superadmin.
CREATE TABLE hari_libur (
    tanggal     date PRIMARY KEY,
    nama        text NOT NULL CHECK (length(nama) BETWEEN 1 AND 200),
    jenis       text NOT NULL CHECK (jenis IN ('libur_nasional', 'cuti_bersama', 'libur_daerah')),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- 2026 national holidays and cuti bersama (SKB Menteri Agama, Menteri
-- Ketenagakerjaan dan Menteri PANRB tentang hari libur nasional dan cuti
-- bersama 2026). The superadmin corrects the calendar if the government moves a date.
INSERT INTO hari_libur (tanggal, nama, jenis) VALUES
    ('2026-01-01', 'Tahun Baru 2026 Masehi', 'libur_nasional'),
    ('2026-01-16', 'Isra Mikraj Nabi Muhammad SAW', 'libur_nasional'),
    ('2026-02-16', 'Cuti bersama Tahun Baru Imlek', 'cuti_bersama'),
    ('2026-02-17', 'Tahun Baru Imlek 2577 Kongzili', 'libur_nasional'),
    ('2026-03-18', 'Cuti bersama Hari Suci Nyepi', 'cuti_bersama'),
    ('2026-03-19', 'Hari Suci Nyepi Tahun Baru Saka 1948', 'libur_nasional'),
    ('2026-03-20', 'Cuti bersama Idul Fitri 1447 H', 'cuti_bersama'),
    ('2026-03-21', 'Idul Fitri 1447 H', 'libur_nasional'),
    ('2026-03-22', 'Idul Fitri 1447 H', 'libur_nasional'),
    ('2026-03-23', 'Cuti bersama Idul Fitri 1447 H', 'cuti_bersama'),
    ('2026-03-24', 'Cuti bersama Idul Fitri 1447 H', 'cuti_bersama'),
    ('2026-04-03', 'Wafat Yesus Kristus', 'libur_nasional'),
    ('2026-04-05', 'Kebangkitan Yesus Kristus (Paskah)', 'libur_nasional'),
    ('2026-05-01', 'Hari Buruh Internasional', 'libur_nasional'),
    ('2026-05-14', 'Kenaikan Yesus Kristus', 'libur_nasional'),
    ('2026-05-15', 'Cuti bersama Kenaikan Yesus Kristus', 'cuti_bersama'),
    ('2026-05-27', 'Idul Adha 1447 H', 'libur_nasional'),
    ('2026-05-28', 'Cuti bersama Idul Adha 1447 H', 'cuti_bersama'),
    ('2026-05-31', 'Hari Raya Waisak 2570 BE', 'libur_nasional'),
    ('2026-06-01', 'Hari Lahir Pancasila', 'libur_nasional'),
    ('2026-06-16', '1 Muharam Tahun Baru Islam 1448 H', 'libur_nasional'),
    ('2026-08-17', 'Hari Proklamasi Kemerdekaan RI', 'libur_nasional'),
    ('2026-08-25', 'Maulid Nabi Muhammad SAW', 'libur_nasional'),
    ('2026-12-24', 'Cuti bersama Hari Raya Natal', 'cuti_bersama'),
    ('2026-12-25', 'Hari Raya Natal', 'libur_nasional');

-- impor_kehadiran is one import of a fingerprint file: who, which OPD, what
-- it changed. A refused import (errors, nothing applied) is not stored.
CREATE TABLE impor_kehadiran (
    id             bigserial PRIMARY KEY,
    opd_id         bigint NOT NULL REFERENCES opd(id),
    user_id        bigint REFERENCES users(id),
    nama_berkas    text NOT NULL DEFAULT '',
    sha256         text NOT NULL,
    baris          integer NOT NULL DEFAULT 0,
    baris_ditolak  integer NOT NULL DEFAULT 0,
    ditambah       integer NOT NULL DEFAULT 0,
    diubah         integer NOT NULL DEFAULT 0,
    dihapus        integer NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX impor_kehadiran_opd_idx ON impor_kehadiran (opd_id, created_at);

-- kehadiran is the fingerprint record of one employee and date, as imported;
-- times are seconds after midnight of tanggal (24:00 and later: next day, for
-- night shifts). A correction never changes this row: see koreksi_kehadiran.
CREATE TABLE kehadiran (
    pegawai_id  bigint NOT NULL REFERENCES pegawai(id),
    tanggal     date NOT NULL,
    jam_masuk   integer CHECK (jam_masuk BETWEEN 0 AND 172799),
    jam_pulang  integer CHECK (jam_pulang BETWEEN 0 AND 172799),
    sumber      text NOT NULL DEFAULT 'import' CHECK (sumber IN ('import', 'koreksi')),
    impor_id    bigint REFERENCES impor_kehadiran(id),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pegawai_id, tanggal)
);
CREATE INDEX kehadiran_tanggal_idx ON kehadiran (tanggal);

-- koreksi_kehadiran keeps every manual correction; the newest per employee
-- and date applies, the imported record beside it stays as it was.
CREATE TABLE koreksi_kehadiran (
    id          bigserial PRIMARY KEY,
    pegawai_id  bigint NOT NULL REFERENCES pegawai(id),
    tanggal     date NOT NULL,
    jam_masuk   integer CHECK (jam_masuk BETWEEN 0 AND 172799),
    jam_pulang  integer CHECK (jam_pulang BETWEEN 0 AND 172799),
    hadir       boolean NOT NULL DEFAULT false,
    alasan      text NOT NULL CHECK (length(btrim(alasan)) BETWEEN 5 AND 500),
    dibuat_oleh bigint NOT NULL REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX koreksi_kehadiran_idx ON koreksi_kehadiran (pegawai_id, tanggal, id);

-- cuti is a leave or official duty (DL) request; jenis is an attendance
-- Excuse code. Only approved requests excuse days.
CREATE TABLE cuti (
    id            bigserial PRIMARY KEY,
    pegawai_id    bigint NOT NULL REFERENCES pegawai(id),
    jenis         text NOT NULL CHECK (jenis IN ('tahunan', 'besar', 'sakit', 'melahirkan', 'melahirkan_anak_ketiga',
                                                 'alasan_penting', 'luar_tanggungan_negara', 'dinas_luar')),
    mulai         date NOT NULL,
    selesai       date NOT NULL,
    keterangan    text NOT NULL DEFAULT '' CHECK (length(keterangan) <= 500),
    status        text NOT NULL DEFAULT 'diajukan' CHECK (status IN ('diajukan', 'disetujui', 'ditolak')),
    diajukan_oleh bigint NOT NULL REFERENCES users(id),
    diputus_oleh  bigint REFERENCES users(id),
    diputus_at    timestamptz,
    alasan_tolak  text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (selesai >= mulai AND selesai - mulai < 366)
);
CREATE INDEX cuti_pegawai_idx ON cuti (pegawai_id, mulai);
CREATE INDEX cuti_status_idx ON cuti (status);

-- hukuman_disiplin is a sanction decree: it applies from the month mulai_bulan
-- (always the 1st) for lama_bulan months.
CREATE TABLE hukuman_disiplin (
    id           bigserial PRIMARY KEY,
    pegawai_id   bigint NOT NULL REFERENCES pegawai(id),
    nomor_sk     text NOT NULL CHECK (length(btrim(nomor_sk)) BETWEEN 1 AND 100),
    jenis        text NOT NULL CHECK (jenis IN ('ringan', 'sedang', 'berat')),
    mulai_bulan  date NOT NULL CHECK (extract(day FROM mulai_bulan) = 1),
    lama_bulan   integer NOT NULL CHECK (lama_bulan BETWEEN 1 AND 36),
    keterangan   text NOT NULL DEFAULT '' CHECK (length(keterangan) <= 500),
    dicatat_oleh bigint NOT NULL REFERENCES users(id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (pegawai_id, nomor_sk)
);
CREATE INDEX hukuman_disiplin_pegawai_idx ON hukuman_disiplin (pegawai_id, mulai_bulan);

-- +goose Down
-- Forward-only: restoring from a backup is the way back.
SELECT 1;
