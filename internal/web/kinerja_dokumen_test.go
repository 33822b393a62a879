package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// pdfShown matches a text-showing operator of an uncompressed PDF content
// stream: "(text) Tj".
var pdfShown = regexp.MustCompile(`\(((?:[^()\\]|\\.)*)\)\s*Tj`)

// pdfText is the text a PDF shows, its operators joined by spaces: enough
// to read fpdf's uncompressed core-font output, where the lines of a wrapped
// cell follow one another.
func pdfText(t *testing.T, b string) string {
	t.Helper()
	if !strings.HasPrefix(b, "%PDF-") {
		t.Fatalf("not a PDF: %.40q", b)
	}
	if strings.Contains(b, "/FlateDecode") {
		t.Fatal("PDF streams are compressed; the text cannot be checked")
	}
	var lines []string
	r := strings.NewReplacer(`\(`, "(", `\)`, ")", `\\`, `\`)
	for _, m := range pdfShown.FindAllStringSubmatch(b, -1) {
		lines = append(lines, r.Replace(m[1]))
	}
	return strings.Join(strings.Fields(strings.Join(lines, " ")), " ")
}

// skpSections and evalSections are the appendix's sections and signature
// blocks every document must show.
var (
	signatureBlocks = []string{"Pegawai yang Dinilai", "Pejabat Penilai Kinerja", "Atasan Pejabat Penilai Kinerja", "NIP. "}
	skpSections     = []string{"SASARAN KINERJA PEGAWAI", "PERIODE PENILAIAN", "PEGAWAI YANG DINILAI DAN PEJABAT PENILAI KINERJA", "HASIL KERJA",
		"Rencana Hasil Kerja", "Indikator Kinerja Individu", "Target", "PERILAKU KERJA", "Berorientasi Pelayanan", "Kolaboratif"}
	evalSections = []string{"EVALUASI KINERJA PEGAWAI PERIODIK", "PERIODE PENILAIAN", "ATASAN PEJABAT PENILAI KINERJA",
		"CAPAIAN KINERJA ORGANISASI DAN POLA DISTRIBUSI", "Predikat organisasi: Baik", "HASIL KERJA", "Realisasi", "RATING HASIL KERJA",
		"PERILAKU KERJA", "RATING PERILAKU KERJA", "PENILAIAN BULANAN DALAM PERIODE", "PREDIKAT KINERJA PEGAWAI"}
)

// TestKinerjaDocuments: the SKP and the evaluation as printable pages and
// PDFs carry every section of the appendix and the three signature blocks,
// with the people's names; someone out of scope is refused.
func TestKinerjaDocuments(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := h.demoKinerja()
	atasan, peg, super, other := h.as(auth.RoleAtasan), h.as(auth.RolePegawai), h.as(auth.RoleSuperadmin), h.otherAtasan()
	_, periode := lastMonthPeriod(h)
	opd := h.count(`SELECT opd_id FROM pegawai WHERE id = ?`, d.pegawai)
	if r := super.postForm("/kinerja/distribusi/predikat", url.Values{"opd_id": {itoa(opd)}, "periode": {periode}, "predikat": {"baik"}}); r.status != http.StatusSeeOther {
		t.Fatalf("org predikat: %d", r.status)
	}
	if r := atasan.postForm("/kinerja/evaluasi", url.Values{"pegawai_id": {itoa(d.pegawai)}, "periode": {periode}, "hasil_kerja": {"sesuai"}, "perilaku_kerja": {"sesuai"}}); r.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", r.status, r.body)
	}
	eid := h.count(`SELECT id FROM evaluasi_kinerja WHERE pegawai_id = ?`, d.pegawai)
	var pegNama, atasanNama string
	h.db.Raw(`SELECT nama FROM pegawai WHERE id = ?`, d.pegawai).Scan(&pegNama)
	h.db.Raw(`SELECT nama FROM pegawai WHERE nip = ?`, login(t, auth.RoleAtasan).NIP).Scan(&atasanNama)
	var rhk string
	h.db.Raw(`SELECT uraian FROM rhk WHERE id = ?`, d.rhk).Scan(&rhk)
	for _, c := range []struct {
		base string
		want []string
	}{
		{fmt.Sprintf("/kinerja/skp/%d", d.skp), append(append([]string{rhk}, skpSections...), signatureBlocks...)},
		{fmt.Sprintf("/kinerja/evaluasi/%d", eid), append(append([]string{}, evalSections...), signatureBlocks...)},
	} {
		for _, cl := range []*client{peg, atasan} {
			page := cl.get(c.base + "/cetak")
			if page.status != http.StatusOK {
				t.Fatalf("%s/cetak: %d", c.base, page.status)
			}
			mustContain(t, page.body, append(c.want, pegNama, atasanNama)...)
			res := cl.get(c.base + "/pdf")
			if res.status != http.StatusOK || res.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(res.header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("%s/pdf: %d %s", c.base, res.status, res.header.Get("Content-Type"))
			}
			text := pdfText(t, res.body)
			for _, w := range append(c.want, pegNama, atasanNama) {
				if !strings.Contains(text, w) {
					t.Errorf("%s/pdf lacks %q", c.base, w)
				}
			}
		}
		if r := other.get(c.base + "/pdf"); r.status != http.StatusForbidden {
			t.Errorf("%s/pdf as another OPD's atasan: %d", c.base, r.status)
		}
	}
}
