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
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// Every employee is rated Baik with a clean month; worked gets 1 TK and 2 x TL2.
type fakeKinerja struct{ ids []int64 }

func (k fakeKinerja) MonthlySummaries(context.Context, claim.Scope, int, time.Month) (map[int64]claim.KinerjaMonth, error) {
	out := map[int64]claim.KinerjaMonth{}
	for _, id := range k.ids {
		out[id] = claim.KinerjaMonth{Predikat: "baik"}
	}
	return out, nil
}

type fakeAttendance struct {
	ids    []int64
	worked int64
}

func (a fakeAttendance) MonthlyRecaps(context.Context, claim.Scope, int, time.Month, claim.Bands) (map[int64]claim.AttendanceRecap, error) {
	out := map[int64]claim.AttendanceRecap{}
	for _, id := range a.ids {
		out[id] = claim.AttendanceRecap{}
	}
	out[a.worked] = claim.AttendanceRecap{TK: 1, TL: [4]int{0, 2, 0, 0}}
	return out, nil
}
func (fakeAttendance) SanctionsInForce(context.Context, claim.Scope, int, time.Month) (map[int64]claim.Sanction, error) {
	return nil, nil
}
func (fakeAttendance) LeaveInMonth(context.Context, int64, int, time.Month) (map[int64][]claim.Leave, error) {
	return nil, nil
}

func TestTPPCommandLine(t *testing.T) {
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
	nip := demo.Logins()[0].NIP // the demo pegawai
	db.Raw(`SELECT id FROM pegawai WHERE nip = ?`, nip).Scan(&worked)
	db.Exec(`UPDATE pegawai SET golongan = 'III/c', status_asn = 'PNS' WHERE id = ?`, worked)
	db.Exec(`UPDATE jabatan SET kelas = 9 WHERE id = (SELECT jabatan_id FROM riwayat_jabatan WHERE pegawai_id = ?)`, worked)
	var ids []int64
	db.Raw(`SELECT id FROM pegawai`).Scan(&ids)
	opts := options{tppSources: func(*gorm.DB) (claim.KinerjaSource, claim.AttendanceSource) {
		return fakeKinerja{ids: ids}, fakeAttendance{ids: ids, worked: worked}
	}}
	env := map[string]string{"DATABASE_URL": url, "EKINERJA_ENV": "production", "EKINERJA_SECRET": "rahasia-produksi-uji-yang-panjang-sekali-1234"}
	cli := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := runWith(args, func(k string) string { return env[k] }, &out, &errb, opts)
		return code, out.String() + errb.String()
	}

	code, out := cli("tpp", "compute", "--opd", "DINKES", "--month", "2026-10")
	if code != 0 {
		t.Fatalf("compute: %d %s", code, out)
	}
	if !regexp.MustCompile(nip + `.*Rp 4\.900\.000 +Rp 245\.000 +Rp 49\.000 +Rp 4\.606\.000`).MatchString(out) {
		t.Fatalf("worked example not in output:\n%s", out)
	}
	if code, out := cli("tpp", "export", "--opd", "DINKES", "--month", "2026-10", "--out", t.TempDir()); code == 0 {
		t.Fatalf("draft exported: %s", out)
	}

	// Approve through the workflow, then export with a bundle and verify it offline.
	s := claim.NewService(db, nil, nil)
	c, err := s.FindByKode(ctx, "DINKES", mustPeriod(t, "2026-10"))
	if err != nil {
		t.Fatal(err)
	}
	var adminOPD int64
	db.Raw(`SELECT opd_id FROM pegawai WHERE id = ?`, worked).Scan(&adminOPD)
	steps := []func() (claim.Claim, error){
		func() (claim.Claim, error) {
			return s.Submit(ctx, claim.Actor{Role: auth.RoleAdminOPD, OPDID: adminOPD}, c.ID, claim.Ack{Confirmed: true})
		},
		func() (claim.Claim, error) { return s.Verify(ctx, cliActor, c.ID, claim.Ack{Confirmed: true}) },
		func() (claim.Claim, error) { return s.Approve(ctx, cliActor, c.ID, claim.Ack{Confirmed: true}) },
	}
	for _, st := range steps {
		if _, err := st(); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	code, out = cli("tpp", "export", "--opd", "DINKES", "--month", "2026-10", "--out", dir, "--bundle")
	if code != 0 || !strings.Contains(out, "Kunci publik") {
		t.Fatalf("export: %d %s", code, out)
	}
	for _, f := range []string{"tpp-DINKES-2026-10-nominatif.xlsx", "tpp-DINKES-2026-10-bank.csv", "tpp-DINKES-2026-10/manifest.sig"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "tpp-DINKES-2026-10-nominatif.pdf")); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("printable PDF of tpp-DINKES-2026-10: %v", err)
	}
	// Whoever the monthly claim holds out (no bank account) is paid by a
	// susulan, exported from the command line on its own.
	if code, out := cli("tpp", "export", "--opd", "DINKES", "--month", "2026-10", "--out", dir, "--susulan", "1"); code == 0 || !strings.Contains(out, "susulan ke-1") {
		t.Fatalf("export of a susulan that does not exist: %d %s", code, out)
	}
	if err := db.Exec(`UPDATE pegawai SET bank_rekening = '0011223344', bank_nama = 'Bank Bengkulu' WHERE bank_rekening = ''`).Error; err != nil {
		t.Fatal(err)
	}
	run, err := s.BeginSusulan(ctx, cliActor, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	sus, err := s.RunCompute(ctx, cliActor, run)
	if err != nil || sus.Susulan != 1 || sus.Employees == 0 {
		t.Fatalf("susulan %+v: %v", sus, err)
	}
	for _, st := range []func() (claim.Claim, error){
		func() (claim.Claim, error) {
			return s.Submit(ctx, claim.Actor{Role: auth.RoleAdminOPD, OPDID: adminOPD}, sus.ID, claim.Ack{Confirmed: true})
		},
		func() (claim.Claim, error) { return s.Verify(ctx, cliActor, sus.ID, claim.Ack{Confirmed: true}) },
		func() (claim.Claim, error) { return s.Approve(ctx, cliActor, sus.ID, claim.Ack{Confirmed: true}) },
	} {
		if _, err := st(); err != nil {
			t.Fatal(err)
		}
	}
	if code, out := cli("tpp", "export", "--opd", "DINKES", "--month", "2026-10", "--out", dir, "--susulan", "1", "--bundle"); code != 0 {
		t.Fatalf("susulan export: %d %s", code, out)
	}
	for _, f := range []string{"tpp-DINKES-2026-10-susulan-1-nominatif.xlsx", "tpp-DINKES-2026-10-susulan-1-bank.csv", "tpp-DINKES-2026-10-susulan-1/manifest.sig"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "tpp-DINKES-2026-10-susulan-1-nominatif.pdf")); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("printable PDF of tpp-DINKES-2026-10-susulan-1: %v", err)
	}
	bundle := filepath.Join(dir, "tpp-DINKES-2026-10")
	// verify needs no database: point DATABASE_URL nowhere.
	env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"
	if code, out := cli("tpp", "verify", bundle); code != 0 || !strings.Contains(out, "Bundel SAH") {
		t.Fatalf("verify: %d %s", code, out)
	}
	if code, out := cli("tpp", "verify", filepath.Join(dir, "tpp-DINKES-2026-10-susulan-1")); code != 0 || !strings.Contains(out, "Bundel SAH") {
		t.Fatalf("verify susulan: %d %s", code, out)
	}
	// Verifying with the public key needs no secret at all; without either it says so.
	pub := regexp.MustCompile(`Kunci publik \(simpan untuk verifikasi\): ([0-9a-f]{64})`).FindStringSubmatch(out)
	if pub == nil {
		t.Fatalf("no public key in export output:\n%s", out)
	}
	secret := env["EKINERJA_SECRET"]
	delete(env, "EKINERJA_SECRET")
	if code, out := cli("tpp", "verify", bundle, "--pubkey", pub[1]); code != 0 || !strings.Contains(out, "Bundel SAH") {
		t.Fatalf("verify --pubkey without EKINERJA_SECRET: %d %s", code, out)
	}
	if code, out := cli("tpp", "verify", bundle); code == 0 || !strings.Contains(out, "EKINERJA_SECRET wajib") {
		t.Fatalf("verify deriving the key without EKINERJA_SECRET: %d %s", code, out)
	}
	env["EKINERJA_SECRET"] = secret
	klaim := filepath.Join(bundle, "klaim.json")
	b, _ := os.ReadFile(klaim)
	os.WriteFile(klaim, bytes.Replace(b, []byte("4606000"), []byte("4607000"), 1), 0o600)
	if code, out := cli("tpp", "verify", bundle); code == 0 || !strings.Contains(out, "TIDAK LOLOS") {
		t.Fatalf("tampered bundle: %d %s", code, out)
	}
	env["EKINERJA_SECRET"] = "rahasia-lain-yang-juga-panjang-sekali-98765"
	os.WriteFile(klaim, b, 0o600)
	if code, _ := cli("tpp", "verify", bundle); code == 0 {
		t.Fatal("verified with another key")
	}
}
