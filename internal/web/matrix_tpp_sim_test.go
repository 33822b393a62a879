package web

import "github.com/ekinerja/ekinerja/internal/auth"

// Issue 11: the rule-set simulation (superadmin only).
func init() {
	for k, v := range map[string][]auth.Role{
		"GET /tpp/simulasi":        superOnly,
		"GET /api/v1/tpp/simulasi": superOnly,
	} {
		policy[k] = v
	}
}
