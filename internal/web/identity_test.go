package web

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

func testLogo(t *testing.T, w, h int) image.Image {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 5), 120, 255})
		}
	}
	return img
}

// TestRegencyLogoIsReencodedNeverServedAsUploaded: the superadmin's logo
// upload (a PNG with an HTML/script payload appended, a polyglot) is
// decoded and encoded afresh; the logo URL serves that new PNG as
// image/png with nosniff, not one byte of the payload; a JPEG is accepted
// and becomes PNG too; a GIF, an HTML file and an image too large are
// refused (422) with nothing changed. The name and logo head every page.
func TestRegencyLogoIsReencodedNeverServedAsUploaded(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	super := h.as(auth.RoleSuperadmin)
	var clean bytes.Buffer
	if err := png.Encode(&clean, testLogo(t, 40, 30)); err != nil {
		t.Fatal(err)
	}
	payload := []byte("<html><script>alert(document.cookie)</script></html>")
	polyglot := append(append([]byte{}, clean.Bytes()...), payload...)
	r := super.postMultipart("/identitas", url.Values{"nama": {"Pemerintah Kabupaten Contoh"}}, "logo", "logo.png", polyglot)
	if r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	logo := h.client().get("/identitas/logo.png")
	if logo.status != http.StatusOK || logo.header.Get("Content-Type") != "image/png" || logo.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("logo: %d %q %q", logo.status, logo.header.Get("Content-Type"), logo.header.Get("X-Content-Type-Options"))
	}
	served := []byte(logo.body)
	if bytes.Equal(served, polyglot) || bytes.Contains(served, []byte("<script")) || bytes.Contains(served, []byte("alert")) {
		t.Fatal("the logo is served as uploaded (payload included)")
	}
	img, err := png.Decode(bytes.NewReader(served))
	if err != nil || img.Bounds().Dx() != 40 || img.Bounds().Dy() != 30 {
		t.Fatalf("served logo is not the uploaded image as PNG: %v", err)
	}
	// Exactly one PNG, ending at its IEND chunk.
	if !bytes.HasSuffix(served, []byte{0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82}) {
		t.Fatal("served PNG has bytes after IEND")
	}
	for _, role := range []auth.Role{auth.RolePegawai, auth.RoleSuperadmin} {
		page := h.as(role).get("/")
		if !strings.Contains(page.body, `<span class="brand-regency">Pemerintah Kabupaten Contoh</span>`) || !strings.Contains(page.body, `src="/identitas/logo.png?v=1"`) {
			t.Errorf("%s: header lacks the regency's name or logo", role)
		}
	}

	// A JPEG becomes a PNG too.
	var jp bytes.Buffer
	if err := jpeg.Encode(&jp, testLogo(t, 64, 64), nil); err != nil {
		t.Fatal(err)
	}
	if r := super.postMultipart("/identitas", url.Values{"nama": {"Pemerintah Kabupaten Contoh"}}, "logo", "logo.jpg", jp.Bytes()); r.status != http.StatusSeeOther {
		t.Fatalf("jpeg upload: %d", r.status)
	}
	logo = h.client().get("/identitas/logo.png")
	if cfg, format, err := image.DecodeConfig(strings.NewReader(logo.body)); err != nil || format != "png" || cfg.Width != 64 {
		t.Fatalf("jpeg logo served as %q %v", format, err)
	}
	before := logo.body

	// Refused, nothing changed.
	var big bytes.Buffer
	png.Encode(&big, image.NewGray(image.Rect(0, 0, 2000, 10)))
	gif := []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")
	for name, content := range map[string][]byte{"logo.gif": gif, "logo.html": payload, "besar.png": big.Bytes(), "potong.png": clean.Bytes()[:40]} {
		r := super.postMultipart("/identitas", url.Values{"nama": {"Nama Lain"}}, "logo", name, content)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Logo harus berkas PNG atau JPEG") {
			t.Errorf("%s: %d", name, r.status)
		}
	}
	if h.count(`SELECT count(*) FROM identitas WHERE nama = 'Pemerintah Kabupaten Contoh' AND versi = 2`) != 1 || h.client().get("/identitas/logo.png").body != before {
		t.Error("a refused upload changed the identity")
	}
	if h.count(`SELECT count(*) FROM audit_log WHERE action = 'org.identitas'`) != 2 {
		t.Error("identity changes are not audited")
	}
}
