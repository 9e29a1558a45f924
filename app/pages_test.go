package main

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// What the pages' tests share: a context from go-app's test engine, and an
// API that records what a page asks and answers what the test says, so a
// test drives a page's act and got as the browser would and checks the
// page's state and what it shows.

// ctxHolder is a component whose context the pages under test use.
type ctxHolder struct {
	app.Compo
	ctx app.Context
}

// OnPreRender is where go-app gives a component its context on the host
// (OnMount is only called in a browser).
func (h *ctxHolder) OnPreRender(ctx app.Context) { h.ctx = ctx }
func (h *ctxHolder) Render() app.UI              { return app.Div() }

// sentRequest is a call a page made.
type sentRequest struct {
	method, path string
	body         string // JSON
	header       map[string]string
}

// fakeAPI stands in for the API (apiCall) for one test.
type fakeAPI struct {
	t       *testing.T
	engine  app.TestEngine
	ctx     app.Context
	mu      sync.Mutex
	sent    []sentRequest
	answers []response
}

func newFakeAPI(t *testing.T) *fakeAPI {
	t.Helper()
	f := &fakeAPI{t: t, engine: app.NewTestEngine()}
	h := &ctxHolder{}
	if err := f.engine.Load(h); err != nil {
		t.Fatal(err)
	}
	f.engine.ConsumeAll()
	f.ctx = h.ctx
	old, session := apiCall, currentSession
	apiCall = f.call
	t.Cleanup(func() { apiCall, currentSession = old, session })
	return f
}

func (f *fakeAPI) call(method, path string, in any, header map[string]string) response {
	f.mu.Lock()
	defer f.mu.Unlock()
	body := ""
	if in != nil {
		b, _ := json.Marshal(in)
		body = string(b)
	}
	f.sent = append(f.sent, sentRequest{method: method, path: path, body: body, header: header})
	if len(f.answers) == 0 {
		return answer(200, struct{}{})
	}
	r := f.answers[0]
	f.answers = f.answers[1:]
	return r
}

// then queues the answers to the next calls, in order; a call with none
// queued gets 200 {}.
func (f *fakeAPI) then(rs ...response) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers = append(f.answers, rs...)
}

// run lets the calls made so far be answered and the page take the answers.
func (f *fakeAPI) run() { f.engine.ConsumeAll() }

// request is the ith call made (from 0), once run has let it be made; the
// test fails when there is none.
func (f *fakeAPI) request(i int) sentRequest {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if i >= len(f.sent) {
		f.t.Fatalf("call %d not made; made %d", i, len(f.sent))
	}
	return f.sent[i]
}

// sentTo checks that request i went to method and path.
func (f *fakeAPI) sentTo(i int, method, path string) {
	f.t.Helper()
	if r := f.request(i); r.method != method || r.path != path {
		f.t.Errorf("request %d: sent %s %s, want %s %s", i, r.method, r.path, method, path)
	}
}

func (f *fakeAPI) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.sent)
}

// answer is an API answer with status and v as its JSON body; an error
// status carries v as the error when v is an *api.Error.
func answer(status int, v any) response {
	if e, ok := v.(*api.Error); ok {
		return response{status: status, err: e}
	}
	b, _ := json.Marshal(v)
	return response{status: status, body: b}
}

// pageOn is page p begun on a fake API of its own, as OnNav begins it.
func pageOn[P interface{ begin(app.Context) }](t *testing.T, p P) (*fakeAPI, P) {
	t.Helper()
	f := newFakeAPI(t)
	p.begin(f.ctx)
	return f, p
}

// beginReady begins the page on ctx with its main load done, as fill
// leaves it: the tests of a loaded page start from there.
func (b *base) beginReady(ctx app.Context) {
	b.begin(ctx)
	b.state = stateReady
}

// userPageOf readies the part of a page about one user that its tests
// share: the context, the page's route and title, and user u1, who may be
// changed, loaded.
func (f *fakeAPI) userPageOf(u *userPage, route, titleKey string) {
	u.beginReady(f.ctx)
	u.route, u.titleKey, u.userID = route, titleKey, "u1"
	u.user = &api.UserInfo{ID: "u1", CanEdit: true}
}

// act sends a page an event as a view's element would.
func act(f *fakeAPI, a actor, name string, arg string) {
	a.act(f.ctx, event{name: name, arg: eventArg(arg)})
}

// sendChange sends a page the event of a change and, having checked the
// page is busy while the change is on its way, lets the fake answer; it
// returns the request sent.
func sendChange(t *testing.T, f *fakeAPI, a actor, last *pageChange, name, arg string) sentRequest {
	t.Helper()
	act(f, a, name, arg)
	if !last.busy {
		t.Error("not busy while the change is on its way")
	}
	f.run()
	return f.request(0)
}

// answerChange makes the fake's next answer the state of a user's data
// after a change: state, changed by change, at version "v2".
func answerChange[S any, P interface {
	*S
	State() *api.UserState
}](f *fakeAPI, state S, change func(after P)) {
	P(&state).State().Version = "v2"
	change(&state)
	f.then(answer(200, state))
}

// typed sends a page an input's or select's event with its value.
func typed(f *fakeAPI, a actor, name, arg, value string) {
	a.act(f.ctx, event{name: name, arg: eventArg(arg), value: value})
}

// tick sends a page a checkbox's event.
func tick(f *fakeAPI, a actor, name, arg string, on bool) {
	a.act(f.ctx, event{name: name, arg: eventArg(arg), checked: on})
}

// shows fails the test unless the page's rendering holds each want.
func shows(t *testing.T, ui app.UI, wants ...string) {
	t.Helper()
	html := app.HTMLString(ui)
	for _, w := range wants {
		if !strings.Contains(html, w) {
			t.Errorf("missing %q in\n%s", w, html)
		}
	}
}

// hides fails the test if the page's rendering holds any of unwanted.
func hides(t *testing.T, ui app.UI, unwanted ...string) {
	t.Helper()
	html := app.HTMLString(ui)
	for _, w := range unwanted {
		if strings.Contains(html, w) {
			t.Errorf("unexpected %q in\n%s", w, html)
		}
	}
}
