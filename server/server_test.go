package server

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

type stubPage struct{ app.Compo }

func (stubPage) Render() app.UI { return app.H1().Text("stub") }

func init() { app.Route("/", func() app.Composer { return &stubPage{} }) }

var testAssets = fstest.MapFS{
	"app.wasm":     {Data: []byte("\x00asm" + strings.Repeat("x", 4096))},
	"app.wasm.br":  {Data: []byte("brotli")},
	"app.wasm.gz":  {Data: []byte("gzip")},
	"icon-192.png": {Data: []byte("png")},
	"web.go":       {Data: []byte("package web")},
	"robots.txt":   {Data: []byte("User-agent: *\nDisallow: /\n")},
	"boot.js":      {Data: []byte("window.booted = true;")},
}

func newTestServer(t *testing.T, files fstest.MapFS) *Server {
	t.Helper()
	return newEnvWith(t, files).srv
}

func get(t *testing.T, h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestWasmNegotiation(t *testing.T) {
	h := newTestServer(t, testAssets).Handler()
	for _, c := range []struct{ accept, encoding, body string }{
		{"br, gzip", "br", "brotli"},
		{"gzip;q=1.0, br;q=0", "gzip", "gzip"},
		{"deflate", "", ""},
		{"", "", ""},
	} {
		w := get(t, h, "/web/app.wasm", "Accept-Encoding", c.accept)
		if w.Code != http.StatusOK || w.Header().Get("Content-Encoding") != c.encoding {
			t.Errorf("%q: %d, encoding %q", c.accept, w.Code, w.Header().Get("Content-Encoding"))
		}
		if w.Header().Get("Content-Type") != "application/wasm" || !strings.Contains(w.Header().Get("Vary"), "Accept-Encoding") {
			t.Errorf("%q: headers %v", c.accept, w.Header())
		}
		if c.body != "" && w.Body.String() != c.body {
			t.Errorf("%q: body %q", c.accept, w.Body.String())
		}
		if w.Header().Get("X-Uncompressed-Length") != "4100" {
			t.Errorf("%q: X-Uncompressed-Length %q", c.accept, w.Header().Get("X-Uncompressed-Length"))
		}
	}
	// A matching ETag is answered with 304, per encoding.
	w := get(t, h, "/web/app.wasm", "Accept-Encoding", "br")
	if w2 := get(t, h, "/web/app.wasm", "Accept-Encoding", "br", "If-None-Match", w.Header().Get("ETag")); w2.Code != http.StatusNotModified {
		t.Errorf("revalidation: %d", w2.Code)
	}
}

func TestOnlyAssetsAreServed(t *testing.T) {
	h := newTestServer(t, testAssets).Handler()
	for path, want := range map[string]int{
		"/web/icon-192.png":     200,
		"/web/web.go":           404,
		"/web/app.wasm.br":      404,
		"/robots.txt":           200,
		"/api/v1/nothing":       404,
		"/no-such-page":         404,
		"/manifest.webmanifest": 200,
	} {
		if w := get(t, h, path); w.Code != want {
			t.Errorf("GET %s = %d, want %d", path, w.Code, want)
		}
	}
}

// A path with "." or ".." segments or doubled slashes is sent to its clean
// form, with the group ID and the query still encoded once: following the
// redirect reaches the group asked for, not "%40TGS%23…" as a name.
func TestUncleanPathsRedirectToTheSameResource(t *testing.T) {
	h := newTestServer(t, testAssets).Handler()
	for _, c := range []struct {
		method, path, location string
	}{
		{method: "GET", path: "/group/../group?id=%40TGS%23abc", location: "/group?id=%40TGS%23abc"},
		{method: "GET", path: "/api/v1/groups/%40TGS%23abc/../%40TGS%23abc/attributes", location: "/api/v1/groups/%40TGS%23abc/attributes"},
		{method: "PATCH", path: "/api/v1/groups/./%40TGS%23abc/attributes", location: "/api/v1/groups/%40TGS%23abc/attributes"},
		{method: "GET", path: "/web/../web/icon%20192.png", location: "/web/icon%20192.png"},
		{method: "GET", path: "/a/./b%2Fc/", location: "/a/b%2Fc/"},  // an escaped slash stays in its segment
		{method: "GET", path: "//evil.example/../x", location: "/x"}, // never "//host": another site
		{method: "GET", path: "/groups//%E6%82%A6?query=%E6%82%A6", location: "/groups/%E6%82%A6?query=%E6%82%A6"},
	} {
		t.Run(c.path, func(t *testing.T) {
			r := httptest.NewRequest(c.method, c.path, nil)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusTemporaryRedirect || w.Header().Get("Location") != c.location {
				t.Fatalf("%s %s: %d, Location %q; want 307 to %q", c.method, c.path, w.Code, w.Header().Get("Location"), c.location)
			}
		})
	}
	if w := get(t, h, "/api/v1/groups/%40TGS%23abc/attributes"); w.Code == http.StatusTemporaryRedirect {
		t.Fatalf("a clean path was redirected to %q", w.Header().Get("Location"))
	}
}

func TestSecurityHeadersEverywhere(t *testing.T) {
	h := newTestServer(t, testAssets).Handler()
	for _, path := range []string{"/", "/healthz", "/web/app.wasm", "/api/v1/x", "/app.js"} {
		w := get(t, h, path)
		csp := w.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "'wasm-unsafe-eval'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		for _, k := range []string{"X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "X-Request-Id"} {
			if w.Header().Get(k) == "" {
				t.Errorf("%s: no %s", path, k)
			}
		}
	}
}

// Every page starts with app.wasm's preload and web/boot.js inline, before
// anything else can run, and the Content-Security-Policy allows exactly that
// script by its hash. With ?wasm=false nothing asks for app.wasm.
func TestBootScriptIsInlineAndAllowed(t *testing.T) {
	h := newTestServer(t, testAssets).Handler()
	w := get(t, h, "/") // the other pages' routes are the app's (package main)
	body := w.Body.String()
	if !strings.Contains(body, `<meta charset="UTF-8"><link rel="preload" href="/web/app.wasm" as="fetch" crossorigin="anonymous"><script>window.booted = true;</script>`) {
		t.Errorf("no preload and boot script right after <meta charset>:\n%.400s", body)
	}
	if nowasm := get(t, h, "/?wasm=false").Body.String(); strings.Contains(nowasm, `rel="preload"`) || !strings.Contains(nowasm, `<meta charset="UTF-8"><script>window.booted = true;</script>`) {
		t.Errorf("?wasm=false: want the boot script and no preload:\n%.400s", nowasm)
	}
	if n := strings.Count(body, "<script>"); n != 1 {
		t.Errorf("%d inline scripts, want only the boot script", n)
	}
	sum := sha256.Sum256([]byte("window.booted = true;"))
	hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self' 'wasm-unsafe-eval' "+hash+";") {
		t.Errorf("CSP %q does not allow the boot script (%s)", csp, hash)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	s := newTestServer(t, testAssets)
	if w := get(t, s.Handler(), "/healthz"); w.Code != 200 {
		t.Fatalf("healthz %d", w.Code)
	}
	if w := get(t, s.Handler(), "/readyz"); w.Code != 200 {
		t.Fatalf("readyz %d %s", w.Code, w.Body)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if w := get(t, s.Handler(), "/readyz"); w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "shutting down") {
		t.Fatalf("readyz while draining: %d %s", w.Code, w.Body)
	}
	noWasm := newTestServer(t, fstest.MapFS{"robots.txt": testAssets["robots.txt"]})
	if w := get(t, noWasm.Handler(), "/readyz"); w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "make build") {
		t.Fatalf("readyz without app.wasm: %d %s", w.Code, w.Body)
	}
}

// The mode reaches the browser through app.js; the secret never does.
func TestAppJSCarriesNoSecret(t *testing.T) {
	e := newEnv(t)
	body := get(t, e.srv.Handler(), "/app.js").Body.String()
	if strings.Contains(body, testKey) || !strings.Contains(body, `"IMDESK_MODE":"live"`) {
		t.Fatalf("app.js env: %s", body[:min(400, len(body))])
	}
}

// Shutdown lets a request in flight finish.
func TestGracefulShutdown(t *testing.T) {
	s := newTestServer(t, testAssets)
	release := make(chan struct{})
	started := make(chan struct{})
	s.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	got := make(chan string)
	go func() {
		resp, err := http.Get("http://" + s.Addr() + "/slow")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	<-started
	closed := make(chan error)
	go func() { closed <- s.Close(context.Background()) }()
	close(release)
	if body := <-got; body != "finished" {
		t.Fatalf("in-flight request got %q", body)
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
}

// A page's og:url and og:image are whole addresses on the host it was asked
// for, so a shared link gets a preview.
func TestPageLinkPreview(t *testing.T) {
	h := newTestServer(t, testAssets).Handler()
	w := get(t, h, "/")
	body := w.Body.String()
	for prop, want := range map[string]string{"og:url": "http://example.com/", "og:image": "http://example.com/web/icon-512.png"} {
		// go-app writes a tag's attributes in any order.
		tag := regexp.MustCompile(`<meta [^>]*property="` + prop + `"[^>]*>`).FindString(body)
		if !strings.Contains(tag, `content="`+want+`"`) {
			t.Errorf("%s: %q, want content %q", prop, tag, want)
		}
	}
	if n, _ := strconv.Atoi(w.Header().Get("Content-Length")); n != len(body) {
		t.Errorf("Content-Length %d, body %d bytes", n, len(body))
	}
}

// Requests for a Host the panel does not serve are refused (DNS
// rebinding), except the probes; the setting's names and the listen
// address's host are served, with any port and in any case.
func TestHostHeader(t *testing.T) {
	e := newEnv(t)
	e.srv.hosts = newHostSet(append(DefaultAllowedHosts("192.0.2.5:8080"), "Panel.Example.com"))
	for _, c := range []struct {
		host, path string
		status     int
	}{
		{"localhost:8080", "/api/v1/version", 200},
		{"127.0.0.1:8080", "/api/v1/version", 200},
		{"[::1]:8080", "/api/v1/version", 200},
		{"192.0.2.5:8080", "/api/v1/version", 200},
		{"panel.example.COM", "/api/v1/version", 200},
		{"panel.example.com.", "/", 200},
		{"attacker.example:8080", "/api/v1/version", 421},
		{"attacker.example", "/", 421},
		{"attacker.example", "/api/v1/session", 421},
		{"", "/api/v1/version", 421},
		{"attacker.example", "/healthz", 200},
		{"attacker.example", "/readyz", 200},
	} {
		r := httptest.NewRequest(http.MethodGet, c.path, nil)
		r.Host = c.host
		w := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(w, r)
		if w.Code != c.status {
			t.Errorf("Host %q %s: %d, want %d", c.host, c.path, w.Code, c.status)
		}
		if c.status == 421 && (!strings.Contains(w.Body.String(), "does not serve this host name") || w.Header().Get("X-Request-Id") == "") {
			t.Errorf("Host %q: body %q", c.host, w.Body)
		}
	}
}

func TestDefaultAllowedHosts(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:8080":  "localhost 127.0.0.1 ::1 127.0.0.1",
		"0.0.0.0:8080":    "localhost 127.0.0.1 ::1",
		":8080":           "localhost 127.0.0.1 ::1",
		"[::]:8080":       "localhost 127.0.0.1 ::1",
		"panel.lan:8080":  "localhost 127.0.0.1 ::1 panel.lan",
		"192.0.2.10:8080": "localhost 127.0.0.1 ::1 192.0.2.10",
	} {
		if got := strings.Join(DefaultAllowedHosts(addr), " "); got != want {
			t.Errorf("%s: %q, want %q", addr, got, want)
		}
	}
}
