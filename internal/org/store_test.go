package org_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

var fastArgon2 = auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

func seeded(t testing.TB) (*gorm.DB, *org.Store) {
	t.Helper()
	db := testdb.New(t)
	if _, err := demo.Seed(context.Background(), db, auth.NewHasher(fastArgon2, 2)); err != nil {
		t.Fatal(err)
	}
	return db, org.NewStore(db)
}

func idOf(t testing.TB, db *gorm.DB, q string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := db.Raw(q, args...).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("%s %v: id=%d err=%v", q, args, id, err)
	}
	return id
}

var actor = org.Actor{UserID: 1, NIP: "test", IP: "127.0.0.1"}

func TestTransferMidMonthKeepsBothAssignments(t *testing.T) {
	t.Parallel()
	db, s := seeded(t)
	ctx := context.Background()
	peg := idOf(t, db, `SELECT rj.pegawai_id FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id WHERE j.kode = 'DINKES-09'`)
	newJab := idOf(t, db, `SELECT id FROM jabatan WHERE kode = 'DINKES-14'`)
	if err := s.Assign(ctx, org.All, actor, peg, org.Assignment{JabatanID: newJab, Jenis: "definitif", Mulai: "2026-03-16", NomorSK: "800/12/2026"}); err != nil {
		t.Fatal(err)
	}
	rs, err := s.Riwayat(ctx, peg)
	if err != nil || len(rs) != 2 {
		t.Fatalf("riwayat = %+v, %v", rs, err)
	}
	if rs[0].JabatanKode != "DINKES-14" || rs[0].Selesai != nil || rs[0].Mulai.Format(time.DateOnly) != "2026-03-16" {
		t.Fatalf("new assignment = %+v", rs[0])
	}
	if rs[1].Selesai == nil || rs[1].Selesai.Format(time.DateOnly) != "2026-03-15" {
		t.Fatalf("old assignment not closed the day before: %+v", rs[1])
	}
	// March is split: the 10th shows the old post, the 20th the new one.
	for day, want := range map[string]string{"2026-03-10": "DINKES-09", "2026-03-20": "DINKES-14"} {
		d, _ := time.Parse(time.DateOnly, day)
		p, err := s.Profile(ctx, peg, d)
		if err != nil {
			t.Fatal(err)
		}
		j, _ := s.GetJabatan(ctx, org.All, p.JabatanID)
		if j.Kode != want {
			t.Errorf("%s: jabatan %s, want %s", day, j.Kode, want)
		}
	}
	if n := idOf(t, db, `SELECT count(*) FROM audit_log WHERE action = 'org.mutasi'`); n != 1 {
		t.Fatalf("audit rows = %d", n)
	}
	// A start date not after the current one is refused with a field message.
	err = s.Assign(ctx, org.All, actor, peg, org.Assignment{JabatanID: idOf(t, db, `SELECT id FROM jabatan WHERE kode = 'DINKES-15'`), Jenis: "definitif", Mulai: "2026-03-01"})
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) || ve.Fields["mulai"] == "" {
		t.Fatalf("err = %v", err)
	}
}

func TestSupervisorSkipsVacantPost(t *testing.T) {
	t.Parallel()
	db, s := seeded(t)
	ctx := context.Background()
	day := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	// DINKES-09 (fungsional) is supervised by DINKES-07 (Kepala Bidang), whose
	// supervisor is DINKES-01 (Kepala Dinas).
	staff := idOf(t, db, `SELECT rj.pegawai_id FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id WHERE j.kode = 'DINKES-09'`)
	kabid := idOf(t, db, `SELECT rj.pegawai_id FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id WHERE j.kode = 'DINKES-07'`)
	kadis := idOf(t, db, `SELECT rj.pegawai_id FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id WHERE j.kode = 'DINKES-01'`)
	p, _ := s.Profile(ctx, staff, day)
	if p.AtasanPegawaiID != kabid {
		t.Fatalf("atasan = %d, want kabid %d", p.AtasanPegawaiID, kabid)
	}
	// The Kepala Bidang retires: the post is vacant from 1 March.
	db.Exec(`UPDATE riwayat_jabatan SET selesai = '2026-02-28' WHERE pegawai_id = ?`, kabid)
	p, _ = s.Profile(ctx, staff, day)
	if p.AtasanPegawaiID != kadis {
		t.Fatalf("vacant post: atasan = %d, want kadis %d", p.AtasanPegawaiID, kadis)
	}
	subs, err := s.SubordinateIDs(ctx, kadis, day)
	if err != nil {
		t.Fatal(err)
	}
	if !contains(subs, staff) {
		t.Fatalf("kadis subordinates %v lack %d", subs, staff)
	}
	// A Plt is named for the post: the Plt supervises again.
	plt := idOf(t, db, `SELECT rj.pegawai_id FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id WHERE j.kode = 'DINKES-12'`)
	kabidJab := idOf(t, db, `SELECT id FROM jabatan WHERE kode = 'DINKES-07'`)
	if err := s.Assign(ctx, org.All, actor, plt, org.Assignment{JabatanID: kabidJab, Jenis: "plt", Mulai: "2026-03-01", Selesai: "2026-06-30"}); err != nil {
		t.Fatal(err)
	}
	p, _ = s.Profile(ctx, staff, day)
	if p.AtasanPegawaiID != plt {
		t.Fatalf("with Plt: atasan = %d, want %d", p.AtasanPegawaiID, plt)
	}
	subs, _ = s.SubordinateIDs(ctx, plt, day)
	if !contains(subs, staff) {
		t.Fatalf("Plt subordinates %v lack %d", subs, staff)
	}
	subs, _ = s.SubordinateIDs(ctx, kadis, day)
	if contains(subs, staff) {
		t.Fatalf("kadis still supervises %d while a Plt holds the post", staff)
	}
}

func contains(xs []int64, x int64) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func TestScopeHidesOtherOPD(t *testing.T) {
	t.Parallel()
	db, s := seeded(t)
	ctx := context.Background()
	dinkes := idOf(t, db, `SELECT id FROM opd WHERE kode = 'DINKES'`)
	bkpsdmPeg := idOf(t, db, `SELECT p.id FROM pegawai p JOIN opd o ON o.id = p.opd_id WHERE o.kode = 'BKPSDM' LIMIT 1`)
	if _, err := s.GetPegawai(ctx, org.ScopeOPD(dinkes), bkpsdmPeg); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("cross-OPD read err = %v", err)
	}
	if _, err := s.UpdatePegawai(ctx, org.ScopeOPD(dinkes), actor, bkpsdmPeg, org.PegawaiInput{}); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("cross-OPD update err = %v", err)
	}
	page, err := s.ListPegawai(ctx, org.ScopeOPD(dinkes), org.PegawaiFilter{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range page.Rows {
		if r.OPDID != dinkes {
			t.Fatalf("list leaks %+v", r)
		}
	}
	if page.Total != 21 {
		t.Fatalf("DINKES total = %d", page.Total)
	}
}

func TestPegawaiValidationMessages(t *testing.T) {
	t.Parallel()
	_, ve := org.PegawaiInput{NIP: "123", Nama: " ", StatusASN: "PNS", Golongan: "V/a", OPDID: 1, BankRekening: "12ab", NPWP: "12"}.Validate()
	for _, f := range []string{"nip", "nama", "golongan", "bank_rekening", "npwp"} {
		if ve.Fields[f] == "" {
			t.Errorf("no message for %s: %v", f, ve.Fields)
		}
	}
	p, ve := org.PegawaiInput{NIP: "198503152010011001", Nama: "Dr. Siti Aminah, S.E., M.Si.", StatusASN: "pppk", Golongan: "ix", OPDID: 1,
		BankNama: "Bank Bengkulu", BankRekening: "0011 2233 44", BankAtasNama: "Siti Aminah", NPWP: "12.345.678.9-012.345"}.Validate()
	if ve.OrNil() != nil {
		t.Fatalf("valid input refused: %v", ve)
	}
	if p.Golongan != "IX" || p.StatusASN != org.PPPK || p.BankRekening != "0011223344" || p.NPWP != "123456789012345" || p.Nama != "Dr. Siti Aminah, S.E., M.Si." {
		t.Fatalf("normalised = %+v", p)
	}
}
