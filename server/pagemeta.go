package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/imdesk/imdesk/server/i18n"
)

// pages wraps go-app's handler. A page (a path without a dot) is rendered
// in its reader's language (localizePage) with its og:url and og:image
// made absolute: go-app writes them as "https://" + Handler.Domain + path,
// and the panel does not know its public name — behind a proxy it is
// whatever the proxy is reached by — so the address the page was asked for
// is filled in, and a link shared in a chat gets a preview. Every text
// answer (pages, app.js, app.css) is compressed when the browser takes
// gzip: go-app does not, and on a phone's network the page is what a
// person has for seconds.
func (s *Server) pages(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			h.ServeHTTP(w, r)
			return
		}
		buf := &pageBuffer{ResponseWriter: w, status: http.StatusOK}
		page := validHost.MatchString(r.Host) && !strings.Contains(r.URL.Path, ".")
		lang := i18n.ForRequest(r)
		if page {
			i18n.Render(lang, func() { h.ServeHTTP(buf, r) })
		} else {
			h.ServeHTTP(buf, r)
		}
		body := buf.body.Bytes()
		ctype := w.Header().Get("Content-Type")
		if page && strings.HasPrefix(ctype, "text/html") {
			body = s.boot.insert(localizePage(body, i18n.Get(lang)), r.URL.Query().Get("wasm") != "false")
			w.Header().Add("Vary", "Cookie, Accept-Language")
			scheme := "http"
			if s.cfg.BehindTLS || r.TLS != nil {
				scheme = "https"
			}
			origin := html.EscapeString(scheme + "://" + r.Host)
			body = bytes.ReplaceAll(body, []byte(`content="https:///`), []byte(`content="`+origin+`/`))
			body = bytes.ReplaceAll(body, []byte(`content="https://"`), []byte(`content="`+origin+`/"`)) // the home page
		}
		if buf.status == http.StatusOK && compressible(ctype) && len(body) > 1024 && acceptsEncoding(r.Header.Get("Accept-Encoding"), "gzip") {
			var z bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
			_, _ = zw.Write(body)
			_ = zw.Close()
			body = z.Bytes()
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Add("Vary", "Accept-Encoding")
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(buf.status)
		_, _ = w.Write(body)
	})
}

var validHost = regexp.MustCompile(`^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$`)

// compressible are the content types worth compressing.
func compressible(ctype string) bool {
	for _, t := range []string{"text/", "javascript", "json"} {
		if strings.Contains(ctype, t) {
			return true
		}
	}
	return false
}

// localizePage puts the page in its reader's language: <html lang>, the
// description go-app writes from the Handler (English), and the
// catalogue the app reads its words from.
func localizePage(body []byte, c *i18n.Catalogue) []byte {
	body = bytes.Replace(body, []byte(`<html lang="en"`), []byte(`<html lang="`+c.Lang+`"`), 1)
	desc := html.EscapeString(i18n.Get("en").Text("AppDescription"))
	body = bytes.ReplaceAll(body, []byte(`content="`+desc+`"`), []byte(`content="`+html.EscapeString(c.Text("AppDescription"))+`"`))
	return bytes.Replace(body, []byte("</head>"), append(c.PageData(), "</head>"...), 1)
}

// bootScript is web/boot.js as an inline script, with its hash for the
// Content-Security-Policy. Inline, because it must run before anything else
// on the page: an external script in the head would hold the parser for a
// round trip (on a phone's network, 150 ms and more before the first paint),
// and an async one runs too late to start app.wasm's compilation early.
type bootScript struct {
	tag  []byte // <script>…</script>
	hash string // 'sha256-…'
}

func newBootScript(a *asset) bootScript {
	if a == nil {
		return bootScript{}
	}
	sum := sha256.Sum256(a.raw)
	return bootScript{
		tag:  slices.Concat([]byte("<script>"), a.raw, []byte("</script>")),
		hash: "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'",
	}
}

// wasmPreload asks for app.wasm as soon as the page's first bytes are read.
// The boot script's fetch of it runs only once the browser has set up the
// page's JavaScript (25–30 ms on a 2-core machine) and after the style
// sheets, scripts and images the parser found ahead; with the preload the
// download starts about 30 ms sooner, and the boot script's fetch, of the
// same mode and credentials, is given the preloaded response
// (docs/startup.md, "Fourth round").
const wasmPreload = `<link rel="preload" href="/web/app.wasm" as="fetch" crossorigin="anonymous">`

// insert puts app.wasm's preload and the script right after the page's
// <meta charset>, which must come first. Without preload (?wasm=false, where
// the boot script and app.js load no app.wasm either), only the script.
func (b bootScript) insert(page []byte, preload bool) []byte {
	const charset = `<meta charset="UTF-8">`
	i := bytes.Index(page, []byte(charset))
	if b.tag == nil || i < 0 {
		return page
	}
	i += len(charset)
	var link []byte
	if preload {
		link = []byte(wasmPreload)
	}
	return slices.Concat(page[:i], link, b.tag, page[i:])
}

// pageBuffer holds a response until it is complete.
type pageBuffer struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (b *pageBuffer) WriteHeader(status int)      { b.status = status }
func (b *pageBuffer) Write(p []byte) (int, error) { return b.body.Write(p) }

// serveCatalogue serves GET /i18n/{lang}.json: a language's catalogue, for
// the app when a page comes from the service worker's cache in another
// language than the one chosen since.
func serveCatalogue(w http.ResponseWriter, r *http.Request) {
	lang, ok := strings.CutSuffix(r.PathValue("file"), ".json")
	if !ok || !i18n.Has(lang) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(i18n.Get(lang).JSON())
}

// localizedManifest serves the PWA manifest with the app's name and
// description in the reader's language: a phone names the installed app
// in the language of the day it was installed.
func localizedManifest(goapp http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := &pageBuffer{ResponseWriter: w, status: http.StatusOK}
		goapp.ServeHTTP(buf, r)
		var m map[string]any
		if buf.status != http.StatusOK || json.Unmarshal(buf.body.Bytes(), &m) != nil {
			w.WriteHeader(buf.status)
			_, _ = w.Write(buf.body.Bytes())
			return
		}
		c := i18n.Get(i18n.ForRequest(r))
		m["name"], m["description"], m["lang"] = c.Text("AppManifestName"), c.Text("AppDescription"), c.Lang
		out, _ := json.Marshal(m)
		w.Header().Set("Content-Length", strconv.Itoa(len(out)))
		w.Header().Add("Vary", "Cookie, Accept-Language")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(out)
	})
}
