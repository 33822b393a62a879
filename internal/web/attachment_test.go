package web

import (
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestAttachmentsAreNeverRendered: whatever the stored type, a file goes
// out as a download with a fixed type, nosniff and a sandboxing CSP.
func TestAttachmentsAreNeverRendered(t *testing.T) {
	t.Parallel()
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
