package backup_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/backup"
	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

// digest fingerprints every table's full content.
func digest(t *testing.T, db *gorm.DB) map[string]string {
	t.Helper()
	var tables []string
	db.Raw(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version' ORDER BY 1`).Scan(&tables)
	out := map[string]string{}
	for _, tbl := range tables {
		var d string
		if err := db.Raw(`SELECT coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM "` + tbl + `" x`).Scan(&d).Error; err != nil {
			t.Fatal(err)
		}
		out[tbl] = d
	}
	return out
}

// emptyDB creates a database with no schema at all, as on a new host.
func emptyDB(t *testing.T) *gorm.DB {
	t.Helper()
	ctx := context.Background()
	u, _ := url.Parse(testdb.NewURL(t))
	admin, err := database.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	name := "ekinerja_restore_" + strings.TrimPrefix(u.Path, "/ekinerja_t_")
	if err := admin.Exec(`CREATE DATABASE "` + name + `"`).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`); database.Close(admin) })
	u.Path = "/" + name
	db, err := database.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { database.Close(db) })
	return db
}

func TestBackupRestoresIdenticalState(t *testing.T) {
	ctx := context.Background()
	src := testdb.New(t)
	if _, err := demo.Seed(ctx, src, auth.NewHasher(auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 2)); err != nil {
		t.Fatal(err)
	}
	// Text that COPY must escape survives the round trip.
	if err := audit.RecordNow(ctx, src, audit.Entry{Action: "tes.cadangan", Detail: map[string]any{"teks": "tab\there\nnewline \\ backslash ' quote"}}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	m, err := backup.Write(ctx, src, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if m.SchemaVersion == 0 || len(m.Tables) < 5 {
		t.Fatalf("manifest: %+v", m)
	}
	if _, err := backup.Verify(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatalf("verify: %v", err)
	}

	dst := emptyDB(t)
	if _, err := backup.Restore(ctx, dst, bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatalf("restore: %v", err)
	}
	want, got := digest(t, src), digest(t, dst)
	for tbl, d := range want {
		if got[tbl] != d {
			t.Errorf("table %s differs after restore", tbl)
		}
	}
	if _, _, err := audit.Verify(ctx, dst); err != nil {
		t.Fatalf("audit chain broken after restore: %v", err)
	}
	// Sequences continue: a new row gets a fresh id, not a clash.
	if err := dst.Exec(`INSERT INTO opd (kode, nama) VALUES ('BARU', 'OPD Baru')`).Error; err != nil {
		t.Fatalf("insert after restore: %v", err)
	}
	if err := audit.RecordNow(ctx, dst, audit.Entry{Action: "tes.setelah_pulih"}); err != nil {
		t.Fatal(err)
	}

	// Restoring over data is refused and changes nothing.
	before := digest(t, dst)
	if _, err := backup.Restore(ctx, dst, bytes.NewReader(buf.Bytes())); !errors.Is(err, backup.ErrNotEmpty) {
		t.Fatalf("restore over data: want ErrNotEmpty, got %v", err)
	}
	after := digest(t, dst)
	for tbl, d := range before {
		if after[tbl] != d {
			t.Errorf("refused restore changed %s", tbl)
		}
	}
}

func TestTamperedBackupIsRefused(t *testing.T) {
	ctx := context.Background()
	src := testdb.New(t)
	if _, err := demo.Seed(ctx, src, auth.NewHasher(auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 2)); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := backup.Write(ctx, src, &buf); err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"not gzip":  []byte("bukan arsip"),
		"truncated": buf.Bytes()[:buf.Len()/2],
	}
	cases["a salary-relevant row changed"] = rewrite(t, buf.Bytes(), "data/pegawai.copy", func(b []byte) []byte {
		return bytes.Replace(b, []byte("Bank Bengkulu"), []byte("Bank Penipu!!"), 1)
	})
	for name, b := range cases {
		if _, err := backup.Verify(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// rewrite returns the archive with one member changed by fn, manifest untouched.
func rewrite(t *testing.T, archive []byte, name string, fn func([]byte) []byte) []byte {
	t.Helper()
	gr, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gr)
	var out bytes.Buffer
	gw := gzip.NewWriter(&out)
	tw := tar.NewWriter(gw)
	changed := false
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		if h.Name == name {
			nb := fn(b)
			changed = !bytes.Equal(nb, b)
			b = nb
		}
		h.Size = int64(len(b))
		tw.WriteHeader(h)
		tw.Write(b)
	}
	tw.Close()
	gw.Close()
	if !changed {
		t.Fatalf("rewrite did not change %s", name)
	}
	return out.Bytes()
}

func FuzzVerify(f *testing.F) {
	f.Add([]byte{0x1f, 0x8b, 0x08, 0x00})
	f.Add([]byte("manifest.json"))
	f.Fuzz(func(t *testing.T, b []byte) {
		backup.Verify(bytes.NewReader(b)) // must not panic or hang
	})
}
