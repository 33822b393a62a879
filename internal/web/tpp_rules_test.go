package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

func TestTPPRuleSetForm(t *testing.T) {
	t.Parallel()
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
	// Unused: changed in place. Money fields (their Go type is tpp.Rupiah)
	// are read as whole rupiah, percentages as basis points.
	r = sa.postForm("/tpp/aturan/1", form(map[string]string{"disiplin.tk_per_day": "3,5", "bpjs.cap": "12.500.000", "base.table[0]": "Rp 1.800.000"}))
	if r.status != http.StatusSeeOther || h.count(`SELECT (params->'disiplin'->>'tk_per_day')::int FROM tpp_rule_set WHERE id = 1`) != 350 {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	if cp, t0 := h.count(`SELECT (params->'bpjs'->>'cap')::bigint FROM tpp_rule_set WHERE id = 1`),
		h.count(`SELECT (params->'base'->'table'->>0)::bigint FROM tpp_rule_set WHERE id = 1`); cp != 12_500_000 || t0 != 1_800_000 {
		t.Fatalf("money stored as bpjs.cap=%d, base.table[0]=%d; want 12500000 and 1800000 rupiah", cp, t0)
	}
	if r := sa.get("/tpp/aturan/1"); !strings.Contains(r.body, `value="12.500.000"`) {
		t.Fatal("the stored cap is not shown as 12.500.000")
	}
	// Used (frozen since a computation): the edit is refused, nothing stored;
	// TestTPPRuleSetFrozenFromFirstComputation goes through the whole path.
	if err := h.db.Exec(`UPDATE tpp_rule_set SET used = true WHERE id = 1`).Error; err != nil {
		t.Fatal(err)
	}
	r = sa.postForm("/tpp/aturan/1", form(map[string]string{"disiplin.tk_per_day": "4"}))
	if r.status != http.StatusConflict || !strings.Contains(r.body, "dikunci") {
		t.Fatalf("edit of a used version: %d %q", r.status, r.header.Get("Location"))
	}
	if h.count(`SELECT count(*) FROM tpp_rule_set`) != 1 || h.count(`SELECT (params->'disiplin'->>'tk_per_day')::int FROM tpp_rule_set WHERE id = 1`) != 350 {
		t.Fatal("used version changed or a version made")
	}
}

// formOf reads every named input of a rendered rule set form (text inputs,
// hidden inputs and selected options), as a browser would submit it.
func formOf(t *testing.T, body string) url.Values {
	t.Helper()
	v := url.Values{}
	for _, m := range reInput.FindAllStringSubmatch(body, -1) {
		v.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	for _, m := range reSelect.FindAllStringSubmatch(body, -1) {
		v.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	v.Del("csrf_token")
	return v
}

var (
	reInput  = regexp.MustCompile(`<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"`)
	reSelect = regexp.MustCompile(`(?s)<select[^>]*?name="([^"]+)"[^>]*>.*?<option value="([^"]*)" selected`)
)

// TestTPPRuleSetFormRows: lists grow and shrink through plain submit
// buttons (no script), the typed values survive, nothing is stored until
// "Simpan", and every message sits next to its own field or row.
func TestTPPRuleSetFormRows(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	sa := h.as(auth.RoleSuperadmin)
	page := sa.get("/tpp/aturan/1")
	for _, want := range []string{`name="tambah" value="leave.sick"`, `name="hapus" value="leave.besar[2]"`,
		`name="baris.leave.sick" value="3"`, `name="tambah" value="pph21.pppk"`, `id="btn-simpan-aturan-atas"`} {
		if !strings.Contains(page.body, want) {
			t.Fatalf("form lacks %s", want)
		}
	}
	form := formOf(t, page.body)
	if form.Get("leave.sick[2].max_days") != "30" || form.Get("pph21.borne_by_budget") != "tidak" {
		t.Fatalf("form read back: %v", form)
	}
	params := func() string {
		var p string
		h.db.Raw(`SELECT params::text FROM tpp_rule_set WHERE id = 1`).Scan(&p)
		return p
	}
	before, audits := params(), h.count(`SELECT count(*) FROM audit_log`)

	// Add a sick-leave band while a typed value is pending: one more empty row, the value kept.
	form.Set("disiplin.tk_per_day", "3,5")
	form.Set("tambah", "leave.sick")
	r := sa.postForm("/tpp/aturan/1", form)
	if r.status != http.StatusOK || !strings.Contains(r.body, `name="leave.sick[3].min_days" type="text" value=""`) ||
		!strings.Contains(r.body, `name="baris.leave.sick" value="4"`) || !strings.Contains(r.body, `value="3,5"`) {
		t.Fatalf("tambah: %d", r.status)
	}
	if params() != before || h.count(`SELECT count(*) FROM audit_log`) != audits {
		t.Fatal("adding a row stored or audited something")
	}
	// Saving with the empty row: a message next to each of its fields.
	form = formOf(t, r.body)
	r = sa.postForm("/tpp/aturan/1", form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-leave.sick[3].min_days"`) ||
		!strings.Contains(r.body, `id="err-leave.sick[3].pay"`) {
		t.Fatalf("empty row saved: %d", r.status)
	}
	// Fill it in, with the bands 1-2, 3-14, 15-20, 21-30.
	form.Set("leave.sick[2].max_days", "20")
	form.Set("leave.sick[3].min_days", "21")
	form.Set("leave.sick[3].max_days", "30")
	form.Set("leave.sick[3].pay", "25")
	// A band that leaves a gap: the message is on the row.
	form.Set("leave.sick[3].min_days", "22")
	r = sa.postForm("/tpp/aturan/1", form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-leave.sick[3]"`) {
		t.Fatalf("gap: %d", r.status)
	}
	form.Set("leave.sick[3].min_days", "21")

	// Remove the first month of cuti besar (50%, 25%, 10% -> 25%, 10%).
	form.Set("hapus", "leave.besar[0]")
	r = sa.postForm("/tpp/aturan/1", form)
	if r.status != http.StatusOK || strings.Contains(r.body, `name="leave.besar[2]"`) ||
		!strings.Contains(r.body, `name="leave.besar[0]" type="text" value="25"`) || !strings.Contains(r.body, `name="baris.leave.besar" value="2"`) {
		t.Fatalf("hapus: %d", r.status)
	}
	// Remove the only row of cuti alasan penting, then try to save: the list's own message.
	form = formOf(t, r.body)
	form.Set("hapus", "leave.alasan_penting[0]")
	r = sa.postForm("/tpp/aturan/1", form)
	if r.status != http.StatusOK || !strings.Contains(r.body, `name="tambah" value="leave.alasan_penting"`) || strings.Contains(r.body, `name="leave.alasan_penting[0]"`) {
		t.Fatalf("hapus last: %d", r.status)
	}
	form = formOf(t, r.body)
	r = sa.postForm("/tpp/aturan/1", form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-leave.alasan_penting"`) {
		t.Fatalf("empty list saved: %d", r.status)
	}
	form.Set("tambah", "leave.alasan_penting")
	r = sa.postForm("/tpp/aturan/1", form)
	form = formOf(t, r.body)
	form.Set("leave.alasan_penting[0]", "40")
	// Unknown buttons are refused with a message, not a 500.
	for _, bad := range []url.Values{{"tambah": {"base.table"}}, {"hapus": {"leave.sick[99]"}}, {"hapus": {"leave.sick[0].pay"}}} {
		v := url.Values{}
		for k, x := range form {
			v[k] = x
		}
		for k, x := range bad {
			v[k] = x
		}
		if r := sa.postForm("/tpp/aturan/1", v); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("%v: %d", bad, r.status)
		}
	}
	if params() != before {
		t.Fatal("row buttons stored something")
	}
	r = sa.postForm("/tpp/aturan/1", form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	var got tpp.RuleSet
	var p string
	h.db.Raw(`SELECT params::text FROM tpp_rule_set WHERE id = 1`).Scan(&p)
	if err := json.Unmarshal([]byte(p), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Leave.Sick) != 4 || got.Leave.Sick[3] != (tpp.SickBand{MinDays: 21, MaxDays: 30, Pay: 2500}) ||
		len(got.Leave.Besar) != 2 || got.Leave.Besar[0] != 2500 || len(got.Leave.AlasanPenting) != 1 || got.Leave.AlasanPenting[0] != 4000 ||
		got.Disiplin.TKPerDay != 350 {
		t.Fatalf("stored: %+v %+v", got.Leave, got.Disiplin)
	}
}
