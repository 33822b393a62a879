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
