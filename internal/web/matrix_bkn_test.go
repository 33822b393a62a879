package web

import "github.com/ekinerja/ekinerja/internal/auth"

// Issue 12, "e-Kinerja BKN predikat": the import is the other imports'
// roles (admin_opd for its own OPD, superadmin for a chosen one).
func init() {
	for k, v := range map[string][]auth.Role{
		"GET /kinerja/predikat-bkn":                  orgEditRoles,
		"POST /kinerja/predikat-bkn":                 orgEditRoles,
		"GET /kinerja/predikat-bkn/templat.xlsx":     orgEditRoles,
		"GET /kinerja/predikat-bkn/:id":              orgEditRoles,
		"GET /kinerja/predikat-bkn/:id/laporan.xlsx": orgEditRoles,
	} {
		policy[k] = v
	}
}
