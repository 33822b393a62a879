-- +goose Up
-- Issue 17: a pegawai asks the verifikator to reopen a closed month, with a
-- reason, and sees the answer. An approval reopens the month through
-- bulan_dibuka (the existing mechanism) and links the reopening here.
CREATE TABLE bulan_dibuka_permintaan (
    id              bigserial PRIMARY KEY,
    pegawai_id      bigint NOT NULL REFERENCES pegawai(id),
    tahun           smallint NOT NULL CHECK (tahun BETWEEN 2000 AND 2100),
    bulan           smallint NOT NULL CHECK (bulan BETWEEN 1 AND 12),
    alasan          text NOT NULL CHECK (length(alasan) BETWEEN 5 AND 1000),
    status          text NOT NULL DEFAULT 'menunggu' CHECK (status IN ('menunggu', 'disetujui', 'ditolak')),
    diputus_oleh    bigint REFERENCES users(id),
    catatan_putusan text NOT NULL DEFAULT '' CHECK (length(catatan_putusan) <= 1000),
    bukaan_id       bigint REFERENCES bulan_dibuka(id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    diputus_at      timestamptz,
    CHECK ((status = 'menunggu') = (diputus_at IS NULL)),
    CHECK (status <> 'disetujui' OR bukaan_id IS NOT NULL),
    CHECK (status <> 'ditolak' OR length(catatan_putusan) >= 5)
);
-- One waiting request per employee and month.
CREATE UNIQUE INDEX bulan_dibuka_permintaan_menunggu ON bulan_dibuka_permintaan (pegawai_id, tahun, bulan) WHERE status = 'menunggu';
CREATE INDEX bulan_dibuka_permintaan_status_idx ON bulan_dibuka_permintaan (status, id);

-- +goose Down
DROP TABLE bulan_dibuka_permintaan;
