package tim

import (
	"context"
	"testing"
	"time"
)

// Six attribute writes to one group in a second: the sixth waits for the
// window instead of being refused with 10049.
func TestGroupWriteBudgetWaits(t *testing.T) {
	c, m, ft := newMockClient(t)
	ctx := context.Background()
	for i := range 6 {
		if err := c.ModifyGroupAttr(ctx, "@TGS#aC5SZEAEF", []Attr{{"on_call", string(rune('a' + i))}}); err != nil {
			t.Fatalf("write %d: %v", i+1, err)
		}
	}
	slept := ft.Slept()
	if len(slept) != 1 || slept[0] != time.Second {
		t.Fatalf("slept %v, want one wait of 1s before the sixth write", slept)
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
	for range 200 {
		l.wait(ctx, "api", 200)
	}
	if len(ft.Slept()) != 0 {
		t.Fatalf("waited within the limit")
	}
	l.wait(ctx, "api", 200)
	if s := ft.Slept(); len(s) != 1 || s[0] != time.Second {
		t.Fatalf("201st call slept %v", s)
	}
}
