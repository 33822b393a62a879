package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
	"github.com/ekinerja/ekinerja/views/pages"
)

// tppActor is actorOf(c) (the name stays for callers).
func tppActor(c echo.Context) claim.Actor { return actorOf(c) }

// tppMonthParam reads ?bulan=2026-10 (or the form field); empty means the default month.
func (s *Server) tppMonthParam(v string) (tpp.Period, error) {
	if v == "" {
		return defaultMonth(time.Now().In(s.cfg.Location)), nil
	}
	return tpp.ParsePeriod(v)
}

func (s *Server) tppMonth(c echo.Context) error {
	p, err := s.tppMonthParam(c.QueryParam("bulan"))
	if err != nil {
		return err
	}
	mp, err := s.tpp.MonthPage(c.Request().Context(), tppActor(c), p)
	if err != nil {
		return err
	}
	v := pages.TPPMonthView{MonthPage: mp, Month: p.Param()}
	v.Prev, v.Next = p.Prev().Param(), p.Next().Param()
	return s.render(c, http.StatusOK, pages.TPPMonth(s.chrome(c, "Klaim TPP"), v))
}

func (s *Server) tppCompute(c echo.Context) error {
	p, err := s.tppMonthParam(c.FormValue("bulan"))
	if err != nil {
		return err
	}
	if c.FormValue("bulan") == "" {
		return apperr.Invalid("bulan", "bulan wajib diisi")
	}
	opd, err := strconv.ParseInt(c.FormValue("opd_id"), 10, 64)
	if err != nil || opd <= 0 {
		return apperr.Invalid("opd_id", "OPD wajib dipilih")
	}
	return s.startCompute(c, opd, p)
}

func (s *Server) tppRecompute(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return s.runCompute(c, func(ctx context.Context, a claim.Actor) (claim.Run, error) { return s.tpp.BeginRecompute(ctx, a, id) })
}

// tppSusulan makes the supplementary claim (klaim susulan) for the employees
// the month's claims hold out, and computes it.
func (s *Server) tppSusulan(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return s.runCompute(c, func(ctx context.Context, a claim.Actor) (claim.Run, error) { return s.tpp.BeginSusulan(ctx, a, id) })
}

// startCompute marks the claim's computation running and runs it in the
// background, so a large OPD does not hold the request: when it is done
// within computeWait the claim page shows the result, otherwise it shows
// "sedang dihitung" (from the mark in the database, so on every app server)
// until it is. A computation already running answers 409.
func (s *Server) startCompute(c echo.Context, opdID int64, p tpp.Period) error {
	return s.runCompute(c, func(ctx context.Context, a claim.Actor) (claim.Run, error) {
		return s.tpp.BeginCompute(ctx, a, opdID, p)
	})
}

// runCompute starts a computation with begin and runs it as startCompute says.
func (s *Server) runCompute(c echo.Context, begin func(ctx context.Context, a claim.Actor) (claim.Run, error)) error {
	a := tppActor(c)
	ctx := c.Request().Context()
	run, err := begin(ctx, a)
	if err != nil {
		return err
	}
	log := logger(c)
	done := make(chan error, 1)
	s.background.Add(1)
	go func() {
		defer s.background.Done()
		// The computation outlives the request, not the time limit.
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claim.ComputeTimeout)
		defer cancel()
		_, err := s.tpp.RunCompute(bctx, a, run)
		if err != nil && !errors.Is(err, apperr.ErrConflict) {
			log.Error("tpp compute", slog.Int64("claim", run.ClaimID), slog.String("error", err.Error()))
		}
		done <- err
	}()
	path := fmt.Sprintf("/tpp/klaim/%d", run.ClaimID)
	t := time.NewTimer(s.computeWait)
	defer t.Stop()
	select {
	case err := <-done:
		// Stored but not read back (the database restarted just after):
		// computed all the same; the claim page reads it again.
		if err != nil && !errors.Is(err, claim.ErrStoredNotRead) {
			return err
		}
		return redirectWith(c, path, "tpp-dihitung")
	case <-t.C:
		return redirectWith(c, path, "tpp-sedang-dihitung")
	}
}

// claimView builds the claim page for the viewer: the claim and the actions
// the viewer may take now, as claim.Allowed decides them.
func (s *Server) claimView(c echo.Context, id int64) (pages.TPPClaimView, error) {
	pg, err := s.tpp.Page(c.Request().Context(), tppActor(c), id)
	if err != nil {
		return pages.TPPClaimView{}, err
	}
	return pages.TPPClaimView{
		Page: pg, Month: pg.Claim.Period().Param(), Warnings: pg.Claim.Warnings(),
		Errors: map[string]string{},
		Form:   map[string]string{"tanggal": time.Now().In(s.cfg.Location).Format(time.DateOnly)},
	}, nil
}

func (s *Server) tppClaim(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.claimView(c, id)
	if err != nil {
		return err
	}
	if isHTMX(c) && v.Run.Running {
		// The "sedang dihitung" notice polls this page with htmx: nothing
		// to swap until the computation is done, then the page's content
		// is replaced in place by the result.
		return c.NoContent(http.StatusNoContent)
	}
	return s.render(c, http.StatusOK, pages.TPPClaim(s.chrome(c, "Klaim TPP"), v))
}

// tppStep runs one workflow step; a refused form is shown again with its
// messages (422), anything else goes to the one error handler.
func (s *Server) tppStep(c echo.Context, flashKey string, do func(id int64) error) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := do(id); err != nil {
		var ve *apperr.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		v, verr := s.claimView(c, id)
		if verr != nil {
			return verr
		}
		v.Errors = ve.Fields
		for _, k := range []string{"catatan", "alasan", "tanggal", "sp2d"} {
			if x := c.FormValue(k); x != "" || k != "tanggal" {
				v.Form[k] = x
			}
		}
		return s.render(c, http.StatusUnprocessableEntity, pages.TPPClaim(s.chrome(c, "Klaim TPP"), v))
	}
	return redirectWith(c, fmt.Sprintf("/tpp/klaim/%d", id), flashKey)
}

// ackOf reads the acknowledgement a confirmation page posts: the checkbox
// and the fingerprint of the claim as the page showed it. Without both the
// step is not acknowledged.
func ackOf(c echo.Context) claim.Ack {
	tok := c.FormValue("konfirmasi")
	return claim.Ack{Confirmed: c.FormValue("setuju") == "ya" && tok != "", Token: tok, Pagu: c.FormValue(claim.PaguAckField) == "ya"}
}

// moneySteps are the confirmation pages of the money steps, by route action.
var moneySteps = map[claim.Action]string{
	claim.ActSubmit: "tpp-diajukan", claim.ActVerify: "tpp-diverifikasi", claim.ActApprove: "tpp-disetujui", claim.ActPay: "tpp-dibayar",
}

// tppConfirm shows the confirmation page of money step x: the claim's
// totals and every open warning, to acknowledge before the step is taken.
func (s *Server) tppConfirm(x claim.Action) echo.HandlerFunc {
	if !x.MoneyStep() {
		panic("tppConfirm: " + string(x) + " is not a money step")
	}
	return func(c echo.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		v, err := s.claimView(c, id)
		if err != nil {
			return err
		}
		if err := v.Check(x); err != nil {
			return err
		}
		return s.render(c, http.StatusOK, pages.TPPConfirm(s.chrome(c, "Konfirmasi klaim TPP"), pages.TPPConfirmView{TPPClaimView: v, Action: x}))
	}
}

// tppMoneyStep takes money step x with do; a refused form (no
// acknowledgement, a bad field) shows the confirmation page again with its
// messages (422) and changes nothing.
func (s *Server) tppMoneyStep(c echo.Context, x claim.Action, do func(id int64, ack claim.Ack) error) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := do(id, ackOf(c)); err != nil {
		var ve *apperr.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		v, verr := s.claimView(c, id)
		if verr != nil {
			return verr
		}
		v.Errors = ve.Fields
		for _, k := range []string{"tanggal", "sp2d"} {
			if x := c.FormValue(k); x != "" || k != "tanggal" {
				v.Form[k] = x
			}
		}
		return s.render(c, http.StatusUnprocessableEntity, pages.TPPConfirm(s.chrome(c, "Konfirmasi klaim TPP"), pages.TPPConfirmView{TPPClaimView: v, Action: x}))
	}
	return redirectWith(c, fmt.Sprintf("/tpp/klaim/%d", id), moneySteps[x])
}

func (s *Server) tppSubmit(c echo.Context) error {
	return s.tppMoneyStep(c, claim.ActSubmit, func(id int64, ack claim.Ack) error {
		_, err := s.tpp.Submit(c.Request().Context(), tppActor(c), id, ack)
		return err
	})
}

func (s *Server) tppVerify(c echo.Context) error {
	return s.tppMoneyStep(c, claim.ActVerify, func(id int64, ack claim.Ack) error {
		_, err := s.tpp.Verify(c.Request().Context(), tppActor(c), id, ack)
		return err
	})
}

func (s *Server) tppReturn(c echo.Context) error {
	return s.tppStep(c, "tpp-dikembalikan", func(id int64) error {
		_, err := s.tpp.Return(c.Request().Context(), tppActor(c), id, c.FormValue("catatan"))
		return err
	})
}

func (s *Server) tppApprove(c echo.Context) error {
	return s.tppMoneyStep(c, claim.ActApprove, func(id int64, ack claim.Ack) error {
		_, err := s.tpp.Approve(c.Request().Context(), tppActor(c), id, ack)
		return err
	})
}

func (s *Server) tppReopen(c echo.Context) error {
	return s.tppStep(c, "tpp-dibuka", func(id int64) error {
		_, err := s.tpp.Reopen(c.Request().Context(), tppActor(c), id, c.FormValue("alasan"))
		return err
	})
}

func (s *Server) tppPay(c echo.Context) error {
	return s.tppMoneyStep(c, claim.ActPay, func(id int64, ack claim.Ack) error {
		p := claim.Payment{SP2D: c.FormValue("sp2d")}
		if v := c.FormValue("tanggal"); v != "" {
			d, err := time.ParseInLocation(time.DateOnly, v, s.cfg.Location)
			if err != nil {
				return apperr.Invalid("tanggal", "tanggal pembayaran tidak valid")
			}
			p.Date = d
		}
		_, err := s.tpp.Pay(c.Request().Context(), tppActor(c), id, p, ack)
		return err
	})
}

func (s *Server) tppClaimSlip(c echo.Context) error {
	sl, err := s.claimSlip(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.TPPSlip(s.chrome(c, "Rincian TPP"), pages.TPPSlipView{Slip: sl, BackHref: fmt.Sprintf("/tpp/klaim/%d", sl.Claim.ID),
		PDFHref: fmt.Sprintf("/tpp/klaim/%d/pegawai/%d/slip.pdf", sl.Claim.ID, sl.Row.PegawaiID)}))
}

// claimSlip is employee :pegawai's slip in claim :id for the claim page's
// readers (admin OPD of this OPD, verifikator, superadmin) only.
func (s *Server) claimSlip(c echo.Context) (claim.Slip, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return claim.Slip{}, err
	}
	peg, err := pathID(c, "pegawai")
	if err != nil {
		return claim.Slip{}, err
	}
	a := tppActor(c)
	if _, err := s.tpp.Get(c.Request().Context(), a, id); err != nil {
		return claim.Slip{}, err
	}
	return s.tpp.Slip(c.Request().Context(), a, id, peg)
}

func (s *Server) tppClaimSlipPDF(c echo.Context) error {
	sl, err := s.claimSlip(c)
	if err != nil {
		return err
	}
	return s.slipPDF(c, sl)
}

// ownSlip is the signed-in person's own slip in claim id, whatever their role.
func (s *Server) ownSlip(c echo.Context) (claim.Slip, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return claim.Slip{}, err
	}
	p := principal(c)
	// Acting as themselves: the role's wider scope is not used here.
	a := actorOf(c)
	a.Role, a.OPDID = auth.RolePegawai, 0
	return s.tpp.Slip(c.Request().Context(), a, id, p.PegawaiID)
}

func (s *Server) tppOwnSlip(c echo.Context) error {
	sl, err := s.ownSlip(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.TPPSlip(s.chrome(c, "Rincian TPP"), pages.TPPSlipView{Slip: sl, BackHref: "/tpp/slip",
		PDFHref: fmt.Sprintf("/tpp/slip/%d/slip.pdf", sl.Claim.ID)}))
}

func (s *Server) tppOwnSlipPDF(c echo.Context) error {
	sl, err := s.ownSlip(c)
	if err != nil {
		return err
	}
	return s.slipPDF(c, sl)
}

func (s *Server) tppHistory(c echo.Context) error {
	items, err := s.tpp.History(c.Request().Context(), principal(c).PegawaiID)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.TPPHistory(s.chrome(c, "TPP Saya"), pages.TPPHistoryView{Items: items}))
}

// apiClaim is the JSON of a claim for other government systems.
type apiClaim struct {
	Claim    claim.Claim `json:"klaim"`
	Warnings []string    `json:"peringatan"`
	Rows     []claim.Row `json:"pegawai"`
}

func (s *Server) apiTPPClaim(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cl, err := s.tpp.Get(ctx, tppActor(c), id)
	if err != nil {
		return err
	}
	rows, err := s.tpp.Rows(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, apiClaim{Claim: cl, Warnings: cl.Warnings(), Rows: rows})
}

func (s *Server) apiTPPSlip(c echo.Context) error {
	sl, err := s.ownSlip(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sl)
}
