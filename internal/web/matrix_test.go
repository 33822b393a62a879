package web

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// anonymous stands for a request without a login in the policy table.
const anonymous auth.Role = "anonim"

var (
	everyone  = []auth.Role{anonymous, auth.RolePegawai, auth.RoleAtasan, auth.RoleAdminOPD, auth.RoleVerifikator, auth.RoleSuperadmin}
	signedIn  = []auth.Role{auth.RolePegawai, auth.RoleAtasan, auth.RoleAdminOPD, auth.RoleVerifikator, auth.RoleSuperadmin}
	superOnly = []auth.Role{auth.RoleSuperadmin}
)

// policy is the expected access of every route, written independently of
// the route table: a route missing here, or allowing other roles than
// listed, fails TestAuthorizationMatrix.
var policy = map[string][]auth.Role{
	"GET /healthz":            everyone,
	"GET /readyz":             everyone,
	"GET /static/:file":       everyone,
	"GET /masuk":              everyone,
	"POST /masuk":             everyone,
	"POST /keluar":            signedIn,
	"POST /peran":             signedIn,
	"GET /":                   signedIn,
	"GET /audit":              superOnly,
	"POST /api/v1/auth/token": everyone,
	"GET /api/v1/me":          signedIn,

	// security (issue 7)
	"GET /masuk/kode":           everyone,
	"POST /masuk/kode":          everyone,
	"GET /akun/sandi":           signedIn,
	"POST /akun/sandi":          signedIn,
	"GET /akun/2fa":             signedIn,
	"GET /akun/2fa/qr.png":      signedIn,
	"POST /akun/2fa":            signedIn,
	"POST /api/v1/auth/refresh": everyone,
}

// paramSamples fills path parameters; an area adds its own.
var paramSamples = map[string]string{
	"file": "app.css",
	"id":   "1",
}

var paramRe = regexp.MustCompile(`:([a-zA-Z_]+)`)

func samplePath(t *testing.T, path string) string {
	return paramRe.ReplaceAllStringFunc(path, func(m string) string {
		v, ok := paramSamples[m[1:]]
		if !ok {
			t.Fatalf("no sample value for path parameter %s in %s: add it to paramSamples", m, path)
		}
		return v
	})
}

func TestAuthorizationMatrix(t *testing.T) {
	h := newHarness(t)
	routes := h.srv.Routes()

	// Every route Echo serves comes from the route table.
	table := map[string]bool{}
	for _, r := range routes {
		table[r.Method+" "+r.Path] = true
	}
	for _, er := range h.srv.Echo().Routes() {
		if strings.HasPrefix(er.Name, "github.com/labstack/echo") { // Echo's own 404/405 handlers
			continue
		}
		if !table[er.Method+" "+er.Path] {
			t.Errorf("route %s %s is registered outside the route table", er.Method, er.Path)
		}
	}

	clients := map[auth.Role]*client{anonymous: h.client()}
	for _, r := range signedIn {
		clients[r] = h.as(r)
	}
	for _, r := range routes {
		key := r.Method + " " + r.Path
		allowed, ok := policy[key]
		if !ok {
			t.Errorf("route %s has no entry in the policy table", key)
			continue
		}
		// The table's own permission must say the same as the policy.
		for _, role := range signedIn {
			p := &auth.Principal{Active: auth.Grant{Role: role}}
			if got, want := r.Perm.Allows(p), slices.Contains(allowed, role); got != want {
				t.Errorf("%s: route table allows %s = %v, policy says %v", key, role, got, want)
			}
		}
		if r.Perm.Public != slices.Contains(allowed, anonymous) {
			t.Errorf("%s: public = %v, policy disagrees", key, r.Perm.Public)
		}
		if key == "POST /keluar" || key == "POST /peran" {
			continue // they end or change the session; tested in auth_test.go
		}
		for _, role := range everyone {
			t.Run(key+" as "+string(role), func(t *testing.T) {
				c := clients[role]
				path := samplePath(t, r.Path)
				var res response
				if r.Method == http.MethodGet {
					res = c.get(path)
				} else {
					form := url.Values{"csrf_token": {c.csrf()}}
					req, _ := http.NewRequest(r.Method, h.ts.URL+path, strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					res = c.do(req)
				}
				denied := res.status == http.StatusForbidden || res.status == http.StatusUnauthorized ||
					(res.status == http.StatusSeeOther && strings.HasPrefix(res.header.Get("Location"), "/masuk?next="))
				if slices.Contains(allowed, role) {
					// A public route may answer 401 for bad credentials; that is not a refusal of the role.
					if denied && !(r.Perm.Public && res.status == http.StatusUnauthorized) {
						t.Fatalf("allowed role refused: status %d", res.status)
					}
					if res.status >= 500 {
						t.Fatalf("server error %d", res.status)
					}
				} else if !denied {
					t.Fatalf("refused role got status %d", res.status)
				}
			})
		}
	}
}
