package claim

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"testing"

	"github.com/ekinerja/ekinerja/internal/tpp"
)

// digestDoc is the document a claim's input digest covers: the rules and
// every employee's input, ordered by NIP. Digest streams it into the hash
// without building it; this is the plain definition it must equal.
type digestDoc struct {
	Rules  tpp.RuleSet `json:"rules"`
	Inputs []tpp.Input `json:"inputs"`
}

func plainDigest(t *testing.T, rules tpp.RuleSet, emps []Employee) string {
	t.Helper()
	doc := digestDoc{Rules: rules, Inputs: make([]tpp.Input, len(emps))}
	for i, e := range emps {
		doc.Inputs[i] = e.Input
	}
	sort.Slice(doc.Inputs, func(i, j int) bool { return doc.Inputs[i].NIP < doc.Inputs[j].NIP })
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestDigestIsTheDocumentsHash holds the streamed digest (Digest, and the
// computation's digestOf over inputs written once by computeAll) to the
// SHA-256 of the plain JSON document, for no employee, one, and many in
// shuffled order with names that JSON escapes (<, &, quotes, non-ASCII):
// continuity bundles and approval recompute the digest, so its bytes are a
// stored format.
func TestDigestIsTheDocumentsHash(t *testing.T) {
	rules := tpp.DemoRuleSet()
	p := tpp.Period{Year: 2026, Month: 11}
	mk := func(n int) []Employee {
		emps := make([]Employee, n)
		for i := range emps {
			nip := fmt.Sprintf("19800101200501%04d", (i*7919)%10000)
			emps[i] = Employee{PegawaiID: int64(i + 1), Input: tpp.Input{
				NIP: nip, Name: fmt.Sprintf("Pegawai <%d> & \"Ŝ\" %d", i, i), Period: p, Status: tpp.StatusPNS, Golongan: "III/a",
				Segments:           []tpp.Segment{{Kelas: 1 + i%17, FromDay: 1, ToDay: 30, Jabatan: "Analis & <b>"}},
				WorkingDaysInMonth: 21, Predikat: tpp.PredikatBaik,
				Attendance: tpp.Attendance{TK: i % 3, TL: [4]int{i % 2, 0, 1, 0}},
			}}
		}
		return emps
	}
	for _, n := range []int{0, 1, 250} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			emps := mk(n)
			want := plainDigest(t, rules, emps)
			got, err := Digest(rules, emps)
			if err != nil || got != want {
				t.Fatalf("Digest = %s (%v), want %s", got, err, want)
			}
			comp := computeAll(rules, emps)
			ins := make([][]byte, len(comp))
			for i, c := range comp {
				if c.inputJSON == nil {
					t.Fatalf("computeAll left employee %d's input unwritten", i)
				}
				ins[i] = c.inputJSON
			}
			if got, err := digestOf(rules, emps, ins); err != nil || got != want {
				t.Fatalf("digestOf = %s (%v), want %s", got, err, want)
			}
		})
	}
}
