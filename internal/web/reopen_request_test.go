package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestReopenRequestRoundTrip: in a closed month the pegawai asks the
// verifikator to reopen it with a reason, sees the request waiting, the
// verifikator refuses with a reason the pegawai then reads; a new request
// approved reopens the month through bulan_dibuka and the page offers
// "Catat aktivitas" again. Bad input answers 422 with nothing stored; a
// decided request cannot be decided again; other roles are refused.
func TestReopenRequestRoundTrip(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	now := time.Now().In(h.cfg.Location)
	thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	old := thisMonth.AddDate(0, -3, 0).Format("2006-01") // closed whatever the closing day
	pegawai := h.pegawaiID(auth.RolePegawai)
	peg, verif := h.as(auth.RolePegawai), h.as(auth.RoleVerifikator)
	requests := func(status string) int64 {
		return h.count(`SELECT count(*) FROM bulan_dibuka_permintaan WHERE pegawai_id = ? AND status = ?`, pegawai, status)
	}
	ask := func(month, alasan string) response {
		return peg.postForm("/kinerja/aktivitas/minta-buka?bulan="+month, url.Values{"alasan": {alasan}})
	}

	for _, tc := range []struct{ name, month, alasan string }{
		{"reason too short", old, "lup"},
		{"month still open", thisMonth.Format("2006-01"), "Aktivitas rapat terlewat"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := ask(tc.month, tc.alasan); r.status != http.StatusUnprocessableEntity {
				t.Errorf("status %d, want 422", r.status)
			}
			if n := requests("menunggu"); n != 0 {
				t.Errorf("%d requests stored", n)
			}
		})
	}
	page := func() string { return peg.get("/kinerja/aktivitas?bulan=" + old).body }
	if !strings.Contains(page(), `id="form-minta-buka"`) {
		t.Fatal("the closed month offers no reopen request")
	}
	if r := ask(old, "Rapat koordinasi tanggal 5 belum tercatat"); r.status != http.StatusSeeOther {
		t.Fatalf("request: %d %s", r.status, r.body)
	}
	if r := ask(old, "Sekali lagi, mohon dibuka"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("second waiting request: %d, want 422", r.status)
	}
	if body := page(); !strings.Contains(body, `data-status="menunggu"`) || strings.Contains(body, `id="form-minta-buka"`) {
		t.Error("the waiting request is not shown (or the form is offered again)")
	}
	id := h.count(`SELECT id FROM bulan_dibuka_permintaan WHERE pegawai_id = ? AND status = 'menunggu'`, pegawai)
	path := "/kinerja/buka-bulan/permintaan/" + itoa(id)
	if !strings.Contains(verif.get("/kinerja/buka-bulan").body, `data-id="`+itoa(id)+`" data-status="menunggu"`) {
		t.Error("the verifikator does not see the waiting request")
	}
	// Only the verifikator decides.
	for _, role := range []auth.Role{auth.RolePegawai, auth.RoleAtasan, auth.RoleAdminOPD} {
		if r := h.as(role).postForm(path, url.Values{"keputusan": {"setujui"}}); r.status != http.StatusForbidden {
			t.Errorf("%s decides: %d, want 403", role, r.status)
		}
	}
	if r := verif.postForm(path, url.Values{"keputusan": {"tolak"}, "catatan": {""}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("refusal without a reason: %d, want 422", r.status)
	}
	reason := "Aktivitas itu sudah tercatat pada tanggal 6"
	if r := verif.postForm(path, url.Values{"keputusan": {"tolak"}, "catatan": {reason}}); r.status != http.StatusSeeOther {
		t.Fatalf("refuse: %d %s", r.status, r.body)
	}
	if r := verif.postForm(path, url.Values{"keputusan": {"setujui"}}); r.status != http.StatusConflict {
		t.Errorf("deciding again: %d, want 409", r.status)
	}
	if body := page(); !strings.Contains(body, reason) || !strings.Contains(body, `data-status="ditolak"`) || strings.Contains(body, `id="aktivitas-baru"`) {
		t.Error("the pegawai does not see the refusal and its reason")
	}
	// Asked again and approved: the month is reopened by the existing mechanism.
	if r := ask(old, "Rapat tanggal 5 memang berbeda dengan tanggal 6"); r.status != http.StatusSeeOther {
		t.Fatalf("second request: %d", r.status)
	}
	id2 := h.count(`SELECT id FROM bulan_dibuka_permintaan WHERE pegawai_id = ? AND status = 'menunggu'`, pegawai)
	if r := verif.postForm("/kinerja/buka-bulan/permintaan/"+itoa(id2), url.Values{"keputusan": {"setujui"}}); r.status != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	if n := h.count(`SELECT count(*) FROM bulan_dibuka d JOIN bulan_dibuka_permintaan r ON r.bukaan_id = d.id WHERE r.id = ? AND d.berlaku_sampai > now()`, id2); n != 1 {
		t.Errorf("%d reopenings linked to the approved request, want 1", n)
	}
	if body := page(); !strings.Contains(body, `id="aktivitas-baru"`) || !strings.Contains(body, `id="bulan-dibuka"`) {
		t.Error("the approved month does not offer Catat aktivitas")
	}
	for action, want := range map[string]int64{"kinerja.bulan_minta": 2, "kinerja.bulan_minta_tolak": 1, "kinerja.bulan_minta_setujui": 1, "kinerja.bulan_buka": 1} {
		if n := h.count(`SELECT count(*) FROM audit_log WHERE action = ?`, action); n != want {
			t.Errorf("audit %s: %d rows, want %d", action, n, want)
		}
	}
}
