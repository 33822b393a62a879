package apperr

import "testing"

func TestValidationError(t *testing.T) {
	t.Parallel()
	ve := &ValidationError{}
	if ve.OrNil() != nil {
		t.Error("empty ValidationError is not nil")
	}
	ve.Add("b", "kedua")
	ve.Add("a", "pertama")
	ve.Add("a", "diabaikan")
	if got := ve.Error(); got != "data tidak valid: a: pertama; b: kedua" {
		t.Errorf("Error() = %q", got)
	}
}
