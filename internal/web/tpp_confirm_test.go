package web

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// TestTPPMoneyStepsNeedAcknowledgement is issue 18's "money steps with one
// click": submit, verify, approve and pay each show a confirmation page
// with the totals and every open warning; the POST without the
// acknowledgement is refused 422 with a message and changes nothing, an
// acknowledgement of an older state of the claim is refused 409, and the
// acknowledged POST goes through. The page offers exactly the steps the
// handlers accept (one rule, claim.Allowed).
func TestTPPMoneyStepsNeedAcknowledgement(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	admin, verif := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator)
	id := th.compute(admin)
	var warningsJSON string
	if err := th.db.Raw(`SELECT warnings::text FROM tpp_claim WHERE id = ?`, id).Scan(&warningsJSON).Error; err != nil {
		t.Fatal(err)
	}
	var warnings []string
	if err := json.Unmarshal([]byte(warningsJSON), &warnings); err != nil || len(warnings) == 0 {
		t.Fatalf("the demo claim should carry warnings: %q", warningsJSON)
	}
	net := th.count(`SELECT total_net FROM tpp_claim WHERE id = ?`, id)
	audits := func() int64 {
		return th.count(`SELECT count(*) FROM audit_log WHERE object_type = 'tpp_claim' AND object_id = ?`, itoa(id))
	}
	status := func() string {
		var s string
		if err := th.db.Raw(`SELECT status FROM tpp_claim WHERE id = ?`, id).Scan(&s).Error; err != nil {
			t.Fatal(err)
		}
		return s
	}

	for _, step := range []struct {
		c          *client
		other      *client // the role that is not offered this step
		action     string
		form       url.Values
		from, to   string
		buttonText string
	}{
		{admin, verif, "ajukan", nil, "draft", "submitted", "Ajukan ke verifikator"},
		{verif, admin, "verifikasi", nil, "submitted", "verified", "Verifikasi"},
		{verif, admin, "setujui", nil, "verified", "approved", "Setujui dan kunci"},
		{verif, admin, "bayar", th.payForm("00999/SP2D/2026"), "approved", "paid", "Tandai dibayar"},
	} {
		path := fmt.Sprintf("/tpp/klaim/%d/%s", id, step.action)
		// The claim page links the step for the role that may take it, and
		// for nobody else; the other role's GET and POST are refused.
		if !strings.Contains(step.c.get(fmt.Sprintf("/tpp/klaim/%d", id)).body, `id="btn-`+step.action+`"`) {
			t.Fatalf("%s: claim page does not offer it", step.action)
		}
		if strings.Contains(step.other.get(fmt.Sprintf("/tpp/klaim/%d", id)).body, `id="btn-`+step.action+`"`) {
			t.Fatalf("%s: offered to a role that may not take it", step.action)
		}
		if r := step.other.get(path); r.status != http.StatusForbidden {
			t.Fatalf("%s: other role's confirmation page %d", step.action, r.status)
		}
		// The confirmation page: the totals and every open warning.
		page := step.c.get(path)
		if page.status != http.StatusOK {
			t.Fatalf("%s confirmation: %d %s", step.action, page.status, page.body)
		}
		mustContain(t, page.body, `id="confirm-totals"`, tpp.Rupiah(net).String(), `id="setuju"`, step.buttonText)
		for _, w := range warnings {
			if !strings.Contains(html.UnescapeString(page.body), w) {
				t.Fatalf("%s confirmation lacks warning %q", step.action, w)
			}
		}
		// Without the acknowledgement: 422, the message, nothing changed.
		before := audits()
		form := url.Values{}
		for k, v := range step.form {
			form[k] = v
		}
		r := step.c.postForm(path, form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-setuju"`) || !strings.Contains(r.body, "sudah memeriksa jumlah") {
			t.Fatalf("%s without acknowledgement: %d", step.action, r.status)
		}
		// The box ticked but no fingerprint of what was shown is not an acknowledgement either.
		form.Set("setuju", "ya")
		if r := step.c.postForm(path, form); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("%s ticked without the page: %d", step.action, r.status)
		}
		// An acknowledgement of another state of the claim: 409.
		form.Set("konfirmasi", "0123456789abcdef01234567")
		if r := step.c.postForm(path, form); r.status != http.StatusConflict || !strings.Contains(r.body, "berubah sejak halaman konfirmasi") {
			t.Fatalf("%s stale acknowledgement: %d", step.action, r.status)
		}
		if got := status(); got != step.from || audits() != before || th.count(`SELECT count(*) FROM tpp_payment WHERE claim_id = ?`, id) != 0 {
			t.Fatalf("%s refused but status %s, audit %d -> %d", step.action, got, before, audits())
		}
		// Acknowledged on the page: the step is taken.
		th.ackStep(step.c, id, step.action, step.form)
		if got := status(); got != step.to {
			t.Fatalf("%s: status %s, want %s", step.action, got, step.to)
		}
		// The step is no longer offered, and its confirmation page says why.
		if r := step.c.get(path); r.status != http.StatusConflict {
			t.Fatalf("%s confirmation after the step: %d", step.action, r.status)
		}
	}

	// An acknowledgement holds for what was shown: a claim recomputed after
	// its confirmation page was opened is not submitted.
	if err := th.db.Exec(`UPDATE pegawai SET golongan = 'IV/a' WHERE id = ?`, th.pegawaiID).Error; err != nil {
		t.Fatal(err)
	}
	other := th.as(auth.RoleAdminOPD)
	res := other.postForm("/tpp/klaim/hitung", url.Values{"opd_id": {itoa(th.dinkes)}, "bulan": {"2026-11"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("compute November: %d", res.status)
	}
	nov := th.count(`SELECT id FROM tpp_claim WHERE opd_id = ? AND period = '2026-11-01'`, th.dinkes)
	seen := th.ack(other, nov, "ajukan", nil)
	th.claimStep(other, nov, "hitung-ulang", nil)
	if r := other.postForm(fmt.Sprintf("/tpp/klaim/%d/ajukan", nov), seen); r.status != http.StatusConflict || !strings.Contains(r.body, "berubah sejak halaman konfirmasi") {
		t.Fatalf("submit acknowledged before a recompute: %d", r.status)
	}
	if n := th.count(`SELECT count(*) FROM tpp_claim WHERE id = ? AND status = 'draft'`, nov); n != 1 {
		t.Fatal("a stale acknowledgement submitted the claim")
	}
}
