package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/config"
	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

func TestRun(t *testing.T) {
	t.Parallel()
	dbURL := testdb.NewURL(t)
	dev := map[string]string{"EKINERJA_ENV": "dev", "DATABASE_URL": dbURL}
	backupFile := filepath.Join(t.TempDir(), "cadangan.backup")
	keys := filepath.Join(t.TempDir(), "kunci")
	key := func(n string) string { return filepath.Join(keys, n) }
	withKeys := map[string]string{"EKINERJA_ENV": "dev", "DATABASE_URL": dbURL,
		"EKINERJA_BACKUP_SIGN_KEY": key("backup-sign.key"), "EKINERJA_BACKUP_RECIPIENT": key("backup-age.pub")}
	cases := []struct {
		name    string
		args    []string
		env     map[string]string
		code    int
		out     string
		errText string
	}{
		{name: "no command", args: nil, code: 2, out: "Perintah:"},
		{name: "help", args: []string{"--help"}, code: 0, out: "serve"},
		{name: "version", args: []string{"version"}, code: 0, out: "ekinerja dev"},
		{name: "unknown", args: []string{"hapus-semua"}, env: dev, code: 2, errText: "perintah tidak dikenal"},
		{name: "production without secret", args: []string{"serve"}, env: map[string]string{}, code: 2, errText: "EKINERJA_SECRET wajib"},
		{name: "production with dev secret", args: []string{"serve"}, env: map[string]string{"EKINERJA_SECRET": "ekinerja-dev-secret-do-not-use-in-production"}, code: 2, errText: "EKINERJA_SECRET wajib"},
		{name: "serve help", args: []string{"serve", "--help"}, env: dev, code: 0, errText: "--migrate"},
		{name: "migrate status", args: []string{"migrate", "status"}, env: dev, code: 0, out: "diterapkan"},
		{name: "migrate without verb", args: []string{"migrate"}, env: dev, code: 1, errText: "sebutkan 'up' atau 'status'"},
		// Refused outside dev, before touching the database: the next case
		// (dev) still creates the data.
		{name: "seed in production", args: []string{"seed"}, env: map[string]string{"DATABASE_URL": dbURL, "EKINERJA_SECRET": strings.Repeat("s", 40)}, code: 1, errText: "seed hanya untuk EKINERJA_ENV=dev"},
		{name: "seed in explicit production", args: []string{"seed", "--employees", "100"}, env: map[string]string{"DATABASE_URL": dbURL, "EKINERJA_ENV": "production", "EKINERJA_SECRET": strings.Repeat("s", 40)}, code: 1, errText: "seed hanya"},
		{name: "seed", args: []string{"seed"}, env: dev, code: 0, out: "Pegawai!Demo2026"},
		{name: "seed again", args: []string{"seed"}, env: dev, code: 0, out: "tidak ada yang diubah"},
		{name: "audit verify", args: []string{"audit", "verify"}, env: dev, code: 0, out: "rantai audit utuh"},
		{name: "backup without keys", args: []string{"backup", "--out", backupFile}, env: dev, code: 1, errText: "backup keygen"},
		{name: "backup keygen", args: []string{"backup", "keygen", "--out", keys}, env: dev, code: 0, out: "backup-age.key"},
		{name: "backup keygen keeps old keys", args: []string{"backup", "keygen", "--out", keys}, env: dev, code: 1, errText: "tidak ditimpa"},
		{name: "backup to file", args: []string{"backup", "--out", backupFile, "--sign-key", key("backup-sign.key"), "--recipient", key("backup-age.pub")}, env: dev, code: 0, errText: "cadangan selesai"},
		{name: "backup refuses to overwrite", args: []string{"backup", "--out", backupFile}, env: withKeys, code: 1, errText: "exists"},
		{name: "backup check", args: []string{"backup", "--check", backupFile, "--identity", key("backup-age.key"), "--verify-key", key("backup-verify.pub")}, env: dev, code: 0, out: "cadangan sah"},
		{name: "backup check with the signing key's wrong half", args: []string{"backup", "--check", backupFile, "--identity", key("backup-age.key"), "--verify-key", key("backup-age.pub")}, env: dev, code: 1, errText: "bukan berkas kunci"},
		{name: "backup check without keys", args: []string{"backup", "--check", backupFile}, env: dev, code: 1, errText: "--identity"},
		{name: "restore into a database with data", args: []string{"restore", backupFile, "--identity", key("backup-age.key"), "--verify-key", key("backup-verify.pub")}, env: dev, code: 1, errText: "tidak kosong"},
		{name: "restore without file", args: []string{"restore"}, env: dev, code: 1, errText: "sebutkan berkas"},
		{name: "unreachable database", args: []string{"migrate", "status"}, env: map[string]string{"EKINERJA_ENV": "dev", "DATABASE_URL": "postgres://postgres@127.0.0.1:1/x?sslmode=disable&connect_timeout=2"}, code: 1, errText: "tidak dapat dihubungi"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tc.args, func(k string) string { return tc.env[k] }, &out, &errb)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out.String(), errb.String())
			}
			if tc.out != "" && !strings.Contains(out.String(), tc.out) {
				t.Errorf("stdout lacks %q:\n%s", tc.out, out.String())
			}
			if tc.errText != "" && !strings.Contains(errb.String(), tc.errText) {
				t.Errorf("stderr lacks %q:\n%s", tc.errText, errb.String())
			}
		})
	}
}

// TestProcessEnvEmptyMetricsAddr: an EKINERJA_METRICS_ADDR set to "" reaches
// config.Load as "off" and disables the listener; unset keeps the default.
func TestProcessEnvEmptyMetricsAddr(t *testing.T) {
	t.Setenv("EKINERJA_ENV", "dev")
	t.Setenv("EKINERJA_METRICS_ADDR", "")
	cfg, err := config.Load(processEnv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MetricsAddr != "" {
		t.Errorf("empty EKINERJA_METRICS_ADDR: MetricsAddr = %q, want disabled", cfg.MetricsAddr)
	}
	os.Unsetenv("EKINERJA_METRICS_ADDR")
	cfg, err = config.Load(processEnv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MetricsAddr != "127.0.0.1:9090" {
		t.Errorf("unset EKINERJA_METRICS_ADDR: MetricsAddr = %q, want default", cfg.MetricsAddr)
	}
}

// TestAuditVerifyExpectHead: the anchored head is checked by the command
// itself; a mismatch, a missing row and an empty log all exit 1.
func TestAuditVerifyExpectHead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	seeded := testdb.NewURL(t)
	empty := testdb.NewURL(t)
	cli := func(url string, args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := run(args, func(k string) string { return map[string]string{"EKINERJA_ENV": "dev", "DATABASE_URL": url}[k] }, &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, out := cli(seeded, "seed"); code != 0 {
		t.Fatal(out)
	}
	db, err := database.Open(ctx, seeded)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(db)
	if err := audit.RecordNow(ctx, db, audit.Entry{Action: "tes.jangkar"}); err != nil {
		t.Fatal(err)
	}
	_, head, err := audit.Verify(ctx, db)
	if err != nil || head.ID < 2 {
		t.Fatalf("head %+v %v", head, err)
	}
	var earlier string
	db.Raw(`SELECT hash FROM audit_log WHERE id = ?`, head.ID-1).Scan(&earlier)
	code, out := cli(seeded, "audit", "head")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("jangkar: %d:%s", head.ID, head.Hash)) {
		t.Fatalf("audit head: %d %s", code, out)
	}
	wrong := strings.Repeat("0", 64)
	cases := []struct {
		name, url, expect string
		code              int
		text              string
	}{
		{"head matches", seeded, fmt.Sprintf("%d:%s", head.ID, head.Hash), 0, "cocok dengan kepala"},
		{"anchored earlier row still in the chain", seeded, fmt.Sprintf("%d:%s", head.ID-1, earlier), 0, "1 baris sesudahnya"},
		{"hash differs", seeded, fmt.Sprintf("%d:%s", head.ID, wrong), 1, "riwayat berbeda"},
		{"anchored row missing", seeded, fmt.Sprintf("%d:%s", head.ID+5, head.Hash), 1, "tidak ada"},
		{"empty audit log", empty, fmt.Sprintf("%d:%s", head.ID, head.Hash), 1, "log audit kosong"},
		{"malformed anchor", seeded, "abc", 1, "ID:HASH"},
		{"no anchor on an empty log", empty, "", 0, "0 baris diperiksa"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"audit", "verify"}
			if tc.expect != "" {
				args = append(args, "--expect-head", tc.expect)
			}
			code, out := cli(tc.url, args...)
			if code != tc.code || !strings.Contains(out, tc.text) {
				t.Fatalf("exit %d (want %d), output lacks %q:\n%s", code, tc.code, tc.text, out)
			}
		})
	}
}
