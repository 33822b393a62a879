package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/views/pages"
)

// home shows what waits for the active role.
func (s *Server) home(c echo.Context) error {
	ctx := c.Request().Context()
	p := principal(c)
	today := time.Now().In(s.cfg.Location)
	h := pages.Home{}
	profile, err := s.org.Profile(ctx, p.PegawaiID, today)
	if err != nil {
		return err
	}
	switch p.Active.Role {
	case auth.RolePegawai:
		h.Heading = "Beranda Pegawai"
		h.Intro = "Catat aktivitas harian Anda dan pantau TPP Anda."
		h.Profile = &profile
	case auth.RoleAtasan:
		h.Heading = "Beranda Atasan"
		h.Intro = "Tinjau aktivitas dan nilai kinerja bawahan langsung Anda."
		h.Profile = &profile
		subs, err := s.org.SubordinateIDs(ctx, p.PegawaiID, today)
		if err != nil {
			return err
		}
		h.Facts = append(h.Facts, pages.Fact{Label: "Bawahan langsung", Value: strconv.Itoa(len(subs)) + " orang"})
	case auth.RoleAdminOPD:
		h.Heading = "Beranda Admin OPD"
		h.Intro = "Kelola data pegawai dan presensi, lalu ajukan klaim TPP bulanan OPD."
		counts, err := s.org.CountOPD(ctx, p.Active.OPDID)
		if err != nil {
			return err
		}
		h.Waiting = append(h.Waiting, pages.Waiting{Label: "Pegawai tanpa nomor rekening bank", Count: counts.TanpaRekening,
			Hint: "TPP tidak dapat ditransfer sebelum rekening diisi."})
		h.Facts = append(h.Facts,
			pages.Fact{Label: "OPD", Value: p.OPDName(p.Active.OPDID)},
			pages.Fact{Label: "Pegawai aktif", Value: strconv.FormatInt(counts.Pegawai, 10)},
			pages.Fact{Label: "Jabatan", Value: strconv.FormatInt(counts.Jabatan, 10)})
	case auth.RoleVerifikator, auth.RoleSuperadmin:
		if p.Active.Role == auth.RoleVerifikator {
			h.Heading = "Beranda Verifikator"
			h.Intro = "Verifikasi klaim TPP OPD, hitung dan kunci TPP, ekspor daftar nominatif dan berkas bank."
		} else {
			h.Heading = "Beranda Super Admin"
			h.Intro = "Kelola OPD, kelas jabatan, aturan TPP, pengguna, dan pantau log audit."
		}
		counts, err := s.org.CountRegency(ctx)
		if err != nil {
			return err
		}
		h.Facts = append(h.Facts,
			pages.Fact{Label: "OPD aktif", Value: strconv.FormatInt(counts.OPD, 10)},
			pages.Fact{Label: "Pegawai aktif", Value: strconv.FormatInt(counts.Pegawai, 10)},
			pages.Fact{Label: "Pengguna aktif", Value: strconv.FormatInt(counts.Users, 10)})
	}
	// The employee sees when their bank account was changed by someone
	// else (the admin_opd form): a changed account redirects their TPP.
	if h.Profile != nil {
		w, err := s.bankChangeNotice(c, p.PegawaiID)
		if err != nil {
			return err
		}
		if w != nil {
			h.Waiting = append(h.Waiting, *w)
		}
	}
	// Each area adds what waits for this role.
	for _, add := range []func(echo.Context, *auth.Principal, *pages.Home) error{s.orgHome, s.kinerjaHome, s.attendanceHome, s.tppHome, s.pegawaiDash, s.homeCharts} {
		if err := add(c, p, &h); err != nil {
			return err
		}
	}
	return s.render(c, http.StatusOK, pages.HomePage(s.chrome(c, h.Heading), h))
}

// bankChangeNotice tells the employee about changes of their bank account
// in the last 30 days, from the audit rows they wrote: a proposal (waiting
// for a second person), its confirmation or refusal, and older direct edits.
func (s *Server) bankChangeNotice(c echo.Context, pegawaiID int64) (*pages.Waiting, error) {
	rows, err := s.audit.BankChanges(c.Request().Context(), pegawaiID)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	last := rows[0]
	what := map[string]string{
		"org.rekening_usul":       "Terakhir diusulkan (menunggu konfirmasi orang kedua) ",
		"org.rekening_konfirmasi": "Terakhir dikonfirmasi (rekening baru berlaku) ",
		"org.rekening_tolak":      "Usulan terakhir ditolak (rekening lama tetap berlaku) ",
	}[last.Action]
	if what == "" {
		what = "Terakhir diubah "
	}
	return &pages.Waiting{Label: "Perubahan rekening bank Anda (30 hari terakhir)", Count: int64(len(rows)),
		Hint: what + last.At.In(s.cfg.Location).Format("02-01-2006 15:04") + " oleh NIP " + last.ActorNIP +
			". Jika Anda tidak memintanya, segera hubungi BKPSDM: TPP dibayar ke rekening yang dikonfirmasi."}, nil
}
