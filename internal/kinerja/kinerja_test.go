package kinerja

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

var jakarta, _ = time.LoadLocation("Asia/Jakarta")

// fixture is a seeded demo regency with the demo pegawai and their atasan.
type fixture struct {
	t       *testing.T
	db      *gorm.DB
	s       *Store
	pegawai Actor
	atasan  Actor
	other   Actor // an atasan in another agency (BKPSDM)
	rhk     int64 // one of the pegawai's RHK this year
}

func holder(t *testing.T, db *gorm.DB, kode string) int64 {
	t.Helper()
	var id int64
	if err := db.Raw(`SELECT rj.pegawai_id FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id WHERE j.kode = ?`, kode).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("holder %s: %v", kode, err)
	}
	return id
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := testdb.New(t)
	if _, err := demo.Seed(context.Background(), db, auth.NewHasher(auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 1)); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: db, s: NewStore(db, jakarta)}
	f.pegawai = Actor{UserID: 1, PegawaiID: holder(t, db, "DINKES-09"), Role: auth.RolePegawai, NIP: "x"}
	f.atasan = Actor{UserID: 2, PegawaiID: holder(t, db, "DINKES-07"), Role: auth.RoleAtasan, NIP: "y"}
	f.other = Actor{UserID: 3, PegawaiID: holder(t, db, "BKPSDM-07"), Role: auth.RoleAtasan, NIP: "z"}
	if err := db.Raw(`SELECT min(r.id) FROM rhk r JOIN skp k ON k.id = r.skp_id WHERE k.pegawai_id = ?`, f.pegawai.PegawaiID).Scan(&f.rhk).Error; err != nil {
		t.Fatal(err)
	}
	return f
}

// at returns the store with its clock fixed at t.
func (f *fixture) at(t time.Time) *Store { return f.s.WithClock(func() time.Time { return t }) }

func (f *fixture) input(day time.Time, menit int) AktivitasInput {
	return AktivitasInput{Tanggal: day.Format(time.DateOnly), RHKID: strconv.FormatInt(f.rhk, 10), Uraian: "Memverifikasi SPJ",
		OutputJumlah: "3", OutputSatuan: "dokumen", Menit: strconv.Itoa(menit)}
}

func fieldErr(t *testing.T, err error, field, want string) {
	t.Helper()
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want validation error on %s, got %v", field, err)
	}
	if !strings.Contains(ve.Fields[field], want) {
		t.Fatalf("field %s = %q, want it to contain %q", field, ve.Fields[field], want)
	}
}

func TestPredikatMatrix(t *testing.T) {
	t.Parallel()
	// SPEC section 3, all nine cells.
	cases := []struct {
		hasil, perilaku Ekspektasi
		want            Predikat
	}{
		{DiAtas, DiAtas, SangatBaik}, {DiAtas, Sesuai, Baik}, {DiAtas, DiBawah, Kurang},
		{Sesuai, DiAtas, Baik}, {Sesuai, Sesuai, Baik}, {Sesuai, DiBawah, Kurang},
		{DiBawah, DiAtas, ButuhPerbaikan}, {DiBawah, Sesuai, ButuhPerbaikan}, {DiBawah, DiBawah, SangatKurang},
	}
	for _, c := range cases {
		got, err := PredikatFor(c.hasil, c.perilaku)
		if err != nil || got != c.want {
			t.Errorf("PredikatFor(%s, %s) = %s, %v; want %s", c.hasil, c.perilaku, got, err, c.want)
		}
	}
	if _, err := PredikatFor("luar_biasa", Sesuai); err == nil {
		t.Error("unknown hasil kerja accepted")
	}
	if _, err := PredikatFor(Sesuai, ""); err == nil {
		t.Error("missing perilaku kerja accepted")
	}
}

func TestClosesAt(t *testing.T) {
	t.Parallel()
	c := ClosesAt(2026, time.January, 5, jakarta)
	if want := time.Date(2026, 2, 6, 0, 0, 0, 0, jakarta); !c.Equal(want) {
		t.Fatalf("closes at %v, want %v", c, want)
	}
	if c := ClosesAt(2026, time.December, 5, jakarta); !c.Equal(time.Date(2027, 1, 6, 0, 0, 0, 0, jakarta)) {
		t.Fatalf("December closes at %v", c)
	}
}

func TestAktivitasRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	year := time.Now().Year()
	jan10 := time.Date(year, 1, 10, 0, 0, 0, 0, time.UTC)
	clock := time.Date(year, 1, 20, 9, 0, 0, 0, jakarta)
	s := f.at(clock)

	t.Run("not in the future", func(t *testing.T) {
		_, err := s.CreateAktivitas(ctx, f.pegawai, SaveAktivitas{Input: f.input(time.Date(year, 1, 21, 0, 0, 0, 0, time.UTC), 60)})
		fieldErr(t, err, "tanggal", "tidak boleh di masa depan")
		// Today itself is fine.
		if _, err := s.CreateAktivitas(ctx, f.pegawai, SaveAktivitas{Input: f.input(time.Date(year, 1, 20, 0, 0, 0, 0, time.UTC), 60)}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("at most 24 hours a day", func(t *testing.T) {
		if _, err := s.CreateAktivitas(ctx, f.pegawai, SaveAktivitas{Input: f.input(jan10, 1000)}); err != nil {
			t.Fatal(err)
		}
		_, err := s.CreateAktivitas(ctx, f.pegawai, SaveAktivitas{Input: f.input(jan10, 441)})
		fieldErr(t, err, "menit", "melebihi batas 1.440 menit")
		id, err := s.CreateAktivitas(ctx, f.pegawai, SaveAktivitas{Input: f.input(jan10, 440)}) // exactly 24 h
		if err != nil {
			t.Fatal(err)
		}
		// An edit counts the other rows of the day, not itself.
		if err := s.UpdateAktivitas(ctx, f.pegawai, id, SaveAktivitas{Input: f.input(jan10, 441)}); err == nil {
			t.Fatal("edit past 24 h accepted")
		}
		if err := s.UpdateAktivitas(ctx, f.pegawai, id, SaveAktivitas{Input: f.input(jan10, 400)}); err != nil {
			t.Fatal(err)
		}
		_, err = s.CreateAktivitas(ctx, f.pegawai, SaveAktivitas{Input: f.input(jan10, 1441)})
		fieldErr(t, err, "menit", "paling lama 1.440 menit")
	})

	t.Run("24 hours holds under concurrent inserts", func(t *testing.T) {
		day := time.Date(year, 1, 12, 0, 0, 0, 0, time.UTC)
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.CreateAktivitas(ctx, f.pegawai, SaveAktivitas{Input: f.input(day, 500)})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		ok := 0
		for err := range errs {
			if err == nil {
				ok++
			}
		}
		var total int64
		f.db.Raw(`SELECT sum(menit) FROM aktivitas WHERE pegawai_id = ? AND tanggal = ?`, f.pegawai.PegawaiID, day).Scan(&total)
		if ok != 2 || total != 1000 {
			t.Fatalf("%d inserts passed, total %d minutes; want 2 and 1000", ok, total)
		}
	})

	t.Run("not in a closed month", func(t *testing.T) {
		open := f.at(time.Date(year, 2, 5, 23, 59, 0, 0, jakarta))
		if _, err := open.CreateAktivitas(ctx, f.pegawai, SaveAktivitas{Input: f.input(time.Date(year, 1, 15, 0, 0, 0, 0, time.UTC), 30)}); err != nil {
			t.Fatalf("on the closing day January is still open: %v", err)
		}
		closed := f.at(time.Date(year, 2, 6, 0, 0, 0, 0, jakarta))
		_, err := closed.CreateAktivitas(ctx, f.pegawai, SaveAktivitas{Input: f.input(time.Date(year, 1, 15, 0, 0, 0, 0, time.UTC), 30)})
		fieldErr(t, err, "tanggal", "sudah ditutup")
		// The closing day is a setting.
		if err := closed.SetClosingDay(ctx, Actor{Role: auth.RoleSuperadmin}, 10); err != nil {
			t.Fatal(err)
		}
		if _, err := closed.CreateAktivitas(ctx, f.pegawai, SaveAktivitas{Input: f.input(time.Date(year, 1, 15, 0, 0, 0, 0, time.UTC), 30)}); err != nil {
			t.Fatalf("closing day 10: January should be open on 6 February: %v", err)
		}
		if err := closed.SetClosingDay(ctx, Actor{Role: auth.RoleSuperadmin}, 5); err != nil {
			t.Fatal(err)
		}
		// A verifikator reopens one employee's month, with a reason.
		ver := Actor{UserID: 1, Role: auth.RoleVerifikator}
		var nip string
		f.db.Raw(`SELECT nip FROM pegawai WHERE id = ?`, f.pegawai.PegawaiID).Scan(&nip)
		fieldErr(t, closed.ReopenMonth(ctx, ver, nip, time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), ""), "alasan", "wajib")
		if err := closed.ReopenMonth(ctx, f.atasan, nip, time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), "Server gangguan"); !errors.Is(err, apperr.ErrForbidden) {
			t.Fatalf("atasan reopened a month: %v", err)
		}
		if err := closed.ReopenMonth(ctx, ver, nip, time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), "Aplikasi gangguan 3-5 Februari"); err != nil {
			t.Fatal(err)
		}
		if _, err := closed.CreateAktivitas(ctx, f.pegawai, SaveAktivitas{Input: f.input(time.Date(year, 1, 15, 0, 0, 0, 0, time.UTC), 30)}); err != nil {
			t.Fatalf("reopened month refused: %v", err)
		}
		if n := count(t, f.db, `SELECT count(*) FROM audit_log WHERE action = 'kinerja.bulan_buka'`); n != 1 {
			t.Fatalf("reopen audit rows = %d", n)
		}
		// Only that employee's month.
		colleague := Actor{PegawaiID: holder(t, f.db, "DINKES-08"), Role: auth.RolePegawai}
		if err := closed.monthOpen(ctx, f.db, colleague.PegawaiID, time.Date(year, 1, 15, 0, 0, 0, 0, time.UTC)); err == nil {
			t.Fatal("reopening leaked to a colleague")
		}
		// And only for a while.
		later := f.at(time.Date(year, 2, 6, 0, 0, 0, 0, jakarta).Add(ReopenFor + time.Minute))
		if _, err := later.CreateAktivitas(ctx, f.pegawai, SaveAktivitas{Input: f.input(time.Date(year, 1, 16, 0, 0, 0, 0, time.UTC), 30)}); err == nil {
			t.Fatal("expired reopening still open")
		}
	})

	t.Run("RHK must be the employee's own", func(t *testing.T) {
		var atasanRHK int64
		f.db.Raw(`SELECT min(r.id) FROM rhk r JOIN skp k ON k.id = r.skp_id WHERE k.pegawai_id = ?`, f.atasan.PegawaiID).Scan(&atasanRHK)
		in := f.input(jan10, 10)
		in.RHKID = strconv.FormatInt(atasanRHK, 10)
		if _, err := s.CreateAktivitas(ctx, f.pegawai, SaveAktivitas{Input: in}); !errors.Is(err, apperr.ErrForbidden) {
			t.Fatalf("another's RHK: %v", err)
		}
	})

	t.Run("evidence is sniffed", func(t *testing.T) {
		png := append([]byte{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, make([]byte, 64)...)
		if _, err := s.CreateAktivitas(ctx, f.pegawai, SaveAktivitas{Input: f.input(jan10, 1), Bukti: &Bukti{Nama: "foto.png", Isi: png}}); err != nil {
			t.Fatal(err)
		}
		for name, b := range map[string][]byte{
			"html named pdf": []byte("<html><script>alert(1)</script></html>"),
			"php shell":      []byte("<?php system($_GET['c']); ?>"),
			"too big":        append([]byte("%PDF-1.4\n"), make([]byte, MaxBukti)...),
			"empty":          nil,
			"gif":            []byte("GIF89a......"),
		} {
			_, err := s.CreateAktivitas(ctx, f.pegawai, SaveAktivitas{Input: f.input(jan10, 1), Bukti: &Bukti{Nama: "bukti.pdf", Isi: b}})
			var ve *apperr.ValidationError
			if !errors.As(err, &ve) || ve.Fields["bukti"] == "" {
				t.Errorf("%s accepted: %v", name, err)
			}
		}
	})
}

func count(t *testing.T, db *gorm.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.Raw(q, args...).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCheckBuktiAcceptsOnlyPDFJPEGPNG(t *testing.T) {
	t.Parallel()
	// The signature check repeats what http.DetectContentType already
	// requires for these three types (belt and braces); this table pins
	// what is accepted either way.
	for _, b := range [][]byte{[]byte("%PDF-1.7 ok"), {0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'}} {
		if _, err := CheckBukti(Bukti{Isi: b}); err != nil {
			t.Fatalf("%q refused: %v", b, err)
		}
	}
	for _, b := range [][]byte{[]byte("\x00\x00\x00 ftypmp42"), []byte(" %PDF-1.7"), []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"), []byte("PK\x03\x04")} {
		if ct, err := CheckBukti(Bukti{Isi: b}); err == nil {
			t.Fatalf("%q accepted as %s", b, ct)
		}
	}
}

func TestWorkflowAndRaces(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	s := f.s
	today := s.Today()
	mk := func(menit int) Aktivitas {
		t.Helper()
		id, err := s.CreateAktivitas(ctx, f.pegawai, SaveAktivitas{Input: f.input(today, menit), Ajukan: true})
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.GetAktivitas(ctx, f.pegawai, id)
		if err != nil || a.Status != Submitted {
			t.Fatalf("created %+v %v", a, err)
		}
		return a
	}

	t.Run("return needs a note, returned is editable, approved is frozen", func(t *testing.T) {
		a := mk(30)
		_, err := s.Review(ctx, f.atasan, []ReviewItem{{a.ID, a.Versi}}, false, " ")
		fieldErr(t, err, "catatan", "wajib")
		if _, err := s.Review(ctx, f.atasan, []ReviewItem{{a.ID, a.Versi}}, false, "Lengkapi output"); err != nil {
			t.Fatal(err)
		}
		got, _ := s.GetAktivitas(ctx, f.pegawai, a.ID)
		if got.Status != Returned || got.Catatan != "Lengkapi output" {
			t.Fatalf("after return: %s %q", got.Status, got.Catatan)
		}
		if err := s.UpdateAktivitas(ctx, f.pegawai, a.ID, SaveAktivitas{Input: f.input(today, 45), Ajukan: true}); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetAktivitas(ctx, f.pegawai, a.ID)
		if got.Status != Submitted || got.Menit != 45 {
			t.Fatalf("after fix: %+v", got)
		}
		// The old version cannot be approved any more.
		if _, err := s.Review(ctx, f.atasan, []ReviewItem{{a.ID, a.Versi}}, true, ""); !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("stale version approved: %v", err)
		}
		if _, err := s.Review(ctx, f.atasan, []ReviewItem{{got.ID, got.Versi}}, true, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateAktivitas(ctx, f.pegawai, a.ID, SaveAktivitas{Input: f.input(today, 50)}); !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("approved aktivitas edited: %v", err)
		}
		if err := s.DeleteAktivitas(ctx, f.pegawai, a.ID); !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("approved aktivitas deleted: %v", err)
		}
	})

	t.Run("only the direct atasan reviews", func(t *testing.T) {
		a := mk(5)
		if _, err := s.Review(ctx, f.other, []ReviewItem{{a.ID, a.Versi}}, true, ""); !errors.Is(err, apperr.ErrForbidden) {
			t.Fatalf("other atasan: %v", err)
		}
		if _, err := s.GetAktivitas(ctx, f.other, a.ID); !errors.Is(err, apperr.ErrForbidden) {
			t.Fatalf("other atasan read: %v", err)
		}
		asPegawai := f.atasan
		asPegawai.Role = auth.RolePegawai
		if _, err := s.Review(ctx, asPegawai, []ReviewItem{{a.ID, a.Versi}}, true, ""); !errors.Is(err, apperr.ErrForbidden) {
			t.Fatalf("atasan acting as pegawai reviewed: %v", err)
		}
	})

	t.Run("two approvals at once", func(t *testing.T) {
		for range 5 {
			a := mk(5)
			var wg sync.WaitGroup
			results := make(chan error, 2)
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := s.Review(ctx, f.atasan, []ReviewItem{{a.ID, a.Versi}}, i == 0, "Dikembalikan bersamaan")
					results <- err
				}()
			}
			wg.Wait()
			close(results)
			var ok, conflict int
			for err := range results {
				switch {
				case err == nil:
					ok++
				case errors.Is(err, apperr.ErrConflict):
					conflict++
				default:
					t.Fatal(err)
				}
			}
			if ok != 1 || conflict != 1 {
				t.Fatalf("ok %d conflict %d", ok, conflict)
			}
			if n := count(t, f.db, `SELECT count(*) FROM audit_log WHERE object_type = 'aktivitas' AND action IN ('kinerja.aktivitas_setujui','kinerja.aktivitas_kembalikan') AND detail LIKE ?`, "%["+strconv.FormatInt(a.ID, 10)+"]%"); n != 1 {
				t.Fatalf("review audit rows = %d", n)
			}
		}
	})

	t.Run("edit racing an approval", func(t *testing.T) {
		for range 5 {
			a := mk(5)
			var wg sync.WaitGroup
			var editErr, approveErr error
			wg.Add(2)
			go func() {
				defer wg.Done()
				editErr = s.UpdateAktivitas(ctx, f.pegawai, a.ID, SaveAktivitas{Input: f.input(today, 7)})
			}()
			go func() {
				defer wg.Done()
				_, approveErr = s.Review(ctx, f.atasan, []ReviewItem{{a.ID, a.Versi}}, true, "")
			}()
			wg.Wait()
			got, _ := s.GetAktivitas(ctx, f.pegawai, a.ID)
			switch {
			case editErr == nil && approveErr == nil:
				t.Fatal("both the edit and the approval of the old version succeeded")
			case approveErr == nil: // approved first: the approved version is the one the atasan saw
				if got.Status != Approved || got.Menit != 5 || !errors.Is(editErr, apperr.ErrConflict) {
					t.Fatalf("approve won: %+v, edit err %v", got, editErr)
				}
			case editErr == nil: // edited first: still waiting, with the new content
				if got.Status != Submitted || got.Menit != 7 || !errors.Is(approveErr, apperr.ErrConflict) {
					t.Fatalf("edit won: %+v, approve err %v", got, approveErr)
				}
			default:
				t.Fatalf("both failed: %v / %v", editErr, approveErr)
			}
		}
	})

	t.Run("bulk approve skips what changed", func(t *testing.T) {
		a, b, c := mk(5), mk(5), mk(5)
		if _, err := s.Review(ctx, f.atasan, []ReviewItem{{c.ID, c.Versi}}, true, ""); err != nil {
			t.Fatal(err)
		}
		res, err := s.Review(ctx, f.atasan, []ReviewItem{{a.ID, a.Versi}, {b.ID, b.Versi}, {c.ID, c.Versi}}, true, "")
		if err != nil || res.Done != 2 || res.Skipped != 1 {
			t.Fatalf("bulk: %+v %v", res, err)
		}
	})
}

func TestQueueHomeAndSummaries(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	q, err := f.s.ReviewQueue(ctx, f.atasan)
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 1 || q[0].PegawaiID != f.pegawai.PegawaiID || q[0].Jumlah != 1 {
		t.Fatalf("queue: %+v", q)
	}
	if q2, _ := f.s.ReviewQueue(ctx, f.other); len(q2) != 0 {
		t.Fatalf("other atasan sees %+v", q2)
	}
	pend, err := f.s.PendingBySubordinate(ctx, f.atasan)
	if err != nil || len(pend) != 4 {
		t.Fatalf("pending: %+v %v", pend, err)
	}
	var opd int64
	f.db.Raw(`SELECT opd_id FROM pegawai WHERE id = ?`, f.pegawai.PegawaiID).Scan(&opd)
	last := time.Date(time.Now().Year(), time.Now().Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	sum, err := f.s.MonthlySummaries(ctx, opd, last.Year(), last.Month())
	if err != nil {
		t.Fatal(err)
	}
	if len(sum) != 21 || sum[f.pegawai.PegawaiID].Predikat != "baik" || sum[f.atasan.PegawaiID].Predikat != "" {
		t.Fatalf("summaries: %d rows, pegawai %+v", len(sum), sum[f.pegawai.PegawaiID])
	}
	var approved int64
	f.db.Raw(`SELECT coalesce(sum(menit),0) FROM aktivitas WHERE pegawai_id = ? AND status = 'approved' AND tanggal >= ? AND tanggal < ?`,
		f.pegawai.PegawaiID, last, last.AddDate(0, 1, 0)).Scan(&approved)
	if sum[f.pegawai.PegawaiID].ApprovedMinutes != approved {
		t.Fatalf("approved minutes %d, want %d", sum[f.pegawai.PegawaiID].ApprovedMinutes, approved)
	}
}

func TestMonthlyRating(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	month := time.Date(time.Now().Year(), time.Now().Month(), 1, 0, 0, 0, 0, time.UTC)
	rhk, _ := f.s.RHKChoices(ctx, f.pegawai, month.Year())
	real := map[int64]string{}
	for _, r := range rhk {
		real[r.ID] = "selesai"
	}
	_, err := f.s.SubmitPenilaian(ctx, f.pegawai, SubmitMonth{Month: month, Ringkasan: "Ringkas", Realisasi: map[int64]string{}})
	fieldErr(t, err, "realisasi_"+strconv.FormatInt(rhk[0].ID, 10), "wajib")
	id, err := f.s.SubmitPenilaian(ctx, f.pegawai, SubmitMonth{Month: month, Ringkasan: "Ringkas", Realisasi: real})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.RatePenilaian(ctx, f.other, id, Rating{HasilKerja: DiAtas, PerilakuKerja: DiAtas}); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("other atasan rated: %v", err)
	}
	p, err := f.s.RatePenilaian(ctx, f.atasan, id, Rating{HasilKerja: DiBawah, PerilakuKerja: Sesuai, UmpanBalik: "Tingkatkan"})
	if err != nil || p != ButuhPerbaikan {
		t.Fatalf("rate: %s %v", p, err)
	}
	if _, err := f.s.RatePenilaian(ctx, f.atasan, id, Rating{HasilKerja: DiAtas, PerilakuKerja: DiAtas}); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("rated twice: %v", err)
	}
	if _, err := f.s.SubmitPenilaian(ctx, f.pegawai, SubmitMonth{Month: month, Ringkasan: "Lagi", Realisasi: real}); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("resubmitted a rated month: %v", err)
	}
	got, err := f.s.GetPenilaian(ctx, f.pegawai, id)
	if err != nil || got.Predikat != ButuhPerbaikan || len(got.Realisasi) != len(rhk) {
		t.Fatalf("get: %+v %v", got, err)
	}
	next := month.AddDate(0, 1, 0)
	_, err = f.s.SubmitPenilaian(ctx, f.pegawai, SubmitMonth{Month: next, Ringkasan: "x", Realisasi: real})
	fieldErr(t, err, "bulan", "belum dimulai")
}

func TestSKPWorkflow(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	year := time.Now().Year() + 1
	id, err := f.s.CreateSKP(ctx, f.pegawai, year)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.SubmitSKP(ctx, f.pegawai, id); err == nil {
		t.Fatal("empty SKP submitted")
	}
	ind := IndikatorInput{Aspek: "kuantitas", Uraian: "Jumlah laporan", Target: "12", Satuan: "laporan"}
	var atasanRHK int64
	f.db.Raw(`SELECT min(r.id) FROM rhk r JOIN skp k ON k.id = r.skp_id WHERE k.pegawai_id = ?`, f.atasan.PegawaiID).Scan(&atasanRHK)
	// The atasan's RHK is of this year, not next year: refused as a cascade parent.
	_, err = f.s.AddRHK(ctx, f.pegawai, id, RHKInput{Uraian: "Laporan", RHKAtasanID: strconv.FormatInt(atasanRHK, 10), Indikator: ind})
	fieldErr(t, err, "rhk_atasan_id", "tahun yang sama")
	rhk, err := f.s.AddRHK(ctx, f.pegawai, id, RHKInput{Uraian: "Laporan", Indikator: ind})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.AddIndikator(ctx, f.pegawai, id, rhk, IndikatorInput{Aspek: "waktu", Uraian: "Tepat waktu", Target: "12", Satuan: "bulan"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.AddRHK(ctx, f.atasan, id, RHKInput{Uraian: "Sisipan", Indikator: ind}); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("someone else added an RHK: %v", err)
	}
	if err := f.s.SubmitSKP(ctx, f.pegawai, id); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.AddRHK(ctx, f.pegawai, id, RHKInput{Uraian: "Telat", Indikator: ind}); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("submitted SKP changed: %v", err)
	}
	if err := f.s.DecideSKP(ctx, f.other, id, true, ""); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("other atasan agreed: %v", err)
	}
	if err := f.s.DecideSKP(ctx, f.atasan, id, false, "Tambah indikator kualitas"); err != nil {
		t.Fatal(err)
	}
	if err := f.s.SubmitSKP(ctx, f.pegawai, id); err != nil {
		t.Fatal(err)
	}
	if err := f.s.DecideSKP(ctx, f.atasan, id, true, ""); err != nil {
		t.Fatal(err)
	}
	k, err := f.s.GetSKP(ctx, f.pegawai, id)
	if err != nil || k.Status != SKPAgreed || len(k.RHK) != 1 || len(k.RHK[0].Indikator) != 2 || k.PenilaiID == nil || *k.PenilaiID != f.atasan.PegawaiID {
		t.Fatalf("skp: %+v %v", k, err)
	}
}

func FuzzAktivitasInput(f *testing.F) {
	f.Add("2026-03-04", "1", "Menyusun laporan", "1", "laporan", "120", "https://drive.example.go.id/x")
	f.Add("2026-13-40", "-1", "", "0", "", "99999", "javascript:alert(1)")
	f.Add("2026-03-04", "9223372036854775808", "\x00", "1e3", "x", "1440", "http://")
	today := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, tanggal, rhk, uraian, jumlah, satuan, menit, link string) {
		v, err := AktivitasInput{tanggal, rhk, uraian, jumlah, satuan, menit, link}.Parse(today)
		if err != nil {
			var ve *apperr.ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) == 0 {
				t.Fatalf("non-validation error %v", err)
			}
			return
		}
		if v.tanggal.After(today) || v.menit < 1 || v.menit > MaxMenitHarian || v.rhkID <= 0 || v.uraian == "" || v.outputJumlah < 1 {
			t.Fatalf("accepted %+v", v)
		}
		if v.buktiLink != "" && !strings.HasPrefix(v.buktiLink, "http") {
			t.Fatalf("accepted link %q", v.buktiLink)
		}
	})
}

func FuzzCheckBukti(f *testing.F) {
	f.Add([]byte("%PDF-1.4"), "a.pdf")
	f.Add([]byte{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, "../../etc/passwd")
	f.Add([]byte("<svg onload=alert(1)>"), "x.svg")
	f.Add([]byte("%PDF-1.7 << /J#53 (x) >>"), "x.pdf")
	f.Add([]byte("\x89PNG\r\n\x1a\n<ScRiPt>"), "x.png")
	f.Fuzz(func(t *testing.T, b []byte, name string) {
		ct, err := CheckBukti(Bukti{Nama: name, Isi: b})
		if err != nil {
			return
		}
		if _, ok := magic[ct]; !ok {
			t.Fatalf("accepted %s", ct)
		}
		if hasMarkup(b) || (ct == "application/pdf" && hasActiveName(b)) {
			t.Fatalf("accepted active content %q", b)
		}
		n := safeFileName(name, ct)
		if strings.ContainsAny(n, "/\\\"\r\n;") || n == "" {
			t.Fatalf("unsafe file name %q", n)
		}
	})
}

func FuzzReviewItem(f *testing.F) {
	f.Add("12:3")
	f.Add("-1:0")
	f.Add("1:99999999999")
	f.Fuzz(func(t *testing.T, s string) {
		it, err := ParseReviewItem(s)
		if err == nil && (it.ID <= 0 || it.Versi <= 0) {
			t.Fatalf("accepted %q as %+v", s, it)
		}
	})
}
