package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
	"github.com/ekinerja/ekinerja/views/pages"
)

// khususChecks are the yes/no fields of a THR / gaji-13 decision.
var khususChecks = []string{"pns", "cpns", "pppk", "cuti", "hukdis", "dengan_potongan"}

func (s *Server) khususListView(c echo.Context) (pages.TPPKhususListView, error) {
	a := tppActor(c)
	items, err := s.tpp.ListKhusus(c.Request().Context(), a)
	if err != nil {
		return pages.TPPKhususListView{}, err
	}
	year := strconv.Itoa(time.Now().In(s.cfg.Location).Year())
	return pages.TPPKhususListView{Items: items, CanEdit: a.Role == auth.RoleSuperadmin, ThisYear: year,
		Form:    map[string]string{"jenis": "thr", "tahun": year, "persen": "100"},
		Checked: map[string]bool{"pns": true, "cpns": true, "pppk": true, "cuti": true, "hukdis": true},
		Errors:  map[string]string{}}, nil
}

func (s *Server) tppKhususList(c echo.Context) error {
	v, err := s.khususListView(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.TPPKhususList(s.chrome(c, "TPP THR dan gaji ketiga belas"), v))
}

// khususInput reads a decision form; a field that is not a number becomes
// a field error.
func khususInput(c echo.Context) (claim.KhususInput, *apperr.ValidationError) {
	ve := &apperr.ValidationError{}
	in := claim.KhususInput{Jenis: c.FormValue("jenis"), DasarHukum: c.FormValue("dasar_hukum"),
		PNS: c.FormValue("pns") == "ya", CPNS: c.FormValue("cpns") == "ya", PPPK: c.FormValue("pppk") == "ya",
		Cuti: c.FormValue("cuti") == "ya", Hukdis: c.FormValue("hukdis") == "ya", DenganPotongan: c.FormValue("dengan_potongan") == "ya"}
	y, err := strconv.Atoi(strings.TrimSpace(c.FormValue("tahun")))
	if err != nil {
		ve.Add("tahun", "tahun harus angka, misalnya 2026")
	}
	in.Tahun = y
	if p, err := tpp.ParsePeriod(strings.TrimSpace(c.FormValue("bulan_dasar"))); err == nil {
		in.BulanDasar = p
	} else {
		ve.Add("bulan_dasar", tpp.PeriodMessage)
	}
	pct, err := tpp.ParsePercent(c.FormValue("persen"))
	if err != nil {
		ve.Add("persen", "persentase harus angka, misalnya 100 atau 50")
	}
	in.Persen = pct
	return in, ve
}

func (s *Server) tppKhususSave(c echo.Context) error {
	in, ve := khususInput(c)
	err := ve.OrNil()
	if err == nil {
		_, err = s.tpp.SaveKhusus(c.Request().Context(), tppActor(c), in)
	}
	if err != nil {
		var fe *apperr.ValidationError
		if !errors.As(err, &fe) {
			return err
		}
		v, verr := s.khususListView(c)
		if verr != nil {
			return verr
		}
		v.Errors = fe.Fields
		for _, k := range []string{"jenis", "tahun", "bulan_dasar", "persen", "dasar_hukum"} {
			v.Form[k] = c.FormValue(k)
		}
		for _, k := range khususChecks {
			v.Checked[k] = c.FormValue(k) == "ya"
		}
		return s.render(c, http.StatusUnprocessableEntity, pages.TPPKhususList(s.chrome(c, "TPP THR dan gaji ketiga belas"), v))
	}
	return redirectWith(c, "/tpp/khusus", "tpp-khusus")
}

func (s *Server) tppKhusus(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.tpp.KhususPage(c.Request().Context(), tppActor(c), id)
	if err != nil {
		return err
	}
	v := pages.TPPKhususView{Khusus: p.Khusus, Entries: p.Entries, CanCompute: p.CanCompute, Total: p.Total}
	return s.render(c, http.StatusOK, pages.TPPKhusus(s.chrome(c, "Klaim "+p.Khusus.Label()), v))
}

func (s *Server) tppKhususCompute(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	opd, err := strconv.ParseInt(c.FormValue("opd_id"), 10, 64)
	if err != nil || opd <= 0 {
		return apperr.Invalid("opd_id", "OPD wajib dipilih")
	}
	return s.runCompute(c, func(ctx context.Context, a claim.Actor) (claim.Run, error) { return s.tpp.BeginKhusus(ctx, a, id, opd) })
}

// apiKhusus is a decision with its claims, for finance's other systems.
type apiKhusus struct {
	Khusus claim.Khusus        `json:"keputusan"`
	Claims []claim.KhususEntry `json:"klaim"`
}

func (s *Server) apiTPPKhususList(c echo.Context) error {
	items, err := s.tpp.ListKhusus(c.Request().Context(), tppActor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"keputusan": items})
}

func (s *Server) apiTPPKhusus(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.tpp.KhususPage(c.Request().Context(), tppActor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, apiKhusus{Khusus: p.Khusus, Claims: p.Entries})
}
