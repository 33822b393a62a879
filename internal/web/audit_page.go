package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/tabular"
	"github.com/ekinerja/ekinerja/views/pages"
)

// auditFilter reads the audit page's filter from the query string.
func (s *Server) auditFilter(c echo.Context) audit.Filter {
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
	return f
}

// auditPage lists the audit log, newest first, filtered by action and actor.
func (s *Server) auditPage(c echo.Context) error {
	f := s.auditFilter(c)
	rows, err := s.audit.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.AuditLog(s.chrome(c, "Log Audit"), pages.AuditView{Filter: f, Rows: rows}))
}

// auditXLSX is the audit log with the page's filter applied, every page of
// it (at most audit.ExportLimit rows, newest first) as .xlsx: times in the
// regency's zone, NIP, IP, detail and hashes as text, the row number as a
// number.
func (s *Server) auditXLSX(c echo.Context) error {
	f := s.auditFilter(c)
	rows, more, err := s.audit.Export(c.Request().Context(), f)
	if err != nil {
		return err
	}
	notes := []string{"Log audit, saringan: " + auditFilterText(f)}
	if more {
		notes = append(notes, "Hanya "+strconv.Itoa(audit.ExportLimit)+" baris terbaru; persempit saringan untuk baris yang lebih lama.")
	}
	sh := tabular.Sheet{Name: "Log audit", Notes: notes,
		Header: []string{"#", "Waktu", "NIP pelaku", "Aksi", "Jenis objek", "ID objek", "IP", "Rincian", "Hash sebelumnya", "Hash"}}
	for _, r := range rows {
		sh.Rows = append(sh.Rows, []any{r.ID, r.At.In(s.cfg.Location).Format("2006-01-02 15:04:05"), r.ActorNIP, r.Action,
			r.ObjectType, r.ObjectID, r.IP, r.Detail, r.PrevHash, r.Hash})
	}
	return sendXLSX(c, "log-audit.xlsx", sh)
}

// auditFilterText describes the filter in words, for the download's heading.
func auditFilterText(f audit.Filter) string {
	var parts []string
	add := func(label, val string) {
		if val != "" {
			parts = append(parts, label+" "+val)
		}
	}
	add("aksi", f.Action)
	add("NIP", f.ActorNIP)
	add("objek", f.Object)
	if !f.From.IsZero() {
		add("dari", f.From.Format(time.DateOnly))
	}
	if !f.To.IsZero() {
		add("sampai", f.To.Format(time.DateOnly))
	}
	if f.BeforeID > 0 {
		add("sebelum #", strconv.FormatInt(f.BeforeID, 10))
	}
	if len(parts) == 0 {
		return "tidak ada"
	}
	return strings.Join(parts, ", ")
}
