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
func (s *Server) homeCharts(c echo.Context, p *auth.Principal, h *pages.Home) error {
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
	}
	return nil
}
