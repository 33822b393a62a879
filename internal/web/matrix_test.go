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

	orgReadRoles = []auth.Role{auth.RoleAdminOPD, auth.RoleVerifikator, auth.RoleSuperadmin}
	orgEditRoles = []auth.Role{auth.RoleAdminOPD, auth.RoleSuperadmin}
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

	// --- attendance (issue 5) ---
	"GET /presensi/saya":                 signedIn,
	"GET /presensi/rekap":                {auth.RoleAdminOPD, auth.RoleVerifikator, auth.RoleSuperadmin},
	"GET /presensi/pegawai/:id":          signedIn,
	"POST /presensi/pegawai/:id/koreksi": {auth.RoleAdminOPD},
	"GET /presensi/impor":                {auth.RoleAdminOPD},
	"POST /presensi/impor":               {auth.RoleAdminOPD},
	"GET /presensi/cuti":                 {auth.RolePegawai, auth.RoleAtasan, auth.RoleAdminOPD},
	"POST /presensi/cuti":                {auth.RolePegawai, auth.RoleAtasan, auth.RoleAdminOPD},
	"POST /presensi/cuti/:id/putus":      {auth.RoleAtasan},
	"GET /presensi/hukdis":               {auth.RoleVerifikator, auth.RoleSuperadmin},
	"POST /presensi/hukdis":              {auth.RoleVerifikator, auth.RoleSuperadmin},
	"GET /presensi/libur":                superOnly,
	"POST /presensi/libur":               superOnly,
	"POST /presensi/libur/hapus":         superOnly,
	"GET /presensi/jadwal":               {auth.RoleAdminOPD, auth.RoleSuperadmin},
	"POST /presensi/jadwal":              {auth.RoleAdminOPD, auth.RoleSuperadmin},
	"GET /api/v1/presensi/rekap":         {auth.RoleAdminOPD, auth.RoleVerifikator, auth.RoleSuperadmin},
	// attendance, second round: schedule editing, import history, leave cancel
	"GET /presensi/jadwal/baru":      superOnly,
	"POST /presensi/jadwal/baru":     superOnly,
	"GET /presensi/jadwal/:id/ubah":  superOnly,
	"POST /presensi/jadwal/:id/ubah": superOnly,
	"GET /presensi/impor/riwayat":    {auth.RoleAdminOPD, auth.RoleVerifikator, auth.RoleSuperadmin},
	"POST /presensi/cuti/:id/batal":  {auth.RolePegawai, auth.RoleAtasan},
	// fingerprint machines and scan logs (issue 12)
	"GET /presensi/rekap.xlsx":          {auth.RoleAdminOPD, auth.RoleVerifikator, auth.RoleSuperadmin},
	"GET /presensi/impor/templat.xlsx":  {auth.RoleAdminOPD},
	"GET /presensi/mesin":               {auth.RoleAdminOPD},
	"POST /presensi/mesin":              {auth.RoleAdminOPD},
	"GET /presensi/mesin/impor":         {auth.RoleAdminOPD},
	"POST /presensi/mesin/impor":        {auth.RoleAdminOPD},
	"GET /presensi/mesin/:id":           {auth.RoleAdminOPD},
	"POST /presensi/mesin/:id":          {auth.RoleAdminOPD},
	"POST /presensi/mesin/:id/pin":      {auth.RoleAdminOPD},
	"POST /presensi/mesin/:id/pengguna": {auth.RoleAdminOPD},
	// --- end attendance ---
	// org area (issue 3): readers = admin_opd, verifikator, superadmin;
	// editors = admin_opd, superadmin. The OPD scope is tested in org_test.go.
	"GET /pegawai":                orgReadRoles,
	"GET /pegawai/baru":           orgEditRoles,
	"POST /pegawai":               orgEditRoles,
	"GET /pegawai/:id":            orgReadRoles,
	"GET /pegawai/:id/ubah":       orgEditRoles,
	"POST /pegawai/:id":           orgEditRoles,
	"POST /pegawai/:id/penugasan": orgEditRoles,
	// org round 2: end a Plt/Plh early; unit kerja edit.
	"POST /pegawai/:id/penugasan/:riwayat/akhiri": orgEditRoles,
	"POST /pegawai/:id/rekening/konfirmasi":       {auth.RoleAdminOPD, auth.RoleVerifikator},
	"GET /unit/:id/ubah":                          orgEditRoles,
	"POST /unit/:id":                              orgEditRoles,
	"POST /pegawai/:id/akun":                      superOnly,
	"GET /jabatan":                                orgReadRoles,
	"GET /jabatan/baru":                           orgEditRoles,
	"POST /jabatan":                               orgEditRoles,
	"GET /jabatan/:id/ubah":                       orgEditRoles,
	"POST /jabatan/:id":                           orgEditRoles,
	"GET /opd":                                    orgReadRoles,
	"GET /opd/baru":                               superOnly,
	"POST /opd":                                   superOnly,
	"GET /opd/:id":                                orgReadRoles,
	"GET /opd/:id/ubah":                           superOnly,
	"POST /opd/:id":                               superOnly,
	"POST /opd/:id/unit":                          orgEditRoles,
	"GET /impor":                                  orgEditRoles,
	"GET /impor/templat/:jenis":                   orgEditRoles,
	"POST /impor/:jenis":                          orgEditRoles,
	"GET /pengguna":                               superOnly,
	"GET /pengguna/:id":                           superOnly,
	"POST /pengguna/:id/peran":                    superOnly,
	"POST /pengguna/:id/cabut":                    superOnly,
	"POST /pengguna/:id/reset-sandi":              superOnly,
	"POST /pengguna/:id/nonaktif":                 superOnly,
	"POST /pengguna/:id/aktif":                    superOnly,
	"GET /api/v1/opd":                             orgReadRoles,
	"GET /api/v1/jabatan":                         orgReadRoles,
	"GET /api/v1/pegawai":                         orgReadRoles,
	"GET /api/v1/pegawai/:id":                     orgReadRoles,
	// kinerja (issue 4): own logging for pegawai and atasan; review for atasan.
	"GET /kinerja/aktivitas":              {auth.RolePegawai, auth.RoleAtasan},
	"GET /kinerja/aktivitas/baru":         {auth.RolePegawai, auth.RoleAtasan},
	"POST /kinerja/aktivitas":             {auth.RolePegawai, auth.RoleAtasan},
	"POST /kinerja/aktivitas/ajukan":      {auth.RolePegawai, auth.RoleAtasan},
	"POST /kinerja/aktivitas/hapus":       {auth.RolePegawai, auth.RoleAtasan},
	"GET /kinerja/aktivitas/:id":          {auth.RolePegawai, auth.RoleAtasan},
	"POST /kinerja/aktivitas/:id":         {auth.RolePegawai, auth.RoleAtasan},
	"GET /kinerja/aktivitas/:id/bukti":    {auth.RolePegawai, auth.RoleAtasan},
	"GET /kinerja/tinjau":                 {auth.RoleAtasan},
	"POST /kinerja/tinjau/setujui":        {auth.RoleAtasan},
	"POST /kinerja/tinjau/kembalikan":     {auth.RoleAtasan},
	"GET /kinerja/skp":                    {auth.RolePegawai, auth.RoleAtasan},
	"POST /kinerja/skp":                   {auth.RolePegawai, auth.RoleAtasan},
	"POST /kinerja/skp/ajukan":            {auth.RolePegawai, auth.RoleAtasan},
	"GET /kinerja/skp/:id":                {auth.RolePegawai, auth.RoleAtasan},
	"POST /kinerja/skp/:id/rhk":           {auth.RolePegawai, auth.RoleAtasan},
	"POST /kinerja/skp/:id/indikator":     {auth.RolePegawai, auth.RoleAtasan},
	"POST /kinerja/skp/:id/setujui":       {auth.RoleAtasan},
	"POST /kinerja/skp/:id/kembalikan":    {auth.RoleAtasan},
	"GET /kinerja/penilaian":              {auth.RolePegawai, auth.RoleAtasan},
	"POST /kinerja/penilaian":             {auth.RolePegawai, auth.RoleAtasan},
	"GET /kinerja/penilaian/:id":          {auth.RolePegawai, auth.RoleAtasan},
	"POST /kinerja/penilaian/:id/nilai":   {auth.RoleAtasan},
	"POST /kinerja/penilaian/:id/koreksi": {auth.RoleAtasan},
	"GET /kinerja/bawahan":                {auth.RoleAtasan},
	"GET /kinerja/buka-bulan":             {auth.RoleVerifikator},
	"POST /kinerja/buka-bulan":            {auth.RoleVerifikator},
	"GET /api/v1/aktivitas":               {auth.RolePegawai, auth.RoleAtasan},
	"POST /api/v1/aktivitas":              {auth.RolePegawai, auth.RoleAtasan},
	"GET /api/v1/penilaian":               {auth.RolePegawai, auth.RoleAtasan},
	"GET /api/v1/penilaian/:id":           {auth.RolePegawai, auth.RoleAtasan},
	// kinerja round 2: settings, RHK/indicator edit and delete
	"GET /kinerja/pengaturan":                          superOnly,
	"POST /kinerja/pengaturan":                         superOnly,
	"POST /kinerja/skp/:id/rhk/:rhk":                   {auth.RolePegawai, auth.RoleAtasan},
	"POST /kinerja/skp/:id/rhk/:rhk/hapus":             {auth.RolePegawai, auth.RoleAtasan},
	"POST /kinerja/skp/:id/indikator/:indikator":       {auth.RolePegawai, auth.RoleAtasan},
	"POST /kinerja/skp/:id/indikator/:indikator/hapus": {auth.RolePegawai, auth.RoleAtasan},
	// end kinerja
	// tpp (issue 6)
	"GET /tpp/klaim":                               tppReaders,
	"POST /tpp/klaim/hitung":                       {auth.RoleAdminOPD, auth.RoleVerifikator},
	"GET /tpp/klaim/:id":                           tppReaders,
	"POST /tpp/klaim/:id/hitung-ulang":             {auth.RoleAdminOPD, auth.RoleVerifikator},
	"POST /tpp/klaim/:id/ajukan":                   {auth.RoleAdminOPD},
	"GET /tpp/klaim/:id/ajukan":                    {auth.RoleAdminOPD},
	"GET /tpp/klaim/:id/verifikasi":                {auth.RoleVerifikator},
	"GET /tpp/klaim/:id/setujui":                   {auth.RoleVerifikator},
	"GET /tpp/klaim/:id/bayar":                     {auth.RoleVerifikator},
	"POST /tpp/klaim/:id/verifikasi":               {auth.RoleVerifikator},
	"POST /tpp/klaim/:id/kembalikan":               {auth.RoleVerifikator},
	"POST /tpp/klaim/:id/setujui":                  {auth.RoleVerifikator},
	"POST /tpp/klaim/:id/bayar":                    {auth.RoleVerifikator},
	"POST /tpp/klaim/:id/susulan":                  {auth.RoleAdminOPD, auth.RoleVerifikator},
	"POST /tpp/klaim/:id/buka":                     {auth.RoleVerifikator},
	"GET /tpp/klaim/:id/pegawai/:pegawai":          tppReaders,
	"GET /tpp/klaim/:id/nominatif":                 tppReaders,
	"GET /tpp/klaim/:id/nominatif.xlsx":            tppReaders,
	"GET /tpp/klaim/:id/nominatif.pdf":             tppReaders,
	"GET /tpp/klaim/:id/pegawai/:pegawai/slip.pdf": tppReaders,
	"GET /tpp/klaim/:id/bank.csv":                  {auth.RoleVerifikator},
	"GET /tpp/slip":                                signedIn,
	"GET /tpp/slip/:id":                            signedIn,
	"GET /tpp/slip/:id/slip.pdf":                   signedIn,
	"GET /tpp/aturan":                              superOnly,
	"GET /tpp/aturan/:id":                          superOnly,
	"POST /tpp/aturan/:id":                         superOnly,
	"POST /tpp/aturan/:id/versi-baru":              superOnly,
	"GET /api/v1/tpp/klaim/:id":                    tppReaders,
	"GET /api/v1/tpp/slip/:id":                     signedIn,
	// issue 11: kekurangan / kelebihan bayar
	"POST /tpp/klaim/:id/selisih": {auth.RoleVerifikator},
	"GET /tpp/selisih":            {auth.RoleVerifikator, auth.RoleSuperadmin},
	"GET /tpp/selisih/:id":        {auth.RoleVerifikator, auth.RoleSuperadmin},
	"POST /tpp/selisih/:id/tahan": {auth.RoleVerifikator},
	"POST /tpp/selisih/:id/lepas": {auth.RoleVerifikator},
	"GET /api/v1/tpp/selisih":     {auth.RoleVerifikator, auth.RoleSuperadmin},
	// issue 11: pagu
	"GET /tpp/pagu":        tppReaders,
	"POST /tpp/pagu":       superOnly,
	"GET /api/v1/tpp/pagu": tppReaders,
	// issue 11: TPP in THR and gaji ketiga belas
	"GET /tpp/khusus":             tppReaders,
	"POST /tpp/khusus":            superOnly,
	"GET /tpp/khusus/:id":         tppReaders,
	"POST /tpp/khusus/:id/hitung": {auth.RoleAdminOPD, auth.RoleVerifikator},
	"GET /api/v1/tpp/khusus":      tppReaders,
	"GET /api/v1/tpp/khusus/:id":  tppReaders,
	// security (issue 7)
	"GET /masuk/kode":           everyone,
	"POST /masuk/kode":          everyone,
	"GET /akun/sandi":           signedIn,
	"POST /akun/sandi":          signedIn,
	"GET /akun/2fa":             signedIn,
	"GET /akun/2fa/qr.png":      signedIn,
	"POST /akun/2fa":            signedIn,
	"POST /akun/2fa/nonaktif":   signedIn,
	"POST /akun/2fa/pemulihan":  signedIn,
	"POST /akun/2fa/ganti":      signedIn,
	"POST /api/v1/auth/refresh": everyone,
}

// tppReaders may read OPD claims (admin_opd only its own OPD's).
var tppReaders = []auth.Role{auth.RoleAdminOPD, auth.RoleVerifikator, auth.RoleSuperadmin}

// paramSamples fills path parameters; an area adds its own.
var paramSamples = map[string]string{
	"file": "app.css",
	"id":   "1",
	// org area
	"jenis": "pegawai",
	// org round 2
	"riwayat": "1",
	// tpp (issue 6)
	"pegawai": "1",
	// kinerja round 2: an RHK or indicator id that belongs to no plan, so
	// the allowed roles get 404 (not a refusal) whoever owns plan 1.
	"rhk":       "999999999",
	"indikator": "999999999",
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
	t.Parallel()
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
				// A 403 for a record outside the person's scope (the sample id
				// belongs to another OPD) means the role passed: scope is the
				// IDOR tests' business.
				scoped := res.status == http.StatusForbidden && strings.Contains(res.body, outOfScopeMessage)
				denied := (res.status == http.StatusForbidden && !scoped) || res.status == http.StatusUnauthorized ||
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
