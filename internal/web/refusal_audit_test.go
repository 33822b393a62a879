package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestAnonymousRefusalsStayOutOfTheAuditLog: 200 anonymous POSTs without
// a CSRF token to long random paths add no audit row (they go to the
// rate-limited log); a signed-in person's refusal is still audited, with
// the path bounded.
func TestAnonymousRefusalsStayOutOfTheAuditLog(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	before := h.count(`SELECT count(*) FROM audit_log`)
	c := h.client()
	for i := 0; i < 200; i++ {
		b := make([]byte, 8<<10)
		_, _ = rand.Read(b)
		path := "/" + hex.EncodeToString(b)
		res := c.postRaw(path, url.Values{"x": {"1"}})
		if res.status != http.StatusForbidden && res.status != http.StatusNotFound {
			t.Fatalf("anonymous POST: %d", res.status)
		}
	}
	if n := h.count(`SELECT count(*) FROM audit_log`) - before; n != 0 {
		t.Fatalf("200 anonymous refusals added %d audit rows", n)
	}
	// A signed-in person's refusal is audited, bounded.
	p := h.as(auth.RolePegawai)
	long := "/pengguna/" + strings.Repeat("9", 5000)
	if res := p.get(long); res.status != http.StatusForbidden {
		t.Fatalf("pegawai on a superadmin route: %d", res.status)
	}
	var obj string
	h.db.Raw(`SELECT object_id FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1`, audit.ActionForbidden).Scan(&obj)
	if obj == "" || len(obj) > audit.MaxField+len("…") {
		t.Fatalf("refusal audit object_id: %d bytes", len(obj))
	}
}
