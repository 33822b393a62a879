package pages

import (
	"github.com/ekinerja/ekinerja/internal/notify"
	"github.com/ekinerja/ekinerja/internal/org"
)

// NotifInboxView is the inbox page.
type NotifInboxView struct {
	Inbox notify.Inbox
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
