package web

import "github.com/ekinerja/ekinerja/internal/auth"

// Notifications (issue 17): each signed-in person has their own inbox and
// e-mail settings.
func init() {
	for k, v := range map[string][]auth.Role{
		"GET /notifikasi":             signedIn,
		"POST /notifikasi/baca-semua": signedIn,
		"POST /notifikasi/:id/baca":   signedIn,
		"GET /akun/notifikasi":        signedIn,
		"POST /akun/notifikasi":       signedIn,
		"GET /identitas":              superOnly,
		"POST /identitas":             superOnly,
		"GET /identitas/logo.png":     everyone,
	} {
		policy[k] = v
	}
}
