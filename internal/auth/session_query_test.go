package auth_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestAuthenticateLoadsTheLoginsRoles: the per-request session query brings
// the user's roles and their agencies' names along in the same round trip
// (counted in web's TestQueriesPerRequestAreConstant), and what it brings
// is exactly what the login loaded: the same
// grants in the same order and the same names, for a user holding only the
// implicit pegawai role, one holding several admin_opd grants (one agency
// without a short name, named by its full name), and one whose roles were
// granted out of order.
func TestAuthenticateLoadsTheLoginsRoles(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	ctx := context.Background()
	var opds []struct {
		ID   int64
		Nama string
	}
	if err := f.db.Raw(`SELECT id, nama FROM opd ORDER BY id LIMIT 3`).Scan(&opds).Error; err != nil || len(opds) != 3 {
		t.Fatalf("agencies: %v %d", err, len(opds))
	}
	// The third agency goes by its full name.
	if err := f.db.Exec(`UPDATE opd SET singkatan = '' WHERE id = ?`, opds[2].ID).Error; err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		role  auth.Role
		extra string // more grants: SQL over the user id, three agency ids, the user id
		want  int    // grants expected after the login
	}{
		{"pegawai only", auth.RolePegawai, ``, 1},
		{"three admin_opd grants", auth.RoleAdminOPD,
			`INSERT INTO user_roles (user_id, role, opd_id) SELECT ?, 'admin_opd', x FROM unnest(ARRAY[?, ?, ?]::bigint[]) x
			 WHERE x NOT IN (SELECT opd_id FROM user_roles WHERE user_id = ? AND opd_id IS NOT NULL)`, 0},
		{"roles granted out of order", auth.RoleVerifikator,
			`INSERT INTO user_roles (user_id, role, opd_id) SELECT ?, 'admin_opd', x FROM unnest(ARRAY[?, ?, ?]::bigint[]) x
			 WHERE x NOT IN (SELECT opd_id FROM user_roles WHERE user_id = ? AND opd_id IS NOT NULL) ORDER BY x DESC`, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := demoLogin(t, tc.role)
			var uid int64
			if err := f.db.Raw(`SELECT id FROM users WHERE nip = ?`, l.NIP).Scan(&uid).Error; err != nil || uid == 0 {
				t.Fatalf("user: %v", err)
			}
			if tc.extra != "" {
				if err := f.db.Exec(tc.extra, uid, opds[0].ID, opds[1].ID, opds[2].ID, uid).Error; err != nil {
					t.Fatal(err)
				}
			}
			res, err := f.svc.Login(ctx, req(l))
			if err != nil || res.Principal == nil {
				t.Fatalf("login: %v", err)
			}
			a, err := f.svc.Authenticate(ctx, res.Token)
			if err != nil {
				t.Fatalf("authenticate: %v", err)
			}
			got, at := a.Principal, res.Principal
			if !slices.Equal(got.Grants, at.Grants) {
				t.Errorf("grants per request %v, at login %v", got.Grants, at.Grants)
			}
			if !maps.Equal(got.OPDNames, at.OPDNames) {
				t.Errorf("agency names per request %v, at login %v", got.OPDNames, at.OPDNames)
			}
			if tc.want != 0 && len(got.Grants) != tc.want {
				t.Errorf("%d grants, want %d", len(got.Grants), tc.want)
			}
			if !slices.Contains(got.Grants, auth.Grant{Role: auth.RolePegawai}) {
				t.Errorf("no implicit pegawai grant: %v", got.Grants)
			}
			if tc.extra != "" {
				for _, o := range opds {
					if !slices.Contains(got.Grants, auth.Grant{Role: auth.RoleAdminOPD, OPDID: o.ID}) {
						t.Errorf("admin_opd grant of agency %d missing: %v", o.ID, got.Grants)
					}
				}
				if n := got.OPDName(opds[2].ID); n != opds[2].Nama {
					t.Errorf("agency without a short name is %q, want its full name %q", n, opds[2].Nama)
				}
			}
			if got.UserID != at.UserID || got.NIP != at.NIP || got.Nama != at.Nama || got.PegawaiID != at.PegawaiID ||
				got.OPDID != at.OPDID || got.Active != at.Active {
				t.Errorf("principal per request %+v, at login %+v", got, at)
			}
		})
	}
}
