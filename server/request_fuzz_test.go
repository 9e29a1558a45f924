package server

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/imdesk/imdesk/server/api"
)

// FuzzDecodeStrict holds the one body reader of the API to its promises,
// for every kind of body: it never panics; what it accepts is valid UTF-8
// with no key twice; and a body it accepted, encoded again, is accepted
// again as the same value (nothing it lets in is something it would
// refuse, so a change recorded in the audit log reads back).
func FuzzDecodeStrict(f *testing.F) {
	for _, seed := range []string{
		`{"set":[{"key":"k","value":"v"}],"delete":["x"]}`,
		`{"set":[{"key":"k","value":"v","value":"w"}]}`,
		`{"set":[{"key":"k"}]}`,
		`{"set":[{"key":"k","value":null}]}`,
		`{"SET":[]}`,
		`{"name":"mei","role":"viewer","role":"admin","scope":{"all":true}}`,
		`{"name":"mei","role":"moderator","scope":{"groups":["@TGS#a"],"membersOf":[],"users":["bob"]}}`,
		`{"conversations":[{"type":"user","id":"bob"}],"set":["star"],"customMark":"vip"}`,
		`{"names":["家族","Work"],"friends":["bob"]}`,
		`{"role":"Admin","nameCard":"Bob","mute":{"seconds":60},"data":[{"key":"level","value":"3"}]}`,
		`{"members":["a","b"],"mute":{"until":"2026-12-08T10:00:00Z"}}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
		"{\"set\":[{\"key\":\"k\",\"value\":\"\xff\"}]}",
		`{"a":1} {}`, ``, `null`,
	} {
		f.Add([]byte(seed))
	}
	types := []func() any{
		func() any { return new(api.AttrPatch) }, func() any { return new(api.AttrReplace) },
		func() any { return new(api.AccountNew) }, func() any { return new(api.AccountUpdate) },
		func() any { return new(api.SignIn) }, func() any { return new(api.PasswordChange) },
		func() any { return new(api.ConvGroupCreate) }, func() any { return new(api.ConvGroupUpdate) },
		func() any { return new(api.MarksChange) }, func() any { return new(api.FriendListCreate) },
		func() any { return new(api.FriendListUpdate) }, func() any { return new(api.FriendListDelete) },
		func() any { return new(api.MemberChange) }, func() any { return new(api.MembersChange) },
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, make := range types {
			v := make()
			if decodeStrict(body, v) != nil {
				continue
			}
			if !utf8.Valid(body) || duplicateKey(body) != nil {
				t.Fatalf("%T accepted a body it should refuse: %q", v, body)
			}
			again, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("%T: %v", v, err)
			}
			w := make()
			if err := decodeStrict(again, w); err != nil {
				t.Fatalf("%T accepted %q but refuses its own encoding %s: %v", v, body, again, err)
			}
			if back, _ := json.Marshal(w); string(back) != string(again) {
				t.Fatalf("%T: %q read as %s, its encoding as %s", v, body, again, back)
			}
		}
	})
}
