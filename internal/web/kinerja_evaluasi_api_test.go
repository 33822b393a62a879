package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestKinerjaEvaluasiAPI: the JSON API gives the SKP with its feedback, the
// evaluations and the year's predikat to those in scope, and refuses others.
func TestKinerjaEvaluasiAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := h.demoKinerja()
	atasan, peg, verif, other := h.as(auth.RoleAtasan), h.as(auth.RolePegawai), h.as(auth.RoleVerifikator), h.otherAtasan()
	last, periode := lastMonthPeriod(h)
	if r := atasan.postForm("/kinerja/umpan-balik", url.Values{"rhk_id": {itoa(d.rhk)}, "isi": {"Umpan balik untuk API"}}); r.status != http.StatusSeeOther {
		t.Fatalf("feedback: %d", r.status)
	}
	for _, p := range []string{periode, fmt.Sprintf("%d-tahunan", last.Year())} {
		if r := atasan.postForm("/kinerja/evaluasi", url.Values{"pegawai_id": {itoa(d.pegawai)}, "periode": {p}, "hasil_kerja": {"sesuai"}, "perilaku_kerja": {"sesuai"}}); r.status != http.StatusSeeOther {
			t.Fatalf("confirm %s: %d %s", p, r.status, r.body)
		}
	}
	decode := func(r response, v any) {
		t.Helper()
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		if err := json.Unmarshal([]byte(r.body), v); err != nil {
			t.Fatal(err)
		}
	}
	var skp struct {
		ID  int64 `json:"id"`
		RHK []struct {
			ID         int64 `json:"id"`
			UmpanBalik []struct {
				Isi string `json:"isi"`
			} `json:"umpan_balik"`
		} `json:"rhk"`
	}
	decode(peg.get(fmt.Sprintf("/api/v1/skp/%d", d.skp)), &skp)
	found := false
	for _, r := range skp.RHK {
		if r.ID == d.rhk && len(r.UmpanBalik) == 1 && r.UmpanBalik[0].Isi == "Umpan balik untuk API" {
			found = true
		}
	}
	if skp.ID != d.skp || !found {
		t.Fatalf("SKP API: %+v", skp)
	}
	var fb struct {
		UmpanBalik []struct{ Isi string } `json:"umpan_balik"`
	}
	decode(atasan.get(fmt.Sprintf("/api/v1/skp/%d/umpan-balik", d.skp)), &fb)
	if len(fb.UmpanBalik) != 1 {
		t.Fatalf("feedback API: %+v", fb)
	}
	var ev struct {
		Evaluasi []struct {
			ID       int64  `json:"id"`
			Periode  string `json:"periode"`
			Predikat string `json:"predikat"`
		} `json:"evaluasi"`
	}
	decode(verif.get(fmt.Sprintf("/api/v1/evaluasi?pegawai_id=%d&tahun=%d", d.pegawai, last.Year())), &ev)
	if len(ev.Evaluasi) != 2 || ev.Evaluasi[0].Predikat != "baik" {
		t.Fatalf("evaluations API: %+v", ev)
	}
	var one struct {
		Periode string `json:"periode"`
	}
	decode(peg.get(fmt.Sprintf("/api/v1/evaluasi/%d", ev.Evaluasi[0].ID)), &one)
	var pr struct {
		Tahunan string `json:"tahunan"`
		Bulanan []struct {
			Bulan    int    `json:"bulan"`
			Predikat string `json:"predikat"`
		} `json:"bulanan"`
		Periodik []struct{} `json:"periodik"`
	}
	decode(peg.get(fmt.Sprintf("/api/v1/predikat?tahun=%d", last.Year())), &pr)
	if pr.Tahunan != "baik" || len(pr.Periodik) != 2 || len(pr.Bulanan) == 0 {
		t.Fatalf("predikat API: %+v", pr)
	}
	// Out of scope: refused; bad parameters: 422.
	for _, p := range []string{fmt.Sprintf("/api/v1/skp/%d", d.skp), fmt.Sprintf("/api/v1/skp/%d/umpan-balik", d.skp),
		fmt.Sprintf("/api/v1/evaluasi/%d", ev.Evaluasi[0].ID), fmt.Sprintf("/api/v1/evaluasi?pegawai_id=%d", d.pegawai),
		fmt.Sprintf("/api/v1/predikat?pegawai_id=%d", d.pegawai)} {
		if r := other.get(p); r.status != http.StatusForbidden {
			t.Errorf("%s as another OPD's atasan: %d", p, r.status)
		}
	}
	for _, p := range []string{"/api/v1/predikat?tahun=abc", "/api/v1/evaluasi?pegawai_id=-1"} {
		if r := peg.get(p); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "tidak sah") {
			t.Errorf("%s: %d", p, r.status)
		}
	}
}
