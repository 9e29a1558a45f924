package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/jsonfields"
)

// maxBody caps API request bodies. The largest legitimate one, replacing 16
// attributes of 4000 bytes, is far below it. A body type with a MaxBody
// method has that cap instead.
const maxBody = 128 << 10

// decodeJSON reads a JSON request body into v, strictly, in one place for
// every body of the API: JSON content type, at most maxBody bytes, valid
// UTF-8, no key twice in an object (encoding/json would keep the last, so
// {"role":"viewer","role":"admin"} would make an admin), field names
// exactly ours (encoding/json matches names in any case, so {"SET": …}
// would count as "set"), no unknown fields, no null where the type has no
// "nothing" (encoding/json would leave the zero value), every field tagged
// api:"required" present, nothing after the value. Each refusal names the
// field by its path (set[0].value).
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" {
		return newError(http.StatusUnsupportedMediaType, api.CodeInvalidArgument, "Send the request as JSON (Content-Type: application/json).")
	}
	limit := int64(maxBody)
	if l, ok := v.(interface{ MaxBody() int64 }); ok {
		limit = l.MaxBody() // a body that lists many things: a bulk change's group IDs
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return newError(http.StatusRequestEntityTooLarge, api.CodeTooLarge, "The request is larger than %d KiB.", limit>>10)
	}
	if err != nil {
		return newError(http.StatusBadRequest, api.CodeInvalidArgument, "The request could not be read.")
	}
	return decodeStrict(body, v)
}

// decodeValid is decodeJSON, then v's own check of the request on its
// own (its Validate, when it has one).
func decodeValid(w http.ResponseWriter, r *http.Request, v any) error {
	if err := decodeJSON(w, r, v); err != nil {
		return err
	}
	if c, ok := v.(interface{ Validate() *api.FieldError }); ok {
		if fe := c.Validate(); fe != nil {
			return fe
		}
	}
	return nil
}

// decodeStrict is decodeJSON's reading of a body already read.
func decodeStrict(body []byte, v any) error {
	if !utf8.Valid(body) {
		return newError(http.StatusBadRequest, api.CodeInvalidArgument, "The request is not valid UTF-8 text.")
	}
	var doc any
	if json.Unmarshal(body, &doc) == nil {
		if he := duplicateKey(body); he != nil {
			return he
		}
		if he := exactFields(doc, reflect.TypeOf(v), ""); he != nil {
			return he
		}
	} // else the decoder below says what is wrong
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	// Not dec.More: it reports false before a stray "}" or "]", so
	// {"role":"a","role":"b"}} would pass, unchecked for twice-given keys.
	if len(bytes.TrimLeft(body[dec.InputOffset():], " \t\r\n")) > 0 {
		return newError(http.StatusBadRequest, api.CodeInvalidArgument, "The request has data after its JSON value.")
	}
	return nil
}

// maxDepth bounds how deeply a request's objects and lists nest; the
// API's deepest body (a scope in an account) has four levels.
const maxDepth = 32

// duplicateKey refuses the first object key that appears twice in its
// object, or a body nested deeper than maxDepth. body is valid JSON.
func duplicateKey(body []byte) *httpError {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var walk func(path string, depth int) *httpError
	walk = func(path string, depth int) *httpError {
		tok, err := dec.Token()
		if err != nil {
			return nil // the decoder after this one says what is wrong
		}
		if d, ok := tok.(json.Delim); ok && depth >= maxDepth && (d == '{' || d == '[') {
			return newError(http.StatusBadRequest, api.CodeInvalidArgument, "The request nests objects and lists more than %d deep.", maxDepth)
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil
				}
				k, _ := kt.(string)
				field := join(path, k)
				if seen[k] {
					he := newError(http.StatusBadRequest, api.CodeInvalidArgument, "The request gives the field %q twice; give it once.", field)
					he.Field = field
					return he
				}
				seen[k] = true
				if he := walk(field, depth+1); he != nil {
					return he
				}
			}
			dec.Token() // }
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if he := walk(fmt.Sprintf("%s[%d]", path, i), depth+1); he != nil {
					return he
				}
			}
			dec.Token() // ]
		}
		return nil
	}
	return walk("", 0)
}

// exactFields walks a decoded request alongside the type it is decoded
// into and refuses the first object key that is not exactly one of the
// type's JSON field names, a null where the field's type has no "nothing"
// (only pointers, lists and maps do), and a required field that is
// missing, naming each by its path (set[0].key).
func exactFields(node any, t reflect.Type, path string) *httpError {
	if node == nil {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
			return nil
		}
		if path == "" || t == rawMessageType {
			return nil // a body of null: the decoder or Validate says what is wrong
		}
		he := newError(http.StatusBadRequest, api.CodeInvalidArgument, "%q must be %s, not null.", path, jsonKindNames[t.Kind()])
		he.Field = path
		return he
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == rawMessageType || t.Kind() == reflect.Interface {
		return nil
	}
	switch n := node.(type) {
	case map[string]any:
		switch t.Kind() {
		case reflect.Struct:
			fields := jsonFields(t)
			for _, k := range slices.Sorted(maps.Keys(n)) {
				ft, ok := fields[k]
				if !ok {
					field := join(path, k)
					he := newError(http.StatusBadRequest, api.CodeInvalidArgument, "The request has a field %q this API does not know.", field)
					he.Field = field
					for name := range fields {
						if strings.EqualFold(name, k) {
							he.Say = say("The request has a field %q; this API's field is %q (names must match exactly).", field, join(path, name))
						}
					}
					return he
				}
				if he := exactFields(n[k], ft.typ, join(path, k)); he != nil {
					return he
				}
			}
			for _, name := range slices.Sorted(maps.Keys(fields)) {
				if _, given := n[name]; !given && fields[name].required {
					field := join(path, name)
					he := newError(http.StatusBadRequest, api.CodeInvalidArgument, "The request has no field %q; it is required.", field)
					he.Field = field
					return he
				}
			}
		case reflect.Map:
			for _, k := range slices.Sorted(maps.Keys(n)) {
				if he := exactFields(n[k], t.Elem(), join(path, k)); he != nil {
					return he
				}
			}
		}
	case []any:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for i, el := range n {
				if he := exactFields(el, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); he != nil {
					return he
				}
			}
		}
	}
	return nil
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// jsonField is a struct field as a request names it.
type jsonField struct {
	typ      reflect.Type
	required bool // tagged api:"required"
}

// jsonFields maps a struct's JSON field names to their fields, as
// encoding/json names them (jsonfields.Of).
func jsonFields(t reflect.Type) map[string]jsonField {
	out := map[string]jsonField{}
	for name, f := range jsonfields.Of(t) {
		out[name] = jsonField{typ: f.Type, required: f.Tag.Get("api") == "required"}
	}
	return out
}

// jsonError describes a decoding error in words, naming the field when the
// decoder does.
func jsonError(err error) *httpError {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	he := newError(http.StatusBadRequest, api.CodeInvalidArgument, "The request is not valid JSON.")
	switch {
	case errors.As(err, &typeErr):
		he.Field = typeErr.Field
		he.Say = say("%q must be %s.", typeErr.Field, jsonKindNames[typeErr.Type.Kind()])
	case errors.As(err, &syntaxErr):
		he.Say = say("The request is not valid JSON (at byte %d).", syntaxErr.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		he.Field, he.Say = field, say("The request has a field %q this API does not know.", field)
	case errors.Is(err, io.EOF):
		he.Say = say("The request body is empty.")
	}
	return he
}

var jsonKindNames = map[reflect.Kind]api.Phrase{
	reflect.String: api.Say("text"), reflect.Slice: api.Say("a list"), reflect.Array: api.Say("a list"), reflect.Struct: api.Say("an object"),
	reflect.Map: api.Say("an object"), reflect.Bool: api.Say("true or false"), reflect.Int: api.Say("a number"), reflect.Int64: api.Say("a number"),
	reflect.Uint64: api.Say("a number"), reflect.Float64: api.Say("a number"),
}

// origin is where a request came from, as the middleware judged it: the
// client's address and whether the browser reached the panel over https.
type origin struct {
	ip     string
	secure bool
}

// clientIP is the address the request came from: the connection's peer, or,
// when that peer is a trusted proxy, the address the proxies report.
func clientIP(r *http.Request) string {
	if o, ok := r.Context().Value(originKey).(origin); ok {
		return o.ip
	}
	return peerAddr(r).String()
}

func peerAddr(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		a, _ := netip.ParseAddr(r.RemoteAddr)
		return a.Unmap()
	}
	return ap.Addr().Unmap()
}

// originOf works out where a request came from. X-Forwarded-For is read
// from the right: each hop appends the address it saw, so the rightmost
// address that is not a trusted proxy is the client (anything left of it
// may be forged). X-Forwarded-Proto is believed only from a trusted proxy.
// Headers from anyone else are ignored.
func originOf(r *http.Request, trusted []netip.Prefix) origin {
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	peer := peerAddr(r)
	o := origin{ip: peer.String(), secure: r.TLS != nil}
	if !peer.IsValid() || !isTrusted(peer) {
		return o
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a garbled hop: stop at the last address we can vouch for
		}
		o.ip = a.Unmap().String()
		if !isTrusted(a.Unmap()) {
			break
		}
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		o.secure = strings.EqualFold(strings.TrimSpace(strings.Split(p, ",")[0]), "https")
	}
	return o
}

// truncate cuts s to at most n bytes on a rune boundary, for values an
// attacker controls that go into the log or the audit log.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
