package kinerja

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"net/http"
	"regexp"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// Uploads (SECURITY.md 5.2-5.4). CheckBukti is the one check every stored
// upload goes through: the evidence form's handler (web.aktivitasForm ->
// Store.CreateAktivitas/UpdateAktivitas) calls it before anything is
// written. The file is stored in the database, never under a served path,
// and served back only as an attachment (web.serveAttachment), so the harm
// of a hostile file is to the atasan who opens it on their own machine:
// that is what the content checks below are for.

// magic is the file signature each allowed type must start with.
var magic = map[string][]byte{
	"application/pdf": []byte("%PDF-"),
	"image/jpeg":      {0xFF, 0xD8, 0xFF},
	"image/png":       {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A},
}

// activeMarkers are byte sequences (compared case-insensitively) that make
// a browser or a sniffer treat a file as markup or script; a polyglot (a
// PNG, JPEG or PDF carrying HTML, SVG or PHP) holds one of them somewhere.
// Each is at least four bytes so that compressed image data does not hit
// one by chance (a 2 MB file of random bytes meets any of them with a
// probability below 1 in 100); camera XMP metadata ("<?xpacket",
// "<x:xmpmeta", "<rdf:") matches none of them.
var activeMarkers = [][]byte{
	[]byte("<script"), []byte("<html"), []byte("<svg"), []byte("<!doctype"), []byte("<body"), []byte("<head"),
	[]byte("<iframe"), []byte("<object"), []byte("<embed"), []byte("<img"), []byte("<meta"), []byte("<link"),
	[]byte("<style"), []byte("<form"), []byte("<base"), []byte("<xml"), []byte("<xsl"), []byte("<?php"),
	[]byte("<?xml-stylesheet"), []byte("javascript:"), []byte("vbscript:"), []byte("<%@"), []byte("<jsp:"),
}

// pdfActiveNames are the PDF names that run code or open something when
// the document is opened: scripts, automatic and additional actions,
// launching programs, embedded files and rich media.
var pdfActiveNames = map[string]bool{
	"JavaScript": true, "JS": true, "OpenAction": true, "AA": true, "Launch": true,
	"EmbeddedFile": true, "EmbeddedFiles": true, "RichMedia": true, "ImportData": true,
	"SubmitForm": true, "XFA": true,
}

// CheckBukti decides an upload's content type from its bytes, never from its
// name or the browser's word: http.DetectContentType and the file signature
// must agree on PDF, JPEG or PNG, and it may be at most 2 MB. It refuses
// markup or script anywhere in the file, and a PDF with active content
// (also when hidden in a compressed object stream or spelt with #xx
// escapes). It returns the Content-Type to store and serve it with.
func CheckBukti(b Bukti) (string, error) {
	switch {
	case len(b.Isi) == 0:
		return "", apperr.Invalid("bukti", "Berkas bukti kosong.")
	case len(b.Isi) > MaxBukti:
		return "", apperr.Invalid("bukti", "Berkas bukti paling besar 2 MB.")
	}
	ct := http.DetectContentType(b.Isi)
	sig, ok := magic[ct]
	if !ok || !bytes.HasPrefix(b.Isi, sig) {
		return "", apperr.Invalid("bukti", "Berkas bukti harus PDF, JPG, atau PNG.")
	}
	if hasMarkup(b.Isi) {
		return "", errMarkup
	}
	if ct == "application/pdf" {
		if err := checkPDF(b.Isi); err != nil {
			return "", err
		}
	}
	return ct, nil
}

var (
	errMarkup    = apperr.Invalid("bukti", "Berkas bukti memuat kode HTML atau skrip dan ditolak.")
	errPDFActive = apperr.Invalid("bukti", "PDF bukti memuat skrip, aksi otomatis, atau berkas sisipan dan ditolak. Cetak ulang sebagai PDF biasa.")
	errPDFOpaque = apperr.Invalid("bukti", "PDF bukti tidak dapat diperiksa (terkunci atau rusak). Cetak ulang sebagai PDF biasa.")
)

func hasMarkup(b []byte) bool {
	lower := bytes.ToLower(b)
	for _, m := range activeMarkers {
		if bytes.Contains(lower, m) {
			return true
		}
	}
	return false
}

// pdfName finds PDF name tokens: a solidus and the regular characters after it.
var pdfName = regexp.MustCompile(`/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*`)

// pdfObjStm finds a stream whose dictionary says it holds objects.
var (
	pdfStream = regexp.MustCompile(`stream\r?\n`)
	pdfObjStm = regexp.MustCompile(`/Type\s*/ObjStm`)
)

// maxInflate bounds what a compressed object stream may expand to (a zip
// bomb is refused, not inflated).
const maxInflate = 16 << 20

// checkPDF refuses active names in the file's dictionaries: the text
// outside streams, and every object stream inflated.
func checkPDF(b []byte) error {
	if hasActiveName(b) {
		return errPDFActive
	}
	budget := int64(maxInflate)
	for _, loc := range pdfStream.FindAllIndex(b, -1) {
		if bytes.HasSuffix(b[:loc[0]], []byte("end")) {
			continue // "endstream"
		}
		// The stream's dictionary is the text since the previous "obj".
		dictStart := bytes.LastIndex(b[:loc[0]], []byte("obj"))
		if dictStart < 0 || !pdfObjStm.Match(b[dictStart:loc[0]]) {
			continue
		}
		end := bytes.Index(b[loc[1]:], []byte("endstream"))
		if end < 0 {
			return errPDFOpaque
		}
		r, err := zlib.NewReader(bytes.NewReader(b[loc[1] : loc[1]+end]))
		if err != nil {
			return errPDFOpaque
		}
		inflated, err := io.ReadAll(io.LimitReader(r, budget+1))
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			return errPDFOpaque
		}
		budget -= int64(len(inflated))
		if budget < 0 {
			return errPDFOpaque
		}
		if hasActiveName(inflated) || hasMarkup(inflated) {
			return errPDFActive
		}
	}
	return nil
}

// hasActiveName reports a name of pdfActiveNames, with #xx escapes decoded
// (/J#61vaScript is /JavaScript).
func hasActiveName(b []byte) bool {
	for _, tok := range pdfName.FindAll(b, -1) {
		if pdfActiveNames[decodePDFName(tok[1:])] {
			return true
		}
	}
	return false
}

func decodePDFName(n []byte) string {
	if bytes.IndexByte(n, '#') < 0 {
		return string(n)
	}
	var out []byte
	for i := 0; i < len(n); i++ {
		if n[i] == '#' && i+2 < len(n) {
			if v, ok := unhex(n[i+1], n[i+2]); ok {
				out = append(out, v)
				i += 2
				continue
			}
		}
		out = append(out, n[i])
	}
	return string(out)
}

func unhex(a, b byte) (byte, bool) {
	h := func(c byte) (byte, bool) {
		switch {
		case c >= '0' && c <= '9':
			return c - '0', true
		case c >= 'a' && c <= 'f':
			return c - 'a' + 10, true
		case c >= 'A' && c <= 'F':
			return c - 'A' + 10, true
		}
		return 0, false
	}
	x, ok1 := h(a)
	y, ok2 := h(b)
	return x<<4 | y, ok1 && ok2
}
