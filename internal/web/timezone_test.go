package web

import (
	"regexp"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

var shownTime = regexp.MustCompile(`\d{1,2} [A-Z][a-z]+ \d{4} \d{2}:\d{2} (WIB|WITA|WIT)\b`)

// TestPagesShowTimesInTheConfiguredZone: a regency in WITA (EKINERJA_TZ
// Asia/Makassar) or WIT sees its own clock and label, not WIB.
func TestPagesShowTimesInTheConfiguredZone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ tz, label string }{
		{"Asia/Jakarta", "WIB"}, {"Asia/Makassar", "WITA"}, {"Asia/Jayapura", "WIT"},
	} {
		t.Run(tc.tz, func(t *testing.T) {
			h := newHarnessEnv(t, map[string]string{"EKINERJA_ENV": "dev", "EKINERJA_TZ": tc.tz})
			res := h.as(auth.RoleSuperadmin).get("/audit")
			if res.status != 200 {
				t.Fatalf("status %d", res.status)
			}
			all := shownTime.FindAllStringSubmatch(res.body, -1)
			if len(all) == 0 {
				t.Fatal("the audit page shows no time")
			}
			for _, m := range all {
				if m[1] != tc.label {
					t.Fatalf("time %q shown, want zone %s", m[0], tc.label)
				}
			}
		})
	}
}
