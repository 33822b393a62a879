package database

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// IsMissingDatabase reports whether err is PostgreSQL's "database ... does
// not exist" (SQLSTATE 3D000), e.g. from Ping on a DATABASE_URL naming a
// database nobody has created yet.
func IsMissingDatabase(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "3D000"
}

// Target is where a DATABASE_URL points: enough to tell a person how to
// create the database by hand.
type Target struct {
	Host, User, Name string
	Port             uint16
}

// ParseTarget reads the host, port, user and database name of url (URL or
// keyword/value form, as pgx accepts it).
func ParseTarget(url string) (Target, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return Target{}, fmt.Errorf("DATABASE_URL tidak dapat dibaca: %w", err)
	}
	return Target{Host: cfg.Host, Port: cfg.Port, User: cfg.User, Name: cfg.Database}, nil
}

// CreateCommand is the shell command that creates t's database with
// PostgreSQL's own client tools.
func (t Target) CreateCommand() string {
	return "createdb -h " + t.Host + " -p " + strconv.Itoa(int(t.Port)) + " -U " + t.User + " " + strconv.Quote(t.Name)
}

// MissingHint is the Indonesian message for a DATABASE_URL whose database
// does not exist: what is missing and the exact command that creates it.
func (t Target) MissingHint() string {
	return fmt.Sprintf("basis data %q belum ada di %s:%d (DATABASE_URL). Jalankan 'ekinerja migrate up' (membuatnya bila pengguna %q boleh membuat basis data, lalu menerapkan skema) atau buat sendiri dengan:\n  %s",
		t.Name, t.Host, t.Port, t.User, t.CreateCommand())
}

// EnsureDatabase creates the database url names when it does not exist,
// connecting to the server's "postgres" maintenance database with the same
// credentials. It reports whether it created it. When the user may not
// create databases the error says which command to run instead.
func EnsureDatabase(ctx context.Context, url string) (bool, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return false, fmt.Errorf("DATABASE_URL tidak dapat dibaca: %w", err)
	}
	t := Target{Host: cfg.Host, Port: cfg.Port, User: cfg.User, Name: cfg.Database}
	if t.Name == "" || t.Name == "postgres" {
		return false, nil
	}
	admin := cfg.Copy()
	admin.Database = "postgres"
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(cctx, admin)
	if err != nil {
		return false, fmt.Errorf("%s\n(basis data pemeliharaan \"postgres\" tidak dapat dihubungi untuk membuatnya: %w)", t.MissingHint(), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(cctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, t.Name).Scan(&exists); err != nil {
		return false, err
	}
	if exists {
		return false, nil
	}
	if _, err := conn.Exec(cctx, "CREATE DATABASE "+pgx.Identifier{t.Name}.Sanitize()); err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "42P04" { // created meanwhile by another process
			return false, nil
		}
		return false, fmt.Errorf("basis data %q belum ada dan tidak dapat dibuat oleh pengguna %q (%v). Buat dengan:\n  %s\natau minta admin PostgreSQL: CREATE DATABASE %s OWNER %s;",
			t.Name, t.User, err, t.CreateCommand(), pgx.Identifier{t.Name}.Sanitize(), pgx.Identifier{t.User}.Sanitize())
	}
	return true, nil
}
