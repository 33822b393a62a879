// Package droppederr is a fixture for TestDroppedGormErrorCheckFinds.
package droppederr

import "gorm.io/gorm"

// Bad drops two query errors and reads one.
func Bad(db *gorm.DB) error {
	var n int64
	db.Raw(`SELECT 1`).Scan(&n)
	_ = db.First(&n)
	return db.Find(&n).Error
}
