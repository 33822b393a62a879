package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
	"github.com/ekinerja/ekinerja/views/pages"
)

// simulationInput parses ?aturan=&bulan=&jumlah= (bulan empty: the last
// month with a claim; jumlah empty: 12).
func simulationInput(c echo.Context) (claim.SimulationInput, error) {
	var in claim.SimulationInput
	ve := &apperr.ValidationError{}
	id, err := strconv.ParseInt(strings.TrimSpace(c.QueryParam("aturan")), 10, 64)
	if err != nil || id <= 0 {
		ve.Add("aturan", "pilih versi aturan yang disimulasikan")
	}
	in.RuleSetID = id
	if b := strings.TrimSpace(c.QueryParam("bulan")); b != "" {
		p, err := tpp.ParsePeriod(b)
		if err != nil {
			ve.Add("bulan", tpp.PeriodMessage)
		}
		in.End = p
	}
	if j := strings.TrimSpace(c.QueryParam("jumlah")); j != "" {
		n, err := strconv.Atoi(j)
		if err != nil || n < 1 || n > claim.SimulationMaxMonths {
			ve.Add("jumlah", "jumlah bulan harus 1 sampai 12")
		}
		in.Months = n
	}
	return in, ve.OrNil()
}

// tppSimulasi shows the simulation form and, with ?aturan=, its result.
func (s *Server) tppSimulasi(c echo.Context) error {
	ctx, a := c.Request().Context(), tppActor(c)
	v := pages.TPPSimulasiView{Bulan: c.QueryParam("bulan"), Jumlah: c.QueryParam("jumlah"), Errors: map[string]string{}}
	var in *claim.SimulationInput
	var err error
	if c.QueryParam("aturan") != "" {
		var parsed claim.SimulationInput
		if parsed, err = simulationInput(c); err == nil {
			in = &parsed
		}
	}
	if err == nil {
		v.Page, err = s.tpp.SimulationPageFor(ctx, a, in)
	}
	if err != nil {
		var ve *apperr.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		if v.Page.Choices == nil {
			if v.Page, err = s.tpp.SimulationPageFor(ctx, a, nil); err != nil {
				return err
			}
		}
		v.Errors = ve.Fields
		return s.render(c, http.StatusUnprocessableEntity, pages.TPPSimulasi(s.chrome(c, "Simulasi aturan TPP"), v))
	}
	return s.render(c, http.StatusOK, pages.TPPSimulasi(s.chrome(c, "Simulasi aturan TPP"), v))
}

// apiTPPSimulasi runs a simulation and answers it as JSON.
func (s *Server) apiTPPSimulasi(c echo.Context) error {
	in, err := simulationInput(c)
	if err != nil {
		return err
	}
	sim, err := s.tpp.Simulate(c.Request().Context(), tppActor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sim)
}
