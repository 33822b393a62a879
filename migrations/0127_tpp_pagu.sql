-- +goose Up
-- Issue 11 / SPEC 4a: the TPP budget (pagu) per OPD and year from the APBD,
-- and its changes in the APBD-Perubahan. Every entry is kept (append-only);
-- the latest entry of an OPD and year is its pagu.
CREATE TABLE tpp_pagu (
    id          bigserial PRIMARY KEY,
    opd_id      bigint NOT NULL REFERENCES opd(id),
    tahun       smallint NOT NULL CHECK (tahun BETWEEN 2000 AND 2999),
    jenis       text NOT NULL CHECK (jenis IN ('apbd', 'apbd_p')),
    amount      bigint NOT NULL CHECK (amount >= 0),
    keterangan  text NOT NULL DEFAULT '' CHECK (length(keterangan) <= 300),
    created_by  bigint REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tpp_pagu_opd_tahun_idx ON tpp_pagu (opd_id, tahun, id);
CREATE TRIGGER tpp_pagu_no_change BEFORE UPDATE OR DELETE ON tpp_pagu
    FOR EACH ROW EXECUTE FUNCTION tpp_payment_immutable();

-- +goose Down
-- Forward-only: restoring from a backup is the way back.
SELECT 1;
