package tim

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

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
	c, err := New(Config{BaseURL: "https://console.tim.qq.com", SDKAppID: testAppID, SecretKey: testKey, Admin: "administrator",
		HTTPClient: &http.Client{Transport: roundTripper{body}}})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkCallOverhead is the client's own cost of one get_group_attr with
// four attributes (the network excluded).
func BenchmarkCallOverhead(b *testing.B) {
	c := benchClient(b, `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","GroupAttrAry":[{"key":"a","value":"1"},{"key":"b","value":"2"},{"key":"c","value":"3"},{"key":"d","value":"4"}]}`)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetGroupAttr(ctx, "@TGS#bench"); err != nil {
			b.Fatal(err)
		}
		// Tencent's 200 calls/s would otherwise make the loop wait.
		c.apis.reset()
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
