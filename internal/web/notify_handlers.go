package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/notify"
	"github.com/ekinerja/ekinerja/views/pages"
)

// notifyRoutes are the inbox and the e-mail settings: every signed-in
// person has their own.
func (s *Server) notifyRoutes() []Route {
	return []Route{
		{http.MethodGet, "/notifikasi", AnyRole, s.notifInbox},
		{http.MethodPost, "/notifikasi/baca-semua", AnyRole, s.notifReadAll},
		{http.MethodPost, "/notifikasi/:id/baca", AnyRole, s.notifRead},
		{http.MethodGet, "/akun/notifikasi", AnyRole, s.notifSettings},
		{http.MethodPost, "/akun/notifikasi", AnyRole, s.notifSettingsSave},
	}
}

var notifyFlashes = map[string]string{
	"notif_dibaca": "Semua notifikasi ditandai sudah dibaca.",
	"notif_simpan": "Pengaturan notifikasi disimpan.",
}

// notifyActor is actorOf(c) (the name stays for callers).
func notifyActor(c echo.Context) notify.Actor { return actorOf(c) }

func (s *Server) notifInbox(c echo.Context) error {
	f := notify.InboxFilter{UnreadOnly: c.QueryParam("status") == "belum"}
	f.Page, _ = strconv.Atoi(c.QueryParam("hal"))
	in, err := s.notes.Inbox(c.Request().Context(), principal(c).UserID, f)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.NotifInbox(s.chrome(c, "Notifikasi"), pages.NotifInboxView{Inbox: in}))
}

func (s *Server) notifRead(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return apperr.New(apperr.ErrNotFound, "Notifikasi tidak ditemukan.")
	}
	link, err := s.notes.MarkRead(c.Request().Context(), notifyActor(c), id)
	if err != nil {
		return err
	}
	if link == "" || c.FormValue("buka") == "" {
		link = "/notifikasi"
	}
	return c.Redirect(http.StatusSeeOther, safeNext(link))
}

func (s *Server) notifReadAll(c echo.Context) error {
	if _, err := s.notes.MarkRead(c.Request().Context(), notifyActor(c), 0); err != nil {
		return err
	}
	return redirectWith(c, "/notifikasi", "notif_dibaca")
}

func (s *Server) notifSettings(c echo.Context) error {
	st, err := s.notes.Settings(c.Request().Context(), principal(c).UserID)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.NotifSettings(s.chrome(c, "Pengaturan Notifikasi"), pages.NotifSettingsView{Settings: st}))
}

func (s *Server) notifSettingsSave(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return apperr.Invalid("surel", "Formulir tidak dapat dibaca.")
	}
	var on []notify.Kind
	for _, v := range form["surel"] {
		on = append(on, notify.Kind(v))
	}
	err = s.notes.SaveSettings(c.Request().Context(), notifyActor(c), form.Get("email"), on)
	var ve *apperr.ValidationError
	if errors.As(err, &ve) {
		st := notify.Settings{Email: form.Get("email"), Off: map[notify.Kind]bool{}}
		for _, k := range notify.Kinds {
			st.Off[k] = true
		}
		for _, k := range on {
			delete(st.Off, k)
		}
		return s.render(c, http.StatusUnprocessableEntity, pages.NotifSettings(s.chrome(c, "Pengaturan Notifikasi"), pages.NotifSettingsView{Settings: st, Errors: ve.Fields}))
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/akun/notifikasi", "notif_simpan")
}
