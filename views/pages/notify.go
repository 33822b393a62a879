package pages

import "github.com/ekinerja/ekinerja/internal/notify"

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
