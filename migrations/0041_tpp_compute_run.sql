-- +goose Up
-- tpp_claim_run marks a claim computation in progress (SPEC section 9: long
-- work shows progress). It lives in the database, not in an app server's
-- memory, so every app server behind the load balancer sees that a claim is
-- being computed and refuses a second computation (409). The row is written
-- when a computation starts and marked finished in the computation's own
-- transaction (or with the error when it fails). A run whose server died
-- never finishes: after 10 minutes (twice the computation's time limit) it
-- no longer counts as running.
CREATE TABLE tpp_claim_run (
    claim_id     bigint PRIMARY KEY REFERENCES tpp_claim(id) ON DELETE CASCADE,
    token        bigint NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    started_by   bigint REFERENCES users(id),
    finished_at  timestamptz,
    error        text NOT NULL DEFAULT ''
);

-- +goose Down
-- Forward-only: restoring from a backup is the way back.
SELECT 1;
