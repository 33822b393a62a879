package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/testdb"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// TestTPPKhususCommandLine: with the web down, finance computes the THR
// claim of an OPD from the year's decision (`ekinerja tpp thr compute`),
// and once approved exports its daftar nominatif, bank file and signed
// continuity bundle (`tpp thr export --bundle`), which `tpp verify` checks
// offline, recomputing every employee's THR from the bundled rules and inputs.
func TestTPPKhususCommandLine(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url, drop, err := testdb.Create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	db, err := database.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { database.Close(db) })
	if _, err := demo.Seed(ctx, db, auth.NewHasher(auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 2)); err != nil {
		t.Fatal(err)
	}
	var worked int64
	nip := demo.Logins()[0].NIP
	if err := db.Raw(`SELECT id FROM pegawai WHERE nip = ?`, nip).Scan(&worked).Error; err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE pegawai SET golongan = 'III/c', status_asn = 'PNS' WHERE id = ?`,
		`UPDATE jabatan SET kelas = 9 WHERE id = (SELECT jabatan_id FROM riwayat_jabatan WHERE pegawai_id = ?)`,
		`UPDATE pegawai SET bank_rekening = '00' || id::text || '55', bank_nama = 'Bank Bengkulu', bank_atas_nama = nama WHERE ? > 0`} {
		if err := db.Exec(q, worked).Error; err != nil {
			t.Fatal(err)
		}
	}
	var ids []int64
	if err := db.Raw(`SELECT id FROM pegawai`).Scan(&ids).Error; err != nil {
		t.Fatal(err)
	}
	opts := options{tppSources: func(*gorm.DB) (claim.KinerjaSource, claim.AttendanceSource) {
		return fakeKinerja{ids: ids}, fakeAttendance{ids: ids, worked: worked}
	}}
	env := map[string]string{"DATABASE_URL": url, "EKINERJA_ENV": "production", "EKINERJA_SECRET": "rahasia-produksi-uji-yang-panjang-sekali-1234"}
	cli := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := runWith(args, func(k string) string { return env[k] }, &out, &errb, opts)
		return code, out.String() + errb.String()
	}
	if code, out := cli("tpp", "thr", "compute", "--opd", "DINKES", "--year", "2026"); code == 0 || !strings.Contains(out, "Belum ada keputusan THR tahun 2026") {
		t.Fatalf("compute without a decision: %d %s", code, out)
	}
	s := claim.NewService(db, nil, nil)
	super := claim.Actor{Role: auth.RoleSuperadmin, NIP: "uji"}
	if _, err := s.SaveKhusus(ctx, super, claim.KhususInput{Jenis: "thr", Tahun: 2026, BulanDasar: tpp.Period{Year: 2026, Month: 10},
		Persen: 8000, PNS: true, CPNS: true, PPPK: true, Cuti: true, Hukdis: true, DenganPotongan: true, DasarHukum: "PP THR 2026 (uji)"}); err != nil {
		t.Fatal(err)
	}
	code, out := cli("tpp", "thr", "compute", "--opd", "DINKES", "--year", "2026")
	// 80% of the worked example's TPP kotor Rp 4.900.000 = 3.920.000; PPh 21 5% 196.000; no BPJS.
	if code != 0 || !regexp.MustCompile(nip+`.*Rp 3\.920\.000 +Rp 196\.000 +Rp 0 +Rp 3\.724\.000`).MatchString(out) || !strings.Contains(out, "Klaim TPP THR 2026") {
		t.Fatalf("thr compute: %d\n%s", code, out)
	}
	if code, out := cli("tpp", "thr", "export", "--opd", "DINKES", "--year", "2026", "--out", t.TempDir()); code == 0 || !strings.Contains(out, "disetujui") {
		t.Fatalf("draft THR exported: %d %s", code, out)
	}
	k, err := s.FindKhusus(ctx, tpp.SpecialTHR, 2026)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.FindKhususClaim(ctx, k, "DINKES", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []func() (claim.Claim, error){
		func() (claim.Claim, error) {
			return s.Submit(ctx, claim.Actor{Role: auth.RoleAdminOPD, OPDID: c.OPDID}, c.ID, claim.Ack{Confirmed: true})
		},
		func() (claim.Claim, error) { return s.Verify(ctx, cliActor, c.ID, claim.Ack{Confirmed: true}) },
		func() (claim.Claim, error) { return s.Approve(ctx, cliActor, c.ID, claim.Ack{Confirmed: true}) },
	} {
		if _, err := st(); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	if code, out := cli("tpp", "thr", "export", "--opd", "DINKES", "--year", "2026", "--out", dir, "--bundle"); code != 0 {
		t.Fatalf("thr export: %d %s", code, out)
	}
	bank, err := os.ReadFile(filepath.Join(dir, "tpp-thr-DINKES-2026-bank.csv"))
	if err != nil || !strings.Contains(string(bank), `"3724000","TPP THR 2026 DINKES `+nip+`"`) {
		t.Fatalf("THR bank file: %v\n%s", err, bank)
	}
	if code, out := cli("tpp", "verify", filepath.Join(dir, "tpp-thr-DINKES-2026")); code != 0 || !strings.Contains(out, "Bundel SAH") {
		t.Fatalf("verify THR bundle: %d %s", code, out)
	}
	// The pagu report: the THR approved, no pagu entered.
	if code, out := cli("tpp", "pagu", "--year", "2026"); code != 0 || !regexp.MustCompile(`DINKES +- +Rp 0 +Rp [0-9.]+ +-`).MatchString(out) || !strings.Contains(out, "KABUPATEN") {
		t.Fatalf("pagu: %d\n%s", code, out)
	}
	// Differences: the monthly claim of October is paid, then W's attendance is
	// corrected (no TK, no TL): the recomputation records a kekurangan.
	if code, out := cli("tpp", "compute", "--opd", "DINKES", "--month", "2026-10"); code != 0 {
		t.Fatalf("compute: %d %s", code, out)
	}
	if code, out := cli("tpp", "selisih", "--opd", "DINKES", "--month", "2026-10"); code == 0 || !strings.Contains(out, "berstatus Draf") {
		t.Fatalf("selisih of an unpaid claim: %d %s", code, out)
	}
	m, err := s.FindByKode(ctx, "DINKES", tpp.Period{Year: 2026, Month: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []func() (claim.Claim, error){
		func() (claim.Claim, error) {
			return s.Submit(ctx, claim.Actor{Role: auth.RoleAdminOPD, OPDID: m.OPDID}, m.ID, claim.Ack{Confirmed: true})
		},
		func() (claim.Claim, error) { return s.Verify(ctx, cliActor, m.ID, claim.Ack{Confirmed: true}) },
		func() (claim.Claim, error) { return s.Approve(ctx, cliActor, m.ID, claim.Ack{Confirmed: true}) },
		func() (claim.Claim, error) {
			return s.Pay(ctx, cliActor, m.ID, claim.Payment{Date: time.Now(), SP2D: "1/SP2D"}, claim.Ack{Confirmed: true})
		},
	} {
		if _, err := st(); err != nil {
			t.Fatal(err)
		}
	}
	opts.tppSources = func(*gorm.DB) (claim.KinerjaSource, claim.AttendanceSource) {
		return fakeKinerja{ids: ids}, fakeAttendance{ids: ids, worked: -1}
	}
	// 4.606.000 paid; clean: 5.000.000 - 250.000 - 50.000 = 4.700.000.
	if code, out := cli("tpp", "selisih", "--opd", "DINKES", "--month", "2026-10"); code != 0 || !strings.Contains(out, "1 selisih baru") ||
		!regexp.MustCompile(nip+`.*Kekurangan bayar +Rp 94\.000 +Rp 94\.000 +terbuka +.*Koreksi kehadiran: TK 1 menjadi 0`).MatchString(out) {
		t.Fatalf("selisih: %d\n%s", code, out)
	}
}
