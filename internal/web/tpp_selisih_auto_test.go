package web

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// TestTPPLateChangesStartTheirOwnDifferences: the same late changes as
// TestTPPLateChangesCarryToTheNextClaims, but nobody recomputes the paid
// claim by hand. October is paid; then the verifikator records W's hukdis
// sedang (SK after payment) on the hukdis page and the admin OPD corrects
// X's two TK days of October (duty travel) on the attendance page: each is
// queued for October in the change's own transaction (tpp_perubahan), and
// computing November turns them into differences linked to the change:
// a kelebihan of Rp 2.303.000 for W and a kekurangan of Rp 112.800 for X.
// November pays X Rp 4.700.000 + 112.800 = 4.812.800; W's November net
// (Rp 1.786.000) is smaller than the kelebihan, so she is paid Rp 0 and
// Rp 517.000 carries to December, which pays Rp 2.350.000 - 517.000 =
// Rp 1.833.000. A change to an unpaid month queues nothing.
func TestTPPLateChangesStartTheirOwnDifferences(t *testing.T) {
	t.Parallel()
	src := &lateSources{recap: map[[2]int64]claim.AttendanceRecap{}, sanction: map[[2]int64]claim.Sanction{}}
	th := newTPPHarnessWith(t, func(ids func() []int64, _ int64) (claim.KinerjaSource, claim.AttendanceSource) {
		src.ids = ids
		return src, src
	})
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = 'Bank Bengkulu', bank_rekening = '00' || id::text || '77', bank_atas_nama = nama`).Error; err != nil {
		t.Fatal(err)
	}
	w := th.pegawaiID
	x := th.count(`SELECT min(p.id) FROM pegawai p JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id JOIN jabatan j ON j.id = rj.jabatan_id
WHERE j.opd_id = ? AND p.id <> ? AND j.kelas <> 9`, th.dinkes, w)
	var wNIP, xNIP string
	if err := th.db.Raw(`UPDATE pegawai SET golongan = 'III/c', status_asn = 'PNS' WHERE id = ? RETURNING nip`, x).Scan(&xNIP).Error; err != nil {
		t.Fatal(err)
	}
	th.db.Raw(`SELECT nip FROM pegawai WHERE id = ?`, w).Scan(&wNIP)
	if err := th.db.Exec(`UPDATE jabatan SET kelas = 9 WHERE id IN (SELECT jabatan_id FROM riwayat_jabatan WHERE pegawai_id = ?)`, x).Error; err != nil {
		t.Fatal(err)
	}
	src.set(func() {
		src.recap[[2]int64{w, 10}] = claim.AttendanceRecap{TK: 1, TL: [4]int{0, 2, 0, 0}}
		src.recap[[2]int64{x, 10}] = claim.AttendanceRecap{TK: 2}
	})
	admin, verif := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator)
	oct := th.computeMonth(admin, "2026-10")
	th.approveAndPay(admin, verif, oct, "00010/SP2D/2026")
	if rows := apiRows(t, verif, oct); rows[wNIP].Net != 4_606_000 || rows[xNIP].Net != 4_587_200 {
		t.Fatalf("October paid W %d X %d", rows[wNIP].Net, rows[xNIP].Net)
	}

	// The late changes, through their own pages; the sources answer as the
	// attendance area will from now on.
	src.set(func() {
		for i, m := range []int64{10, 11, 12} {
			src.sanction[[2]int64{w, m}] = claim.Sanction{Kind: "sedang", MonthIndex: i + 1, Months: 6, DecreeNumber: "800/12/BKPSDM/2026"}
		}
		src.recap[[2]int64{x, 10}] = claim.AttendanceRecap{}
		src.recap[[2]int64{w, 11}] = claim.AttendanceRecap{TK: 20}
	})
	if r := verif.postForm("/presensi/hukdis", url.Values{"nip": {wNIP}, "nomor_sk": {"800/12/BKPSDM/2026"}, "jenis": {"sedang"},
		"mulai_bulan": {"2026-10"}, "lama_bulan": {"6"}, "keterangan": {"diputus sesudah TPP Oktober dibayar"}}); r.status != http.StatusSeeOther {
		t.Fatalf("hukdis: %d %s", r.status, r.body)
	}
	for _, day := range []string{"2026-10-05", "2026-10-06"} {
		if r := admin.postForm(fmt.Sprintf("/presensi/pegawai/%d/koreksi?bulan=2026-10", x), url.Values{"tanggal": {day}, "hadir": {"1"},
			"alasan": {"dinas luar, surat tugas 090/45"}}); r.status != http.StatusSeeOther {
			t.Fatalf("correction %s: %d %s", day, r.status, r.body)
		}
	}
	// Only October is paid: the hukdis's later months queue nothing.
	if n := th.count(`SELECT count(*) FROM tpp_perubahan WHERE processed_at IS NULL AND period = '2026-10-01'`); n != 3 {
		t.Fatalf("%d changes queued for October", n)
	}
	if n := th.count(`SELECT count(*) FROM tpp_perubahan WHERE period <> '2026-10-01'`); n != 0 {
		t.Fatalf("%d changes queued for unpaid months", n)
	}

	nov := th.computeMonth(admin, "2026-11")
	diffs := apiSelisih(t, verif)
	if len(diffs[wNIP]) != 1 || diffs[wNIP][0].Amount != -2_303_000 || len(diffs[xNIP]) != 1 || diffs[xNIP][0].Amount != 112_800 {
		t.Fatalf("differences %+v", diffs)
	}
	mustContain(t, diffs[wNIP][0].Cause, "Hukuman disiplin sedang dicatat (SK 800/12/BKPSDM/2026)", "Rp 4.606.000", "Rp 2.303.000")
	mustContain(t, diffs[xNIP][0].Cause, "Koreksi kehadiran 2026-10-06", "TK 2 menjadi 0")
	if n := th.count(`SELECT count(*) FROM tpp_selisih x JOIN tpp_perubahan ch ON ch.id = x.perubahan_id
WHERE (x.pegawai_id = ? AND ch.sumber = 'hukdis') OR (x.pegawai_id = ? AND ch.sumber = 'koreksi_kehadiran')`, w, x); n != 2 {
		t.Fatalf("%d differences linked to their change", n)
	}
	if n := th.count(`SELECT count(*) FROM tpp_perubahan WHERE processed_at IS NULL`); n != 0 {
		t.Fatalf("%d changes still queued", n)
	}
	rows := apiRows(t, admin, nov)
	if rows[xNIP].Net != 4_812_800 || rows[wNIP].Net != 0 {
		t.Fatalf("November X %d (want 4.812.800) W %d (want 0)", rows[xNIP].Net, rows[wNIP].Net)
	}
	// Recomputing November finds nothing new to record.
	th.claimStep(admin, nov, "hitung-ulang", nil)
	if n := th.count(`SELECT count(*) FROM tpp_selisih`); n != 2 {
		t.Fatalf("%d differences after recomputing", n)
	}
	th.approveAndPay(admin, verif, nov, "00011/SP2D/2026")
	mustContain(t, th.as(auth.RolePegawai).get(fmt.Sprintf("/tpp/slip/%d", nov)).body, "Kelebihan bayar TPP Oktober 2026", "sisa Rp 517.000 dipotong bulan berikutnya")
	bank, _, _ := bankLines(t, verif, nov)
	if bank[xNIP] != 4_812_800 || bank[wNIP] != 0 {
		t.Fatalf("November bank X %d W %d", bank[xNIP], bank[wNIP])
	}
	dec := th.computeMonth(admin, "2026-12")
	if rows := apiRows(t, admin, dec); rows[wNIP].Net != 1_833_000 || rows[xNIP].Net != 4_700_000 {
		t.Fatalf("December W %d (want 1.833.000) X %d", rows[wNIP].Net, rows[xNIP].Net)
	}
	if n := th.count(`SELECT count(*) FROM audit_log WHERE action = 'tpp.selisih_otomatis'`); n != 1 {
		t.Fatalf("%d automatic difference audit rows", n)
	}
}
