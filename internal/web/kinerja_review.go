package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/views/pages"
)

// kinerjaQueue shows the atasan's review queue.
func (s *Server) kinerjaQueue(c echo.Context) error {
	return s.renderQueue(c, http.StatusOK, "", nil)
}

func (s *Server) renderQueue(c echo.Context, status int, msg string, errs map[string]string) error {
	var f kinerja.QueueFilter
	f.PegawaiID, _ = strconv.ParseInt(c.QueryParam("pegawai"), 10, 64)
	f.Page, _ = strconv.Atoi(c.QueryParam("hal"))
	pg, err := s.kinerja().ReviewQueuePage(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	v := pages.KinerjaQueue{People: pg.People, Total: pg.Total, Page: pg, Error: msg, Errors: errs}
	return s.render(c, status, pages.KinerjaTinjauPage(s.chrome(c, "Tinjau Aktivitas"), v))
}

// kinerjaApprove approves one aktivitas (button "satu") or all selected.
func (s *Server) kinerjaApprove(c echo.Context) error { return s.kinerjaReview(c, true) }

// kinerjaReturn returns one aktivitas or all selected, with a note.
func (s *Server) kinerjaReturn(c echo.Context) error { return s.kinerjaReview(c, false) }

func (s *Server) kinerjaReview(c echo.Context, approve bool) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	var items []kinerja.ReviewItem
	catatan := form.Get("catatan")
	if one := form.Get("satu"); one != "" {
		it, err := kinerja.ParseReviewItem(one)
		if err != nil {
			return err
		}
		items = append(items, it)
		catatan = form.Get("catatan_" + strconv.FormatInt(it.ID, 10))
	} else {
		if len(form["pilih"]) > 1000 {
			return apperr.Invalid("pilih", "Paling banyak 1.000 aktivitas sekaligus.")
		}
		for _, v := range form["pilih"] {
			it, err := kinerja.ParseReviewItem(v)
			if err != nil {
				return err
			}
			items = append(items, it)
		}
	}
	res, err := s.kinerja().Review(c.Request().Context(), actor(c), items, approve, catatan)
	if isHTMX(c) && form.Get("satu") != "" {
		return s.reviewFragment(c, items[0].ID, approve, err)
	}
	if fe, ok := fieldErrors(err); ok {
		msg := fe["catatan"]
		if msg == "" {
			msg = fe["pilih"]
		}
		return s.renderQueue(c, http.StatusUnprocessableEntity, msg, fe)
	}
	var m *apperr.Message
	if errors.Is(err, apperr.ErrConflict) && errors.As(err, &m) {
		return s.renderQueue(c, http.StatusConflict, m.Text, nil)
	}
	if err != nil {
		return err
	}
	key := "tinjau_kembalikan"
	switch {
	case res.Skipped > 0:
		key = "tinjau_sebagian"
	case approve:
		key = "tinjau_setujui"
	}
	return redirectWith(c, "/kinerja/tinjau", key)
}

// reviewFragment answers an in-place (htmx) review of one aktivitas with
// the row that replaces it: done, or the row again with what went wrong
// (422 for a missing note, 409 when it was reviewed or changed meanwhile).
// Without script the same buttons post the form and get the page back.
func (s *Server) reviewFragment(c echo.Context, id int64, approve bool, err error) error {
	status, msg := http.StatusOK, ""
	if fe, ok := fieldErrors(err); ok {
		status, msg = http.StatusUnprocessableEntity, fe["catatan"]
		if msg == "" {
			msg = fe["pilih"]
		}
	} else if m := (*apperr.Message)(nil); errors.Is(err, apperr.ErrConflict) && errors.As(err, &m) {
		status, msg = http.StatusConflict, m.Text
	} else if err != nil {
		return err
	}
	if status == http.StatusOK {
		return s.render(c, status, pages.KinerjaTinjauDone(id, approve, ""))
	}
	people, qerr := s.kinerja().ReviewQueue(c.Request().Context(), actor(c))
	if qerr != nil {
		return qerr
	}
	for _, p := range people {
		for _, d := range p.Days {
			for _, a := range d.Items {
				if a.ID == id {
					return s.render(c, status, pages.KinerjaTinjauRow(a, msg))
				}
			}
		}
	}
	// No longer in the queue (reviewed by someone else, withdrawn).
	return s.render(c, status, pages.KinerjaTinjauDone(id, approve, msg))
}
