package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/views/components"
	"github.com/ekinerja/ekinerja/views/layout"
)

// render writes a templ component with status, its forms carrying the
// request's CSRF token (components.CSRF reads it from the context); the page is rendered into a
// buffer first so a template error can still become a proper error page.
func (s *Server) render(c echo.Context, status int, comp templ.Component) error {
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	ctx := components.WithCSRF(components.WithLocation(c.Request().Context(), s.cfg.Location), csrfToken(c))
	if err := comp.Render(ctx, buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes()) // written before render returns: the buffer is free again after
}

// pageBuffers are the rendered pages' buffers, reused: a 200-row page is
// some 100 kB, and growing a new buffer to that size for every view was a
// fifth of the review queue's rendering time.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledPage is the largest buffer kept for reuse (a rare huge page
// does not stay in memory).
const maxPooledPage = 1 << 20

func putPageBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledPage {
		return
	}
	b.Reset()
	pageBuffers.Put(b)
}

// navFor lists the navigation of a role; each area adds its own pages
// (nav_<area> functions in routes_<area>.go).
func navFor(r auth.Role) []layout.NavItem {
	items := []layout.NavItem{{Href: "/", Label: "Beranda"}}
	items = append(items, orgNav(r)...)
	items = append(items, kinerjaNav(r)...)
	items = append(items, attendanceNav(r)...)
	items = append(items, tppNav(r)...)
	if r == auth.RoleSuperadmin {
		items = append(items, layout.NavItem{Href: "/audit", Label: "Log Audit"}, layout.NavItem{Href: "/identitas", Label: "Identitas"})
	}
	items = append(items, layout.NavItem{Href: "/akun/sandi", Label: "Akun"})
	return items
}

// grantValue encodes a grant for the role switcher ("admin_opd:3").
func grantValue(g auth.Grant) string {
	if g.OPDID != 0 {
		return string(g.Role) + ":" + strconv.FormatInt(g.OPDID, 10)
	}
	return string(g.Role)
}

// parseGrantValue decodes a role switcher value.
func parseGrantValue(v string) (auth.Grant, bool) {
	role, opd, _ := strings.Cut(v, ":")
	g := auth.Grant{Role: auth.Role(role)}
	if !g.Role.Valid() {
		return g, false
	}
	if opd != "" {
		id, err := strconv.ParseInt(opd, 10, 64)
		if err != nil || id <= 0 {
			return g, false
		}
		g.OPDID = id
	}
	return g, true
}

// chrome builds the page frame for the current request.
func (s *Server) chrome(c echo.Context, title string) layout.Chrome {
	ch := layout.Chrome{Title: title, CSS: s.assets.URL("app.css"), JS: s.assets.URL("app.js"), HTMX: s.assets.URL("htmx.min.js"), AppVersion: s.version}
	// The regency's name and logo head every page (read at most once per
	// org.HeaderTTL by this server).
	if id, err := s.org.HeaderIdentity(c.Request().Context()); err == nil {
		ch.Regency = id.Nama
		if id.HasLogo {
			ch.Logo = "/identitas/logo.png?v=" + strconv.Itoa(id.Versi)
		}
	}
	p := principal(c)
	if p == nil {
		return ch
	}
	ch.Nama, ch.NIP, ch.ActiveRole = p.Nama, p.NIP, p.Active.Role.Label()
	for _, g := range p.Grants {
		ch.Roles = append(ch.Roles, layout.RoleOption{Value: grantValue(g), Label: p.GrantLabel(g), Active: g == p.Active})
	}
	path := c.Request().URL.Path
	for _, n := range navFor(p.Active.Role) {
		n.Active = n.Href == path || (n.Href != "/" && strings.HasPrefix(path, n.Href+"/"))
		ch.Nav = append(ch.Nav, n)
	}
	ch.Flash = flash(c)
	ch.Unread = p.Unread // the header's inbox badge, from the session query
	return ch
}

// chromeOffline is the page frame without anything read from the database
// (the error page while it does not answer): no name, roles or navigation.
func (s *Server) chromeOffline(c echo.Context, title string) layout.Chrome {
	return layout.Chrome{Title: title, CSS: s.assets.URL("app.css"), JS: s.assets.URL("app.js"), AppVersion: s.version}
}

// safeNext keeps a post-login redirect on this site: a local absolute path
// only, never "//host" or a scheme.
func safeNext(next string) string {
	if next == "" || len(next) > 2000 || !strings.HasPrefix(next, "/") {
		return "/"
	}
	// Browsers drop tabs and newlines and read a backslash as a slash, so
	// "/\t/evil.example" is "//evil.example" to them: refuse any control
	// character or backslash, then parse and require a plain path.
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' || (r >= 0x80 && r <= 0x9f) {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}

// flash messages travel in the query string (?pesan=...) after a redirect,
// from a fixed list, so no page can be made to show arbitrary text.
var flashes = map[string]string{
	"peran":  "Peran telah diganti.",
	"keluar": "Anda telah keluar.",
}

func flash(c echo.Context) string {
	k := c.QueryParam("pesan")
	for _, m := range []map[string]string{flashes, notifyFlashes, securityFlashes, orgFlashes, kinerjaFlashes, evaluasiFlashes, attendanceFlashes, tppFlashes} {
		if v, ok := m[k]; ok {
			return v
		}
	}
	return ""
}

// redirectWith redirects (303) to path with a flash key.
func redirectWith(c echo.Context, path, key string) error {
	if key != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "pesan=" + url.QueryEscape(key)
	}
	return c.Redirect(http.StatusSeeOther, path)
}

// isHTMX reports whether the request comes from htmx (in-place update):
// the handler answers with a fragment instead of a full page or redirect.
func isHTMX(c echo.Context) bool { return c.Request().Header.Get("HX-Request") == "true" }
