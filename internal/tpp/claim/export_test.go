package claim

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// approvedClaim computes and approves the worked example plus a second
// employee without a bank account.
func approvedClaim(t *testing.T) (*fixture, *Service, Claim) {
	f := newFixture(t)
	budi := f.budi()
	kep := f.mkJabatan(f.opd, "Kepala Dinas UJI", 14)
	ani := f.mkPegawai(f.opd, "Ani Kepala", "PNS", "IV/c", "")
	f.assign(ani, kep, "definitif", "2024-01-01", nil)
	f.exec(`UPDATE jabatan SET atasan_jabatan_id = ? WHERE id <> ? AND opd_id = ?`, kep, kep, f.opd)
	ben := f.mkJabatan(f.opd, "Bendahara Pengeluaran", 7)
	f.exec(`UPDATE jabatan SET atasan_jabatan_id = ? WHERE id = ?`, kep, ben)
	bp := f.mkPegawai(f.opd, "Bambang Bendahara", "PNS", "III/a", "0099")
	f.assign(bp, ben, "definitif", "2024-01-01", nil)
	k, a := workedSources(budi)
	k[ani] = KinerjaMonth{Predikat: "sangat_baik"}
	k[bp] = KinerjaMonth{Predikat: "baik"}
	a.recaps[ani], a.recaps[bp] = AttendanceRecap{}, AttendanceRecap{PSW: [4]int{1}}
	s := NewService(f.db, k, a)
	ctx := context.Background()
	admin, verif := f.actor(auth.RoleAdminOPD, f.opd), f.actor(auth.RoleVerifikator, 0)
	c, err := s.Compute(ctx, admin, f.opd, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ExportFor(ctx, verif, c.ID); err == nil {
		t.Fatal("draft exported")
	}
	for _, step := range []func() (Claim, error){
		func() (Claim, error) { return s.Submit(ctx, admin, c.ID, okAck) },
		func() (Claim, error) { return s.Verify(ctx, verif, c.ID, okAck) },
		func() (Claim, error) { return s.Approve(ctx, verif, c.ID, okAck) },
	} {
		if c, err = step(); err != nil {
			t.Fatal(err)
		}
	}
	return f, s, c
}

func TestExportsAddUp(t *testing.T) {
	t.Parallel()
	_, s, c := approvedClaim(t)
	ctx := context.Background()
	e, err := s.ExportFor(ctx, Actor{Role: auth.RoleVerifikator}, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if e.Kepala.Nama != "Ani Kepala" || e.Bendahara.Nama != "Bambang Bendahara" {
		t.Fatalf("signatories %+v %+v", e.Kepala, e.Bendahara)
	}
	var xb bytes.Buffer
	if err := WriteXLSX(&xb, e); err != nil {
		t.Fatal(err)
	}
	rows := readXLSX(t, xb.Bytes())
	var sum int64
	var total int64 = -1
	var sawBudi bool
	for _, r := range rows[NominatifHeaderRow:] {
		if len(r) < 15 {
			continue
		}
		v, _ := strconv.ParseInt(strings.ReplaceAll(r[14], ",", ""), 10, 64)
		if r[2] == "JUMLAH" {
			total = v
			continue
		}
		sum += v
		if r[2] == "Budi Santoso" {
			sawBudi = v == 4_606_000
		}
	}
	if !sawBudi || sum != c.TotalNet || total != c.TotalNet {
		t.Fatalf("xlsx: rows %d, total row %d, claim %d, budi ok %v", sum, total, c.TotalNet, sawBudi)
	}
	var found bool
	for _, r := range rows {
		for _, cell := range r {
			found = found || cell == "Bendahara Pengeluaran"
		}
	}
	if !found {
		t.Fatal("no signature block")
	}

	var bb bytes.Buffer
	if err := WriteBankCSV(&bb, e); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&bb).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Ani has no account: two transfers.
	if len(recs) != 4 || recs[1][0] != "0012345678" || recs[1][2] != "4606000" && recs[2][2] != "4606000" {
		t.Fatalf("bank csv = %q", recs)
	}
	var bsum int64
	for _, r := range recs[1:3] {
		v, _ := strconv.ParseInt(r[2], 10, 64)
		bsum += v
	}
	if last := recs[3]; last[0] != "TOTAL" || last[2] != strconv.FormatInt(bsum, 10) {
		t.Fatalf("totals line %q, sum %d", last, bsum)
	}
}

func readXLSX(t *testing.T, b []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Daftar Nominatif", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestBundleVerifiesOfflineAndCatchesTampering(t *testing.T) {
	t.Parallel()
	_, s, c := approvedClaim(t)
	key := SigningKey("rahasia-uji-yang-cukup-panjang-sekali", auth.DeriveKey)
	dir := filepath.Join(t.TempDir(), "bundel")
	m, err := s.WriteBundle(context.Background(), c.ID, dir, key)
	if err != nil {
		t.Fatal(err)
	}
	if m.TotalNet != c.TotalNet || len(m.Files) != 5 {
		t.Fatalf("manifest %+v", m)
	}
	pub := key.Public().(ed25519.PublicKey)
	rep, err := VerifyBundle(dir, pub)
	if err != nil {
		t.Fatal(err)
	}
	if rep.TotalNet != c.TotalNet || rep.BankLines != 2 {
		t.Fatalf("report %+v", rep)
	}
	other := SigningKey("kunci-lain-yang-juga-cukup-panjang!!", auth.DeriveKey)
	if _, err := VerifyBundle(dir, other.Public().(ed25519.PublicKey)); err == nil {
		t.Fatal("wrong key accepted")
	}
	bank := filepath.Join(dir, bundleBank)
	b, _ := os.ReadFile(bank)
	if err := os.WriteFile(bank, bytes.Replace(b, []byte("4606000"), []byte("9606000"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyBundle(dir, pub); err == nil || !strings.Contains(err.Error(), "bank.csv") {
		t.Fatalf("tampered bank file: %v", err)
	}
}
