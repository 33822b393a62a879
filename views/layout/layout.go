// Package layout is the page frame every screen shares: header with the
// person's name, role switcher and per-role navigation, and the footer.
package layout

// NavItem is one navigation link.
type NavItem struct {
	Href   string
	Label  string
	Active bool
}

// RoleOption is one role the person may switch to.
type RoleOption struct {
	Value  string
	Label  string
	Active bool
}

// Chrome is what the frame needs around a page's content.
type Chrome struct {
	Title      string
	Nama       string
	NIP        string
	ActiveRole string
	Roles      []RoleOption
	Nav        []NavItem
	CSS        string
	JS         string
	Flash      string
	AppVersion string
	// HTMX is the vendored htmx script's URL (progressive enhancement:
	// every page works without it).
	HTMX string
	// Regency is the regency's name and Logo its logo URL ("" when none).
	Regency string
	Logo    string
	// Unread is the number of unread notifications (the header badge).
	Unread int
}

// LoggedIn reports whether a person is signed in.
func (c Chrome) LoggedIn() bool { return c.NIP != "" }

// HTMXConfig is htmx's configuration (the htmx-config meta tag): no eval,
// no script from swapped content, no inline indicator style, same-origin
// requests only, no history cache (pages hold personal data); a 409 or 422
// answer (a conflict, a field error) is swapped in like a 200 so the
// fragment can say what went wrong.
const HTMXConfig = `{"allowEval":false,"allowScriptTags":false,"includeIndicatorStyles":false,"selfRequestsOnly":true,"historyCacheSize":0,"refreshOnHistoryMiss":true,` +
	`"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"409","swap":true},{"code":"422","swap":true},{"code":"[45]..","swap":false,"error":true}]}`
