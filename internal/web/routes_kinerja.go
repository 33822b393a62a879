package web

import (
	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/views/layout"
	"github.com/ekinerja/ekinerja/views/pages"
)

// kinerjaRoutes are the routes of the kinerja area.
func (s *Server) kinerjaRoutes() []Route { return nil }

// kinerjaNav is the kinerja area's navigation for role r.
func kinerjaNav(r auth.Role) []layout.NavItem { return nil }

// kinerjaFlashes are the kinerja area's flash messages.
var kinerjaFlashes = map[string]string{}

// kinerjaHome adds what waits in the kinerja area to a home page.
func (s *Server) kinerjaHome(c echo.Context, p *auth.Principal, h *pages.Home) error { return nil }
