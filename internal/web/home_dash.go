package web

import (
	"errors"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
	"github.com/ekinerja/ekinerja/views/pages"
)

// pegawaiDash adds the employee's own month to their landing page: minutes
// against the target, the attendance calendar and the TPP estimate (each
// answered by its domain).
func (s *Server) pegawaiDash(c echo.Context, p *auth.Principal, subs []int64, h *pages.Home) error {
	if p.Active.Role != auth.RolePegawai || p.PegawaiID == 0 {
		return nil
	}
	ctx := c.Request().Context()
	k := s.kinerja()
	today := k.Today()
	month := tpp.PeriodOf(today)
	d := pages.PegawaiDash{Month: month}
	if h.Dash != nil && h.Dash.Month == month {
		d = *h.Dash // kinerjaHome read this month's minutes already
	} else {
		var err error
		if d.Minutes, err = k.MonthMinutes(ctx, actor(c), today); err != nil {
			return err
		}
	}
	bands, err := s.attendanceBands(ctx, month)
	switch {
	case errors.Is(err, claim.ErrNoRuleSet):
		d.NoAttendance = "Belum ada aturan TPP yang berlaku bulan ini, jadi kehadiran belum dinilai."
	case err != nil:
		return err
	default:
		if d.Days, d.Recap, err = s.attendance().EmployeeCalendar(ctx, p.PegawaiID, month.Year, time.Month(month.Month), bands); err != nil {
			return err
		}
	}
	if d.Estimate, err = s.tpp.Estimate(ctx, p.PegawaiID, month); err != nil {
		return err
	}
	h.Dash = &d
	return nil
}
