package timmock

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tencentyun/tls-sig-api-v2-golang/tencentyun"

	"github.com/imdesk/imdesk/server/clocktest"
)

// These tests speak raw HTTP and JSON to the mock, as Tencent's own
// documentation does, never through imdesk's Tencent client.

const (
	testAppID = 1400000001
	testKey   = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
	testAdmin = "administrator"
)

// clock is the tests' one fake clock.
type clock = clocktest.Clock

type env struct {
	t     *testing.T
	mock  *Mock
	srv   *httptest.Server
	clock *clock
	sig   string
}

// fixture is the state most cases start from.
var fixture = Seed{
	Users: []SeedUser{{ID: "alice"}, {ID: "bob"}, {ID: "carol"}, {ID: "dave"}},
	Groups: []SeedGroup{
		{ID: "@TGS#_community1", Type: "Community", Name: "Community", Owner: "alice",
			Attributes: []SeedAttr{{"rules", "be kind"}, {"lang", "en"}}},
		{ID: "@TGS#public1", Type: "Public", Name: "Public one", Owner: "alice", Members: []string{"bob"},
			Attributes: []SeedAttr{{"topic", "hello"}}},
		{ID: "@TGS#work1", Type: "Work", Name: "Work one"},
		{ID: "@TGS#meeting1", Type: "Meeting", Name: "Meeting one"},
		{ID: "@TGS#av1", Type: "AVChatRoom", Name: "Live"},
		{ID: "@TGS#private1", Type: "Private", Name: "Private one"},
		{ID: "@TGS#chat1", Type: "ChatRoom", Name: "Chat one"},
	},
	Friends: []SeedFriendship{{User: "alice", Friend: "bob"}, {User: "alice", Friend: "carol"}},
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newSeededEnv(t, &fixture)
}

// newSeededEnv is newEnv with another starting state.
func newSeededEnv(t *testing.T, seed *Seed) *env {
	t.Helper()
	c := clocktest.New(time.Now())
	m := New(Options{SDKAppID: testAppID, SecretKey: testKey, Now: c.Now, Rand: rand.New(rand.NewPCG(1, 2))})
	if err := m.Seed(seed); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler(true))
	t.Cleanup(func() { m.Close(); srv.Close() })
	return &env{t: t, mock: m, srv: srv, clock: c, sig: genSig(t, testAppID, testKey, testAdmin, 86400)}
}

func genSig(t *testing.T, appID int, key, id string, expire int) string {
	t.Helper()
	s, err := tencentyun.GenUserSig(appID, key, id, expire)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// query builds a correct query string; overrides replace or (with "")
// remove parameters.
func (e *env) query(overrides map[string]string) string {
	q := url.Values{"sdkappid": {fmt.Sprint(testAppID)}, "identifier": {testAdmin}, "usersig": {e.sig},
		"random": {"12345"}, "contenttype": {"json"}}
	for k, v := range overrides {
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
	}
	return q.Encode()
}

// post sends a raw request and decodes the JSON answer.
func (e *env) post(path, body string, overrides map[string]string) (int, map[string]any) {
	e.t.Helper()
	resp, err := http.Post(e.srv.URL+path+"?"+e.query(overrides), "application/json", strings.NewReader(body))
	if err != nil {
		e.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		e.t.Fatalf("POST %s: answer is not JSON: %s", path, raw)
	}
	return resp.StatusCode, out
}

// call posts body (a Go value or a raw string) to a command path such as
// "group_open_http_svc/modify_group_attr" and checks HTTP 200 and the
// envelope.
func (e *env) call(cmd string, body any) map[string]any {
	e.t.Helper()
	raw, ok := body.(string)
	if !ok {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		raw = string(b)
	}
	status, out := e.post("/v4/"+cmd, raw, nil)
	if status != http.StatusOK {
		e.t.Fatalf("%s: HTTP %d", cmd, status)
	}
	if _, ok := out["ActionStatus"]; !ok {
		e.t.Fatalf("%s: no envelope in %v", cmd, out)
	}
	return out
}

// mustOK calls and fails the test unless the answer is OK.
func (e *env) mustOK(cmd string, body any) map[string]any {
	e.t.Helper()
	out := e.call(cmd, body)
	if code(out) != 0 || out["ActionStatus"] != "OK" {
		e.t.Fatalf("%s: want OK, got %v", cmd, out)
	}
	return out
}

// wantCode calls and fails the test unless the answer carries code.
func (e *env) wantCode(cmd string, body any, want int) map[string]any {
	e.t.Helper()
	out := e.call(cmd, body)
	if code(out) != want {
		e.t.Fatalf("%s: want ErrorCode %d, got %v", cmd, want, out)
	}
	if want != 0 && out["ActionStatus"] != "FAIL" {
		e.t.Fatalf("%s: ErrorCode %d with ActionStatus %v", cmd, want, out["ActionStatus"])
	}
	return out
}

func code(out map[string]any) int {
	f, _ := out["ErrorCode"].(float64)
	return int(f)
}

// attrs reads a group's attributes through get_group_attr.
func (e *env) attrs(groupID string) map[string]string {
	e.t.Helper()
	out := e.mustOK(getAttr, map[string]any{"GroupId": groupID})
	got := map[string]string{}
	list, ok := out["GroupAttrAry"].([]any)
	if !ok {
		e.t.Fatalf("GroupAttrAry is %T, want an array", out["GroupAttrAry"])
	}
	for _, it := range list {
		kv := it.(map[string]any)
		got[kv["key"].(string)] = kv["value"].(string)
	}
	return got
}

const (
	getAttr    = "group_open_attr_http_svc/get_group_attr"
	modifyAttr = "group_open_http_svc/modify_group_attr"
	setAttr    = "group_open_http_svc/set_group_attr"
	deleteAttr = "group_open_http_svc/delete_group_attr"
	clearAttr  = "group_open_http_svc/clear_group_attr"
)

// kv builds a GroupAttr list.
func kv(pairs ...string) []map[string]string {
	var out []map[string]string
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, map[string]string{"key": pairs[i], "value": pairs[i+1]})
	}
	return out
}

// zlibBase64 encodes raw as a UserSig would be, for hand-made bad sigs.
func zlibBase64(raw string) string {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write([]byte(raw))
	w.Close()
	s := base64.StdEncoding.EncodeToString(b.Bytes())
	return strings.NewReplacer("+", "*", "/", "-", "=", "_").Replace(s)
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
