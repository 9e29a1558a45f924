package timmock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestErrorFaultTargetedAndCounted(t *testing.T) {
	e := newEnv(t)
	if err := e.mock.AddFault(Fault{Command: "modify_group_attr", Target: "@TGS#public1", Kind: FaultError, ErrorCode: 10049, Times: 2}); err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"GroupId": "@TGS#public1", "GroupAttr": kv("a", "1")}
	e.wantCode(modifyAttr, map[string]any{"GroupId": "@TGS#work1", "GroupAttr": kv("a", "1")}, 0) // other group
	e.wantCode(modifyAttr, body, 10049)
	e.wantCode(modifyAttr, body, 10049)
	e.mustOK(modifyAttr, body) // spent
	if e.mock.Calls("modify_group_attr") != 2 {
		t.Fatalf("faulted calls reached the handler: %d", e.mock.Calls("modify_group_attr"))
	}
}

func TestFractionFault(t *testing.T) {
	e := newEnv(t)
	if err := e.mock.AddFault(Fault{Command: "get_group_attr", Kind: FaultError, ErrorCode: 10002, Fraction: 0.5}); err != nil {
		t.Fatal(err)
	}
	hits := 0
	for range 100 {
		if code(e.call(getAttr, map[string]any{"GroupId": "@TGS#public1"})) == 10002 {
			hits++
		}
	}
	if hits < 25 || hits > 75 {
		t.Fatalf("fraction 0.5 hit %d of 100 calls", hits)
	}
}

func TestTransportFaults(t *testing.T) {
	e := newEnv(t)
	url := e.srv.URL + "/v4/" + getAttr + "?" + e.query(nil)
	body := `{"GroupId":"@TGS#public1"}`

	e.mock.AddFault(Fault{Command: "get_group_attr", Kind: FaultHTTP502, Times: 1})
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil || resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("502 fault: %v %v", resp, err)
	}
	resp.Body.Close()

	e.mock.AddFault(Fault{Command: "get_group_attr", Kind: FaultDrop, Times: 1})
	if resp, err := http.Post(url, "application/json", strings.NewReader(body)); err == nil {
		resp.Body.Close()
		t.Fatal("drop fault: got an answer")
	}

	e.mock.AddFault(Fault{Command: "get_group_attr", Kind: FaultHang, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hang fault: %v", err)
	}

	e.mock.AddFault(Fault{Command: "get_group_attr", Kind: FaultLatency, Latency: Duration(10 * time.Millisecond), Times: 1})
	e.mustOK(getAttr, map[string]any{"GroupId": "@TGS#public1"}) // late, but answered
}

func TestFaultValidation(t *testing.T) {
	m := New(Options{SDKAppID: 1, SecretKey: "k"})
	for _, f := range []Fault{
		{Kind: FaultDrop},
		{Command: "nope", Kind: FaultDrop},
		{Command: "*", Kind: "explode"},
		{Command: "*", Kind: FaultLatency},
		{Command: "*", Kind: FaultError},
		{Command: "*", Kind: FaultDrop, Fraction: 2},
	} {
		if err := m.AddFault(f); err == nil {
			t.Errorf("fault %+v accepted", f)
		}
	}
}

// The standalone mock's control endpoint sets faults and the edition.
func TestControlEndpoint(t *testing.T) {
	e := newEnv(t)
	do := func(method, path, body string) int {
		req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := do("POST", "/control/faults", `{"command":"clear_group_attr","kind":"error","errorCode":10002,"times":1}`); s != 204 {
		t.Fatalf("add fault: %d", s)
	}
	e.wantCode(clearAttr, map[string]any{"GroupId": "@TGS#public1"}, 10002)
	if s := do("POST", "/control/faults", `{"command":"clear_group_attr","kind":"latency","latency":"soon"}`); s != 400 {
		t.Fatalf("bad fault: %d", s)
	}
	do("POST", "/control/faults", `{"command":"*","kind":"http502"}`)
	if s := do("DELETE", "/control/faults", ""); s != 204 {
		t.Fatalf("clear faults: %d", s)
	}
	e.mustOK(getAttr, map[string]any{"GroupId": "@TGS#public1"})
	do("PUT", "/control/edition", `{"basic":true}`)
	e.wantCode(getCG, map[string]any{"From_Account": "alice", "StartIndex": 0}, 51013)
	resp, _ := http.Get(e.srv.URL + "/control/calls?command=get_group_attr")
	var n map[string]int
	json.NewDecoder(resp.Body).Decode(&n)
	resp.Body.Close()
	if n["count"] != 1 {
		t.Fatalf("calls %v", n)
	}
	// Without control the endpoint does not exist.
	off := New(Options{SDKAppID: 1, SecretKey: "k"}).Handler(false)
	req, _ := http.NewRequest("POST", "/control/faults", bytes.NewReader(nil))
	w := &recorder{header: http.Header{}}
	off.ServeHTTP(w, req)
	if !strings.Contains(w.body.String(), "60009") {
		t.Fatalf("control without the flag: %s", w.body.String())
	}
}

type recorder struct {
	header http.Header
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(int)             {}

func TestDemoSeed(t *testing.T) {
	m := New(Options{SDKAppID: 1, SecretKey: "k"})
	if err := m.Seed(Demo()); err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	for _, g := range m.groups {
		types[g.Type] = true
	}
	for _, want := range []string{"Private", "Work", "Public", "ChatRoom", "Meeting", "AVChatRoom", "Community"} {
		if !types[want] {
			t.Errorf("demo data has no %s group", want)
		}
	}
	if len(m.users["alice"].lists) == 0 || len(m.users["alice"].convGroups) == 0 {
		t.Error("demo data has no friend lists or conversation groups for alice")
	}
	// A just-seeded group has its full write budget.
	for range 5 {
		if _, e := m.modifyGroupAttr([]byte(`{"GroupId":"@TGS#_trailhead","GroupAttr":[{"key":"season","value":"winter"}]}`)); e != nil {
			t.Fatal(e)
		}
	}
}

func TestLoadSeedRefusesUnknownFields(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seed.json")
	os.WriteFile(path, []byte(`{"users":[{"id":"a","nickname":"typo"}]}`), 0o600)
	if _, err := LoadSeed(path); err == nil || !strings.Contains(err.Error(), "nickname") {
		t.Fatalf("err = %v", err)
	}
	os.WriteFile(path, []byte(`{"users":[{"id":"a"}],"groups":[{"type":"Public","name":"x","attributes":[{"key":"`+strings.Repeat("k", 33)+`","value":"v"}]}]}`), 0o600)
	s, err := LoadSeed(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := New(Options{SDKAppID: 1, SecretKey: "k"}).Seed(s); err == nil || !strings.Contains(err.Error(), "10045") {
		t.Fatalf("a seed breaking a limit: %v", err)
	}
}
