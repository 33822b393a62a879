package web

import (
	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/views/layout"
	"github.com/ekinerja/ekinerja/views/pages"
)

// attendanceRoutes are the routes of the attendance area.
func (s *Server) attendanceRoutes() []Route { return nil }

// attendanceNav is the attendance area's navigation for role r.
func attendanceNav(r auth.Role) []layout.NavItem { return nil }

// attendanceFlashes are the attendance area's flash messages.
var attendanceFlashes = map[string]string{}

// attendanceHome adds what waits in the attendance area to a home page.
func (s *Server) attendanceHome(c echo.Context, p *auth.Principal, h *pages.Home) error { return nil }
