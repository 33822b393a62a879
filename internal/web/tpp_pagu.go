package web

import (
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

func (s *Server) paguYear(c echo.Context, v string) (int, error) {
	if v == "" {
		return time.Now().In(s.cfg.Location).Year(), nil
	}
	y, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, apperr.Invalid("tahun", "tahun harus angka, misalnya 2026")
	}
	return y, nil
}

func (s *Server) paguView(c echo.Context, year int) (pages.TPPPaguView, error) {
	a := tppActor(c)
	rep, err := s.tpp.Pagu(c.Request().Context(), a, year)
	if err != nil {
		return pages.TPPPaguView{}, err
	}
	return pages.TPPPaguView{Report: rep, CanEdit: a.Role == auth.RoleSuperadmin, Errors: map[string]string{}}, nil
}

func (s *Server) tppPagu(c echo.Context) error {
	y, err := s.paguYear(c, c.QueryParam("tahun"))
	if err != nil {
		return err
	}
	v, err := s.paguView(c, y)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.TPPPagu(s.chrome(c, "Pagu TPP"), v))
}

func (s *Server) tppPaguSave(c echo.Context) error {
	y, err := s.paguYear(c, c.FormValue("tahun"))
	if err != nil {
		return err
	}
	in := claim.PaguInput{Tahun: y, Jenis: c.FormValue("jenis"), Keterangan: c.FormValue("keterangan")}
	in.OPDID, _ = strconv.ParseInt(c.FormValue("opd_id"), 10, 64)
	amt, perr := tpp.ParseRupiah(c.FormValue("jumlah"))
	if perr != nil {
		err = apperr.Invalid("jumlah", "pagu harus rupiah bulat, misalnya 1.200.000.000")
	} else {
		in.Amount = int64(amt)
		err = s.tpp.SavePagu(c.Request().Context(), tppActor(c), in)
	}
	if err != nil {
		var ve *apperr.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		v, verr := s.paguView(c, y)
		if verr != nil {
			return verr
		}
		v.Errors = ve.Fields
		return s.render(c, http.StatusUnprocessableEntity, pages.TPPPagu(s.chrome(c, "Pagu TPP"), v))
	}
	return redirectWith(c, "/tpp/pagu?tahun="+strconv.Itoa(y), "tpp-pagu")
}

func (s *Server) apiTPPPagu(c echo.Context) error {
	y, err := s.paguYear(c, c.QueryParam("tahun"))
	if err != nil {
		return err
	}
	rep, err := s.tpp.Pagu(c.Request().Context(), tppActor(c), y)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rep)
}
