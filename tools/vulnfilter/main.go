// Command vulnfilter reads govulncheck's JSON stream (govulncheck -format
// json) on stdin and prints the vulnerabilities whose vulnerable function the
// application calls, one line each: "GO-2026-1234 module@version: summary".
// With -stdlib it prints those in the Go standard library, otherwise those in
// modules (dependencies). It exits 0 either way; printing is the verdict.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
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
	flag.Parse()
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
		fmt.Printf("%s %s: %s\n", id, found[id], summaries[id])
	}
}
