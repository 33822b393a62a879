-- +goose Up
-- e-Kinerja: yearly plans (SKP) with planned results (RHK) and their
-- indicators, daily activities (aktivitas) with optional evidence, the monthly
-- rating (penilaian bulanan), month reopenings, and small settings.

-- pengaturan holds small settings a superadmin may change without a deploy.
CREATE TABLE pengaturan (
    kunci       text PRIMARY KEY CHECK (kunci ~ '^[a-z0-9_.]{1,64}$'),
    nilai       text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
-- Logging for a month closes after this day of the next month.
INSERT INTO pengaturan (kunci, nilai) VALUES ('kinerja.hari_penutupan', '5');

CREATE TABLE skp (
    id            bigserial PRIMARY KEY,
    pegawai_id    bigint NOT NULL REFERENCES pegawai(id),
    tahun         smallint NOT NULL CHECK (tahun BETWEEN 2000 AND 2100),
    -- penilai is the supervisor at the time the plan was made or submitted.
    penilai_id    bigint REFERENCES pegawai(id),
    status        text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'agreed', 'returned')),
    catatan       text NOT NULL DEFAULT '' CHECK (length(catatan) <= 1000),
    submitted_at  timestamptz,
    decided_at    timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (pegawai_id, tahun)
);
CREATE INDEX skp_penilai_idx ON skp (penilai_id, status);

CREATE TABLE rhk (
    id             bigserial PRIMARY KEY,
    skp_id         bigint NOT NULL REFERENCES skp(id),
    uraian         text NOT NULL CHECK (length(uraian) BETWEEN 1 AND 1000),
    -- rhk_atasan_id is the supervisor's RHK this one supports (cascading).
    rhk_atasan_id  bigint REFERENCES rhk(id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (rhk_atasan_id IS NULL OR rhk_atasan_id <> id)
);
CREATE INDEX rhk_skp_idx ON rhk (skp_id);
CREATE INDEX rhk_atasan_idx ON rhk (rhk_atasan_id);

CREATE TABLE rhk_indikator (
    id          bigserial PRIMARY KEY,
    rhk_id      bigint NOT NULL REFERENCES rhk(id),
    aspek       text NOT NULL CHECK (aspek IN ('kuantitas', 'kualitas', 'waktu')),
    uraian      text NOT NULL CHECK (length(uraian) BETWEEN 1 AND 500),
    target      integer NOT NULL CHECK (target BETWEEN 1 AND 1000000),
    satuan      text NOT NULL CHECK (length(satuan) BETWEEN 1 AND 50),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rhk_indikator_rhk_idx ON rhk_indikator (rhk_id);

CREATE TABLE aktivitas (
    id             bigserial PRIMARY KEY,
    pegawai_id     bigint NOT NULL REFERENCES pegawai(id),
    rhk_id         bigint NOT NULL REFERENCES rhk(id),
    tanggal        date NOT NULL,
    uraian         text NOT NULL CHECK (length(uraian) BETWEEN 1 AND 2000),
    output_jumlah  integer NOT NULL CHECK (output_jumlah BETWEEN 1 AND 100000),
    output_satuan  text NOT NULL CHECK (length(output_satuan) BETWEEN 1 AND 50),
    menit          integer NOT NULL CHECK (menit BETWEEN 1 AND 1440),
    bukti_link     text NOT NULL DEFAULT '' CHECK (length(bukti_link) <= 500),
    status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved', 'returned')),
    catatan        text NOT NULL DEFAULT '' CHECK (length(catatan) <= 1000),
    -- versi grows on every edit; a review names the version it saw, so an
    -- edit racing an approval can never be approved unseen.
    versi          integer NOT NULL DEFAULT 1,
    reviewer_id    bigint REFERENCES pegawai(id),
    submitted_at   timestamptz,
    reviewed_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX aktivitas_pegawai_tanggal_idx ON aktivitas (pegawai_id, tanggal);
CREATE INDEX aktivitas_submitted_idx ON aktivitas (pegawai_id, tanggal) WHERE status = 'submitted';

-- aktivitas_bukti keeps uploaded evidence in the database, never on disk.
CREATE TABLE aktivitas_bukti (
    aktivitas_id  bigint PRIMARY KEY REFERENCES aktivitas(id) ON DELETE CASCADE,
    nama_berkas   text NOT NULL CHECK (length(nama_berkas) BETWEEN 1 AND 200),
    content_type  text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    ukuran        integer NOT NULL CHECK (ukuran BETWEEN 1 AND 2097152),
    sha256        text NOT NULL,
    isi           bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE penilaian_bulanan (
    id              bigserial PRIMARY KEY,
    pegawai_id      bigint NOT NULL REFERENCES pegawai(id),
    tahun           smallint NOT NULL CHECK (tahun BETWEEN 2000 AND 2100),
    bulan           smallint NOT NULL CHECK (bulan BETWEEN 1 AND 12),
    status          text NOT NULL DEFAULT 'submitted' CHECK (status IN ('open', 'submitted', 'rated')),
    ringkasan       text NOT NULL DEFAULT '' CHECK (length(ringkasan) <= 2000),
    hasil_kerja     text CHECK (hasil_kerja IN ('di_atas', 'sesuai', 'di_bawah')),
    perilaku_kerja  text CHECK (perilaku_kerja IN ('di_atas', 'sesuai', 'di_bawah')),
    predikat        text CHECK (predikat IN ('sangat_baik', 'baik', 'butuh_perbaikan', 'kurang', 'sangat_kurang')),
    umpan_balik     text NOT NULL DEFAULT '' CHECK (length(umpan_balik) <= 2000),
    penilai_id      bigint REFERENCES pegawai(id),
    submitted_at    timestamptz,
    rated_at        timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (pegawai_id, tahun, bulan),
    CHECK ((status = 'rated') = (predikat IS NOT NULL))
);
CREATE INDEX penilaian_bulanan_periode_idx ON penilaian_bulanan (tahun, bulan);

CREATE TABLE penilaian_realisasi (
    penilaian_id  bigint NOT NULL REFERENCES penilaian_bulanan(id) ON DELETE CASCADE,
    rhk_id        bigint NOT NULL REFERENCES rhk(id),
    realisasi     text NOT NULL CHECK (length(realisasi) BETWEEN 1 AND 1000),
    PRIMARY KEY (penilaian_id, rhk_id)
);

-- bulan_dibuka: a verifikator reopened one employee's closed month.
CREATE TABLE bulan_dibuka (
    id              bigserial PRIMARY KEY,
    pegawai_id      bigint NOT NULL REFERENCES pegawai(id),
    tahun           smallint NOT NULL,
    bulan           smallint NOT NULL CHECK (bulan BETWEEN 1 AND 12),
    alasan          text NOT NULL CHECK (length(alasan) BETWEEN 5 AND 1000),
    dibuka_oleh     bigint NOT NULL REFERENCES users(id),
    berlaku_sampai  timestamptz NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bulan_dibuka_pegawai_idx ON bulan_dibuka (pegawai_id, tahun, bulan);

-- +goose Down
-- Forward-only: restoring from a backup is the way back.
SELECT 1;
