package web

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestTPPCleanClaimThroughThePages is the normal, perfect case of issue 18: a
// claim with no warning at all (every predikat present, attendance in, every
// account filled). It used to be stored as warnings = 'null'::jsonb, after
// which the verifikator's and superadmin's month overview and the
// verifikator's home page answered 500.
func TestTPPCleanClaimThroughThePages(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = 'Bank Bengkulu', bank_rekening = '00' || id::text || '12345',
		bank_atas_nama = nama`).Error; err != nil {
		t.Fatal(err)
	}
	admin, verif, super := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator), th.as(auth.RoleSuperadmin)
	// The month the home page counts for (the previous one).
	month := defaultMonth(time.Now()).Param()
	res := admin.postForm("/tpp/klaim/hitung", url.Values{"opd_id": {itoa(th.dinkes)}, "bulan": {month}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("compute: %d %s", res.status, res.body)
	}
	id := th.count(`SELECT id FROM tpp_claim WHERE opd_id = ?`, th.dinkes)
	if n := th.count(`SELECT count(*) FROM tpp_claim WHERE id = ? AND warnings = '[]'::jsonb`, id); n != 1 {
		t.Errorf("clean claim warnings not stored as []")
	}
	// The database refuses anything but an array.
	if err := th.db.Exec(`UPDATE tpp_claim SET warnings = 'null'::jsonb WHERE id = ?`, id).Error; err == nil {
		t.Error("warnings = null accepted")
	}
	check := func(c *client, path string) string {
		t.Helper()
		r := c.get(path)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, r.status, r.body)
		}
		return r.body
	}
	for _, step := range []string{"", "ajukan"} {
		if step != "" {
			if r := admin.postForm(fmt.Sprintf("/tpp/klaim/%d/%s", id, step), th.ack(admin, id, step, nil)); r.status != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", step, r.status, r.body)
			}
		}
		check(verif, "/tpp/klaim?bulan="+month)
		check(super, "/tpp/klaim?bulan="+month)
		check(verif, "/")
		check(admin, "/tpp/klaim?bulan="+month)
		check(verif, fmt.Sprintf("/tpp/klaim/%d", id))
	}
	// Recomputing keeps it an array.
	if r := verif.postForm(fmt.Sprintf("/tpp/klaim/%d/kembalikan", id), url.Values{"catatan": {"periksa lagi"}}); r.status != http.StatusSeeOther {
		t.Fatalf("return: %d %s", r.status, r.body)
	}
	if r := admin.postForm(fmt.Sprintf("/tpp/klaim/%d/hitung-ulang", id), nil); r.status != http.StatusSeeOther {
		t.Fatalf("recompute: %d %s", r.status, r.body)
	}
	check(verif, "/tpp/klaim?bulan="+month)
	check(verif, "/")
}
