package server

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// scenario is one API call and what must come of it, for tests that read
// as tables: who calls, what they send, the status and error they get, and
// what must then be true (stored, sent to Tencent, or not).
type scenario struct {
	name         string
	as           string // the account signed in; "" for nobody
	method, path string
	body         any      // JSON-encoded unless a string
	header       []string // name, value pairs ("" value removes the header)
	status       int
	code         string // the API error code when status ≥ 400
	field        string // the field the error names
	words        string // part of the message
	then         func(t *testing.T, e *env, w *httptest.ResponseRecorder)
}

// run plays the scenarios in order on one panel: each sees what the ones
// before it changed. Browsers are kept per account, so sessions last.
// prepare, when given, completes each scenario just before it is played,
// with what the ones before it learnt (a version, an audit entry).
func (e *env) run(t *testing.T, scenarios []scenario, prepare ...func(*scenario)) {
	t.Helper()
	browsers := map[string]*browser{"": e.browser()}
	for _, sc := range scenarios {
		for _, p := range prepare {
			p(&sc)
		}
		b := browsers[sc.as]
		if b == nil {
			b = e.signIn(sc.as)
			browsers[sc.as] = b
		}
		t.Run(sc.name, func(t *testing.T) {
			w := b.do(sc.method, sc.path, sc.body, sc.header...)
			if w.Code != sc.status {
				t.Fatalf("%s %s as %q: status %d, want %d: %s", sc.method, sc.path, sc.as, w.Code, sc.status, w.Body)
			}
			if sc.status >= 400 {
				code, msg, field := apiErr(t, w)
				if code != sc.code || field != sc.field || !strings.Contains(msg, sc.words) {
					t.Fatalf("error %s (field %q) %q, want %s (field %q) with %q", code, field, msg, sc.code, sc.field, sc.words)
				}
			}
			if sc.then != nil {
				sc.then(t, e, w)
			}
		})
	}
}

// calls is how many times Tencent received each command.
func (e *env) calls(cmds ...string) int {
	n := 0
	for _, c := range cmds {
		n += e.mock.Calls(c)
	}
	return n
}
