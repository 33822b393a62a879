package claim

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/notify"
)

// notifyStep writes the notifications of claim c moving to status to, in
// the step's transaction: the verifikators for a submitted claim (daily
// digest), the OPD's admins for every later step, and each employee the
// claim pays once it is approved (the slip is final).
func notifyStep(ctx context.Context, tx *gorm.DB, c Claim, to Status, note string) error {
	what := fmt.Sprintf("%s %s (%s)", c.Kind(), periodText(c.Period()), c.OPDNama)
	link := fmt.Sprintf("/tpp/klaim/%d", c.ID)
	admins := func() ([]int64, error) { return notify.UsersWithRole(ctx, tx, string(auth.RoleAdminOPD), c.OPDID) }
	var n notify.Note
	switch to {
	case StatusSubmitted:
		users, err := notify.UsersWithRole(ctx, tx, string(auth.RoleVerifikator), 0)
		if err != nil {
			return err
		}
		n = notify.Note{Users: users, Kind: notify.KindClaimWaiting, Title: what + " diajukan dan menunggu verifikasi", Link: link}
	case StatusReturned:
		users, err := admins()
		if err != nil {
			return err
		}
		n = notify.Note{Users: users, Kind: notify.KindClaimReturned, Title: what + " dikembalikan verifikator",
			Body: "Catatan verifikator: " + note + "\nPerbaiki datanya, hitung ulang, lalu ajukan kembali.", Link: link}
	case StatusVerified:
		users, err := admins()
		if err != nil {
			return err
		}
		n = notify.Note{Users: users, Kind: notify.KindClaimVerified, Title: what + " sudah diverifikasi", Link: link}
	case StatusApproved:
		users, err := admins()
		if err != nil {
			return err
		}
		if err := notify.Add(ctx, tx, notify.Note{Users: users, Kind: notify.KindClaimApproved, Title: what + " disetujui", Link: link}); err != nil {
			return err
		}
		var payees []int64
		if err := tx.WithContext(ctx).Raw(`SELECT pegawai_id FROM tpp_claim_pegawai WHERE claim_id = ? AND error = ''`, c.ID).Scan(&payees).Error; err != nil {
			return err
		}
		emp, err := notify.UsersOfPegawai(ctx, tx, payees)
		if err != nil {
			return err
		}
		n = notify.Note{Users: emp, Kind: notify.KindSlipReady, Title: "Slip TPP " + periodText(c.Period()) + " siap dilihat (" + c.Kind() + ")",
			Body: "Rincian TPP Anda sudah final (klaim disetujui).", Link: fmt.Sprintf("/tpp/slip/%d", c.ID)}
	case StatusPaid:
		users, err := admins()
		if err != nil {
			return err
		}
		n = notify.Note{Users: users, Kind: notify.KindClaimPaid, Title: what + " sudah dibayar", Link: link}
	default:
		return nil
	}
	return notify.Add(ctx, tx, n)
}
