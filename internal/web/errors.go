package web

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/views/layout"
	"github.com/ekinerja/ekinerja/views/pages"
)

// isUnavailable reports whether err means the database cannot be reached.
func isUnavailable(err error) bool {
	var ne net.Error
	var ce *pgconn.ConnectError
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// 57P01..57P03: admin shutdown, crash shutdown, cannot connect now; 08xxx: connection exceptions.
		return strings.HasPrefix(pe.Code, "57P") || strings.HasPrefix(pe.Code, "08")
	}
	// A connection cut mid-query surfaces as EOF or "conn closed" from pgx.
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || pgconn.SafeToRetry(err) || pgconn.Timeout(err) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, apperr.ErrUnavailable) ||
		strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "failed to connect")
}

// The 503 messages: a database that does not answer in time, and an
// instance working on as many requests as it may.
const (
	msgDatabaseSlow = "Sistem sedang gangguan: basis data tidak menjawab tepat waktu. Coba lagi beberapa saat lagi."
	msgOverloaded   = "Sistem sedang gangguan: terlalu banyak permintaan saat ini. Coba lagi beberapa detik lagi."
)

// outOfScopeMessage answers a request for a record outside the person's scope.
const outOfScopeMessage = "Data ini di luar lingkup wewenang Anda (misalnya milik OPD atau pegawai lain)."

// problem is what a person (or API client) is told about an error.
type problem struct {
	Status  int               `json:"status"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// classify maps an error to a safe status and message. Internal detail never
// reaches the response.
func classify(err error) problem {
	var he *echo.HTTPError
	var ve *apperr.ValidationError
	var msg *apperr.Message
	switch {
	case errors.As(err, &ve):
		return problem{Status: http.StatusUnprocessableEntity, Message: "Data yang dikirim belum benar. Periksa isian yang ditandai.", Fields: ve.Fields}
	case errors.As(err, &msg):
		p := classify(msg.Kind)
		p.Message = msg.Text
		return p
	case errors.Is(err, apperr.ErrNotFound):
		return problem{Status: http.StatusNotFound, Message: "Data yang Anda cari tidak ditemukan."}
	case errors.Is(err, apperr.ErrOutOfScope):
		return problem{Status: http.StatusForbidden, Message: outOfScopeMessage}
	case errors.Is(err, apperr.ErrForbidden):
		return problem{Status: http.StatusForbidden, Message: "Anda tidak berwenang membuka halaman atau melakukan tindakan ini."}
	case errors.Is(err, apperr.ErrUnauthorized):
		return problem{Status: http.StatusUnauthorized, Message: "Silakan masuk terlebih dahulu."}
	case errors.Is(err, apperr.ErrBusy):
		return problem{Status: http.StatusTooManyRequests, Message: "Terlalu banyak permintaan bersamaan. Coba lagi beberapa detik lagi."}
	case errors.Is(err, apperr.ErrConflict):
		return problem{Status: http.StatusConflict, Message: "Data telah berubah atau sudah ada. Muat ulang halaman lalu coba lagi."}
	case isUnavailable(err):
		return problem{Status: http.StatusServiceUnavailable, Message: "Sistem sedang gangguan: basis data tidak dapat dihubungi. Coba lagi beberapa saat lagi."}
	case errors.As(err, &he):
		switch he.Code {
		case http.StatusNotFound:
			return problem{Status: he.Code, Message: "Halaman tidak ditemukan."}
		case http.StatusMethodNotAllowed:
			return problem{Status: he.Code, Message: "Metode permintaan tidak diizinkan."}
		case http.StatusRequestEntityTooLarge:
			return problem{Status: he.Code, Message: "Data atau berkas yang dikirim terlalu besar."}
		case http.StatusUnsupportedMediaType:
			return problem{Status: he.Code, Message: "Jenis data yang dikirim tidak didukung."}
		case http.StatusTooManyRequests:
			return problem{Status: he.Code, Message: "Terlalu banyak permintaan. Coba lagi sebentar lagi."}
		case http.StatusServiceUnavailable:
			return problem{Status: he.Code, Message: "Sistem sedang gangguan. Coba lagi beberapa saat lagi."}
		}
		if he.Code >= 400 && he.Code < 500 {
			return problem{Status: he.Code, Message: "Permintaan tidak dapat diproses. Periksa data yang dikirim."}
		}
	}
	return problem{Status: http.StatusInternalServerError, Message: "Terjadi kesalahan pada sistem. Kejadian ini telah dicatat; coba lagi atau hubungi admin."}
}

func wantsJSON(c echo.Context) bool {
	return strings.HasPrefix(c.Request().URL.Path, "/api/") ||
		strings.Contains(c.Request().Header.Get(echo.HeaderAccept), echo.MIMEApplicationJSON)
}

// errorTitle is the heading of an error page.
func errorTitle(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "Belum masuk"
	case http.StatusForbidden:
		return "Akses ditolak"
	case http.StatusNotFound:
		return "Tidak ditemukan"
	case http.StatusServiceUnavailable:
		return "Sedang gangguan"
	case http.StatusConflict:
		return "Data berubah"
	case http.StatusUnprocessableEntity, http.StatusBadRequest:
		return "Data belum benar"
	}
	if status >= 500 {
		return "Kesalahan sistem"
	}
	return "Permintaan ditolak"
}

// handleError is Echo's single HTTPErrorHandler.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	p := classify(err)
	l := logger(c)
	if p.Status >= 500 {
		// A failure after the request's context ended is that end: the
		// deadline (the database did not answer in time: 503, never 500) or
		// a client that went away (499, answered to nobody).
		if st, ended := contextEnd(c.Request().Context()); ended {
			if st == StatusClientClosedRequest {
				l.Info("client closed the request", slog.String("error", err.Error()))
				c.Response().WriteHeader(StatusClientClosedRequest)
				return
			}
			p = problem{Status: st, Message: msgDatabaseSlow}
		}
	}
	if errors.Is(err, errOverloaded) {
		p.Message = msgOverloaded
	}
	switch {
	case errors.Is(err, errOverloaded): // counted (ekinerja_http_shed_total) and in the request line
	case p.Status == http.StatusServiceUnavailable:
		l.Warn("request failed", slog.String("error", err.Error()), slog.Int("status", p.Status))
	case p.Status >= 500:
		l.Error("request failed", slog.String("error", err.Error()), slog.Int("status", p.Status))
	case p.Status == http.StatusForbidden:
		s.recordForbidden(c, err)
	}
	switch {
	case errors.Is(err, errOverloaded):
		c.Response().Header().Set("Retry-After", "2")
	case p.Status == http.StatusServiceUnavailable:
		c.Response().Header().Set("Retry-After", "30")
	case p.Status == http.StatusTooManyRequests && c.Response().Header().Get("Retry-After") == "":
		c.Response().Header().Set("Retry-After", "5")
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(p.Status)
		return
	}
	if wantsJSON(c) {
		_ = c.JSON(p.Status, map[string]problem{"error": p})
		return
	}
	if p.Status == http.StatusUnauthorized && c.Request().Method == http.MethodGet && principal(c) == nil {
		_ = c.Redirect(http.StatusSeeOther, "/masuk?next="+safeNext(c.Request().URL.RequestURI()))
		return
	}
	ch := layout.Chrome{}
	if p.Status == http.StatusServiceUnavailable {
		// The database is not answering (or the instance is full): the page
		// is rendered without asking it anything (no agency names for the
		// role switcher), on a context that outlives the request's deadline.
		ch = s.chromeOffline(c, errorTitle(p.Status))
		c.SetRequest(c.Request().WithContext(context.WithoutCancel(c.Request().Context())))
	} else {
		ch = s.chrome(c, errorTitle(p.Status))
	}
	if err := s.render(c, p.Status, pages.Error(ch, pages.ErrorPage{Status: p.Status, Title: errorTitle(p.Status), Message: pageMessage(p)})); err != nil {
		l.Error("render error page", slog.String("error", err.Error()))
	}
}

// pageMessage is what an error page says: a validation error that reached
// the error page (a query parameter, not a form that shows its own fields)
// says each field's message, so a person sees what to change.
func pageMessage(p problem) string {
	if len(p.Fields) == 0 {
		return p.Message
	}
	msgs := make([]string, 0, len(p.Fields))
	for _, m := range p.Fields {
		msgs = append(msgs, m)
	}
	sort.Strings(msgs)
	return strings.Join(msgs, " ")
}
