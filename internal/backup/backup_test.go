package backup_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/audit"
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

// seqState reads every sequence's last_value and is_called.
func seqState(t *testing.T, db *gorm.DB) map[string]string {
	t.Helper()
	var names []string
	db.Raw(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY 1`).Scan(&names)
	out := map[string]string{}
	for _, n := range names {
		var v struct {
			LastValue int64
			IsCalled  bool
		}
		if err := db.Raw(`SELECT last_value, is_called FROM "` + n + `"`).Scan(&v).Error; err != nil {
			t.Fatal(err)
		}
		out[n] = fmt.Sprintf("%d/%v", v.LastValue, v.IsCalled)
	}
	return out
}

func TestRestoreFullMonthAsOwnerRole(t *testing.T) {
	ctx := context.Background()
	src := testdb.New(t)
	fullMonth(t, src)
	// Text that COPY must escape survives the round trip.
	if err := audit.RecordNow(ctx, src, audit.Entry{Action: "tes.cadangan", Detail: map[string]any{"teks": "tab\there\nnewline \\ backslash ' quote"}}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	m, err := backup.Write(ctx, src, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if m.SchemaVersion == 0 || len(m.Tables) < 5 || len(m.Sequences) < 5 {
		t.Fatalf("manifest: %+v", m)
	}
	if _, err := backup.Verify(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatalf("verify: %v", err)
	}

	dst, role := ownerDB(t)
	if _, err := backup.Restore(ctx, dst, bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatalf("restore as %s: %v", role, err)
	}
	want, got := digest(t, src), digest(t, dst)
	if len(want) != len(got) {
		t.Errorf("tables: source %d, restored %d", len(want), len(got))
	}
	for tbl, d := range want {
		if got[tbl] != d {
			t.Errorf("table %s differs after restore", tbl)
		}
	}
	wantSeq, gotSeq := seqState(t, src), seqState(t, dst)
	if len(wantSeq) < 5 || len(wantSeq) != len(gotSeq) {
		t.Errorf("sequences: source %d, restored %d", len(wantSeq), len(gotSeq))
	}
	for n, v := range wantSeq {
		if gotSeq[n] != v {
			t.Errorf("sequence %s: source %s, restored %s", n, v, gotSeq[n])
		}
	}
	// Every table belongs to the restoring role, every guard trigger is on.
	var notOwned []string
	dst.Raw(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner <> current_user`).Scan(&notOwned)
	if len(notOwned) > 0 {
		t.Errorf("tables not owned by %s: %v", role, notOwned)
	}
	trs, err := backup.Triggers(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	if len(trs) < 10 {
		t.Fatalf("only %d user triggers after restore: %v", len(trs), trs)
	}
	for _, tr := range trs {
		if tr.Enabled != "O" {
			t.Errorf("trigger %s on %s: tgenabled %q after restore", tr.Name, tr.Table, tr.Enabled)
		}
	}
	// ... and still refuses: a paid claim, its payment and the audit log stay as they were.
	for _, q := range []string{
		`UPDATE tpp_claim SET total_net = total_net + 1 WHERE status = 'paid'`,
		`UPDATE tpp_claim_pegawai SET net = net + 1 WHERE claim_id = (SELECT id FROM tpp_claim WHERE status = 'paid')`,
		`UPDATE tpp_payment SET amount = amount + 1`,
		`DELETE FROM audit_log WHERE id = 1`,
	} {
		if err := dst.Exec(q).Error; err == nil {
			t.Errorf("guard did not refuse after restore: %s", q)
		}
	}
	if _, _, err := audit.Verify(ctx, dst); err != nil {
		t.Fatalf("audit chain broken after restore: %v", err)
	}
	// Sequences continue where the source stopped: the deleted aktivitas's id is not issued again.
	var srcNext, dstNext int64
	src.Raw(`SELECT nextval('aktivitas_id_seq')`).Scan(&srcNext)
	dst.Raw(`SELECT nextval('aktivitas_id_seq')`).Scan(&dstNext)
	var maxID int64
	dst.Raw(`SELECT max(id) FROM aktivitas`).Scan(&maxID)
	if srcNext != dstNext || dstNext <= maxID+1 {
		t.Errorf("aktivitas id after restore: %d, source %d, max id %d (the deleted id must not come back)", dstNext, srcNext, maxID)
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

// TestRestoreIntoMigratedEmptyDatabase: a target that was only migrated
// (the server started once) counts as empty; one with a single row in any
// table but the reference tables does not.
func TestRestoreIntoMigratedEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	src := testdb.New(t)
	if _, err := demo.Seed(ctx, src, testHasher); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := backup.Write(ctx, src, &buf); err != nil {
		t.Fatal(err)
	}
	used := testdb.New(t)
	if err := used.Exec(`INSERT INTO opd (kode, nama) VALUES ('X', 'OPD X')`).Error; err != nil {
		t.Fatal(err)
	}
	_, err := backup.Restore(ctx, used, bytes.NewReader(buf.Bytes()))
	if !errors.Is(err, backup.ErrNotEmpty) || !strings.Contains(err.Error(), "opd") {
		t.Fatalf("restore into a used database: %v", err)
	}
	fresh := testdb.New(t)
	if _, err := backup.Restore(ctx, fresh, bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatalf("restore into a migrated empty database: %v", err)
	}
	if d1, d2 := digest(t, src), digest(t, fresh); fmt.Sprint(d1) != fmt.Sprint(d2) {
		t.Error("restored database differs from the source")
	}
}

func TestTamperedBackupIsRefused(t *testing.T) {
	ctx := context.Background()
	src := testdb.New(t)
	if _, err := demo.Seed(ctx, src, testHasher); err != nil {
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
