-- +goose Up
-- Issue 17, "an upload is kept when a form is shown again with errors": the
-- evidence file of an aktivitas form whose other fields were wrong is held
-- here, so the form comes back saying "Berkas terlampir: ..." and the next
-- valid submit uses it without choosing the file again. A held file belongs
-- to the user who sent it, is reached by a random token of which only the
-- SHA-256 is stored, and expires after a short time; expired ones are removed
-- whenever a file is held.
CREATE TABLE bukti_tertunda (
    id            bigserial PRIMARY KEY,
    token_sha256  text NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
    user_id       bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    nama_berkas   text NOT NULL CHECK (length(nama_berkas) BETWEEN 1 AND 200),
    content_type  text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    ukuran        integer NOT NULL CHECK (ukuran BETWEEN 1 AND 2097152),
    isi           bytea NOT NULL,
    kedaluwarsa   timestamptz NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bukti_tertunda_kedaluwarsa_idx ON bukti_tertunda (kedaluwarsa);

-- +goose Down
DROP TABLE bukti_tertunda;
