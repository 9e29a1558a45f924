package api

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The registry of attribute keys (docs/keys.md): what each key of a
// group's custom attributes means, what its values may be, who owns it.
// Admins describe keys; the editor, the attribute family's changes and
// bulk changes check a value with the one function here, CheckValue, so
// that the API refuses what the form refuses, with the same sentence.
// A key nobody described keeps the plain rules (bytes and characters).

// Types of a described key's values.
const (
	KeyTypeText     = "text"     // any text, optionally at most MaxBytes and matching Pattern
	KeyTypeNumber   = "number"   // decimal digits, "-" and at most one ".": 42, -5, 2.5
	KeyTypeBoolean  = "boolean"  // "true" or "false" (yes/no)
	KeyTypeChoice   = "choice"   // one of Choices' values
	KeyTypeDateTime = "datetime" // RFC 3339: 2026-12-01T22:34:05+08:00
	KeyTypeURL      = "url"      // an absolute http or https address
	KeyTypeJSON     = "json"     // a JSON value, optionally valid against Schema
)

// KeyTypes lists the types, in the order the form offers them.
var KeyTypes = []string{KeyTypeText, KeyTypeNumber, KeyTypeBoolean, KeyTypeChoice, KeyTypeDateTime, KeyTypeURL, KeyTypeJSON}

// KeyLanguages are the languages a key's labels and descriptions may be
// given in: the panel's own, English first (the one the others fall back
// to, and the one every key must have).
var KeyLanguages = []string{"en", "zh-Hans", "ja", "ko"}

// KeyGroupTypes are the group types a key may be required in: Tencent's,
// by their current and their former names (Work is Private, Meeting is
// ChatRoom).
var KeyGroupTypes = []string{"Public", "Private", "Work", "ChatRoom", "Meeting", "AVChatRoom", "Community"}

// Limits of a key's description.
const (
	MaxKeyLabelBytes       = 64
	MaxKeyDescriptionBytes = 300
	MaxKeyOwnerBytes       = 200
	MaxRegistryKeys        = 1000
)

// Localized is a text in several of the panel's languages, by language
// tag. In a Phrase's arguments it is said in the reader's language.
type Localized map[string]string

// In is the text in lang, else in English.
func (l Localized) In(lang string) string {
	if s, ok := l[lang]; ok && s != "" {
		return s
	}
	return l["en"]
}

// KeySpec describes one attribute key. Which of the per-type fields may
// be given depends on Type: MaxBytes and Pattern for text; Integer, Min
// and Max for a number; Choices for a choice; Schema for JSON.
type KeySpec struct {
	Key          string    `json:"key" api:"required"`
	Labels       Localized `json:"labels" api:"required"`
	Descriptions Localized `json:"descriptions,omitempty"`
	Type         string    `json:"type" api:"required"`

	MaxBytes int    `json:"maxBytes,omitempty"` // text: at most this many UTF-8 bytes (0: Tencent's 4000)
	Pattern  string `json:"pattern,omitempty"`  // text: the whole value matches this RE2 expression

	Integer bool `json:"integer,omitempty"` // number: whole numbers only
	// Min and Max bound a number, as decimal text ("0", "-2.5"): Tencent
	// keeps values as text, and text keeps every digit a float would round.
	Min string `json:"min,omitempty"`
	Max string `json:"max,omitempty"`

	Choices []KeyChoice     `json:"choices,omitempty"` // choice: the values allowed
	Schema  json.RawMessage `json:"schema,omitempty"`  // json: a JSON Schema (2020-12 unless it says) the value must satisfy

	// RequiredIn lists the group types in which the key may not be
	// removed from a group that has it.
	RequiredIn []string `json:"requiredIn,omitempty"`
	// Default is the value a form proposes for a new group; nil: none.
	Default    *string         `json:"default,omitempty"`
	Owner      *KeyOwner       `json:"owner,omitempty"`
	Deprecated *KeyDeprecation `json:"deprecated,omitempty"`
}

// KeyChoice is one value of a choice, with its label in each language.
type KeyChoice struct {
	Value  string    `json:"value" api:"required"`
	Labels Localized `json:"labels" api:"required"`
}

// KeyOwner is the team that answers for a key.
type KeyOwner struct {
	Team    string `json:"team" api:"required"`
	Contact string `json:"contact,omitempty"` // an address, a chat channel: free text
}

// KeyDeprecation says a key should no longer be used. Values of a
// deprecated key are still accepted.
type KeyDeprecation struct {
	ReplacedBy string `json:"replacedBy,omitempty"` // the key to use instead
	Note       string `json:"note,omitempty"`
}

// KeyEntry is a described key as the registry answers it: the spec and
// who last put it, when.
type KeyEntry struct {
	KeySpec
	Updated   time.Time `json:"updated"`
	UpdatedBy string    `json:"updatedBy"`
}

// KeyList answers GET /api/v1/attribute-keys: every described key, by key.
type KeyList struct {
	Keys []KeyEntry `json:"keys"`
}

// KeyRegistry is the whole registry as a file holds it (export, import):
// every described key, by key.
type KeyRegistry struct {
	Keys []KeySpec `json:"keys" api:"required"`
}

// MaxBody lets an import be larger than an ordinary request: a thousand
// keys with four languages and schemas.
func (KeyRegistry) MaxBody() int64 { return 4 << 20 }

// KeyImported answers an import: how many keys it added, changed, removed
// and left as they were.
type KeyImported struct {
	Added     int `json:"added"`
	Changed   int `json:"changed"`
	Removed   int `json:"removed"`
	Unchanged int `json:"unchanged"`
}

// Audit actions of the registry.
const (
	ActionKeysPut    = "keys.put"
	ActionKeysDelete = "keys.delete"
	ActionKeysImport = "keys.import"
)

// KeysActions are the registry's actions, in the order the audit page offers them.
var KeysActions = []string{ActionKeysPut, ActionKeysDelete, ActionKeysImport}

// JSONSchemas checks values against JSON Schemas. The server gives one
// (a JSON Schema library, which the browser's app.wasm need not carry);
// without one, a JSON value is only checked to be JSON and a schema only
// to be a JSON object or boolean.
type JSONSchemas interface {
	// Compile says why schema is not a JSON Schema, or nil.
	Compile(schema json.RawMessage) *Phrase
	// Check says where in value (a JSON Pointer, "" for the whole value)
	// it breaks schema; ok when it does not.
	Check(schema json.RawMessage, value string) (where string, ok bool)
}

// Described returns the specs of keys as a map, for CheckValue's callers.
func Described(specs []KeySpec) map[string]*KeySpec {
	out := make(map[string]*KeySpec, len(specs))
	for i := range specs {
		out[specs[i].Key] = &specs[i]
	}
	return out
}

// MaxIndexedKeys bounds how many described keys the finder's index keeps
// the values of (the first by key, of those Indexed).
const MaxIndexedKeys = MaxAttrKeys

// Indexed reports whether the finder's index keeps the key's values, so
// that groups can be found by one: keys of a small set of values, yes/no
// and one of a list. Text and numbers are not.
func (k *KeySpec) Indexed() bool { return k.Type == KeyTypeBoolean || k.Type == KeyTypeChoice }

// IndexedKeys are the keys of specs (as Described gives them) whose values
// the finder's index keeps, in key order, at most MaxIndexedKeys.
func IndexedKeys(specs map[string]*KeySpec) []string {
	var out []string
	for key, spec := range specs {
		if spec.Indexed() {
			out = append(out, key)
		}
	}
	slices.Sort(out)
	return out[:min(len(out), MaxIndexedKeys)]
}

// RequiredInType reports whether the key may not be removed from a group of
// groupType.
func (k *KeySpec) RequiredInType(groupType string) bool {
	for _, t := range k.RequiredIn {
		if sameGroupType(t, groupType) {
			return true
		}
	}
	return false
}

func sameGroupType(a, b string) bool {
	canon := func(t string) string {
		switch t {
		case "Work":
			return "Private"
		case "Meeting":
			return "ChatRoom"
		}
		return t
	}
	return canon(a) == canon(b)
}

// CheckRemove refuses removing the key from a group of groupType that
// requires it, at field.
func (k *KeySpec) CheckRemove(field, groupType string) *FieldError {
	if !k.RequiredInType(groupType) {
		return nil
	}
	return fieldErr(field, "%s (%q) is required in %s groups; it cannot be removed. Change its value instead.", k.Labels, k.Key, groupType)
}

// CheckValue refuses a value the spec does not allow, at field, with a
// sentence naming the key by its label in the reader's language. The
// plain rules of every value (CheckText, Tencent's 4,000 bytes) are
// checked first. A deprecated key's values are checked the same way:
// deprecation is advice, not a refusal.
func CheckValue(k *KeySpec, field, value string, schemas JSONSchemas) *FieldError {
	name := k.Labels
	if fe := CheckText(field, Say("The value of %q", k.Key), value); fe != nil {
		return fe
	}
	if len(value) > MaxAttrValueBytes {
		return fieldErr(field, "The value of %q is %d bytes; the limit is %d.", k.Key, len(value), MaxAttrValueBytes)
	}
	switch k.Type {
	case KeyTypeText:
		if k.MaxBytes > 0 && len(value) > k.MaxBytes {
			return fieldErr(field, "%s is at most %d bytes; this value is %d (a Chinese, Japanese or Korean character is 3).", name, k.MaxBytes, len(value))
		}
		if k.Pattern != "" {
			re, err := regexp.Compile(`^(?:` + k.Pattern + `)$`)
			if err != nil || !re.MatchString(value) {
				return fieldErr(field, "%s does not have the form this key asks for.", name)
			}
		}
	case KeyTypeNumber:
		return k.checkNumber(field, value)
	case KeyTypeBoolean:
		if value != "true" && value != "false" {
			return fieldErr(field, "%s must be true or false.", name)
		}
	case KeyTypeChoice:
		for _, c := range k.Choices {
			if c.Value == value {
				return nil
			}
		}
		values := make([]string, len(k.Choices))
		for i, c := range k.Choices {
			values[i] = fmt.Sprintf("%q", c.Value)
		}
		return fieldErr(field, "%s must be one of %s.", name, strings.Join(values, ", "))
	case KeyTypeDateTime:
		if _, err := time.Parse(time.RFC3339, value); err != nil {
			return fieldErr(field, "%s must be a date and time such as 2026-12-01T22:34:05+08:00.", name)
		}
	case KeyTypeURL:
		if !webAddress(value) {
			return fieldErr(field, "%s must be a web address starting with http:// or https://.", name)
		}
	case KeyTypeJSON:
		if !json.Valid([]byte(value)) {
			return fieldErr(field, "%s must be JSON.", name)
		}
		if len(k.Schema) > 0 && schemas != nil {
			if where, ok := schemas.Check(k.Schema, value); !ok {
				if where == "" {
					return fieldErr(field, "%s does not match the key's JSON Schema.", name)
				}
				return fieldErr(field, "%s does not match the key's JSON Schema at %s.", name, where)
			}
		}
	}
	return nil
}

func webAddress(s string) bool {
	if strings.ContainsAny(s, " \t") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Opaque == ""
}

func (k *KeySpec) checkNumber(field, value string) *FieldError {
	name := k.Labels
	ok := isDecimal(value) && (!k.Integer || !strings.Contains(value, "."))
	if ok && k.Min != "" && compareDecimal(value, k.Min) < 0 {
		ok = false
	}
	if ok && k.Max != "" && compareDecimal(value, k.Max) > 0 {
		ok = false
	}
	if ok {
		return nil
	}
	switch {
	case k.Integer && k.Min != "" && k.Max != "":
		return fieldErr(field, "%s must be a whole number from %s to %s.", name, k.Min, k.Max)
	case k.Integer && k.Min != "":
		return fieldErr(field, "%s must be a whole number of at least %s.", name, k.Min)
	case k.Integer && k.Max != "":
		return fieldErr(field, "%s must be a whole number of at most %s.", name, k.Max)
	case k.Integer:
		return fieldErr(field, "%s must be a whole number.", name)
	case k.Min != "" && k.Max != "":
		return fieldErr(field, "%s must be a number from %s to %s.", name, k.Min, k.Max)
	case k.Min != "":
		return fieldErr(field, "%s must be a number of at least %s.", name, k.Min)
	case k.Max != "":
		return fieldErr(field, "%s must be a number of at most %s.", name, k.Max)
	}
	return fieldErr(field, "%s must be a number written in digits, such as 42, -5 or 2.5.", name)
}

// isDecimal reports a number as a key's values write it: an optional
// "-", digits without a leading zero, an optional "." and digits. No
// "+", no exponent, no spaces: one number, one spelling.
func isDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	whole, frac, dot := strings.Cut(s, ".")
	digits := func(d string) bool {
		return d != "" && strings.Trim(d, "0123456789") == ""
	}
	if !digits(whole) || (len(whole) > 1 && whole[0] == '0') {
		return false
	}
	return !dot || digits(frac)
}

// compareDecimal compares two decimals isDecimal accepts, exactly: -1,
// 0 or 1.
func compareDecimal(a, b string) int {
	negA, negB := strings.HasPrefix(a, "-"), strings.HasPrefix(b, "-")
	a, b = strings.TrimPrefix(a, "-"), strings.TrimPrefix(b, "-")
	wa, fa, _ := strings.Cut(a, ".")
	wb, fb, _ := strings.Cut(b, ".")
	fa, fb = strings.TrimRight(fa, "0"), strings.TrimRight(fb, "0")
	if wa == "0" && fa == "" {
		negA = false
	}
	if wb == "0" && fb == "" {
		negB = false
	}
	if negA != negB {
		if negA {
			return -1
		}
		return 1
	}
	// Magnitudes: longer whole part is larger; then digit by digit.
	c := 0
	switch {
	case len(wa) != len(wb):
		c = cmpInt(len(wa), len(wb))
	case wa != wb:
		c = strings.Compare(wa, wb)
	default:
		n := max(len(fa), len(fb))
		c = strings.Compare(fa+strings.Repeat("0", n-len(fa)), fb+strings.Repeat("0", n-len(fb)))
	}
	if negA {
		return -c
	}
	return c
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Validate checks a spec on its own, naming the field at fault: the key
// by the rules of attribute keys, a label in English, the languages, the
// fields its type takes and no others, a pattern that compiles, min not
// above max, choices, group types, and a default its own CheckValue
// accepts. schemas, when given, compiles a JSON Schema.
func (k *KeySpec) Validate(schemas JSONSchemas) *FieldError {
	if fe := CheckAttrKey("key", k.Key); fe != nil {
		return fe
	}
	if fe := checkLocalized("labels", k.Labels, MaxKeyLabelBytes, true); fe != nil {
		return fe
	}
	if fe := checkLocalized("descriptions", k.Descriptions, MaxKeyDescriptionBytes, false); fe != nil {
		return fe
	}
	if !slices.Contains(KeyTypes, k.Type) {
		return fieldErr("type", "The type must be one of %s.", strings.Join(KeyTypes, ", "))
	}
	// Fields of other types are refused, so that a spec says what it does.
	only := func(field, typ string, given bool) *FieldError {
		if given && k.Type != typ {
			return fieldErr(field, "%s applies only to keys of type %s.", field, typ)
		}
		return nil
	}
	for _, f := range []struct {
		field, typ string
		given      bool
	}{
		{"maxBytes", KeyTypeText, k.MaxBytes != 0}, {"pattern", KeyTypeText, k.Pattern != ""},
		{"integer", KeyTypeNumber, k.Integer}, {"min", KeyTypeNumber, k.Min != ""}, {"max", KeyTypeNumber, k.Max != ""},
		{"choices", KeyTypeChoice, k.Choices != nil}, {"schema", KeyTypeJSON, len(k.Schema) > 0},
	} {
		if fe := only(f.field, f.typ, f.given); fe != nil {
			return fe
		}
	}
	switch k.Type {
	case KeyTypeText:
		if k.MaxBytes < 0 || k.MaxBytes > MaxAttrValueBytes {
			return fieldErr("maxBytes", "The most bytes a value may have is from 1 to %d.", MaxAttrValueBytes)
		}
		if k.Pattern != "" {
			if _, err := regexp.Compile(`^(?:` + k.Pattern + `)$`); err != nil {
				return fieldErr("pattern", "The pattern is not a regular expression in RE2 syntax.")
			}
		}
	case KeyTypeNumber:
		for _, b := range []struct{ field, v string }{{"min", k.Min}, {"max", k.Max}} {
			if b.v == "" {
				continue
			}
			if !isDecimal(b.v) {
				return fieldErr(b.field, "%s must be a number written in digits, such as 42, -5 or 2.5.", b.field)
			}
			if k.Integer && strings.Contains(b.v, ".") {
				return fieldErr(b.field, "%s must be a whole number: the key takes whole numbers.", b.field)
			}
		}
		if k.Min != "" && k.Max != "" && compareDecimal(k.Min, k.Max) > 0 {
			return fieldErr("max", "The largest value (%s) is below the smallest (%s).", k.Max, k.Min)
		}
	case KeyTypeChoice:
		if len(k.Choices) == 0 {
			return fieldErr("choices", "Give at least one value to choose from.")
		}
		seen := map[string]int{}
		for i, c := range k.Choices {
			field := fmt.Sprintf("choices[%d].value", i)
			if c.Value == "" {
				return fieldErr(field, "Enter the value.")
			}
			if fe := CheckText(field, Say("The value"), c.Value); fe != nil {
				return fe
			}
			if len(c.Value) > MaxAttrValueBytes {
				return fieldErr(field, "The value of %q is %d bytes; the limit is %d.", k.Key, len(c.Value), MaxAttrValueBytes)
			}
			if j, dup := seen[c.Value]; dup {
				return fieldErr(field, "The value %q appears twice (choices %d and %d).", c.Value, j+1, i+1)
			}
			seen[c.Value] = i
			if fe := checkLocalized(fmt.Sprintf("choices[%d].labels", i), c.Labels, MaxKeyLabelBytes, true); fe != nil {
				return fe
			}
		}
	case KeyTypeJSON:
		if len(k.Schema) > 0 {
			if schemas != nil {
				if why := schemas.Compile(k.Schema); why != nil {
					return &FieldError{Field: "schema", Say: *why}
				}
			} else if t := strings.TrimSpace(string(k.Schema)); !json.Valid(k.Schema) || (t[0] != '{' && t != "true" && t != "false") {
				return fieldErr("schema", "The schema is not a JSON Schema: it must be a JSON object.")
			}
		}
	}
	seen := map[string]bool{}
	for i, t := range k.RequiredIn {
		field := fmt.Sprintf("requiredIn[%d]", i)
		if !slices.Contains(KeyGroupTypes, t) {
			return fieldErr(field, "%q is not a group type; the types are %s.", t, strings.Join(KeyGroupTypes, ", "))
		}
		if seen[t] {
			return fieldErr(field, "The group type %q is listed twice.", t)
		}
		seen[t] = true
	}
	if k.Default != nil {
		if fe := CheckValue(k, "default", *k.Default, schemas); fe != nil {
			return fe
		}
	}
	if o := k.Owner; o != nil {
		if o.Team == "" {
			return fieldErr("owner.team", "Name the team that owns the key.")
		}
		if fe := CheckName("owner.team", Say("The team's name"), o.Team); fe != nil {
			return fe
		}
		if fe := CheckText("owner.contact", Say("The contact"), o.Contact); fe != nil {
			return fe
		}
		if len(o.Team) > MaxKeyLabelBytes || len(o.Contact) > MaxKeyOwnerBytes {
			return fieldErr("owner", "The team's name is at most %d bytes, the contact at most %d.", MaxKeyLabelBytes, MaxKeyOwnerBytes)
		}
	}
	if d := k.Deprecated; d != nil {
		if d.ReplacedBy != "" {
			if fe := CheckAttrKey("deprecated.replacedBy", d.ReplacedBy); fe != nil {
				return fe
			}
			if d.ReplacedBy == k.Key {
				return fieldErr("deprecated.replacedBy", "A key cannot be replaced by itself.")
			}
		}
		if fe := CheckText("deprecated.note", Say("The note"), d.Note); fe != nil {
			return fe
		}
		if len(d.Note) > MaxKeyDescriptionBytes {
			return fieldErr("deprecated.note", "The note is %d bytes; the limit is %d.", len(d.Note), MaxKeyDescriptionBytes)
		}
	}
	return nil
}

// checkLocalized checks texts by language: only the panel's languages,
// English when required, each a one-line name of at most limit bytes.
func checkLocalized(field string, l Localized, limit int, needEnglish bool) *FieldError {
	for _, lang := range slices.Sorted(maps.Keys(l)) {
		f := field + "." + lang
		if !slices.Contains(KeyLanguages, lang) {
			return fieldErr(f, "%q is not one of the panel's languages (%s).", lang, strings.Join(KeyLanguages, ", "))
		}
		text := l[lang]
		if text == "" {
			return fieldErr(f, "Enter the text, or leave the language out.")
		}
		if fe := CheckName(f, Say("The text"), text); fe != nil {
			return fe
		}
		if len(text) > limit {
			return fieldErr(f, "The text is %d bytes; the limit is %d.", len(text), limit)
		}
	}
	if needEnglish && l["en"] == "" {
		return fieldErr(field+".en", "Give a label in English: every other language falls back to it.")
	}
	return nil
}

// Validate checks a whole registry: each spec, and no key twice.
func (reg *KeyRegistry) Validate(schemas JSONSchemas) *FieldError {
	if len(reg.Keys) > MaxRegistryKeys {
		return fieldErr("keys", "The registry may describe at most %d keys; this one has %d.", MaxRegistryKeys, len(reg.Keys))
	}
	seen := map[string]int{}
	for i := range reg.Keys {
		k := &reg.Keys[i]
		if fe := k.Validate(schemas); fe != nil {
			return fe.At(fmt.Sprintf("keys[%d].%s", i, fe.Field))
		}
		if j, dup := seen[k.Key]; dup {
			return fieldErr(fmt.Sprintf("keys[%d].key", i), "Key %q appears twice (keys %d and %d).", k.Key, j+1, i+1)
		}
		seen[k.Key] = i
	}
	return nil
}
