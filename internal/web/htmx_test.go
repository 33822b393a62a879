package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/views/layout"
)

// postHX posts a form as htmx does (HX-Request: true) with a CSRF token.
func (c *client) postHX(path string, form url.Values) response {
	c.h.t.Helper()
	form.Set("csrf_token", c.csrf())
	req, _ := http.NewRequest(http.MethodPost, c.h.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	return c.do(req)
}

// getHX gets a page as htmx's polling does (HX-Request: true).
func (c *client) getHX(path string) response {
	c.h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.h.ts.URL+path, nil)
	req.Header.Set("HX-Request", "true")
	return c.do(req)
}

var htmxScript = regexp.MustCompile(`<script src="(/static/htmx\.min\.[0-9a-f]+\.js)" defer></script>`)

// TestHTMXIsVendoredSameOriginWithoutEval: every page loads the vendored
// htmx (htmx.org 2.0.8 from npm, byte for byte) from this origin, configured
// by the htmx-config meta tag never to evaluate code, run swapped-in script
// or add inline style; the CSP stays exactly as it was.
func TestHTMXIsVendoredSameOriginWithoutEval(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	page := h.as(auth.RoleAtasan).get("/kinerja/tinjau")
	m := htmxScript.FindStringSubmatch(page.body)
	if page.status != http.StatusOK || m == nil {
		t.Fatalf("review queue: %d, htmx script tag missing", page.status)
	}
	if got := page.header.Get("Content-Security-Policy"); got != ContentSecurityPolicy || strings.Contains(got, "unsafe") {
		t.Errorf("CSP changed: %q", got)
	}
	if !strings.Contains(page.body, `<meta name="htmx-config" content="`) || !strings.Contains(layout.HTMXConfig, `"allowEval":false`) ||
		!strings.Contains(layout.HTMXConfig, `"includeIndicatorStyles":false`) || !strings.Contains(layout.HTMXConfig, `"allowScriptTags":false`) {
		t.Error("htmx is not configured against eval, inline script and inline style")
	}
	js := h.client().get(m[1])
	sum := sha256.Sum256([]byte(js.body))
	// sha256 of package/dist/htmx.min.js in `npm pack htmx.org@2.0.8`.
	if js.status != http.StatusOK || hex.EncodeToString(sum[:]) != "22283ef68cb7545914f0a88a1bdedc7256a703d1d580c1d255217d0a50d31313" ||
		!strings.HasPrefix(js.header.Get("Content-Type"), "text/javascript") {
		t.Errorf("htmx served: %d %s %x", js.status, js.header.Get("Content-Type"), sum)
	}
}

// TestReviewInPlaceAndWithoutScript: one aktivitas approved or returned
// from the queue answers, for htmx, the row that replaces it (200; 422
// with the row and the message for a return without a note, nothing
// changed; 409 when it was already reviewed) and, without script, the
// same buttons post the form and redirect back to the queue as before.
func TestReviewInPlaceAndWithoutScript(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := h.demoKinerja()
	atasan := h.as(auth.RoleAtasan)
	rhk := d.rhk
	newSubmitted := func() (int64, string) {
		var id int64
		if err := h.db.Raw(`INSERT INTO aktivitas (pegawai_id, rhk_id, tanggal, uraian, output_jumlah, output_satuan, menit, status, submitted_at)
VALUES (?, ?, ?, 'Rapat evaluasi', 1, 'kegiatan', 30, 'submitted', now()) RETURNING id`, d.pegawai, rhk, time.Now().In(h.cfg.Location).Format(time.DateOnly)).Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		return id, fmt.Sprintf("%d:%d", id, h.count(`SELECT versi FROM aktivitas WHERE id = ?`, id))
	}
	status := func(id int64) string {
		var s string
		h.db.Raw(`SELECT status FROM aktivitas WHERE id = ?`, id).Scan(&s)
		return s
	}
	row := func(id int64) string { return fmt.Sprintf(`<tr id="tinjau-%d"`, id) }

	// The queue page offers in-place buttons that also work as plain submits.
	a, av := newSubmitted()
	page := atasan.get("/kinerja/tinjau")
	if !strings.Contains(page.body, `hx-post="/kinerja/tinjau/setujui" hx-target="#tinjau-`+itoa(a)+`"`) || !strings.Contains(page.body, `<form method="post" action="/kinerja/tinjau/setujui" id="tinjau-form">`) {
		t.Fatal("queue page lacks in-place buttons inside the plain form")
	}

	// htmx: approve in place.
	r := atasan.postHX("/kinerja/tinjau/setujui", url.Values{"satu": {av}})
	if r.status != http.StatusOK || !strings.Contains(r.body, row(a)) || !strings.Contains(r.body, "Aktivitas disetujui.") || strings.Contains(r.body, "<html") {
		t.Fatalf("htmx approve: %d %s", r.status, r.body)
	}
	if status(a) != "approved" {
		t.Fatalf("htmx approve left %s", status(a))
	}
	// htmx: the same again is a conflict, answered in place.
	r = atasan.postHX("/kinerja/tinjau/setujui", url.Values{"satu": {av}})
	if r.status != http.StatusConflict || !strings.Contains(r.body, row(a)) || !strings.Contains(r.body, "sudah ditinjau") {
		t.Fatalf("htmx approve twice: %d %s", r.status, r.body)
	}
	// htmx: return without a note: 422, the row again with the message.
	b, bv := newSubmitted()
	r = atasan.postHX("/kinerja/tinjau/kembalikan", url.Values{"satu": {bv}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, row(b)) || !strings.Contains(r.body, `id="err-tinjau-galat-`+itoa(b)+`"`) ||
		!strings.Contains(r.body, `hx-post="/kinerja/tinjau/kembalikan"`) || strings.Contains(r.body, "<html") {
		t.Fatalf("htmx return without note: %d %s", r.status, r.body)
	}
	if status(b) != "submitted" {
		t.Fatalf("a refused return changed the status to %s", status(b))
	}
	r = atasan.postHX("/kinerja/tinjau/kembalikan", url.Values{"satu": {bv}, "catatan_" + itoa(b): {"Tambahkan daftar hadir"}})
	if r.status != http.StatusOK || !strings.Contains(r.body, "dikembalikan ke pegawai") || status(b) != "returned" {
		t.Fatalf("htmx return: %d %s (%s)", r.status, r.body, status(b))
	}

	// Without script: the same posts redirect to the queue (or show it).
	c, cv := newSubmitted()
	r = atasan.postForm("/kinerja/tinjau/setujui", url.Values{"satu": {cv}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/kinerja/tinjau?pesan=") || status(c) != "approved" {
		t.Fatalf("plain approve: %d %q (%s)", r.status, r.header.Get("Location"), status(c))
	}
	e, ev := newSubmitted()
	r = atasan.postForm("/kinerja/tinjau/kembalikan", url.Values{"satu": {ev}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "<html") || !strings.Contains(r.body, `id="tinjau-error"`) || status(e) != "submitted" {
		t.Fatalf("plain return without note: %d (%s)", r.status, status(e))
	}
}
