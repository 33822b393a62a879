package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// xlsxDownload follows the page's download link (id) and returns the
// workbook's first sheet: its name, its rows as raw values, and the file.
func xlsxDownload(t *testing.T, c *client, page, id string) (*excelize.File, string, [][]string) {
	t.Helper()
	res := c.get(page)
	if res.status != http.StatusOK {
		t.Fatalf("GET %s: %d", page, res.status)
	}
	m := regexp.MustCompile(`id="` + id + `" href="([^"]+)"`).FindStringSubmatch(res.body)
	if m == nil {
		t.Fatalf("%s offers no download link #%s", page, id)
	}
	dl := c.get(html.UnescapeString(m[1]))
	if dl.status != http.StatusOK || !strings.Contains(dl.header.Get("Content-Type"), "spreadsheetml") ||
		!strings.Contains(dl.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("GET %s: %d %q", m[1], dl.status, dl.header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(strings.NewReader(dl.body))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	sh := f.GetSheetName(0)
	rows, err := f.GetRows(sh, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return f, sh, rows
}

// dataRows returns the rows below the header (the row starting with
// first), each padded to width, and the 1-based sheet row of the first.
func dataRows(t *testing.T, rows [][]string, first string, width int) ([][]string, int) {
	t.Helper()
	for i, r := range rows {
		if len(r) > 0 && r[0] == first {
			out := make([][]string, 0, len(rows)-i-1)
			for _, r := range rows[i+1:] {
				p := make([]string, width)
				copy(p, r)
				out = append(out, p)
			}
			return out, i + 2
		}
	}
	t.Fatalf("no header row starting with %q", first)
	return nil, 0
}

// cellIs checks that cell (col, row) is text (wantText) or a number.
func cellIs(t *testing.T, f *excelize.File, sh string, col, row int, wantText bool) {
	t.Helper()
	axis, _ := excelize.CoordinatesToCellName(col, row)
	typ, err := f.GetCellType(sh, axis)
	if err != nil {
		t.Fatal(err)
	}
	text := typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString
	if wantText && !text {
		t.Errorf("%s is not a text cell (type %v)", axis, typ)
	}
	if !wantText {
		v, _ := f.GetCellValue(sh, axis, excelize.Options{RawCellValue: true})
		if text {
			t.Errorf("%s is a text cell, want a number", axis)
		} else if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			t.Errorf("%s = %q, want a whole number", axis, v)
		}
	}
}

// TestPegawaiXLSX: the employee list's download, followed from the page's
// link, holds exactly the people the page's scope and filter select (all
// pages), NIP as text and kelas as a number; an admin_opd gets only its OPD.
func TestPegawaiXLSX(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dinkes := h.count(`SELECT id FROM opd WHERE kode = 'DINKES'`)
	bkpsdm := h.count(`SELECT id FROM opd WHERE kode = 'BKPSDM'`)
	day := h.srv.today().Format(time.DateOnly)
	cases := []struct {
		name  string
		role  auth.Role
		query string
		where string // the expected people, over pegawai p
		args  []any
		none  bool
	}{
		{"admin_opd: own OPD only", auth.RoleAdminOPD, "", "p.opd_id = ?", []any{dinkes}, false},
		{"admin_opd asking another OPD: nobody", auth.RoleAdminOPD, fmt.Sprintf("?opd=%d", bkpsdm), "false", nil, true},
		{"verifikator: every OPD, every page", auth.RoleVerifikator, "", "true", nil, false},
		{"verifikator: the page's filter", auth.RoleVerifikator, fmt.Sprintf("?opd=%d&status=PNS&keadaan=aktif", dinkes),
			"p.opd_id = ? AND p.status_asn = 'PNS' AND p.keadaan = 'aktif'", []any{dinkes}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var want []struct {
				NIP                       string `gorm:"column:nip"`
				Nama, OPD, Jabatan        string
				Kelas                     int
				Status, Golongan, Keadaan string
			}
			if err := h.db.Raw(`SELECT p.nip, p.nama, o.kode AS opd, coalesce(j.nama, '') AS jabatan, coalesce(j.kelas, 0) AS kelas,
       p.status_asn AS status, p.golongan, p.keadaan
FROM pegawai p JOIN opd o ON o.id = p.opd_id
LEFT JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id AND rj.jenis = 'definitif' AND rj.mulai <= ?::date AND (rj.selesai IS NULL OR rj.selesai >= ?::date)
LEFT JOIN jabatan j ON j.id = rj.jabatan_id
WHERE `+tc.where+` ORDER BY p.nama, p.id`, append([]any{day, day}, tc.args...)...).Scan(&want).Error; err != nil {
				t.Fatal(err)
			}
			if (len(want) == 0) != tc.none {
				t.Fatalf("seed gives %d people for this case", len(want))
			}
			f, sh, rows := xlsxDownload(t, h.as(tc.role), "/pegawai"+tc.query, "unduh-pegawai")
			got, first := dataRows(t, rows, "NIP", 8)
			if len(got) != len(want) {
				t.Fatalf("download has %d people, the database %d", len(got), len(want))
			}
			for i, w := range want {
				exp := []string{w.NIP, w.Nama, w.OPD, w.Jabatan, strconv.Itoa(w.Kelas), w.Status, w.Golongan, w.Keadaan}
				if strings.Join(got[i], "|") != strings.Join(exp, "|") {
					t.Errorf("row %d: %q, want %q", i+1, got[i], exp)
				}
			}
			for i := range want {
				cellIs(t, f, sh, 1, first+i, true)
				cellIs(t, f, sh, 5, first+i, false)
			}
		})
	}
}

// TestJabatanXLSX: the position list's download, followed from the page's
// link, holds the positions of the page's scope and filter with their
// holders; kelas is a number; an admin_opd gets only its OPD.
func TestJabatanXLSX(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dinkes := h.count(`SELECT id FROM opd WHERE kode = 'DINKES'`)
	bkpsdm := h.count(`SELECT id FROM opd WHERE kode = 'BKPSDM'`)
	day := h.srv.today().Format(time.DateOnly)
	cases := []struct {
		name  string
		role  auth.Role
		query string
		where string // the expected positions, over jabatan j
		args  []any
		none  bool
	}{
		{"admin_opd: own OPD only", auth.RoleAdminOPD, "", "j.opd_id = ?", []any{dinkes}, false},
		{"admin_opd asking another OPD: nothing", auth.RoleAdminOPD, fmt.Sprintf("?opd=%d", bkpsdm), "false", nil, true},
		{"verifikator: every OPD", auth.RoleVerifikator, "", "true", nil, false},
		{"verifikator: the page's filter", auth.RoleVerifikator, fmt.Sprintf("?opd=%d&q=kepala", bkpsdm),
			"j.opd_id = ? AND (j.nama ILIKE '%kepala%' OR j.kode ILIKE 'kepala%')", []any{bkpsdm}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var want []struct {
				ID                     int64
				OPD, Kode, Nama, Jenis string
				Kelas                  int
				Unit, Atasan           string
			}
			if err := h.db.Raw(`SELECT j.id, o.kode AS opd, j.kode, j.nama, j.jenis, j.kelas, coalesce(u.nama, '') AS unit, coalesce(a.nama, '') AS atasan
FROM jabatan j JOIN opd o ON o.id = j.opd_id LEFT JOIN unit_kerja u ON u.id = j.unit_kerja_id LEFT JOIN jabatan a ON a.id = j.atasan_jabatan_id
WHERE `+tc.where+` ORDER BY o.kode, j.kelas DESC, j.kode`, tc.args...).Scan(&want).Error; err != nil {
				t.Fatal(err)
			}
			if (len(want) == 0) != tc.none {
				t.Fatalf("seed gives %d positions for this case", len(want))
			}
			f, sh, rows := xlsxDownload(t, h.as(tc.role), "/jabatan"+tc.query, "unduh-jabatan")
			got, first := dataRows(t, rows, "OPD", 9)
			if len(got) != len(want) {
				t.Fatalf("download has %d positions, the database %d", len(got), len(want))
			}
			held := 0
			for i, w := range want {
				exp := []string{w.OPD, w.Kode, w.Nama, w.Jenis, strconv.Itoa(w.Kelas), w.Unit, w.Atasan}
				if strings.Join(got[i][:7], "|") != strings.Join(exp, "|") {
					t.Errorf("row %d: %q, want %q", i+1, got[i][:7], exp)
				}
				// The holder named is one who holds the post today, as that kind.
				if got[i][7] != "" {
					held++
					if n := h.count(`SELECT count(*) FROM riwayat_jabatan rj JOIN pegawai p ON p.id = rj.pegawai_id
WHERE rj.jabatan_id = ? AND p.nama = ? AND rj.jenis = ? AND rj.mulai <= ?::date AND (rj.selesai IS NULL OR rj.selesai >= ?::date)`,
						w.ID, got[i][7], got[i][8], day, day); n == 0 {
						t.Errorf("row %d: %s is not a %s holder of %s today", i+1, got[i][7], got[i][8], w.Kode)
					}
				} else if n := h.count(`SELECT count(*) FROM riwayat_jabatan rj WHERE rj.jabatan_id = ? AND rj.mulai <= ?::date AND (rj.selesai IS NULL OR rj.selesai >= ?::date)`,
					w.ID, day, day); n != 0 {
					t.Errorf("row %d: %s has a holder today but the download names none", i+1, w.Kode)
				}
				cellIs(t, f, sh, 5, first+i, false)
			}
			if !tc.none && held == 0 {
				t.Error("no position with a holder: the holder column is untested")
			}
		})
	}
}

// TestAuditXLSX: the audit log's download, followed from the page's link,
// holds every row the page's filter selects (beyond the page's 100), each
// cell as stored; only a superadmin may download it.
func TestAuditXLSX(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := login(t, auth.RoleAdminOPD)
	if res := h.as(auth.RoleAdminOPD).get("/audit.xlsx"); res.status != http.StatusForbidden {
		t.Fatalf("admin_opd downloads the audit log: %d", res.status)
	}
	// More rows of one object type than the page shows, written by the real writer.
	for i := range 130 {
		if err := audit.RecordNow(context.Background(), h.db, audit.Entry{ActorNIP: admin.NIP, Action: "uji.ekspor",
			ObjectType: "uji_ekspor", ObjectID: strconv.Itoa(i), IP: "192.0.2.7", Detail: map[string]any{"urutan": i, "teks": "=1+1"}}); err != nil {
			t.Fatal(err)
		}
	}
	super := h.as(auth.RoleSuperadmin)
	today := time.Now().In(h.cfg.Location).Format(time.DateOnly)
	cases := []struct {
		name  string
		query string
		where string
		args  []any
		min   int64
	}{
		{"no filter: the whole log", "", "true", nil, 131},
		{"object type over two pages", "?objek=uji_ekspor", "object_type = 'uji_ekspor'", nil, 130},
		{"one object", "?objek=uji_ekspor:7", "object_type = 'uji_ekspor' AND object_id = '7'", nil, 1},
		{"action prefix and actor", "?aksi=auth.dito&nip=" + admin.NIP, "action LIKE 'auth.dito%' AND actor_nip = ?", []any{admin.NIP}, 1},
		{"days", "?objek=uji_ekspor&dari=" + today + "&sampai=" + today, "object_type = 'uji_ekspor'", nil, 130},
		{"days before: nothing", "?objek=uji_ekspor&sampai=2020-01-01", "false", nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, sh, rows := xlsxDownload(t, super, "/audit"+tc.query, "unduh-audit")
			var want []audit.Row
			if err := h.db.Where(tc.where, tc.args...).Order("id DESC").Find(&want).Error; err != nil {
				t.Fatal(err)
			}
			if int64(len(want)) < tc.min {
				t.Fatalf("database has %d rows, want at least %d", len(want), tc.min)
			}
			got, first := dataRows(t, rows, "#", 10)
			if len(got) != len(want) {
				t.Fatalf("download has %d rows, the database %d", len(got), len(want))
			}
			for i, w := range want {
				exp := []string{strconv.FormatInt(w.ID, 10), w.At.In(h.cfg.Location).Format("2006-01-02 15:04:05"), w.ActorNIP, w.Action,
					w.ObjectType, w.ObjectID, w.IP, w.Detail, w.PrevHash, w.Hash}
				if strings.Join(got[i], "|") != strings.Join(exp, "|") {
					t.Errorf("row %d: %q, want %q", i+1, got[i], exp)
				}
			}
			for i, w := range want {
				cellIs(t, f, sh, 1, first+i, false)
				if w.ActorNIP != "" {
					cellIs(t, f, sh, 3, first+i, true)
				}
				if w.Detail != "" {
					cellIs(t, f, sh, 8, first+i, true)
				}
			}
		})
	}
}
