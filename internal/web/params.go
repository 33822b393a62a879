package web

import (
	"errors"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// pathID reads a positive numeric path parameter; anything else is not found.
func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.ErrNotFound
	}
	return id, nil
}

// fieldErrors returns the field messages of a validation error, or nil
// (with ok false) for any other error, which the caller returns as is.
func fieldErrors(err error) (map[string]string, bool) {
	var ve *apperr.ValidationError
	if errors.As(err, &ve) {
		return ve.Fields, true
	}
	return nil, false
}
