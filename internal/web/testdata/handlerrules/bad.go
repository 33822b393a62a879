// Package handlerrules is a fixture for TestHandlerRuleCheckFinds: a
// handler file that imports GORM and does the money arithmetic web must
// leave to the domain.
package handlerrules

import "gorm.io/gorm"

// Rupiah is a money type; arithmetic on it is flagged whatever the names.
type Rupiah int64

type entry struct {
	TotalNet int64
	Jumlah   int
}

type view struct{ Total int64 }

// Bad sums money three ways and counts once (not flagged).
func Bad(db *gorm.DB, es []entry, a, b Rupiah) (view, Rupiah, int) {
	var v view
	n := 0
	for _, e := range es {
		v.Total += e.TotalNet // flagged: += on Total / TotalNet
		n += e.Jumlah         // not money: a count
	}
	bersih := v.Total - 1 // flagged: Total in a subtraction
	_ = bersih
	label := "Total " + "Rp" // not flagged: strings
	_ = label
	return v, a + b, n // a + b flagged: Rupiah
}
