package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// tableCells returns, for each row of table id's body, the text of its
// column col (0-based), tags stripped.
func tableCells(t *testing.T, body, id string, col int) []string {
	t.Helper()
	tb := regexp.MustCompile(`(?s)<table id="` + id + `">.*?<tbody>(.*?)</tbody>`).FindStringSubmatch(body)
	if tb == nil {
		t.Fatalf("page has no table %s", id)
	}
	tags := regexp.MustCompile(`<[^>]*>`)
	var out []string
	for _, tr := range regexp.MustCompile(`(?s)<tr>(.*?)</tr>`).FindAllStringSubmatch(tb[1], -1) {
		tds := regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`).FindAllStringSubmatch(tr[1], -1)
		if col < len(tds) {
			out = append(out, strings.TrimSpace(tags.ReplaceAllString(tds[col][1], "")))
		}
	}
	return out
}

// TestLongListsPageAndSort: the employee and position lists page by ?hal=
// (page 2 holds the next rows of the database's order) and sort by ?urut=
// (whitelisted keys; an unknown key is the default order, not an error),
// and the notification inbox pages and filters unread ones.
func TestLongListsPageAndSort(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// 60 employees and 60 positions, names out of NIP and code order.
	if err := h.db.Exec(`INSERT INTO pegawai (nip, nama, status_asn, golongan, opd_id)
SELECT '198801012024011' || lpad(i::text, 3, '0'), 'Zpaging ' || lpad(((i * 37) % 60)::text, 2, '0'), 'PNS', 'III/a', (SELECT min(id) FROM opd WHERE aktif)
FROM generate_series(1, 60) i`).Error; err != nil {
		t.Fatal(err)
	}
	if err := h.db.Exec(`INSERT INTO jabatan (opd_id, kode, nama, jenis, kelas)
SELECT (SELECT min(id) FROM opd WHERE aktif), 'ZPG-' || lpad(i::text, 3, '0'), 'Jabatan Zpaging ' || lpad(((i * 37) % 60)::text, 2, '0'), 'pelaksana', 1 + i % 9
FROM generate_series(1, 60) i`).Error; err != nil {
		t.Fatal(err)
	}
	names := func(query string) []string {
		var out []string
		if err := h.db.Raw(query).Scan(&out).Error; err != nil {
			t.Fatal(err)
		}
		return out
	}
	c := h.as(auth.RoleSuperadmin)
	cases := []struct {
		name, path, table string
		col               int
		want              string // the test's own SQL for the page's rows
	}{
		{"pegawai page 1 by name", "/pegawai?q=Zpaging", "daftar-pegawai", 1, `SELECT nama FROM pegawai WHERE nama LIKE 'Zpaging%' ORDER BY nama, id LIMIT 50`},
		{"pegawai page 2 by name", "/pegawai?q=Zpaging&hal=2", "daftar-pegawai", 1, `SELECT nama FROM pegawai WHERE nama LIKE 'Zpaging%' ORDER BY nama, id OFFSET 50`},
		{"pegawai page 2 by NIP", "/pegawai?q=Zpaging&urut=nip&hal=2", "daftar-pegawai", 0, `SELECT nip FROM pegawai WHERE nama LIKE 'Zpaging%' ORDER BY nip, id OFFSET 50`},
		{"pegawai unknown sort", "/pegawai?q=Zpaging&urut=nama;DROP&hal=2", "daftar-pegawai", 1, `SELECT nama FROM pegawai WHERE nama LIKE 'Zpaging%' ORDER BY nama, id OFFSET 50`},
		{"jabatan page 1", "/jabatan?q=Zpaging", "daftar-jabatan", 0, `SELECT kode FROM jabatan WHERE nama LIKE 'Jabatan Zpaging%' ORDER BY kelas DESC, kode, id LIMIT 50`},
		{"jabatan page 2", "/jabatan?q=Zpaging&hal=2", "daftar-jabatan", 0, `SELECT kode FROM jabatan WHERE nama LIKE 'Jabatan Zpaging%' ORDER BY kelas DESC, kode, id OFFSET 50`},
		{"jabatan page 2 by name", "/jabatan?q=Zpaging&urut=nama&hal=2", "daftar-jabatan", 1, `SELECT nama FROM jabatan WHERE nama LIKE 'Jabatan Zpaging%' ORDER BY nama, id OFFSET 50`},
		{"jabatan unknown sort", "/jabatan?q=Zpaging&urut=gaji", "daftar-jabatan", 0, `SELECT kode FROM jabatan WHERE nama LIKE 'Jabatan Zpaging%' ORDER BY kelas DESC, kode, id LIMIT 50`},
		{"jabatan past the end", "/jabatan?q=Zpaging&hal=9", "daftar-jabatan", 0, `SELECT kode FROM jabatan WHERE false`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := c.get(tc.path)
			if res.status != http.StatusOK {
				t.Fatalf("GET %s: %d", tc.path, res.status)
			}
			got, want := tableCells(t, res.body, tc.table, tc.col), names(tc.want)
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("GET %s rows:\n%v\nwant\n%v", tc.path, got, want)
			}
			if !strings.Contains(res.body, ">60 ") {
				t.Errorf("GET %s does not count the 60 matching rows", tc.path)
			}
		})
	}

	// The inbox: 70 notifications, every third one unread.
	user := h.count(`SELECT id FROM users WHERE nip = ?`, login(t, auth.RolePegawai).NIP)
	if err := h.db.Exec(`INSERT INTO notifikasi (user_id, jenis, judul, dibaca_at)
SELECT ?, 'uji', 'Pemberitahuan uji ' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE now() END FROM generate_series(1, 70) i`, user).Error; err != nil {
		t.Fatal(err)
	}
	ids := func(query string) []string {
		var out []string
		if err := h.db.Raw(query, user).Scan(&out).Error; err != nil {
			t.Fatal(err)
		}
		return out
	}
	item := regexp.MustCompile(`<li[^>]* id="notif-(\d+)"`)
	shown := func(path string) []string {
		res := h.as(auth.RolePegawai).get(path)
		if res.status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.status)
		}
		var out []string
		for _, m := range item.FindAllStringSubmatch(res.body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	for path, q := range map[string]string{
		"/notifikasi":                     `SELECT id::text FROM notifikasi WHERE user_id = ? ORDER BY notifikasi.id DESC LIMIT 50`,
		"/notifikasi?hal=2":               `SELECT id::text FROM notifikasi WHERE user_id = ? ORDER BY notifikasi.id DESC OFFSET 50`,
		"/notifikasi?status=belum":        `SELECT id::text FROM notifikasi WHERE user_id = ? AND dibaca_at IS NULL ORDER BY notifikasi.id DESC LIMIT 50`,
		"/notifikasi?status=belum&hal=xx": `SELECT id::text FROM notifikasi WHERE user_id = ? AND dibaca_at IS NULL ORDER BY notifikasi.id DESC LIMIT 50`,
	} {
		if got, want := shown(path), ids(q); strings.Join(got, ",") != strings.Join(want, ",") || len(want) == 0 {
			t.Errorf("GET %s shows %v, want %v", path, got, want)
		}
	}
}

// TestSelisihListPagesAndFilters: the differences page shows 50 a page in
// the list's order (page 2 the next rows), filters by NIP, name or OPD code
// and by open or all, and reads a bad page number as the first.
func TestSelisihListPagesAndFilters(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	h := th.harness
	th.compute(h.as(auth.RoleAdminOPD))
	// 60 open differences: 30 for each of two employees of the computed claim.
	if err := h.db.Exec(`INSERT INTO tpp_selisih (pegawai_id, opd_id, period, claim_id, paid_net, recomputed_net, amount, cause, input, result)
SELECT r.pegawai_id, c.opd_id, c.period, c.id, 1000000, 1000000 + i * 1000, i * 1000, 'Uji halaman ' || i, '{}', '{}'
FROM (SELECT * FROM tpp_claim ORDER BY id LIMIT 1) c
CROSS JOIN LATERAL (SELECT pegawai_id, row_number() OVER (ORDER BY pegawai_id) AS n FROM tpp_claim_pegawai WHERE claim_id = c.id ORDER BY pegawai_id LIMIT 2) r
CROSS JOIN generate_series(1, 30) i`).Error; err != nil {
		t.Fatal(err)
	}
	var nip string
	if err := h.db.Raw(`SELECT p.nip FROM tpp_selisih x JOIN pegawai p ON p.id = x.pegawai_id ORDER BY x.pegawai_id LIMIT 1`).Scan(&nip).Error; err != nil || nip == "" {
		t.Fatalf("fixture nip %q: %v", nip, err)
	}
	order := `FROM tpp_selisih x JOIN pegawai p ON p.id = x.pegawai_id JOIN opd o ON o.id = x.opd_id `
	ids := func(where, tail string) []string {
		var out []string
		if err := h.db.Raw(`SELECT x.id::text `+order+where+` ORDER BY x.period, o.kode, p.nama, x.id `+tail, nip).Scan(&out).Error; err != nil {
			t.Fatal(err)
		}
		return out
	}
	row := regexp.MustCompile(`<tr data-selisih="(\d+)"`)
	c := h.as(auth.RoleVerifikator)
	for _, tc := range []struct {
		path, where, tail string
		total             int
	}{
		{"/tpp/selisih", `WHERE ? <> ''`, `LIMIT 50`, 60},
		{"/tpp/selisih?hal=2", `WHERE ? <> ''`, `OFFSET 50`, 60},
		{"/tpp/selisih?hal=dua", `WHERE ? <> ''`, `LIMIT 50`, 60},
		{"/tpp/selisih?semua=ya&q=" + nip, `WHERE p.nip = ?`, ``, 30},
	} {
		res := c.get(tc.path)
		if res.status != http.StatusOK {
			t.Fatalf("GET %s: %d", tc.path, res.status)
		}
		var got []string
		for _, m := range row.FindAllStringSubmatch(res.body, -1) {
			got = append(got, m[1])
		}
		if want := ids(tc.where, tc.tail); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("GET %s rows %v, want %v", tc.path, got, want)
		}
		if !strings.Contains(res.body, `<span id="jumlah">`+strconv.Itoa(tc.total)+` selisih</span>`) {
			t.Errorf("GET %s does not count %d differences", tc.path, tc.total)
		}
	}
}

// TestReviewQueuePagesAndFilters: the atasan's review queue shows ten
// subordinates a page in name order (page 2 the next ten, a page past the
// end the last), and one subordinate when chosen.
func TestReviewQueuePagesAndFilters(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	atasan := h.pegawaiID(auth.RoleAtasan)
	addSubordinates(t, h, atasan, 1, 25)
	var waiting []string
	if err := h.db.Raw(`SELECT p.nama FROM pegawai p WHERE EXISTS (SELECT 1 FROM aktivitas a WHERE a.pegawai_id = p.id AND a.status = 'submitted')
AND p.id IN (SELECT rj.pegawai_id FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id WHERE rj.jenis = 'definitif' AND rj.selesai IS NULL
  AND j.atasan_jabatan_id = (SELECT jabatan_id FROM riwayat_jabatan WHERE pegawai_id = ? AND jenis = 'definitif' AND selesai IS NULL LIMIT 1))
ORDER BY p.nama, p.id`, atasan).Scan(&waiting).Error; err != nil || len(waiting) < 25 {
		t.Fatalf("fixture: %d waiting subordinates: %v", len(waiting), err)
	}
	var oneID int64
	h.db.Raw(`SELECT id FROM pegawai WHERE nama = ?`, waiting[12]).Scan(&oneID)
	last := (len(waiting) - 1) / 10
	section := regexp.MustCompile(`<section class="card" aria-label="([^"]+)">`)
	c := h.as(auth.RoleAtasan)
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/kinerja/tinjau", waiting[:10]},
		{"/kinerja/tinjau?hal=2", waiting[10:20]},
		{"/kinerja/tinjau?hal=99", waiting[last*10:]},
		{"/kinerja/tinjau?pegawai=" + itoa(oneID), waiting[12:13]},
		{"/kinerja/tinjau?pegawai=semua&hal=x", waiting[:10]},
	} {
		res := c.get(tc.path)
		if res.status != http.StatusOK {
			t.Fatalf("GET %s: %d", tc.path, res.status)
		}
		var got []string
		for _, m := range section.FindAllStringSubmatch(res.body, -1) {
			got = append(got, m[1])
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("GET %s shows %v, want %v", tc.path, got, tc.want)
		}
	}
}
