package server

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

// The service worker the server serves is go-app's with the fetch handler
// that opens every page offline.
func TestOfflineWorker(t *testing.T) {
	if _, ok := offlineWorker(); !ok {
		t.Fatal("go-app's service worker no longer has the fetch handler server/worker.go replaces: look at its new one")
	}
	e := newEnv(t)
	w := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/app-worker.js", nil))
	body, _ := io.ReadAll(w.Result().Body)
	if w.Code != 200 || !strings.Contains(string(body), `caches.match("/")`) || strings.Contains(string(body), "{{.Version}}") {
		t.Fatalf("%d\n%s", w.Code, body)
	}
}
