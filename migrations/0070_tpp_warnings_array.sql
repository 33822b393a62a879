-- +goose Up
-- Issue 18: a claim with no warning at all was stored as 'null'::jsonb (a nil
-- Go slice marshalled), and jsonb_array_length then failed on every month
-- overview that counted warnings (500 for the verifikator). Existing rows
-- become the empty array, and the column only ever holds an array from now
-- on. The guard trigger freezes warnings of submitted claims, so it is
-- switched off for this one repair (null and [] mean the same: no warning).
ALTER TABLE tpp_claim DISABLE TRIGGER tpp_claim_guard;
UPDATE tpp_claim SET warnings = '[]'::jsonb WHERE jsonb_typeof(warnings) IS DISTINCT FROM 'array';
ALTER TABLE tpp_claim ENABLE TRIGGER tpp_claim_guard;
ALTER TABLE tpp_claim ADD CONSTRAINT tpp_claim_warnings_array CHECK (jsonb_typeof(warnings) = 'array');

-- +goose Down
ALTER TABLE tpp_claim DROP CONSTRAINT tpp_claim_warnings_array;
