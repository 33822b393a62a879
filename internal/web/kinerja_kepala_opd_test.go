package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// atasanHolding signs in, as atasan, the holder of position kode (a new account).
func (h *harness) atasanHolding(kode string) *client {
	h.t.Helper()
	nip, password := h.accountOfHolder(kode)
	c := h.client()
	if res := c.postForm("/masuk", url.Values{"nip": {nip}, "password": {password}}); res.status != http.StatusSeeOther {
		h.t.Fatalf("login holder of %s: %d", kode, res.status)
	}
	return c
}

// accountOfHolder gives the holder of position kode a new account with the
// roles pegawai and atasan and returns its NIP and password.
func (h *harness) accountOfHolder(kode string) (nip, password string) {
	h.t.Helper()
	password = "Kepala!Opd2026"
	hash, err := auth.NewHasher(fastArgon2, 1).Hash(context.Background(), password)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := h.db.Raw(`WITH p AS (SELECT pg.id, pg.nip FROM pegawai pg JOIN riwayat_jabatan rj ON rj.pegawai_id = pg.id JOIN jabatan j ON j.id = rj.jabatan_id
  WHERE j.kode = ? AND rj.selesai IS NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.pegawai_id = pg.id) LIMIT 1),
u AS (INSERT INTO users (pegawai_id, nip, password_hash) SELECT id, nip, ? FROM p RETURNING id, nip),
r AS (INSERT INTO user_roles (user_id, role) SELECT id, x FROM u, unnest(ARRAY['pegawai', 'atasan']) AS x)
SELECT nip FROM u`, kode, hash).Scan(&nip).Error; err != nil || nip == "" {
		h.t.Fatalf("holder of %s: %v", kode, err)
	}
	return nip, password
}

// TestKepalaOPDRecordsOwnOrganisationPredikat: the head of an OPD records
// their own OPD's predikat and sees its distribution; not another OPD's.
func TestKepalaOPDRecordsOwnOrganisationPredikat(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	kepala := h.atasanHolding("DINKES-01")
	dinkes := h.count(`SELECT opd_id FROM jabatan WHERE kode = 'DINKES-01'`)
	other := h.count(`SELECT opd_id FROM jabatan WHERE kode = 'BKPSDM-07'`)
	_, periode := lastMonthPeriod(h)
	if r := kepala.postForm("/kinerja/distribusi/predikat", url.Values{"opd_id": {itoa(other)}, "periode": {periode}, "predikat": {"baik"}}); r.status != http.StatusForbidden {
		t.Fatalf("another OPD: %d", r.status)
	}
	if r := kepala.postForm("/kinerja/distribusi/predikat", url.Values{"opd_id": {itoa(dinkes)}, "periode": {periode}, "predikat": {"istimewa"}}); r.status != http.StatusSeeOther {
		t.Fatalf("own OPD: %d %s", r.status, r.body)
	}
	if r := kepala.postForm("/kinerja/distribusi/predikat", url.Values{"opd_id": {itoa(dinkes)}, "periode": {periode}, "predikat": {"istimewa"}}); r.status != http.StatusConflict {
		t.Fatalf("same value again: %d", r.status)
	}
	if h.count(`SELECT count(*) FROM predikat_organisasi WHERE opd_id = ? AND predikat = 'istimewa'`, dinkes) != 1 || h.count(`SELECT count(*) FROM predikat_organisasi`) != 1 {
		t.Fatal("organisation predikat not stored as expected")
	}
	page := kepala.get("/kinerja/distribusi?periode=" + periode)
	mustContain(t, page.body, `id="distribusi-`+itoa(dinkes)+`"`, "Istimewa")
	if n := h.count(`SELECT count(*) FROM opd WHERE aktif`); n > 1 && strings.Contains(page.body, `id="distribusi-`+itoa(other)+`"`) {
		t.Fatal("the head of DINKES sees another OPD's distribution")
	}
}
