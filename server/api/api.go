// Package api holds what the browser and the server both need to know about
// imdesk's JSON API: request and response types, Tencent's limits, and the
// validation that turns a bad edit into a clear, field-level message before
// anything is sent. It imports only the standard library, so the WebAssembly
// app can use it without pulling in server code.
package api

import (
	"fmt"
	"time"
)

// Limits of group custom attributes, in UTF-8 bytes as Tencent counts them.
const (
	MaxAttrKeyBytes   = 32
	MaxAttrValueBytes = 4000
	MaxAttrKeys       = 16
	MaxAttrTotalBytes = 16000
	MaxGroupIDBytes   = 48
	MaxUserIDBytes    = 32
)

// Roles of panel accounts.
const (
	RoleViewer    = "viewer"
	RoleModerator = "moderator"
	RoleAdmin     = "admin"
)

// Attr is one group custom attribute.
type Attr struct {
	Key   string `json:"key" api:"required"`
	Value string `json:"value" api:"required"`
}

// AttrPatch sets some keys and deletes others in one request.
type AttrPatch struct {
	Set    []Attr   `json:"set"`
	Delete []string `json:"delete"`
}

// AttrReplace replaces all of a group's attributes.
type AttrReplace struct {
	Attributes []Attr `json:"attributes" api:"required"`
}

// Attributes is a group's attribute set as the API returns it. Version
// changes whenever the set does; send it back in If-Match to be told when
// someone else changed the attributes in between.
type Attributes struct {
	GroupID    string `json:"groupId"`
	Attributes []Attr `json:"attributes"`
	Version    string `json:"version"`
}

// Session is the signed-in account.
type Session struct {
	Username string `json:"username"`
	Role     string `json:"role"`
	Scope    Scope  `json:"scope"`
	Expires  string `json:"expires"`
	// MustChangePassword: the account signed in with a first or reset
	// password and must set its own before anything else.
	MustChangePassword bool `json:"mustChangePassword,omitempty"`
}

// SignIn is the body of POST /api/v1/session.
type SignIn struct {
	Username string `json:"username" api:"required"`
	Password string `json:"password" api:"required"`
}

// Group is a chat group as the finder and the editor show it.
type Group struct {
	ID          string     `json:"id"`
	Type        string     `json:"type"`
	Name        string     `json:"name"`
	MemberCount int        `json:"memberCount"`
	Operations  Operations `json:"operations"`
	CanEdit     bool       `json:"canEdit"` // the caller may change this group
}

// Operations says which attribute operations the group's type supports.
type Operations struct {
	Read    bool `json:"read"`
	Modify  bool `json:"modify"`
	Replace bool `json:"replace"`
	Delete  bool `json:"delete"`
	Clear   bool `json:"clear"`
}

// OperationsFor returns what a group type supports: every type has
// attributes, and all but Community can be cleared (spec §1).
func OperationsFor(groupType string) Operations {
	return Operations{Read: true, Modify: true, Replace: true, Delete: true, Clear: groupType != "Community"}
}

// GroupPage is one page of the group finder.
type GroupPage struct {
	Groups     []Group `json:"groups"`
	NextCursor string  `json:"nextCursor,omitempty"`
	Total      int     `json:"total"`
	// ScopeLimited: the caller sees only the groups in its scope. It says
	// nothing about the query: groups outside the scope are never counted.
	ScopeLimited bool `json:"scopeLimited,omitempty"`
	// TotalAtLeast: there are more matches than Total; counting them all
	// would cost more than the search.
	TotalAtLeast bool             `json:"totalAtLeast,omitempty"`
	Index        GroupIndexStatus `json:"index"`
}

// GroupIndexStatus says how complete and how fresh the panel's index of the
// app's groups is: the finder searches the index, which the panel reads
// from Tencent in the background.
type GroupIndexStatus struct {
	Indexed   int       `json:"indexed"`            // groups with a name and type in the index
	Listed    int       `json:"listed"`             // groups in the index, described or not yet
	Total     int       `json:"total"`              // groups Tencent counted on the last page read
	Refreshed time.Time `json:"refreshed,omitzero"` // when the last full reading ended; zero: none yet
	Reading   bool      `json:"reading"`            // the list is being read now
	// CanRefresh: the caller may ask for a new reading; RefreshAfter, when
	// set, is the time from which it may (readings are rate-limited).
	CanRefresh   bool      `json:"canRefresh"`
	RefreshAfter time.Time `json:"refreshAfter,omitzero"`
}

// Error is the body of every API error: {"error": {...}}.
type Error struct {
	Code      string    `json:"code"`
	Message   string    `json:"message"`
	Field     string    `json:"field,omitempty"`
	Upstream  *Upstream `json:"upstream,omitempty"`
	RequestID string    `json:"requestId,omitempty"`
}

// Upstream is Tencent's code and info behind an error.
type Upstream struct {
	Code int    `json:"code"`
	Info string `json:"info"`
}

// Phrase is a sentence to be said in the reader's language: its key in the
// catalogues (server/i18n) and its arguments. The server's sentences are
// their own keys, gettext's way: the key is the English format, so English
// needs no lookup and the code reads as it speaks; the catalogues of other
// languages translate each. Args are plain values (numbers, IDs, names),
// never words that would need translating themselves — except a Localized
// text (an attribute key's label), which carries its own translations.
type Phrase struct {
	Key  string
	Args []any
}

// Say makes a phrase.
func Say(format string, args ...any) Phrase { return Phrase{Key: format, Args: args} }

// English is the phrase in English; arguments that are phrases are said
// too.
func (p Phrase) English() string {
	if len(p.Args) == 0 {
		return p.Key
	}
	args := make([]any, len(p.Args))
	for i, a := range p.Args {
		switch v := a.(type) {
		case Phrase:
			a = v.English()
		case Localized:
			a = v.In("en")
		}
		args[i] = a
	}
	return fmt.Sprintf(p.Key, args...)
}

// FieldError is a validation failure: which field, and a sentence a
// moderator understands.
type FieldError struct {
	Field string
	Say   Phrase
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Say.English() }

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Say: Say(format, args...)}
}

// At is the same failure reported at another field.
func (e *FieldError) At(field string) *FieldError { return &FieldError{Field: field, Say: e.Say} }

// Bytes is the size Tencent counts: UTF-8 bytes.
func Bytes(s string) int { return len(s) }

// CheckGroupID validates a group ID as Tencent accepts them: 1 to 48
// bytes, a name by CheckName's rules.
func CheckGroupID(id string) *FieldError {
	switch {
	case id == "":
		return fieldErr("groupId", "Enter a group ID.")
	case len(id) > MaxGroupIDBytes:
		return fieldErr("groupId", "The group ID is %d bytes; the limit is %d.", len(id), MaxGroupIDBytes)
	}
	return CheckName("groupId", Say("The group ID"), id)
}

// CheckUserID validates a user ID (Tencent's UserID) as Tencent accepts
// them: 1 to 32 bytes, a name by CheckName's rules.
func CheckUserID(id string) *FieldError {
	switch {
	case id == "":
		return fieldErr("userId", "Enter a user ID.")
	case len(id) > MaxUserIDBytes:
		return fieldErr("userId", "The user ID is %d bytes; the limit is %d.", len(id), MaxUserIDBytes)
	}
	return CheckName("userId", Say("The user ID"), id)
}

// CheckAttrKey validates one attribute key at field: the server's check
// of every request and the editor's of every row.
func CheckAttrKey(field, key string) *FieldError {
	switch {
	case key == "":
		return fieldErr(field, "Enter a key.")
	case len(key) > MaxAttrKeyBytes:
		return fieldErr(field, "Key %q is %d bytes; the limit is %d.", key, len(key), MaxAttrKeyBytes)
	}
	return CheckName(field, Say("The key"), key)
}

// CheckAttrValueText validates the characters of key's value at field
// (its length is checked beside it): the server's check and the editor's.
func CheckAttrValueText(field, key, value string) *FieldError {
	return CheckText(field, Say("The value of %q", key), value)
}

func checkAttrs(prefix string, attrs []Attr) *FieldError {
	seen := map[string]int{}
	for i, a := range attrs {
		if err := CheckAttrKey(fmt.Sprintf("%s[%d].key", prefix, i), a.Key); err != nil {
			return err
		}
		if j, dup := seen[a.Key]; dup {
			return fieldErr(fmt.Sprintf("%s[%d].key", prefix, i), "Key %q appears twice (rows %d and %d).", a.Key, j+1, i+1)
		}
		seen[a.Key] = i
		if err := CheckAttrValueText(fmt.Sprintf("%s[%d].value", prefix, i), a.Key, a.Value); err != nil {
			return err
		}
		if len(a.Value) > MaxAttrValueBytes {
			return fieldErr(fmt.Sprintf("%s[%d].value", prefix, i), "The value of %q is %d bytes; the limit is %d.", a.Key, len(a.Value), MaxAttrValueBytes)
		}
	}
	return nil
}

// CheckSet validates a resulting attribute set against the group limits.
func CheckSet(field string, set []Attr) *FieldError {
	if len(set) > MaxAttrKeys {
		return fieldErr(field, "A group can have at most %d attributes; this change would leave %d.", MaxAttrKeys, len(set))
	}
	if total := AttrBytes(set); total > MaxAttrTotalBytes {
		return fieldErr(field, "All keys and values together may be at most %d bytes; this change would make %d.", MaxAttrTotalBytes, total)
	}
	return nil
}

// AttrBytes is what a set weighs against MaxAttrTotalBytes: its keys and
// values together, in UTF-8 bytes. Tencent's REST pages count values only
// (10048 past 16,000 bytes), its client SDK pages keys and values
// together (16 KB); 16,000 bytes of keys and values is within both, so a
// set the panel saves is one every client of the app can save too.
func AttrBytes(set []Attr) int {
	total := 0
	for _, a := range set {
		total += len(a.Key) + len(a.Value)
	}
	return total
}

// Validate checks a patch on its own; Apply checks it against the current set.
func (p AttrPatch) Validate() *FieldError {
	if len(p.Set) == 0 && len(p.Delete) == 0 {
		return fieldErr("set", "There is nothing to change.")
	}
	if err := checkAttrs("set", p.Set); err != nil {
		return err
	}
	setKeys := map[string]bool{}
	for _, a := range p.Set {
		setKeys[a.Key] = true
	}
	seen := map[string]bool{}
	for i, k := range p.Delete {
		field := fmt.Sprintf("delete[%d]", i)
		if err := CheckAttrKey(field, k); err != nil {
			return err
		}
		if seen[k] {
			return fieldErr(field, "Key %q is listed twice for removal.", k)
		}
		if setKeys[k] {
			return fieldErr(field, "Key %q cannot be both changed and removed.", k)
		}
		seen[k] = true
	}
	return nil
}

// Apply returns the set that results from applying the patch to current, or
// the first problem with it: a key to remove that does not exist, or a
// group limit the result would break.
func (p AttrPatch) Apply(current []Attr) ([]Attr, *FieldError) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	index := map[string]int{}
	next := make([]Attr, len(current))
	copy(next, current)
	for i, a := range next {
		index[a.Key] = i
	}
	for i, k := range p.Delete {
		if _, ok := index[k]; !ok {
			return nil, fieldErr(fmt.Sprintf("delete[%d]", i), "There is no attribute %q to remove; it may have been removed already.", k)
		}
	}
	for _, a := range p.Set {
		if i, ok := index[a.Key]; ok {
			next[i].Value = a.Value
		} else {
			index[a.Key] = len(next)
			next = append(next, a)
		}
	}
	drop := map[string]bool{}
	for _, k := range p.Delete {
		drop[k] = true
	}
	out := next[:0:0]
	for _, a := range next {
		if !drop[a.Key] {
			out = append(out, a)
		}
	}
	return out, CheckSet("set", out)
}

// Validate checks a replacement set.
func (r AttrReplace) Validate() *FieldError {
	if len(r.Attributes) == 0 {
		return fieldErr("attributes", "Give at least one attribute; to remove them all, use Clear all.")
	}
	if err := checkAttrs("attributes", r.Attributes); err != nil {
		return err
	}
	return CheckSet("attributes", r.Attributes)
}
