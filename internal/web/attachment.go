package web

import (
	"bytes"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// Uploads (ASVS 5.2-5.4): a web shell or an HTML/SVG page smuggled in as a
// "document" is the classic way into a regency website. Every area that
// accepts a file calls CheckUpload before storing it (in the database, never
// under a served path) and serves it back only through serveAttachment.

// uploadTypes are the accepted kinds: extension -> the Content-Type the
// bytes themselves must sniff as.
var uploadTypes = map[string]string{
	".pdf":  "application/pdf",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".csv":  "text/plain; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
}

// activeMarkers are byte sequences that make a browser (or a sniffer) treat
// a file as markup or script; a polyglot (a GIF or PDF carrying HTML) holds
// one of them somewhere.
var activeMarkers = [][]byte{
	[]byte("<script"), []byte("<html"), []byte("<svg"), []byte("<!doctype"), []byte("<?xml"),
	[]byte("<body"), []byte("<iframe"), []byte("<object"), []byte("<embed"), []byte("javascript:"),
	[]byte("<?php"), []byte("<%"),
}

// CheckUpload accepts a file only when its extension is allowed, its bytes
// sniff as that type, and it carries no markup or script anywhere. It
// returns the fixed Content-Type to store and serve it with.
func CheckUpload(name string, body []byte) (string, error) {
	ext := strings.ToLower(path.Ext(name))
	want, ok := uploadTypes[ext]
	if !ok {
		return "", apperr.Invalid("berkas", "Jenis berkas tidak diterima. Unggah PDF, PNG, JPG, CSV atau TXT.")
	}
	if got := http.DetectContentType(body); got != want {
		return "", apperr.Invalid("berkas", "Isi berkas tidak sesuai dengan jenisnya ("+ext+").")
	}
	lower := bytes.ToLower(body)
	for _, m := range activeMarkers {
		if bytes.Contains(lower, m) {
			return "", apperr.Invalid("berkas", "Berkas memuat kode HTML atau skrip dan ditolak.")
		}
	}
	return want, nil
}

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
	h.Set("Cache-Control", "no-store")
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
