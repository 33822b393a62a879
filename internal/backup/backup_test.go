package backup_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"filippo.io/age"
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
	name := testdb.Prefix() + "restore_" + testdb.Suffix(u.String())
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
	wk, rk := testKeys(t)
	// Text that COPY must escape survives the round trip.
	if err := audit.RecordNow(ctx, src, audit.Entry{Action: "tes.cadangan", Detail: map[string]any{"teks": "tab\there\nnewline \\ backslash ' quote"}}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	m, err := backup.Write(ctx, src, &buf, wk)
	if err != nil {
		t.Fatal(err)
	}
	if m.SchemaVersion == 0 || len(m.Tables) < 5 || len(m.Sequences) < 5 {
		t.Fatalf("manifest: %+v", m)
	}
	if _, err := backup.Verify(bytes.NewReader(buf.Bytes()), rk); err != nil {
		t.Fatalf("verify: %v", err)
	}

	dst, role := ownerDB(t)
	spool := t.TempDir()
	t.Setenv("TMPDIR", spool)
	if _, err := backup.Restore(ctx, dst, bytes.NewReader(buf.Bytes()), rk); err != nil {
		t.Fatalf("restore as %s: %v", role, err)
	}
	if left, _ := os.ReadDir(spool); len(left) > 0 {
		t.Errorf("restore left %d spool entries behind", len(left))
	}
	want, got := digest(t, src), digest(t, dst)
	// The stored attendance recaps (derived, migration 0170) that the TPP
	// computation of fullMonth stored travel with the days they came from.
	var recaps int64
	src.Raw(`SELECT count(*) FROM presensi_rekap_bulan`).Scan(&recaps)
	if recaps == 0 || got["presensi_rekap_bulan"] == "" || got["presensi_rekap_bulan"] != want["presensi_rekap_bulan"] {
		t.Errorf("stored recaps: %d in the source, restored digest %q, want %q", recaps, got["presensi_rekap_bulan"], want["presensi_rekap_bulan"])
	}
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
	if _, err := backup.Restore(ctx, dst, bytes.NewReader(buf.Bytes()), rk); !errors.Is(err, backup.ErrNotEmpty) {
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
	t.Parallel()
	ctx := context.Background()
	wk, rk := testKeys(t)
	src := testdb.New(t)
	if _, err := demo.Seed(ctx, src, testHasher); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := backup.Write(ctx, src, &buf, wk); err != nil {
		t.Fatal(err)
	}
	used := testdb.New(t)
	if err := used.Exec(`INSERT INTO opd (kode, nama) VALUES ('X', 'OPD X')`).Error; err != nil {
		t.Fatal(err)
	}
	_, err := backup.Restore(ctx, used, bytes.NewReader(buf.Bytes()), rk)
	if !errors.Is(err, backup.ErrNotEmpty) || !strings.Contains(err.Error(), "opd") {
		t.Fatalf("restore into a used database: %v", err)
	}
	fresh := testdb.New(t)
	if _, err := backup.Restore(ctx, fresh, bytes.NewReader(buf.Bytes()), rk); err != nil {
		t.Fatalf("restore into a migrated empty database: %v", err)
	}
	if d1, d2 := digest(t, src), digest(t, fresh); fmt.Sprint(d1) != fmt.Sprint(d2) {
		t.Error("restored database differs from the source")
	}
}

// testKeys makes a fresh key set with the keygen code and loads it back.
func testKeys(t *testing.T) (backup.WriteKeys, backup.ReadKeys) {
	t.Helper()
	dir := t.TempDir()
	if err := backup.GenerateKeys(dir); err != nil {
		t.Fatal(err)
	}
	if err := backup.GenerateKeys(dir); err == nil {
		t.Fatal("keygen overwrote existing keys")
	}
	sign, err := backup.LoadSignKey(filepath.Join(dir, backup.SignKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := backup.LoadRecipients(filepath.Join(dir, backup.RecipientFile))
	if err != nil {
		t.Fatal(err)
	}
	ids, err := backup.LoadIdentities(filepath.Join(dir, backup.IdentityFile))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := backup.LoadVerifyKey(filepath.Join(dir, backup.VerifyKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	return backup.WriteKeys{Sign: sign, Recipients: rec}, backup.ReadKeys{Identities: ids, Verify: pub}
}

// member is one tar entry of an opened archive.
type member struct {
	name string
	body []byte
}

// open decrypts and unpacks an archive the way an attacker holding only the
// recipient's public key could not, but one holding the private key could.
func open(t *testing.T, archive []byte, rk backup.ReadKeys) []byte {
	t.Helper()
	dec, err := age.Decrypt(bytes.NewReader(archive), rk.Identities...)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(dec)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func seal(t *testing.T, gz []byte, wk backup.WriteKeys) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := age.Encrypt(&out, wk.Recipients...)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(gz)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func unpack(t *testing.T, gzb []byte) []member {
	t.Helper()
	gr, err := gzip.NewReader(bytes.NewReader(gzb))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gr)
	var ms []member
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		ms = append(ms, member{h.Name, b})
	}
	return ms
}

func pack(t *testing.T, ms []member) []byte {
	t.Helper()
	var out bytes.Buffer
	gw := gzip.NewWriter(&out)
	tw := tar.NewWriter(gw)
	for _, m := range ms {
		tw.WriteHeader(&tar.Header{Name: m.name, Mode: 0o600, Size: int64(len(m.body)), Typeflag: tar.TypeReg})
		tw.Write(m.body)
	}
	tw.Close()
	gw.Close()
	return out.Bytes()
}

// edit changes an archive's members with fn; with sign set the manifest is
// signed again with that key (as by someone holding a signing key).
func edit(t *testing.T, archive []byte, wk backup.WriteKeys, rk backup.ReadKeys, sign ed25519.PrivateKey, fn func(m *backup.Manifest, files map[string][]byte) []member) []byte {
	t.Helper()
	ms := unpack(t, open(t, archive, rk))
	files := map[string][]byte{}
	for _, m := range ms {
		files[m.name] = m.body
	}
	var man backup.Manifest
	if err := json.Unmarshal(files["manifest.json"], &man); err != nil {
		t.Fatal(err)
	}
	extra := fn(&man, files)
	mj, _ := json.MarshalIndent(man, "", "  ")
	files["manifest.json"] = mj
	if sign != nil {
		files["manifest.sig"] = backup.Sign(sign, mj)
	}
	var out []member
	for _, m := range ms {
		if b, ok := files[m.name]; ok {
			out = append(out, member{m.name, b})
		}
	}
	out = append(out, extra...)
	return seal(t, pack(t, out), wk)
}

func setTable(m *backup.Manifest, name string, fn func(*backup.Table)) {
	for i := range m.Tables {
		if m.Tables[i].Name == name {
			fn(&m.Tables[i])
		}
	}
}

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// TestTamperedBackupIsRefused: every changed backup is refused by Verify
// (backup --check) and by Restore before anything is written: the target,
// a new database, still has no table at all (or, for a manifest that only the
// schema can judge, the empty schema and not one row).
func TestTamperedBackupIsRefused(t *testing.T) {
	ctx := context.Background()
	src := testdb.New(t)
	if _, err := demo.Seed(ctx, src, testHasher); err != nil {
		t.Fatal(err)
	}
	wk, rk := testKeys(t)
	otherW, otherR := testKeys(t)
	var buf bytes.Buffer
	if _, err := backup.Write(ctx, src, &buf, wk); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	if _, err := backup.Verify(bytes.NewReader(good), rk); err != nil {
		t.Fatalf("good backup refused: %v", err)
	}
	if bytes.Contains(good, []byte("Bank Bengkulu")) || bytes.Contains(good, []byte("manifest.json")) {
		t.Fatal("backup is not encrypted")
	}
	bank := func(files map[string][]byte) []byte {
		b := files["data/pegawai.copy"]
		nb := bytes.Replace(b, []byte("Bank Bengkulu"), []byte("Bank Penipu!!"), 1)
		if bytes.Equal(b, nb) {
			t.Fatal("no bank name to change")
		}
		files["data/pegawai.copy"] = nb
		return nb
	}
	gzTrailer := func() []byte {
		gzb := open(t, good, rk)
		gzb = append([]byte(nil), gzb...)
		gzb[len(gzb)-8] ^= 0xff // CRC-32
		return seal(t, gzb, wk)
	}
	gzLength := func() []byte {
		gzb := append([]byte(nil), open(t, good, rk)...)
		gzb[len(gzb)-1] ^= 0x01 // ISIZE
		return seal(t, gzb, wk)
	}
	cases := []struct {
		name    string
		archive []byte
		keys    backup.ReadKeys
		want    string
		schema  bool // refused only once the schema is known (nothing written but the empty schema)
		// offlineOK: the archive itself is sound (backup --check passes);
		// only restoring it with this binary is refused, before any change.
		offlineOK bool
	}{
		{name: "not a backup", archive: []byte("bukan arsip"), keys: rk, want: "bukan cadangan ekinerja"},
		{name: "truncated", archive: good[:len(good)/2], keys: rk, want: "ditolak"},
		{name: "wrong private key", archive: good, keys: backup.ReadKeys{Identities: otherR.Identities, Verify: rk.Verify}, want: "kunci pribadi ini"},
		{name: "wrong signature key", archive: good, keys: backup.ReadKeys{Identities: rk.Identities, Verify: otherR.Verify}, want: "tanda tangan manifest tidak sah"},
		{name: "signed with another key", archive: edit(t, good, wk, rk, otherW.Sign, func(*backup.Manifest, map[string][]byte) []member { return nil }), keys: rk, want: "tanda tangan manifest tidak sah"},
		{name: "bank account edited, SHA-256 recomputed", archive: edit(t, good, wk, rk, nil, func(m *backup.Manifest, f map[string][]byte) []member {
			nb := bank(f)
			setTable(m, "pegawai", func(tb *backup.Table) { tb.SHA256 = sha(nb) })
			return nil
		}), keys: rk, want: "tanda tangan manifest tidak sah"},
		{name: "bank account edited, manifest untouched", archive: edit(t, good, wk, rk, nil, func(m *backup.Manifest, f map[string][]byte) []member {
			bank(f)
			return nil
		}), keys: rk, want: "checksum tabel pegawai"},
		{name: "row count changed", archive: edit(t, good, wk, rk, nil, func(m *backup.Manifest, f map[string][]byte) []member {
			setTable(m, "pegawai", func(tb *backup.Table) { tb.Rows-- })
			return nil
		}), keys: rk, want: "tanda tangan manifest tidak sah"},
		{name: "row count changed and re-signed", archive: edit(t, good, wk, rk, wk.Sign, func(m *backup.Manifest, f map[string][]byte) []member {
			setTable(m, "pegawai", func(tb *backup.Table) { tb.Rows-- })
			return nil
		}), keys: rk, want: "tabel pegawai berisi"},
		{name: "audit_log member removed", archive: edit(t, good, wk, rk, nil, func(m *backup.Manifest, f map[string][]byte) []member {
			delete(f, "data/audit_log.copy")
			return nil
		}), keys: rk, want: "data tabel audit_log tidak ada"},
		{name: "audit_log removed from manifest and re-signed", archive: edit(t, good, wk, rk, wk.Sign, func(m *backup.Manifest, f map[string][]byte) []member {
			delete(f, "data/audit_log.copy")
			m.Tables = slices.DeleteFunc(m.Tables, func(tb backup.Table) bool { return tb.Name == "audit_log" })
			return nil
		}), keys: rk, want: "tidak memuat tabel audit_log"},
		{name: "unknown extra table", archive: edit(t, good, wk, rk, nil, func(m *backup.Manifest, f map[string][]byte) []member {
			return []member{{"data/pinjaman.copy", []byte("1\t100000000\n")}}
		}), keys: rk, want: "tidak ada di manifest"},
		{name: "unknown extra table in a re-signed manifest", archive: edit(t, good, wk, rk, wk.Sign, func(m *backup.Manifest, f map[string][]byte) []member {
			body := []byte("1\t100000000\n")
			m.Tables = append(m.Tables, backup.Table{Name: "pinjaman", Rows: 1, SHA256: sha(body)})
			return []member{{"data/pinjaman.copy", body}}
		}), keys: rk, want: "tabel pinjaman yang tidak ada di skema", schema: true},
		{name: "sequence missing in a re-signed manifest", archive: edit(t, good, wk, rk, wk.Sign, func(m *backup.Manifest, f map[string][]byte) []member {
			m.Sequences = m.Sequences[1:]
			return nil
		}), keys: rk, want: "tidak memuat sequence", schema: true},
		{name: "schema newer than this binary", archive: edit(t, good, wk, rk, wk.Sign, func(m *backup.Manifest, f map[string][]byte) []member {
			m.SchemaVersion = 99999
			return nil
		}), keys: rk, want: "lebih baru dari biner ini", offlineOK: true},
		{name: "gzip CRC corrupted", archive: gzTrailer(), keys: rk, want: "gzip rusak"},
		{name: "gzip length corrupted", archive: gzLength(), keys: rk, want: "gzip rusak"},
		{name: "bytes after the gzip stream", archive: seal(t, append(append([]byte(nil), open(t, good, rk)...), 0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0), wk), keys: rk, want: "data tambahan"},
	}
	spool := t.TempDir()
	t.Setenv("TMPDIR", spool) // where a restore spools the tables it checks
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if left, _ := os.ReadDir(spool); len(left) > 0 {
					t.Errorf("refused backup left %d spool entries behind", len(left))
				}
			}()
			_, err := backup.Verify(bytes.NewReader(tc.archive), tc.keys)
			if tc.schema || tc.offlineOK {
				if err != nil {
					t.Fatalf("refused offline (%v); this case tests the schema check", err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("verify: want %q, got %v", tc.want, err)
			}
			dst := emptyDB(t)
			_, err = backup.Restore(ctx, dst, bytes.NewReader(tc.archive), tc.keys)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("restore: want %q, got %v", tc.want, err)
			}
			var tables []string
			dst.Raw(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version'`).Scan(&tables)
			if !tc.schema && len(tables) > 0 {
				t.Fatalf("refused restore created tables: %v", tables)
			}
			for _, tbl := range tables {
				var n int64
				dst.Raw(`SELECT count(*) FROM "` + tbl + `"`).Scan(&n)
				if n > 0 && !map[string]bool{"pengaturan": true, "hari_libur": true, "jadwal_kerja": true, "tpp_rule_set": true, "identitas": true}[tbl] {
					t.Errorf("refused restore wrote %d rows into %s", n, tbl)
				}
			}
		})
	}
}

func FuzzVerify(f *testing.F) {
	f.Add([]byte{0x1f, 0x8b, 0x08, 0x00})
	f.Add([]byte("age-encryption.org/v1\n"))
	dir := f.TempDir()
	if err := backup.GenerateKeys(dir); err != nil {
		f.Fatal(err)
	}
	ids, err := backup.LoadIdentities(filepath.Join(dir, backup.IdentityFile))
	if err != nil {
		f.Fatal(err)
	}
	pub, err := backup.LoadVerifyKey(filepath.Join(dir, backup.VerifyKeyFile))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		backup.Verify(bytes.NewReader(b), backup.ReadKeys{Identities: ids, Verify: pub}) // must not panic or hang
	})
}
