package web

import (
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/views/pages"
)

// homeCharts adds the role's dashboard charts to its landing page, each
// answered by one domain method.
func (s *Server) homeCharts(c echo.Context, p *auth.Principal, subs []int64, h *pages.Home) error {
	ctx := c.Request().Context()
	now := time.Now().In(s.cfg.Location)
	switch p.Active.Role {
	case auth.RolePegawai:
		if p.PegawaiID == 0 {
			return nil
		}
		pts, err := s.tpp.TPPTrend(ctx, p.PegawaiID, tpp.PeriodOf(now))
		if err != nil {
			return err
		}
		h.Charts = append(h.Charts, pages.TrendChart(pts))
	case auth.RoleVerifikator, auth.RoleSuperadmin:
		month := defaultMonth(now)
		st, err := s.tpp.Pipeline(ctx, tppActor(c), month)
		if err != nil {
			return err
		}
		h.Charts = append(h.Charts, pages.PipelineChart(month, st))
		h.Pipeline = st
		pr, err := s.tpp.Pagu(ctx, tppActor(c), now.Year())
		if err != nil {
			return err
		}
		h.Charts = append(h.Charts, pages.PaguChart(pr))
		pk, err := s.kinerja().PredikatByOPD(ctx, actor(c), month.Year, time.Month(month.Month))
		if err != nil {
			return err
		}
		h.Charts = append(h.Charts, pages.PredikatChart(month, pk))
		dis, err := s.attendance().DisciplineByOPD(ctx, actor(c), month.Year, time.Month(month.Month))
		if err != nil {
			return err
		}
		h.Charts = append(h.Charts, pages.DisciplineChart(month, dis))
	case auth.RoleAtasan:
		today := s.kinerja().Today()
		team, err := s.kinerja().TeamMonthOf(ctx, subs, today)
		if err != nil {
			return err
		}
		if len(team) > 0 {
			p := tpp.PeriodOf(today)
			h.Charts = append(h.Charts, pages.TeamMinutesChart(p, team), pages.TeamPredikatChart(p, team))
		}
	}
	return nil
}
