package server

import (
	"context"
	"strings"
	"testing"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/timmock"
)

// What an admin does from the panel, as the moderator meets it: a new
// account with a one-time password that must be replaced first, a scope
// that narrows at the next request, a disabled account signed out at its
// next request, and an admin who cannot lock the panel out.
func TestAdminManagesAccounts(t *testing.T) {
	e := newEnv(t)
	admin := e.signIn("admin")
	var created api.OneTimePassword
	w := admin.do("POST", "/api/v1/accounts", api.AccountNew{Name: "mei", Role: api.RoleModerator, Scope: api.Scope{Groups: []string{public, community}}})
	if w.Code != 201 {
		t.Fatalf("add: %d %s", w.Code, w.Body)
	}
	mustDecode(t, w.Body.Bytes(), &created)
	if len(created.Password) < 12 || !created.Account.MustChangePassword || created.Account.ScopeWords != "2 groups" {
		t.Fatalf("created: %+v", created)
	}
	mei := e.browser()
	mei.ip = "192.0.2.77"
	w = mei.do("POST", "/api/v1/session", map[string]string{"username": "mei", "password": created.Password})
	var sess api.Session
	mustDecode(t, w.Body.Bytes(), &sess)
	if w.Code != 200 || !sess.MustChangePassword {
		t.Fatalf("first sign-in: %d %+v", w.Code, sess)
	}
	pw := "mei's own long password"
	attrs := func(g string) string { return "/api/v1/groups/" + escape(g) + "/attributes" }
	for _, sc := range []struct {
		name, method, path string
		body               any
		status             int
		field, words       string
	}{
		{"nothing else before a new password", "GET", attrs(public), nil, 403, "", "Set a new password"},
		{"wrong current password", "POST", "/api/v1/session/password", api.PasswordChange{Current: "nope nope nope", New: pw}, 400, "current", "not right"},
		{"too short", "POST", "/api/v1/session/password", api.PasswordChange{Current: created.Password, New: "short"}, 400, "new", "12 to 72 bytes"},
		{"the same again", "POST", "/api/v1/session/password", api.PasswordChange{Current: created.Password, New: created.Password}, 400, "new", "other than"},
		{"a new password", "POST", "/api/v1/session/password", api.PasswordChange{Current: created.Password, New: pw}, 200, "", ""},
		{"in scope", "GET", attrs(public), nil, 200, "", ""},
		{"out of scope", "GET", attrs(work), nil, 403, "", "does not have access"},
	} {
		w := mei.do(sc.method, sc.path, sc.body)
		if w.Code != sc.status {
			t.Fatalf("%s: %d %s", sc.name, w.Code, w.Body)
		}
		if sc.status >= 400 {
			if _, msg, field := apiErr(t, w); field != sc.field || !strings.Contains(msg, sc.words) {
				t.Fatalf("%s: field %q %q", sc.name, field, msg)
			}
		}
	}
	// The admin narrows the scope: the next request is judged by it.
	if w := admin.do("PATCH", "/api/v1/accounts/mei", api.AccountUpdate{Scope: &api.Scope{Groups: []string{community}}}); w.Code != 200 {
		t.Fatalf("narrow: %d %s", w.Code, w.Body)
	}
	if w := mei.do("GET", attrs(public), nil); w.Code != 403 {
		t.Fatalf("after narrowing: %d", w.Code)
	}
	// Disabled: the next request finds the session ended.
	disabled := true
	if w := admin.do("PATCH", "/api/v1/accounts/mei", api.AccountUpdate{Disabled: &disabled}); w.Code != 200 {
		t.Fatalf("disable: %d %s", w.Code, w.Body)
	}
	if w := mei.do("GET", attrs(community), nil); w.Code != 401 {
		t.Fatalf("after disabling: %d", w.Code)
	}
	// The last admin cannot demote or disable themselves.
	viewer := api.RoleViewer
	w = admin.do("PATCH", "/api/v1/accounts/admin", api.AccountUpdate{Role: &viewer})
	if code, msg, _ := apiErr(t, w); w.Code != 409 || code != api.CodeConflict || !strings.Contains(msg, "last enabled admin") {
		t.Fatalf("demote the last admin: %d %s", w.Code, msg)
	}
	// A reset gives a new one-time password and ends the sessions.
	var reset api.OneTimePassword
	w = admin.do("POST", "/api/v1/accounts/viewer/password", nil)
	mustDecode(t, w.Body.Bytes(), &reset)
	if w.Code != 200 || reset.Password == "" || !reset.Account.MustChangePassword || reset.Account.Sessions != 0 {
		t.Fatalf("reset: %d %+v", w.Code, reset)
	}
	// Every change is audited with before and after, and never a password.
	recs, err := e.db.Records(context.Background(), sqlite.Filter{Target: "mei"})
	if err != nil || len(recs) < 4 {
		t.Fatalf("audit of mei: %d %v", len(recs), err)
	}
	for _, r := range recs {
		all := string(r.Request) + string(r.Before) + string(r.After) + r.Detail
		if strings.Contains(all, created.Password) || strings.Contains(all, pw) || strings.Contains(all, "$2a$") {
			t.Fatalf("the audit log holds a password or hash: %s", all)
		}
	}
	var update *api.AuditRecord
	for _, r := range recs {
		if r.Action == "account.update" && strings.Contains(string(r.After), `"disabled":true`) {
			update = r
		}
	}
	if update == nil || !strings.Contains(string(update.Before), `"disabled":false`) || update.Actor != "admin" {
		t.Fatalf("the disable is not audited with before and after: %+v", recs)
	}
}

// The health page's facts, and verifying the audit log from the panel.
func TestAdminHealthAndVerify(t *testing.T) {
	e := newEnv(t)
	admin := e.signIn("admin")
	admin.do("GET", "/api/v1/groups/"+escape(public)+"/attributes", nil)
	var v api.Verification
	w := admin.do("POST", "/api/v1/audit/verify", nil)
	mustDecode(t, w.Body.Bytes(), &v)
	if w.Code != 200 || !v.Intact || v.Entries < 1 || v.By != "admin" {
		t.Fatalf("verify: %d %+v", w.Code, v)
	}
	var h api.Health
	w = admin.do("GET", "/api/v1/health", nil)
	mustDecode(t, w.Body.Bytes(), &h)
	if w.Code != 200 || !h.Tencent.Reachable || h.Tencent.URL == "" || h.Version == "" || h.Mode != "live" {
		t.Fatalf("health: %d %+v", w.Code, h)
	}
	if h.Audit.Entries < 2 || h.Audit.HeadHash == "" || h.Audit.Verified == nil || !h.Audit.Verified.Intact {
		t.Fatalf("audit health: %+v", h.Audit)
	}
	used := false
	for _, r := range h.RateLimits {
		used = used || (r.Op == "get_group_attr" && r.PerSecond == 200 && r.LastMinute >= 1)
	}
	if !used {
		t.Fatalf("rate-limit use: %+v", h.RateLimits)
	}
	// The finder's index, as far as it has got.
	if gi := h.GroupIndex; gi.Indexed != 0 || gi.Listed != 0 || !gi.Refreshed.IsZero() || !gi.CanRefresh {
		t.Fatalf("group index before a reading: %+v", gi)
	}
	e.indexGroups()
	w = admin.do("GET", "/api/v1/health", nil)
	mustDecode(t, w.Body.Bytes(), &h)
	if gi := h.GroupIndex; gi.Indexed != 9 || gi.Listed != 9 || gi.Total != 9 || gi.Reading || gi.Refreshed.Unix() != e.clock.Now().Unix() {
		t.Fatalf("group index after a reading: %+v", gi)
	}
	// Tencent refusing the panel is said plainly.
	e.mock.AddFault(timmock.Fault{Command: "account_check", Kind: timmock.FaultError, ErrorCode: 70009})
	e.clock.Advance(tencentCheckEvery)
	w = admin.do("GET", "/api/v1/health", nil)
	mustDecode(t, w.Body.Bytes(), &h)
	if h.Tencent.Reachable || !strings.Contains(h.Tencent.Problem, "Tell your administrator") {
		t.Fatalf("health with Tencent down: %+v", h.Tencent)
	}
}
