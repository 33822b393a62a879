-- +goose Up
-- Issue 17: notifications. notifikasi is each person's in-app inbox;
-- notifikasi_surel is the e-mail outbox, written in the same transaction as
-- the state change that caused it and sent later (with retries) by the
-- mailer; notifikasi_pengaturan holds a person's e-mail address and the
-- kinds they turned e-mail off for.
CREATE TABLE notifikasi (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    jenis       text NOT NULL CHECK (jenis ~ '^[a-z_]{1,40}$'),
    judul       text NOT NULL CHECK (length(judul) BETWEEN 1 AND 300),
    isi         text NOT NULL DEFAULT '' CHECK (length(isi) <= 2000),
    tautan      text NOT NULL DEFAULT '' CHECK (tautan = '' OR tautan ~ '^/[^/]'),
    -- kunci, when set, makes a reminder idempotent (one per person and month).
    kunci       text,
    -- ringkasan: sent by e-mail in the daily digest, not one by one.
    ringkasan   boolean NOT NULL DEFAULT false,
    diringkas_at timestamptz,
    dibaca_at   timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, kunci)
);
CREATE INDEX notifikasi_user_idx ON notifikasi (user_id, id DESC);
CREATE INDEX notifikasi_unread_idx ON notifikasi (user_id) WHERE dibaca_at IS NULL;
CREATE INDEX notifikasi_digest_idx ON notifikasi (user_id) WHERE ringkasan AND diringkas_at IS NULL;

CREATE TABLE notifikasi_pengaturan (
    user_id     bigint PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    email       text NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    surel_mati  text[] NOT NULL DEFAULT '{}',
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE notifikasi_surel (
    id              bigserial PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    jenis           text NOT NULL,
    kepada          text NOT NULL CHECK (length(kepada) BETWEEN 3 AND 254),
    subjek          text NOT NULL CHECK (length(subjek) BETWEEN 1 AND 300),
    isi             text NOT NULL CHECK (length(isi) <= 20000),
    status          text NOT NULL DEFAULT 'antri' CHECK (status IN ('antri', 'terkirim', 'gagal')),
    percobaan       integer NOT NULL DEFAULT 0,
    coba_lagi_at    timestamptz NOT NULL DEFAULT now(),
    galat           text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX notifikasi_surel_antri_idx ON notifikasi_surel (coba_lagi_at) WHERE status = 'antri';

-- +goose Down
-- Forward-only: restoring from a backup is the way back.
SELECT 1;
