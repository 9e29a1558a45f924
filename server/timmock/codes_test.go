package timmock

import (
	"fmt"
	"strings"
	"testing"
)

// TestEveryDocumentedCode reaches every error code named in the spec's
// sections 0–4 and the seed pages: through a request that triggers it where
// the mock models the cause, through an injected fault where the cause is
// Tencent's own trouble (see the package documentation).
func TestEveryDocumentedCode(t *testing.T) {
	notAdmin := func(e *env) map[string]string {
		return map[string]string{"identifier": "alice", "usersig": genSig(e.t, testAppID, testKey, "alice", 86400)}
	}
	type reach struct {
		cmd   string
		body  any
		query func(*env) map[string]string
		setup func(*env)
	}
	natural := map[int]reach{
		10004: {cmd: modifyAttr, body: map[string]any{"GroupId": "@TGS#work1", "GroupAttr": []any{}}},
		10007: {cmd: clearAttr, body: map[string]any{"GroupId": "@TGS#_community1"}},
		10010: {cmd: getAttr, body: map[string]any{"GroupId": "@TGS#nothere"}},
		10015: {cmd: getAttr, body: map[string]any{"GroupId": "bad id"}},
		10019: {cmd: "group_open_http_svc/create_group", body: map[string]any{"Type": "Public", "Name": "x", "Owner_Account": "nobody"}},
		10021: {cmd: "group_open_http_svc/create_group", body: map[string]any{"Type": "Public", "Name": "x", "GroupId": "@TGS#work1"}},
		10045: {cmd: modifyAttr, body: map[string]any{"GroupId": "@TGS#work1", "GroupAttr": kv(strings.Repeat("k", 33), "v")}},
		10046: {cmd: modifyAttr, body: map[string]any{"GroupId": "@TGS#work1", "GroupAttr": kv("k", strings.Repeat("v", 4001))}},
		10047: {cmd: setAttr, body: map[string]any{"GroupId": "@TGS#work1", "GroupAttr": kvN(17, "v")}},
		10048: {cmd: setAttr, body: map[string]any{"GroupId": "@TGS#work1", "GroupAttr": kvN(5, strings.Repeat("v", 3201))}},
		10049: {cmd: clearAttr, body: map[string]any{"GroupId": "@TGS#work1"}, setup: func(e *env) {
			for range 5 {
				e.mustOK(clearAttr, map[string]any{"GroupId": "@TGS#work1"})
			}
		}},
		10050: {cmd: deleteAttr, body: map[string]any{"GroupId": "@TGS#work1", "GroupAttr": []map[string]string{{"key": "nope"}}}},
		30001: {cmd: listAdd, body: map[string]any{"From_Account": "alice", "GroupName": []string{strings.Repeat("n", 33)}}},
		30003: {cmd: listAdd, body: map[string]any{"From_Account": "nobody", "GroupName": []string{"x"}}},
		30004: {cmd: listAdd, body: map[string]any{"From_Account": "alice", "GroupName": []string{"x"}}, query: notAdmin},
		30011: {cmd: listAdd, body: map[string]any{"From_Account": "alice", "GroupName": []string{"33rd"}}, setup: func(e *env) {
			for i := range MaxFriendLists {
				e.mustOK(listAdd, map[string]any{"From_Account": "alice", "GroupName": []string{fmt.Sprint("list ", i)}})
			}
		}},
		50001: {cmd: createCG, body: createBody("nobody", "x")},
		50002: {cmd: createCG, body: map[string]any{"From_Account": "alice", "GroupContactItem": []any{}}},
		50003: {cmd: createCG, body: createBody("alice", "x"), query: notAdmin},
		51006: {cmd: markC, body: map[string]any{"From_Account": "alice", "MarkItem": []any{}}},
		51007: {cmd: createCG, body: createBody("alice", "x", grpC("@TGS#dismissed"))},
		51008: {cmd: markC, body: map[string]any{"From_Account": "alice", "MarkItem": manyMarks(1)}, setup: func(e *env) {
			for i := range 10 {
				e.mustOK(markC, map[string]any{"From_Account": "alice", "MarkItem": marksFrom(i*100, 100)})
			}
		}},
		51009: {cmd: delCG, body: map[string]any{"From_Account": "alice", "GroupName": []string{"nope"}}},
		51010: {cmd: createCG, body: createBody("alice", "21st"), setup: func(e *env) {
			for i := range 20 {
				e.mustOK(createCG, createBody("alice", fmt.Sprint(i)))
			}
		}},
		51011: {cmd: createCG, body: createBody("alice", strings.Repeat("n", 33))},
		51013: {cmd: createCG, body: createBody("alice", "x"), setup: func(e *env) { e.mock.SetBasic(true) }},
		60002: {cmd: getAttr, body: map[string]any{"GroupId": "@TGS#work1"}, query: func(*env) map[string]string { return map[string]string{"contenttype": "xml"} }},
		60003: {cmd: getAttr, body: "not json"},
		60004: {cmd: getAttr, body: map[string]any{"GroupId": "@TGS#work1"}, query: func(*env) map[string]string { return map[string]string{"usersig": ""} }},
		60006: {cmd: getAttr, body: map[string]any{"GroupId": "@TGS#work1"}, query: func(*env) map[string]string { return map[string]string{"sdkappid": "7"} }},
		60007: {cmd: "group_open_http_svc/get_appid_group_list", body: map[string]any{}, setup: func(e *env) {
			e.mustOK("group_open_http_svc/get_appid_group_list", map[string]any{})
		}},
		60009: {cmd: "group_open_http_svc/nope", body: map[string]any{}},
		60010: {cmd: getAttr, body: map[string]any{"GroupId": "@TGS#work1"}, query: notAdmin},
		60015: {cmd: listAdd, body: map[string]any{"From_Account": 1001, "GroupName": []string{"x"}}},
		60012: {cmd: getAttr, body: map[string]any{"GroupId": "@TGS#work1"}, query: func(*env) map[string]string { return map[string]string{"sdkappid": ""} }},
		// Past the sig's 24 h, whatever second it was made in.
		70001: {cmd: getAttr, body: map[string]any{"GroupId": "@TGS#work1"}, setup: func(e *env) { e.clock.Advance(86402e9) }},
		70003: {cmd: getAttr, body: map[string]any{"GroupId": "@TGS#work1"}, query: func(*env) map[string]string { return map[string]string{"usersig": "garbage"} }},
		70009: {cmd: getAttr, body: map[string]any{"GroupId": "@TGS#work1"}, query: func(e *env) map[string]string {
			return map[string]string{"usersig": genSig(e.t, testAppID, "wrong", testAdmin, 86400)}
		}},
		70013: {cmd: getAttr, body: map[string]any{"GroupId": "@TGS#work1"}, query: func(e *env) map[string]string {
			return map[string]string{"usersig": genSig(e.t, testAppID, testKey, "bob", 86400)}
		}},
		70014: {cmd: getAttr, body: map[string]any{"GroupId": "@TGS#work1"}, query: func(e *env) map[string]string {
			return map[string]string{"usersig": genSig(e.t, 99, testKey, testAdmin, 86400)}
		}},
		70402: {cmd: "im_open_login_svc/account_import", body: map[string]any{"UserID": ""}},
	}
	// Codes whose cause the mock does not model, with the command whose
	// family they belong to.
	byFault := map[int]string{
		10002: "modify_group_attr", 10003: "get_group_attr", 10005: "create_group", 10006: "get_group_info",
		10008: "get_group_attr", 10011: "set_group_attr", 10012: "create_group", 10056: "modify_group_attr",
		10059: "get_group_attr", 30006: "group_add", 30007: "group_get", 30008: "group_delete",
		30005: "group_add", 30009: "friend_add", 30010: "friend_add", 30012: "friend_add", 30013: "friend_add", 30014: "friend_add",
		50004: "create_contact_group", 50005: "get_contact_group", 51012: "mark_contact",
		60005: "get_group_attr", 60008: "get_group_attr", 60011: "get_group_attr", 60013: "get_group_attr",
		60014: "get_group_attr", 60016: "get_group_attr", 60017: "get_group_attr",
		60018: "get_group_attr", 60019: "get_group_attr", 60020: "get_group_attr", 60021: "get_group_attr",
		70016: "get_group_attr", 70020: "get_group_attr", 70050: "get_group_attr", 70051: "get_group_attr",
		70107: "account_check",
	}
	for c, r := range natural {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			e := newEnv(t)
			if r.setup != nil {
				r.setup(e)
			}
			var q map[string]string
			if r.query != nil {
				q = r.query(e)
			}
			raw, ok := r.body.(string)
			if !ok {
				raw = mustJSON(t, r.body)
			}
			_, out := e.post("/v4/"+r.cmd, raw, q)
			if code(out) != c {
				t.Fatalf("ErrorCode %d (%v), want %d", code(out), out["ErrorInfo"], c)
			}
		})
	}
	for c, short := range byFault {
		t.Run(fmt.Sprintf("%d by fault", c), func(t *testing.T) {
			e := newEnv(t)
			if err := e.mock.AddFault(Fault{Command: short, Kind: FaultError, ErrorCode: c, Times: 1}); err != nil {
				t.Fatal(err)
			}
			var path string
			for name := range commands {
				if strings.HasSuffix(name, "/"+short) {
					path = name
				}
			}
			_, out := e.post("/v4/"+path, `{}`, nil)
			if code(out) != c || out["ActionStatus"] != "FAIL" {
				t.Fatalf("got %v", out)
			}
		})
	}
}

func marksFrom(start, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"OptType": 1, "ContactItem": c2c(fmt.Sprintf("m%05d", start+i)), "SetMark": []int{1}}
	}
	return out
}

// An account sent as a number (or any non-string) is 60015 in every
// family, wherever the account field sits; another field of the wrong type
// is still the family's parameter code.
func TestAccountTypeError(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		name string
		cmd  string
		body map[string]any
		want int
	}{
		{"sns From_Account", listAdd, map[string]any{"From_Account": 1001, "GroupName": []string{"x"}}, 60015},
		{"recentcontact From_Account", createCG, map[string]any{"From_Account": 1001, "GroupContactItem": []any{map[string]any{"GroupName": "x"}}}, 60015},
		{"nested To_Account", createCG, createBody("alice", "x", map[string]any{"Type": 1, "To_Account": 42}), 60015},
		{"group User_Account item", "group_open_http_svc/get_role_in_group", map[string]any{"GroupId": "@TGS#public1", "User_Account": []any{"bob", 7}}, 60015},
		{"group Owner_Account", "group_open_http_svc/create_group", map[string]any{"Type": "Public", "Name": "x", "Owner_Account": true}, 60015},
		{"account UserID", "im_open_login_svc/account_import", map[string]any{"UserID": 12}, 60015},
		{"account_check UserID", "im_open_login_svc/account_check", map[string]any{"CheckItem": []any{map[string]any{"UserID": 12}}}, 60015},
		{"not an account", getAttr, map[string]any{"GroupId": 12}, 10004},
		{"User_Account not a list", "group_open_http_svc/get_role_in_group", map[string]any{"GroupId": "@TGS#public1", "User_Account": "bob"}, 10004},
	} {
		t.Run(c.name, func(t *testing.T) { e.wantCode(c.cmd, c.body, c.want) })
	}
}
