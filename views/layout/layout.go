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
	// Unread is the number of unread notifications (the header badge).
	Unread int
}

// LoggedIn reports whether a person is signed in.
func (c Chrome) LoggedIn() bool { return c.NIP != "" }
