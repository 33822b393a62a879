package org

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ekinerja/ekinerja/internal/csvsafe"
	"github.com/ekinerja/ekinerja/internal/tabular"
)

// SIASNField is what a column of a SIASN export means.
type SIASNField int

// The columns a SIASN export may carry; NIP and name are required.
const (
	SIASNNone SIASNField = iota
	SIASNNIP
	SIASNNama
	SIASNGelarDepan
	SIASNGelarBelakang
	SIASNGolongan
	SIASNStatus
	SIASNJabatan
	SIASNUnit
	SIASNJabatanKode
	SIASNUnitKode
	siasnFieldCount
)

// Label is the meaning as people read it.
func (f SIASNField) Label() string {
	return [...]string{"", "NIP", "nama", "gelar depan", "gelar belakang", "golongan", "status", "jabatan", "unit kerja",
		"kode jabatan", "kode unit kerja", ""}[f]
}

// siasnAliases map a header (tabular.HeaderName form) to its meaning; the
// lower number wins when a file has two headers of one meaning (NIP_BARU
// over NIP).
var siasnAliases = map[string]struct {
	f    SIASNField
	prio int
}{
	"nipbaru": {SIASNNIP, 0}, "nip18": {SIASNNIP, 1}, "nip": {SIASNNIP, 2}, "nipnipppk": {SIASNNIP, 1}, "nipni": {SIASNNIP, 1},
	"nama": {SIASNNama, 0}, "namapegawai": {SIASNNama, 1}, "namalengkap": {SIASNNama, 1}, "namaasn": {SIASNNama, 1},
	"gelardepan": {SIASNGelarDepan, 0}, "gelarbelakang": {SIASNGelarBelakang, 0},
	"golakhirnama": {SIASNGolongan, 0}, "golongan": {SIASNGolongan, 1}, "pangkatgolongan": {SIASNGolongan, 2},
	"golonganruang": {SIASNGolongan, 1}, "golruang": {SIASNGolongan, 1}, "gol": {SIASNGolongan, 3}, "golakhir": {SIASNGolongan, 1},
	"pangkatgolonganruang": {SIASNGolongan, 2}, "golonganakhir": {SIASNGolongan, 1},
	"statuscpnspns": {SIASNStatus, 0}, "statusasn": {SIASNStatus, 1}, "statuspegawai": {SIASNStatus, 1}, "jenispegawai": {SIASNStatus, 2},
	"jenispegawainama": {SIASNStatus, 2}, "kedudukanhukum": {SIASNStatus, 3}, "kedudukanhukumnama": {SIASNStatus, 3}, "status": {SIASNStatus, 4},
	"jabatannama": {SIASNJabatan, 0}, "namajabatan": {SIASNJabatan, 1}, "jabatan": {SIASNJabatan, 2}, "jabatanakhir": {SIASNJabatan, 2},
	"unornama": {SIASNUnit, 0}, "unitkerja": {SIASNUnit, 1}, "unitkerjanama": {SIASNUnit, 1}, "namaunitkerja": {SIASNUnit, 1},
	"unor": {SIASNUnit, 2}, "namaunor": {SIASNUnit, 1}, "unitorganisasi": {SIASNUnit, 2},
	"jabatankode": {SIASNJabatanKode, 0}, "kodejabatan": {SIASNJabatanKode, 0},
	"unitkode": {SIASNUnitKode, 0}, "kodeunit": {SIASNUnitKode, 0}, "kodeunitkerja": {SIASNUnitKode, 0}, "unitkerjakode": {SIASNUnitKode, 0},
}

// SIASNHeader says which column of the file holds each meaning (-1: absent).
type SIASNHeader struct {
	Line int
	Col  [siasnFieldCount]int
	// Names are the file's header cells per meaning, for the page.
	Names [siasnFieldCount]string
}

// Has reports whether the file has a column for f.
func (h SIASNHeader) Has(f SIASNField) bool { return h.Col[f] >= 0 }

// MapSIASNHeader recognises a SIASN header row, tolerant of the names the
// exports use (NIP_BARU, "NIP Baru", nip; GOL_AKHIR_NAMA, golongan;
// STATUS_CPNS_PNS, kedudukan hukum; JABATAN_NAMA; UNOR_NAMA, unit kerja).
// ok is false unless both NIP and name are found.
func MapSIASNHeader(row []string) (h SIASNHeader, ok bool) {
	prio := [siasnFieldCount]int{}
	for i := range h.Col {
		h.Col[i], prio[i] = -1, 1<<30
	}
	for i, cell := range row {
		a, found := siasnAliases[tabular.HeaderName(cell)]
		if !found || a.prio >= prio[a.f] {
			continue
		}
		h.Col[a.f], prio[a.f], h.Names[a.f] = i, a.prio, strings.TrimSpace(cell)
	}
	return h, h.Has(SIASNNIP) && h.Has(SIASNNama)
}

// SIASNRecord is one data row of the export as read (trimmed text; empty
// means not given).
type SIASNRecord struct {
	Line        int
	NIP         string
	Nama        string
	Golongan    string
	Status      StatusASN
	Jabatan     string
	Unit        string
	JabatanKode string
	UnitKode    string
}

var golonganPNSRe = regexp.MustCompile(`(?i)(?:^|[^A-Z])(IV|III|II|I)\s*/\s*([A-E])(?:$|[^A-Z])`)
var golonganRomanRe = regexp.MustCompile(`(?i)^(?:gol(?:ongan)?\.?\s*)?([IVX]{1,5})$`)

// siasnGolongan reads a golongan cell as SIASN writes it ("III/a", "III/A",
// "Penata Muda, III/a", "Penata Muda (III/a)", a PPPK grade "IX") in the
// canonical form; ok is false when no rank can be read from it.
func siasnGolongan(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if m := golonganPNSRe.FindStringSubmatch(s); m != nil {
		return strings.ToUpper(m[1]) + "/" + strings.ToLower(m[2]), true
	}
	if m := golonganRomanRe.FindStringSubmatch(s); m != nil && golonganPPPK[strings.ToUpper(m[1])] {
		return strings.ToUpper(m[1]), true
	}
	return s, false
}

// siasnStatus reads a status cell: STATUS_CPNS_PNS writes P or C, other
// exports PNS, CPNS, PPPK or a kedudukan hukum ("Aktif", "PPPK Aktif").
// known is false for a value that says nothing about the status ("Aktif");
// bad for one that cannot be read at all.
func siasnStatus(s string) (st StatusASN, known, bad bool) {
	u := strings.ToUpper(strings.TrimSpace(s))
	switch {
	case u == "":
		return "", false, false
	case strings.Contains(u, "PPPK") || strings.Contains(u, "P3K"):
		return PPPK, true, false
	case u == "C" || strings.Contains(u, "CPNS"):
		return CPNS, true, false
	case u == "P" || strings.Contains(u, "PNS"):
		return PNS, true, false
	case strings.HasPrefix(u, "AKTIF"):
		return "", false, false
	}
	return "", false, true
}

// siasnName joins the name with the degrees SIASN keeps in their own
// columns ("Dr." + "Ahmad Saputra" + "S.E., M.Si." -> "Dr. Ahmad Saputra, S.E., M.Si.").
func siasnName(depan, nama, belakang string) string {
	n := strings.Join(strings.Fields(nama), " ")
	if d := strings.TrimSpace(depan); d != "" && n != "" && !strings.HasPrefix(n, d) {
		n = d + " " + n
	}
	if b := strings.TrimSpace(belakang); b != "" && n != "" && !strings.HasSuffix(n, b) {
		n = n + ", " + b
	}
	return n
}

// SIASNParsed is a read export.
type SIASNParsed struct {
	Header  SIASNHeader
	Records []SIASNRecord
	// Refused are the rows that cannot be used, with line and reason.
	Refused []RowError
	// Listed are the valid NIPs of every row, refused ones included (an
	// employee whose row was refused is not "missing" from the file).
	Listed map[string]bool
}

// ParseSIASN reads the rows of a SIASN export: the header is the first of
// the first ten rows that names an NIP and a name column (a title above it
// is skipped). Rows that cannot be used are returned as refusals with
// their line and an Indonesian reason; the others as records.
func ParseSIASN(t *tabular.Table) (SIASNParsed, error) {
	out := SIASNParsed{Listed: map[string]bool{}}
	var h SIASNHeader
	start := -1
	for i := 0; i < len(t.Rows) && i < 10; i++ {
		if hh, ok := MapSIASNHeader(t.Rows[i]); ok {
			h, start = hh, i
			break
		}
	}
	if start < 0 {
		return out, &FileError{Reason: "Baris judul tidak dikenali: berkas SIASN harus punya kolom NIP (NIP_BARU) dan NAMA."}
	}
	h.Line = t.Lines[start]
	var recs []SIASNRecord
	var bad []RowError
	seen := map[string]int{}
	for i := start + 1; i < len(t.Rows); i++ {
		row, line := t.Rows[i], t.Lines[i]
		cell := func(f SIASNField) string {
			v := strings.TrimSpace(tabular.Cell(row, h.Col[f]))
			return strings.TrimPrefix(v, "'") // Excel's text marker typed by hand
		}
		blank := true
		for _, c := range row {
			if strings.TrimSpace(c) != "" {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		r := SIASNRecord{Line: line, NIP: strings.ReplaceAll(cell(SIASNNIP), " ", ""), Jabatan: cell(SIASNJabatan), Unit: cell(SIASNUnit),
			JabatanKode: normalizeKode(cell(SIASNJabatanKode)), UnitKode: normalizeKode(cell(SIASNUnitKode))}
		refuse := func(col, reason string) { bad = append(bad, RowError{Line: line, Column: col, Reason: reason}) }
		nb := len(bad)
		if tabular.LooksExcelNumber(r.NIP) {
			refuse(h.Names[SIASNNIP], tabular.NumberAsTextMessage("NIP", r.NIP))
		} else if _, err := ParseNIP(r.NIP); err != nil {
			refuse(h.Names[SIASNNIP], err.Error()+fmt.Sprintf(" (tertulis %q).", truncate(r.NIP, 40)))
		} else if prev, dup := seen[r.NIP]; dup {
			refuse(h.Names[SIASNNIP], fmt.Sprintf("NIP yang sama sudah ada di baris %d.", prev))
		} else {
			out.Listed[r.NIP] = true
		}
		for f := SIASNNama; f < siasnFieldCount; f++ {
			if h.Has(f) && (csvsafe.IsFormula(tabular.Cell(row, h.Col[f])) || csvsafe.IsFormula(cell(f))) {
				refuse(h.Names[f], formulaMessage)
			}
		}
		var ok bool
		if r.Nama, ok = cleanText(siasnName(cell(SIASNGelarDepan), cell(SIASNNama), cell(SIASNGelarBelakang)), 200); !ok && len(bad) == nb {
			refuse(h.Names[SIASNNama], "Nama wajib diisi (paling banyak 200 huruf).")
		}
		if g := cell(SIASNGolongan); g != "" {
			if r.Golongan, ok = siasnGolongan(g); !ok {
				refuse(h.Names[SIASNGolongan], fmt.Sprintf("Golongan %q tidak dapat dibaca: tulis misalnya III/a (PNS) atau IX (PPPK).", truncate(g, 40)))
			}
		}
		st, known, isBad := siasnStatus(cell(SIASNStatus))
		if isBad {
			refuse(h.Names[SIASNStatus], fmt.Sprintf("Status %q tidak dikenal: tulis PNS, CPNS, atau PPPK (P dan C juga diterima).", truncate(cell(SIASNStatus), 40)))
		} else if known {
			r.Status = st
		}
		for _, f := range []struct {
			v    string
			what SIASNField
		}{{r.Jabatan, SIASNJabatan}, {r.Unit, SIASNUnit}} {
			if _, ok := cleanText(f.v, 300); !ok && f.v != "" {
				refuse(h.Names[f.what], f.what.Label()+" paling banyak 300 huruf, tanpa karakter kendali.")
			}
		}
		if len(bad) > nb {
			continue
		}
		seen[r.NIP] = line
		recs = append(recs, r)
	}
	out.Header, out.Records, out.Refused = h, recs, bad
	return out, nil
}

// foldName is a name compared loosely: case, spacing and punctuation
// around it do not matter ("Bidang  Anggaran" = "BIDANG ANGGARAN").
func foldName(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(strings.Trim(s, " .,;:-")), " "))
}
