package web

import (
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// Uploads (ASVS 5.2-5.4): a web shell or an HTML/SVG page smuggled in as a
// "document" is the classic way into a regency website. The one upload that
// is stored (aktivitas evidence) is checked by kinerja.CheckBukti, which the
// store calls before writing; it lives in the database, never under a
// served path, and comes back only through serveAttachment.

// servableTypes are the Content-Types serveAttachment keeps; anything else
// goes out as application/octet-stream.
var servableTypes = map[string]bool{
	"application/pdf": true, "image/png": true, "image/jpeg": true, "text/plain; charset=utf-8": true,
	"text/csv; charset=utf-8": true, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": true,
}

// serveAttachment sends an uploaded or generated file so no browser ever
// renders it as a page of this origin: always a download, a fixed
// Content-Type, no sniffing, and a CSP that forbids everything and sandboxes
// the response even if opened directly.
func serveAttachment(c echo.Context, name, ctype string, body []byte) error {
	if !servableTypes[ctype] {
		ctype = "application/octet-stream"
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Content-Disposition", attachmentDisposition(name))
	return c.Blob(http.StatusOK, ctype, body)
}

// attachmentDisposition builds "attachment; filename=..." with the name
// reduced to safe characters (no quotes, slashes or control characters).
func attachmentDisposition(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	clean := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, name)
	if clean == "" || clean == "." || clean == ".." {
		clean = "berkas"
	}
	return mime.FormatMediaType("attachment", map[string]string{"filename": clean})
}
