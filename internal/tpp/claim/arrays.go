package claim

import (
	"strconv"
	"strings"
)

// PostgreSQL array literals let one INSERT ... SELECT FROM unnest(...) store
// any number of rows: the statement count of a compute stays constant, and
// GORM does not expand the arguments into one placeholder per value.

type intArray struct{ b strings.Builder }

func (a *intArray) add(v int64) {
	if a.b.Len() == 0 {
		a.b.WriteByte('{')
	} else {
		a.b.WriteByte(',')
	}
	a.b.WriteString(strconv.FormatInt(v, 10))
}

func (a *intArray) String() string {
	if a.b.Len() == 0 {
		return "{}"
	}
	return a.b.String() + "}"
}

type textArray struct{ b strings.Builder }

// add quotes every element, escaping backslash and double quote, so any text
// (commas, braces, NULL) is stored exactly.
func (a *textArray) add(v string) {
	if a.b.Len() == 0 {
		a.b.WriteByte('{')
	} else {
		a.b.WriteByte(',')
	}
	a.b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '"' || c == '\\' {
			a.b.WriteByte('\\')
		}
		if c == 0 { // PostgreSQL text cannot hold NUL
			continue
		}
		a.b.WriteByte(c)
	}
	a.b.WriteByte('"')
}

func (a *textArray) String() string {
	if a.b.Len() == 0 {
		return "{}"
	}
	return a.b.String() + "}"
}

func boolText(b bool) string {
	if b {
		return "t"
	}
	return "f"
}
