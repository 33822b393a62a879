package claim

import (
	"context"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// TestRecomputeWritesOnlyWhatChanged computes a claim of three employees
// through Service.Compute (what the claim page's "Hitung" calls) and
// recomputes it after no change, after one employee's attendance changes,
// after one leaves the OPD and after a row's rincian_sha is lost (rows
// computed before the column existed). Each time only the employees whose
// figures changed are written again (xmin, the inserting transaction, tells),
// and in the end the stored claim is byte for byte what a computation that
// rewrites every row stores.
func TestRecomputeWritesOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	budi := f.budi()
	j := f.mkJabatan(f.opd, "Pengadministrasi Umum", 5)
	siti := f.mkPegawai(f.opd, "Siti Aminah", "PNS", "II/c", "0099887766")
	f.assign(siti, j, "definitif", "2024-01-01", nil)
	rudi := f.mkPegawai(f.opd, "Rudi Hartono", "PPPK", "IX", "0011223344")
	f.assign(rudi, j, "definitif", "2024-01-01", nil)
	k := fakeKinerja{budi: {Predikat: "baik"}, siti: {Predikat: "sangat_baik"}, rudi: {Predikat: "butuh_perbaikan"}}
	a := &fakeAttendance{recaps: map[int64]AttendanceRecap{budi: {TK: 1, TL: [4]int{0, 2, 0, 0}}, siti: {}, rudi: {PSW: [4]int{1, 0, 0, 0}}}}
	s := NewService(f.db, k, a)
	ctx := context.Background()
	actor := f.actor(auth.RoleAdminOPD, f.opd)

	compute := func() Claim {
		t.Helper()
		c, err := s.Compute(ctx, actor, f.opd, nov2026)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// xmins returns each stored employee's row and lines' inserting transactions.
	xmins := func(id int64) map[int64]string {
		t.Helper()
		var rows []struct {
			PegawaiID int64
			X         string
		}
		if err := f.db.Raw(`SELECT p.pegawai_id, p.xmin::text || '/' || string_agg(DISTINCT l.xmin::text, ',') AS x
FROM tpp_claim_pegawai p JOIN tpp_claim_line l USING (claim_id, pegawai_id) WHERE p.claim_id = ? GROUP BY 1, p.xmin::text`, id).Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		out := map[int64]string{}
		for _, r := range rows {
			out[r.PegawaiID] = r.X
		}
		return out
	}
	// dump is everything stored for the claim's employees, in order.
	dump := func(id int64) string {
		t.Helper()
		var d string
		if err := f.db.Raw(`SELECT coalesce(string_agg(x, E'\n' ORDER BY x), '') FROM (
  SELECT (p.*)::text AS x FROM tpp_claim_pegawai p WHERE claim_id = ?
  UNION ALL SELECT (l.*)::text FROM tpp_claim_line l WHERE claim_id = ?) q`, id, id).Scan(&d).Error; err != nil {
			t.Fatal(err)
		}
		return d
	}
	same := func(step string, before, after map[int64]string, changed ...int64) {
		t.Helper()
		// The computation's audit row says how many employees it wrote.
		var written int64 = -1
		f.db.Raw(`SELECT (detail::jsonb->>'ditulis')::bigint FROM audit_log WHERE action = 'tpp.hitung' ORDER BY id DESC LIMIT 1`).Scan(&written)
		if written != int64(len(changed)) {
			t.Errorf("%s: audit says %d employees written, want %d", step, written, len(changed))
		}
		ch := map[int64]bool{}
		for _, id := range changed {
			ch[id] = true
		}
		for id, x := range after {
			if ch[id] == (before[id] == x) {
				t.Errorf("%s: employee %d written again = %v, want %v (%s -> %s)", step, id, before[id] != x, ch[id], before[id], x)
			}
		}
	}

	c := compute()
	x0 := xmins(c.ID)
	if len(x0) != 3 {
		t.Fatalf("stored employees = %d, want 3", len(x0))
	}
	if n := f.scalar(`SELECT count(*) FROM tpp_claim_pegawai WHERE claim_id = ? AND length(rincian_sha) = 32`, c.ID); n != 3 {
		t.Fatalf("rows with rincian_sha = %d, want 3", n)
	}

	c = compute()
	x1 := xmins(c.ID)
	same("nothing changed", x0, x1)

	a.recaps[siti] = AttendanceRecap{TK: 2}
	c2 := compute()
	x2 := xmins(c2.ID)
	same("one attendance changed", x1, x2, siti)
	sl, err := s.Slip(ctx, Actor{PegawaiID: siti, Role: auth.RolePegawai}, c2.ID, siti)
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := (tpp.Result{Lines: sl.Lines}).LineByCode(tpp.CodeTK); !ok || l.Count != 2 {
		t.Fatalf("siti's TK line after the change = %+v (%v)", l, ok)
	}
	if c2.TotalNet == c.TotalNet {
		t.Fatalf("claim total unchanged (%d) after siti's TK went from 0 to 2", c2.TotalNet)
	}
	var sum int64
	f.db.Raw(`SELECT sum(net) FROM tpp_claim_pegawai WHERE claim_id = ?`, c2.ID).Scan(&sum)
	if sum != c2.TotalNet {
		t.Fatalf("rows sum to %d, claim says %d", sum, c2.TotalNet)
	}

	f.exec(`UPDATE riwayat_jabatan SET selesai = DATE '2026-10-31' WHERE pegawai_id = ?`, rudi)
	c3 := compute()
	x3 := xmins(c3.ID)
	if _, ok := x3[rudi]; ok || len(x3) != 2 || c3.Employees != 2 {
		t.Fatalf("after rudi left: stored %v, claim employees %d", x3, c3.Employees)
	}
	if n := f.scalar(`SELECT count(*) FROM tpp_claim_line WHERE claim_id = ? AND pegawai_id = ?`, c3.ID, rudi); n != 0 {
		t.Fatalf("rudi's %d lines left behind", n)
	}
	same("one left", x2, x3)

	f.exec(`UPDATE tpp_claim_pegawai SET rincian_sha = NULL WHERE claim_id = ? AND pegawai_id = ?`, c3.ID, budi)
	x3 = xmins(c3.ID) // the update itself wrote budi's row
	compute()
	x4 := xmins(c3.ID)
	same("budi's rincian_sha lost", x3, x4, budi)

	incremental := dump(c3.ID)
	f.exec(`UPDATE tpp_claim_pegawai SET rincian_sha = NULL WHERE claim_id = ?`, c3.ID)
	x5 := xmins(c3.ID)
	compute()
	same("every rincian_sha lost", x5, xmins(c3.ID), budi, siti)
	if full := dump(c3.ID); full != incremental {
		t.Fatalf("claim kept row by row differs from one written whole:\n%s\n---\n%s", incremental, full)
	}
}
