package web

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

var (
	pngHeader = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")
	pdfHeader = []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n")
)

// TestUploadsRefuseActiveContent: HTML, SVG and polyglots are refused;
// the declared extension must match the bytes.
func TestUploadsRefuseActiveContent(t *testing.T) {
	cases := []struct {
		name, file string
		body       []byte
		ok         bool
	}{
		{"png", "foto.png", pngHeader, true},
		{"pdf", "sk.pdf", pdfHeader, true},
		{"csv", "presensi.csv", []byte("nip,tanggal\n198503122010011001,2026-11-02\n"), true},
		{"html as html", "index.html", []byte("<html><script>alert(1)</script></html>"), false},
		{"html renamed pdf", "sk.pdf", []byte("<!DOCTYPE html><html><body>slot gacor</body></html>"), false},
		{"svg with script", "logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), false},
		{"svg renamed png", "logo.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), false},
		{"gif/js polyglot as png", "x.png", append([]byte("GIF89a/*"), []byte("*/=1;alert(1)//<script>")...), false},
		{"png carrying html", "x.png", append(append([]byte{}, pngHeader...), []byte("<html><script>alert(1)</script>")...), false},
		{"pdf carrying html", "x.pdf", append(append([]byte{}, pdfHeader...), []byte("<iframe src=//evil>")...), false},
		{"php shell as jpg", "shell.jpg", []byte("\xff\xd8\xff\xe0<?php system($_GET['c']); ?>"), false},
		{"php extension", "shell.php", []byte("<?php echo 1;"), false},
		{"double extension", "foto.png.php", pngHeader, false},
	}
	for _, tc := range cases {
		ct, err := CheckUpload(tc.file, tc.body)
		var ve *apperr.ValidationError
		switch {
		case tc.ok && err != nil:
			t.Errorf("%s: refused: %v", tc.name, err)
		case !tc.ok && (err == nil || !errors.As(err, &ve)):
			t.Errorf("%s: accepted as %q", tc.name, ct)
		}
	}
}

// TestAttachmentsAreNeverRendered: whatever the stored type, a file goes
// out as a download with a fixed type, nosniff and a sandboxing CSP.
func TestAttachmentsAreNeverRendered(t *testing.T) {
	e := echo.New()
	cases := []struct {
		name, file, ctype, wantType string
	}{
		{"pdf", "sk.pdf", "application/pdf", "application/pdf"},
		{"html smuggled as text/html", "index.html", "text/html; charset=utf-8", "application/octet-stream"},
		{"svg", "logo.svg", "image/svg+xml", "application/octet-stream"},
		{"header injection in name", "a\"\r\nSet-Cookie: x=1.pdf", "application/pdf", "application/pdf"},
		{"path in name", "../../etc/passwd", "text/plain; charset=utf-8", "text/plain; charset=utf-8"},
	}
	for _, tc := range cases {
		rec := httptest.NewRecorder()
		c := e.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
		if err := serveAttachment(c, tc.file, tc.ctype, []byte("<html><script>alert(1)</script>")); err != nil {
			t.Fatal(err)
		}
		h := rec.Header()
		if h.Get("Content-Type") != tc.wantType {
			t.Errorf("%s: Content-Type %q", tc.name, h.Get("Content-Type"))
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Security-Policy") != "default-src 'none'; sandbox" {
			t.Errorf("%s: headers %v", tc.name, h)
		}
		disp, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
		if err != nil || disp != "attachment" || strings.ContainsAny(params["filename"], "/\\\"\r\n") {
			t.Errorf("%s: Content-Disposition %q", tc.name, h.Get("Content-Disposition"))
		}
		if len(h.Values("Set-Cookie")) != 0 {
			t.Errorf("%s: header injected", tc.name)
		}
	}
}

func FuzzCheckUpload(f *testing.F) {
	f.Add("a.png", pngHeader)
	f.Add("a.pdf", pdfHeader)
	f.Add("a.csv", []byte("nip\n1"))
	f.Add("a.svg", []byte("<svg/>"))
	f.Fuzz(func(t *testing.T, name string, body []byte) {
		ct, err := CheckUpload(name, body)
		if err != nil {
			return
		}
		low := bytes.ToLower(body)
		for _, m := range activeMarkers {
			if bytes.Contains(low, m) {
				t.Fatalf("accepted %q as %q with %q inside", name, ct, m)
			}
		}
		if !servableTypes[ct] {
			t.Fatalf("accepted type %q cannot be served", ct)
		}
	})
}

func FuzzAttachmentDisposition(f *testing.F) {
	f.Add("sk.pdf")
	f.Add("../../x\r\n\"y")
	f.Fuzz(func(t *testing.T, name string) {
		d := attachmentDisposition(name)
		disp, params, err := mime.ParseMediaType(d)
		if err != nil || disp != "attachment" || params["filename"] == "" || strings.ContainsAny(params["filename"], "/\\\"\r\n") {
			t.Fatalf("%q -> %q", name, d)
		}
	})
}
