package web

import (
	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/views/layout"
	"github.com/ekinerja/ekinerja/views/pages"
)

// orgRoutes are the routes of the org area.
func (s *Server) orgRoutes() []Route { return nil }

// orgNav is the org area's navigation for role r.
func orgNav(r auth.Role) []layout.NavItem { return nil }

// orgFlashes are the org area's flash messages.
var orgFlashes = map[string]string{}

// orgHome adds what waits in the org area to a home page.
func (s *Server) orgHome(c echo.Context, p *auth.Principal, h *pages.Home) error { return nil }
