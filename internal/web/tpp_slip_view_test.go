package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// shownAmount reads an amount as a page shows it ("Rp 4.606.000", or
// "- Rp 245.000" for a deduction) with the form parser, sign apart.
func shownAmount(t *testing.T, s string) int64 {
	t.Helper()
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	v, err := tpp.ParseRupiah(strings.TrimPrefix(s, "-"))
	if err != nil {
		t.Fatalf("not a rupiah amount: %q", s)
	}
	if neg {
		return -int64(v)
	}
	return int64(v)
}

// TestSlipReadsAsTheSpecSays parses the employee's slip the way a person
// reads it (a table of Uraian, Alasan, Jumlah) for the spec's worked
// example: every line is there, in order, with its reason, and the numbers
// on the page add up to the net the employee is paid.
func TestSlipReadsAsTheSpecSays(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	id := th.compute(th.as(auth.RoleAdminOPD))
	res := th.as(auth.RolePegawai).get(fmt.Sprintf("/tpp/slip/%d", id))
	if res.status != http.StatusOK {
		t.Fatalf("slip: %d", res.status)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	type line struct{ label, reason, amount string }
	var order []string
	lines := map[string]line{}
	doc.Find("#slip-lines tbody tr").Each(func(_ int, tr *goquery.Selection) {
		code, _ := tr.Attr("data-code")
		tds := tr.Find("td")
		if tds.Length() != 3 {
			t.Fatalf("line %s has %d cells", code, tds.Length())
		}
		order = append(order, code)
		lines[code] = line{strings.TrimSpace(tds.Eq(0).Text()), strings.TrimSpace(tds.Eq(1).Text()), strings.TrimSpace(tds.Eq(2).Text())}
	})

	cases := []struct {
		code   string
		amount int64
		reason string
	}{
		{"BASE", 5_000_000, ""},
		{"PRODUKTIVITAS", 3_000_000, "Predikat Baik (penilaian atasan): 100% x Rp 3.000.000"},
		{"POT_TK", -60_000, "Tanpa keterangan 1 hari x 3% x Rp 2.000.000"},
		{"POT_TL2", -40_000, "Terlambat masuk 31-60 menit 2 kali x 1% x Rp 2.000.000"},
		{"DISIPLIN", 1_900_000, ""},
		{"GROSS", 4_900_000, ""},
		{"PPH21", -245_000, ""},
		{"BPJS", -49_000, ""},
		{"NET", 4_606_000, ""},
	}
	last := -1
	for _, tc := range cases {
		l, ok := lines[tc.code]
		if !ok {
			t.Errorf("line %s missing from the slip (lines: %v)", tc.code, order)
			continue
		}
		if got := shownAmount(t, l.amount); got != tc.amount && got != -tc.amount {
			t.Errorf("%s: shows %q, want %d", tc.code, l.amount, tc.amount)
		}
		if l.label == "" || (tc.reason != "" && l.reason != tc.reason) {
			t.Errorf("%s: label %q reason %q, want reason %q", tc.code, l.label, l.reason, tc.reason)
		}
		pos := -1
		for i, c := range order {
			if c == tc.code {
				pos = i
			}
		}
		if pos < last {
			t.Errorf("%s is out of order: %v", tc.code, order)
		}
		last = pos
	}
	// What the person sees adds up: gross minus the withholdings is the net.
	abs := func(v int64) int64 {
		if v < 0 {
			return -v
		}
		return v
	}
	gross, pph, bpjs, net := shownAmount(t, lines["GROSS"].amount), abs(shownAmount(t, lines["PPH21"].amount)),
		abs(shownAmount(t, lines["BPJS"].amount)), shownAmount(t, lines["NET"].amount)
	if gross-pph-bpjs != net {
		t.Errorf("slip does not add up: %d - %d - %d != %d", gross, pph, bpjs, net)
	}
}
