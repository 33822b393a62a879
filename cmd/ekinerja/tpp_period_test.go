package main

import (
	"testing"

	"github.com/ekinerja/ekinerja/internal/tpp"
)

func mustPeriod(t *testing.T, s string) tpp.Period {
	t.Helper()
	p, err := tpp.ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
