-- +goose Up
-- Issue 18: the sanction form accepted 1-36 months, so a hukdis could be
-- recorded for a duration the law does not allow (PP 94/2021 pasal 8: sedang
-- 6, 9 or 12 months; berat 12; ringan has no duration in the law, its TPP
-- effect is the Perbup's, here at most 3). The form refuses it now
-- (attendance.SanctionDurations); this is the database's same rule for every
-- new or changed row. NOT VALID: a sanction already recorded keeps its SK's
-- duration and is computed with it (the SK decides the duration, the rule set
-- only the rate), never refused at computation (spec 4).
ALTER TABLE hukuman_disiplin ADD CONSTRAINT hukuman_disiplin_lama_pp94 CHECK (
    (jenis = 'ringan' AND lama_bulan BETWEEN 1 AND 3)
    OR (jenis = 'sedang' AND lama_bulan IN (6, 9, 12))
    OR (jenis = 'berat' AND lama_bulan = 12)) NOT VALID;

-- +goose Down
ALTER TABLE hukuman_disiplin DROP CONSTRAINT hukuman_disiplin_lama_pp94;
