package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/imdesk/imdesk/server/sqlite"
)

// Session cookie names: with TLS the __Host- prefix pins the cookie to this
// host, path / and Secure.
const (
	cookieName       = "imdesk_session"
	secureCookieName = "__Host-imdesk_session"
)

// sessionStore is a gorilla/sessions Store whose sessions live in the
// database: the cookie holds only a signed, encrypted random id. Deleting
// the row (sign-out, password change, disabled account, timeout) ends the
// session at once, whatever the browser keeps.
type sessionStore struct {
	behindTLS bool // a proxy serves the panel over https
	db        *sqlite.DB
	codecs    []securecookie.Codec
	now       func() time.Time
	idle, max time.Duration
}

// Session values.
const (
	valAccount = "account"
	valCreated = "created"
	valSeen    = "seen"
	valEnded   = "ended" // the cookie named a session that has ended: true, or why (sqlite.EndedByAdmin, sqlite.EndedIdle)
)

func (st *sessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(st, name)
}

func (st *sessionStore) options(r *http.Request) *sessions.Options {
	return &sessions.Options{Path: "/", HttpOnly: true, Secure: st.secure(r), SameSite: http.SameSiteStrictMode,
		MaxAge: int(st.max / time.Second)}
}

// New loads the session the request's cookie names, if it is still valid.
func (st *sessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(st, name)
	sess.Options = st.options(r)
	sess.IsNew = true
	c, err := r.Cookie(name)
	if err != nil {
		return sess, nil
	}
	var id string
	if err := securecookie.DecodeMulti(name, c.Value, &id, st.codecs...); err != nil {
		sess.Values[valEnded] = true
		return sess, nil
	}
	row, err := st.db.Session(r.Context(), id)
	if errors.Is(err, sqlite.ErrNotFound) {
		sess.Values[valEnded] = true
		if why, _ := st.db.EndedSession(r.Context(), id); why != "" {
			sess.Values[valEnded] = why
		}
		return sess, nil
	}
	if err != nil {
		return sess, err
	}
	now := st.now()
	switch {
	case now.Sub(row.Created) >= st.max:
		_ = st.db.DeleteSession(r.Context(), id)
		sess.Values[valEnded] = true
		return sess, nil
	case now.Sub(row.LastSeen) >= st.idle:
		_ = st.db.EndSession(r.Context(), id, sqlite.EndedIdle, now)
		sess.Values[valEnded] = sqlite.EndedIdle
		return sess, nil
	}
	sess.ID, sess.IsNew = id, false
	sess.Values[valAccount], sess.Values[valCreated], sess.Values[valSeen] = row.Account, row.Created, row.LastSeen
	return sess, nil
}

// Save stores the session and sets its cookie; MaxAge < 0 ends it.
func (st *sessionStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	if sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if err := st.db.DeleteSession(r.Context(), sess.ID); err != nil {
				return err
			}
		}
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", sess.Options))
		return nil
	}
	now := st.now()
	if sess.ID == "" {
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		sess.ID = base64.RawURLEncoding.EncodeToString(b[:])
		account, _ := sess.Values[valAccount].(string)
		if err := st.db.CreateSession(r.Context(), sqlite.SessionRow{ID: sess.ID, Account: account, Created: now, LastSeen: now}); err != nil {
			return err
		}
		sess.Values[valCreated], sess.Values[valSeen] = now, now
	} else if err := st.db.TouchSession(r.Context(), sess.ID, now); err != nil {
		return err
	}
	encoded, err := securecookie.EncodeMulti(sess.Name(), sess.ID, st.codecs...)
	if err != nil {
		return err
	}
	http.SetCookie(w, sessions.NewCookie(sess.Name(), encoded, sess.Options))
	return nil
}

// loadSessionKeys reads the cookie keys (a hash key and an encryption
// key), making them on first start: from the data directory, or on
// PostgreSQL from the database, so that every replica reads and makes the
// same cookies. (They sign and encrypt a session's random ID, which the
// database holds anyway: keeping them there exposes nothing more.)
func loadSessionKeys(dataDir string, db *sqlite.DB) ([]securecookie.Codec, error) {
	var key []byte
	var err error
	if db.OnPostgres() {
		key, err = db.SharedKey(context.Background(), "session", 64)
	} else {
		key, err = sessionKeyFile(dataDir)
	}
	if err != nil {
		return nil, err
	}
	codecs := securecookie.CodecsFromPairs(key[:32], key[32:])
	for _, c := range codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.MaxAge(0) // expiry is enforced on the server
		}
	}
	return codecs, nil
}

// sessionKeyFile reads the cookie keys from session.keys in the data
// directory, making the file on first start.
func sessionKeyFile(dataDir string) ([]byte, error) {
	path := filepath.Join(dataDir, "session.keys")
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, 64)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		b = []byte(hex.EncodeToString(key) + "\n")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, fmt.Errorf("write session keys: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("read session keys: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 64 {
		return nil, fmt.Errorf("session keys in %s are damaged; delete the file to make new ones (everyone will have to sign in again)", path)
	}
	return key, nil
}

// secure reports whether the browser reaches the panel over https: TLS
// here, IMDESK_BEHIND_TLS, or a trusted proxy's X-Forwarded-Proto.
func (st *sessionStore) secure(r *http.Request) bool {
	if st.behindTLS || r.TLS != nil {
		return true
	}
	o, ok := r.Context().Value(originKey).(origin)
	return ok && o.secure
}

func (s *Server) cookieName(r *http.Request) string {
	if s.sessions.secure(r) {
		return secureCookieName
	}
	return cookieName
}
