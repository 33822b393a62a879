package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/views/pages"
)

// home shows what waits for the active role.
func (s *Server) home(c echo.Context) error {
	ctx := c.Request().Context()
	p := principal(c)
	o, err := s.org.Home(ctx, actorOf(c), p.OPDName(p.Active.OPDID), time.Now().In(s.cfg.Location))
	if err != nil {
		return err
	}
	h := pages.Home{Heading: o.Heading, Intro: o.Intro, Profile: o.Profile}
	for _, w := range o.Waiting {
		h.Waiting = append(h.Waiting, pages.Waiting{Label: w.Label, Count: w.Count, Href: w.Href, Hint: w.Hint})
	}
	for _, f := range o.Facts {
		h.Facts = append(h.Facts, pages.Fact{Label: f.Label, Value: f.Value})
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
	// An atasan's subordinates were found once, by org.Home; the parts
	// below take them from there.
	for _, add := range []func(echo.Context, *auth.Principal, []int64, *pages.Home) error{s.orgHome, s.kinerjaHome, s.attendanceHome, s.tppHome, s.pegawaiDash, s.homeCharts} {
		if err := add(c, p, o.Subordinates, &h); err != nil {
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
