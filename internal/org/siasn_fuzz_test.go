package org

import (
	"testing"
	"unicode/utf8"

	"github.com/ekinerja/ekinerja/internal/csvsafe"
	"github.com/ekinerja/ekinerja/internal/tabular"
)

// FuzzParseSIASN feeds arbitrary files to the SIASN reader: it never
// panics; every record has a valid, unique NIP, a clean name, a line after
// the header, a golongan in canonical form or none, and no formula; every
// refusal names a line after the header.
func FuzzParseSIASN(f *testing.F) {
	f.Add([]byte("NIP_BARU;NAMA;GOL_AKHIR_NAMA;STATUS_CPNS_PNS;JABATAN_NAMA;UNOR_NAMA\n198503152010011001;Ahmad;III/a;P;Analis;Bidang A\n"))
	f.Add([]byte("Daftar\nnip,nama,golongan,status\n198501012023211001,Budi,IX,PPPK\n1,98109E+17,X,III/a,C\n"))
	f.Add([]byte("nip,nama,jabatan\n198503152010011001,Ahmad,'=cmd\n"))
	f.Add([]byte("nip,nama,gelar_depan,gelar_belakang\n198503152010011001,=cmd,Dr.,S.E.\n198503152010011001,Dua,,\n"))
	f.Add([]byte("\xEF\xBB\xBFNIP Baru\tNama\tPangkat Golongan\n198503152010011001\tRen\xe9\tPenata Muda (III/a)\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := tabular.Bytes(data, tabular.Options{MaxRows: 2000})
		if err != nil {
			return
		}
		ps, err := ParseSIASN(tb)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, r := range ps.Records {
			if _, err := ParseNIP(r.NIP); err != nil || seen[r.NIP] || !ps.Listed[r.NIP] {
				t.Fatalf("record NIP %q: %v (dup %v)", r.NIP, err, seen[r.NIP])
			}
			seen[r.NIP] = true
			if r.Line <= ps.Header.Line {
				t.Fatalf("record on line %d, header on %d", r.Line, ps.Header.Line)
			}
			if _, ok := cleanText(r.Nama, 200); !ok || csvsafe.IsFormula(r.Nama) {
				t.Fatalf("record name %q", r.Nama)
			}
			if r.Golongan != "" && !golonganPNS[r.Golongan] && !golonganPPPK[r.Golongan] {
				t.Fatalf("golongan %q", r.Golongan)
			}
			for _, s := range []string{r.Jabatan, r.Unit} {
				if !utf8.ValidString(s) || csvsafe.IsFormula(s) {
					t.Fatalf("cell %q", s)
				}
			}
		}
		for _, e := range ps.Refused {
			if e.Line <= ps.Header.Line || e.Reason == "" {
				t.Fatalf("refusal %+v", e)
			}
		}
	})
}
