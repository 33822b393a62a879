package main

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/testdb"
)

func TestNextDaily(t *testing.T) {
	t.Parallel()
	wib, _ := time.LoadLocation("Asia/Jakarta")
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04:05", s, wib)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		now, hhmm, want string
	}{
		{"2026-12-03 00:10:00", "01:30", "2026-12-03 01:30:00"},
		{"2026-12-03 01:30:00", "01:30", "2026-12-04 01:30:00"},
		{"2026-12-03 23:59:59", "01:30", "2026-12-04 01:30:00"},
		{"2026-12-31 02:00:00", "01:30", "2027-01-01 01:30:00"},
		{"2026-12-03 10:00:00", "10:01", "2026-12-03 10:01:00"},
	}
	for _, tc := range cases {
		got, err := nextDaily(at(tc.now).UTC(), tc.hhmm, wib)
		if err != nil || !got.Equal(at(tc.want)) {
			t.Errorf("nextDaily(%s, %s) = %s, %v; want %s", tc.now, tc.hhmm, got.In(wib), err, tc.want)
		}
	}
	for _, bad := range []string{"", "25:00", "1:3x", "01:30:00"} {
		if _, err := nextDaily(time.Now(), bad, wib); err == nil {
			t.Errorf("nextDaily accepted %q", bad)
		}
	}
}

// TestBackupDirKeepsTheNewest: backup --dir --keep N leaves the N newest
// finished backups (other files untouched), each of which passes --check.
func TestBackupDirKeepsTheNewest(t *testing.T) {
	t.Parallel()
	url := testdb.NewURL(t)
	keys, dir := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(dir, "catatan.txt"), []byte("bukan cadangan"), 0o600)
	env := map[string]string{"EKINERJA_ENV": "production", "DATABASE_URL": url,
		"EKINERJA_BACKUP_SIGN_KEY": filepath.Join(keys, "backup-sign.key"), "EKINERJA_BACKUP_RECIPIENT": filepath.Join(keys, "backup-age.pub"),
		"EKINERJA_BACKUP_IDENTITY": filepath.Join(keys, "backup-age.key"), "EKINERJA_BACKUP_VERIFY_KEY": filepath.Join(keys, "backup-verify.pub")}
	cli := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := run(args, func(k string) string { return env[k] }, &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, out := cli("backup", "keygen", "--out", keys); code != 0 {
		t.Fatal(out)
	}
	if code, out := cli("backup", "--dir", dir, "--daily", "1:3x"); code == 0 || !strings.Contains(out, "JJ:MM") {
		t.Fatalf("--daily with a bad time: %d %s", code, out)
	}
	if code, out := cli("backup", "--daily", "01:30"); code == 0 || !strings.Contains(out, "--daily perlu --dir") {
		t.Fatalf("--daily without --dir: %d %s", code, out)
	}
	for i := 0; i < 3; i++ {
		if code, out := cli("backup", "--dir", dir, "--keep", "2"); code != 0 {
			t.Fatal(out)
		}
		time.Sleep(1100 * time.Millisecond) // names have one-second resolution
	}
	entries, _ := os.ReadDir(dir)
	var backups []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".backup") {
			backups = append(backups, e.Name())
		}
	}
	sort.Strings(backups)
	if len(backups) != 2 || len(entries) != 3 {
		t.Fatalf("after 3 backups with --keep 2: %v (all: %d)", backups, len(entries))
	}
	for _, b := range backups {
		if code, out := cli("backup", "--check", filepath.Join(dir, b)); code != 0 || !strings.Contains(out, "cadangan sah") {
			t.Fatalf("%s: %d %s", b, code, out)
		}
	}
}
