package web

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/kinerja"
)

// primaryAction is the landing page's first action button.
var primaryAction = regexp.MustCompile(`<a id="aksi-utama" class="btn" href="([^"]*)">([^<]*)</a>`)

// TestLandingListsWorkOfEarlierOpenMonths: each role's home lists what
// waits for it in every month still open, not only the current one, with
// the role's primary action first. The work sits in the previous month
// (and, for TPP, the month before the default one).
func TestLandingListsWorkOfEarlierOpenMonths(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	h := th.harness
	now := time.Now().In(h.cfg.Location)
	thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	prev := thisMonth.AddDate(0, -1, 0)
	old := thisMonth.AddDate(0, -3, 0)
	// The previous month stays open until the 28th of this one.
	if err := h.db.Exec(`INSERT INTO pengaturan (kunci, nilai) VALUES (?, '28') ON CONFLICT (kunci) DO UPDATE SET nilai = '28'`, kinerja.SettingClosingDay).Error; err != nil {
		t.Fatal(err)
	}
	prevOpen := now.Day() <= 28
	pegawai := h.pegawaiID(auth.RolePegawai)
	rhk := h.count(`SELECT r.id FROM rhk r JOIN skp s ON s.id = r.skp_id WHERE s.pegawai_id = ? ORDER BY r.id LIMIT 1`, pegawai)
	ins := func(day time.Time, status string, n int) {
		for i := 0; i < n; i++ {
			if err := h.db.Exec(`INSERT INTO aktivitas (pegawai_id, rhk_id, tanggal, uraian, output_jumlah, output_satuan, menit, status, submitted_at, catatan)
VALUES (?, ?, ?, 'Menyusun laporan', 1, 'dokumen', 60, ?, CASE WHEN ? <> 'draft' THEN now() END, CASE WHEN ? = 'returned' THEN 'Lengkapi bukti' ELSE '' END)`,
				pegawai, rhk, day.AddDate(0, 0, i+1), status, status, status).Error; err != nil {
				t.Fatal(err)
			}
		}
	}
	countIn := func(re *regexp.Regexp, body string) int {
		m := re.FindStringSubmatch(body)
		if m == nil {
			return 0
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	fixRE, reviewRE := regexp.MustCompile(`Perbaiki (\d+) aktivitas dikembalikan`), regexp.MustCompile(`Tinjau (\d+) aktivitas`)
	fix0 := countIn(fixRE, h.as(auth.RolePegawai).get("/").body)
	review0 := countIn(reviewRE, h.as(auth.RoleAtasan).get("/").body)
	ins(prev, "returned", 2)  // returned last month, waiting until its closing
	ins(prev, "submitted", 3) // waiting for the atasan since last month
	ins(old, "returned", 1)   // a closed month: no longer the pegawai's to fix

	// TPP: a claim of the month before the default one, submitted by the
	// admin_opd (waits for the verifikator), and another OPD's returned.
	admin, verif := h.as(auth.RoleAdminOPD), h.as(auth.RoleVerifikator)
	earlier := defaultMonth(now).Prev()
	res := admin.postForm("/tpp/klaim/hitung", url.Values{"opd_id": {itoa(th.dinkes)}, "bulan": {earlier.Param()}})
	m := claimPath.FindStringSubmatch(res.header.Get("Location"))
	if res.status != http.StatusSeeOther || m == nil {
		t.Fatalf("compute %s: %d %s", earlier.Param(), res.status, res.body)
	}
	claimID, _ := strconv.ParseInt(m[1], 10, 64)
	th.ackStep(admin, claimID, "ajukan", nil)

	home := func(c *client) (string, string, string) {
		t.Helper()
		r := c.get("/")
		if r.status != http.StatusOK {
			t.Fatalf("home: %d", r.status)
		}
		pm := primaryAction.FindStringSubmatch(r.body)
		if pm == nil {
			return r.body, "", ""
		}
		return r.body, pm[2], pm[1]
	}
	monthName := func(t time.Time) string {
		return [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}[t.Month()-1] + " " + strconv.Itoa(t.Year())
	}

	t.Run("pegawai", func(t *testing.T) {
		body, label, href := home(h.as(auth.RolePegawai))
		if label != "Catat aktivitas" || href != "/kinerja/aktivitas/baru" {
			t.Errorf("primary action %q %q, want Catat aktivitas", label, href)
		}
		want := "Aktivitas " + monthName(prev) + " dikembalikan atasan"
		if got := strings.Contains(body, want); got != prevOpen {
			t.Errorf("home lists %q: %v, want %v", want, got, prevOpen)
		}
		if got := countIn(fixRE, body); prevOpen && got != fix0+2 {
			t.Errorf("action to fix %d returned aktivitas, want %d", got, fix0+2)
		}
		if strings.Contains(body, monthName(old)+" dikembalikan") {
			t.Error("a closed month's returned aktivitas is offered")
		}
		// Reopened by the verifikator: the old month is open again.
		if err := h.db.Exec(`INSERT INTO bulan_dibuka (pegawai_id, tahun, bulan, alasan, dibuka_oleh, berlaku_sampai) VALUES (?, ?, ?, 'koreksi', (SELECT id FROM users WHERE nip = ?), now() + interval '1 day')`,
			pegawai, old.Year(), int(old.Month()), login(t, auth.RoleVerifikator).NIP).Error; err != nil {
			t.Fatal(err)
		}
		body, _, _ = home(h.as(auth.RolePegawai))
		if !strings.Contains(body, "Aktivitas "+monthName(old)+" dikembalikan atasan") || !strings.Contains(body, "dibuka kembali oleh verifikator") {
			t.Error("the reopened month's returned aktivitas is not listed")
		}
	})
	t.Run("atasan", func(t *testing.T) {
		body, label, href := home(h.as(auth.RoleAtasan))
		if want := "Tinjau " + strconv.Itoa(review0+3) + " aktivitas"; label != want || href != "/kinerja/tinjau" {
			t.Errorf("primary action %q %q, want %q", label, href, want)
		}
		if !strings.Contains(body, "Aktivitas bawahan "+monthName(prev)+" menunggu tinjauan") {
			t.Error("last month's pending reviews are not listed")
		}
	})
	t.Run("verifikator", func(t *testing.T) {
		body, label, href := home(verif)
		if !strings.HasPrefix(label, "Tinjau ") || !strings.HasSuffix(label, " klaim TPP") || href != "/tpp/klaim/"+itoa(claimID) {
			t.Errorf("primary action %q %q, want the submitted claim of %s", label, href, earlier)
		}
		if !strings.Contains(body, "Klaim TPP "+earlier.String()) || !strings.Contains(body, "menunggu verifikasi") {
			t.Errorf("the claim submitted for %s is not listed", earlier)
		}
	})
	t.Run("admin_opd", func(t *testing.T) {
		if body, _, _ := home(admin); strings.Contains(body, "Klaim TPP "+earlier.String()) {
			t.Error("a submitted claim is listed as the admin's work")
		}
		th.claimStep(verif, claimID, "kembalikan", url.Values{"catatan": {"Rekening dua pegawai kosong"}})
		body, label, href := home(admin)
		if !strings.Contains(body, "Klaim TPP "+earlier.String()) || !strings.Contains(body, "Dikembalikan verifikator") {
			t.Errorf("the returned claim of %s is not listed", earlier)
		}
		if !strings.HasPrefix(label, "Proses ") || href != "/tpp/klaim/"+itoa(claimID) {
			t.Errorf("primary action %q %q, want the returned claim", label, href)
		}
	})
}

// TestLoginAcceptsNIPWithSpaces: the NIP as an ID card prints it (groups
// separated by spaces, or a pasted tab or no-break space) signs in; a wrong
// password with the spaced NIP is refused like any other.
func TestLoginAcceptsNIPWithSpaces(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	l := login(t, auth.RolePegawai)
	nip := l.NIP // 18 digits: 8 (lahir) 6 (TMT) 1 (jenis kelamin) 3 (urut)
	spaced := nip[:8] + " " + nip[8:14] + " " + nip[14:15] + " " + nip[15:]
	for _, tc := range []struct {
		name, nip, password string
		status              int
	}{
		{"as on the ID card", spaced, l.Password, http.StatusSeeOther},
		{"with a tab and a no-break space", nip[:8] + "\t" + nip[8:14] + "\u00a0" + nip[14:], l.Password, http.StatusSeeOther},
		{"leading and trailing blanks", "  " + nip + " ", l.Password, http.StatusSeeOther},
		{"spaced, wrong password", spaced, "salah-sandi-123", http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := h.client().postForm("/masuk", url.Values{"nip": {tc.nip}, "password": {tc.password}})
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			if tc.status == http.StatusUnauthorized && !strings.Contains(res.body, `value="`+nip+`"`) {
				t.Error("the form is not shown again with the NIP as stored")
			}
		})
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = 'auth.login' AND actor_nip = ?`, nip); n < 3 {
		t.Errorf("%d login audit rows under the stored NIP, want 3", n)
	}
}

// TestClosedMonthOffersNoLogging: the aktivitas page of a closed month says
// it is closed and how to get it reopened instead of offering "Catat
// aktivitas" (which the save would refuse); the current month and a month
// a verifikator reopened offer it.
func TestClosedMonthOffersNoLogging(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	now := time.Now().In(h.cfg.Location)
	thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	old := thisMonth.AddDate(0, -3, 0) // closed whatever the closing day (1-28)
	pegawai := h.pegawaiID(auth.RolePegawai)
	c := h.as(auth.RolePegawai)
	page := func(month time.Time) string {
		t.Helper()
		r := c.get("/kinerja/aktivitas?bulan=" + month.Format("2006-01"))
		if r.status != http.StatusOK {
			t.Fatalf("aktivitas %s: %d", month.Format("2006-01"), r.status)
		}
		return r.body
	}
	for _, tc := range []struct {
		name     string
		month    time.Time
		reopen   bool
		offers   bool
		notice   string
		noNotice string
	}{
		{"current month", thisMonth, false, true, "", `id="bulan-ditutup"`},
		{"closed month", old, false, false, `id="bulan-ditutup"`, ""},
		{"reopened month", old, true, true, `id="bulan-dibuka"`, `id="bulan-ditutup"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.reopen {
				if err := h.db.Exec(`INSERT INTO bulan_dibuka (pegawai_id, tahun, bulan, alasan, dibuka_oleh, berlaku_sampai) VALUES (?, ?, ?, 'aktivitas terlewat', (SELECT id FROM users WHERE nip = ?), now() + interval '1 day')`,
					pegawai, tc.month.Year(), int(tc.month.Month()), login(t, auth.RoleVerifikator).NIP).Error; err != nil {
					t.Fatal(err)
				}
			}
			body := page(tc.month)
			if got := strings.Contains(body, `id="aktivitas-baru"`); got != tc.offers {
				t.Errorf("offers Catat aktivitas: %v, want %v", got, tc.offers)
			}
			if tc.notice != "" && !strings.Contains(body, tc.notice) {
				t.Errorf("page lacks %s", tc.notice)
			}
			if tc.noNotice != "" && strings.Contains(body, tc.noNotice) {
				t.Errorf("page shows %s", tc.noNotice)
			}
			if !tc.offers && !strings.Contains(body, "minta verifikator membuka kembali") {
				t.Error("the closed month does not say how to get it reopened")
			}
		})
	}
}

// TestAktivitasFormKeepsUpload: when the aktivitas form comes back with an
// error elsewhere after a valid file was chosen, the file is held for the
// person (the form names it and carries its token), nothing is saved, a
// token sent by another user is refused, and the next valid submit without
// the file stores it on the new aktivitas.
func TestAktivitasFormKeepsUpload(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := h.demoKinerja()
	c := h.as(auth.RolePegawai)
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	before := h.count(`SELECT count(*) FROM aktivitas_bukti`)
	form := func(menit, token string) url.Values {
		return url.Values{"tanggal": {time.Now().In(h.cfg.Location).Format(time.DateOnly)}, "rhk_id": {strconv.FormatInt(d.rhk, 10)}, "uraian": {"Rapat koordinasi berkas"},
			"output_jumlah": {"1"}, "output_satuan": {"dokumen"}, "menit": {menit}, "bukti_token": {token}}
	}
	res := c.postMultipart("/kinerja/aktivitas", form("5000", ""), "bukti", "notulen.pdf", pdf)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422: %s", res.status, res.body)
	}
	if !regexp.MustCompile(`id="bukti-terlampir">Berkas terlampir: <strong>notulen.pdf</strong>`).MatchString(res.body) {
		t.Errorf("the page does not name the held file: %s", res.body)
	}
	m := regexp.MustCompile(`name="bukti_token" value="([^"]+)"`).FindStringSubmatch(res.body)
	if m == nil {
		t.Fatal("the form carries no token of the held file")
	}
	token := m[1]
	if n := h.count(`SELECT count(*) FROM aktivitas_bukti`); n != before {
		t.Errorf("evidence rows %d, want %d", n, before)
	}
	if n := h.count(`SELECT count(*) FROM bukti_tertunda WHERE user_id = (SELECT id FROM users WHERE nip = ?) AND kedaluwarsa > now()`, login(t, auth.RolePegawai).NIP); n != 1 {
		t.Fatalf("%d held files of the pegawai, want 1", n)
	}

	// Shown again with an error once more (no file this time): still held.
	res = c.postMultipart("/kinerja/aktivitas", form("0", token), "bukti", "", nil)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `value="`+token+`"`) || !strings.Contains(res.body, "notulen.pdf") {
		t.Fatalf("second error: status %d, token or name lost: %s", res.status, res.body)
	}

	// Another user's submit with the token: refused, the file stays held.
	other := h.as(auth.RoleAtasan).postMultipart("/kinerja/aktivitas", form("30", token), "bukti", "", nil)
	if other.status != http.StatusUnprocessableEntity || !strings.Contains(other.body, "Berkas terlampir tidak ditemukan") {
		t.Errorf("another user's token: status %d: %s", other.status, other.body)
	}
	if n := h.count(`SELECT count(*) FROM bukti_tertunda`); n != 1 {
		t.Errorf("%d held files after the other user's try, want 1", n)
	}

	res = c.postMultipart("/kinerja/aktivitas", form("60", token), "bukti", "", nil)
	if res.status != http.StatusSeeOther {
		t.Fatalf("valid submit: %d %s", res.status, res.body)
	}
	var got struct {
		Nama string
		Isi  []byte
	}
	if err := h.db.Raw(`SELECT b.nama_berkas AS nama, b.isi FROM aktivitas a JOIN aktivitas_bukti b ON b.aktivitas_id = a.id
WHERE a.pegawai_id = ? AND a.uraian = 'Rapat koordinasi berkas'`, h.pegawaiID(auth.RolePegawai)).Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	if got.Nama != "notulen.pdf" || !bytes.Equal(got.Isi, pdf) {
		t.Errorf("stored evidence %q (%d bytes), want notulen.pdf with the uploaded bytes", got.Nama, len(got.Isi))
	}
	if n := h.count(`SELECT count(*) FROM bukti_tertunda`); n != 0 {
		t.Errorf("%d held files after use, want 0", n)
	}
	// The token is used up: sending it again is refused.
	if res := c.postMultipart("/kinerja/aktivitas", form("30", token), "bukti", "", nil); res.status != http.StatusUnprocessableEntity {
		t.Errorf("a used token: status %d, want 422", res.status)
	}
}
