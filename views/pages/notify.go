package pages

import (
	"net/url"
	"strconv"

	"github.com/ekinerja/ekinerja/internal/notify"
	"github.com/ekinerja/ekinerja/internal/org"
)

// NotifInboxView is the inbox page.
type NotifInboxView struct {
	Inbox notify.Inbox
}

// PageURL is the inbox's page n with the same filter.
func (v NotifInboxView) PageURL(n int) string {
	q := url.Values{}
	if v.Inbox.Filter.UnreadOnly {
		q.Set("status", "belum")
	}
	q.Set("hal", strconv.Itoa(n))
	return "/notifikasi?" + q.Encode()
}

// NotifSettingsView is the e-mail settings page.
type NotifSettingsView struct {
	Settings notify.Settings
	Errors   map[string]string
}

// NotifKinds are the kinds listed on the settings page.
func NotifKinds() []notify.Kind { return notify.Kinds }

// IdentitasView is the regency identity form.
type IdentitasView struct {
	Identity org.Identity
	Nama     string
	Errors   map[string]string
}
