package tim

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// scripted answers in turn: each entry is a status and body, or "drop" to
// close the connection, or "hang" to wait for the client's timeout.
func scripted(t *testing.T, answers ...string) (http.HandlerFunc, *atomic.Int32) {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // so the server notices when the client hangs up
		i := int(n.Add(1)) - 1
		a := answers[min(i, len(answers)-1)]
		switch a {
		case "drop":
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close()
		case "hang":
			<-r.Context().Done()
		case "502":
			w.WriteHeader(http.StatusBadGateway)
		case "503":
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			io.WriteString(w, a)
		}
	}, &n
}

const (
	ok       = `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`
	internal = `{"ActionStatus":"FAIL","ErrorCode":10002,"ErrorInfo":"internal error"}`
	rcIntern = `{"ActionStatus":"FAIL","ErrorCode":50004,"ErrorInfo":"internal error","ErrorDisplay":""}`
	tooLong  = `{"ActionStatus":"FAIL","ErrorCode":10045,"ErrorInfo":"key too long"}`
)

func TestRetries(t *testing.T) {
	ctx := context.Background()
	modify := func(c *Client) error { return c.ModifyGroupAttr(ctx, "@TGS#x", []Attr{{"k", "v"}}) }
	del := func(c *Client) error { return c.DeleteGroupAttr(ctx, "@TGS#x", []string{"k"}) }
	get := func(c *Client) error { _, err := c.GetGroupAttr(ctx, "@TGS#x"); return err }
	create := func(c *Client) error { _, err := c.CreateContactGroup(ctx, "alice", "g", nil); return err }
	// A change whose answer was lost is never repeated by the client, even
	// when repeating it would be harmless on its own: someone else may have
	// changed the same state meanwhile (the server re-reads and decides).
	for _, c := range []struct {
		name    string
		call    func(*Client) error
		answers []string
		calls   int
		kind    Kind // -1: success
		code    int
		maybe   bool // the change may or may not have been made
	}{
		{"read retried after a 502", get, []string{"502", ok}, 2, -1, 0, false},
		{"read retried after a dropped connection", get, []string{"drop", "drop", ok}, 3, -1, 0, false},
		{"read gives up after 3 tries", get, []string{"503"}, 3, KindUpstream, 0, false},
		{"read times out", get, []string{"hang"}, 3, KindTimeout, 0, false},
		{"upsert not repeated after internal error", modify, []string{internal, ok}, 1, KindRetryable, 10002, true},
		{"upsert not repeated after a 502", modify, []string{"502", ok}, 1, KindUpstream, 0, true},
		{"upsert not repeated after a hang", modify, []string{"hang", ok}, 1, KindTimeout, 0, true},
		{"invalid input not retried", modify, []string{tooLong}, 1, KindInvalid, 10045, false},
		{"delete not repeated after a 502", del, []string{"502", ok}, 1, KindUpstream, 0, true},
		{"delete not repeated after a drop", del, []string{"drop", ok}, 1, KindUpstream, 0, true},
		{"delete not repeated after internal error", del, []string{internal, ok}, 1, KindRetryable, 10002, true},
		{"create not repeated after a hang", create, []string{"hang", ok}, 1, KindTimeout, 0, true},
		{"create not repeated after a drop", create, []string{"drop", ok}, 1, KindUpstream, 0, true},
		{"create not repeated after internal error", create, []string{rcIntern, ok}, 1, KindRetryable, 50004, true},
		{"create refused for a definite reason", create, []string{`{"ActionStatus":"FAIL","ErrorCode":51011,"ErrorInfo":"name"}`}, 1, KindInvalid, 51011, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, n := scripted(t, c.answers...)
			client, ft := newFakeClient(t, h)
			err := c.call(client)
			if c.kind < 0 {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
			} else if e := wantKind(t, err, c.kind, c.code); e.MaybeApplied != c.maybe {
				t.Fatalf("maybe applied %v, want %v", e.MaybeApplied, c.maybe)
			}
			if int(n.Load()) != c.calls {
				t.Fatalf("%d calls reached the server, want %d", n.Load(), c.calls)
			}
			// Backoff between tries: bounded by 200ms << (try-1).
			for i, d := range ft.Slept() {
				if d < 0 || d > 200*time.Millisecond<<i {
					t.Fatalf("backoff %d = %v", i, d)
				}
			}
		})
	}
}

// A request that never left (nothing listens) is retried even for a create.
func TestNotSentIsRetried(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // now the port refuses connections
	ft := newFakeTime()
	c, _ := New(Config{BaseURL: url, SDKAppID: testAppID, SecretKey: testKey, Admin: "a", Now: ft.Now, Sleep: ft.Sleep})
	_, err := c.CreateContactGroup(context.Background(), "alice", "g", nil)
	wantKind(t, err, KindRetryable, 0)
	if len(ft.Slept()) != 2 {
		t.Fatalf("slept %v; want two backoffs between three tries", ft.Slept())
	}
}

// Backoff is exponential with full jitter and a 2 s ceiling.
func TestBackoff(t *testing.T) {
	var draw uint64
	c, _ := New(Config{BaseURL: "https://x", SDKAppID: 1, SecretKey: "k", Admin: "a", Rand: func() uint64 { return draw }})
	for a := 1; a <= 6; a++ {
		ceiling := min(200*time.Millisecond<<(a-1), 2*time.Second)
		draw = uint64(ceiling)
		if d := c.backoff(a); d != ceiling {
			t.Fatalf("backoff(%d) at the top of the jitter = %v, want %v", a, d, ceiling)
		}
		draw = uint64(ceiling) + 1
		if d := c.backoff(a); d != 0 {
			t.Fatalf("backoff(%d) wraps to %v, want 0", a, d)
		}
	}
}

// A read that meets 60007 despite the limiter waits one window and repeats;
// a write refused the same way is not repeated behind the caller's back.
func TestTooFrequentRead(t *testing.T) {
	const tooFrequent = `{"ActionStatus":"FAIL","ErrorCode":60007,"ErrorInfo":"REST API call frequency over limit"}`
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		call  func(*Client) error
		calls int
		slept []time.Duration
		fails bool
	}{
		{"read waits a second and repeats", func(c *Client) error { _, err := c.GetGroupAttr(ctx, "@TGS#x"); return err }, 2, []time.Duration{time.Second}, false},
		{"write is not repeated", func(c *Client) error { return c.ModifyGroupAttr(ctx, "@TGS#x", []Attr{{"k", "v"}}) }, 1, nil, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, n := scripted(t, tooFrequent, ok)
			client, ft := newFakeClient(t, h)
			err := c.call(client)
			if c.fails {
				wantKind(t, err, KindRateLimited, 60007)
			} else if err != nil {
				t.Fatalf("err = %v", err)
			}
			if int(n.Load()) != c.calls {
				t.Fatalf("%d calls reached the server, want %d", n.Load(), c.calls)
			}
			var waits []time.Duration
			for _, d := range ft.Slept() {
				if d >= time.Second {
					waits = append(waits, d)
				}
			}
			if len(waits) != len(c.slept) {
				t.Fatalf("slept %v, want the window waits %v", ft.Slept(), c.slept)
			}
		})
	}
}

// 30008, Tencent's write conflict of a user's relationship data, made
// nothing. The client repeats only what is safe to repeat: reads, and
// friend_update (it sets values); group_add and group_delete are not
// repeated but marked RetryAfterRead, so that the server reads the state
// before making them once more. A 30006 (internal error) of a write may
// have made it: never repeated, MaybeApplied.
func TestFriendListRetries(t *testing.T) {
	const (
		conflict = `{"ActionStatus":"FAIL","ErrorCode":30008,"ErrorInfo":"Err_SNS_Write_Conflict","ErrorDisplay":""}`
		snsInner = `{"ActionStatus":"FAIL","ErrorCode":30006,"ErrorInfo":"internal error","ErrorDisplay":""}`
		snsOK    = `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":"","CurrentSequence":3}`
	)
	ctx := context.Background()
	add := func(c *Client) error {
		_, err := c.AddFriendLists(ctx, "alice", []string{"A"}, []string{"bob"})
		return err
	}
	del := func(c *Client) error { _, err := c.DeleteFriendLists(ctx, "alice", []string{"A"}); return err }
	get := func(c *Client) error {
		_, err := c.GetFriendLists(ctx, FriendListGetRequest{FromAccount: "alice", NeedFriend: true})
		return err
	}
	friends := func(c *Client) error { _, err := c.GetFriends(ctx, "alice", 0); return err }
	update := func(c *Client) error {
		_, err := c.UpdateFriends(ctx, "alice", []FriendUpdate{{ToAccount: "bob", Lists: []string{"A"}}})
		return err
	}
	for _, c := range []struct {
		name      string
		call      func(*Client) error
		answers   []string
		calls     int
		code      int // 0: success
		maybe     bool
		readFirst bool
	}{
		{"group_get repeated after 30008", get, []string{conflict, snsOK}, 2, 0, false, false},
		{"friend_get repeated after 30008", friends, []string{conflict, snsOK}, 2, 0, false, false},
		{"friend_update repeated after 30008", update, []string{conflict, snsOK}, 2, 0, false, false},
		{"friend_update gives up after 3 conflicts", update, []string{conflict}, 3, 30008, false, false},
		{"group_add not repeated after 30008", add, []string{conflict, snsOK}, 1, 30008, false, true},
		{"group_delete not repeated after 30008", del, []string{conflict, snsOK}, 1, 30008, false, true},
		{"group_add not repeated after 30006", add, []string{snsInner, snsOK}, 1, 30006, true, false},
		{"friend_update not repeated after 30006", update, []string{snsInner, snsOK}, 1, 30006, true, false},
		{"group_get repeated after 30006", get, []string{snsInner, snsOK}, 2, 0, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, n := scripted(t, c.answers...)
			client, _ := newFakeClient(t, h)
			err := c.call(client)
			if c.code == 0 {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
			} else {
				e := wantKind(t, err, KindRetryable, c.code)
				if e.MaybeApplied != c.maybe || e.RetryAfterRead != c.readFirst || RetryAfterRead(err) != c.readFirst {
					t.Fatalf("maybe applied %v, retry after read %v; want %v, %v", e.MaybeApplied, e.RetryAfterRead, c.maybe, c.readFirst)
				}
			}
			if int(n.Load()) != c.calls {
				t.Fatalf("%d calls reached the server, want %d", n.Load(), c.calls)
			}
		})
	}
}
