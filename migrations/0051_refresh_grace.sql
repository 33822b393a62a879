-- +goose Up
-- Refresh-token grace window (issue 7): two requests of one browser may
-- present the same refresh token at the same moment. The immediately
-- previous token of a family is accepted once more within a short window
-- and answered with the token it was already rotated to. next_hash names
-- that successor; next_enc is the successor sealed with a key derived from
-- EKINERJA_SECRET (cleared once the successor itself rotates or the grace
-- is spent); grace_used_at makes the grace single-use.
ALTER TABLE refresh_tokens
    ADD COLUMN next_hash      text,
    ADD COLUMN next_enc       bytea,
    ADD COLUMN grace_used_at  timestamptz;

-- +goose Down
SELECT 1;
