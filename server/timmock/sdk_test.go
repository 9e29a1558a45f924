package timmock

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// sdkFixture is one public SDK's request bodies, kept byte for byte in
// testdata/sdk/*.json with where each comes from.
type sdkFixture struct {
	SDK      string `json:"sdk"`
	Commit   string `json:"commit"`
	Snapshot string `json:"snapshot"`
	About    string `json:"about"`
	Seed     Seed   `json:"seed"`
	Requests []struct {
		Command   string          `json:"command"`
		From      string          `json:"from"`
		Body      json.RawMessage `json:"body"`
		ErrorCode int             `json:"errorCode"`
		Reason    string          `json:"reason"`
	} `json:"requests"`
}

// TestPublicSDKRequests replays, in order, the exact request bodies of
// public SDKs whose tests call the live service: each must be answered
// ActionStatus OK, or the error code its fixture records with a reason.
func TestPublicSDKRequests(t *testing.T) {
	files, err := filepath.Glob("testdata/sdk/*.json")
	if err != nil || len(files) < 2 {
		t.Fatalf("fixtures %v, %v: want at least two SDKs", files, err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var fx sdkFixture
			if err := json.Unmarshal(raw, &fx); err != nil {
				t.Fatal(err)
			}
			if fx.SDK == "" || len(fx.Commit) != 40 || len(fx.Requests) == 0 {
				t.Fatalf("fixture needs its source: sdk %q, commit %q, %d requests", fx.SDK, fx.Commit, len(fx.Requests))
			}
			e := newSeededEnv(t, &fx.Seed)
			for _, r := range fx.Requests {
				if r.ErrorCode != 0 && r.Reason == "" {
					t.Errorf("%s (%s): an expected error needs its reason", r.Command, r.From)
				}
				_, out := e.post("/v4/"+r.Command, string(r.Body), nil)
				wantStatus := "OK"
				if r.ErrorCode != 0 {
					wantStatus = "FAIL"
				}
				if code(out) != r.ErrorCode || out["ActionStatus"] != wantStatus {
					t.Errorf("%s (%s): %v %v %v, want %s %d", r.Command, r.From, out["ActionStatus"], code(out), out["ErrorInfo"], wantStatus, r.ErrorCode)
				}
			}
		})
	}
}
