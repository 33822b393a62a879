package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

// TestSecondDatabaseUnreachableWithFirstAppRole: two ekinerja databases on
// one cluster, each owned by its own non-superuser role and set up by
// `ekinerja migrate up --grant-to LOGIN` as that owner. The first one's
// server login (a member of its own ekinerja_app_<database>) works in the
// first database and cannot even connect to the second; neither can the
// first owner; a login that is a member of the old cluster-wide
// ekinerja_app (migration 0050) reaches neither, and that role holds no
// right in either database any more.
func TestSecondDatabaseUnreachableWithFirstAppRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	admin := testdb.New(t) // a superuser connection to make the login roles
	urlA, urlB := emptyDatabaseURL(t), emptyDatabaseURL(t)
	nameA := strings.TrimPrefix(mustParse(t, urlA).Path, "/")
	suffix := nameA[len(nameA)-12:]
	webA, webB, legacy := testdb.Prefix()+"web_a_"+suffix, testdb.Prefix()+"web_b_"+suffix, testdb.Prefix()+"web_old_"+suffix
	for _, q := range []string{
		fmt.Sprintf(`CREATE ROLE %q LOGIN`, webA),
		fmt.Sprintf(`CREATE ROLE %q LOGIN`, webB),
		fmt.Sprintf(`CREATE ROLE %q LOGIN IN ROLE ekinerja_app`, legacy),
	} {
		if err := admin.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, r := range []string{webA, webB, legacy} {
			testdb.DropRole(admin, r)
		}
	})

	migrate := func(dbURL, login string) string {
		var out, errb bytes.Buffer
		env := map[string]string{"EKINERJA_ENV": "production", "DATABASE_URL": dbURL}
		if code := run([]string{"migrate", "up", "--grant-to", login}, func(k string) string { return env[k] }, &out, &errb); code != 0 {
			t.Fatalf("migrate up on %s: exit %d\n%s%s", dbURL, code, out.String(), errb.String())
		}
		return out.String()
	}
	outA := migrate(urlA, webA)
	migrate(urlB, webB)
	if !strings.Contains(outA, "peran aplikasi: ekinerja_app_"+nameA) || !strings.Contains(outA, webA+" kini anggota") {
		t.Errorf("migrate up output:\n%s", outA)
	}
	// Run again: idempotent.
	migrate(urlA, webA)

	as := func(dbURL, role string) string {
		u := mustParse(t, dbURL)
		u.User = url.User(role)
		return u.String()
	}
	connect := func(dbURL string) error {
		db, err := database.Open(ctx, dbURL)
		if err != nil {
			return err
		}
		defer database.Close(db)
		var n int64
		return db.Raw(`SELECT count(*) FROM users`).Scan(&n).Error
	}
	ownerA := mustParse(t, urlA).User.Username()
	for _, tc := range []struct {
		name, url string
		ok        bool
	}{
		{"first server login in the first database", as(urlA, webA), true},
		{"second server login in the second database", as(urlB, webB), true},
		{"first server login in the second database", as(urlB, webA), false},
		{"second server login in the first database", as(urlA, webB), false},
		{"first owner in the second database", as(urlB, ownerA), false},
		{"member of the old cluster-wide ekinerja_app, first database", as(urlA, legacy), false},
		{"member of the old cluster-wide ekinerja_app, second database", as(urlB, legacy), false},
	} {
		err := connect(tc.url)
		switch {
		case tc.ok && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case !tc.ok && (err == nil || !strings.Contains(err.Error(), "permission denied for database")):
			t.Errorf("%s: %v, want permission denied for database", tc.name, err)
		}
	}

	// Nothing left to the cluster-wide role inside either database, and
	// CONNECT is held by the owner and the app role only.
	for _, u := range []string{urlA, urlB} {
		db, err := database.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		var legacyRights, publicConnect bool
		if err := db.Raw(`SELECT bool_or(has_table_privilege('ekinerja_app', c.oid, 'SELECT')) FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S')`).Scan(&legacyRights).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Raw(`SELECT coalesce(bool_or(a.grantee = 0 AND a.privilege_type = 'CONNECT'), false)
FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = current_database()`).Scan(&publicConnect).Error; err != nil {
			t.Fatal(err)
		}
		database.Close(db)
		if legacyRights || publicConnect {
			t.Errorf("%s: ekinerja_app rights %v, PUBLIC CONNECT %v", u, legacyRights, publicConnect)
		}
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestComposeServesAsTheAppRole: in docker-compose.yml the migrations run as
// the database owner (`migrate up --grant-to ekinerja_web`), and `serve`
// (never `serve --migrate`) connects as ekinerja_web, not the PostgreSQL
// superuser; the image's default command is plain `serve` too.
func TestComposeServesAsTheAppRole(t *testing.T) {
	t.Parallel()
	compose, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	docker, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	service := func(name string) string {
		s := string(compose)
		i := strings.Index(s, "\n  "+name+":\n")
		if i < 0 {
			t.Fatalf("no service %s", name)
		}
		s = s[i+1:]
		if j := regexp.MustCompile(`\n  [a-z]+:\n`).FindStringIndex(s[1:]); j != nil {
			s = s[:j[0]+1]
		}
		return s
	}
	db, migrate, app := service("db"), service("migrate"), service("app")
	for _, c := range []struct {
		what string
		ok   bool
	}{
		{"superuser is postgres", strings.Contains(db, "POSTGRES_USER: postgres")},
		{"init script makes the owner and login roles", strings.Contains(db, "compose-initdb.sh:/docker-entrypoint-initdb.d/")},
		{"migrate connects as the owner", strings.Contains(migrate, "postgres://ekinerja:")},
		{"migrate grants the app role to ekinerja_web", strings.Contains(migrate, `["migrate", "up", "--grant-to", "ekinerja_web"]`)},
		{"app waits for migrate", strings.Contains(app, "service_completed_successfully")},
		{"app connects as ekinerja_web", strings.Contains(app, "postgres://ekinerja_web:")},
		{"app runs plain serve", strings.Contains(app, `command: ["serve"]`)},
		{"no serve --migrate anywhere", !strings.Contains(string(compose), "--migrate") && !strings.Contains(string(docker), `"--migrate"`)},
	} {
		if !c.ok {
			t.Errorf("docker compose: %s does not hold", c.what)
		}
	}
	init, err := os.ReadFile("../../scripts/compose-initdb.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"CREATE ROLE ekinerja LOGIN NOSUPERUSER CREATEROLE", "CREATE ROLE ekinerja_web LOGIN NOSUPERUSER", "CREATE DATABASE ekinerja OWNER ekinerja"} {
		if !strings.Contains(string(init), want) {
			t.Errorf("compose-initdb.sh lacks %q", want)
		}
	}
}
