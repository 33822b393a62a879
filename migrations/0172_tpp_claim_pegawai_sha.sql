-- +goose Up
-- Issue 15, month-end speed: rincian_sha is the SHA-256 of everything a
-- computation stored for one employee in a claim (the row's columns and
-- every line, as written), so a recomputation rewrites only the employees
-- whose figures changed: recomputing a 20,000-employee claim after one
-- correction writes that employee's row and lines, not 20,000 rows and
-- 276,000 lines. NULL (rows computed before this column) is never equal to
-- anything: those rows are rewritten by their next computation.
ALTER TABLE tpp_claim_pegawai ADD COLUMN rincian_sha bytea CHECK (rincian_sha IS NULL OR length(rincian_sha) = 32);

-- +goose Down
ALTER TABLE tpp_claim_pegawai DROP COLUMN rincian_sha;
