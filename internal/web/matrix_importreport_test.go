package web

import "github.com/ekinerja/ekinerja/internal/auth"

// Issue 12, "the error report of a refused file is paged on screen and
// downloadable as .xlsx": the importing roles reach the routes, and each
// person reads only the reports of their own uploads.
func init() {
	for k, v := range map[string][]auth.Role{
		"GET /impor/laporan/:id":              orgEditRoles,
		"GET /impor/laporan/:id/laporan.xlsx": orgEditRoles,
	} {
		policy[k] = v
	}
}
