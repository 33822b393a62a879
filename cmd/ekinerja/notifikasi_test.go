package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/notify"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

// TestNotifikasiKirimCommand: `ekinerja notifikasi kirim` runs the daily
// job at once (the digest of waiting work, once) and says plainly when
// e-mail is off (queued mail stays queued); an SMTP host without a sender
// is refused with the variable to set.
func TestNotifikasiKirimCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url, drop, err := testdb.Create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	db, err := database.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { database.Close(db) })
	if _, err := demo.Seed(ctx, db, auth.NewHasher(auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 2)); err != nil {
		t.Fatal(err)
	}
	var verif int64
	for _, l := range demo.Logins() {
		if l.Role == auth.RoleVerifikator {
			db.Raw(`SELECT id FROM users WHERE nip = ?`, l.NIP).Scan(&verif)
		}
	}
	st := notify.NewStore(db)
	if err := st.SaveSettings(ctx, notify.Actor{UserID: verif}, "verifikator@bkad.example.go.id", notify.Kinds); err != nil {
		t.Fatal(err)
	}
	if err := notify.Add(ctx, db, notify.Note{Users: []int64{verif}, Kind: notify.KindClaimWaiting, Title: "Klaim bulanan 2026-10 (DINKES) diajukan"}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DATABASE_URL": url, "EKINERJA_ENV": "production"}
	cli := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := runWith(args, func(k string) string { return env[k] }, &out, &errb, options{})
		return code, out.String() + errb.String()
	}
	code, out := cli("notifikasi", "kirim")
	if code != 0 || !strings.Contains(out, "ringkasan harian: 1 e-mail") || !strings.Contains(out, "masih antri: 1") || !strings.Contains(out, "e-mail mati") {
		t.Fatalf("first run: %d %s", code, out)
	}
	if code, out := cli("notifikasi", "kirim"); code != 0 || !strings.Contains(out, "ringkasan harian: 0 e-mail") {
		t.Fatalf("second run summarised again: %d %s", code, out)
	}
	env["EKINERJA_SMTP_HOST"] = "127.0.0.1"
	if code, out := cli("notifikasi", "kirim"); code != 1 || !strings.Contains(out, "EKINERJA_SMTP_FROM") {
		t.Fatalf("SMTP host without sender: %d %s", code, out)
	}
}
