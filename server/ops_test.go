package server

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
	"github.com/imdesk/imdesk/server/timmock"
)

// userSigRE matches what a UserSig looks like: base64 of zlib-compressed
// JSON, which starts "eJ", and is long.
var userSigRE = regexp.MustCompile(`eJ[A-Za-z0-9*\-_]{40,}`)

// At debug level the panel logs every Tencent call, and every line of a
// request carries its id; no level logs the secret key, a password or a
// UserSig, whatever the request does.
func TestDebugLogsHoldNoSecrets(t *testing.T) {
	e := newEnv(t, withLogs("debug", "json"))
	admin := e.signIn("admin")
	path := "/api/v1/groups/" + escape(public) + "/attributes"
	admin.do("GET", "/api/v1/groups", nil)
	admin.do("GET", path, nil)
	admin.do("PATCH", path, api.AttrPatch{Set: attrs("k", "v")})
	e.mock.AddFault(timmock.Fault{Command: "modify_group_attr", Kind: timmock.FaultDrop})
	admin.do("PATCH", path, api.AttrPatch{Set: attrs("k", "w")})
	e.browser().do("POST", "/api/v1/session", map[string]string{"username": "admin", "password": "a wrong password!"})

	logs := e.logs.String()
	for _, secret := range []string{testKey, testPass, "a wrong password!"} {
		if strings.Contains(logs, secret) {
			t.Fatalf("the log holds %q", secret)
		}
	}
	if m := userSigRE.FindString(logs); m != "" {
		t.Fatalf("the log holds a UserSig: %s…", m[:20])
	}
	debugCalls := 0
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("not a JSON log line: %s", sc.Text())
		}
		if line["msg"] == "tencent call" && line["level"] == "DEBUG" {
			debugCalls++
		}
		// Every line logged while serving a request names the request.
		if p, _ := line["path"].(string); strings.HasPrefix(p, "/api/") || line["msg"] == "tencent call" || line["msg"] == "changed" {
			if id, _ := line["request_id"].(string); id == "" {
				t.Errorf("a line without its request id: %s", sc.Text())
			}
		}
	}
	if debugCalls < 3 {
		t.Fatalf("%d debug lines for Tencent calls, want one per call", debugCalls)
	}
}

// After a flow, the metrics hold the named series: requests by route and
// status, Tencent calls by command and outcome, waits for rate limits,
// audit appends, sessions. They are served on their own address only.
func TestMetricsAfterAFlow(t *testing.T) {
	e := newEnv(t, withConfig(func(c *Config) {
		c.MetricsAddr = "127.0.0.1:0"
		c.AllowedHosts = append(c.AllowedHosts, "127.0.0.1") // the panel's own address, asked below
	}))
	b := e.signIn("mod")
	path := "/api/v1/groups/" + escape(public) + "/attributes"
	b.do("GET", "/api/v1/groups", nil)
	for i := range 6 { // the sixth write to one group in a second waits
		if w := b.do("PATCH", path, api.AttrPatch{Set: attrs("n", string(rune('a'+i)))}); w.Code != 200 {
			t.Fatalf("write %d: %d %s", i, w.Code, w.Body)
		}
	}
	e.mock.AddFault(timmock.Fault{Command: "get_group_attr", Kind: timmock.FaultError, ErrorCode: 10010})
	b.do("GET", path, nil)

	// Open starts the crawler: on the test's clock each of its pauses
	// would move the clock on by minutes, and soon past the session's
	// idle time, so that the gauge below counted none. It waits in real
	// time here.
	e.srv.index.Sleep = tim.Sleep
	if err := e.srv.Open(); err != nil {
		t.Fatal(err)
	}
	defer e.srv.Close(context.Background())
	scrape := func(url string) (int, string) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(body)
	}
	status, body := scrape("http://" + e.srv.MetricsAddr() + "/metrics")
	if status != 200 {
		t.Fatalf("scrape: %d", status)
	}
	for _, series := range []string{
		`imdesk_http_requests_total{method="GET",route="GET /api/v1/groups",status="200"} 1`,
		`imdesk_http_requests_total{method="PATCH",route="PATCH /api/v1/groups/{groupID}/attributes",status="200"} 6`,
		`imdesk_http_requests_total{method="POST",route="POST /api/v1/session",status="200"} 1`,
		`imdesk_http_request_duration_seconds_count{method="GET",route="GET /api/v1/groups"} 1`,
		`imdesk_tencent_calls_total{op="modify_group_attr",outcome="0"} 6`,
		`imdesk_tencent_calls_total{op="get_group_attr",outcome="10010"} 1`,
		`imdesk_tencent_call_duration_seconds_count{op="modify_group_attr"} 6`,
		`imdesk_tencent_rate_limit_wait_seconds_total{limit="group",op="modify_group_attr"}`,
		`imdesk_audit_appends_total{kind="intent",result="ok"} 6`,
		`imdesk_audit_appends_total{kind="outcome",result="ok"} 6`,
		`imdesk_audit_append_duration_seconds_count`,
		`imdesk_sessions 1`,
	} {
		if !strings.Contains(body, series) {
			t.Errorf("the scrape lacks %s", series)
		}
	}
	// Not on the panel's own address.
	if status, _ := scrape("http://" + e.srv.Addr() + "/metrics"); status != 404 {
		t.Fatalf("/metrics on the panel's address: %d", status)
	}
}

// The finder's index is scraped as gauges: groups listed and indexed,
// Tencent's count, when the last reading ended, and whether one runs.
func TestMetricsGroupIndex(t *testing.T) {
	e := newEnv(t)
	scrape := func() map[string]float64 {
		t.Helper()
		w := httptest.NewRecorder()
		e.srv.metrics.handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
		series := map[string]float64{}
		sc := bufio.NewScanner(w.Body)
		for sc.Scan() {
			name, value, ok := strings.Cut(sc.Text(), " ")
			if !ok || !strings.HasPrefix(name, "imdesk_group_index_") {
				continue
			}
			v, err := strconv.ParseFloat(value, 64)
			if err != nil {
				t.Fatalf("%s: %v", sc.Text(), err)
			}
			series[name] = v
		}
		return series
	}
	want := func(when string, want map[string]float64) {
		t.Helper()
		if got := scrape(); !maps.Equal(got, want) {
			t.Fatalf("%s: scraped %v, want %v", when, got, want)
		}
	}
	want("before a reading", map[string]float64{
		`imdesk_group_index_groups{state="indexed"}`:        0,
		`imdesk_group_index_groups{state="listed"}`:         0,
		`imdesk_group_index_tencent_groups`:                 0,
		`imdesk_group_index_last_refresh_timestamp_seconds`: 0,
		`imdesk_group_index_reading`:                        0,
	})
	e.indexGroups()
	want("after a reading", map[string]float64{
		`imdesk_group_index_groups{state="indexed"}`:        9,
		`imdesk_group_index_groups{state="listed"}`:         9,
		`imdesk_group_index_tencent_groups`:                 9,
		`imdesk_group_index_last_refresh_timestamp_seconds`: float64(e.clock.Now().Unix()),
		`imdesk_group_index_reading`:                        0,
	})
}

// Behind a trusted proxy the audit log (and the sign-in throttle, which
// reads the same clientIP) sees the moderator's address, and https is
// believed from X-Forwarded-Proto; from anyone else, forwarded headers are
// ignored.
func TestForwardedOnlyFromTrustedProxies(t *testing.T) {
	proxy := netip.MustParsePrefix("10.0.0.0/8")
	for _, c := range []struct {
		name, peer, xff, proto string
		wantIP                 string
		wantSecure             bool
	}{
		{"trusted proxy", "10.1.2.3", "198.51.100.7", "https", "198.51.100.7", true},
		{"two trusted hops", "10.1.2.3", "198.51.100.7, 10.9.9.9", "https", "198.51.100.7", true},
		{"a forged hop left of the client", "10.1.2.3", "1.2.3.4, 198.51.100.7", "", "198.51.100.7", false},
		{"untrusted peer", "192.0.2.50", "198.51.100.7", "https", "192.0.2.50", false},
		{"garbage", "10.1.2.3", "not-an-ip", "", "10.1.2.3", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, withConfig(func(cfg *Config) { cfg.TrustedProxies = []netip.Prefix{proxy} }))
			b := e.browser()
			b.ip = c.peer
			header := []string{"X-Forwarded-For", c.xff}
			if c.proto != "" {
				header = append(header, "X-Forwarded-Proto", c.proto)
			}
			w := b.do("POST", "/api/v1/session", map[string]string{"username": "mod", "password": "wrong password!!"}, header...)
			if w.Code != 401 {
				t.Fatalf("sign-in: %d", w.Code)
			}
			recs, err := e.db.Records(context.Background(), sqlite.Filter{Action: "session.signin"})
			if err != nil || len(recs) != 1 || recs[0].IP != c.wantIP {
				t.Fatalf("audited address: %+v %v, want %s", recs, err, c.wantIP)
			}
			w = b.do("POST", "/api/v1/session", map[string]string{"username": "mod", "password": testPass}, header...)
			secure := strings.Contains(w.Header().Get("Set-Cookie"), "__Host-") || w.Header().Get("Strict-Transport-Security") != ""
			if w.Code == 200 && secure != c.wantSecure {
				t.Fatalf("secure %v, want %v: %v", secure, c.wantSecure, w.Header())
			}
		})
	}
}
