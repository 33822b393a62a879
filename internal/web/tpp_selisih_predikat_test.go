package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// storedKinerja is the real kinerja source, made once the harness's
// database exists (the ratings as the kinerja pages store them).
type storedKinerja struct{ inner claim.KinerjaSource }

func (k *storedKinerja) MonthlySummaries(ctx context.Context, opd claim.Scope, y int, m time.Month) (map[int64]claim.KinerjaMonth, error) {
	return k.inner.MonthlySummaries(ctx, opd, y, m)
}

// TestTPPCorrectedRatingStartsItsDifference: the demo pegawai (the worked
// example) was rated Baik for November 2026 and paid Rp 4.606.000. After
// payment the rating is corrected (hasil kerja below expectations: Butuh
// perbaikan, 75%; the rating page itself refuses it for a paid month, so it
// is written to the table, as an e-Kinerja correction would land): produktivitas 75% x 3.000.000
// = 2.250.000, gross 2.250.000 + 1.900.000 = 4.150.000, PPh 5% 207.500,
// BPJS 1% 41.500, net 3.901.000, a kelebihan of Rp 705.000 that December's
// claim deducts, without anyone recomputing the paid claim (the
// differences page shows the change waiting, and the verifikator's "Hitung
// sekarang" records it at once): December (not
// rated: produktivitas 0, net Rp 1.786.000) pays Rp 1.081.000.
func TestTPPCorrectedRatingStartsItsDifference(t *testing.T) {
	t.Parallel()
	k := &storedKinerja{}
	th := newTPPHarnessWith(t, func(ids func() []int64, worked int64) (claim.KinerjaSource, claim.AttendanceSource) {
		return k, tppAttendance{db: ids, worked: worked}
	})
	k.inner, _ = claim.StoreSources(th.db, th.cfg.Location)
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = 'Bank Bengkulu', bank_rekening = '00' || id::text || '44', bank_atas_nama = nama`).Error; err != nil {
		t.Fatal(err)
	}
	var nip string
	th.db.Raw(`SELECT nip FROM pegawai WHERE id = ?`, th.pegawaiID).Scan(&nip)
	rating := th.count(`SELECT id FROM penilaian_bulanan WHERE pegawai_id = ? AND tahun = 2026 AND bulan = 11 AND predikat = 'baik'`, th.pegawaiID)
	if rating == 0 {
		t.Fatal("the demo pegawai has no Baik rating for November 2026")
	}
	admin, verif := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator)
	nov := th.computeMonth(admin, "2026-11")
	th.approveAndPay(admin, verif, nov, "00011/SP2D/2026")
	if rows := apiRows(t, verif, nov); rows[nip].Net != 4_606_000 {
		t.Fatalf("November paid %d", rows[nip].Net)
	}
	// The rating page refuses correcting a rating a paid claim used (SPEC 3:
	// only a reopened, unpaid claim lets it change), so the change comes
	// straight to the table here, as any other path would: the trigger
	// queues it whatever the path.
	if r := th.as(auth.RoleAtasan).postForm(fmt.Sprintf("/kinerja/penilaian/%d/koreksi", rating), url.Values{"hasil_kerja": {"di_bawah"},
		"perilaku_kerja": {"sesuai"}, "umpan_balik": {"Laporan November ternyata belum lengkap."}, "alasan": {"Temuan pemeriksaan sesudah dinilai"}}); r.status != http.StatusConflict {
		t.Fatalf("correct a paid month's rating on the page: %d", r.status)
	}
	if err := th.db.Exec(`UPDATE penilaian_bulanan SET hasil_kerja = 'di_bawah', predikat = 'butuh_perbaikan' WHERE id = ?`, rating).Error; err != nil {
		t.Fatal(err)
	}
	if n := th.count(`SELECT count(*) FROM tpp_perubahan WHERE sumber = 'koreksi_predikat' AND pegawai_id = ? AND period = '2026-11-01' AND processed_at IS NULL`, th.pegawaiID); n != 1 {
		t.Fatalf("%d rating corrections queued", n)
	}
	// The differences page says a change waits; the verifikator has it
	// recomputed now (the admin OPD may not).
	mustContain(t, verif.get("/tpp/selisih").body, `id="perubahan-tertunda" data-jumlah="1"`, `id="btn-hitung-perubahan"`)
	if r := admin.postForm("/tpp/selisih/hitung", nil); r.status != http.StatusForbidden {
		t.Fatalf("admin_opd recomputes the changes: %d", r.status)
	}
	if r := verif.postForm("/tpp/selisih/hitung", nil); r.status != http.StatusSeeOther {
		t.Fatalf("recompute the changes: %d %s", r.status, r.body)
	}
	if body := verif.get("/tpp/selisih").body; strings.Contains(body, `id="perubahan-tertunda"`) || !strings.Contains(body, nip) {
		t.Fatal("the change still waits, or its difference is not listed")
	}
	dec := th.computeMonth(admin, "2026-12")
	d := apiSelisih(t, verif)[nip]
	if len(d) != 1 || d[0].Amount != -705_000 || d[0].RecomputedNet != 3_901_000 {
		t.Fatalf("differences %+v", d)
	}
	mustContain(t, d[0].Cause, "Predikat dikoreksi dari baik menjadi butuh_perbaikan")
	if rows := apiRows(t, admin, dec); rows[nip].Net != 1_081_000 {
		t.Fatalf("December %d, want 1.081.000", rows[nip].Net)
	}
}
