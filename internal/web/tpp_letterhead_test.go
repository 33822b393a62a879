package web

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// pdfImageSizes lists, with poppler's pdfimages, the width x height of
// every image a PDF draws.
func pdfImageSizes(t *testing.T, pdf []byte) []string {
	t.Helper()
	in := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfimages", "-list", in).Output() // #nosec G204 -- a test runs the fixed tool on its own temp file
	if err != nil {
		t.Fatalf("pdfimages: %v", err)
	}
	var sizes []string
	row := regexp.MustCompile(`^\s*\d+\s+\d+\s+(image|smask)\s+(\d+)\s+(\d+)`)
	for _, l := range strings.Split(string(out), "\n") {
		if m := row.FindStringSubmatch(l); m != nil && m[1] == "image" {
			sizes = append(sizes, m[2]+"x"+m[3])
		}
	}
	return sizes
}

// TestTPPPDFsCarryTheLetterhead: the daftar nominatif and the slip PDFs
// are headed by the regency's name and logo once an identity is set (a
// 16-bit PNG with transparency, which the PDF library cannot read as it
// is), and by neither before.
func TestTPPPDFsCarryTheLetterhead(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	fx := newNominatifFixture(th)
	paths := map[auth.Role]string{
		auth.RoleVerifikator: fmt.Sprintf("/tpp/klaim/%d/nominatif.pdf", fx.id),
		auth.RolePegawai:     fmt.Sprintf("/tpp/slip/%d/slip.pdf", fx.id),
	}
	get := func(role auth.Role) []byte {
		t.Helper()
		r := th.as(role).get(paths[role])
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d %.200s", paths[role], r.status, r.body)
		}
		return []byte(r.body)
	}
	const nama = "Pemerintah Kabupaten Uji Kop"
	for role := range paths {
		pdf := get(role)
		if n := pdfImageSizes(t, pdf); len(n) != 0 {
			t.Errorf("%s without a logo draws images %v", paths[role], n)
		}
		if strings.Contains(pdfPages(t, pdf)[0], strings.ToUpper(nama)) {
			t.Errorf("%s names a regency before one is set", paths[role])
		}
	}

	img := image.NewNRGBA64(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		for y := range 30 {
			img.Set(x, y, color.NRGBA64{R: 0x2000, G: 0x6000, B: 0xffff, A: uint16(x * 1600)})
		}
	}
	var logo bytes.Buffer
	if err := png.Encode(&logo, img); err != nil {
		t.Fatal(err)
	}
	if err := th.db.Exec(`UPDATE identitas SET nama = ?, logo_png = ?, versi = versi + 1 WHERE id = 1`, nama, logo.Bytes()).Error; err != nil {
		t.Fatal(err)
	}
	for role := range paths {
		pdf := get(role)
		if n := pdfImageSizes(t, pdf); len(n) != 1 || n[0] != "40x30" {
			t.Errorf("%s draws images %v, want the 40x30 logo once", paths[role], n)
		}
		if first := pdfPages(t, pdf)[0]; !strings.Contains(first, strings.ToUpper(nama)) {
			t.Errorf("%s page 1 lacks the regency's name: %.300s", paths[role], first)
		}
	}
}
