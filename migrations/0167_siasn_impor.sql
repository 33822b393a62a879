-- +goose Up
-- Issue 12, SIASN employees: an uploaded SIASN export is kept here as the
-- difference it makes against the stored employees (rows as JSONB), so the
-- apply step reads the values from the server, never from the form. The
-- form only names which changes are accepted; diterapkan holds the change
-- keys already applied, so applying them again changes nothing.
CREATE TABLE siasn_impor (
    id           bigserial PRIMARY KEY,
    opd_id       bigint NOT NULL REFERENCES opd(id),
    user_id      bigint REFERENCES users(id),
    actor_nip    text NOT NULL DEFAULT '',
    berkas       text NOT NULL DEFAULT '' CHECK (length(berkas) <= 300),
    status       text NOT NULL DEFAULT 'pratinjau' CHECK (status IN ('pratinjau', 'diterapkan')),
    data         jsonb NOT NULL,
    diterapkan   jsonb NOT NULL DEFAULT '[]'::jsonb,
    hasil        jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    applied_at   timestamptz,
    applied_by   bigint REFERENCES users(id)
);
CREATE INDEX siasn_impor_opd_idx ON siasn_impor (opd_id, id DESC);

-- +goose Down
-- Forward-only: restoring from a backup is the way back.
SELECT 1;
