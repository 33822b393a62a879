package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

// TestHelpNeedsNoSecretOrDatabase: --help of every command (the usage text's
// list, so a new command is covered) answers 0 in production with no
// EKINERJA_SECRET and no reachable database.
func TestHelpNeedsNoSecretOrDatabase(t *testing.T) {
	t.Parallel()
	env := map[string]string{"EKINERJA_ENV": "production", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none?connect_timeout=1"}
	subs := map[string][]string{
		"audit": {"verify", "head"}, "backup": {"keygen"}, "attendance": {"demo-csv"},
		"tpp": {"compute", "export", "verify"}, "migrate": {},
	}
	var cmds []string
	for _, m := range regexp.MustCompile(`(?m)^  ([a-z]+)`).FindAllStringSubmatch(usage[strings.Index(usage, "Perintah:"):], -1) {
		if !strings.Contains(strings.Join(cmds, " "), m[1]) {
			cmds = append(cmds, m[1])
		}
	}
	if len(cmds) < 10 {
		t.Fatalf("commands from usage: %v", cmds)
	}
	for _, c := range cmds {
		lines := [][]string{{c, "--help"}}
		for _, s := range subs[c] {
			lines = append(lines, []string{c, s, "--help"})
		}
		for _, args := range lines {
			var out, errb bytes.Buffer
			code := run(args, func(k string) string { return env[k] }, &out, &errb)
			if code != 0 || out.Len()+errb.Len() == 0 || strings.Contains(errb.String(), "konfigurasi tidak valid") {
				t.Errorf("%v: exit %d\nstdout: %s\nstderr: %s", args, code, out.String(), errb.String())
			}
		}
	}
}

// TestCommandsWithoutSecret: in production with no EKINERJA_SECRET at all,
// backup, backup --check, restore, audit verify and attendance demo-csv do
// their work; serve refuses to start.
func TestCommandsWithoutSecret(t *testing.T) {
	t.Parallel()
	src, dst := testdb.NewURL(t), emptyDatabaseURL(t)
	keys := t.TempDir()
	file := filepath.Join(t.TempDir(), "c.backup")
	cli := func(url string, args ...string) (int, string) {
		var out, errb bytes.Buffer
		env := map[string]string{"EKINERJA_ENV": "production", "DATABASE_URL": url,
			"EKINERJA_BACKUP_SIGN_KEY": filepath.Join(keys, "backup-sign.key"), "EKINERJA_BACKUP_RECIPIENT": filepath.Join(keys, "backup-age.pub"),
			"EKINERJA_BACKUP_IDENTITY": filepath.Join(keys, "backup-age.key"), "EKINERJA_BACKUP_VERIFY_KEY": filepath.Join(keys, "backup-verify.pub")}
		if len(args) > 0 && args[0] == "seed" {
			env["EKINERJA_ENV"] = "dev" // seed refuses production; the source is a dev copy
		}
		code := run(args, func(k string) string { return env[k] }, &out, &errb)
		return code, out.String() + errb.String()
	}
	steps := []struct {
		url  string
		args []string
		code int
		text string
	}{
		{src, []string{"seed"}, 0, "Data demo dimuat"},
		{src, []string{"backup", "keygen", "--out", keys}, 0, "backup-age.key"},
		{src, []string{"backup", "--out", file}, 0, "cadangan selesai"},
		{src, []string{"backup", "--check", file}, 0, "cadangan sah"},
		{dst, []string{"restore", file}, 0, "dipulihkan"},
		{dst, []string{"audit", "verify"}, 0, "rantai audit utuh"},
		{dst, []string{"attendance", "demo-csv", "--month", "2026-10", "--opd", "DINKES"}, 0, "nip"},
		{dst, []string{"serve"}, 2, "EKINERJA_SECRET wajib"},
	}
	for _, st := range steps {
		code, out := cli(st.url, st.args...)
		if code != st.code || !strings.Contains(strings.ToLower(out), strings.ToLower(st.text)) {
			t.Fatalf("%v: exit %d (want %d), lacks %q:\n%s", st.args, code, st.code, st.text, out)
		}
	}
}

// emptyDatabaseURL creates a database with no schema, owned by a fresh LOGIN
// role that is not a superuser (CREATEROLE only, for the database's own
// application role of migration 0120), as an operator sets up a new host; the URL connects as it.
func emptyDatabaseURL(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	u, _ := url.Parse(testdb.NewURL(t))
	admin, err := database.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	suffix := testdb.Suffix(u.String())
	role, name := testdb.Prefix()+"owner_"+suffix, testdb.Prefix()+"new_"+suffix
	for _, q := range []string{
		fmt.Sprintf(`CREATE ROLE %q LOGIN NOSUPERUSER CREATEROLE NOCREATEDB`, role),
		fmt.Sprintf(`CREATE DATABASE %q OWNER %q`, name, role),
	} {
		if err := admin.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		admin.Exec(fmt.Sprintf(`DROP DATABASE IF EXISTS %q WITH (FORCE)`, name))
		testdb.DropRole(admin, "ekinerja_app_"+name) // made by migrate up / restore (0120)
		admin.Exec(fmt.Sprintf(`DROP ROLE IF EXISTS %q`, role))
		database.Close(admin)
	})
	u.Path = "/" + name
	u.User = url.User(role)
	return u.String()
}
