package server

import (
	"bytes"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// go-app writes a page's og:url and og:image as "https://" + Handler.Domain
// + path, and the panel does not know its public name: behind a proxy it
// is whatever the proxy is reached by. withPageURLs fills in the address
// the page was asked for, so a link shared in a chat gets a preview.

var validHost = regexp.MustCompile(`^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$`)

func (s *Server) withPageURLs(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !validHost.MatchString(r.Host) || strings.Contains(r.URL.Path, ".") {
			h.ServeHTTP(w, r)
			return
		}
		buf := &pageBuffer{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(buf, r)
		body := buf.body.Bytes()
		if strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			scheme := "http"
			if s.cfg.BehindTLS || r.TLS != nil {
				scheme = "https"
			}
			origin := html.EscapeString(scheme + "://" + r.Host)
			body = bytes.ReplaceAll(body, []byte(`content="https:///`), []byte(`content="`+origin+`/`))
			body = bytes.ReplaceAll(body, []byte(`content="https://"`), []byte(`content="`+origin+`/"`)) // the home page
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		}
		w.WriteHeader(buf.status)
		_, _ = w.Write(body)
	})
}

// pageBuffer holds a response until it is complete.
type pageBuffer struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (b *pageBuffer) WriteHeader(status int)      { b.status = status }
func (b *pageBuffer) Write(p []byte) (int, error) { return b.body.Write(p) }
