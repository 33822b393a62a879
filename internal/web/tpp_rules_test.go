package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

func TestTPPRuleSetForm(t *testing.T) {
	h := newHarness(t)
	sa := h.as(auth.RoleSuperadmin)
	if r := sa.get("/tpp/aturan/1"); r.status != http.StatusOK || !strings.Contains(r.body, `name="disiplin.tl[1]"`) {
		t.Fatalf("form: %d", r.status)
	}
	fields, err := ruleFields(tpp.DemoRuleSet())
	if err != nil {
		t.Fatal(err)
	}
	form := func(change map[string]string) url.Values {
		v := url.Values{}
		for _, f := range fields {
			v.Set(f.Name, f.Value)
		}
		for k, x := range change {
			v.Set(k, x)
		}
		return v
	}
	// Bad input: the message sits next to its field, nothing is stored.
	r := sa.postForm("/tpp/aturan/1", form(map[string]string{"disiplin.tk_per_day": "tiga", "status.cpns": "180"}))
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-disiplin.tk_per_day"`) {
		t.Fatalf("bad form: %d", r.status)
	}
	r = sa.postForm("/tpp/aturan/1", form(map[string]string{"status.cpns": "180", "split.produktivitas": "70"}))
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-status.cpns"`) || !strings.Contains(r.body, "berjumlah 100%") {
		t.Fatalf("invalid rules: %d", r.status)
	}
	// Unused: changed in place.
	r = sa.postForm("/tpp/aturan/1", form(map[string]string{"disiplin.tk_per_day": "3,5"}))
	if r.status != http.StatusSeeOther || h.count(`SELECT (params->'disiplin'->>'tk_per_day')::int FROM tpp_rule_set WHERE id = 1`) != 350 {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	// Used by an approved claim: a new version.
	if err := h.db.Exec(`UPDATE tpp_rule_set SET used = true WHERE id = 1`).Error; err != nil {
		t.Fatal(err)
	}
	r = sa.postForm("/tpp/aturan/1", form(map[string]string{"disiplin.tk_per_day": "4"}))
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "tpp-aturan-versi") {
		t.Fatalf("new version: %d %q", r.status, r.header.Get("Location"))
	}
	if h.count(`SELECT count(*) FROM tpp_rule_set`) != 2 || h.count(`SELECT (params->'disiplin'->>'tk_per_day')::int FROM tpp_rule_set WHERE id = 1`) != 350 {
		t.Fatal("used version changed or no new version")
	}
}
