package web

import "github.com/ekinerja/ekinerja/internal/auth"

// Issue 13's routes: feedback, periodic evaluations, distribution of
// predikat, documents and their API.
func init() {
	logging := []auth.Role{auth.RolePegawai, auth.RoleAtasan}
	for k, v := range map[string][]auth.Role{
		"POST /kinerja/umpan-balik":           {auth.RoleAtasan},
		"POST /kinerja/umpan-balik/:id/jawab": logging,
		"GET /kinerja/evaluasi":               logging,
		"GET /kinerja/skp/:id/cetak":          signedIn,
		"GET /kinerja/skp/:id/pdf":            signedIn,
		"GET /kinerja/evaluasi/:id/cetak":     signedIn,
		"GET /kinerja/evaluasi/:id/pdf":       signedIn,
		"GET /api/v1/skp/:id":                 signedIn,
		"GET /api/v1/skp/:id/umpan-balik":     signedIn,
		"GET /api/v1/evaluasi":                signedIn,
		"GET /api/v1/evaluasi/:id":            signedIn,
		"GET /api/v1/predikat":                signedIn,
		"POST /kinerja/evaluasi":              {auth.RoleAtasan},
		"GET /kinerja/distribusi":             {auth.RoleAtasan, auth.RoleVerifikator, auth.RoleSuperadmin},
		"POST /kinerja/distribusi/predikat":   {auth.RoleAtasan, auth.RoleSuperadmin},
	} {
		policy[k] = v
	}
}
