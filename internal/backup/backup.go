// Package backup writes a consistent, checksummed logical backup of the whole
// database and restores it into an empty database, so that recovery from a
// compromised host is: new host, same binary, restore, rotate secrets.
//
// The archive is a gzip'd tar: manifest.json (schema version, time, and per
// table the row count and SHA-256 of its data) and one PostgreSQL COPY text
// file per table. Tables are found from the catalog, so tables added by later
// migrations are included without changing this package.
package backup

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/database"
)

// FormatVersion identifies the archive layout.
const FormatVersion = 1

// Table is one table's entry in the manifest.
type Table struct {
	Name   string `json:"name"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

// Manifest describes a backup.
type Manifest struct {
	Format        int       `json:"format"`
	SchemaVersion int64     `json:"schema_version"`
	CreatedAt     time.Time `json:"created_at"`
	Tables        []Table   `json:"tables"`
}

// withConn runs fn on one pgx connection of db's pool.
func withConn(ctx context.Context, db *gorm.DB, fn func(*pgx.Conn) error) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("backup needs the pgx driver")
		}
		return fn(sc.Conn())
	})
}

func quoteIdent(s string) string { return pgx.Identifier{s}.Sanitize() }

// tablesInOrder lists the public tables (but goose's own), parents before
// children along foreign keys, so a restore never meets a missing parent.
func tablesInOrder(ctx context.Context, conn *pgx.Conn) ([]string, error) {
	rows, err := conn.Query(ctx, `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'goose_db_version' ORDER BY c.relname`)
	if err != nil {
		return nil, err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	rows, err = conn.Query(ctx, `SELECT cl.relname, pl.relname FROM pg_constraint k
JOIN pg_class cl ON cl.oid = k.conrelid JOIN pg_class pl ON pl.oid = k.confrelid
JOIN pg_namespace n ON n.oid = cl.relnamespace
WHERE k.contype = 'f' AND n.nspname = 'public' AND k.conrelid <> k.confrelid`)
	if err != nil {
		return nil, err
	}
	parents := map[string][]string{}
	for rows.Next() {
		var child, parent string
		if err := rows.Scan(&child, &parent); err != nil {
			return nil, err
		}
		parents[child] = append(parents[child], parent)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(string) error
	visit = func(t string) error {
		switch state[t] {
		case 1:
			return fmt.Errorf("foreign keys form a cycle through %s", t)
		case 2:
			return nil
		}
		state[t] = 1
		ps := parents[t]
		sort.Strings(ps)
		for _, p := range ps {
			if err := visit(p); err != nil {
				return err
			}
		}
		state[t] = 2
		out = append(out, t)
		return nil
	}
	for _, t := range names {
		if err := visit(t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Write streams a backup of db to w from one consistent snapshot.
func Write(ctx context.Context, db *gorm.DB, w io.Writer) (Manifest, error) {
	m := Manifest{Format: FormatVersion, CreatedAt: time.Now().UTC()}
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	err := withConn(ctx, db, func(conn *pgx.Conn) error {
		if _, err := conn.Exec(ctx, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); err != nil {
			return err
		}
		defer conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
		if err := conn.QueryRow(ctx, `SELECT coalesce(max(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&m.SchemaVersion); err != nil {
			return fmt.Errorf("schema version: %w", err)
		}
		tables, err := tablesInOrder(ctx, conn)
		if err != nil {
			return err
		}
		for _, t := range tables {
			var buf bytes.Buffer
			tag, err := conn.PgConn().CopyTo(ctx, &buf, "COPY "+quoteIdent(t)+" TO STDOUT")
			if err != nil {
				return fmt.Errorf("copy %s: %w", t, err)
			}
			sum := sha256.Sum256(buf.Bytes())
			m.Tables = append(m.Tables, Table{Name: t, Rows: tag.RowsAffected(), SHA256: hex.EncodeToString(sum[:])})
			if err := writeFile(tw, "data/"+t+".copy", buf.Bytes(), m.CreatedAt); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return m, err
	}
	mj, _ := json.MarshalIndent(m, "", "  ")
	if err := writeFile(tw, "manifest.json", mj, m.CreatedAt); err != nil {
		return m, err
	}
	if err := tw.Close(); err != nil {
		return m, err
	}
	return m, gz.Close()
}

func writeFile(tw *tar.Writer, name string, body []byte, at time.Time) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(body)), ModTime: at, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	_, err := tw.Write(body)
	return err
}

// maxFile bounds one archive member, so a hostile archive cannot exhaust memory.
const maxFile = 4 << 30

// read loads and checks an archive: every table file must match the manifest.
func read(r io.Reader) (Manifest, map[string][]byte, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return Manifest{}, nil, fmt.Errorf("bukan arsip cadangan ekinerja: %w", err)
	}
	tr := tar.NewReader(gz)
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Manifest{}, nil, fmt.Errorf("arsip rusak: %w", err)
		}
		if h.Typeflag != tar.TypeReg || h.Size > maxFile || strings.Contains(h.Name, "..") {
			return Manifest{}, nil, fmt.Errorf("arsip berisi entri tak terduga: %q", h.Name)
		}
		b, err := io.ReadAll(io.LimitReader(tr, maxFile))
		if err != nil {
			return Manifest{}, nil, err
		}
		files[h.Name] = b
	}
	var m Manifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil || m.Format != FormatVersion {
		return Manifest{}, nil, errors.New("manifest.json tidak ada atau formatnya tidak dikenal")
	}
	data := map[string][]byte{}
	for _, t := range m.Tables {
		b, ok := files["data/"+t.Name+".copy"]
		if !ok {
			return m, nil, fmt.Errorf("data tabel %s tidak ada di arsip", t.Name)
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != t.SHA256 {
			return m, nil, fmt.Errorf("checksum tabel %s tidak cocok: arsip rusak atau diubah", t.Name)
		}
		data[t.Name] = b
	}
	return m, data, nil
}

// Verify checks an archive's checksums without touching a database.
func Verify(r io.Reader) (Manifest, error) {
	m, _, err := read(r)
	return m, err
}

// ownerTables hold the people and the history; a restore target must have
// none of their rows.
var ownerTables = []string{"audit_log", "users", "pegawai", "opd"}

// ErrNotEmpty means the restore target already holds data.
var ErrNotEmpty = errors.New("basis data tujuan tidak kosong: pulihkan hanya ke basis data baru")

// Restore loads an archive into an empty database: it migrates the schema to
// the backup's version, loads every table in one transaction, resets the
// sequences, then applies any newer migrations this binary carries.
func Restore(ctx context.Context, db *gorm.DB, r io.Reader) (Manifest, error) {
	m, data, err := read(r)
	if err != nil {
		return m, err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return m, err
	}
	if err := migrateTo(ctx, sqlDB, m.SchemaVersion); err != nil {
		return m, err
	}
	err = withConn(ctx, db, func(conn *pgx.Conn) error {
		tables, err := tablesInOrder(ctx, conn)
		if err != nil {
			return err
		}
		// "Empty" means no people and no history. Reference rows that
		// migrations insert (holidays, schedules, rule sets) are replaced by
		// the backup's own.
		for _, t := range ownerTables {
			var any bool
			if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+quoteIdent(t)+")").Scan(&any); err != nil {
				return err
			}
			if any {
				return fmt.Errorf("%w (tabel %s berisi data)", ErrNotEmpty, t)
			}
		}
		tx, err := conn.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		for i := len(tables) - 1; i >= 0; i-- { // children first
			if _, ok := data[tables[i]]; !ok {
				continue
			}
			if _, err := tx.Exec(ctx, "DELETE FROM "+quoteIdent(tables[i])); err != nil {
				return fmt.Errorf("kosongkan tabel %s: %w", tables[i], err)
			}
		}
		for _, t := range tables {
			b, ok := data[t]
			if !ok {
				continue // a table the backup's schema did not have
			}
			if _, err := tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(b), "COPY "+quoteIdent(t)+" FROM STDIN"); err != nil {
				return fmt.Errorf("muat tabel %s: %w", t, err)
			}
		}
		// Sequences continue after the restored ids.
		rows, err := tx.Query(ctx, `SELECT c.relname, a.attname FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
  AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL`)
		if err != nil {
			return err
		}
		type col struct{ table, column string }
		var cols []col
		for rows.Next() {
			var c col
			if err := rows.Scan(&c.table, &c.column); err != nil {
				return err
			}
			cols = append(cols, c)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, c := range cols {
			q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence(%s, %s), coalesce((SELECT max(%s) FROM %s), 0) + 1, false)`,
				quoteLiteral(quoteIdent(c.table)), quoteLiteral(c.column), quoteIdent(c.column), quoteIdent(c.table))
			if _, err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("sequence %s.%s: %w", c.table, c.column, err)
			}
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		return m, err
	}
	_, err = database.Migrate(ctx, db, nil)
	return m, err
}

// quoteLiteral quotes a catalog name as an SQL string literal.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func migrateTo(ctx context.Context, sqlDB *sql.DB, version int64) error {
	return database.MigrateTo(ctx, sqlDB, version)
}
