package web

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// TestTPPRuleSetFrozenFromFirstComputation is issue 18's "rules changed under
// a computed claim", through the pages: a version used by a computation can
// no longer be edited (the route refuses with 409 and a clear message, and
// the database refuses even a direct UPDATE); "versi baru" copies it into a
// new editable version whose end month can be set; a claim whose stored
// rules no longer give its digest (as one computed before this fix, with the
// version edited afterwards) cannot be approved; recomputed, it is approved
// and its continuity bundle verifies.
func TestTPPRuleSetFrozenFromFirstComputation(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	admin, verif, sa := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator), th.as(auth.RoleSuperadmin)
	params := func(id int64) string {
		var p string
		if err := th.db.Raw(`SELECT params::text FROM tpp_rule_set WHERE id = ?`, id).Scan(&p).Error; err != nil {
			t.Fatal(err)
		}
		return p
	}
	page := sa.get("/tpp/aturan/1")
	if page.status != http.StatusOK || strings.Contains(page.body, `id="rule-frozen"`) || !strings.Contains(page.body, `id="btn-simpan-aturan"`) {
		t.Fatalf("unused form: %d", page.status)
	}
	// The end month is on the form even for open-ended rules.
	mustContain(t, page.body, `name="effective_until"`, "sampai seterusnya")
	form := formOf(t, page.body)

	id := th.compute(admin)
	if th.count(`SELECT count(*) FROM tpp_rule_set WHERE id = 1 AND used`) != 1 {
		t.Fatal("the first computation did not freeze version 1")
	}
	before, audits := params(1), th.count(`SELECT count(*) FROM audit_log WHERE action LIKE 'tpp.aturan%'`)

	// Editing the used version is refused, whatever is posted.
	for _, change := range []url.Values{
		{"disiplin.tk_per_day": {"4"}},
		{"effective_until": {"2026-12"}},
		{"tambah": {"leave.sick"}},
	} {
		v := url.Values{}
		for k, x := range form {
			v[k] = x
		}
		for k, x := range change {
			v[k] = x
		}
		r := sa.postForm("/tpp/aturan/1", v)
		if r.status != http.StatusConflict {
			t.Fatalf("edit %v of a used version: %d", change, r.status)
		}
		mustContain(t, r.body, "versi 1 sudah dipakai untuk menghitung klaim dan dikunci", "Versi baru")
	}
	if params(1) != before || th.count(`SELECT count(*) FROM audit_log WHERE action LIKE 'tpp.aturan%'`) != audits {
		t.Fatal("a refused edit changed or audited something")
	}
	frozen := sa.get("/tpp/aturan/1")
	mustContain(t, frozen.body, `id="rule-frozen"`, `id="btn-versi-baru"`, "<fieldset class=\"card\" disabled")
	if strings.Contains(frozen.body, `id="btn-simpan-aturan"`) {
		t.Fatal("a frozen version offers Simpan")
	}
	mustContain(t, sa.get("/tpp/aturan").body, "terkunci: dipakai menghitung klaim", `id="btn-versi-baru-1"`, "seterusnya")
	// The database is the last line: no statement changes a version a computed claim names.
	for _, q := range []string{
		`UPDATE tpp_rule_set SET params = jsonb_set(params, '{disiplin,tk_per_day}', '400') WHERE id = 1`,
		`UPDATE tpp_rule_set SET used = false WHERE id = 1`,
		`DELETE FROM tpp_rule_set WHERE id = 1`,
	} {
		if err := th.db.Exec(q).Error; err == nil || !strings.Contains(err.Error(), "dikunci") && !strings.Contains(err.Error(), "tidak boleh dihapus") {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// ... even with the flag off (a row marked used = false by an older build).
	if err := th.db.Exec(`ALTER TABLE tpp_rule_set DISABLE TRIGGER tpp_rule_set_guard; UPDATE tpp_rule_set SET used = false WHERE id = 1;
		ALTER TABLE tpp_rule_set ENABLE TRIGGER tpp_rule_set_guard`).Error; err != nil {
		t.Fatal(err)
	}
	if err := th.db.Exec(`UPDATE tpp_rule_set SET params = jsonb_set(params, '{disiplin,tk_per_day}', '400') WHERE id = 1`).Error; err == nil {
		t.Fatal("the database let the rules of a computed claim's version change")
	}
	th.db.Exec(`ALTER TABLE tpp_rule_set DISABLE TRIGGER tpp_rule_set_guard; UPDATE tpp_rule_set SET used = true WHERE id = 1;
		ALTER TABLE tpp_rule_set ENABLE TRIGGER tpp_rule_set_guard`)

	// "Versi baru": a copy with the next number, editable, audited.
	r := sa.postForm("/tpp/aturan/1/versi-baru", nil)
	m := claimRuleSetPath.FindStringSubmatch(r.header.Get("Location"))
	if r.status != http.StatusSeeOther || m == nil || !strings.Contains(r.header.Get("Location"), "tpp-aturan-versi") {
		t.Fatalf("versi baru: %d %q", r.status, r.header.Get("Location"))
	}
	v2, _ := strconv.ParseInt(m[1], 10, 64)
	if th.count(`SELECT version FROM tpp_rule_set WHERE id = ? AND NOT used`, v2) != 2 ||
		th.count(`SELECT count(*) FROM audit_log WHERE action = 'tpp.aturan_versi_baru' AND object_id = ?`, strconv.FormatInt(v2, 10)) != 1 {
		t.Fatal("new version not made, not editable or not audited")
	}
	edit := sa.get(fmt.Sprintf("/tpp/aturan/%d", v2))
	mustContain(t, edit.body, "Aturan TPP versi 2", `id="btn-simpan-aturan"`, `id="rule-draft"`)
	mustContain(t, sa.get("/tpp/aturan").body, "draf: belum berlaku sampai disimpan")
	// A draft is never in force: computing now still uses (frozen) version 1.
	if r := admin.postForm(fmt.Sprintf("/tpp/klaim/%d/hitung-ulang", id), nil); r.status != http.StatusSeeOther {
		t.Fatalf("recompute with a draft version: %d %s", r.status, r.body)
	}
	if th.count(`SELECT rule_set_version FROM tpp_claim WHERE id = ?`, id) != 1 || th.count(`SELECT count(*) FROM tpp_rule_set WHERE id = ? AND (used OR NOT draft)`, v2) != 0 {
		t.Fatal("a draft version was used by a computation")
	}
	f2 := formOf(t, edit.body)
	f2.Set("disiplin.tk_per_day", "4")
	f2.Set("effective_until", "2026-12")
	if r := sa.postForm(fmt.Sprintf("/tpp/aturan/%d", v2), f2); r.status != http.StatusSeeOther {
		t.Fatalf("edit new version: %d %s", r.status, r.body)
	}
	if th.count(`SELECT (params->'disiplin'->>'tk_per_day')::int FROM tpp_rule_set WHERE id = ?`, v2) != 400 ||
		th.count(`SELECT count(*) FROM tpp_rule_set WHERE id = ? AND params->>'effective_until' = '2026-12' AND NOT draft`, v2) != 1 || params(1) != before {
		t.Fatal("new version not stored as edited, or version 1 changed")
	}
	mustContain(t, sa.get(fmt.Sprintf("/tpp/aturan/%d", v2)).body, `value="2026-12"`, "sampai Desember 2026")
	// The end month can be cleared again; a bad one is refused next to its field.
	f2.Set("effective_until", "2026-13")
	if r := sa.postForm(fmt.Sprintf("/tpp/aturan/%d", v2), f2); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-effective_until"`) {
		t.Fatalf("bad end month: %d", r.status)
	}

	// A claim computed under version 1 before this fix, with version 1 then
	// edited in place: its digest no longer follows from the stored rules.
	for _, step := range []struct {
		c    *client
		path string
	}{{admin, "ajukan"}, {verif, "verifikasi"}} {
		if r := step.c.postForm(fmt.Sprintf("/tpp/klaim/%d/%s", id, step.path), ackClaim(t, step.c, id, step.path, nil)); r.status != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", step.path, r.status, r.body)
		}
	}
	if err := th.db.Exec(`ALTER TABLE tpp_rule_set DISABLE TRIGGER tpp_rule_set_guard;
		UPDATE tpp_rule_set SET params = jsonb_set(params, '{disiplin,tk_per_day}', '500') WHERE id = 1;
		ALTER TABLE tpp_rule_set ENABLE TRIGGER tpp_rule_set_guard`).Error; err != nil {
		t.Fatal(err)
	}
	r = verif.postForm(fmt.Sprintf("/tpp/klaim/%d/setujui", id), ackClaim(t, verif, id, "setujui", nil))
	if r.status != http.StatusConflict {
		t.Fatalf("approval of a stale claim: %d", r.status)
	}
	mustContain(t, r.body, "digest masukan tidak cocok", "dihitung ulang")
	if th.count(`SELECT count(*) FROM tpp_claim WHERE id = ? AND status = 'verified' AND approved_at IS NULL`, id) != 1 ||
		th.count(`SELECT count(*) FROM audit_log WHERE action = 'tpp.setujui'`) != 0 {
		t.Fatal("the stale claim was approved")
	}
	// Returned and recomputed (now with version 2), it is approved.
	if r := verif.postForm(fmt.Sprintf("/tpp/klaim/%d/kembalikan", id), url.Values{"catatan": {"aturan berubah, hitung ulang"}}); r.status != http.StatusSeeOther {
		t.Fatalf("return: %d", r.status)
	}
	if r := admin.postForm(fmt.Sprintf("/tpp/klaim/%d/hitung-ulang", id), nil); r.status != http.StatusSeeOther {
		t.Fatalf("recompute: %d %s", r.status, r.body)
	}
	if th.count(`SELECT rule_set_version FROM tpp_claim WHERE id = ?`, id) != 2 || th.count(`SELECT count(*) FROM tpp_rule_set WHERE id = ? AND used`, v2) != 1 {
		t.Fatal("recompute did not use and freeze version 2")
	}
	for _, step := range []struct {
		c    *client
		path string
	}{{admin, "ajukan"}, {verif, "verifikasi"}, {verif, "setujui"}} {
		if r := step.c.postForm(fmt.Sprintf("/tpp/klaim/%d/%s", id, step.path), ackClaim(t, step.c, id, step.path, nil)); r.status != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", step.path, r.status, r.body)
		}
	}
	// The approved claim's continuity bundle verifies offline.
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := th.srv.tpp.WriteBundle(context.Background(), id, dir, key); err != nil {
		t.Fatal(err)
	}
	rep, err := claim.VerifyBundle(dir, pub)
	if err != nil {
		t.Fatalf("bundle of the approved claim: %v", err)
	}
	if rep.Manifest.RuleSetVersion != 2 || rep.TotalNet != th.count(`SELECT total_net FROM tpp_claim WHERE id = ?`, id) {
		t.Fatalf("bundle: %+v", rep.Manifest)
	}
}

var claimRuleSetPath = regexp.MustCompile(`^/tpp/aturan/(\d+)`)
