package web

import "github.com/ekinerja/ekinerja/internal/auth"

// Issue 12, "SIASN employees": the import pages are the other imports' roles
// (admin_opd for its own OPD, superadmin regency-wide).
func init() {
	for k, v := range map[string][]auth.Role{
		"GET /impor/siasn":               orgEditRoles,
		"POST /impor/siasn":              orgEditRoles,
		"GET /impor/siasn/:id":           orgEditRoles,
		"POST /impor/siasn/:id/terapkan": orgEditRoles,
	} {
		policy[k] = v
	}
}
