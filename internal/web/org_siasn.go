package web

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/views/pages"
)

// siasnUploadView is the upload form with the OPD choice of a superadmin.
func (s *Server) siasnUploadView(c echo.Context, form pages.OrgForm) (pages.SIASNUploadView, error) {
	opds, err := s.opdOptions(c, orgScope(principal(c)))
	return pages.SIASNUploadView{OPDs: opds, Form: form}, err
}

func (s *Server) siasnPage(c echo.Context) error {
	v, err := s.siasnUploadView(c, pages.OrgForm{Values: map[string]string{}})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.SIASNUploadPage(s.chrome(c, "Impor SIASN"), v))
}

// siasnUpload reads the export into a stored preview and shows it.
func (s *Server) siasnUpload(c echo.Context) error {
	form := formValues(c, "opd_id")
	fh, err := c.FormFile("berkas")
	if err == nil && fh.Size > org.MaxImportBytes {
		err = apperr.Invalid("berkas", "Berkas lebih besar dari 10 MB. Pecah menjadi beberapa berkas.")
	} else if err != nil {
		err = apperr.Invalid("berkas", "Pilih berkas ekspor SIASN (CSV atau .xlsx).")
	}
	var d org.SIASNDiff
	if err == nil {
		f, oerr := fh.Open()
		if oerr != nil {
			return oerr
		}
		defer f.Close()
		d, err = s.org.SIASNPreview(c.Request().Context(), orgActor(c), formID(c, "opd_id"), fh.Filename, f)
	}
	if fields, ok := fieldErrors(err); ok {
		form.Errors = fields
		v, verr := s.siasnUploadView(c, form)
		if verr != nil {
			return verr
		}
		return s.render(c, http.StatusUnprocessableEntity, pages.SIASNUploadPage(s.chrome(c, "Impor SIASN"), v))
	}
	if err != nil {
		return err
	}
	logger(c).Info("siasn preview", slog.Int64("batch", d.ID), slog.Int("baris", d.Rows), slog.Int("perubahan", d.Changes()))
	return c.Redirect(http.StatusSeeOther, "/impor/siasn/"+itoa(d.ID))
}

// siasnBatchID reads the batch id of the path (0 when bad: not found).
func siasnBatchID(c echo.Context) int64 {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// siasnDiffView renders page hal of a stored preview.
func (s *Server) siasnDiffView(c echo.Context, status int, hal int, form pages.OrgForm) error {
	d, err := s.org.SIASNBatch(c.Request().Context(), orgActor(c), siasnBatchID(c))
	if err != nil {
		return err
	}
	v := pages.SIASNDiffView{D: d, P: d.Page(hal), Form: form}
	return s.render(c, status, pages.SIASNDiffPage(s.chrome(c, "Perbedaan SIASN"), v))
}

func (s *Server) siasnDiff(c echo.Context) error {
	hal, _ := strconv.Atoi(c.QueryParam("hal"))
	return s.siasnDiffView(c, http.StatusOK, hal, pages.OrgForm{})
}

// siasnApply applies the accepted change keys of the batch; the values
// come from the stored batch, never from the form.
func (s *Server) siasnApply(c echo.Context) error {
	params, err := c.FormParams()
	if err != nil {
		return apperr.Invalid("terima", "Formulir tidak dapat dibaca.")
	}
	id := siasnBatchID(c)
	res, err := s.org.SIASNApply(c.Request().Context(), orgActor(c), id, params["terima"], s.today())
	if fields, ok := fieldErrors(err); ok {
		hal, _ := strconv.Atoi(c.FormValue("hal"))
		return s.siasnDiffView(c, http.StatusUnprocessableEntity, hal, pages.OrgForm{Errors: fields})
	}
	if err != nil {
		return err
	}
	logger(c).Info("siasn apply", slog.Int64("batch", id), slog.Int("baru", res.Created), slog.Int("diubah", res.Updated),
		slog.Int("jabatan", res.Assigned), slog.Int("nonaktif", res.Deactivated), slog.Int("sudah", res.Again))
	status := http.StatusOK
	if res.Changed() == 0 {
		status = http.StatusConflict // everything accepted was applied before (a repeated submit)
	}
	return s.render(c, status, pages.SIASNResultPage(s.chrome(c, "Impor SIASN"), pages.SIASNResultView{ID: id, Res: res}))
}
