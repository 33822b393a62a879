package web

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// TestTPPBankFileTotalIsWhatIsMarkedPaid is issue 18's "Dibayar without a
// transfer": an employee with no bank account is left out of the bank file,
// so she is not marked paid either. Through the export route, the bank
// file's total is exactly the sum of the rows the claim marks paid (and the
// payment recorded); her slip and history do not say Dibayar, and she waits,
// visibly, for a supplementary claim, which pays her once her account is in.
func TestTPPBankFileTotalIsWhatIsMarkedPaid(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = 'Bank Bengkulu', bank_rekening = '00' || id::text || '12345', bank_atas_nama = nama WHERE id <> ?`, th.pegawaiID).Error; err != nil {
		t.Fatal(err)
	}
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = '', bank_rekening = '', bank_atas_nama = '' WHERE id = ?`, th.pegawaiID).Error; err != nil {
		t.Fatal(err)
	}
	nip := login(t, auth.RolePegawai).NIP
	admin, verif, peg := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator), th.as(auth.RolePegawai)
	id := th.compute(admin)
	th.approveAndPay(admin, verif, id, "00077/SP2D/2026")

	lines, bankTotal, _ := bankLines(t, verif, id)
	rows := apiRows(t, verif, id)
	var markedPaid, net int64
	for n, r := range rows {
		net += r.Net
		if r.Paid {
			markedPaid += r.Net
			if lines[n] != r.Net && r.Net > 0 {
				t.Errorf("%s marked paid %d, bank file %d", n, r.Net, lines[n])
			}
		}
	}
	if bankTotal != markedPaid || bankTotal >= net {
		t.Fatalf("bank file %d, marked paid %d, claim net %d", bankTotal, markedPaid, net)
	}
	if got := th.count(`SELECT amount FROM tpp_payment WHERE claim_id = ?`, id); got != bankTotal {
		t.Fatalf("payment recorded %d, bank file %d", got, bankTotal)
	}
	her := rows[nip]
	if her.Paid || her.Net != 4_606_000 || lines[nip] != 0 {
		t.Fatalf("employee without account: %+v, in bank file %d", her, lines[nip])
	}
	// Her slip and her history do not say Dibayar; they say she waits.
	slip := peg.get(fmt.Sprintf("/tpp/slip/%d", id)).body
	if strings.Contains(slip, "Dibayar") || strings.Contains(slip, `data-status="paid"`) {
		t.Fatal("the slip of an employee without a transfer says Dibayar")
	}
	mustContain(t, slip, "ditangguhkan", "klaim susulan", "Rekening bank belum diisi")
	hist := peg.get("/tpp/slip").body
	if strings.Contains(hist, `data-status="paid"`) || !strings.Contains(hist, `data-status="ditangguhkan"`) {
		t.Fatal("history says Dibayar for a month without a transfer")
	}
	// The claim page shows what was transferred and who waits.
	page := verif.get(fmt.Sprintf("/tpp/klaim/%d", id)).body
	mustContain(t, page, `id="claim-held"`, "1 pegawai", `id="btn-susulan"`, tpp.Rupiah(bankTotal).String())

	// With her account filled in, the susulan pays her, and only her.
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = 'Bank Bengkulu', bank_rekening = '0099887766', bank_atas_nama = nama WHERE id = ?`, th.pegawaiID).Error; err != nil {
		t.Fatal(err)
	}
	res := verif.postForm(fmt.Sprintf("/tpp/klaim/%d/susulan", id), nil)
	m := claimPath.FindStringSubmatch(res.header.Get("Location"))
	if m == nil {
		t.Fatalf("susulan: %d %s", res.status, res.body)
	}
	sus, _ := strconv.ParseInt(m[1], 10, 64)
	th.approveAndPay(admin, verif, sus, "00078/SP2D/2026")
	sl, st, _ := bankLines(t, verif, sus)
	if len(sl) != 1 || sl[nip] != 4_606_000 || st != 4_606_000 || !apiRows(t, verif, sus)[nip].Paid {
		t.Fatalf("susulan bank file %v", sl)
	}
	mustContain(t, peg.get(fmt.Sprintf("/tpp/slip/%d", sus)).body, `data-status="paid"`, "Klaim susulan ke-1")
}
