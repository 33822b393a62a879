-- +goose Up
-- Issue 17: the regency's identity (name and logo) shown in the header and
-- on printed documents. One row. The logo is stored as the PNG ekinerja
-- encoded itself from the uploaded image, never the uploaded bytes.
CREATE TABLE identitas (
    id          smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    nama        text NOT NULL DEFAULT '' CHECK (length(nama) <= 120),
    logo_png    bytea CHECK (logo_png IS NULL OR octet_length(logo_png) <= 2097152),
    versi       integer NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO identitas (id) VALUES (1);

-- +goose Down
-- Forward-only: restoring from a backup is the way back.
SELECT 1;
