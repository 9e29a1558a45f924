package tim

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/timmock"

	"github.com/tencentyun/tls-sig-api-v2-golang/tencentyun"
)

// roundTripper answers every request in memory, so a benchmark measures the
// client alone: signing, limits, encoding, decoding, error handling.
type roundTripper struct{ body string }

func (rt roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	io.Copy(io.Discard, r.Body)
	r.Body.Close()
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(rt.body)), Request: r}, nil
}

func benchClient(b *testing.B, body string) *Client {
	return testClient(b, Config{BaseURL: "https://console.tim.qq.com", HTTPClient: &http.Client{Transport: roundTripper{body}}})
}

// BenchmarkCallOverhead is the client's own cost of one get_group_attr with
// four attributes (the network excluded).
//
// Replicas is the same with three replicas sharing the limits: what the
// share costs a call (the count is an atomic load; the database is asked
// once a second by the beat, never per call).
func BenchmarkCallOverhead(b *testing.B) {
	for _, replicas := range []int{0, 3} {
		b.Run(fmt.Sprintf("Replicas=%d", replicas), func(b *testing.B) {
			c := benchClient(b, `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","GroupAttrAry":[{"key":"a","value":"1"},{"key":"b","value":"2"},{"key":"c","value":"3"},{"key":"d","value":"4"}]}`)
			if replicas > 0 {
				var live atomic.Int64
				live.Store(int64(replicas))
				c.cfg.Replicas = func() int { return int(live.Load()) }
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.GetGroupAttr(ctx, "@TGS#bench"); err != nil {
					b.Fatal(err)
				}
				// Tencent's 200 calls/s would otherwise make the loop wait.
				c.apis.reset()
			}
		})
	}
}

// BenchmarkSignCached is the cost of getting the admin UserSig from the cache.
func BenchmarkSignCached(b *testing.B) {
	c := benchClient(b, "")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.sig.get(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignPerCall is what signing would cost if every call made a new
// UserSig, as some SDKs do.
func BenchmarkSignPerCall(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tencentyun.GenUserSig(testAppID, testKey, "administrator", 86400); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSendToArrival measures, with the real clock, how long after the
// client hands a write to its transport the mock sees it, with 30 writers
// at once on loopback: the jitter that made limits counted from send
// times meet 10049. It reports the largest delay seen ("max-ms");
// limitMargin is sized from it, though slots are freed from answers and so
// do not depend on it.
func BenchmarkSendToArrival(b *testing.B) {
	var mu sync.Mutex
	sent := map[string]time.Time{}
	var worst time.Duration
	_, url := startMock(b, timmock.Options{Unlimited: true,
		Observe: func(cmd string, body []byte) {
			now := time.Now()
			mu.Lock()
			if t, ok := sent[string(body)]; ok {
				worst = max(worst, now.Sub(t))
			}
			mu.Unlock()
		}})
	stamp := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		mu.Lock()
		sent[string(body)] = time.Now()
		mu.Unlock()
		return http.DefaultTransport.RoundTrip(r)
	})
	c := testClient(b, Config{BaseURL: url, HTTPClient: &http.Client{Transport: stamp}, Unlimited: true})
	var n atomic.Int64
	b.SetParallelism(15) // 30 writers on 2 cores
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if err := c.ModifyGroupAttr(context.Background(), "@TGS#aC5SZEAEF", []Attr{{"k", strconv.FormatInt(i, 10)}}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(worst)/float64(time.Millisecond), "max-ms")
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
