package web

import "github.com/ekinerja/ekinerja/internal/auth"

// Routes of issue 17 (landing pages, reopen requests).
func init() {
	for k, v := range map[string][]auth.Role{
		"POST /kinerja/aktivitas/minta-buka":      {auth.RolePegawai, auth.RoleAtasan},
		"POST /kinerja/buka-bulan/permintaan/:id": {auth.RoleVerifikator},
	} {
		policy[k] = v
	}
}
