// Package droppederr is a fixture for TestDroppedGormErrorCheckFinds.
package droppederr

import "gorm.io/gorm"

// Bad drops three query errors and reads one.
func Bad(db *gorm.DB) error {
	var n int64
	db.Raw(`SELECT 1`).Scan(&n)
	_ = db.First(&n)
	var xs []int64
	db.Find(&xs)
	return db.Find(&n).Error
}
