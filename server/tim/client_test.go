package tim

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/clocktest"
	"github.com/imdesk/imdesk/server/timmock"
	"github.com/tencentyun/tls-sig-api-v2-golang/tencentyun"
)

const (
	testAppID = 1400000001
	testKey   = "test-secret-key-0123456789abcdef"
)

// fakeTime is the shared fake clock: Sleep advances it, so waiting costs no time.
type fakeTime = clocktest.Clock

func newFakeTime() *fakeTime { return clocktest.New(time.Now()) }

// startMock starts an in-process mock with o (and the tests' app ID and
// key), seeded with the demo data, and returns it and its URL; both close
// when the test ends.
func startMock(tb testing.TB, o timmock.Options) (*timmock.Mock, string) {
	tb.Helper()
	o.SDKAppID, o.SecretKey = testAppID, testKey
	m := timmock.New(o)
	if err := m.Seed(timmock.Demo()); err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler(false))
	tb.Cleanup(func() { m.Close(); srv.Close() })
	return m, srv.URL
}

// testClient is a client with cfg and the tests' app ID, key and admin.
func testClient(tb testing.TB, cfg Config) *Client {
	tb.Helper()
	cfg.SDKAppID, cfg.SecretKey, cfg.Admin = testAppID, testKey, "administrator"
	c, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// newMockClient returns a client against an in-process mock seeded with the
// demo data, sharing one fake clock.
func newMockClient(t *testing.T) (*Client, *timmock.Mock, *fakeTime) {
	t.Helper()
	ft := newFakeTime()
	m, url := startMock(t, timmock.Options{Now: ft.Now})
	return testClient(t, Config{BaseURL: url, Now: ft.Now, Sleep: ft.Sleep}), m, ft
}

// newFakeClient returns a client against a scripted server.
func newFakeClient(t *testing.T, h http.HandlerFunc) (*Client, *fakeTime) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	ft := newFakeTime()
	return testClient(t, Config{BaseURL: srv.URL, Now: ft.Now, Sleep: ft.Sleep, Timeout: 200 * time.Millisecond}), ft
}

func wantKind(t *testing.T, err error, kind Kind, code int) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want *Error", err, err)
	}
	if e.Kind != kind || e.Code != code {
		t.Fatalf("err = %v: kind %s code %d, want %s %d", err, e.Kind, e.Code, kind, code)
	}
	return e
}

func TestNewValidates(t *testing.T) {
	for _, cfg := range []Config{
		{BaseURL: "http://example.com", SDKAppID: 1, SecretKey: "k", Admin: "a"},
		{BaseURL: "https://x", SecretKey: "k", Admin: "a"},
		{BaseURL: "https://x", SDKAppID: 1, Admin: "a"},
		{BaseURL: "https://x", SDKAppID: 1, SecretKey: "k"},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
	if u, _ := RegionURL("Singapore"); u != "https://adminapisgp.im.qcloud.com" {
		t.Errorf("RegionURL = %q", u)
	}
}

// The UserSig is made once and reused until three quarters of its lifetime
// are used, also under concurrent use.
func TestSignatureCache(t *testing.T) {
	var made atomic.Int32
	var lastExpire atomic.Int32
	ft := newFakeTime()
	c, err := New(Config{BaseURL: "https://example.com", SDKAppID: 1, SecretKey: "k", Admin: "a", Now: ft.Now,
		GenUserSig: func(appID int, key, id string, expire int) (string, error) {
			made.Add(1)
			lastExpire.Store(int32(expire))
			return tencentyun.GenUserSig(appID, key, id, expire)
		}})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 50 {
				if _, err := c.sig.get(); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if made.Load() != 1 || lastExpire.Load() != 86400 {
		t.Fatalf("made %d sigs (expire %d), want 1 of 86400 s", made.Load(), lastExpire.Load())
	}
	ft.Sleep(context.Background(), 18*time.Hour-time.Second)
	c.sig.get()
	if made.Load() != 1 {
		t.Fatalf("renewed before three quarters of the lifetime")
	}
	ft.Sleep(context.Background(), time.Second)
	c.sig.get()
	if made.Load() != 2 {
		t.Fatalf("not renewed after three quarters of the lifetime")
	}
}

// Each request carries the query Tencent wants and a fresh random.
func TestRequestShape(t *testing.T) {
	randoms := map[string]bool{}
	var mu sync.Mutex
	c, _ := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.Method != http.MethodPost || r.URL.Path != "/v4/group_open_attr_http_svc/get_group_attr" ||
			q.Get("sdkappid") != "1400000001" || q.Get("identifier") != "administrator" ||
			q.Get("contenttype") != "json" || q.Get("usersig") == "" || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("request %s %s", r.Method, r.URL)
		}
		if err := tencentyun.VerifyUserSig(testAppID, testKey, "administrator", q.Get("usersig"), time.Now()); err != nil {
			t.Errorf("usersig: %v", err)
		}
		mu.Lock()
		randoms[q.Get("random")] = true
		mu.Unlock()
		body, _ := io.ReadAll(r.Body)
		if string(body) != `{"GroupId":"@TGS#x"}` {
			t.Errorf("body %s", body)
		}
		io.WriteString(w, `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","GroupAttrAry":[{"key":"k","value":"v"}],"RequestId":"Id-1"}`)
	})
	for range 20 {
		attrs, err := c.GetGroupAttr(context.Background(), "@TGS#x")
		if err != nil || len(attrs) != 1 || attrs[0] != (Attr{"k", "v"}) {
			t.Fatalf("GetGroupAttr = %v, %v", attrs, err)
		}
	}
	if len(randoms) < 19 {
		t.Fatalf("random repeated: %d distinct of 20", len(randoms))
	}
}

// Answers that are not the envelope are upstream errors, never a panic; a
// write may or may not have been made when the answer cannot be read.
func TestBadAnswers(t *testing.T) {
	for _, c := range []struct {
		name       string
		status     int
		body       string
		writeMaybe bool // the write's outcome is unknown
		writeFails bool
	}{
		{"HTTP 500", 500, "oops", false, true},
		{"HTTP 404", 404, `{"ActionStatus":"OK","ErrorCode":0}`, false, true},
		{"HTML", 200, "<html>proxy error</html>", true, true},
		{"cut-off JSON", 200, `{"ActionStatus":"OK","Error`, true, true},
		{"JSON without envelope", 200, `{"hello":1}`, true, true},
		{"empty body", 200, "", true, true},
		{"wrong shape", 200, `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","GroupAttrAry":"nope"}`, false, false},
		{"FAIL without code", 200, `{"ActionStatus":"FAIL","ErrorCode":0,"ErrorInfo":"x"}`, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			client, _ := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(c.status)
				io.WriteString(w, c.body)
			})
			_, err := client.GetGroupAttr(context.Background(), "@TGS#x")
			if e := wantKind(t, err, KindUpstream, CodeOf(err)); e.MaybeApplied {
				t.Fatal("a read may have changed something")
			}
			err = client.DeleteGroupAttr(context.Background(), "@TGS#x", []string{"k"})
			if !c.writeFails {
				return
			}
			if e := wantKind(t, err, KindUpstream, CodeOf(err)); e.MaybeApplied != c.writeMaybe {
				t.Fatalf("write: maybe applied %v, want %v", e.MaybeApplied, c.writeMaybe)
			}
		})
	}
}

// A transport error never carries the UserSig.
func TestErrorsAreRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		conn.Close()
	}))
	defer srv.Close()
	ft := newFakeTime()
	c, _ := New(Config{BaseURL: srv.URL, SDKAppID: testAppID, SecretKey: testKey, Admin: "administrator", Now: ft.Now, Sleep: ft.Sleep})
	err := c.ClearGroupAttr(context.Background(), "@TGS#x")
	sig, _ := c.sig.get()
	if err == nil || strings.Contains(err.Error(), sig) || strings.Contains(err.Error(), testKey) {
		t.Fatalf("error leaks the signature: %v", err)
	}
	if !strings.Contains(err.Error(), "usersig=REDACTED") {
		t.Fatalf("error does not show the redacted URL: %v", err)
	}
	if got := RedactURL("https://h/v4/a/b?sdkappid=1&usersig=SECRET&random=2"); strings.Contains(got, "SECRET") || !strings.Contains(got, "sdkappid=1") {
		t.Fatalf("RedactURL = %s", got)
	}
}
