package tim

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/timmock"
)

// Six attribute writes to one group in a row: the sixth waits for the
// window (and the margin) instead of being refused with 10049.
func TestGroupWriteBudgetWaits(t *testing.T) {
	c, m, ft := newMockClient(t)
	ctx := context.Background()
	for i := range 6 {
		if err := c.ModifyGroupAttr(ctx, "@TGS#aC5SZEAEF", []Attr{{"on_call", string(rune('a' + i))}}); err != nil {
			t.Fatalf("write %d: %v", i+1, err)
		}
	}
	slept := ft.Slept()
	if len(slept) != 1 || slept[0] != time.Second+limitMargin {
		t.Fatalf("slept %v, want one wait of 1s and the margin before the sixth write", slept)
	}
	if m.Calls("modify_group_attr") != 6 {
		t.Fatalf("calls %d", m.Calls("modify_group_attr"))
	}
	// Another group does not wait.
	if err := c.ModifyGroupAttr(ctx, "@TGS#2J4SZEAEL", []Attr{{"k", "v"}}); err != nil || len(ft.Slept()) != 1 {
		t.Fatalf("other group: %v, slept %v", err, ft.Slept())
	}
}

// A caller whose deadline ends before its turn gets a rate-limit error and
// nothing is sent.
func TestRateLimitBoundedByContext(t *testing.T) {
	c, m, _ := newMockClient(t)
	ctx := context.Background()
	if _, err := c.GetAppIDGroupList(ctx, GetAppIDGroupListRequest{}); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err := c.GetAppIDGroupList(short, GetAppIDGroupListRequest{})
	wantKind(t, err, KindRateLimited, 0)
	if m.Calls("get_appid_group_list") != 1 {
		t.Fatalf("a call over the limit was sent")
	}
}

func TestLimiterWindow(t *testing.T) {
	ft := newFakeTime()
	l := newLimiterSet(time.Second, ft.Now, ft.Sleep)
	ctx := context.Background()
	take := func() {
		done, err := l.acquire(ctx, "api", 200)
		if err != nil {
			t.Fatal(err)
		}
		done(answered)
	}
	for range 200 {
		take()
	}
	if len(ft.Slept()) != 0 {
		t.Fatalf("waited within the limit")
	}
	take()
	if s := ft.Slept(); len(s) != 1 || s[0] != time.Second+limitMargin {
		t.Fatalf("201st call slept %v", s)
	}
	// A slot given back unsent is free at once: 201 + 198 + 1 unsent + 1
	// fill the window's 200 without waiting again.
	for range 198 {
		take()
	}
	done, err := l.acquire(ctx, "api", 200)
	if err != nil {
		t.Fatal(err)
	}
	done(notSent)
	take()
	if s := ft.Slept(); len(s) != 1 {
		t.Fatalf("an unsent call kept its slot: slept %v", s)
	}
	// A call sent but never answered may still reach Tencent: its slot is
	// held for the period and lostMargin from when it was given up.
	done, err = l.acquire(ctx, "group", 1)
	if err != nil {
		t.Fatal(err)
	}
	done(lost)
	if done, err = l.acquire(ctx, "group", 1); err != nil {
		t.Fatal(err)
	}
	done(answered)
	if s := ft.Slept(); len(s) != 2 || s[1] != time.Second+lostMargin {
		t.Fatalf("after a lost call: slept %v", s)
	}
}

// slowNetwork is a transport whose requests spend time "in the network"
// (on the shared fake clock) before they reach the mock, some more than
// others, and which counts Tencent's rate-limit refusals.
type slowNetwork struct {
	ft      *fakeTime
	delay   func(n int64) time.Duration // for the nth request (from 1)
	n       atomic.Int64
	mu      sync.Mutex
	refused map[int]int // 10049, 60007 → count
}

func (s *slowNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	if d := s.delay(s.n.Add(1)); d > 0 {
		if err := s.ft.Sleep(r.Context(), d); err != nil {
			return nil, err
		}
	}
	res, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	for _, code := range []int{10049, 60007} {
		if bytes.Contains(body, []byte(fmt.Sprintf(`"ErrorCode":%d`, code))) {
			s.mu.Lock()
			s.refused[code]++
			s.mu.Unlock()
		}
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	return res, nil
}

// Bursts through the client into the mock at its real limits (5 attribute
// writes per second per group, 1 group list a second), with requests
// delayed on their way: Tencent never has to refuse a call, and every call
// is made. The clock is fake: nothing here sleeps.
func TestBurstsStayWithinTencentLimits(t *testing.T) {
	const group = "@TGS#aC5SZEAEF"
	write := func(c *Client, i int) error {
		return c.ModifyGroupAttr(context.Background(), group, []Attr{{"k", fmt.Sprint(i)}})
	}
	list := func(c *Client, i int) error {
		_, err := c.GetAppIDGroupList(context.Background(), GetAppIDGroupListRequest{Limit: 2, Next: uint64(i)})
		return err
	}
	for _, c := range []struct {
		name           string
		workers, calls int // calls per worker
		delay          func(n int64) time.Duration
		call           func(c *Client, i int) error
		command        string
	}{
		{"writes in a row, the first one slow", 1, 12, firstSlow(300 * time.Millisecond), write, "modify_group_attr"},
		{"30 savers at once, 5 writes each, some slow", 30, 5, everyNth(7, 300*time.Millisecond), write, "modify_group_attr"},
		{"30 savers at once, 5 writes each, all slow in turn", 30, 5, func(n int64) time.Duration { return time.Duration(n%5) * 40 * time.Millisecond }, write, "modify_group_attr"},
		{"group finder pages, the first one slow", 1, 4, firstSlow(300 * time.Millisecond), list, "get_appid_group_list"},
		{"group finder pages from 5 pages at once", 5, 3, everyNth(2, 500*time.Millisecond), list, "get_appid_group_list"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ft := newFakeTime()
			m, url := startMock(t, timmock.Options{Now: ft.Now})
			net := &slowNetwork{ft: ft, delay: c.delay, refused: map[int]int{}}
			client := testClient(t, Config{BaseURL: url, Now: ft.Now, Sleep: ft.Sleep, HTTPClient: &http.Client{Transport: net}, Timeout: time.Hour})
			var wg sync.WaitGroup
			errs := make(chan error, c.workers*c.calls)
			for w := range c.workers {
				wg.Go(func() {
					for i := range c.calls {
						if err := c.call(client, w*c.calls+i); err != nil {
							errs <- err
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			var failed []string
			for err := range errs {
				failed = append(failed, err.Error())
			}
			if len(net.refused) > 0 || len(failed) > 0 {
				t.Fatalf("Tencent refused %v; %d calls failed, the first: %s", net.refused, len(failed), strings.Join(failed[:min(1, len(failed))], ""))
			}
			if got := m.Calls(c.command); got != c.workers*c.calls {
				t.Fatalf("%d calls reached the mock, want %d", got, c.workers*c.calls)
			}
		})
	}
}

func firstSlow(d time.Duration) func(int64) time.Duration {
	return func(n int64) time.Duration {
		if n == 1 {
			return d
		}
		return 0
	}
}

func everyNth(k int64, d time.Duration) func(int64) time.Duration {
	return func(n int64) time.Duration {
		if n%k == 1 {
			return d
		}
		return 0
	}
}

// Calls under a share keep to it together: at 10 of 200 a second, the
// 11th read of a second waits for the window — exactly a second, no
// margin, as the share is the panel's own budget — while a call without
// the share goes at once.
func TestShareKeepsCallsToTheirPart(t *testing.T) {
	c, m, ft := newMockClient(t)
	shared := WithShare(context.Background(), 10)
	for i := range 11 {
		if _, err := c.GetGroupAttr(shared, "@TGS#2J4SZEAEL"); err != nil {
			t.Fatalf("read %d: %v", i+1, err)
		}
	}
	if slept := ft.Slept(); len(slept) != 1 || slept[0] != time.Second {
		t.Fatalf("slept %v, want one wait of a second before the 11th shared read", slept)
	}
	if _, err := c.GetGroupAttr(context.Background(), "@TGS#2J4SZEAEL"); err != nil || len(ft.Slept()) != 1 {
		t.Fatalf("a read outside the share: %v, slept %v", err, ft.Slept())
	}
	if m.Calls("get_group_attr") != 12 {
		t.Fatalf("calls %d", m.Calls("get_group_attr"))
	}
	if got := shareOf(WithShare(context.Background(), 160), 20); got != 16 {
		t.Fatalf("160 of 200 is %d of a command allowing 20, want 16", got)
	}
}

// Three replicas sharing the app keep each to a third of every limit,
// rounded down: 66 reads a second of a command allowing 200 (the 67th
// waits a second), and one write a second to a group (Tencent allows
// five); as the count changes, so does the part.
func TestReplicasDivideTheLimits(t *testing.T) {
	c, _, ft := newMockClient(t)
	replicas := 3
	c.cfg.Replicas = func() int { return replicas }
	ctx := context.Background()
	for i := range 67 {
		if _, err := c.GetGroupAttr(ctx, "@TGS#2J4SZEAEL"); err != nil {
			t.Fatalf("read %d: %v", i+1, err)
		}
	}
	if slept := ft.Slept(); len(slept) != 1 || slept[0] != time.Second+limitMargin {
		t.Fatalf("slept %v, want one wait of a period before the 67th read", slept)
	}
	for i := range 2 {
		if err := c.ModifyGroupAttr(ctx, "@TGS#2J4SZEAEL", []Attr{{Key: "k", Value: fmt.Sprint(i)}}); err != nil {
			t.Fatalf("write %d: %v", i+1, err)
		}
	}
	if slept := ft.Slept(); len(slept) != 2 {
		t.Fatalf("slept %v, want the second write to the group to wait", slept)
	}
	if replicas = 1; c.part(groupWritesPerSec) != 5 || c.part(200) != 200 {
		t.Fatalf("one replica keeps the whole limits: %d, %d", c.part(groupWritesPerSec), c.part(200))
	}
	if replicas = 8; c.part(groupWritesPerSec) != 1 {
		t.Fatalf("eight replicas: %d writes a second to a group, want at least 1", c.part(groupWritesPerSec))
	}
}
