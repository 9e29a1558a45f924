package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
)

// The panels of the benchmarks and of the tests that kill a server run
// as imdesk serve does, outside newEnv: a database of their own, a real
// Tencent client against the mock, and HTTP clients that sign in. These
// build them.

// openTestDB opens the database in dir with one account, name with the
// role and scope given and the password testPass. The caller closes it.
func openTestDB(tb testing.TB, dir, name, role string, scope api.Scope) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(dir, sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.AddAccount(context.Background(), name, testPass, role, scope); err != nil {
		tb.Fatal(err)
	}
	return db
}

// testPanel is a panel with cfg on db, against the mock tc.BaseURL names
// (tc is the rest of the Tencent client's configuration; the app ID, key
// and admin are the tests'), that logs nothing; and its Tencent client.
func testPanel(tb testing.TB, cfg *Config, db *sqlite.DB, tc tim.Config) (*Server, *tim.Client) {
	tb.Helper()
	tc.SDKAppID, tc.SecretKey, tc.Admin = testAppID, testKey, "administrator"
	client, err := tim.New(tc)
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := New(Options{Config: cfg, Assets: testAssets, DB: db, Tencent: client, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	return srv, client
}

// signedIn signs hc in to the panel at base as account (password
// testPass), with a cookie jar of its own, and returns it.
func signedIn(tb testing.TB, base, account string, hc *http.Client) *http.Client {
	tb.Helper()
	hc.Jar, _ = cookiejar.New(nil)
	resp, err := hc.Post(base+"/api/v1/session", "application/json", strings.NewReader(`{"username":"`+account+`","password":"`+testPass+`"}`))
	if err != nil || resp.StatusCode != 200 {
		tb.Fatalf("sign in: %v %v", resp, err)
	}
	resp.Body.Close()
	return hc
}
