package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/config"
	"github.com/ekinerja/ekinerja/internal/stores"
	"github.com/ekinerja/ekinerja/static"
)

// serverOn starts another server on h's database with env (another
// EKINERJA_SECRET, ...), wired as serve wires it, and returns its harness.
func serverOn(t *testing.T, h *harness, env map[string]string) *harness {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	hasher := auth.NewHasher(fastArgon2, 4)
	svc := auth.NewService(h.db, hasher, auth.NewTokens(cfg.Secret), cfg.SessionIdle, cfg.SessionMax)
	svc.Configure(auth.Options{Dev: cfg.Dev(), Secret: cfg.Secret, PreviousSecret: cfg.PreviousSecret})
	svc.SetSleep(func(context.Context, time.Duration) error { return nil })
	srv, err := New(Deps{Config: cfg, Stores: testStores(t, h.db, cfg, stores.Sources{}), Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Auth: svc, Static: static.FS, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &harness{t: t, db: h.db, srv: srv, ts: ts, cfg: cfg}
}

// TestTOTPSurvivesSecretRotation follows the runbook's secret rotation for
// an account with two-factor, through the login routes: with the new
// EKINERJA_SECRET and the old one as EKINERJA_SECRET_PREVIOUS, the start
// re-seals the two-factor secret (audited) and a recovery code made under
// the old secret still logs in; afterwards, with the new secret alone, the
// phone's code logs in. A server whose secret opens neither answers 409
// with what to do, never a 500.
func TestTOTPSurvivesSecretRotation(t *testing.T) {
	t.Parallel()
	old := "rahasia-lama-" + strings.Repeat("a", 40)
	newer := "rahasia-baru-" + strings.Repeat("b", 40)
	h := newHarnessEnv(t, map[string]string{"EKINERJA_ENV": "dev", "EKINERJA_SECRET": old})
	l := login(t, auth.RoleVerifikator)
	var id int64 = h.count(`SELECT id FROM users WHERE nip = ?`, l.NIP)
	ctx := context.Background()
	p := &auth.Principal{UserID: id, NIP: l.NIP}
	e, err := h.srv.auth.BeginEnrolment(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := h.srv.auth.ConfirmEnrolment(ctx, p, auth.CodeAt(e.Secret, time.Now().Add(-30*time.Second)), "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}

	secondStep := func(h *harness, code string) response {
		t.Helper()
		c := h.client()
		res := c.postForm("/masuk", url.Values{"nip": {l.NIP}, "password": {l.Password}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/masuk/kode" {
			t.Fatalf("password step: %d %s", res.status, res.header.Get("Location"))
		}
		return c.postForm("/masuk/kode", url.Values{"kode": {code}})
	}

	rotated := serverOn(t, h, map[string]string{"EKINERJA_ENV": "dev", "EKINERJA_SECRET": newer, "EKINERJA_SECRET_PREVIOUS": old})
	if n, bad, err := rotated.srv.auth.RewrapTOTP(ctx); err != nil || n != 1 || bad != 0 { // what serve does at start
		t.Fatalf("rewrap: %d re-sealed, %d unreadable, %v", n, bad, err)
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = ?`, auth.ActionTOTPRewrap); n != 1 {
		t.Fatalf("re-seal audit rows: %d", n)
	}
	if n, _, _ := rotated.srv.auth.RewrapTOTP(ctx); n != 0 {
		t.Fatalf("a second start re-sealed %d again", n)
	}
	if res := secondStep(rotated, codes[0]); res.status != http.StatusSeeOther || res.header.Get("Location") != "/" {
		t.Fatalf("recovery code from before the rotation: %d %.300s", res.status, res.body)
	}

	after := serverOn(t, h, map[string]string{"EKINERJA_ENV": "dev", "EKINERJA_SECRET": newer})
	if res := secondStep(after, auth.CodeAt(e.Secret, time.Now())); res.status != http.StatusSeeOther || res.header.Get("Location") != "/" {
		t.Fatalf("phone code with the new secret alone: %d %.300s", res.status, res.body)
	}

	lost := serverOn(t, h, map[string]string{"EKINERJA_ENV": "dev", "EKINERJA_SECRET": "rahasia-lain-" + strings.Repeat("c", 40)})
	if res := secondStep(lost, auth.CodeAt(e.Secret, time.Now().Add(30*time.Second))); res.status != http.StatusConflict || !strings.Contains(res.body, "EKINERJA_SECRET_PREVIOUS") {
		t.Fatalf("a secret that opens nothing: %d %.300s", res.status, res.body)
	}
}
