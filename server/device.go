package server

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
)

// Device cookie names: a browser that signed in to an account successfully
// keeps one, signed with the session keys, naming the account and a random
// device nonce. With it, the browser's sign-in attempts for that account
// are counted for the device alone (see throttle).
const (
	deviceCookieName       = "imdesk_device"
	secureDeviceCookieName = "__Host-imdesk_device"
	// deviceCookieMaxAge is how long a device stays trusted after its last
	// successful sign-in.
	deviceCookieMaxAge = 180 * 24 * time.Hour
)

func (s *Server) deviceCookieName(r *http.Request) string {
	if s.sessions.secure(r) {
		return secureDeviceCookieName
	}
	return deviceCookieName
}

// trustedDevice returns the device nonce of the request's device cookie
// when it is valid, recent and for the account name; "" otherwise (no
// cookie, another account's, forged, or too old).
func (s *Server) trustedDevice(r *http.Request, name string) string {
	cookie := s.deviceCookieName(r)
	c, err := r.Cookie(cookie)
	if err != nil {
		return ""
	}
	var v string
	if err := securecookie.DecodeMulti(cookie, c.Value, &v, s.sessions.codecs...); err != nil {
		return ""
	}
	nonce, rest, ok := strings.Cut(v, ":")
	issued, account, ok2 := strings.Cut(rest, ":")
	unix, err := strconv.ParseInt(issued, 10, 64)
	if !ok || !ok2 || err != nil || account != name || s.now().Sub(time.Unix(unix, 0)) > deviceCookieMaxAge {
		return ""
	}
	return nonce
}

// setDeviceCookie marks the browser as a device that signed in to the
// account, keeping its nonce when it already had one.
func (s *Server) setDeviceCookie(w http.ResponseWriter, r *http.Request, account, nonce string) error {
	if nonce == "" {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		nonce = base64.RawURLEncoding.EncodeToString(b[:])
	}
	name := s.deviceCookieName(r)
	v, err := securecookie.EncodeMulti(name, nonce+":"+strconv.FormatInt(s.now().Unix(), 10)+":"+account, s.sessions.codecs...)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: name, Value: v, Path: "/", HttpOnly: true, Secure: s.sessions.secure(r),
		SameSite: http.SameSiteStrictMode, MaxAge: int(deviceCookieMaxAge / time.Second)})
	return nil
}
