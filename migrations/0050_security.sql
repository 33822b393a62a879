-- +goose Up
-- Security (issue 7): two-factor authentication, refresh tokens, login
-- challenges between password and TOTP code.

-- TOTP secrets are AES-GCM encrypted with a key derived from EKINERJA_SECRET
-- (internal/auth/totp.go); the database alone never reveals them.
-- totp_last_step is the last accepted 30-second step: a code is accepted once.
ALTER TABLE users
    ADD COLUMN totp_secret_enc   bytea,
    ADD COLUMN totp_pending_enc  bytea,
    ADD COLUMN totp_enabled_at   timestamptz,
    ADD COLUMN totp_last_step    bigint NOT NULL DEFAULT 0;

-- Recovery codes are high-entropy random values, stored as HMAC-SHA-256.
CREATE TABLE recovery_codes (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash   text NOT NULL UNIQUE,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recovery_codes_user_idx ON recovery_codes (user_id);

-- A login challenge is the state between a correct password and a correct
-- TOTP code; only its hash is stored, and it expires in minutes.
CREATE TABLE login_challenges (
    id_hash     text PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    ip          text NOT NULL DEFAULT '',
    user_agent  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);

-- Refresh tokens are opaque, stored hashed, rotated on every use. The family
-- is the session: presenting a used token again revokes the whole session.
CREATE TABLE refresh_tokens (
    token_hash  text PRIMARY KEY,
    session_id  text NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

-- The restricted application role. Production connects as a login role that
-- is a member of ekinerja_app (see SECURITY.md); the migration owner keeps
-- DDL. The app role may append to audit_log but never change or remove a
-- row: UPDATE, DELETE and TRUNCATE are revoked, on top of the trigger.
-- +goose StatementBegin
DO $$
BEGIN
    CREATE ROLE ekinerja_app NOLOGIN;
EXCEPTION WHEN duplicate_object THEN
    NULL; -- roles are cluster-wide; another database made it already
END
$$;
-- +goose StatementEnd
GRANT USAGE ON SCHEMA public TO ekinerja_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ekinerja_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ekinerja_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ekinerja_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ekinerja_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM ekinerja_app;
REVOKE ALL ON goose_db_version FROM ekinerja_app;
GRANT SELECT ON goose_db_version TO ekinerja_app;

-- +goose Down
SELECT 1;
