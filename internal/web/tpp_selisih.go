package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
	"github.com/ekinerja/ekinerja/views/pages"
)

func (s *Server) selisihListView(c echo.Context) (pages.TPPSelisihListView, error) {
	a := tppActor(c)
	f := claim.SelisihFilter{All: c.QueryParam("semua") == "ya", Q: c.QueryParam("q")}
	f.Page, _ = strconv.Atoi(c.QueryParam("hal"))
	pg, err := s.tpp.SelisihPage(c.Request().Context(), a, f)
	if err != nil {
		return pages.TPPSelisihListView{}, err
	}
	return pages.TPPSelisihListView{Page: pg, Items: pg.Items, Pending: pg.Pending, All: pg.Filter.All, CanHold: a.Role == auth.RoleVerifikator, Errors: map[string]string{}}, nil
}

// tppSelisihSettle recomputes the late changes still queued.
func (s *Server) tppSelisihSettle(c echo.Context) error {
	if _, err := s.tpp.SettlePending(c.Request().Context(), tppActor(c)); err != nil {
		return err
	}
	return redirectWith(c, "/tpp/selisih", "tpp-selisih-perubahan")
}

func (s *Server) tppSelisihList(c echo.Context) error {
	v, err := s.selisihListView(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.TPPSelisihList(s.chrome(c, "Selisih bayar TPP"), v))
}

func (s *Server) tppSelisih(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a := tppActor(c)
	x, err := s.tpp.GetSelisih(c.Request().Context(), a, id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.TPPSelisih(s.chrome(c, "Selisih bayar TPP"),
		pages.TPPSelisihView{Selisih: x, Recomputed: x.Recomputed(), CanHold: a.Role == auth.RoleVerifikator, Errors: map[string]string{}}))
}

// tppSelisihHold holds (hold) or releases a difference.
func (s *Server) tppSelisihHold(hold bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		if _, err := s.tpp.HoldSelisih(c.Request().Context(), tppActor(c), id, hold, c.FormValue("alasan")); err != nil {
			var ve *apperr.ValidationError
			if !errors.As(err, &ve) {
				return err
			}
			v, verr := s.selisihListView(c)
			if verr != nil {
				return verr
			}
			v.Errors = ve.Fields
			return s.render(c, http.StatusUnprocessableEntity, pages.TPPSelisihList(s.chrome(c, "Selisih bayar TPP"), v))
		}
		key := "tpp-selisih-tahan"
		if !hold {
			key = "tpp-selisih-lepas"
		}
		return redirectWith(c, fmt.Sprintf("/tpp/selisih/%d", id), key)
	}
}

// tppRecomputePaid recomputes a paid claim against what was paid and shows
// the open differences.
func (s *Server) tppRecomputePaid(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.tpp.RecomputePaid(c.Request().Context(), tppActor(c), id); err != nil {
		return err
	}
	return redirectWith(c, "/tpp/selisih", "tpp-selisih")
}

func (s *Server) apiTPPSelisih(c echo.Context) error {
	items, err := s.tpp.ListSelisih(c.Request().Context(), tppActor(c), c.QueryParam("semua") == "ya")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"selisih": items})
}
