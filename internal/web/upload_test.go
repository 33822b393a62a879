package web

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
)

var (
	pngHeader  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")
	jpegHeader = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
	pdfHeader  = []byte("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n")
)

func pdfWith(body string) []byte {
	return append(append([]byte{}, pdfHeader...), []byte(body+"\ntrailer << /Root 1 0 R >>\n%%EOF\n")...)
}

// pdfObjStm is a PDF whose objects sit in a compressed object stream, as
// modern writers produce; the dictionaries inside are not visible in the
// raw bytes.
func pdfObjStm(objects string) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	_, _ = w.Write([]byte(objects))
	_ = w.Close()
	head := fmt.Sprintf("3 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n", z.Len())
	return pdfWith(head + z.String() + "\nendstream\nendobj")
}

// TestUploadsRefuseActiveContent posts every kind of hostile file through
// the real evidence upload (new aktivitas and edit): each is answered 422
// with the message next to the field, and nothing is stored. Plain PDF,
// PNG and JPEG files (also a PDF with a clean object stream and a link)
// are accepted and stored.
func TestUploadsRefuseActiveContent(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := h.demoKinerja()
	c := h.as(auth.RolePegawai)
	form := func() url.Values {
		return url.Values{"tanggal": {time.Now().In(h.cfg.Location).Format(time.DateOnly)}, "rhk_id": {fmt.Sprint(d.rhk)}, "uraian": {"Unggah bukti"},
			"output_jumlah": {"1"}, "output_satuan": {"dokumen"}, "menit": {"5"}}
	}
	bad := []struct {
		name, file, want string
		body             []byte
	}{
		{"php shell as pdf", "shell.php.pdf", "kode HTML atau skrip", pdfWith("<?php system($_GET['c']); ?>")},
		{"html in pdf", "laporan.pdf", "kode HTML atau skrip", pdfWith("<html><body><script>alert(document.cookie)</script></body></html>")},
		{"svg in pdf", "laporan.pdf", "kode HTML atau skrip", pdfWith(`<SVG xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)},
		{"png with script", "foto.png", "kode HTML atau skrip", append(append([]byte{}, pngHeader...), []byte("tEXt<script>alert(1)</script>")...)},
		{"png with php", "foto.png", "kode HTML atau skrip", append(append([]byte{}, pngHeader...), []byte("<?php eval($_POST[1]);")...)},
		{"jpeg with html", "foto.jpg", "kode HTML atau skrip", append(append([]byte{}, jpegHeader...), []byte("<!DOCTYPE html><iframe src=//evil.example>")...)},
		{"jpeg with javascript url", "foto.jpg", "kode HTML atau skrip", append(append([]byte{}, jpegHeader...), []byte("JavaScript:alert(1)")...)},
		{"pdf open action javascript", "sk.pdf", "skrip, aksi otomatis", pdfWith("4 0 obj << /OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> >> endobj")},
		{"pdf additional action", "sk.pdf", "skrip, aksi otomatis", pdfWith("4 0 obj << /Type /Page /AA << /O 5 0 R >> >> endobj")},
		{"pdf launch", "sk.pdf", "skrip, aksi otomatis", pdfWith("5 0 obj << /S /Launch /F (cmd.exe) >> endobj")},
		{"pdf embedded file", "sk.pdf", "skrip, aksi otomatis", pdfWith("6 0 obj << /Type /EmbeddedFile /Length 3 >> stream\nMZ\nendstream endobj")},
		{"pdf hex-escaped name", "sk.pdf", "skrip, aksi otomatis", pdfWith("4 0 obj << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> endobj")},
		{"pdf javascript in object stream", "sk.pdf", "skrip, aksi otomatis", pdfObjStm("4 0 << /OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> >>")},
		{"pdf object stream not checkable", "sk.pdf", "tidak dapat diperiksa", pdfWith("3 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /LZWDecode >>\nstream\n\x80\x0b\x60\x50\nendstream endobj")},
		{"gif polyglot named png", "x.png", "harus PDF, JPG, atau PNG", []byte("GIF89a/*<script>*/=1;alert(1)//")},
		{"svg named png", "logo.png", "harus PDF, JPG, atau PNG", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)},
	}
	rows := func() [2]int64 {
		return [2]int64{h.count(`SELECT count(*) FROM aktivitas_bukti`), h.count(`SELECT count(*) FROM aktivitas`)}
	}
	var edit int64
	h.db.Raw(`SELECT min(id) FROM aktivitas WHERE pegawai_id = ? AND status = 'returned'`, d.pegawai).Scan(&edit)
	var editForm url.Values
	for _, tc := range bad {
		before := rows()
		res := c.postMultipart("/kinerja/aktivitas", form(), "bukti", tc.file, tc.body)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, tc.want) || !strings.Contains(res.body, `id="err-bukti"`) {
			t.Errorf("%s (new): status %d, want 422 with %q", tc.name, res.status, tc.want)
		}
		if editForm == nil {
			var tanggal string
			h.db.Raw(`SELECT to_char(tanggal, 'YYYY-MM-DD') FROM aktivitas WHERE id = ?`, edit).Scan(&tanggal)
			editForm = form()
			editForm.Set("tanggal", tanggal)
		}
		ef := url.Values{}
		for k, v := range editForm {
			ef[k] = v
		}
		res = c.postMultipart(fmt.Sprintf("/kinerja/aktivitas/%d", edit), ef, "bukti", tc.file, tc.body)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, tc.want) {
			t.Errorf("%s (edit): status %d, want 422 with %q", tc.name, res.status, tc.want)
		}
		if after := rows(); after != before {
			t.Errorf("%s: rows (bukti, aktivitas) %v -> %v", tc.name, before, after)
		}
		if n := h.count(`SELECT count(*) FROM aktivitas_bukti WHERE isi = ?`, tc.body); n != 0 {
			t.Errorf("%s: stored", tc.name)
		}
	}
	good := []struct {
		name, file string
		body       []byte
	}{
		{"plain pdf with a link", "sk.pdf", pdfWith("4 0 obj << /Type /Annot /Subtype /Link /A << /S /URI /URI (https://jdih.example.go.id) >> >> endobj")},
		{"pdf with clean object stream", "sk2.pdf", pdfObjStm("4 0 << /Type /Page /Parent 2 0 R /Contents 5 0 R >>")},
		{"png", "foto.png", append(append([]byte{}, pngHeader...), bytes.Repeat([]byte{0x11}, 64)...)},
		{"jpeg with camera xmp", "foto.jpg", append(append([]byte{}, jpegHeader...), []byte(`<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>`)...)},
	}
	for _, tc := range good {
		res := c.postMultipart("/kinerja/aktivitas", form(), "bukti", tc.file, tc.body)
		if res.status != http.StatusSeeOther {
			t.Errorf("%s: status %d, want 303", tc.name, res.status)
		}
		if n := h.count(`SELECT count(*) FROM aktivitas_bukti WHERE isi = ?`, tc.body); n != 1 {
			t.Errorf("%s: not stored", tc.name)
		}
	}
}
