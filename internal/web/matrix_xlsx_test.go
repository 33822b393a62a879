package web

import "github.com/ekinerja/ekinerja/internal/auth"

// Issue 12, "Excel out": each list's .xlsx download has its page's roles.
func init() {
	for k, v := range map[string][]auth.Role{
		"GET /pegawai.xlsx": orgReadRoles,
		"GET /jabatan.xlsx": orgReadRoles,
		"GET /audit.xlsx":   superOnly,
	} {
		policy[k] = v
	}
}
