package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// TestTPPPaguWarnsAndNeedsAcknowledgement: a superadmin enters DINKES's 2026
// pagu (APBD) too small for its October claim; the claim page and its
// confirmation pages warn, the verifikator's verification without the pagu
// acknowledgement is refused (422, nothing changes) and goes through with
// it; an APBD-Perubahan raising the pagu changes the confirmation token, so
// an approval acknowledged before is refused (409) and a fresh one needs no
// pagu acknowledgement. The year's report shows use and projection (paid +
// approved + the months left at the last month's level) per OPD and regency.
func TestTPPPaguWarnsAndNeedsAcknowledgement(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = 'Bank Bengkulu', bank_rekening = '00' || id::text || '99', bank_atas_nama = nama`).Error; err != nil {
		t.Fatal(err)
	}
	super, admin, verif := th.as(auth.RoleSuperadmin), th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator)
	pagu := func(jenis, jumlah string) response {
		return super.postForm("/tpp/pagu", url.Values{"opd_id": {itoa(th.dinkes)}, "tahun": {"2026"}, "jenis": {jenis}, "jumlah": {jumlah}, "keterangan": {"uji"}})
	}
	if r := pagu("apbd", "satu juta"); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-jumlah"`) {
		t.Fatalf("bad pagu: %d", r.status)
	}
	if r := admin.postForm("/tpp/pagu", url.Values{"opd_id": {itoa(th.dinkes)}, "tahun": {"2026"}, "jenis": {"apbd"}, "jumlah": {"1"}}); r.status != http.StatusForbidden {
		t.Fatalf("admin_opd enters pagu: %d", r.status)
	}
	if r := pagu("apbd", "1.000.000"); r.status != http.StatusSeeOther {
		t.Fatalf("pagu: %d %s", r.status, r.body)
	}
	id := th.compute(admin)
	payable := th.count(`SELECT sum(net) FROM tpp_claim_pegawai WHERE claim_id = ? AND error = ''`, id)
	mustContain(t, admin.get(fmt.Sprintf("/tpp/klaim/%d", id)).body, `id="pagu-lebih"`, "Rp 1.000.000")
	th.ackStep(admin, id, "ajukan", nil)

	f := th.ack(verif, id, "verifikasi", nil)
	mustContain(t, verif.get(fmt.Sprintf("/tpp/klaim/%d/verifikasi", id)).body, `name="pagu"`, "melebihi sisa pagu")
	if r := verif.postForm(fmt.Sprintf("/tpp/klaim/%d/verifikasi", id), f); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-pagu"`) {
		t.Fatalf("verify over pagu without acknowledgement: %d", r.status)
	}
	if n := th.count(`SELECT count(*) FROM tpp_claim WHERE id = ? AND status = 'submitted'`, id); n != 1 {
		t.Fatal("refused verification changed the claim")
	}
	f.Set("pagu", "ya")
	th.claimStep(verif, id, "verifikasi", f)

	old := th.ack(verif, id, "setujui", nil)
	old.Set("pagu", "ya")
	if r := pagu("apbd_p", "2.000.000.000"); r.status != http.StatusSeeOther {
		t.Fatalf("APBD-P: %d", r.status)
	}
	if r := verif.postForm(fmt.Sprintf("/tpp/klaim/%d/setujui", id), old); r.status != http.StatusConflict {
		t.Fatalf("approval acknowledged before the pagu changed: %d", r.status)
	}
	if strings.Contains(verif.get(fmt.Sprintf("/tpp/klaim/%d/setujui", id)).body, `name="pagu"`) {
		t.Fatal("pagu acknowledgement asked within the pagu")
	}
	th.ackStep(verif, id, "setujui", nil)

	page := verif.get("/tpp/pagu?tahun=2026").body
	row := page[strings.Index(page, `data-opd="DINKES"`):]
	row = row[:strings.Index(row, "</tr>")]
	// October approved; November and December at October's level.
	mustContain(t, row, fmt.Sprintf(`data-proyeksi="%d"`, 3*payable), "Rp 2.000.000.000")
	var rep claim.PaguReport
	r := verif.get("/api/v1/tpp/pagu?tahun=2026")
	if err := json.Unmarshal([]byte(r.body), &rep); err != nil || rep.Projection != 3*payable || rep.Total.Approved != payable {
		t.Fatalf("api pagu %d: %+v %v", r.status, rep.Total, err)
	}
	if n := th.count(`SELECT count(*) FROM audit_log WHERE action = 'tpp.pagu'`); n != 2 {
		t.Fatalf("%d pagu audit rows", n)
	}
}
