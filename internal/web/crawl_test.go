package web

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// This file is the generic machinery of the security tests: it finds every
// page a role can reach (the route table plus every same-origin link on
// those pages) and every form on them, so routes added by any area later
// are covered without touching the tests.

// page is one fetched URL.
type page struct {
	path   string
	status int
	header http.Header
	body   string
}

func (p page) isHTML() bool { return strings.HasPrefix(p.header.Get("Content-Type"), "text/html") }

// field is one form control.
type field struct {
	name, typ, value, inputmode string
	textarea, required          bool
}

// form is one <form> found on a page.
type form struct {
	page, method, action string
	fields               []field
}

func (f form) key(h *harness) string {
	names := make([]string, 0, len(f.fields))
	for _, fl := range f.fields {
		names = append(names, fl.name)
	}
	sort.Strings(names)
	return f.method + " " + h.routeOf(f.method, f.action) + " " + strings.Join(names, ",")
}

// freeText reports whether a field takes free text a person types.
func (fl field) freeText() bool {
	if fl.textarea {
		return true
	}
	switch fl.typ {
	case "", "text", "search", "email", "url", "tel", "password":
		return true
	}
	return false
}

// neverFollow are links whose GET is not a page view.
func neverFollow(path string) bool {
	return strings.HasPrefix(path, "/static/") || strings.HasSuffix(path, ".png")
}

// parsePage returns the same-origin links and the forms of an HTML page.
func parsePage(p page) (links []string, forms []form) {
	doc, err := html.Parse(strings.NewReader(p.body))
	if err != nil {
		return nil, nil
	}
	var cur *form
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attr := func(k string) string {
				v, _ := attrOf(n, k)
				return v
			}
			switch n.Data {
			case "a":
				if h := attr("href"); strings.HasPrefix(h, "/") && !strings.HasPrefix(h, "//") {
					links = append(links, h)
				}
			case "form":
				action := attr("action")
				if action == "" {
					action = p.path
				}
				forms = append(forms, form{page: p.path, method: strings.ToUpper(cmpOr(attr("method"), "GET")), action: action})
				cur = &forms[len(forms)-1]
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
				cur = nil
				return
			case "input", "textarea", "select":
				if cur != nil && attr("name") != "" {
					fl := field{name: attr("name"), typ: strings.ToLower(attr("type")), value: attr("value"), inputmode: attr("inputmode"), textarea: n.Data == "textarea", required: hasAttr(n, "required")}
					if n.Data == "select" {
						fl.typ = "select"
						for c := n.FirstChild; c != nil; c = c.NextSibling {
							if c.Type == html.ElementNode && c.Data == "option" {
								for _, a := range c.Attr {
									if a.Key == "value" && fl.value == "" {
										fl.value = a.Val
									}
								}
							}
						}
					}
					if n.Data == "textarea" && n.FirstChild != nil {
						fl.value = n.FirstChild.Data
					}
					cur.fields = append(cur.fields, fl)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return links, forms
}

// attrOf is n's attribute k and whether n has it (a bare "required" has
// an empty value).
func attrOf(n *html.Node, k string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == k {
			return a.Val, true
		}
	}
	return "", false
}

func hasAttr(n *html.Node, k string) bool {
	_, ok := attrOf(n, k)
	return ok
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// routeAllows reports whether role may call route r (anonymous: public only).
func routeAllows(r Route, role auth.Role) bool {
	if role == anonymous {
		return r.Perm.Public
	}
	return r.Perm.Allows(&auth.Principal{Active: auth.Grant{Role: role}})
}

// maxRouteVariants is how many URLs of one route a crawl fetches.
const maxRouteVariants = 3

// routeOf is the route pattern Echo serves method path with
// (/pegawai/:id for /pegawai/39?bulan=2026-11), or the bare path when no
// route matches.
func (h *harness) routeOf(method, path string) string {
	bare, _, _ := strings.Cut(path, "?")
	e := h.srv.Echo()
	c := e.NewContext(nil, nil)
	e.Router().Find(method, bare, c)
	if c.Path() == "" {
		return bare
	}
	return c.Path()
}

// crawl fetches every GET route of the table role may call, then follows
// same-origin links, up to limit pages.
func crawl(t *testing.T, h *harness, c *client, role auth.Role, limit int) []page {
	t.Helper()
	return crawlWith(t, h, c, role, limit, func(string) bool { return false })
}

// crawlPages is crawl without the downloads (XLSX, PDF, CSV, PNG): for the
// checks that read pages' markup and forms, which a spreadsheet or a PDF
// has none of. Building those files is most of a crawl's time under -race.
func crawlPages(t *testing.T, h *harness, c *client, role auth.Role, limit int) []page {
	t.Helper()
	return crawlWith(t, h, c, role, limit, isDownload)
}

// isDownload reports a path that serves a file, not a page.
func isDownload(path string) bool {
	p, _, _ := strings.Cut(path, "?")
	for _, suffix := range []string{".xlsx", ".pdf", ".csv", ".png", "/pdf"} {
		if strings.HasSuffix(p, suffix) {
			return true
		}
	}
	return false
}

func crawlWith(t *testing.T, h *harness, c *client, role auth.Role, limit int, skip func(string) bool) []page {
	t.Helper()
	var queue []string
	for _, r := range h.srv.Routes() {
		if r.Method == http.MethodGet && routeAllows(r, role) && !skip(r.Path) {
			queue = append(queue, samplePath(t, r.Path))
		}
	}
	seen := map[string]bool{}
	variants := map[string]int{}
	var out []page
	for len(queue) > 0 && len(out) < limit {
		path := queue[0]
		queue = queue[1:]
		if seen[path] {
			continue
		}
		seen[path] = true
		// A page's links to other months (?bulan=) lead on without end,
		// and a list links one page per row: a few instances of a route
		// show what it does, the rest would spend the budget walking the
		// calendar or the staff list through the same handler.
		route := h.routeOf(http.MethodGet, path)
		if variants[route]++; variants[route] > maxRouteVariants {
			continue
		}
		res := c.get(path)
		p := page{path: path, status: res.status, header: res.header, body: res.body}
		out = append(out, p)
		if res.status == http.StatusSeeOther {
			if loc := res.header.Get("Location"); strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "/masuk?") {
				queue = append(queue, loc)
			}
			continue
		}
		if !p.isHTML() {
			continue
		}
		links, _ := parsePage(p)
		for _, l := range links {
			if !neverFollow(l) && !seen[l] && !skip(l) {
				queue = append(queue, l)
			}
		}
	}
	return out
}

// formsOf returns the distinct forms on pages: one per route and set of
// fields (the correction form of one employee stands for every row's).
func formsOf(h *harness, pages []page) []form {
	seen := map[string]bool{}
	var out []form
	for _, p := range pages {
		if !p.isHTML() || p.status != http.StatusOK {
			continue
		}
		_, fs := parsePage(p)
		for _, f := range fs {
			k := f.key(h)
			if !seen[k] {
				seen[k] = true
				out = append(out, f)
			}
		}
	}
	return out
}

// submitAs is c.submit for a client signed in as role (anonymous: not
// signed in) that stays signed in: when the answer sends a signed-in client
// to the login page, an earlier submission ended its session (the
// superadmin revoking its own sessions, a password change), and the form is
// sent again from a fresh session, so no later form is tried on a dead one.
func (c *client) submitAs(role auth.Role, f form, values url.Values) response {
	c.h.t.Helper()
	res := c.submit(f, values)
	if role != anonymous && f.action != "/masuk" && res.status == http.StatusSeeOther && strings.HasPrefix(res.header.Get("Location"), "/masuk") {
		c.signInAgain(role)
		res = c.submit(f, values)
	}
	return res
}

// signInAgain replaces the client's session by a fresh one of role.
func (c *client) signInAgain(role auth.Role) {
	c.h.t.Helper()
	fresh := c.h.as(role)
	c.csrfMu.Lock()
	c.http, c.csrfToken, c.csrfCookies = fresh.http, "", ""
	c.csrfMu.Unlock()
}

// sessionEnding forms would end or change the crawling session itself.
func sessionEnding(f form) bool {
	return slices.Contains([]string{"/keluar", "/peran"}, f.action)
}

// fill returns the form's values with text in every free-text field and
// the rendered value elsewhere (hidden fields, selects, numbers, dates).
func (f form) fill(text string) url.Values {
	v := url.Values{}
	for _, fl := range f.fields {
		switch {
		case fl.name == "csrf_token":
		case fl.freeText():
			v.Add(fl.name, text)
		case fl.typ == "checkbox" || fl.typ == "radio":
			v.Add(fl.name, cmpOr(fl.value, "on"))
		case fl.typ == "number":
			v.Add(fl.name, cmpOr(fl.value, "1"))
		case fl.typ == "date":
			v.Add(fl.name, cmpOr(fl.value, "2026-11-02"))
		case fl.typ == "month":
			v.Add(fl.name, cmpOr(fl.value, "2026-11"))
		default:
			v.Add(fl.name, fl.value)
		}
	}
	return v
}

// fillOne returns the form's values with text in the one free-text field
// named and, in every other free-text field, a value its validation
// accepts: a form that refuses text in a link or NIP field would otherwise
// never store the text of the fields beside it.
func (f form) fillOne(name, text string, optional bool) url.Values {
	v := f.fill("")
	for _, fl := range f.fields {
		if !fl.freeText() {
			continue
		}
		val := plausible(fl, optional)
		if fl.name == name {
			val = text
		}
		v[fl.name] = []string{val}
	}
	return v
}

// plausible is a value a free-text field of its kind accepts: what it
// shows, nothing when it may stay empty (unless optional fields are to be
// filled too: some are required by the server only), else a value of its
// kind.
func plausible(fl field, optional bool) string {
	name := strings.ToLower(fl.name)
	switch {
	case fl.value != "" || (!fl.required && !optional):
		return fl.value
	case fl.typ == "email" || strings.Contains(name, "email"):
		return "uji@contoh.go.id"
	case fl.typ == "url" || fl.inputmode == "url" || strings.Contains(name, "link") || strings.Contains(name, "url"):
		return "https://contoh.go.id/bukti"
	case strings.Contains(name, "nip"):
		return "199001012020011001"
	case fl.typ == "tel" || fl.inputmode == "numeric":
		return "081234567890"
	case fl.typ == "password":
		return "Sandi-Uji-Panjang-2026"
	}
	return "uji"
}

// submit sends a form as the browser would (with a fresh CSRF token for POST).
func (c *client) submit(f form, values url.Values) response {
	c.h.t.Helper()
	if f.method == http.MethodGet {
		u := f.action
		if q := values.Encode(); q != "" {
			u += "?" + q
		}
		return c.get(u)
	}
	return c.postForm(f.action, values)
}
