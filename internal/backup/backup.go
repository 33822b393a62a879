// Package backup writes a consistent, checksummed logical backup of the whole
// database and restores it into an empty database, so that recovery from a
// compromised host is: new host, same binary, restore, rotate secrets.
//
// The file is encrypted with age to the operator's recipient key (a copied
// backup reveals no NIP or bank account) and holds a gzip'd tar:
// manifest.json (schema version, time, per table the row count and SHA-256
// of its data, per sequence its exact state), manifest.sig (Ed25519 over the
// manifest, with a backup key that is not EKINERJA_SECRET) and one PostgreSQL
// COPY text file per table. Tables are found from the catalog, so tables
// added by later migrations are included without changing this package.
//
// Reading checks everything before the first row is written: the age
// stream's authentication, the signature, every member against the manifest
// (SHA-256 and row count), no member missing or extra, the tables every
// backup must hold, the gzip CRC and length trailer and no trailing bytes;
// the restore then requires the manifest's tables and sequences to be
// exactly those of the schema.
package backup

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/migrations"
)

// FormatVersion identifies the archive layout.
const FormatVersion = 2

// sigContext is signed ahead of the manifest, so the signature means
// nothing in any other protocol.
const sigContext = "ekinerja-backup-manifest-v2\n"

// requiredTables must be in every backup: without them it is not a backup
// of this system (and a backup without its audit log hides history).
var requiredTables = []string{"audit_log", "users", "pegawai", "opd"}

// Table is one table's entry in the manifest.
type Table struct {
	Name   string `json:"name"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

// Sequence is one sequence's state, restored exactly: a restored database
// never issues an id again that the source had already issued.
type Sequence struct {
	Name      string `json:"name"`
	LastValue int64  `json:"last_value"`
	IsCalled  bool   `json:"is_called"`
}

// Manifest describes a backup.
type Manifest struct {
	Format        int        `json:"format"`
	SchemaVersion int64      `json:"schema_version"`
	CreatedAt     time.Time  `json:"created_at"`
	Tables        []Table    `json:"tables"`
	Sequences     []Sequence `json:"sequences"`
	// KeyID names the signing key (see KeyID), for messages only.
	KeyID string `json:"key_id"`
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

// Write streams a signed, encrypted backup of db to w from one consistent snapshot.
func Write(ctx context.Context, db *gorm.DB, w io.Writer, keys WriteKeys) (Manifest, error) {
	if len(keys.Sign) != ed25519.PrivateKeySize || len(keys.Recipients) == 0 {
		return Manifest{}, fmt.Errorf("%w: cadangan perlu kunci tanda tangan dan kunci penerima (ekinerja backup keygen)", errNoKeys)
	}
	m := Manifest{Format: FormatVersion, CreatedAt: time.Now().UTC(), KeyID: KeyID(keys.Sign.Public().(ed25519.PublicKey))}
	enc, err := age.Encrypt(w, keys.Recipients...)
	if err != nil {
		return m, err
	}
	gz := gzip.NewWriter(enc)
	tw := tar.NewWriter(gz)
	err = withConn(ctx, db, func(conn *pgx.Conn) error {
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
			tb, err := writeTable(ctx, conn, tw, t, keys.TempDir, m.CreatedAt)
			if err != nil {
				return err
			}
			m.Tables = append(m.Tables, tb)
		}
		// Read after the tables: a sequence is never behind the rows it numbered.
		m.Sequences, err = sequences(ctx, conn)
		return err
	})
	if err != nil {
		return m, err
	}
	mj, _ := json.MarshalIndent(m, "", "  ")
	if err := writeFile(tw, "manifest.json", mj, m.CreatedAt); err != nil {
		return m, err
	}
	if err := writeFile(tw, "manifest.sig", Sign(keys.Sign, mj), m.CreatedAt); err != nil {
		return m, err
	}
	if err := tw.Close(); err != nil {
		return m, err
	}
	if err := gz.Close(); err != nil {
		return m, err
	}
	return m, enc.Close()
}

// Sign signs a manifest's bytes (exported for tests that forge archives).
func Sign(key ed25519.PrivateKey, manifest []byte) []byte {
	return ed25519.Sign(key, append([]byte(sigContext), manifest...))
}

// writeTable spools one table's COPY to a temporary file (a tar header needs
// the size first; memory holds no table, however large its evidence files),
// then appends it to the archive.
func writeTable(ctx context.Context, conn *pgx.Conn, tw *tar.Writer, t, dir string, at time.Time) (Table, error) {
	f, err := os.CreateTemp(dir, ".ekinerja-backup-*.copy")
	if err != nil {
		return Table{}, err
	}
	defer func() { f.Close(); os.Remove(f.Name()) }()
	h := sha256.New()
	tag, err := conn.PgConn().CopyTo(ctx, io.MultiWriter(f, h), "COPY "+quoteIdent(t)+" TO STDOUT")
	if err != nil {
		return Table{}, fmt.Errorf("copy %s: %w", t, err)
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return Table{}, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Table{}, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: "data/" + t + ".copy", Mode: 0o600, Size: size, ModTime: at, Typeflag: tar.TypeReg}); err != nil {
		return Table{}, err
	}
	if _, err := io.CopyN(tw, f, size); err != nil {
		return Table{}, err
	}
	return Table{Name: t, Rows: tag.RowsAffected(), SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func writeFile(tw *tar.Writer, name string, body []byte, at time.Time) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(body)), ModTime: at, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	_, err := tw.Write(body)
	return err
}

// maxManifest bounds the two members read into memory; table data is
// spooled to disk (os.TempDir, i.e. $TMPDIR) and bounded by it.
const maxManifest = 64 << 20

// spooled is one table member on disk, with what reading it found.
type spooled struct {
	path   string
	sha256 string
	rows   int64 // newlines
	endsNL bool  // empty, or the last byte is a newline
}

// spool copies n bytes of a member to a temporary file in dir, hashing and
// counting rows on the way.
func spool(r io.Reader, n int64, dir string) (spooled, error) {
	f, err := os.CreateTemp(dir, "t-*.copy")
	if err != nil {
		return spooled{}, err
	}
	defer f.Close()
	h := sha256.New()
	c := &rowCounter{last: '\n'}
	if _, err := io.CopyN(io.MultiWriter(f, h, c), r, n); err != nil {
		return spooled{}, err
	}
	return spooled{path: f.Name(), sha256: hex.EncodeToString(h.Sum(nil)), rows: c.rows, endsNL: c.last == '\n'}, f.Close()
}

type rowCounter struct {
	rows int64
	last byte
}

func (c *rowCounter) Write(p []byte) (int, error) {
	c.rows += int64(bytes.Count(p, []byte{'\n'}))
	if len(p) > 0 {
		c.last = p[len(p)-1]
	}
	return len(p), nil
}

// archive is a read, fully checked backup; Close removes its spool.
type archive struct {
	Manifest
	dir    string
	tables map[string]spooled
}

func (a *archive) Close() error { return os.RemoveAll(a.dir) }

func (a *archive) open(table string) (*os.File, error) {
	return os.Open(a.tables[table].path) // #nosec G304 -- our own spool file
}

// ErrRefused wraps every reason a backup is not accepted.
var ErrRefused = errors.New("cadangan ditolak")

func refused(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRefused, fmt.Sprintf(format, args...))
}

// validName is a table or sequence name as this schema writes them.
func validName(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// read decrypts and checks a whole archive; nothing of it is trusted until
// every check has passed. The caller closes the archive.
func read(r io.Reader, keys ReadKeys) (m Manifest, a *archive, err error) {
	if len(keys.Identities) == 0 || len(keys.Verify) != ed25519.PublicKeySize {
		return Manifest{}, nil, fmt.Errorf("%w: pemeriksaan cadangan perlu kunci pribadi age dan kunci publik tanda tangan", errNoKeys)
	}
	dec, err := age.Decrypt(r, keys.Identities...)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) {
			return Manifest{}, nil, refused("cadangan tidak dapat dibuka dengan kunci pribadi ini (dienkripsi untuk kunci lain)")
		}
		return Manifest{}, nil, refused("bukan cadangan ekinerja terenkripsi: %v", err)
	}
	br := bufio.NewReader(dec)
	gz, err := gzip.NewReader(br)
	if err != nil {
		return Manifest{}, nil, refused("isi cadangan bukan gzip: %v", err)
	}
	gz.Multistream(false)
	dir, err := os.MkdirTemp("", "ekinerja-restore-")
	if err != nil {
		return Manifest{}, nil, err
	}
	a = &archive{dir: dir, tables: map[string]spooled{}}
	defer func() {
		if err != nil {
			os.RemoveAll(dir) // every refusal returns a nil archive
		}
	}()
	tr := tar.NewReader(gz)
	small := map[string][]byte{}
	members := map[string]spooled{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Manifest{}, nil, refused("arsip rusak: %v", err)
		}
		name := h.Name
		meta := name == "manifest.json" || name == "manifest.sig"
		table := strings.TrimSuffix(strings.TrimPrefix(name, "data/"), ".copy")
		ok := meta || strings.HasPrefix(name, "data/") && strings.HasSuffix(name, ".copy") && validName(table)
		if h.Typeflag != tar.TypeReg || h.Size < 0 || meta && h.Size > maxManifest || !ok {
			return Manifest{}, nil, refused("arsip berisi entri tak terduga: %q", name)
		}
		_, dup1 := small[name]
		_, dup2 := members[table]
		if meta && dup1 || !meta && dup2 {
			return Manifest{}, nil, refused("arsip memuat %q dua kali", name)
		}
		if meta {
			b, err := io.ReadAll(io.LimitReader(tr, maxManifest))
			if err != nil {
				return Manifest{}, nil, refused("arsip rusak: %v", err)
			}
			small[name] = b
			continue
		}
		sp, err := spool(tr, h.Size, dir)
		if err != nil {
			return Manifest{}, nil, refused("arsip rusak: %v", err)
		}
		members[table] = sp
	}
	// The tar end marker comes before gzip's CRC-32 and length: read on to
	// the end so a changed or cut trailer is caught, and allow nothing after it.
	// Only tar's zero padding may remain, a few KiB at most.
	if _, err := io.CopyN(io.Discard, gz, 1<<20); !errors.Is(err, io.EOF) {
		if err == nil {
			return Manifest{}, nil, refused("ada data tambahan sesudah akhir arsip tar")
		}
		return Manifest{}, nil, refused("gzip rusak (CRC atau panjang tidak cocok): %v", err)
	}
	if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
		if err != nil {
			return Manifest{}, nil, refused("arsip rusak: %v", err)
		}
		return Manifest{}, nil, refused("ada data tambahan sesudah arsip")
	}
	mj, sig := small["manifest.json"], small["manifest.sig"]
	if mj == nil || sig == nil {
		return Manifest{}, nil, refused("manifest.json atau manifest.sig tidak ada")
	}
	if !ed25519.Verify(keys.Verify, append([]byte(sigContext), mj...), sig) {
		var peek Manifest
		_ = json.Unmarshal(mj, &peek)
		return Manifest{}, nil, refused("tanda tangan manifest tidak sah: cadangan diubah, atau ditandatangani kunci lain (manifest menyebut %q, kunci pemeriksa %s)", peek.KeyID, KeyID(keys.Verify))
	}
	dj := json.NewDecoder(bytes.NewReader(mj))
	dj.DisallowUnknownFields()
	if err := dj.Decode(&m); err != nil || m.Format != FormatVersion {
		return Manifest{}, nil, refused("format manifest tidak dikenal (versi %d, diharapkan %d)", m.Format, FormatVersion)
	}
	for _, t := range m.Tables {
		if _, dup := a.tables[t.Name]; !validName(t.Name) || dup {
			return m, nil, refused("nama tabel %q tidak sah atau berulang", t.Name)
		}
		sp, ok := members[t.Name]
		if !ok {
			return m, nil, refused("data tabel %s tidak ada di arsip", t.Name)
		}
		if sp.sha256 != t.SHA256 {
			return m, nil, refused("checksum tabel %s tidak cocok: arsip rusak atau diubah", t.Name)
		}
		// COPY text ends every row with a newline (one inside a value is escaped).
		if sp.rows != t.Rows || !sp.endsNL {
			return m, nil, refused("tabel %s berisi %d baris, manifest menyebut %d", t.Name, sp.rows, t.Rows)
		}
		a.tables[t.Name] = sp
	}
	for name := range members {
		if _, ok := a.tables[name]; !ok {
			return m, nil, refused("arsip memuat data/%s.copy yang tidak ada di manifest", name)
		}
	}
	for _, req := range requiredTables {
		if _, ok := a.tables[req]; !ok {
			return m, nil, refused("cadangan tidak memuat tabel %s", req)
		}
	}
	seen := map[string]bool{}
	for _, sq := range m.Sequences {
		if !validName(sq.Name) || seen[sq.Name] {
			return m, nil, refused("nama sequence %q tidak sah atau berulang", sq.Name)
		}
		seen[sq.Name] = true
	}
	if m.SchemaVersion <= 0 {
		return m, nil, refused("versi skema di manifest tidak sah")
	}
	a.Manifest = m
	return m, a, nil
}

// Verify checks an archive completely (decryption, signature, members,
// counts, gzip trailer) without touching a database.
func Verify(r io.Reader, keys ReadKeys) (Manifest, error) {
	m, a, err := read(r, keys)
	if err != nil {
		return m, err
	}
	return m, a.Close()
}

// referenceTables are the tables migrations fill (settings, holidays, work
// schedules, the first rule set, the regency's one identity row). A database whose other tables are all empty
// is a new one: the restore replaces these rows with the backup's own.
var referenceTables = map[string]bool{"pengaturan": true, "hari_libur": true, "jadwal_kerja": true, "tpp_rule_set": true, "identitas": true}

// ErrNotEmpty means the restore target already holds data.
var ErrNotEmpty = errors.New("basis data tujuan tidak kosong: pulihkan hanya ke basis data baru yang kosong (createdb), tidak ada yang diubah")

// Trigger is one user trigger and its enabled state (pg_trigger.tgenabled:
// O enabled, D disabled, R replica, A always).
type Trigger struct {
	Table, Name string
	Enabled     string
}

// Triggers lists the database's user (non-internal) triggers in the public schema.
func Triggers(ctx context.Context, db *gorm.DB) ([]Trigger, error) {
	var out []Trigger
	err := withConn(ctx, db, func(conn *pgx.Conn) error {
		var err error
		out, err = triggers(ctx, conn)
		return err
	})
	return out, err
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func triggers(ctx context.Context, q querier) ([]Trigger, error) {
	rows, err := q.Query(ctx, `SELECT c.relname, t.tgname, t.tgenabled::text FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND NOT t.tgisinternal ORDER BY 1, 2`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Trigger, error) {
		var t Trigger
		err := r.Scan(&t.Table, &t.Name, &t.Enabled)
		return t, err
	})
}

// sequences lists the public sequences with their state.
func sequences(ctx context.Context, q querier) ([]Sequence, error) {
	rows, err := q.Query(ctx, `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	out := make([]Sequence, 0, len(names))
	for _, n := range names {
		s := Sequence{Name: n}
		rows, err := q.Query(ctx, "SELECT last_value, is_called FROM "+quoteIdent(n))
		if err != nil {
			return nil, err
		}
		if _, err := pgx.ForEachRow(rows, []any{&s.LastValue, &s.IsCalled}, func() error { return nil }); err != nil {
			return nil, fmt.Errorf("sequence %s: %w", n, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// checkEmpty refuses a target that holds anything but reference rows.
func checkEmpty(ctx context.Context, q querier, tables []string) error {
	for _, t := range tables {
		if referenceTables[t] {
			continue
		}
		rows, err := q.Query(ctx, "SELECT EXISTS (SELECT 1 FROM "+quoteIdent(t)+")")
		if err != nil {
			return err
		}
		var has bool
		if _, err := pgx.ForEachRow(rows, []any{&has}, func() error { return nil }); err != nil {
			return err
		}
		if has {
			return fmt.Errorf("%w (tabel %s berisi data)", ErrNotEmpty, t)
		}
	}
	return nil
}

// targetVersion is the target's applied schema version (0: no schema yet).
func targetVersion(ctx context.Context, conn *pgx.Conn) (int64, error) {
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('public.goose_db_version') IS NOT NULL`).Scan(&exists); err != nil {
		return 0, err
	}
	if !exists {
		return 0, nil
	}
	var v int64
	err := conn.QueryRow(ctx, `SELECT coalesce(max(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&v)
	return v, err
}

// sameNames reports the first difference between the backup's names and the
// target schema's, as a sentence.
func sameNames(kind string, backup, target []string) error {
	in := map[string]bool{}
	for _, n := range target {
		in[n] = true
	}
	seen := map[string]bool{}
	for _, n := range backup {
		if !in[n] {
			return fmt.Errorf("cadangan memuat %s %s yang tidak ada di skema versi ini: cadangan ditolak", kind, n)
		}
		seen[n] = true
	}
	for _, n := range target {
		if !seen[n] {
			return fmt.Errorf("cadangan tidak memuat %s %s: cadangan tidak lengkap dan ditolak", kind, n)
		}
	}
	return nil
}

// Restore loads an archive into an empty database: it checks the whole
// archive first, migrates the schema to the backup's version, loads every
// table in one transaction with the guard triggers held off (as the tables'
// owner: ALTER TABLE ... DISABLE TRIGGER USER, no superuser needed), puts
// every sequence back exactly (last_value, is_called), turns every trigger
// back to its state before and checks it, then applies any newer migrations
// this binary carries.
func Restore(ctx context.Context, db *gorm.DB, r io.Reader, keys ReadKeys) (Manifest, error) {
	m, data, err := read(r, keys)
	if err != nil {
		return m, err
	}
	defer data.Close()
	if top, err := latestMigration(); err != nil {
		return m, err
	} else if m.SchemaVersion > top {
		return m, refused("cadangan berskema versi %d, lebih baru dari biner ini (versi %d): pulihkan dengan biner versi yang sama atau lebih baru", m.SchemaVersion, top)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return m, err
	}
	// Refuse a used database before changing anything in it.
	err = withConn(ctx, db, func(conn *pgx.Conn) error {
		v, err := targetVersion(ctx, conn)
		if err != nil || v == 0 {
			return err
		}
		tables, err := tablesInOrder(ctx, conn)
		if err != nil {
			return err
		}
		if err := checkEmpty(ctx, conn, tables); err != nil {
			return err
		}
		if v > m.SchemaVersion {
			return fmt.Errorf("%w (skema tujuan versi %d lebih baru dari cadangan, versi %d)", ErrNotEmpty, v, m.SchemaVersion)
		}
		return nil
	})
	if err != nil {
		return m, err
	}
	if err := migrateTo(ctx, sqlDB, m.SchemaVersion); err != nil {
		return m, err
	}
	err = withConn(ctx, db, func(conn *pgx.Conn) error {
		tx, err := conn.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		tables, err := tablesInOrder(ctx, tx.Conn())
		if err != nil {
			return err
		}
		var names []string
		for _, t := range m.Tables {
			names = append(names, t.Name)
		}
		if err := sameNames("tabel", names, tables); err != nil { // nothing written yet
			return err
		}
		seqs, err := sequences(ctx, tx)
		if err != nil {
			return err
		}
		names = names[:0]
		for _, s := range m.Sequences {
			names = append(names, s.Name)
		}
		var seqNames []string
		for _, s := range seqs {
			seqNames = append(seqNames, s.Name)
		}
		if err := sameNames("sequence", names, seqNames); err != nil {
			return err
		}
		for _, t := range tables { // the loads below take these locks anyway
			if _, err := tx.Exec(ctx, "LOCK TABLE "+quoteIdent(t)+" IN ACCESS EXCLUSIVE MODE"); err != nil {
				return err
			}
		}
		if err := checkEmpty(ctx, tx, tables); err != nil {
			return err
		}
		before, err := triggers(ctx, tx)
		if err != nil {
			return err
		}
		// The guard triggers (append-only audit log, frozen claims, paid
		// payments) judge application writes; the restore writes history
		// as it was, so they are held off for this transaction only.
		for _, t := range tables {
			if _, err := tx.Exec(ctx, "ALTER TABLE "+quoteIdent(t)+" DISABLE TRIGGER USER"); err != nil {
				return fmt.Errorf("tahan trigger tabel %s (jalankan restore sebagai pemilik tabel): %w", t, err)
			}
		}
		for i := len(tables) - 1; i >= 0; i-- { // children first
			if _, err := tx.Exec(ctx, "DELETE FROM "+quoteIdent(tables[i])); err != nil {
				return fmt.Errorf("kosongkan tabel %s: %w", tables[i], err)
			}
		}
		rowsWant := map[string]int64{}
		for _, t := range m.Tables {
			rowsWant[t.Name] = t.Rows
		}
		for _, t := range tables {
			f, err := data.open(t)
			if err != nil {
				return err
			}
			tag, err := tx.Conn().PgConn().CopyFrom(ctx, f, "COPY "+quoteIdent(t)+" FROM STDIN")
			f.Close()
			if err != nil {
				return fmt.Errorf("muat tabel %s: %w", t, err)
			}
			if tag.RowsAffected() != rowsWant[t] {
				return fmt.Errorf("tabel %s: %d baris dimuat, manifest menyebut %d", t, tag.RowsAffected(), rowsWant[t])
			}
		}
		for _, s := range m.Sequences {
			if _, err := tx.Exec(ctx, "SELECT setval($1::regclass, $2, $3)", quoteIdent(s.Name), s.LastValue, s.IsCalled); err != nil {
				return fmt.Errorf("sequence %s: %w", s.Name, err)
			}
		}
		for _, tr := range before {
			mode := map[string]string{"O": "ENABLE", "D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}[tr.Enabled]
			if mode == "" {
				return fmt.Errorf("trigger %s: keadaan %q tidak dikenal", tr.Name, tr.Enabled)
			}
			if _, err := tx.Exec(ctx, "ALTER TABLE "+quoteIdent(tr.Table)+" "+mode+" TRIGGER "+quoteIdent(tr.Name)); err != nil {
				return fmt.Errorf("pulihkan trigger %s: %w", tr.Name, err)
			}
		}
		after, err := triggers(ctx, tx)
		if err != nil {
			return err
		}
		if !slices.Equal(before, after) {
			return errors.New("trigger tidak kembali ke keadaan semula; pemulihan dibatalkan")
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		return m, err
	}
	if _, err = database.Migrate(ctx, db, nil); err != nil {
		return m, err
	}
	// The restored database gets its own application role and CONNECT
	// only for its owner and that role (migration 0120).
	_, err = database.SetupAppRole(ctx, db)
	return m, err
}

// latestMigration is the newest schema version this binary carries.
func latestMigration() (int64, error) {
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return 0, err
	}
	var top int64
	for _, n := range names {
		num, _, _ := strings.Cut(n, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("migration %s: %w", n, err)
		}
		top = max(top, v)
	}
	return top, nil
}

func migrateTo(ctx context.Context, sqlDB *sql.DB, version int64) error {
	return database.MigrateTo(ctx, sqlDB, version)
}
