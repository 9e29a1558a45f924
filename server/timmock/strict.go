package timmock

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/imdesk/imdesk/server/jsonfields"
)

// Tencent's field names are case-sensitive: "GroupID" is not "GroupId", and
// an attribute's "Key" is not "key". Go's encoding/json matches names in any
// case, so decode first checks every object key in the body against the
// exact json names of the target type, recursively, and refuses a key that
// differs from a known name only in letter case. A key no field is named
// like, in any case, is ignored, as Tencent ignores fields it does not know
// (see the package documentation).

// checkFieldNames reports the first key of raw that names a field of t in
// the wrong case, with its path, or "" when there is none.
func checkFieldNames(raw json.RawMessage, t reflect.Type, path string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return "" // a type error, which json.Unmarshal reports
		}
		for i, it := range items {
			if bad := checkFieldNames(it, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); bad != "" {
				return bad
			}
		}
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return ""
		}
		fields := fieldsOf(t)
		for k, v := range obj {
			if ft, ok := fields[k]; ok {
				if bad := checkFieldNames(v, ft, path+k+"."); bad != "" {
					return bad
				}
				continue
			}
			for name := range fields {
				if strings.EqualFold(name, k) {
					return fmt.Sprintf("field %q is not known; field names are case-sensitive and this one is %q", path+k, path+name)
				}
			}
		}
	}
	return ""
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// fieldsOf maps a struct's exact json names, including those of embedded
// structs, to the fields' types (jsonfields.Of).
func fieldsOf(t reflect.Type) map[string]reflect.Type {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]reflect.Type)
	}
	out := map[string]reflect.Type{}
	for name, f := range jsonfields.Of(t) {
		out[name] = f.Type
	}
	fieldCache.Store(t, out)
	return out
}

// accountFields are the request fields that hold UserIDs: one sent as
// anything but a string is the public error 60015 ("the account type in
// the request body is wrong; it must be a string"), not the family's
// parameter code.
var accountFields = map[string]bool{
	"From_Account": true, "To_Account": true, "Owner_Account": true, "Member_Account": true,
	"User_Account": true, "UserID": true, "Accounts": true,
}

// decode reads the body into v, a pointer to the request struct: a field
// name in the wrong case or a type mismatch is the family's parameter
// error, except an account that is not a string (60015).
func decode(body []byte, v any, f family) *tErr {
	if bad := checkFieldNames(body, reflect.TypeOf(v), ""); bad != "" {
		return fail(f.paramCode(), "invalid parameter: "+bad)
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Type != nil && te.Type.Kind() == reflect.String {
			field := te.Field[strings.LastIndexByte(te.Field, '.')+1:]
			if accountFields[field] {
				return fail(60015, fmt.Sprintf("request body account type error: %s is a %s; it must be a string", te.Field, te.Value))
			}
		}
		return fail(f.paramCode(), "invalid parameter: "+err.Error())
	}
	return nil
}

// fromAccount is the From_Account of a request about one user's data
// (the recentcontact and sns families), embedded in the request struct.
type fromAccount struct {
	From string `json:"From_Account"`
}

func (f fromAccount) account() string { return f.From }

// accountUser finds the user of a request's From_Account id: the family's
// parameter error when it is empty, and the error unknownCode, its info
// made of unknown and the id, when no such user is imported.
func (m *Mock) accountUser(id string, f family, unknownCode int, unknown string) (*user, *tErr) {
	if id == "" {
		return nil, fail(f.paramCode(), "invalid parameter: From_Account is required")
	}
	if u := m.users[id]; u != nil {
		return u, nil
	}
	return nil, fail(unknownCode, fmt.Sprintf(unknown, id))
}

// userCall makes a command of h, a handler of one user's data: it decodes
// the body into a new Req, a request struct that embeds fromAccount, finds
// that account with find (which says the family's error for a missing or
// unknown one) and calls h with the user and the request.
func userCall[Req any, P interface {
	*Req
	account() string
}](f family, find func(*Mock, string) (*user, *tErr), h func(*Mock, *user, P) (any, *tErr)) func(*Mock, []byte) (any, *tErr) {
	return func(m *Mock, body []byte) (any, *tErr) {
		req := P(new(Req))
		if e := decode(body, req, f); e != nil {
			return nil, e
		}
		u, e := find(m, req.account())
		if e != nil {
			return nil, e
		}
		return h(m, u, req)
	}
}

// checkCount refuses a list of n items, field of the request, that is
// empty or longer than max: code is the family's parameter error.
func checkCount(n, max, code int, field, what string) *tErr {
	if n == 0 || n > max {
		return fail(code, fmt.Sprintf("invalid parameter: %s must hold 1..%d %s", field, max, what))
	}
	return nil
}

// startIndex is the StartIndex of a request that reads a page at a time.
type startIndex struct {
	StartIndex *int `json:"StartIndex"`
}

// pageOf checks a request's StartIndex (code is the family's parameter
// error) and returns the page of all, size items at most, that starts
// there, and what Tencent answers of what follows: CompleteFlag 1 when the
// page is the last, else 0 and the NextStartIndex.
func pageOf[T any](startIndex *int, all []T, size, code int) (page []T, complete, next int, e *tErr) {
	if startIndex == nil || *startIndex < 0 {
		return nil, 0, 0, fail(code, "invalid parameter: StartIndex is required and not negative")
	}
	start := min(*startIndex, len(all))
	end := min(start+size, len(all))
	if end < len(all) {
		return all[start:end], 0, end, nil
	}
	return all[start:end], 1, 0, nil
}
