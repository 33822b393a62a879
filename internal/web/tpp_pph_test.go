package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// TestTPPBorneTaxIsShownApart is issue 18's "PPh borne by the budget": with
// the rule set's switch on, the tax is not withheld, so the daftar
// nominatif (.xlsx through its route, and the printable page) shows it in
// its own column and every row adds up: Kotor - PPh dipotong - BPJS = Bersih.
// With the switch off the same rows add up with the tax withheld.
func TestTPPBorneTaxIsShownApart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name              string
		borne             bool
		dipotong, ditangg int64 // the worked example's (III/c, gross 4.900.000: PPh 5% = 245.000)
		net               int64
	}{
		{"withheld from the employee", false, 245_000, 0, 4_606_000},
		{"borne by the budget", true, 0, 245_000, 4_851_000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			th := newTPPHarness(t)
			if err := th.db.Exec(`UPDATE tpp_rule_set SET params = jsonb_set(params, '{pph21,borne_by_budget}', to_jsonb(?::boolean))`, tc.borne).Error; err != nil {
				t.Fatal(err)
			}
			admin, verif := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator)
			id := th.compute(admin)
			th.ackStep(admin, id, "ajukan", nil)
			th.ackStep(verif, id, "verifikasi", nil)
			th.ackStep(verif, id, "setujui", nil)

			x := verif.get(fmt.Sprintf("/tpp/klaim/%d/nominatif.xlsx", id))
			if x.status != http.StatusOK {
				t.Fatalf("xlsx %d", x.status)
			}
			f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := f.GetRows("Daftar Nominatif", excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			head := rows[claim.NominatifHeaderRow-1]
			col := map[string]int{}
			for i, h := range head {
				col[h] = i
			}
			for _, h := range []string{"NIP", "TPP Kotor", "PPh 21 Dipotong", "BPJS Kesehatan", "TPP Bersih", "PPh 21 Ditanggung Pemerintah"} {
				if _, ok := col[h]; !ok {
					t.Fatalf("no column %q in %q", h, head)
				}
			}
			num := func(r []string, h string) int64 {
				if col[h] >= len(r) {
					return 0
				}
				v, err := strconv.ParseInt(r[col[h]], 10, 64)
				if err != nil {
					t.Fatalf("%s = %q", h, r[col[h]])
				}
				return v
			}
			nip := login(t, auth.RolePegawai).NIP
			seen, checked := false, 0
			var borneSum int64
			for _, r := range rows[claim.NominatifHeaderRow:] {
				if len(r) <= col["TPP Bersih"] || (r[col["NIP"]] == "" && r[2] != "JUMLAH") {
					continue
				}
				kotor, pph, bpjs, bersih, borne := num(r, "TPP Kotor"), num(r, "PPh 21 Dipotong"), num(r, "BPJS Kesehatan"), num(r, "TPP Bersih"), num(r, "PPh 21 Ditanggung Pemerintah")
				if kotor-pph-bpjs != bersih {
					t.Fatalf("row %q: %d - %d - %d != %d", r[2], kotor, pph, bpjs, bersih)
				}
				checked++
				if r[2] == "JUMLAH" {
					if borne != borneSum {
						t.Fatalf("JUMLAH borne %d, rows %d", borne, borneSum)
					}
					continue
				}
				borneSum += borne
				if tc.borne != (pph == 0) && kotor > 0 && pph+borne > 0 {
					t.Fatalf("row %q: withheld %d, borne %d with borne_by_budget=%v", r[2], pph, borne, tc.borne)
				}
				if r[col["NIP"]] == nip {
					seen = true
					if pph != tc.dipotong || borne != tc.ditangg || bersih != tc.net {
						t.Fatalf("worked example: withheld %d, borne %d, net %d", pph, borne, bersih)
					}
				}
			}
			if !seen || checked < 2 {
				t.Fatalf("worked example row seen %v, %d rows checked", seen, checked)
			}
			// The printable list and the claim page name the two apart too.
			page := verif.get(fmt.Sprintf("/tpp/klaim/%d/nominatif", id)).body
			mustContain(t, page, "PPh 21 Dipotong", "PPh 21 Ditanggung Pemerintah", `id="nominatif-pph-ditanggung"`)
			cp := verif.get(fmt.Sprintf("/tpp/klaim/%d", id)).body
			row := cp[strings.Index(cp, `data-nip="`+nip+`"`):]
			row = row[:strings.Index(row, "</tr>")]
			mustContain(t, row, `<td class="num pph-dipotong">`+tpp.Rupiah(tc.dipotong).String()+`</td>`, `<td class="num pph-ditanggung">`+tpp.Rupiah(tc.ditangg).String()+`</td>`)
		})
	}
}
