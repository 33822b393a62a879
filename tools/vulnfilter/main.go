// Command vulnfilter reads govulncheck's JSON stream (govulncheck -format
// json) on stdin and prints the vulnerabilities whose vulnerable function the
// application calls, one line each: "GO-2026-1234 module@version: summary".
// With -stdlib it prints those in the Go standard library, otherwise those in
// modules (dependencies). It exits 0 either way; printing is the verdict.
//
// With -reviewed FILE, an advisory listed there ("GO-2026-1234 | why the
// application is not affected", one per line, # comments) is printed to
// stderr as reviewed, with its reason, instead of on stdout; an entry that
// no longer matches any finding is reported on stderr too, so the list does
// not outlive its advisories unnoticed.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type message struct {
	OSV *struct {
		ID      string `json:"id"`
		Summary string `json:"summary"`
	} `json:"osv"`
	Finding *struct {
		OSV          string `json:"osv"`
		FixedVersion string `json:"fixed_version"`
		Trace        []struct {
			Module   string `json:"module"`
			Version  string `json:"version"`
			Function string `json:"function"`
		} `json:"trace"`
	} `json:"finding"`
}

func main() {
	stdlib := flag.Bool("stdlib", false, "print the standard library's findings instead of the modules'")
	reviewedPath := flag.String("reviewed", "", "file of reviewed advisories: 'GO-ID | reason' per line")
	flag.Parse()
	reviewed, err := readReviewed(*reviewedPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vulnfilter:", err)
		os.Exit(2)
	}
	summaries := map[string]string{}
	found := map[string]string{}
	dec := json.NewDecoder(os.Stdin)
	for {
		var m message
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			fmt.Fprintln(os.Stderr, "vulnfilter:", err)
			os.Exit(2)
		}
		if m.OSV != nil {
			summaries[m.OSV.ID] = m.OSV.Summary
		}
		f := m.Finding
		if f == nil || len(f.Trace) == 0 || f.Trace[0].Function == "" {
			continue // imported or required, but not called
		}
		if (f.Trace[0].Module == "stdlib") != *stdlib {
			continue
		}
		fix := ""
		if f.FixedVersion != "" {
			fix = " (diperbaiki di " + f.FixedVersion + ")"
		}
		found[f.OSV] = f.Trace[0].Module + "@" + f.Trace[0].Version + fix
	}
	ids := make([]string, 0, len(found))
	for id := range found {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if why, ok := reviewed[id]; ok {
			fmt.Fprintf(os.Stderr, "ditinjau, tidak berdampak: %s %s: %s\n", id, found[id], why)
			continue
		}
		fmt.Printf("%s %s: %s\n", id, found[id], summaries[id])
	}
	if !*stdlib {
		for id := range reviewed {
			if _, ok := found[id]; !ok {
				fmt.Fprintf(os.Stderr, "vulnfilter: %s di %s tidak lagi ditemukan; hapus dari daftar\n", id, *reviewedPath)
			}
		}
	}
}

// readReviewed reads "GO-ID | reason" lines; a line without a reason is an
// error, so no advisory is waved through unexplained.
func readReviewed(path string) (map[string]string, error) {
	out := map[string]string{}
	if path == "" {
		return out, nil
	}
	b, err := os.ReadFile(path) // #nosec G304 -- the path is the Makefile's own -reviewed argument, read by a build tool
	if err != nil {
		return nil, err
	}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, why, ok := strings.Cut(line, "|")
		id, why = strings.TrimSpace(id), strings.TrimSpace(why)
		if !ok || !strings.HasPrefix(id, "GO-") || why == "" {
			return nil, fmt.Errorf("%s:%d: want 'GO-YYYY-NNNN | reason'", path, i+1)
		}
		out[id] = why
	}
	return out, nil
}
