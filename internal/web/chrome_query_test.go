package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// opdTable matches a statement that reads the opd table.
var opdTable = regexp.MustCompile(`(?i)\b(from|join)\s+"?opd"?\s`)

// TestChromeLoadsRoleNamesInOneQuery: every page's role switcher names the
// agency of each admin_opd grant, and those names come with the roles in
// one query (not one OPD lookup per grant per page): with three grants the
// page reads the opd table once.
func TestChromeLoadsRoleNamesInOneQuery(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	l := login(t, auth.RoleAdminOPD)
	uid := h.count(`SELECT id FROM users WHERE nip = ?`, l.NIP)
	type opdRow struct {
		ID        int64
		Singkatan string
		Nama      string
	}
	var opds []opdRow
	if err := h.db.Raw(`SELECT id, singkatan, nama FROM opd WHERE id NOT IN (SELECT opd_id FROM user_roles WHERE user_id = ? AND opd_id IS NOT NULL) ORDER BY id LIMIT 2`, uid).Scan(&opds).Error; err != nil || len(opds) != 2 {
		t.Fatalf("other agencies: %v %d", err, len(opds))
	}
	for _, o := range opds {
		if err := h.db.Exec(`INSERT INTO user_roles (user_id, role, opd_id) VALUES (?, 'admin_opd', ?)`, uid, o.ID).Error; err != nil {
			t.Fatal(err)
		}
	}
	c := h.as(auth.RoleAdminOPD)

	var mu sync.Mutex
	var reads []string
	count := func(tx *gorm.DB) {
		if sql := tx.Statement.SQL.String(); opdTable.MatchString(sql) {
			mu.Lock()
			reads = append(reads, sql)
			mu.Unlock()
		}
	}
	onEveryStatement(t, h.db, "test:opd_reads", count)
	res := c.get("/akun/sandi")
	if res.status != http.StatusOK {
		t.Fatalf("page: %d", res.status)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reads) != 1 {
		t.Fatalf("the page read the opd table %d times, want once (with the roles):\n%s", len(reads), strings.Join(reads, "\n"))
	}
	for _, o := range opds {
		name := o.Singkatan
		if name == "" {
			name = o.Nama
		}
		if want := fmt.Sprintf("Admin OPD (%s)", name); !strings.Contains(res.body, want) {
			t.Errorf("role switcher lacks %q", want)
		}
	}
}

// TestReadPagesReadReferenceDataOnce: a home page is put together from
// several domain answers that need the same rows: the employee's attendance
// calendar (judged from the day rows) and TPP estimate (from the stored
// recap) both need the month's holidays, the work schedules and the rule
// set in force; the verifikator's to-do count and pipeline chart both need
// the month's claims of every OPD. The request reads each once
// (snapshot.Once, attached to GET requests in requestContext).
func TestReadPagesReadReferenceDataOnce(t *testing.T) {
	t.Parallel()
	h := newProductionHarness(t) // the estimate reads the attendance store
	tests := []struct {
		role  auth.Role
		mark  string // shows the part that needs the rows ran
		reads map[string]*regexp.Regexp
	}{
		{auth.RolePegawai, `id="perkiraan-bersih"`, map[string]*regexp.Regexp{
			"hari_libur":   regexp.MustCompile(`^SELECT tanggal, nama, jenis FROM hari_libur`),
			"jadwal_kerja": regexp.MustCompile(`^SELECT id, (nama, )?array_to_json\(pola\)::text AS pola FROM jadwal_kerja`),
			"tpp_rule_set": regexp.MustCompile(`FROM tpp_rule_set\s+WHERE NOT draft AND effective_from <=`),
		}},
		{auth.RoleVerifikator, `untuk diverifikasi, disetujui atau dibayar`, map[string]*regexp.Regexp{
			"klaim bulan ini": regexp.MustCompile(`FROM opd o LEFT JOIN tpp_claim c ON c.opd_id = o.id AND c.period =`),
		}},
	}
	var mu sync.Mutex
	var watch map[string]*regexp.Regexp
	reads := map[string]int{}
	count := func(tx *gorm.DB) {
		sql := strings.TrimSpace(tx.Statement.SQL.String())
		mu.Lock()
		defer mu.Unlock()
		for name, re := range watch {
			if re.MatchString(sql) {
				reads[name]++
			}
		}
	}
	onEveryStatement(t, h.db, "test:reference_reads", count)
	for _, tt := range tests {
		c := h.as(tt.role) // signing in reads nothing watched
		mu.Lock()
		watch, reads = tt.reads, map[string]int{}
		mu.Unlock()
		res := c.get("/")
		if res.status != http.StatusOK || !strings.Contains(res.body, tt.mark) {
			t.Fatalf("%s home: %d (want 200 with %q)", tt.role, res.status, tt.mark)
		}
		mu.Lock()
		for name := range tt.reads {
			if reads[name] != 1 {
				t.Errorf("the %s home read %s %d times, want once", tt.role, name, reads[name])
			}
		}
		mu.Unlock()
	}
}
