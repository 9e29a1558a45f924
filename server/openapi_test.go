package server

import (
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The OpenAPI document describes exactly the routes the server registers:
// the same paths and methods, the same public ones, every path parameter,
// and every $ref resolves. The document is served as it is.
func TestOpenAPI(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	e := newEnv(t)
	routes := map[string]route{}
	for _, rt := range e.srv.routes() {
		routes[rt.method+" "+rt.pattern] = rt
	}
	documented := map[string]bool{}
	pathParam := regexp.MustCompile(`\{([^}]+)\}`)
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			key := strings.ToUpper(method) + " " + path
			documented[key] = true
			rt, ok := routes[key]
			if !ok {
				t.Errorf("documented but not served: %s", key)
				continue
			}
			var op struct {
				OperationID string             `json:"operationId"`
				Security    *[]json.RawMessage `json:"security"`
				Parameters  []struct {
					Name, In string
				} `json:"parameters"`
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			if op.OperationID == "" || len(op.Responses) == 0 {
				t.Errorf("%s: no operationId or responses", key)
			}
			if public := op.Security != nil && len(*op.Security) == 0; public != rt.public {
				t.Errorf("%s: documented public=%v, served public=%v", key, public, rt.public)
			}
			for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
				if !slices.ContainsFunc(op.Parameters, func(p struct{ Name, In string }) bool { return p.Name == m[1] && p.In == "path" }) {
					t.Errorf("%s: path parameter %s not described", key, m[1])
				}
			}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(routes)) {
		if !documented[key] {
			t.Errorf("served but not documented: %s", key)
		}
	}
	// Every reference points at something in the document.
	var whole map[string]any
	mustDecode(t, openAPI, &whole)
	for _, m := range regexp.MustCompile(`"\$ref": "#/([^"]+)"`).FindAllStringSubmatch(string(openAPI), -1) {
		var node any = whole
		for _, part := range strings.Split(m[1], "/") {
			obj, _ := node.(map[string]any)
			node = obj[part]
		}
		if node == nil {
			t.Errorf("$ref #/%s points at nothing", m[1])
		}
	}
	w := e.browser().do("GET", "/api/v1/openapi.json", nil)
	if w.Code != 200 || w.Body.String() != string(openAPI) || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/v1/openapi.json: %d %s", w.Code, w.Header())
	}
}
