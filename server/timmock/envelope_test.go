package timmock

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Every request-level error code, each reached by a documented request.
func TestEnvelopeErrors(t *testing.T) {
	e := newEnv(t)
	okBody := `{"GroupId":"@TGS#public1"}`
	for _, c := range []struct {
		name      string
		method    string
		path      string
		body      string
		overrides map[string]string
		want      int
	}{
		{"correct request", "", "/v4/" + getAttr, okBody, nil, 0},
		{"unknown command", "", "/v4/group_open_http_svc/no_such_command", okBody, nil, 60009},
		{"unknown service", "", "/v4/nothing/get_group_attr", okBody, nil, 60009},
		{"old SDK alias of get_group_attr", "", "/v4/group_open_http_svc/get_group_attr", okBody, nil, 60009},
		{"not under /v4", "", "/v3/" + getAttr, okBody, nil, 60009},
		{"GET instead of POST", http.MethodGet, "/v4/" + getAttr, "", nil, 60002},
		{"no sdkappid", "", "/v4/" + getAttr, okBody, map[string]string{"sdkappid": ""}, 60012},
		{"other sdkappid", "", "/v4/" + getAttr, okBody, map[string]string{"sdkappid": "1400000002"}, 60006},
		{"sdkappid not a number", "", "/v4/" + getAttr, okBody, map[string]string{"sdkappid": "abc"}, 60006},
		{"contenttype not json", "", "/v4/" + getAttr, okBody, map[string]string{"contenttype": "xml"}, 60002},
		{"no random", "", "/v4/" + getAttr, okBody, map[string]string{"random": ""}, 60002},
		{"random largest uint32", "", "/v4/" + getAttr, okBody, map[string]string{"random": "4294967295"}, 0},
		{"random over uint32", "", "/v4/" + getAttr, okBody, map[string]string{"random": "4294967296"}, 60002},
		{"no identifier", "", "/v4/" + getAttr, okBody, map[string]string{"identifier": ""}, 60004},
		{"no usersig", "", "/v4/" + getAttr, okBody, map[string]string{"usersig": ""}, 60004},
		{"usersig garbage", "", "/v4/" + getAttr, okBody, map[string]string{"usersig": "not-a-signature"}, 70003},
		{"usersig truncated", "", "/v4/" + getAttr, okBody, map[string]string{"usersig": e.sig[:len(e.sig)/2]}, 70003},
		{"usersig with broken JSON inside", "", "/v4/" + getAttr, okBody, map[string]string{"usersig": zlibBase64(`{"TLS.ver":`)}, 70003},
		{"usersig JSON without fields", "", "/v4/" + getAttr, okBody, map[string]string{"usersig": zlibBase64(`{"a":1}`)}, 70003},
		{"usersig for another user", "", "/v4/" + getAttr, okBody, map[string]string{"usersig": genSig(t, testAppID, testKey, "bob", 86400)}, 70013},
		{"usersig for another app", "", "/v4/" + getAttr, okBody, map[string]string{"usersig": genSig(t, 1400000002, testKey, testAdmin, 86400)}, 70014},
		{"usersig with another key", "", "/v4/" + getAttr, okBody, map[string]string{"usersig": genSig(t, testAppID, "other-key", testAdmin, 86400)}, 70009},
		{"identifier not an admin", "", "/v4/" + getAttr, okBody, map[string]string{"identifier": "alice", "usersig": genSig(t, testAppID, testKey, "alice", 86400)}, 60010},
		{"empty body", "", "/v4/" + getAttr, "", nil, 60003},
		{"body not JSON", "", "/v4/" + getAttr, "GroupId=x", nil, 60003},
		{"body a JSON array", "", "/v4/" + getAttr, `[]`, nil, 60003},
		{"body JSON null", "", "/v4/" + getAttr, `null`, nil, 60003},
		{"field of the wrong type", "", "/v4/" + getAttr, `{"GroupId":42}`, nil, 10004},
	} {
		t.Run(c.name, func(t *testing.T) {
			method := c.method
			if method == "" {
				method = http.MethodPost
			}
			req, _ := http.NewRequest(method, e.srv.URL+c.path+"?"+e.query(c.overrides), strings.NewReader(c.body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("HTTP %d; Tencent answers 200 for every error", resp.StatusCode)
			}
			var out map[string]any
			if err := jsonDecode(resp.Body, &out); err != nil {
				t.Fatal(err)
			}
			if code(out) != c.want {
				t.Fatalf("ErrorCode %d (%v), want %d", code(out), out["ErrorInfo"], c.want)
			}
			wantStatus := "OK"
			if c.want != 0 {
				wantStatus = "FAIL"
			}
			if out["ActionStatus"] != wantStatus {
				t.Fatalf("ActionStatus %v", out["ActionStatus"])
			}
		})
	}
}

func TestExpiredUserSig(t *testing.T) {
	e := newEnv(t)
	e.sig = genSig(t, testAppID, testKey, testAdmin, 60)
	e.mustOK(getAttr, map[string]any{"GroupId": "@TGS#public1"})
	// The sig's time is the real clock's second, which may be one past the
	// mock clock's start: go well beyond the 60 s.
	e.clock.Advance(62 * time.Second)
	e.wantCode(getAttr, map[string]any{"GroupId": "@TGS#public1"}, 70001)
}

// Per-API limits: 200/s, account_check 100/s, get_appid_group_list 1/s; a
// refused call does not count, and the window slides.
func TestPerAPIRateLimits(t *testing.T) {
	for _, c := range []struct {
		cmd   string
		body  any
		limit int
	}{
		{getAttr, map[string]any{"GroupId": "@TGS#public1"}, 200},
		{"im_open_login_svc/account_check", map[string]any{"CheckItem": []any{map[string]string{"UserID": "alice"}}}, 100},
		{"group_open_http_svc/get_appid_group_list", map[string]any{}, 1},
	} {
		t.Run(c.cmd, func(t *testing.T) {
			e := newEnv(t)
			for i := 0; i < c.limit; i++ {
				e.mustOK(c.cmd, c.body)
			}
			e.wantCode(c.cmd, c.body, 60007)
			e.clock.Advance(999 * time.Millisecond)
			e.wantCode(c.cmd, c.body, 60007)
			e.clock.Advance(time.Millisecond)
			e.mustOK(c.cmd, c.body)
		})
	}
}

// Families that document ErrorDisplay carry it.
func TestErrorDisplayByFamily(t *testing.T) {
	e := newEnv(t)
	sns := e.mustOK("sns/group_get", map[string]any{"From_Account": "alice", "LastSequence": 0})
	if _, ok := sns["ErrorDisplay"]; !ok {
		t.Error("sns answer lacks ErrorDisplay")
	}
	rc := e.mustOK("recentcontact/get_contact_group", map[string]any{"From_Account": "alice", "StartIndex": 0})
	if _, ok := rc["ErrorDisplay"]; !ok {
		t.Error("recentcontact answer lacks ErrorDisplay")
	}
	grp := e.mustOK(getAttr, map[string]any{"GroupId": "@TGS#public1"})
	if _, ok := grp["ErrorDisplay"]; ok {
		t.Error("group answer has ErrorDisplay")
	}
}

func TestConcurrentUse(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 5 {
				body := fmt.Sprintf(`{"GroupId":"@TGS#public1","GroupAttr":[{"key":"k%d","value":"%d"}]}`, i, j)
				for _, cmd := range []string{modifyAttr, getAttr} {
					resp, err := http.Post(e.srv.URL+"/v4/"+cmd+"?"+e.query(nil), "application/json", strings.NewReader(body))
					if err != nil {
						t.Error(err)
						return
					}
					resp.Body.Close()
				}
			}
		})
	}
	wg.Wait()
}
