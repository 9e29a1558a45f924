package server

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
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

// schemaTypes names the Go type behind each schema of the document, so
// that a field added to one and not the other fails the test below.
var schemaTypes = map[string]reflect.Type{
	"Error": reflect.TypeFor[struct {
		Error api.Error `json:"error"`
	}](),
	"SignIn":             reflect.TypeFor[api.SignIn](),
	"BulkSource":         reflect.TypeFor[api.BulkSource](),
	"BulkNew":            reflect.TypeFor[api.BulkNew](),
	"BulkCounts":         reflect.TypeFor[api.BulkCounts](),
	"BulkReason":         reflect.TypeFor[api.BulkReason](),
	"BulkSample":         reflect.TypeFor[api.BulkSample](),
	"BulkJob":            reflect.TypeFor[api.BulkJob](),
	"BulkJobList":        reflect.TypeFor[api.BulkJobList](),
	"BulkCreated":        reflect.TypeFor[api.BulkCreated](),
	"BulkItem":           reflect.TypeFor[api.BulkItem](),
	"BulkItemPage":       reflect.TypeFor[api.BulkItemPage](),
	"BulkStart":          reflect.TypeFor[api.BulkStart](),
	"BulkUndo":           reflect.TypeFor[api.BulkUndo](),
	"KeySpec":            reflect.TypeFor[api.KeySpec](),
	"KeyChoice":          reflect.TypeFor[api.KeyChoice](),
	"KeyOwner":           reflect.TypeFor[api.KeyOwner](),
	"KeyDeprecation":     reflect.TypeFor[api.KeyDeprecation](),
	"KeyEntry":           reflect.TypeFor[api.KeyEntry](),
	"KeyList":            reflect.TypeFor[api.KeyList](),
	"KeyRegistry":        reflect.TypeFor[api.KeyRegistry](),
	"KeyImported":        reflect.TypeFor[api.KeyImported](),
	"Scope":              reflect.TypeFor[api.Scope](),
	"Session":            reflect.TypeFor[api.Session](),
	"Operations":         reflect.TypeFor[api.Operations](),
	"Group":              reflect.TypeFor[api.Group](),
	"GroupPage":          reflect.TypeFor[api.GroupPage](),
	"Attr":               reflect.TypeFor[api.Attr](),
	"Attributes":         reflect.TypeFor[api.Attributes](),
	"AttrPatch":          reflect.TypeFor[api.AttrPatch](),
	"AttrReplace":        reflect.TypeFor[api.AttrReplace](),
	"AuditRecord":        reflect.TypeFor[api.AuditRecord](),
	"AuditPage":          reflect.TypeFor[api.AuditPage](),
	"UndoPreview":        reflect.TypeFor[api.UndoPreview](),
	"PasswordChange":     reflect.TypeFor[api.PasswordChange](),
	"Account":            reflect.TypeFor[api.Account](),
	"AccountNew":         reflect.TypeFor[api.AccountNew](),
	"AccountUpdate":      reflect.TypeFor[api.AccountUpdate](),
	"OneTimePassword":    reflect.TypeFor[api.OneTimePassword](),
	"Verification":       reflect.TypeFor[api.Verification](),
	"Health":             reflect.TypeFor[api.Health](),
	"AuditCheckpoint":    reflect.TypeFor[sqlite.Checkpoint](),
	"UserInfo":           reflect.TypeFor[api.UserInfo](),
	"Member":             reflect.TypeFor[api.Member](),
	"MemberProfile":      reflect.TypeFor[api.MemberProfile](),
	"MemberChange":       reflect.TypeFor[api.MemberChange](),
	"MembersChange":      reflect.TypeFor[api.MembersChange](),
	"MembersChanged":     reflect.TypeFor[api.MembersChanged](),
	"Mute":               reflect.TypeFor[api.Mute](),
	"MemberPage":         reflect.TypeFor[api.MemberPage](),
	"Conversation":       reflect.TypeFor[api.Conversation](),
	"Marks":              reflect.TypeFor[api.Marks](),
	"MarkedConversation": reflect.TypeFor[api.MarkedConversation](),
	"ConvGroup":          reflect.TypeFor[api.ConvGroup](),
	"ItemResult":         reflect.TypeFor[api.ItemResult](),
	"ConvGroups":         reflect.TypeFor[api.ConvGroups](),
	"ConvGroupCreate":    reflect.TypeFor[api.ConvGroupCreate](),
	"ConvGroupUpdate":    reflect.TypeFor[api.ConvGroupUpdate](),
	"MarksChange":        reflect.TypeFor[api.MarksChange](),
	"Friend":             reflect.TypeFor[api.Friend](),
	"FriendList":         reflect.TypeFor[api.FriendList](),
	"FriendLists":        reflect.TypeFor[api.FriendLists](),
	"FriendListCreate":   reflect.TypeFor[api.FriendListCreate](),
	"FriendListUpdate":   reflect.TypeFor[api.FriendListUpdate](),
	"FriendListDelete":   reflect.TypeFor[api.FriendListDelete](),
	"GroupIndexStatus":   reflect.TypeFor[api.GroupIndexStatus](),
	"UserConversations":  reflect.TypeFor[api.UserConversations](),
}

// Every schema of the OpenAPI document is the Go type it names, field for
// field, all the way down: the same JSON names, the same kinds (text,
// number, list, object), references to the schema of the field's type, and
// every field the server requires in a request listed as required.
func TestOpenAPISchemasMatchTypes(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	mustDecode(t, openAPI, &doc)
	schemas := doc.Components.Schemas
	for _, name := range slices.Sorted(maps.Keys(schemas)) {
		typ, ok := schemaTypes[name]
		if !ok {
			t.Errorf("schema %s names no Go type (add it to schemaTypes)", name)
			continue
		}
		for _, problem := range schemaMatches(schemas, schemas[name], typ, name) {
			t.Error(problem)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(schemaTypes)) {
		if schemas[name] == nil {
			t.Errorf("schemaTypes names %s, which the document does not have", name)
		}
	}
}

// schemaMatches lists where a schema and a Go type disagree.
func schemaMatches(schemas map[string]map[string]any, node map[string]any, typ reflect.Type, path string) []string {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if ref, ok := node["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		if want, ok := schemaTypes[name]; ok && want != typ {
			return []string{fmt.Sprintf("%s: refers to %s (%v), the Go field is %v", path, name, want, typ)}
		}
		return nil // the referenced schema is checked on its own
	}
	if typ == reflect.TypeFor[json.RawMessage]() || typ.Kind() == reflect.Interface {
		return nil // any JSON
	}
	if typ == reflect.TypeFor[time.Time]() {
		if node["type"] != "string" || node["format"] != "date-time" {
			return []string{fmt.Sprintf("%s: a time, documented as %v %v", path, node["type"], node["format"])}
		}
		return nil
	}
	kind := map[reflect.Kind]string{reflect.String: "string", reflect.Bool: "boolean", reflect.Int: "integer", reflect.Int64: "integer",
		reflect.Int32: "integer", reflect.Uint64: "integer", reflect.Float64: "number", reflect.Slice: "array", reflect.Struct: "object", reflect.Map: "object"}[typ.Kind()]
	if all, ok := node["allOf"].([]any); ok {
		// An embedded struct: its schema, then the type's own fields.
		merged := map[string]any{"type": "object", "properties": map[string]any{}, "required": []any{}}
		for _, part := range all {
			p := part.(map[string]any)
			if ref, ok := p["$ref"].(string); ok {
				p = schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
			}
			maps.Copy(merged["properties"].(map[string]any), p["properties"].(map[string]any))
			if req, ok := p["required"].([]any); ok {
				merged["required"] = append(merged["required"].([]any), req...)
			}
		}
		node = merged
	}
	if got := node["type"]; got != kind {
		if list, ok := got.([]any); !ok || !slices.Contains(list, any(kind)) {
			return []string{fmt.Sprintf("%s: documented as %v, the Go type %v is %s", path, got, typ, kind)}
		}
	}
	var problems []string
	switch typ.Kind() {
	case reflect.Slice:
		items, _ := node["items"].(map[string]any)
		return schemaMatches(schemas, items, typ.Elem(), path+"[]")
	case reflect.Map:
		if extra, ok := node["additionalProperties"].(map[string]any); ok {
			return schemaMatches(schemas, extra, typ.Elem(), path+"{}")
		}
	case reflect.Struct:
		props, _ := node["properties"].(map[string]any)
		fields := jsonFields(typ)
		for _, name := range slices.Sorted(maps.Keys(fields)) {
			p, ok := props[name].(map[string]any)
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: the Go field %q is not documented", path, name))
				continue
			}
			problems = append(problems, schemaMatches(schemas, p, fields[name].typ, path+"."+name)...)
			if fields[name].required {
				if req, _ := node["required"].([]any); !slices.Contains(req, any(name)) {
					problems = append(problems, fmt.Sprintf("%s: %q is required by the server but not in the document's required", path, name))
				}
			}
		}
		for _, name := range slices.Sorted(maps.Keys(props)) {
			if _, ok := fields[name]; !ok {
				problems = append(problems, fmt.Sprintf("%s: documents %q, which the Go type %v does not have", path, name, typ))
			}
		}
	}
	return problems
}
