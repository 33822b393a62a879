// Package database opens the PostgreSQL connection and applies the embedded,
// versioned SQL migrations with goose.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/ekinerja/ekinerja/migrations"
)

// Limits bound how long the database may keep one of the server's
// connections busy. Requests are cut sooner by their own deadline
// (EKINERJA_REQUEST_TIMEOUT); these also hold on the server side, for work
// whose client has gone and for the computations that outlive a request.
type Limits struct {
	// StatementTimeout is PostgreSQL's statement_timeout.
	StatementTimeout time.Duration
	// LockTimeout is PostgreSQL's lock_timeout: how long a statement waits
	// for a row or table lock.
	LockTimeout time.Duration
	// IdleInTransaction is idle_in_transaction_session_timeout: a
	// transaction left open by a stuck client is ended and its locks freed.
	IdleInTransaction time.Duration
	// ConnectTimeout bounds opening a connection (a database that accepts
	// TCP but does not answer).
	ConnectTimeout time.Duration
}

// ServeLimits are the limits of `ekinerja serve`'s connections. Commands
// (backup, restore, migrate) run without them: a large COPY or index may
// rightly take longer than a web page.
var ServeLimits = Limits{StatementTimeout: 30 * time.Second, LockTimeout: 10 * time.Second,
	IdleInTransaction: 60 * time.Second, ConnectTimeout: 3 * time.Second}

// Open connects to PostgreSQL at url and returns a GORM handle whose pool
// recovers by itself when the database comes back after an outage.
func Open(ctx context.Context, url string) (*gorm.DB, error) {
	return OpenLimited(ctx, url, Limits{})
}

// OpenLimited is Open with the server-side limits l set on every
// connection of the pool (zero fields leave PostgreSQL's setting).
func OpenLimited(ctx context.Context, url string, l Limits) (*gorm.DB, error) {
	pc, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	for name, d := range map[string]time.Duration{"statement_timeout": l.StatementTimeout, "lock_timeout": l.LockTimeout,
		"idle_in_transaction_session_timeout": l.IdleInTransaction} {
		if d > 0 {
			pc.RuntimeParams[name] = strconv.FormatInt(d.Milliseconds(), 10)
		}
	}
	if l.ConnectTimeout > 0 && (pc.ConnectTimeout == 0 || pc.ConnectTimeout > l.ConnectTimeout) {
		pc.ConnectTimeout = l.ConnectTimeout
	}
	var lost lostConns
	pc.OnPgError = lost.watch(pc.OnPgError)
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: stdlib.OpenDB(*pc, stdlib.OptionShouldPing(lost.shouldPing))}), &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		TranslateError:         true,
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := registerKinds(db); err != nil {
		return nil, fmt.Errorf("database error kinds: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("database handle: %w", err)
	}
	// As many idle connections as open ones: under a burst (make bench-http,
	// 32 connections) a smaller idle cap closed and reopened connections
	// between requests; ConnMaxIdleTime still closes those a quiet server
	// no longer needs.
	sqlDB.SetMaxOpenConns(20)
	sqlDB.SetMaxIdleConns(20)
	sqlDB.SetConnMaxLifetime(30 * time.Minute)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// lostConns notices that the pool's connections have died together: when
// PostgreSQL restarts, or ends every backend (pg_terminate_backend, a crash
// of one backend), each connection is told so with a FATAL error that the
// client reads only at its next query. pgx pings a connection before reuse
// only when it has been idle for more than a second, so on a busy server
// every pooled connection would fail one request after a restart. Once one
// connection has been told, every connection last taken from the pool
// before that moment is pinged before its next use, and the dead ones are
// replaced instead of failing a request (a person's page, a computation).
type lostConns struct {
	at atomic.Int64 // UnixNano of the last such FATAL; 0: none
}

// serverGone reports whether e says the server ended this connection
// (admin shutdown, crash shutdown, cannot connect now) or lost it (class 08).
func serverGone(e *pgconn.PgError) bool {
	return strings.EqualFold(e.Severity, "FATAL") && (strings.HasPrefix(e.Code, "57P") || strings.HasPrefix(e.Code, "08"))
}

// watch wraps pgx's error handler (which closes the connection on FATAL).
func (l *lostConns) watch(next pgconn.PgErrorHandler) pgconn.PgErrorHandler {
	return func(c *pgconn.PgConn, e *pgconn.PgError) bool {
		if serverGone(e) {
			l.at.Store(time.Now().UnixNano())
		}
		if next == nil {
			return !strings.EqualFold(e.Severity, "FATAL")
		}
		return next(c, e)
	}
}

// shouldPing is pgx's rule (idle for more than a second) plus: taken from
// the pool last before the connections were found dead.
func (l *lostConns) shouldPing(_ context.Context, p stdlib.ShouldPingParams) bool {
	if p.IdleDuration > time.Second {
		return true
	}
	at := l.at.Load()
	return at != 0 && time.Now().Add(-p.IdleDuration).UnixNano() <= at
}

// Ping reports whether the database answers within ctx.
func Ping(ctx context.Context, db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close closes the connection pool.
func Close(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

func provider(db *gorm.DB, log *slog.Logger) (*goose.Provider, error) {
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	return newProvider(sqlDB, log)
}

func newProvider(sqlDB *sql.DB, log *slog.Logger) (*goose.Provider, error) {
	// A session lock keeps two app servers starting at once from migrating twice.
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{goose.WithSessionLocker(locker)}
	if log != nil {
		opts = append(opts, goose.WithSlog(log))
	}
	return goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS, opts...)
}

// Migrate applies every pending migration and returns how many ran.
func Migrate(ctx context.Context, db *gorm.DB, log *slog.Logger) (int, error) {
	p, err := provider(db, log)
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrate up: %w", err)
	}
	return len(res), nil
}

// MigrationState is one migration's name and whether it has been applied.
type MigrationState struct {
	Version   int64
	Name      string
	Applied   bool
	AppliedAt time.Time
}

// Status lists every embedded migration with its state in the database.
func Status(ctx context.Context, db *gorm.DB) ([]MigrationState, error) {
	p, err := provider(db, nil)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]MigrationState, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationState{
			Version:   s.Source.Version,
			Name:      s.Source.Path,
			Applied:   s.State == goose.StateApplied,
			AppliedAt: s.AppliedAt,
		})
	}
	return out, nil
}

// ErrSchemaStale means the database lacks migrations this binary carries.
var ErrSchemaStale = errors.New("skema basis data belum mutakhir: jalankan 'ekinerja migrate up' (atau 'ekinerja serve --migrate')")

// CheckUpToDate returns ErrSchemaStale when migrations are pending.
func CheckUpToDate(ctx context.Context, db *gorm.DB) error {
	p, err := provider(db, nil)
	if err != nil {
		return err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("check migrations: %w", err)
	}
	if pending {
		return ErrSchemaStale
	}
	return nil
}

// MigrateTo applies the migrations up to and including version (used by
// restore, to load a backup into the schema it was taken from).
func MigrateTo(ctx context.Context, sqlDB *sql.DB, version int64) error {
	p, err := newProvider(sqlDB, nil)
	if err != nil {
		return err
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("migrate to %d: %w", version, err)
	}
	return nil
}

// SetupAppRole makes this database's own application role (NOLOGIN,
// ekinerja_app_<database>, migration 0120): it creates the role if missing,
// grants it the tables, sequences and default privileges the server needs
// (never UPDATE, DELETE or TRUNCATE on audit_log), and gives CONNECT on this
// database to the owner and that role only. Run as the owner after
// migrating; idempotent. Returns the role's name.
func SetupAppRole(ctx context.Context, db *gorm.DB) (string, error) {
	var role string
	if err := db.WithContext(ctx).Raw(`SELECT ekinerja_setup_app_role()`).Scan(&role).Error; err != nil {
		return "", fmt.Errorf("peran aplikasi basis data ini: %w", err)
	}
	return role, nil
}

// AppRole is the name of this database's application role.
func AppRole(ctx context.Context, db *gorm.DB) (string, error) {
	var role string
	if err := db.WithContext(ctx).Raw(`SELECT ekinerja_app_role_name()`).Scan(&role).Error; err != nil {
		return "", fmt.Errorf("nama peran aplikasi: %w", err)
	}
	return role, nil
}

// GrantAppRole makes the existing LOGIN role login a member of this
// database's application role: the server connects as login.
func GrantAppRole(ctx context.Context, db *gorm.DB, login string) error {
	var role string
	if err := db.WithContext(ctx).Raw(`SELECT ekinerja_grant_app_role(?)`, login).Scan(&role).Error; err != nil {
		return fmt.Errorf("beri peran aplikasi kepada %s: %w", login, err)
	}
	return nil
}

// LegacyAppMembers lists the LOGIN roles still members of the cluster-wide
// ekinerja_app of migration 0050, which has no rights here since 0120: a
// server connecting as one of them needs GrantAppRole.
func LegacyAppMembers(ctx context.Context, db *gorm.DB) ([]string, error) {
	var names []string
	err := db.WithContext(ctx).Raw(`SELECT r.rolname FROM pg_auth_members m
JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
WHERE g.rolname = 'ekinerja_app' AND r.rolcanlogin
  AND NOT pg_has_role(r.oid, ekinerja_app_role_name(), 'USAGE') ORDER BY 1`).Scan(&names).Error
	if err != nil {
		return nil, fmt.Errorf("anggota ekinerja_app: %w", err)
	}
	return names, nil
}
