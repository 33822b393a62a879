-- +goose Up
-- Organisation (issue 3): sub-units (unit kerja) as a tree under each OPD,
-- positions placed in a unit, assignment references (SK), and the indexes
-- the employee lists page over.

CREATE TABLE unit_kerja (
    id          bigserial PRIMARY KEY,
    opd_id      bigint NOT NULL REFERENCES opd(id),
    parent_id   bigint REFERENCES unit_kerja(id),
    kode        text NOT NULL UNIQUE CHECK (kode ~ '^[A-Z0-9._-]{1,40}$'),
    nama        text NOT NULL CHECK (length(nama) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX unit_kerja_opd_idx ON unit_kerja (opd_id);
CREATE INDEX unit_kerja_parent_idx ON unit_kerja (parent_id);

ALTER TABLE jabatan ADD COLUMN unit_kerja_id bigint REFERENCES unit_kerja(id);
CREATE INDEX jabatan_unit_idx ON jabatan (unit_kerja_id);

-- nomor_sk is the decree that made the assignment (optional, for the record).
ALTER TABLE riwayat_jabatan ADD COLUMN nomor_sk text NOT NULL DEFAULT '';

-- At most one open definitive assignment per employee: a transfer must close
-- the old one before opening the new one (same transaction).
CREATE UNIQUE INDEX riwayat_jabatan_one_open_definitif
    ON riwayat_jabatan (pegawai_id) WHERE jenis = 'definitif' AND selesai IS NULL;

-- Stable list order (nama, id) within an OPD and across the regency.
CREATE INDEX pegawai_opd_nama_idx ON pegawai (opd_id, nama, id);
CREATE INDEX pegawai_nama_idx ON pegawai (nama, id);
CREATE INDEX user_roles_user_idx ON user_roles (user_id);

-- +goose Down
-- Forward-only: restoring from a backup is the way back.
SELECT 1;
