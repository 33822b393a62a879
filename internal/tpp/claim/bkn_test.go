package claim

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/attendance"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// TestBKNPredikatDrivesProduktivitas is issue 12's "an e-Kinerja predikat
// import drives a claim's produktivitas": with the rule set on the local
// source the atasan's rating pays; switched to ekinerja_bkn the imported
// predikat pays (to the rupiah), the slip names the source, an employee
// without an imported predikat gets the BKN warning and 0%; a re-import
// after the computation blocks approval, and after approval the imported
// predikat is frozen (the importer reports it, the database refuses it).
func TestBKNPredikatDrivesProduktivitas(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	budi := f.budi()
	jab := f.mkJabatan(f.opd, "Pengadministrasi", 9)
	citra := f.mkPegawai(f.opd, "Citra Lestari", "PNS", "III/c", "0044")
	f.assign(citra, jab, "definitif", "2024-01-01", nil)
	for _, p := range []int64{budi, citra} { // both rated Baik by their atasan
		f.exec(`INSERT INTO penilaian_bulanan (pegawai_id, tahun, bulan, status, hasil_kerja, perilaku_kerja, predikat, rated_at)
VALUES (?, 2026, 11, 'rated', 'sesuai', 'sesuai', 'baik', now())`, p)
	}
	var budiNIP string
	f.db.Raw(`SELECT nip FROM pegawai WHERE id = ?`, budi).Scan(&budiNIP)

	dec := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	kin := kinerja.NewStore(f.db, time.UTC).WithClock(func() time.Time { return dec })
	ks, as := SourcesOf(kin, attendance.NewStore(f.db, time.UTC))
	s := NewService(f.db, ks, as)
	admin, verif := f.actor(auth.RoleAdminOPD, f.opd), f.actor(auth.RoleVerifikator, 0)

	importBKN := func(pred string) kinerja.BKNImport {
		t.Helper()
		csv := fmt.Sprintf("NIP;NAMA;PERIODE;PREDIKAT\n%s;Budi Santoso;2026-11;%s\n199912312020121001;Orang Lain;2026-11;Baik\n", budiNIP, pred)
		imp, err := kin.ImportBKN(ctx, admin, 0, nov2026, "predikat.csv", strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		if !imp.Applied() {
			t.Fatalf("import refused: %+v", imp.Report)
		}
		return imp
	}
	imp := importBKN("Butuh Perbaikan")
	missing := map[string]bool{}
	for _, m := range imp.Report.Missing {
		missing[m.Nama] = true
	}
	if len(imp.Report.Applied) != 1 || len(imp.Report.Unknown) != 1 || !missing["Citra Lestari"] || missing["Budi Santoso"] {
		t.Fatalf("report: applied %d unknown %d missing %v", len(imp.Report.Applied), len(imp.Report.Unknown), missing)
	}

	slipOf := func(c Claim, p int64) Slip {
		t.Helper()
		sl, err := s.Slip(ctx, verif, c.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		return sl
	}
	prodLine := func(sl Slip) tpp.Line {
		for _, l := range sl.Lines {
			if l.Code == tpp.CodeProduktivitas {
				return l
			}
		}
		t.Fatal("no produktivitas line")
		return tpp.Line{}
	}

	// The local source (the rule set as seeded): the atasan's Baik pays.
	c, err := s.Compute(ctx, admin, f.opd, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := s.RuleSetFor(ctx, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	sl := slipOf(c, budi)
	prodOf := func(pk tpp.Predikat) int64 { // what the rules pay budi's month for pk
		in := sl.Input
		in.Predikat, in.PredikatSumber = pk, ""
		r, err := tpp.Calculate(rs.Rules, in)
		if err != nil {
			t.Fatal(err)
		}
		l, _ := r.LineByCode(tpp.CodeProduktivitas)
		return l.Amount
	}
	if prodOf(tpp.PredikatBaik) == prodOf(tpp.PredikatButuhPerbaikan) {
		t.Fatal("the rules pay baik and butuh_perbaikan alike: the test could not tell the sources apart")
	}
	if l := prodLine(sl); l.Amount != prodOf(tpp.PredikatBaik) || !strings.Contains(l.Reason, "(penilaian atasan)") {
		t.Fatalf("local source: %d %q, want %d from the atasan's Baik", l.Amount, l.Reason, prodOf(tpp.PredikatBaik))
	}

	// Switched to e-Kinerja BKN by a new rule-set version, as the superadmin would.
	super := f.actor(auth.RoleSuperadmin, 0)
	draft, err := s.NewRuleSetVersion(ctx, super, rs.ID)
	if err != nil {
		t.Fatal(err)
	}
	bkn := draft.Rules
	bkn.Produktivitas.Sumber = tpp.SumberEKinerjaBKN
	if _, err := s.SaveRuleSet(ctx, super, draft.ID, bkn); err != nil {
		t.Fatal(err)
	}
	c, err = s.Compute(ctx, admin, f.opd, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	sl = slipOf(c, budi)
	if l := prodLine(sl); l.Amount != prodOf(tpp.PredikatButuhPerbaikan) || !strings.Contains(l.Reason, "(e-Kinerja BKN)") ||
		sl.Input.PredikatSumber != tpp.SumberEKinerjaBKN {
		t.Fatalf("BKN source: %d %q (source %q), want %d from the imported Butuh Perbaikan", l.Amount, l.Reason, sl.Input.PredikatSumber, prodOf(tpp.PredikatButuhPerbaikan))
	}
	sc := slipOf(c, citra)
	if l := prodLine(sc); l.Amount != 0 || !strings.Contains(sc.Row.Warnings, WarnNoPredikatBKN) {
		t.Fatalf("citra without an imported predikat: %d, warnings %q", l.Amount, sc.Row.Warnings)
	}

	// A re-import that changes budi after the computation: approval refuses.
	if _, err := s.Submit(ctx, admin, c.ID, okAck); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(ctx, verif, c.ID, okAck); err != nil {
		t.Fatal(err)
	}
	importBKN("Baik")
	if _, err := s.Approve(ctx, verif, c.ID, okAck); !errors.Is(err, apperr.ErrConflict) || !strings.Contains(err.Error(), "e-Kinerja BKN") {
		t.Fatalf("approve after a re-import: %v, want a conflict naming e-Kinerja BKN", err)
	}
	importBKN("Butuh Perbaikan") // back to what the claim was computed with
	if _, err := s.Approve(ctx, verif, c.ID, okAck); err != nil {
		t.Fatal(err)
	}

	// Approved: the imported predikat is frozen.
	imp = importBKN("Sangat Baik")
	if len(imp.Report.Frozen) != 1 || len(imp.Report.Applied) != 0 || !strings.Contains(imp.Report.Frozen[0].Keterangan, fmt.Sprint(c.ID)) {
		t.Fatalf("import after approval: frozen %+v applied %+v", imp.Report.Frozen, imp.Report.Applied)
	}
	if got := f.scalar(`SELECT count(*) FROM predikat_bkn WHERE pegawai_id = ? AND predikat = 'butuh_perbaikan'`, budi); got != 1 {
		t.Fatalf("frozen predikat changed (%d rows still butuh_perbaikan)", got)
	}
	if err := f.db.Exec(`UPDATE predikat_bkn SET predikat = 'sangat_baik' WHERE pegawai_id = ?`, budi).Error; err == nil {
		t.Fatal("the database let a frozen imported predikat change")
	}
	// Each applied change wrote one audit row (2 re-imports + the first).
	if n := f.scalar(`SELECT count(*) FROM audit_log WHERE action = 'kinerja.predikat_bkn' AND object_id = ?`, fmt.Sprint(budi)); n != 3 {
		t.Fatalf("audit rows for budi's predikat: %d, want 3", n)
	}
}
