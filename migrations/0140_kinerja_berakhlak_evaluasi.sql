-- +goose Up
-- Issue 13 / SPEC 3 (PermenPANRB 6/2022): perilaku kerja rated on the seven
-- BerAKHLAK core values, continuous feedback (umpan balik berkelanjutan),
-- periodic evaluations (triwulanan, tahunan) and the organisation's predikat
-- that sets the expected distribution (kurva distribusi).
--
-- Ratings made before this migration keep their single perilaku_kerja value
-- and have no rows in penilaian_perilaku: they stay valid and readable.

CREATE TABLE penilaian_perilaku (
    penilaian_id  bigint NOT NULL REFERENCES penilaian_bulanan(id) ON DELETE CASCADE,
    nilai         text NOT NULL CHECK (nilai IN ('berorientasi_pelayanan', 'akuntabel', 'kompeten', 'harmonis', 'loyal', 'adaptif', 'kolaboratif')),
    ekspektasi    text NOT NULL CHECK (ekspektasi IN ('di_atas', 'sesuai', 'di_bawah')),
    umpan_balik   text NOT NULL CHECK (length(umpan_balik) BETWEEN 1 AND 1000),
    PRIMARY KEY (penilaian_id, nilai)
);

-- umpan_balik_kinerja: the atasan's comment on an RHK's realisation or on
-- an aktivitas, and the pegawai's answer (induk_id names the comment).
CREATE TABLE umpan_balik_kinerja (
    id             bigserial PRIMARY KEY,
    pegawai_id     bigint NOT NULL REFERENCES pegawai(id),
    rhk_id         bigint NOT NULL REFERENCES rhk(id) ON DELETE CASCADE,
    aktivitas_id   bigint REFERENCES aktivitas(id) ON DELETE CASCADE,
    induk_id       bigint REFERENCES umpan_balik_kinerja(id) ON DELETE CASCADE,
    penulis_id     bigint NOT NULL REFERENCES pegawai(id),
    isi            text NOT NULL CHECK (length(isi) BETWEEN 1 AND 2000),
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (induk_id IS NULL OR induk_id <> id)
);
CREATE INDEX umpan_balik_kinerja_rhk_idx ON umpan_balik_kinerja (rhk_id, id);

-- evaluasi_kinerja: the rater's confirmed rating of a quarter or a year.
CREATE TABLE evaluasi_kinerja (
    id                 bigserial PRIMARY KEY,
    pegawai_id         bigint NOT NULL REFERENCES pegawai(id),
    opd_id             bigint NOT NULL REFERENCES opd(id),
    tahun              smallint NOT NULL CHECK (tahun BETWEEN 2000 AND 2100),
    periode            text NOT NULL CHECK (periode IN ('tw1', 'tw2', 'tw3', 'tw4', 'tahunan')),
    hasil_usulan       text NOT NULL CHECK (hasil_usulan IN ('di_atas', 'sesuai', 'di_bawah')),
    perilaku_usulan    text NOT NULL CHECK (perilaku_usulan IN ('di_atas', 'sesuai', 'di_bawah')),
    hasil_kerja        text NOT NULL CHECK (hasil_kerja IN ('di_atas', 'sesuai', 'di_bawah')),
    perilaku_kerja     text NOT NULL CHECK (perilaku_kerja IN ('di_atas', 'sesuai', 'di_bawah')),
    predikat           text NOT NULL CHECK (predikat IN ('sangat_baik', 'baik', 'butuh_perbaikan', 'kurang', 'sangat_kurang')),
    alasan             text NOT NULL DEFAULT '' CHECK (length(alasan) <= 1000),
    bulan_dinilai      smallint NOT NULL CHECK (bulan_dinilai BETWEEN 1 AND 12),
    penilai_id         bigint NOT NULL REFERENCES pegawai(id),
    pola_dilanggar     boolean NOT NULL DEFAULT false,
    confirmed_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (pegawai_id, tahun, periode)
);
CREATE INDEX evaluasi_kinerja_opd_idx ON evaluasi_kinerja (opd_id, tahun, periode);

-- predikat_organisasi: the organisation unit's (OPD's) predikat for a period.
CREATE TABLE predikat_organisasi (
    opd_id       bigint NOT NULL REFERENCES opd(id),
    tahun        smallint NOT NULL CHECK (tahun BETWEEN 2000 AND 2100),
    periode      text NOT NULL CHECK (periode IN ('tw1', 'tw2', 'tw3', 'tw4', 'tahunan')),
    predikat     text NOT NULL CHECK (predikat IN ('istimewa', 'baik', 'butuh_perbaikan', 'kurang', 'sangat_kurang')),
    dicatat_oleh bigint NOT NULL REFERENCES users(id),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (opd_id, tahun, periode)
);

-- +goose Down
DROP TABLE predikat_organisasi;
DROP TABLE evaluasi_kinerja;
DROP TABLE umpan_balik_kinerja;
DROP TABLE penilaian_perilaku;
