package web

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// Permission says who may call a route. Public routes need no login; every
// other route names the roles that may call it, checked against the
// person's active role on every request.
type Permission struct {
	Public bool
	Roles  []auth.Role
}

// Public routes need no login.
var Public = Permission{Public: true}

// AnyRole is any signed-in person, whatever their active role.
var AnyRole = Permission{Roles: auth.AllRoles}

// Only allows the listed roles.
func Only(roles ...auth.Role) Permission { return Permission{Roles: roles} }

// Allows reports whether a principal may pass.
func (p Permission) Allows(pr *auth.Principal) bool {
	if p.Public {
		return true
	}
	return pr != nil && slices.Contains(p.Roles, pr.Active.Role)
}

// Route is one entry of the route table.
type Route struct {
	Method  string
	Path    string
	Perm    Permission
	Handler echo.HandlerFunc
}

// Routes is the one route table: every route with the permission it needs.
// The authorization matrix test walks it; a route registered any other way
// fails that test.
func (s *Server) Routes() []Route {
	rs := []Route{
		{http.MethodGet, "/healthz", Public, s.healthz},
		{http.MethodGet, "/readyz", Public, s.readyz},
		{http.MethodGet, "/static/:file", Public, s.assets.serve},
		{http.MethodGet, "/masuk", Public, s.loginPage},
		{http.MethodPost, "/masuk", Public, s.loginSubmit},
		{http.MethodPost, "/keluar", AnyRole, s.logout},
		{http.MethodPost, "/peran", AnyRole, s.switchRole},
		{http.MethodGet, "/", AnyRole, s.home},
		{http.MethodGet, "/audit", Only(auth.RoleSuperadmin), s.auditPage},
		{http.MethodGet, "/audit.xlsx", Only(auth.RoleSuperadmin), s.auditXLSX},

		{http.MethodPost, "/api/v1/auth/token", Public, s.apiToken},
		{http.MethodGet, "/api/v1/me", AnyRole, s.apiMe},
	}
	// Each area keeps its routes in its own file (routes_<area>.go).
	rs = append(rs, s.orgRoutes()...)
	rs = append(rs, s.kinerjaRoutes()...)
	rs = append(rs, s.attendanceRoutes()...)
	rs = append(rs, s.tppRoutes()...)
	rs = append(rs, s.securityRoutes()...)
	rs = append(rs, s.evaluasiRoutes()...)
	rs = append(rs, s.notifyRoutes()...)
	rs = append(rs, s.identityRoutes()...)
	return rs
}

// guard wraps a handler with its permission check.
func (s *Server) guard(r Route) echo.HandlerFunc {
	return func(c echo.Context) error {
		if r.Perm.Public {
			return r.Handler(c)
		}
		p := principal(c)
		if p == nil {
			return apperr.ErrUnauthorized
		}
		if step := forcedStep(p, r); step != "" {
			if wantsJSON(c) {
				return apperr.New(apperr.ErrForbidden, "Selesaikan dulu langkah wajib di "+step+".")
			}
			return c.Redirect(http.StatusSeeOther, step)
		}
		if !r.Perm.Allows(p) {
			return apperr.ErrForbidden
		}
		return r.Handler(c)
	}
}

func (s *Server) register(e *echo.Echo) {
	for _, r := range s.Routes() {
		e.Add(r.Method, r.Path, s.guard(r))
	}
}
