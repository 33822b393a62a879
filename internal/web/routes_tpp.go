package web

import (
	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/views/layout"
	"github.com/ekinerja/ekinerja/views/pages"
)

// tppRoutes are the routes of the tpp area.
func (s *Server) tppRoutes() []Route { return nil }

// tppNav is the tpp area's navigation for role r.
func tppNav(r auth.Role) []layout.NavItem { return nil }

// tppFlashes are the tpp area's flash messages.
var tppFlashes = map[string]string{}

// tppHome adds what waits in the tpp area to a home page.
func (s *Server) tppHome(c echo.Context, p *auth.Principal, h *pages.Home) error { return nil }
