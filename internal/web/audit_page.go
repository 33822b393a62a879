package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/views/pages"
)

// auditPage lists the audit log, newest first, filtered by action and actor.
func (s *Server) auditPage(c echo.Context) error {
	f := audit.Filter{Action: c.QueryParam("aksi"), ActorNIP: c.QueryParam("nip"), Object: c.QueryParam("objek"), Limit: 100}
	if d, err := time.ParseInLocation(time.DateOnly, c.QueryParam("dari"), s.cfg.Location); err == nil {
		f.From = d
	}
	if d, err := time.ParseInLocation(time.DateOnly, c.QueryParam("sampai"), s.cfg.Location); err == nil {
		f.To = d
	}
	if b, err := strconv.ParseInt(c.QueryParam("sebelum"), 10, 64); err == nil && b > 0 {
		f.BeforeID = b
	}
	rows, err := s.audit.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.AuditLog(s.chrome(c, "Log Audit"), pages.AuditView{Filter: f, Rows: rows}))
}
