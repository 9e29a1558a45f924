package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"path"
	"runtime/debug"
	"strings"
	"time"
)

// contentSecurityPolicy allows only this origin, plus 'wasm-unsafe-eval' so
// that the browser may compile app.wasm and the hash of the one inline
// script, web/boot.js (see bootScript). No other inline script or style is
// used.
func contentSecurityPolicy(boot bootScript) string {
	scripts := "'self' 'wasm-unsafe-eval'"
	if boot.hash != "" {
		scripts += " " + boot.hash
	}
	return "default-src 'self'; script-src " + scripts + "; " +
		"style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; " +
		"manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}

type ctxKey int

const (
	requestIDKey ctxKey = iota
	originKey           // origin: the client's address and scheme
)

// requestID returns the id given to the request by the middleware.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// middleware wraps every route: request id, security headers, recovery from
// panics (details to the log only) and an access log line.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		ctx := context.WithValue(r.Context(), requestIDKey, id)
		r = r.WithContext(context.WithValue(ctx, originKey, originOf(r, s.cfg.TrustedProxies)))

		h := w.Header()
		h.Set("X-Request-Id", id)
		h.Set("Content-Security-Policy", s.csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
		if s.sessions.secure(r) {
			h.Set("Strict-Transport-Security", "max-age=63072000")
		}

		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
				if !rec.wrote {
					s.writeAPIError(rec, r, errors.New("panic"))
				}
			}
			took := time.Since(start)
			s.log.InfoContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path, "client", clientIP(r),
				"status", rec.status(), "duration", took.Round(time.Microsecond))
			s.metrics.request(r.Pattern, r.Method, rec.status(), took)
		}()
		next.ServeHTTP(rec, r)
	})
}

// statusRecorder remembers the status code written, for the access log.
type statusRecorder struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.code, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.code, r.wrote = http.StatusOK, true
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) status() int {
	if !r.wrote {
		return http.StatusOK
	}
	return r.code
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// cleanPaths redirects a path with "." or ".." segments or doubled slashes
// to its clean form before http.ServeMux sees it. ServeMux does the same,
// but builds its Location from the cleaned *escaped* path put back into a
// url.URL, which escapes it a second time: /api/v1/groups/%40TGS%23a/../x
// went to /api/v1/groups/%2540TGS%2523a… — a group ID that does not exist.
// Here the escaped path is cleaned and used as it is, with the query as it
// came, so the Location names the very resource the browser asked for.
func cleanPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		escaped := r.URL.EscapedPath()
		clean := cleanEscapedPath(escaped)
		if r.Method == http.MethodConnect || clean == escaped {
			next.ServeHTTP(w, r)
			return
		}
		if r.URL.RawQuery != "" {
			clean += "?" + r.URL.RawQuery
		}
		// 307, as ServeMux answers: a POST stays a POST.
		w.Header().Set("Location", clean)
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
}

// cleanEscapedPath is ServeMux's cleaning of a path: rooted, without "."
// and ".." segments or doubled slashes (so never "//host", which a browser
// would take for another site), keeping a trailing slash. It works on the
// escaped form, so an escaped slash (%2F) stays inside its segment.
func cleanEscapedPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if strings.HasSuffix(p, "/") && np != "/" {
		np += "/"
	}
	return np
}
