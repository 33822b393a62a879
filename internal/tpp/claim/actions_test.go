package claim

import (
	"errors"
	"testing"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestAllowedIsTheOneRule checks the rule the claim page's buttons and every
// handler share: who may take which step from which status, and why not.
func TestAllowedIsTheOneRule(t *testing.T) {
	t.Parallel()
	admin := Actor{Role: auth.RoleAdminOPD, OPDID: 7}
	otherAdmin := Actor{Role: auth.RoleAdminOPD, OPDID: 8}
	verif := Actor{Role: auth.RoleVerifikator}
	super := Actor{Role: auth.RoleSuperadmin}
	peg := Actor{Role: auth.RolePegawai}
	claimIn := func(s Status) Claim { return Claim{ID: 1, OPDID: 7, Status: s} }
	for _, tc := range []struct {
		name   string
		a      Actor
		status Status
		f      Facts
		x      Action
		want   error // nil, ErrNotFound, ErrForbidden or ErrConflict
	}{
		{"admin submits a draft", admin, StatusDraft, Facts{}, ActSubmit, nil},
		{"admin submits a returned claim", admin, StatusReturned, Facts{}, ActSubmit, nil},
		{"not while computing", admin, StatusDraft, Facts{Running: true}, ActSubmit, apperr.ErrConflict},
		{"not a submitted claim again", admin, StatusSubmitted, Facts{}, ActSubmit, apperr.ErrConflict},
		{"another OPD's admin sees nothing", otherAdmin, StatusDraft, Facts{}, ActSubmit, apperr.ErrNotFound},
		{"the verifikator does not submit", verif, StatusDraft, Facts{}, ActSubmit, apperr.ErrForbidden},
		{"verify a submitted claim", verif, StatusSubmitted, Facts{}, ActVerify, nil},
		{"admin does not verify", admin, StatusSubmitted, Facts{}, ActVerify, apperr.ErrForbidden},
		{"approve a verified claim", verif, StatusVerified, Facts{}, ActApprove, nil},
		{"not approve a submitted claim", verif, StatusSubmitted, Facts{}, ActApprove, apperr.ErrConflict},
		{"pay an approved claim", verif, StatusApproved, Facts{}, ActPay, nil},
		{"not pay twice", verif, StatusPaid, Facts{}, ActPay, apperr.ErrConflict},
		{"superadmin does not pay", super, StatusApproved, Facts{}, ActPay, apperr.ErrForbidden},
		{"return a verified claim", verif, StatusVerified, Facts{}, ActReturn, nil},
		{"reopen an approved claim", verif, StatusApproved, Facts{}, ActReopen, nil},
		{"not reopen a paid claim", verif, StatusPaid, Facts{}, ActReopen, apperr.ErrConflict},
		{"susulan while someone waits", admin, StatusPaid, Facts{Waiting: 1}, ActSusulan, nil},
		{"no susulan when nobody waits", verif, StatusPaid, Facts{}, ActSusulan, apperr.ErrConflict},
		{"no susulan of a draft", verif, StatusDraft, Facts{Waiting: 1}, ActSusulan, apperr.ErrConflict},
		{"superadmin exports", super, StatusApproved, Facts{}, ActExport, nil},
		{"no export of a draft", super, StatusDraft, Facts{}, ActExport, apperr.ErrConflict},
		{"bank file for the verifikator only", admin, StatusPaid, Facts{}, ActBank, apperr.ErrForbidden},
		{"recompute a returned claim", verif, StatusReturned, Facts{}, ActCompute, nil},
		{"a pegawai takes no step", peg, StatusDraft, Facts{}, ActCompute, apperr.ErrNotFound},
		{"an unknown action", verif, StatusDraft, Facts{}, Action("hapus"), apperr.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Allowed(tc.a, claimIn(tc.status), tc.f, tc.x)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	// Every money step, and only those, needs an acknowledgement.
	for _, x := range Actions {
		want := x == ActSubmit || x == ActVerify || x == ActApprove || x == ActPay
		if x.MoneyStep() != want {
			t.Errorf("%s.MoneyStep() = %v", x, !want)
		}
	}
}
