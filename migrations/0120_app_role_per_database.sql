-- +goose Up
-- One application role per database (issue 16). Migration 0050 made one
-- ekinerja_app for the whole cluster, and CONNECT stayed with PUBLIC: the
-- credentials of one deployment reached every other ekinerja database on the
-- same server (staging, training, a restored continuity copy). From here on
-- the shared role has no rights in this database, and each database has its
-- own NOLOGIN role, ekinerja_app_<database>, set up by
-- ekinerja_setup_app_role() below, which `ekinerja migrate up` (and
-- `restore`) call as the owner after migrating: it creates the role, grants
-- it what 0050 granted ekinerja_app, and gives CONNECT on this database only
-- to that role (the owner keeps it; PUBLIC loses it).

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ekinerja_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ekinerja_app;
REVOKE ALL ON SCHEMA public FROM ekinerja_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM ekinerja_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM ekinerja_app;

-- The name of this database's application role: ekinerja_app_<database>
-- (a name too long for PostgreSQL's 63 bytes is shortened with a digest).
-- +goose StatementBegin
CREATE FUNCTION ekinerja_app_role_name() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN octet_length('ekinerja_app_' || current_database()) <= 63
        THEN 'ekinerja_app_' || current_database()
        ELSE 'ekinerja_app_' || left(current_database(), 10) || '_' || left(md5(current_database()), 16)
    END
$$;
-- +goose StatementEnd

-- Idempotent; run as the database owner (who needs CREATEROLE the first
-- time). Returns the role's name.
-- +goose StatementBegin
CREATE FUNCTION ekinerja_setup_app_role() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    app   text := ekinerja_app_role_name();
    db    text := current_database();
    owner text;
BEGIN
    SELECT pg_get_userbyid(datdba) INTO owner FROM pg_database WHERE datname = db;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app) THEN
        BEGIN
            EXECUTE format('CREATE ROLE %I NOLOGIN', app);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- a second migrate created it at the same moment
        END;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', app);
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO %I', app);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', app);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I', app);
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM %I', app);
    EXECUTE format('REVOKE ALL ON goose_db_version FROM %I', app);
    EXECUTE format('GRANT SELECT ON goose_db_version TO %I', app);
    -- CONNECT (and TEMPORARY: the attendance import uses a temporary
    -- table) for this database's owner and application role only.
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', db);
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', db, owner);
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', db, app);
    RETURN app;
END
$$;
-- +goose StatementEnd

-- Makes an existing LOGIN role a member of this database's application role
-- (what the server connects as). Run as the owner.
-- +goose StatementBegin
CREATE FUNCTION ekinerja_grant_app_role(login text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    app text := ekinerja_app_role_name();
BEGIN
    EXECUTE format('GRANT %I TO %I', app, login);
    RETURN app;
END
$$;
-- +goose StatementEnd

REVOKE ALL ON FUNCTION ekinerja_setup_app_role() FROM PUBLIC;
REVOKE ALL ON FUNCTION ekinerja_grant_app_role(text) FROM PUBLIC;

-- +goose Down
SELECT 1;
