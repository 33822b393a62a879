-- +goose Up
-- Issue 12, "the error report of a refused file is paged on screen and
-- downloadable as .xlsx": every import that finds problems in rows (the
-- organisation imports, the attendance CSV, the scan logs, a machine's user
-- list) keeps its whole report here, so the page shows it fifty rows at a
-- time and offers it as a workbook, instead of one table of every row. A
-- report belongs to the person who uploaded the file; reports older than 30
-- days are removed when that person stores a new one.
CREATE TABLE laporan_impor (
    id            bigserial PRIMARY KEY,
    jenis         text NOT NULL CHECK (jenis ~ '^[a-z_]{1,40}$'),
    user_id       bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    opd_id        bigint REFERENCES opd(id),
    berkas        text NOT NULL DEFAULT '' CHECK (length(berkas) <= 300),
    baris         integer NOT NULL CHECK (baris >= 0),
    baris_salah   integer NOT NULL CHECK (baris_salah >= 0),
    diterapkan    boolean NOT NULL,
    masalah       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(masalah) = 'array'),
    masalah_lain  integer NOT NULL DEFAULT 0 CHECK (masalah_lain >= 0),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX laporan_impor_user_idx ON laporan_impor (user_id, created_at DESC);

-- +goose Down
DROP TABLE laporan_impor;
