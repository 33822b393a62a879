-- +goose Up
-- Issue 18 / SPEC 3: a rating can be corrected by the atasan with a reason.
-- The latest correction is kept on the rating, so the pegawai and the
-- verifikator see that and why it was corrected; every correction, with the
-- old and new ratings, is in the audit log (kinerja.bulan_koreksi).
ALTER TABLE penilaian_bulanan
    ADD COLUMN koreksi_alasan text NOT NULL DEFAULT '' CHECK (length(koreksi_alasan) <= 1000),
    ADD COLUMN dikoreksi_at timestamptz,
    ADD COLUMN predikat_sebelum_koreksi text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE penilaian_bulanan DROP COLUMN koreksi_alasan, DROP COLUMN dikoreksi_at, DROP COLUMN predikat_sebelum_koreksi;
