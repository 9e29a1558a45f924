package api

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func ptr(s string) *string { return &s }

// Every type's values, good and bad, through the one CheckValue, with the
// key's label in the sentence.
func TestCheckValue(t *testing.T) {
	label := Localized{"en": "Slow mode", "zh-Hans": "慢速模式"}
	cases := []struct {
		name   string
		spec   KeySpec
		good   []string
		bad    []string
		saying string // the English sentence of the first bad value
	}{
		{"text with a byte limit (UTF-8)", KeySpec{Type: KeyTypeText, MaxBytes: 6},
			[]string{"", "abcdef", "冬天"}, []string{"abcdefg", "冬天好", "冬a天a"},
			"Slow mode is at most 6 bytes; this value is 7 (a Chinese, Japanese or Korean character is 3)."},
		{"text with a pattern (whole value)", KeySpec{Type: KeyTypeText, Pattern: `[a-z]{2}`},
			[]string{"jp", "cn"}, []string{"jpn", "JP", "", "xjp"}, "Slow mode does not have the form this key asks for."},
		{"whole number from 0 to 600", KeySpec{Type: KeyTypeNumber, Integer: true, Min: "0", Max: "600"},
			[]string{"0", "30", "600", "-0"}, []string{"601", "-1", "2.5", "030", "+5", "1e2", " 5", "", "abc"},
			"Slow mode must be a whole number from 0 to 600."},
		{"whole number, no bounds", KeySpec{Type: KeyTypeNumber, Integer: true},
			[]string{"-99999999999999999999999", "12"}, []string{"1.0"}, "Slow mode must be a whole number."},
		{"whole number of at least", KeySpec{Type: KeyTypeNumber, Integer: true, Min: "1"},
			[]string{"1", "100000000000000000000"}, []string{"0"}, "Slow mode must be a whole number of at least 1."},
		{"decimal, precise beyond float64", KeySpec{Type: KeyTypeNumber, Min: "0.1", Max: "9007199254740993"},
			[]string{"0.1", "0.10", "9007199254740993", "9007199254740992.9999"}, []string{"0.09999999999999999999", "9007199254740993.0000001", "-1"},
			"Slow mode must be a number from 0.1 to 9007199254740993."},
		{"decimal at most", KeySpec{Type: KeyTypeNumber, Max: "-2.5"},
			[]string{"-2.5", "-3", "-10.75"}, []string{"-2.4", "0", "2.5."}, "Slow mode must be a number of at most -2.5."},
		{"decimal without bounds", KeySpec{Type: KeyTypeNumber},
			[]string{"0", "-0.5", "42"}, []string{".5", "5.", "--1", "0x10"}, "Slow mode must be a number written in digits, such as 42, -5 or 2.5."},
		{"yes/no", KeySpec{Type: KeyTypeBoolean},
			[]string{"true", "false"}, []string{"True", "yes", "1", ""}, "Slow mode must be true or false."},
		{"one of a list", KeySpec{Type: KeyTypeChoice, Choices: []KeyChoice{{Value: "jp", Labels: Localized{"en": "Japan"}}, {Value: "kr", Labels: Localized{"en": "Korea"}}}},
			[]string{"jp", "kr"}, []string{"JP", "cn", ""}, `Slow mode must be one of "jp", "kr".`},
		{"date and time", KeySpec{Type: KeyTypeDateTime},
			[]string{"2026-12-01T22:34:05+08:00", "2026-12-01T14:34:05Z", "2026-12-01T14:34:05.5Z"},
			[]string{"2026-12-01 22:34:05", "2026-12-01", "tomorrow"}, "Slow mode must be a date and time such as 2026-12-01T22:34:05+08:00."},
		{"web address", KeySpec{Type: KeyTypeURL},
			[]string{"https://example.com/a?b=c", "http://例え.jp/"}, []string{"ftp://example.com", "example.com", "/path", "https://", "https://a b.com", "javascript:alert(1)"},
			"Slow mode must be a web address starting with http:// or https://."},
		{"JSON", KeySpec{Type: KeyTypeJSON},
			[]string{`{"a":1}`, `[1,2]`, `"x"`, `3`}, []string{`{a:1}`, ``, `{"a":1`}, "Slow mode must be JSON."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spec := c.spec
			spec.Key, spec.Labels = "slowmode", label
			if fe := spec.Validate(nil); fe != nil {
				t.Fatalf("the spec itself: %v", fe)
			}
			for _, v := range c.good {
				if fe := CheckValue(&spec, "set[0].value", v, nil); fe != nil {
					t.Errorf("%q refused: %v", v, fe)
				}
			}
			for i, v := range c.bad {
				fe := CheckValue(&spec, "set[2].value", v, nil)
				if fe == nil {
					t.Errorf("%q accepted", v)
					continue
				}
				if fe.Field != "set[2].value" {
					t.Errorf("%q refused at %s", v, fe.Field)
				}
				if i == 0 && fe.Say.English() != c.saying {
					t.Errorf("%q: %q, want %q", v, fe.Say.English(), c.saying)
				}
			}
		})
	}
	// The plain rules come first, for every type.
	spec := KeySpec{Key: "k", Labels: label, Type: KeyTypeText}
	if fe := CheckValue(&spec, "v", "a\nb", nil); fe == nil || !strings.Contains(fe.Say.English(), "control character") {
		t.Errorf("a line break: %v", fe)
	}
	if fe := CheckValue(&spec, "v", strings.Repeat("a", MaxAttrValueBytes+1), nil); fe == nil {
		t.Error("4,001 bytes accepted")
	}
}

// A schema checker is asked only for JSON keys with a schema; its place
// goes into the sentence.
type fakeSchemas struct{ where string }

func (f fakeSchemas) Compile(json.RawMessage) *Phrase { return nil }
func (f fakeSchemas) Check(_ json.RawMessage, v string) (string, bool) {
	return f.where, v == `{"ok":true}`
}

func TestCheckValueAsksTheSchema(t *testing.T) {
	spec := KeySpec{Key: "cfg", Labels: Localized{"en": "Config"}, Type: KeyTypeJSON, Schema: json.RawMessage(`{"type":"object"}`)}
	if fe := CheckValue(&spec, "f", `{"ok":true}`, fakeSchemas{}); fe != nil {
		t.Fatal(fe)
	}
	if fe := CheckValue(&spec, "f", `{"ok":false}`, fakeSchemas{"/ok"}); fe == nil || fe.Say.English() != "Config does not match the key's JSON Schema at /ok." {
		t.Fatalf("%v", fe)
	}
	if fe := CheckValue(&spec, "f", `{"ok":false}`, fakeSchemas{}); fe == nil || fe.Say.English() != "Config does not match the key's JSON Schema." {
		t.Fatalf("%v", fe)
	}
}

// Validate names the field at fault.
func TestKeySpecValidate(t *testing.T) {
	base := func() KeySpec {
		return KeySpec{Key: "slowmode", Labels: Localized{"en": "Slow mode"}, Type: KeyTypeNumber, Integer: true, Min: "0", Max: "600"}
	}
	cases := []struct {
		name  string
		edit  func(*KeySpec)
		field string
	}{
		{"fine", func(*KeySpec) {}, ""},
		{"no key", func(k *KeySpec) { k.Key = "" }, "key"},
		{"key too long", func(k *KeySpec) { k.Key = strings.Repeat("k", 33) }, "key"},
		{"key with a space at its end", func(k *KeySpec) { k.Key = "slow " }, "key"},
		{"no English label", func(k *KeySpec) { k.Labels = Localized{"ja": "スロー"} }, "labels.en"},
		{"a language the panel lacks", func(k *KeySpec) { k.Labels["fr"] = "Lent" }, "labels.fr"},
		{"a description on two lines", func(k *KeySpec) { k.Descriptions = Localized{"en": "a\nb"} }, "descriptions.en"},
		{"unknown type", func(k *KeySpec) { k.Type = "float" }, "type"},
		{"a pattern on a number", func(k *KeySpec) { k.Pattern = "x" }, "pattern"},
		{"min not a number", func(k *KeySpec) { k.Min = "zero" }, "min"},
		{"min not whole", func(k *KeySpec) { k.Min = "0.5" }, "min"},
		{"min above max", func(k *KeySpec) { k.Min = "601" }, "max"},
		{"a default out of range", func(k *KeySpec) { k.Default = ptr("700") }, "default"},
		{"a default in range", func(k *KeySpec) { k.Default = ptr("30") }, ""},
		{"unknown group type", func(k *KeySpec) { k.RequiredIn = []string{"Community", "Club"} }, "requiredIn[1]"},
		{"owner without a team", func(k *KeySpec) { k.Owner = &KeyOwner{Contact: "x@example.com"} }, "owner.team"},
		{"replaced by itself", func(k *KeySpec) { k.Deprecated = &KeyDeprecation{ReplacedBy: "slowmode"} }, "deprecated.replacedBy"},
		{"a bad pattern", func(k *KeySpec) {
			*k = KeySpec{Key: "k", Labels: Localized{"en": "K"}, Type: KeyTypeText, Pattern: "("}
		}, "pattern"},
		{"too many bytes", func(k *KeySpec) {
			*k = KeySpec{Key: "k", Labels: Localized{"en": "K"}, Type: KeyTypeText, MaxBytes: 4001}
		}, "maxBytes"},
		{"a choice without choices", func(k *KeySpec) {
			*k = KeySpec{Key: "k", Labels: Localized{"en": "K"}, Type: KeyTypeChoice, Choices: []KeyChoice{}}
		}, "choices"},
		{"a choice twice", func(k *KeySpec) {
			*k = KeySpec{Key: "k", Labels: Localized{"en": "K"}, Type: KeyTypeChoice,
				Choices: []KeyChoice{{Value: "a", Labels: Localized{"en": "A"}}, {Value: "a", Labels: Localized{"en": "A"}}}}
		}, "choices[1].value"},
		{"a choice without an English label", func(k *KeySpec) {
			*k = KeySpec{Key: "k", Labels: Localized{"en": "K"}, Type: KeyTypeChoice, Choices: []KeyChoice{{Value: "a", Labels: Localized{"ko": "가"}}}}
		}, "choices[0].labels.en"},
		{"a schema that is not an object", func(k *KeySpec) {
			*k = KeySpec{Key: "k", Labels: Localized{"en": "K"}, Type: KeyTypeJSON, Schema: json.RawMessage(`[1]`)}
		}, "schema"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := base()
			c.edit(&k)
			fe := k.Validate(nil)
			switch {
			case c.field == "" && fe != nil:
				t.Fatalf("refused: %v", fe)
			case c.field != "" && (fe == nil || fe.Field != c.field):
				t.Fatalf("got %v, want a refusal at %s", fe, c.field)
			}
		})
	}
	reg := KeyRegistry{Keys: []KeySpec{base(), base()}}
	if fe := reg.Validate(nil); fe == nil || fe.Field != "keys[1].key" {
		t.Fatalf("a key twice: %v", fe)
	}
	reg.Keys[1].Min = "x"
	if fe := reg.Validate(nil); fe == nil || fe.Field != "keys[1].min" {
		t.Fatalf("a registry names the key's field: %v", fe)
	}
}

func TestCompareDecimal(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"0", "-0", 0}, {"1.50", "1.5", 0}, {"-1", "1", -1}, {"10", "9", 1}, {"-10", "-9", -1}, {"0.001", "0.01", -1}, {"123456789012345678901", "123456789012345678900", 1}} {
		if got := compareDecimal(c.a, c.b); got != c.want {
			t.Errorf("compare(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// A required key cannot be removed from a group of a type that requires
// it (Work is Private).
func TestCheckRemove(t *testing.T) {
	k := KeySpec{Key: "region", Labels: Localized{"en": "Region", "ja": "地域"}, Type: KeyTypeText, RequiredIn: []string{"Community", "Private"}}
	if fe := k.CheckRemove("delete[0]", "Public"); fe != nil {
		t.Fatal(fe)
	}
	for _, typ := range []string{"Community", "Work"} {
		if fe := k.CheckRemove("delete[0]", typ); fe == nil || fe.Field != "delete[0]" || !strings.HasPrefix(fe.Say.English(), `Region ("region") is required in `+typ+" groups") {
			t.Fatalf("%s: %v", typ, fe)
		}
	}
}

func TestLocalizedFallsBackToEnglish(t *testing.T) {
	l := Localized{"en": "Slow mode", "ja": "スローモード"}
	if l.In("ja") != "スローモード" || l.In("ko") != "Slow mode" {
		t.Fatal(l)
	}
}

// The finder's index keeps the values of yes/no and list keys only, the
// first MaxIndexedKeys of them by key.
func TestIndexedKeys(t *testing.T) {
	specs := []KeySpec{{Key: "b_muted", Type: KeyTypeBoolean}, {Key: "a_tier", Type: KeyTypeChoice},
		{Key: "c_slow", Type: KeyTypeNumber}, {Key: "d_note", Type: KeyTypeText}, {Key: "e_opens", Type: KeyTypeDateTime}}
	if got := IndexedKeys(Described(specs)); !slices.Equal(got, []string{"a_tier", "b_muted"}) {
		t.Errorf("indexed %v", got)
	}
	for i := range MaxIndexedKeys + 3 {
		specs = append(specs, KeySpec{Key: fmt.Sprintf("z%02d", i), Type: KeyTypeBoolean})
	}
	got := IndexedKeys(Described(specs))
	if len(got) != MaxIndexedKeys || got[0] != "a_tier" || got[len(got)-1] != fmt.Sprintf("z%02d", MaxIndexedKeys-3) {
		t.Errorf("capped %v", got)
	}
}
