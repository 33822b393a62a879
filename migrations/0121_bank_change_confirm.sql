-- +goose Up
-- A change of an employee's bank account (bank, account number, holder)
-- through the employee form is a proposal until a second person confirms it
-- (issue 16): another admin_opd of the employee's OPD or a verifikator of
-- BKPSDM, never the proposer. Until then pegawai keeps the old account, so
-- the claim and the bank file pay the confirmed account only (or hold the
-- employee when there is none). One open proposal per employee; a newer one
-- replaces it.
CREATE TABLE pegawai_bank_usulan (
    id              bigserial PRIMARY KEY,
    pegawai_id      bigint NOT NULL REFERENCES pegawai(id) ON DELETE CASCADE,
    bank_nama       text NOT NULL DEFAULT '',
    bank_rekening   text NOT NULL DEFAULT '',
    bank_atas_nama  text NOT NULL DEFAULT '',
    diusulkan_oleh  bigint NOT NULL REFERENCES users(id),
    diusulkan_nip   text NOT NULL DEFAULT '',
    diusulkan_pada  timestamptz NOT NULL DEFAULT now(),
    status          text NOT NULL DEFAULT 'menunggu'
                    CHECK (status IN ('menunggu', 'dikonfirmasi', 'ditolak', 'diganti')),
    diputus_oleh    bigint REFERENCES users(id),
    diputus_pada    timestamptz,
    CHECK ((status = 'menunggu') = (diputus_pada IS NULL)),
    CHECK (diputus_oleh IS NULL OR diputus_oleh <> diusulkan_oleh OR status IN ('diganti', 'ditolak'))
);
CREATE UNIQUE INDEX pegawai_bank_usulan_terbuka ON pegawai_bank_usulan (pegawai_id) WHERE status = 'menunggu';

-- +goose Down
SELECT 1;
