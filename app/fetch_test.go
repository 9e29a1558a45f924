package main

import (
	"testing"

	"github.com/imdesk/imdesk/server/api"
)

// A list read again holds only what the new answer says: an account added
// before another does not take that account's last sign-in (which the
// answer leaves out for an account never signed in).
func TestDecodeReplacesWhatItFills(t *testing.T) {
	list := []api.Account{}
	first := response{status: 200, body: []byte(`[{"name":"admin","role":"admin"},{"name":"moderator","role":"moderator","lastSignIn":"2026-12-01T22:34:05Z"}]`)}
	if e := first.decode(&list); e != nil || list[1].LastSignIn == nil {
		t.Fatalf("%v %+v", e, list)
	}
	again := response{status: 200, body: []byte(`[{"name":"admin","role":"admin"},{"name":"mei","role":"viewer"},{"name":"moderator","role":"moderator","lastSignIn":"2026-12-01T22:34:05Z"}]`)}
	if e := again.decode(&list); e != nil {
		t.Fatal(e)
	}
	if list[1].Name != "mei" || list[1].LastSignIn != nil {
		t.Fatalf("mei shows %v, another account's last sign-in", list[1].LastSignIn)
	}
	broken := response{status: 200, body: []byte(`[{"name":`)}
	if e := broken.decode(&list); e == nil || len(list) != 3 {
		t.Fatalf("a broken answer: %v, %d accounts left", e, len(list))
	}
}
