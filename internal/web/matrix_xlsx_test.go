package web

import "github.com/ekinerja/ekinerja/internal/auth"

// Issue 12, "Excel out": the downloads of the tables people take away have
// the roles of the page they come from (scope is checked in the domain call
// the page makes, tested in xlsx_out_test.go).
func init() {
	for k, v := range map[string][]auth.Role{
		"GET /pegawai.xlsx":            orgReadRoles,
		"GET /jabatan.xlsx":            orgReadRoles,
		"GET /audit.xlsx":              superOnly,
		"GET /tpp/klaim.xlsx":          tppReaders,
		"GET /tpp/slip.xlsx":           signedIn,
		"GET /kinerja/bawahan.xlsx":    {auth.RoleAtasan},
		"GET /kinerja/distribusi.xlsx": {auth.RoleAtasan, auth.RoleVerifikator, auth.RoleSuperadmin},
	} {
		policy[k] = v
	}
}
