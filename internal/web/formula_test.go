package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestFormulaInjectionThroughFormAndBankFile: the employee form refuses a
// name, bank or account holder that starts with = + - @ TAB or CR (the
// import's rule), changing nothing; and the bank CSV the verifikator
// downloads neutralises such a value already stored (from before the rule)
// with a leading apostrophe.
func TestFormulaInjectionThroughFormAndBankFile(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	admin := th.as(auth.RoleAdminOPD)
	pid := th.pegawaiID
	var nip string
	th.db.Raw(`SELECT nip FROM pegawai WHERE id = ?`, pid).Scan(&nip)
	base := func() url.Values {
		return url.Values{"nip": {nip}, "nama": {"Maya Sari"}, "status_asn": {"PNS"}, "golongan": {"III/a"}, "keadaan": {"aktif"},
			"tugas_belajar": {"tidak"}, "bank_nama": {"Bank Bengkulu"}, "bank_rekening": {"0012345678"}, "bank_atas_nama": {"Maya Sari"}}
	}
	before := th.count(`SELECT count(*) FROM audit_log`)
	for _, field := range []string{"bank_atas_nama", "bank_nama", "nama"} {
		for _, v := range []string{`=HYPERLINK("https://evil.example","Klik")`, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "  =1"} {
			f := base()
			f.Set(field, v)
			res := admin.postForm(fmt.Sprintf("/pegawai/%d", pid), f)
			if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "injeksi formula") {
				t.Errorf("%s = %q: status %d", field, v, res.status)
			}
		}
	}
	if n := th.count(`SELECT count(*) FROM audit_log`) - before; n != 0 {
		t.Errorf("refused edits wrote %d audit rows", n)
	}
	if n := th.count(`SELECT count(*) FROM pegawai WHERE bank_atas_nama LIKE '%HYPERLINK%' OR nama LIKE '=%'`); n != 0 {
		t.Fatal("formula stored through the form")
	}
	// Stored before the rule: the bank file neutralises it.
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = 'Bank Bengkulu', bank_rekening = '00' || id::text || '12345', bank_atas_nama = nama`).Error; err != nil {
		t.Fatal(err)
	}
	th.db.Exec(`UPDATE pegawai SET bank_atas_nama = '=HYPERLINK("https://evil.example","Klik")' WHERE id = ?`, pid)
	verif := th.as(auth.RoleVerifikator)
	month := defaultMonth(time.Now()).Param()
	if res := admin.postForm("/tpp/klaim/hitung", url.Values{"opd_id": {itoa(th.dinkes)}, "bulan": {month}}); res.status != http.StatusSeeOther {
		t.Fatalf("compute: %d %s", res.status, res.body)
	}
	id := th.count(`SELECT id FROM tpp_claim WHERE opd_id = ?`, th.dinkes)
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
	found := false
	for _, rec := range recs {
		for _, cell := range rec {
			if t0 := strings.TrimLeft(cell, " "); t0 != "" && strings.ContainsRune("=+-@\t\r", rune(t0[0])) {
				t.Errorf("formula cell in the bank file: %q", cell)
			}
			if strings.Contains(cell, "HYPERLINK") {
				found = found || strings.HasPrefix(cell, "'=")
			}
		}
	}
	if !found {
		t.Errorf("the planted holder name is not in the file, neutralised: %s", res.body)
	}
}

// TestBankAccountChangeNotifiesTheEmployee: when admin_opd changes an
// employee's bank account on the form, the employee's home page says so
// (when and by whom); another field's change does not.
func TestBankAccountChangeNotifiesTheEmployee(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin, peg := h.as(auth.RoleAdminOPD), h.as(auth.RolePegawai)
	l := login(t, auth.RolePegawai)
	var pid int64
	h.db.Raw(`SELECT pegawai_id FROM users WHERE nip = ?`, l.NIP).Scan(&pid)
	const notice = "Perubahan rekening bank Anda"
	if strings.Contains(peg.get("/").body, notice) {
		t.Fatal("notice before any change")
	}
	form := url.Values{"nip": {l.NIP}, "nama": {"Maya Sari"}, "status_asn": {"PNS"}, "golongan": {"III/a"}, "keadaan": {"aktif"},
		"tugas_belajar": {"tidak"}}
	var cur struct{ Nama, Golongan, StatusASN, BankNama, BankRekening, BankAtasNama, NPWP string }
	h.db.Raw(`SELECT nama, golongan, status_asn, bank_nama, bank_rekening, bank_atas_nama, npwp FROM pegawai WHERE id = ?`, pid).Scan(&cur)
	form.Set("bank_nama", cur.BankNama)
	form.Set("bank_rekening", cur.BankRekening)
	form.Set("bank_atas_nama", cur.BankAtasNama)
	form.Set("npwp", cur.NPWP)
	form.Set("nama", cur.Nama)
	form.Set("golongan", cur.Golongan)
	form.Set("status_asn", cur.StatusASN)
	form.Set("nama", cur.Nama+" X")
	if res := admin.postForm(fmt.Sprintf("/pegawai/%d", pid), form); res.status != http.StatusSeeOther {
		t.Fatalf("name change: %d %s", res.status, res.body)
	}
	if strings.Contains(peg.get("/").body, notice) {
		t.Fatal("notice after a change of the name only")
	}
	form.Set("bank_nama", "Bank Bengkulu")
	form.Set("bank_rekening", "0099887766")
	form.Set("bank_atas_nama", "Orang Lain")
	if res := admin.postForm(fmt.Sprintf("/pegawai/%d", pid), form); res.status != http.StatusSeeOther {
		t.Fatalf("bank change: %d %s", res.status, res.body)
	}
	body := peg.get("/").body
	if !strings.Contains(body, notice) || !strings.Contains(body, login(t, auth.RoleAdminOPD).NIP) {
		t.Fatal("the employee is not told about the bank account change")
	}
}
