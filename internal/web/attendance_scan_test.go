package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ekinerja/ekinerja/internal/attendance"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// attlogLine is one line as a ZKTeco machine writes it: the PIN padded to
// nine characters, then date-time, verify, state, workcode and reserved.
func attlogLine(pin, at string, state int) string {
	return fmt.Sprintf("%9s\t%s\t1\t%d\t0\t0\n", pin, at, state)
}

// registerMachine registers a machine through the page and returns its id.
func registerMachine(t *testing.T, h *harness, admin *client, serial, nama string) int64 {
	t.Helper()
	res := admin.postForm("/presensi/mesin", url.Values{"nomor_seri": {serial}, "nama": {nama}, "lokasi": {"Lantai 1"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("register %s: %d %s", serial, res.status, res.body)
	}
	return h.count(`SELECT id FROM mesin_presensi WHERE nomor_seri = ?`, serial)
}

type dinkesPerson struct {
	id  int64
	nip string
}

func dinkesPeople(t *testing.T, h *harness, n int) []dinkesPerson {
	t.Helper()
	var out []struct {
		ID  int64  `gorm:"column:id"`
		NIP string `gorm:"column:nip"`
	}
	if err := h.db.Raw(`SELECT p.id, p.nip FROM pegawai p JOIN opd o ON o.id = p.opd_id
WHERE o.kode = 'DINKES' AND p.keadaan = 'aktif' ORDER BY p.id LIMIT ?`, n).Scan(&out).Error; err != nil || len(out) < n {
		t.Fatalf("dinkes employees: %v %d", err, len(out))
	}
	ps := make([]dinkesPerson, n)
	for i, o := range out {
		ps[i] = dinkesPerson{o.ID, o.NIP}
	}
	return ps
}

// record returns the stored record of an employee and date as "in|out".
func (h *harness) record(pegawaiID int64, tanggal string) string {
	h.t.Helper()
	var r struct {
		In  *int32 `gorm:"column:jam_masuk"`
		Out *int32 `gorm:"column:jam_pulang"`
	}
	if err := h.db.Raw(`SELECT jam_masuk, jam_pulang FROM kehadiran WHERE pegawai_id = ? AND tanggal = ?`, pegawaiID, tanggal).Scan(&r).Error; err != nil {
		h.t.Fatal(err)
	}
	f := func(c *int32) string {
		if c == nil {
			return "-"
		}
		return attendance.Clock(*c).String()
	}
	return f(r.In) + "|" + f(r.Out)
}

func TestImportScansTwoMachines(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.as(auth.RoleAdminOPD)
	a := registerMachine(t, h, admin, "AEH2193360123", "Lobi utama")
	b := registerMachine(t, h, admin, "BOCK201760045", "Gedung B")
	ps := dinkesPeople(t, h, 3)
	e1, e2, e3 := ps[0], ps[1], ps[2]

	// Machine A's user list (the desktop software's export, ';' separated,
	// a NIP column the admin filled in; PIN 9 is a guest with no NIP).
	users := "No.;Nama;NIP\n1;Pegawai Satu;" + e1.nip + "\n2;Pegawai Dua;" + e2.nip + "\n3;Pegawai Tiga;" + e3.nip + "\n9;Tamu;\n"
	res := admin.postFile(fmt.Sprintf("/presensi/mesin/%d/pengguna", a), "pengguna.csv", []byte(users), nil)
	if res.status != http.StatusOK || !strings.Contains(res.body, "Peta PIN disimpan: 3 dipetakan") {
		t.Fatalf("user list: %d %s", res.status, res.body)
	}
	// Machine B's map is typed on its page (its PINs differ from A's).
	res = admin.postForm(fmt.Sprintf("/presensi/mesin/%d/pin", b), url.Values{"nip_101": {e1.nip}, "nip_102": {e2.nip}})
	if res.status != http.StatusOK {
		t.Fatalf("pin map: %d %s", res.status, res.body)
	}
	// An NIP of another OPD is refused, nothing changes.
	bkpsdmNIP := ""
	h.db.Raw(`SELECT p.nip FROM pegawai p JOIN opd o ON o.id = p.opd_id WHERE o.kode = 'BKPSDM' ORDER BY p.id LIMIT 1`).Scan(&bkpsdmNIP)
	res = admin.postForm(fmt.Sprintf("/presensi/mesin/%d/pin", b), url.Values{"nip_103": {bkpsdmNIP}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "bukan pegawai OPD ini") {
		t.Fatalf("foreign NIP: %d", res.status)
	}
	if n := h.count(`SELECT count(*) FROM mesin_pin WHERE mesin_id = ?`, b); n != 2 {
		t.Fatalf("machine B pins after refusal: %d", n)
	}

	// October 2026: Thu 1, Fri 2, Mon 5, Tue 6; 07:30-16:00, Fridays to 16:30.
	// Machine A's file: out of order, a duplicate line, a double tap, an
	// unmapped PIN; named the way ZKTeco names its USB export.
	fileA := attlogLine("2", "2026-10-01 16:05:00", 1) + // E2's out before its in
		attlogLine("1", "2026-10-01 07:30:59", 0) +
		attlogLine("1", "2026-10-01 07:30:59", 0) + // duplicate line
		attlogLine("1", "2026-10-01 07:31:10", 0) + // double tap
		attlogLine("2", "2026-10-01 12:00:00", 2) + // break out: neither first nor last
		attlogLine("2", "2026-10-01 07:10:00", 0) +
		attlogLine("1", "2026-10-02 07:31:00", 0) +
		attlogLine("1", "2026-10-05 15:30:00", 1) +
		attlogLine("2", "2026-10-02 07:20:00", 1) + // only scan, wrong key: still the time in
		attlogLine("2", "2026-10-05 14:00:00", 1) + // only scan, inside the window, "out"
		attlogLine("2", "2026-10-06 07:25:00", 0) +
		attlogLine("2", "2026-10-06 07:26:00", 0) + // double tap: one touch
		attlogLine("3", "2026-10-01 09:00:00", 0) +
		attlogLine("3", "2026-10-01 16:10:00", 1) +
		attlogLine("9", "2026-10-01 08:00:00", 0) +
		attlogLine("9", "2026-10-01 17:00:00", 1) +
		"\n"
	// Machine B's file: the other half of E1's days, an unknown PIN.
	fileB := attlogLine("101", "2026-10-06 15:29:00", 1) +
		attlogLine("101", "2026-10-01 16:00:00", 1) +
		attlogLine("101", "2026-10-02 16:30:00", 1) +
		attlogLine("101", "2026-10-05 08:00:59", 0) +
		attlogLine("101", "2026-10-06 08:01:00", 0) +
		attlogLine("999", "2026-10-02 07:00:00", 0)

	res = admin.postFile("/presensi/mesin/impor", "AEH2193360123_attlog.dat", []byte(fileA), url.Values{"mesin_id": {"0"}})
	if res.status != http.StatusOK || !strings.Contains(res.body, "Berkas diimpor: 16 scan, 15 baru, 1 duplikat") {
		t.Fatalf("import A: %d %s", res.status, res.body)
	}
	if !strings.Contains(res.body, `id="pin-belum-dipetakan"`) || !strings.Contains(res.body, "<td>9</td>") {
		t.Errorf("unmapped PIN 9 not listed")
	}
	res = admin.postFile("/presensi/mesin/impor", "mesin-b.dat", []byte(fileB), url.Values{"mesin_id": {itoa(b)}})
	if res.status != http.StatusOK || !strings.Contains(res.body, "6 scan, 6 baru, 0 duplikat") || !strings.Contains(res.body, "<td>999</td>") {
		t.Fatalf("import B: %d %s", res.status, res.body)
	}

	// The paired records: first in and last out over both machines.
	want := []struct {
		who     dinkesPerson
		tanggal string
		rec     string
	}{
		{e1, "2026-10-01", "07:30:59|16:00"},
		{e1, "2026-10-02", "07:31|16:30"},
		{e1, "2026-10-05", "08:00:59|15:30"},
		{e1, "2026-10-06", "08:01|15:29"},
		{e2, "2026-10-01", "07:10|16:05"},
		{e2, "2026-10-02", "07:20|-"},
		{e2, "2026-10-05", "-|14:00"},
		{e2, "2026-10-06", "07:25|-"},
		{e3, "2026-10-01", "09:00|16:10"},
	}
	for _, w := range want {
		if got := h.record(w.who.id, w.tanggal); got != w.rec {
			t.Errorf("%s %s: record %s, want %s", w.who.nip, w.tanggal, got, w.rec)
		}
	}
	if n := h.count(`SELECT count(*) FROM kehadiran`); n != int64(len(want)) {
		t.Errorf("records: %d, want %d", n, len(want))
	}

	// Judged as the recap (and so the TPP) judges, to the minute at the band edges.
	ctx := context.Background()
	month := tpp.Period{Year: 2026, Month: 10}
	bands, err := h.srv.attendanceBands(ctx, month)
	if err != nil {
		t.Fatal(err)
	}
	judged := map[string]string{
		e1.nip + " 2026-10-01": "",         // 07:30:59 is not a minute late; 16:00 on time
		e1.nip + " 2026-10-02": "TL1",      // 07:31:00: one minute
		e1.nip + " 2026-10-05": "TL1 PSW1", // 30 minutes late, 30 early: top of band 1
		e1.nip + " 2026-10-06": "TL2 PSW2", // 31 and 31: band 2
		e2.nip + " 2026-10-01": "",         // the 12:00 break scan changes nothing
		e2.nip + " 2026-10-02": "PSW4",     // no time out
		e2.nip + " 2026-10-05": "TL4 PSW4", // no time in; 14:00 is 120 minutes early: beyond band 3
		e2.nip + " 2026-10-06": "PSW4",     // double tap in, no out
		e3.nip + " 2026-10-01": "TL3",      // 90 minutes: top of band 3
	}
	st := h.srv.attendance()
	for _, who := range ps {
		m, err := st.EmployeeMonth(ctx, who.id, 2026, time.October, bands)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range m.Days {
			want, ok := judged[who.nip+" "+d.Date.String()]
			if !ok {
				continue
			}
			if d.Status != attendance.StatusHadir {
				t.Errorf("%s %s: status %s", who.nip, d.Date, d.Status)
			}
			if got := strings.Join(d.Codes(), " "); got != want {
				t.Errorf("%s %s: judged %q, want %q (late %d, early %d)", who.nip, d.Date, got, want, d.LateMinutes, d.EarlyMinutes)
			}
		}
	}

	// Both files again: nothing changes twice.
	before := h.count(`SELECT count(*) FROM audit_log`)
	res = admin.postFile("/presensi/mesin/impor", "AEH2193360123_attlog.dat", []byte(fileA), nil)
	if !strings.Contains(res.body, "16 scan, 0 baru, 16 duplikat") || !strings.Contains(res.body, "Ditambah 0, diubah 0") {
		t.Errorf("reimport A: %s", res.body)
	}
	res = admin.postFile("/presensi/mesin/impor", "b.dat", []byte(fileB), url.Values{"mesin_id": {itoa(b)}})
	if !strings.Contains(res.body, "0 baru, 6 duplikat") || !strings.Contains(res.body, "Ditambah 0, diubah 0") {
		t.Errorf("reimport B: %s", res.body)
	}
	if n := h.count(`SELECT count(*) FROM scan_presensi`); n != 21 {
		t.Errorf("stored scans: %d, want 21", n)
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = 'presensi.impor_scan'`); n != 4 || h.count(`SELECT count(*) FROM audit_log`) != before+2 {
		t.Errorf("scan imports audited: %d", n)
	}
	// An overlapping file (1 and 7 October): only the new day changes.
	overlap := attlogLine("1", "2026-10-01 07:30:59", 0) + attlogLine("1", "2026-10-07 07:29:00", 0) + attlogLine("1", "2026-10-07 16:01:00", 1)
	res = admin.postFile("/presensi/mesin/impor", "AEH2193360123_attlog.dat", []byte(overlap), nil)
	if !strings.Contains(res.body, "3 scan, 2 baru, 1 duplikat") || !strings.Contains(res.body, "Ditambah 1, diubah 0") {
		t.Errorf("overlap: %s", res.body)
	}
	if got := h.record(e1.id, "2026-10-01"); got != "07:30:59|16:00" {
		t.Errorf("overlap changed 1 October: %s", got)
	}

	// Mapping the guest PIN later and importing again pairs its stored scans.
	res = admin.postForm(fmt.Sprintf("/presensi/mesin/%d/pin", a), url.Values{"nip_9": {h.dinkesNIPNotIn(ps)}})
	if res.status != http.StatusOK {
		t.Fatalf("map PIN 9: %d %s", res.status, res.body)
	}
	res = admin.postFile("/presensi/mesin/impor", "AEH2193360123_attlog.dat", []byte(fileA), nil)
	if !strings.Contains(res.body, "Ditambah 1, diubah 0") {
		t.Errorf("after mapping PIN 9: %s", res.body)
	}

	// A bad line refuses the file; skipping it imports the rest.
	bad := attlogLine("1", "2026-10-08 07:20:00", 0) + "1\t2026-13-08 07:20:00\t1\t0\n" + attlogLine("1", "2099-01-01 07:00:00", 0)
	n0 := h.count(`SELECT count(*) FROM scan_presensi`)
	res = admin.postFile("/presensi/mesin/impor", "AEH2193360123_attlog.dat", []byte(bad), nil)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "2 dari 3 baris salah") ||
		!strings.Contains(res.body, "tanggal tidak valid") || !strings.Contains(res.body, "masa depan") {
		t.Fatalf("bad file: %d %s", res.status, res.body)
	}
	if h.count(`SELECT count(*) FROM scan_presensi`) != n0 {
		t.Error("a refused file stored scans")
	}
	res = admin.postFile("/presensi/mesin/impor", "AEH2193360123_attlog.dat", []byte(bad), url.Values{"lewati": {"1"}})
	if res.status != http.StatusOK || h.record(e1.id, "2026-10-08") != "07:20|-" {
		t.Errorf("skip bad rows: %d %s", res.status, h.record(e1.id, "2026-10-08"))
	}
	// Without a machine the file is refused with a reason.
	res = admin.postFile("/presensi/mesin/impor", "log.dat", []byte(fileB), nil)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "pilih mesin asal berkas") {
		t.Errorf("no machine: %d", res.status)
	}

	// The machine page lists what is left unmapped (PIN 999 of machine B).
	res = admin.get(fmt.Sprintf("/presensi/mesin/%d", b))
	if res.status != http.StatusOK || !strings.Contains(res.body, `id="pin-belum"`) || !strings.Contains(res.body, "<td>999</td>") {
		t.Errorf("machine page: %d", res.status)
	}
}

// dinkesNIPNotIn is a DINKES employee outside ps.
func (h *harness) dinkesNIPNotIn(ps []dinkesPerson) string {
	h.t.Helper()
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.id
	}
	var nip string
	if err := h.db.Raw(`SELECT p.nip FROM pegawai p JOIN opd o ON o.id = p.opd_id WHERE o.kode = 'DINKES' AND p.keadaan = 'aktif' AND p.id NOT IN ? ORDER BY p.id LIMIT 1`, ids).Scan(&nip).Error; err != nil || nip == "" {
		h.t.Fatalf("another DINKES employee: %v", err)
	}
	return nip
}

// TestMachineIDOR: another OPD's machine is refused on every machine route
// and nothing changes.
func TestMachineIDOR(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	bkpsdm := h.count(`SELECT id FROM opd WHERE kode = 'BKPSDM'`)
	var other int64
	if err := h.db.Raw(`INSERT INTO mesin_presensi (opd_id, nomor_seri, nama) VALUES (?, 'BKPSDM0001', 'Mesin BKPSDM') RETURNING id`, bkpsdm).Scan(&other).Error; err != nil {
		t.Fatal(err)
	}
	h.db.Exec(`INSERT INTO mesin_pin (mesin_id, pin) VALUES (?, '1')`, other)
	nip := dinkesPeople(t, h, 1)[0].nip
	admin := h.as(auth.RoleAdminOPD)
	id := itoa(other)
	snapshot := func() string {
		var s string
		h.db.Raw(`SELECT coalesce((SELECT string_agg(pin || ':' || coalesce(pegawai_id::text, ''), ',') FROM mesin_pin), '') ||
  (SELECT count(*) FROM scan_presensi)::text || (SELECT nama FROM mesin_presensi WHERE id = ?)`, other).Scan(&s)
		return s
	}
	before := snapshot()
	for _, tc := range []struct {
		name string
		res  func() response
	}{
		{"page", func() response { return admin.get("/presensi/mesin/" + id) }},
		{"edit", func() response {
			return admin.postForm("/presensi/mesin/"+id, url.Values{"nomor_seri": {"BKPSDM0001"}, "nama": {"Diambil"}})
		}},
		{"pin map", func() response { return admin.postForm("/presensi/mesin/"+id+"/pin", url.Values{"nip_1": {nip}}) }},
		{"user list", func() response {
			return admin.postFile("/presensi/mesin/"+id+"/pengguna", "u.csv", []byte("PIN,NIP\n1,"+nip+"\n"), nil)
		}},
		{"scan import", func() response {
			return admin.postFile("/presensi/mesin/impor", "x.dat", []byte(attlogLine("1", "2026-10-01 07:00:00", 0)), url.Values{"mesin_id": {id}})
		}},
		{"serial in file name", func() response {
			return admin.postFile("/presensi/mesin/impor", "BKPSDM0001_attlog.dat", []byte(attlogLine("1", "2026-10-01 07:00:00", 0)), nil)
		}},
	} {
		res := tc.res()
		if res.status != http.StatusForbidden && res.status != http.StatusNotFound && res.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d", tc.name, res.status)
		}
		if strings.Contains(res.body, "Mesin BKPSDM") {
			t.Errorf("%s: shows the other OPD's machine", tc.name)
		}
	}
	if after := snapshot(); after != before {
		t.Errorf("other OPD's machine changed: %q -> %q", before, after)
	}
	// The other roles never reach the pages (the matrix test covers every role).
	if res := h.as(auth.RoleVerifikator).get("/presensi/mesin/" + id); res.status != http.StatusForbidden {
		t.Errorf("verifikator: %d", res.status)
	}
}

// TestScanImportsJudgeLikeCSV imports the same month of DINKES three ways:
// the daily CSV (paired in and out), the machine's attlog (one line per scan,
// with break scans and duplicates) and the desktop software's .xlsx scan
// list (Excel date-time cells, C/In and C/Out states, a serial column); the
// stored records and the judged recap must be identical.
func TestScanImportsJudgeLikeCSV(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.as(auth.RoleAdminOPD)
	ctx := context.Background()
	dinkes := h.count(`SELECT id FROM opd WHERE kode = 'DINKES'`)
	mesin := registerMachine(t, h, admin, "CKUX202110001", "Lobi")
	st := h.srv.attendance()
	var csv bytes.Buffer
	if err := st.DemoCSV(ctx, &csv, dinkes, 2026, time.October); err != nil {
		t.Fatal(err)
	}

	// PIN i+1 for the i-th NIP of the file, imported as the machine's user list.
	pinOf := map[string]string{}
	users := "PIN,Nama,NIP\n"
	lines := strings.Split(strings.TrimSpace(csv.String()), "\n")[1:]
	for _, l := range lines {
		nip := strings.Split(l, ",")[0]
		if _, ok := pinOf[nip]; !ok {
			pinOf[nip] = strconv.Itoa(len(pinOf) + 1)
			users += pinOf[nip] + ",Pegawai," + nip + "\n"
		}
	}
	if res := admin.postFile(fmt.Sprintf("/presensi/mesin/%d/pengguna", mesin), "users.csv", []byte(users), nil); res.status != http.StatusOK {
		t.Fatalf("user list: %d", res.status)
	}

	// The same days as scans: attlog lines in reverse order (machines append,
	// exports get merged), a break scan at noon and a repeated line.
	type scan struct {
		pin   string
		at    time.Time
		state int
	}
	var scans []scan
	for i, l := range lines {
		f := strings.Split(l, ",")
		d, _ := time.Parse("2006-01-02", f[1])
		at := func(hm string) time.Time {
			c, err := attendance.ParseClock(hm)
			if err != nil {
				t.Fatal(err)
			}
			return d.Add(time.Duration(c) * time.Second)
		}
		pin := pinOf[f[0]]
		scans = append(scans, scan{pin, at(f[2]), 0})
		if f[3] != "" {
			scans = append(scans, scan{pin, at(f[3]), 1})
			if i%3 == 0 {
				scans = append(scans, scan{pin, at("12:00"), 2})
			}
		}
		if i%7 == 0 {
			scans = append(scans, scan{pin, at(f[2]), 0})
		}
	}
	var attlog strings.Builder
	for i := len(scans) - 1; i >= 0; i-- {
		attlog.WriteString(attlogLine(scans[i].pin, scans[i].at.Format("2006-01-02 15:04:05"), scans[i].state))
	}
	x := excelize.NewFile()
	sh := x.GetSheetName(0)
	_ = x.SetSheetRow(sh, "A1", &[]any{"Laporan Log Scan Oktober 2026"})
	_ = x.SetSheetRow(sh, "A3", &[]any{"No.", "AC-No.", "Nama", "Waktu", "Status", "SN"})
	for i, s := range scans {
		state := "C/In"
		if s.state == 1 {
			state = "C/Out"
		} else if s.state == 2 {
			state = "Break Out"
		}
		_ = x.SetSheetRow(sh, fmt.Sprintf("A%d", i+4), &[]any{i + 1, s.pin, "Pegawai", s.at, state, "CKUX202110001"})
	}
	var xlsx bytes.Buffer
	if _, err := x.WriteTo(&xlsx); err != nil {
		t.Fatal(err)
	}

	bands, err := h.srv.attendanceBands(ctx, tpp.Period{Year: 2026, Month: 10})
	if err != nil {
		t.Fatal(err)
	}
	snapshot := func(how string) (string, string) {
		var recs string
		if err := h.db.Raw(`SELECT coalesce(string_agg(pegawai_id || ' ' || tanggal || ' ' || coalesce(jam_masuk::text, '-') || ' ' || coalesce(jam_pulang::text, '-'), ';' ORDER BY pegawai_id, tanggal), '') FROM kehadiran`).Scan(&recs).Error; err != nil {
			t.Fatal(err)
		}
		rows, err := st.OPDRecap(ctx, dinkes, 2026, time.October, bands)
		if err != nil {
			t.Fatal(err)
		}
		j, _ := json.Marshal(rows)
		if len(recs) < 1000 {
			t.Fatalf("%s: too few records: %q", how, recs)
		}
		return recs, string(j)
	}
	reset := func() {
		for _, q := range []string{`DELETE FROM kehadiran`, `DELETE FROM scan_presensi`} {
			if err := h.db.Exec(q).Error; err != nil {
				t.Fatal(err)
			}
		}
	}

	res := admin.postFile("/presensi/impor", "oktober.csv", csv.Bytes(), nil)
	if res.status != http.StatusOK {
		t.Fatalf("csv: %d", res.status)
	}
	csvRecs, csvRecap := snapshot("csv")
	reset()
	res = admin.postFile("/presensi/mesin/impor", "CKUX202110001_attlog.dat", []byte(attlog.String()), nil)
	if res.status != http.StatusOK {
		t.Fatalf("attlog: %d %s", res.status, res.body)
	}
	attRecs, attRecap := snapshot("attlog")
	reset()
	res = admin.postFile("/presensi/mesin/impor", "scan-oktober.xlsx", xlsx.Bytes(), nil)
	if res.status != http.StatusOK {
		t.Fatalf("xlsx: %d %s", res.status, res.body)
	}
	xRecs, xRecap := snapshot("xlsx")

	if attRecs != csvRecs || xRecs != csvRecs {
		t.Errorf("records differ: csv %d bytes, attlog equal %v, xlsx equal %v", len(csvRecs), attRecs == csvRecs, xRecs == csvRecs)
	}
	if attRecap != csvRecap || xRecap != csvRecap {
		t.Errorf("recaps differ: attlog equal %v, xlsx equal %v", attRecap == csvRecap, xRecap == csvRecap)
	}
	// The month is not trivially on time: the comparison covers every band.
	rows, err := st.OPDRecap(ctx, dinkes, 2026, time.October, bands)
	if err != nil {
		t.Fatal(err)
	}
	var tl, psw [4]int
	noOut := 0
	for _, r := range rows {
		for i := range 4 {
			tl[i] += r.Recap.TL[i]
			psw[i] += r.Recap.PSW[i]
		}
		noOut += r.Recap.PSWNoRecord
	}
	if tl[0] == 0 || tl[1] == 0 || tl[3] == 0 || psw[0] == 0 || noOut == 0 {
		t.Errorf("the month exercises too little: TL %v PSW %v, no time out %d", tl, psw, noOut)
	}
}
