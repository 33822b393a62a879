-- +goose Up
-- Issue 15, month-end speed: an audited write held the chain's advisory
-- lock for three round trips to the application (read the head, insert,
-- commit); under load most of that was the holder waiting for its own
-- server to send the next statement (sampled: "idle in transaction" in 24
-- of 34 samples with writers queued), while every other audited write
-- waited. audit_lock_head takes the lock and returns the head in one round
-- trip. It is VOLATILE, so its SELECT runs on a snapshot taken after the
-- lock is granted and sees the row the previous holder committed (a STABLE
-- function, or the lock and the read in one plain statement, would read on
-- the snapshot of the statement's start and fork the chain).
-- +goose StatementBegin
CREATE FUNCTION audit_lock_head(lock_key bigint, OUT head_id bigint, OUT head_hash text)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT id, hash INTO head_id, head_hash FROM audit_log ORDER BY id DESC LIMIT 1;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION audit_lock_head(bigint);
