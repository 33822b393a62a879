-- +goose Up
-- Foundation: agencies, positions, employees and their assignment history,
-- users with roles, server-side sessions, and the hash-chained audit log.

CREATE TABLE opd (
    id          bigserial PRIMARY KEY,
    kode        text NOT NULL UNIQUE CHECK (kode ~ '^[A-Z0-9._-]{1,32}$'),
    nama        text NOT NULL CHECK (length(nama) BETWEEN 1 AND 200),
    singkatan   text NOT NULL DEFAULT '',
    aktif       boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE jabatan (
    id                 bigserial PRIMARY KEY,
    opd_id             bigint NOT NULL REFERENCES opd(id),
    kode               text NOT NULL UNIQUE,
    nama               text NOT NULL CHECK (length(nama) BETWEEN 1 AND 300),
    jenis              text NOT NULL CHECK (jenis IN ('struktural', 'fungsional', 'pelaksana')),
    kelas              smallint NOT NULL CHECK (kelas BETWEEN 1 AND 17),
    atasan_jabatan_id  bigint REFERENCES jabatan(id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (atasan_jabatan_id IS NULL OR atasan_jabatan_id <> id)
);
CREATE INDEX jabatan_opd_idx ON jabatan (opd_id);
CREATE INDEX jabatan_atasan_idx ON jabatan (atasan_jabatan_id);

CREATE TABLE pegawai (
    id              bigserial PRIMARY KEY,
    nip             text NOT NULL UNIQUE CHECK (nip ~ '^[0-9]{18}$'),
    nama            text NOT NULL CHECK (length(nama) BETWEEN 1 AND 200),
    status_asn      text NOT NULL CHECK (status_asn IN ('PNS', 'CPNS', 'PPPK')),
    golongan        text NOT NULL,
    opd_id          bigint NOT NULL REFERENCES opd(id),
    keadaan         text NOT NULL DEFAULT 'aktif' CHECK (keadaan IN ('aktif', 'pensiun', 'pindah')),
    tugas_belajar   boolean NOT NULL DEFAULT false,
    bank_nama       text NOT NULL DEFAULT '',
    bank_rekening   text NOT NULL DEFAULT '' CHECK (bank_rekening ~ '^[0-9]{0,30}$'),
    bank_atas_nama  text NOT NULL DEFAULT '',
    npwp            text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pegawai_opd_idx ON pegawai (opd_id);

-- riwayat_jabatan is the assignment history: a transfer or promotion closes
-- the old row (selesai) and opens a new one, so a month can be split.
CREATE TABLE riwayat_jabatan (
    id          bigserial PRIMARY KEY,
    pegawai_id  bigint NOT NULL REFERENCES pegawai(id),
    jabatan_id  bigint NOT NULL REFERENCES jabatan(id),
    jenis       text NOT NULL DEFAULT 'definitif' CHECK (jenis IN ('definitif', 'plt', 'plh')),
    mulai       date NOT NULL,
    selesai     date,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (selesai IS NULL OR selesai >= mulai)
);
CREATE INDEX riwayat_jabatan_pegawai_idx ON riwayat_jabatan (pegawai_id, mulai);
CREATE INDEX riwayat_jabatan_jabatan_idx ON riwayat_jabatan (jabatan_id, mulai);

CREATE TABLE users (
    id                    bigserial PRIMARY KEY,
    pegawai_id            bigint NOT NULL UNIQUE REFERENCES pegawai(id),
    nip                   text NOT NULL UNIQUE CHECK (nip ~ '^[0-9]{18}$'),
    password_hash         text NOT NULL,
    token_version         integer NOT NULL DEFAULT 1,
    disabled              boolean NOT NULL DEFAULT false,
    must_change_password  boolean NOT NULL DEFAULT false,
    failed_logins         integer NOT NULL DEFAULT 0,
    locked_until          timestamptz,
    last_login_at         timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_roles (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role        text NOT NULL CHECK (role IN ('pegawai', 'atasan', 'admin_opd', 'verifikator', 'superadmin')),
    opd_id      bigint REFERENCES opd(id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'admin_opd') = (opd_id IS NOT NULL)),
    UNIQUE NULLS NOT DISTINCT (user_id, role, opd_id)
);

-- sessions are the server-side half of a login: every request checks that its
-- session is neither revoked nor past its idle or absolute limit.
CREATE TABLE sessions (
    id             text PRIMARY KEY,
    user_id        bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    active_role    text NOT NULL,
    active_opd_id  bigint REFERENCES opd(id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz,
    ip             text NOT NULL DEFAULT '',
    user_agent     text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- login_throttle counts failed logins per account (by NIP, known or not, so
-- the lock reveals nothing) and per client IP; a lock always expires.
CREATE TABLE login_throttle (
    key           text PRIMARY KEY,
    failures      integer NOT NULL DEFAULT 0,
    window_start  timestamptz NOT NULL DEFAULT now(),
    locked_until  timestamptz
);

-- audit_log is append-only and hash-chained: hash = SHA-256 over the previous
-- row's hash and this row's canonical fields (see internal/audit).
CREATE TABLE audit_log (
    id           bigint PRIMARY KEY,
    at           timestamptz NOT NULL,
    actor_id     bigint,
    actor_nip    text NOT NULL DEFAULT '',
    action       text NOT NULL,
    object_type  text NOT NULL DEFAULT '',
    object_id    text NOT NULL DEFAULT '',
    ip           text NOT NULL DEFAULT '',
    detail       text NOT NULL DEFAULT '{}',
    prev_hash    text NOT NULL,
    hash         text NOT NULL UNIQUE
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_action_idx ON audit_log (action);

-- +goose StatementBegin
CREATE FUNCTION audit_log_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_immutable();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_immutable();

-- +goose Down
-- Forward-only: restoring from a backup is the way back.
SELECT 1;
