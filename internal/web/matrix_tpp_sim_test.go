package web

import "github.com/ekinerja/ekinerja/internal/auth"

// Issue 11: the rule-set simulation (superadmin only) and the late changes.
func init() {
	for k, v := range map[string][]auth.Role{
		"GET /tpp/simulasi":        superOnly,
		"GET /api/v1/tpp/simulasi": superOnly,
		// the late changes of paid months recomputed now (verifikator)
		"POST /tpp/selisih/hitung": {auth.RoleVerifikator},
	} {
		policy[k] = v
	}
}
