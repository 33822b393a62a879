package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// TestBankAccountChangeNeedsASecondPerson: an admin_opd's change of an
// employee's bank account on the employee form is a proposal: the employee
// keeps the old account (and is told), the proposer cannot confirm or
// refuse it (403, nothing changed), a verifikator confirms it (the account
// applies, audited) or a proposal stays open; two people deciding at once
// change it once (the other 409); the bank file of the month's claim pays
// the confirmed account only, the old one while a proposal waits, and holds
// an employee whose only account is still unconfirmed, with that reason.
func TestBankAccountChangeNeedsASecondPerson(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	admin, verif := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator)
	// Everyone in Dinkes has a confirmed account to start with.
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = 'Bank Bengkulu', bank_rekening = '00' || id::text || '12345', bank_atas_nama = nama`).Error; err != nil {
		t.Fatal(err)
	}
	var others []int64
	th.db.Raw(`SELECT DISTINCT p.id FROM pegawai p JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id AND rj.jenis = 'definitif' AND rj.selesai IS NULL
JOIN jabatan j ON j.id = rj.jabatan_id WHERE j.opd_id = ? AND p.id <> ? AND p.keadaan = 'aktif' ORDER BY p.id LIMIT 2`, th.dinkes, th.pegawaiID).Scan(&others)
	if len(others) != 2 {
		t.Fatalf("other Dinkes employees: %v", others)
	}
	confirmed, waiting, none := th.pegawaiID, others[0], others[1]
	// "none" had no account at all.
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = '', bank_rekening = '', bank_atas_nama = '' WHERE id = ?`, none).Error; err != nil {
		t.Fatal(err)
	}
	oldAccount := func(id int64) string { return fmt.Sprintf("00%d12345", id) }
	newAccount := map[int64]string{confirmed: "7788990011", waiting: "5566778899", none: "4433221100"}

	formFor := func(id int64) url.Values {
		var cur struct {
			NIP          string `gorm:"column:nip"`
			Nama         string `gorm:"column:nama"`
			Golongan     string `gorm:"column:golongan"`
			StatusASN    string `gorm:"column:status_asn"`
			Keadaan      string `gorm:"column:keadaan"`
			BankNama     string `gorm:"column:bank_nama"`
			BankRekening string `gorm:"column:bank_rekening"`
			BankAtasNama string `gorm:"column:bank_atas_nama"`
			NPWP         string `gorm:"column:npwp"`
		}
		th.db.Raw(`SELECT nip, nama, golongan, status_asn, keadaan, bank_nama, bank_rekening, bank_atas_nama, npwp FROM pegawai WHERE id = ?`, id).Scan(&cur)
		return url.Values{"nip": {cur.NIP}, "nama": {cur.Nama}, "status_asn": {cur.StatusASN}, "golongan": {cur.Golongan}, "keadaan": {cur.Keadaan},
			"tugas_belajar": {"tidak"}, "bank_nama": {cur.BankNama}, "bank_rekening": {cur.BankRekening}, "bank_atas_nama": {cur.BankAtasNama}, "npwp": {cur.NPWP}}
	}
	stored := func(id int64) string {
		var s string
		th.db.Raw(`SELECT bank_rekening FROM pegawai WHERE id = ?`, id).Scan(&s)
		return s
	}
	proposal := func(id int64) int64 {
		return th.count(`SELECT coalesce(max(id), 0) FROM pegawai_bank_usulan WHERE pegawai_id = ? AND status = 'menunggu'`, id)
	}
	decide := func(c *client, id, usulan int64, putusan string) response {
		return c.postForm(fmt.Sprintf("/pegawai/%d/rekening/konfirmasi", id), url.Values{"usulan": {itoa(usulan)}, "putusan": {putusan}})
	}

	for _, id := range []int64{confirmed, waiting, none} {
		f := formFor(id)
		f.Set("bank_nama", "Bank Nusantara")
		f.Set("bank_rekening", newAccount[id])
		f.Set("bank_atas_nama", "Pemilik Baru")
		res := admin.postForm(fmt.Sprintf("/pegawai/%d", id), f)
		if res.status != http.StatusSeeOther || !strings.Contains(res.header.Get("Location"), "rekening_diusulkan") {
			t.Fatalf("propose for %d: %d %s %s", id, res.status, res.header.Get("Location"), errorsIn(res.body))
		}
		if got := stored(id); got == newAccount[id] {
			t.Fatalf("employee %d: the proposed account applied without a second person", id)
		}
		if proposal(id) == 0 || th.count(`SELECT count(*) FROM audit_log WHERE action = 'org.rekening_usul' AND object_id = ?`, itoa(id)) != 1 {
			t.Fatalf("employee %d: no open proposal or no audit row", id)
		}
	}
	// The employee (the demo pegawai is "confirmed") is told of the proposal.
	if body := th.as(auth.RolePegawai).get("/").body; !strings.Contains(body, "Perubahan rekening bank Anda") || !strings.Contains(body, "menunggu konfirmasi") {
		t.Error("the employee is not told about the proposed bank account")
	}
	// The detail page shows the proposal; the confirm form is for others.
	if body := admin.get(fmt.Sprintf("/pegawai/%d", confirmed)).body; !strings.Contains(body, "usulan-rekening") || strings.Contains(body, "/rekening/konfirmasi") {
		t.Error("the proposer's page: proposal not shown, or the confirm form offered to the proposer")
	}
	// The verifikator's home names the proposals waiting; the proposer's does not.
	if body := verif.get("/").body; !strings.Contains(body, "Usulan rekening bank menunggu konfirmasi Anda") {
		t.Error("the verifikator's home does not show the proposals to confirm")
	}
	if body := admin.get("/").body; strings.Contains(body, "Usulan rekening bank menunggu konfirmasi Anda") {
		t.Error("the proposer's home asks them to confirm their own proposals")
	}
	if body := verif.get(fmt.Sprintf("/pegawai/%d", confirmed)).body; !strings.Contains(body, "/rekening/konfirmasi") || !strings.Contains(body, newAccount[confirmed]) {
		t.Error("the verifikator is not offered the proposal to confirm")
	}

	// The proposer can neither confirm nor refuse it.
	auditBefore := th.count(`SELECT count(*) FROM audit_log`)
	for _, putusan := range []string{"konfirmasi", "tolak"} {
		if res := decide(admin, confirmed, proposal(confirmed), putusan); res.status != http.StatusForbidden {
			t.Errorf("proposer %s: %d, want 403", putusan, res.status)
		}
	}
	if stored(confirmed) != oldAccount(confirmed) || proposal(confirmed) == 0 || th.count(`SELECT count(*) FROM audit_log WHERE action LIKE 'org.rekening_%' AND id > ?`, auditBefore) != 0 {
		t.Fatal("a refused self-confirmation changed something")
	}
	// Unknown proposal or no decision: 409, nothing changed.
	if res := decide(verif, confirmed, proposal(confirmed)+1000, "konfirmasi"); res.status != http.StatusConflict {
		t.Errorf("unknown proposal: %d, want 409", res.status)
	}
	if res := decide(verif, confirmed, proposal(confirmed), ""); res.status != http.StatusConflict {
		t.Errorf("no decision: %d, want 409", res.status)
	}

	// Two verifikator sessions confirm at once: one applies, the other 409.
	u := proposal(confirmed)
	c2 := th.as(auth.RoleVerifikator)
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i, c := range []*client{verif, c2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = decide(c, confirmed, u, "konfirmasi").status
		}()
	}
	wg.Wait()
	if !(codes[0] == http.StatusSeeOther && codes[1] == http.StatusConflict || codes[0] == http.StatusConflict && codes[1] == http.StatusSeeOther) {
		t.Fatalf("concurrent confirmations: %v, want one 303 and one 409", codes)
	}
	if stored(confirmed) != newAccount[confirmed] || th.count(`SELECT count(*) FROM audit_log WHERE action = 'org.rekening_konfirmasi' AND object_id = ?`, itoa(confirmed)) != 1 {
		t.Fatal("confirmation did not apply the account once, audited")
	}
	if body := th.as(auth.RolePegawai).get("/").body; !strings.Contains(body, "dikonfirmasi") {
		t.Error("the employee is not told about the confirmation")
	}

	// The month's claim: confirmed account, old account while waiting, held without one.
	month := defaultMonth(time.Now()).Param()
	if res := admin.postForm("/tpp/klaim/hitung", url.Values{"opd_id": {itoa(th.dinkes)}, "bulan": {month}}); res.status != http.StatusSeeOther {
		t.Fatalf("compute: %d %s", res.status, res.body)
	}
	id := th.count(`SELECT id FROM tpp_claim WHERE opd_id = ?`, th.dinkes)
	var held struct {
		Net      int64
		Bank     string `gorm:"column:bank_rekening"`
		Warnings string
	}
	th.db.Raw(`SELECT net, bank_rekening, warnings FROM tpp_claim_pegawai WHERE claim_id = ? AND pegawai_id = ?`, id, none).Scan(&held)
	if held.Net <= 0 || held.Bank != "" || !strings.Contains(held.Warnings, claim.WarnBankPending) {
		t.Fatalf("employee without a confirmed account: %+v", held)
	}
	if body := admin.get(fmt.Sprintf("/tpp/klaim/%d", id)).body; !strings.Contains(body, "menunggu konfirmasi orang kedua") {
		t.Error("the claim page does not say why the employee is held")
	}
	for _, step := range []struct {
		c    *client
		path string
	}{{admin, "ajukan"}, {verif, "verifikasi"}, {verif, "setujui"}} {
		if r := step.c.postForm(fmt.Sprintf("/tpp/klaim/%d/%s", id, step.path), ackClaim(t, step.c, id, step.path, nil)); r.status != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", step.path, r.status, r.body)
		}
	}
	res := verif.get(fmt.Sprintf("/tpp/klaim/%d/bank.csv", id))
	if res.status != http.StatusOK {
		t.Fatalf("bank.csv: %d %s", res.status, res.body)
	}
	recs, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	accounts := map[string]bool{}
	for _, rec := range recs {
		if len(rec) > 0 {
			accounts[rec[0]] = true
		}
	}
	for _, c := range []struct {
		what    string
		account string
		want    bool
	}{
		{"confirmed new account", newAccount[confirmed], true},
		{"old account after confirmation", oldAccount(confirmed), false},
		{"old account while a proposal waits", oldAccount(waiting), true},
		{"unconfirmed proposed account", newAccount[waiting], false},
		{"unconfirmed first account", newAccount[none], false},
	} {
		if accounts[c.account] != c.want {
			t.Errorf("bank file: %s (%s) present = %v, want %v", c.what, c.account, accounts[c.account], c.want)
		}
	}

	// Another OPD's admin_opd cannot decide (out of scope); a second
	// admin_opd of Dinkes can: refusing keeps the old account, confirming
	// applies the new one.
	bkpsdmAdmin := th.extraAdminOPD("BKPSDM", "Admin!BKPSDM2026")
	if res := decide(bkpsdmAdmin, waiting, proposal(waiting), "konfirmasi"); res.status != http.StatusForbidden && res.status != http.StatusNotFound {
		t.Errorf("another OPD's admin_opd: %d, want 403/404", res.status)
	}
	second := th.extraAdminOPD("DINKES", "Admin!Kedua2026")
	if res := decide(second, waiting, proposal(waiting), "tolak"); res.status != http.StatusSeeOther {
		t.Fatalf("refuse: %d %s", res.status, res.body)
	}
	if stored(waiting) != oldAccount(waiting) || proposal(waiting) != 0 {
		t.Fatal("a refused proposal changed the account or stayed open")
	}
	if res := decide(second, none, proposal(none), "konfirmasi"); res.status != http.StatusSeeOther || stored(none) != newAccount[none] {
		t.Fatalf("second admin_opd confirms: %d, account %q", res.status, stored(none))
	}
}

// extraAdminOPD gives a Dinkes or BKPSDM employee without an account a login
// holding admin_opd of OPD kode, and returns a client signed in as them.
func (h *harness) extraAdminOPD(kode, password string) *client {
	h.t.Helper()
	hash, err := auth.NewHasher(fastArgon2, 1).Hash(context.Background(), password)
	if err != nil {
		h.t.Fatal(err)
	}
	var nip string
	if err := h.db.Raw(`WITH o AS (SELECT id FROM opd WHERE kode = ?),
p AS (SELECT pg.id, pg.nip FROM pegawai pg, o WHERE pg.opd_id = o.id AND NOT EXISTS (SELECT 1 FROM users u WHERE u.pegawai_id = pg.id) ORDER BY pg.id LIMIT 1),
u AS (INSERT INTO users (pegawai_id, nip, password_hash) SELECT id, nip, ? FROM p RETURNING id, nip),
r AS (INSERT INTO user_roles (user_id, role, opd_id) SELECT u.id, 'admin_opd', o.id FROM u, o)
SELECT nip FROM u`, kode, hash).Scan(&nip).Error; err != nil || nip == "" {
		h.t.Fatalf("extra admin_opd of %s: %v", kode, err)
	}
	c := h.client()
	if res := c.postForm("/masuk", url.Values{"nip": {nip}, "password": {password}}); res.status != http.StatusSeeOther {
		h.t.Fatalf("login extra admin_opd: %d", res.status)
	}
	return c
}

// errorsIn picks the field messages out of a refused form (for failures).
func errorsIn(body string) string {
	var out []string
	for _, part := range strings.Split(body, `-error"`)[1:] {
		if i := strings.Index(part, "<"); i > 0 {
			out = append(out, strings.TrimSpace(strings.TrimLeft(part[:i], "> \n")))
		}
	}
	return strings.Join(out, " | ")
}

// TestBankAccountChangeByImportIsAProposal: the employee import (the other
// way an admin_opd edits employees) turns a changed bank account of an
// existing employee into a proposal too: the rest of the row applies, the
// account stays until a second person confirms it.
func TestBankAccountChangeByImportIsAProposal(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.as(auth.RoleAdminOPD)
	l := login(t, auth.RolePegawai)
	var cur struct {
		ID           int64  `gorm:"column:id"`
		Nama         string `gorm:"column:nama"`
		StatusASN    string `gorm:"column:status_asn"`
		Golongan     string `gorm:"column:golongan"`
		Keadaan      string `gorm:"column:keadaan"`
		BankRekening string `gorm:"column:bank_rekening"`
		NPWP         string `gorm:"column:npwp"`
	}
	h.db.Raw(`SELECT id, nama, status_asn, golongan, keadaan, bank_rekening, npwp FROM pegawai WHERE nip = ?`, l.NIP).Scan(&cur)
	var jab struct {
		Kode  string    `gorm:"column:kode"`
		Mulai time.Time `gorm:"column:mulai"`
	}
	h.db.Raw(`SELECT j.kode, rj.mulai FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id
WHERE rj.pegawai_id = ? AND rj.jenis = 'definitif' AND rj.selesai IS NULL`, cur.ID).Scan(&jab)
	var buf strings.Builder
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"nip", "nama", "status_asn", "golongan", "opd_kode", "jabatan_kode", "tmt_jabatan", "keadaan", "tugas_belajar", "bank_nama", "bank_rekening", "bank_atas_nama", "npwp"})
	_ = w.Write([]string{l.NIP, cur.Nama + " Impor", cur.StatusASN, cur.Golongan, "DINKES", jab.Kode, jab.Mulai.Format(time.DateOnly), cur.Keadaan, "tidak", "Bank Nusantara", "9988776655", "Pemilik Lain", cur.NPWP})
	w.Flush()
	res := admin.postMultipart("/impor/pegawai", url.Values{}, "berkas", "pegawai.csv", []byte(buf.String()))
	if res.status != http.StatusOK {
		t.Fatalf("import: %d %s", res.status, res.body[strings.Index(res.body, "<main"):])
	}
	var after struct {
		Nama         string `gorm:"column:nama"`
		BankRekening string `gorm:"column:bank_rekening"`
	}
	h.db.Raw(`SELECT nama, bank_rekening FROM pegawai WHERE id = ?`, cur.ID).Scan(&after)
	if after.Nama != cur.Nama+" Impor" {
		t.Errorf("the rest of the row did not apply: nama %q", after.Nama)
	}
	if after.BankRekening != cur.BankRekening {
		t.Fatalf("the imported account applied without a second person: %q", after.BankRekening)
	}
	if n := h.count(`SELECT count(*) FROM pegawai_bank_usulan WHERE pegawai_id = ? AND status = 'menunggu' AND bank_rekening = '9988776655'`, cur.ID); n != 1 {
		t.Fatalf("open proposals from the import: %d", n)
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = 'org.rekening_usul' AND object_id = ? AND detail::jsonb ->> 'lewat' = 'impor'`, itoa(cur.ID)); n != 1 {
		t.Fatalf("proposal audit rows: %d", n)
	}
	verif := h.as(auth.RoleVerifikator)
	u := h.count(`SELECT id FROM pegawai_bank_usulan WHERE pegawai_id = ? AND status = 'menunggu'`, cur.ID)
	if r := verif.postForm(fmt.Sprintf("/pegawai/%d/rekening/konfirmasi", cur.ID), url.Values{"usulan": {itoa(u)}, "putusan": {"konfirmasi"}}); r.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", r.status)
	}
	if h.count(`SELECT count(*) FROM pegawai WHERE id = ? AND bank_rekening = '9988776655'`, cur.ID) != 1 {
		t.Fatal("the confirmed account did not apply")
	}
}
