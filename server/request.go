package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/imdesk/imdesk/server/api"
)

// maxBody caps API request bodies. The largest legitimate one, replacing 16
// attributes of 4000 bytes, is far below it.
const maxBody = 128 << 10

// decodeJSON reads a JSON request body into v: JSON content type, at most
// maxBody bytes, valid UTF-8, no unknown fields, nothing after the value.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" {
		return newError(http.StatusUnsupportedMediaType, api.CodeInvalidArgument, "Send the request as JSON (Content-Type: application/json).")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return newError(http.StatusRequestEntityTooLarge, api.CodeTooLarge, fmt.Sprintf("The request is larger than %d KiB.", maxBody>>10))
	}
	if err != nil {
		return newError(http.StatusBadRequest, api.CodeInvalidArgument, "The request could not be read.")
	}
	if !utf8.Valid(body) {
		return newError(http.StatusBadRequest, api.CodeInvalidArgument, "The request is not valid UTF-8 text.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return newError(http.StatusBadRequest, api.CodeInvalidArgument, "The request has data after its JSON value.")
	}
	return nil
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
		he.Message = fmt.Sprintf("%q must be %s.", typeErr.Field, jsonKindNames[typeErr.Type.Kind()])
	case errors.As(err, &syntaxErr):
		he.Message = fmt.Sprintf("The request is not valid JSON (at byte %d).", syntaxErr.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		he.Field, he.Message = field, fmt.Sprintf("The request has a field %q this API does not know.", field)
	case errors.Is(err, io.EOF):
		he.Message = "The request body is empty."
	}
	return he
}

var jsonKindNames = map[reflect.Kind]string{
	reflect.String: "text", reflect.Slice: "a list", reflect.Array: "a list", reflect.Struct: "an object",
	reflect.Map: "an object", reflect.Bool: "true or false", reflect.Int: "a number", reflect.Int64: "a number",
	reflect.Uint64: "a number", reflect.Float64: "a number",
}

// clientIP is the address the request came from. imdesk does not trust
// X-Forwarded-For: behind a proxy every request shows the proxy's address.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
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
