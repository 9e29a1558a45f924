package api

import (
	"strings"
	"testing"
)

func a(kv ...string) []Attr {
	var out []Attr
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, Attr{Key: kv[i], Value: kv[i+1]})
	}
	return out
}

func TestPatchApply(t *testing.T) {
	cur := a("a", "1", "b", "2", "c", "3")
	got, err := AttrPatch{Set: a("b", "two", "d", "4"), Delete: []string{"a"}}.Apply(cur)
	if err != nil {
		t.Fatal(err)
	}
	want := "b=two,c=3,d=4"
	var parts []string
	for _, x := range got {
		parts = append(parts, x.Key+"="+x.Value)
	}
	if strings.Join(parts, ",") != want {
		t.Fatalf("Apply = %v, want %s", parts, want)
	}
	if cur[1].Value != "2" {
		t.Fatal("Apply changed its input")
	}
}

// Limits count UTF-8 bytes, on both sides of each boundary.
func TestLimitsCountBytes(t *testing.T) {
	for _, c := range []struct {
		name  string
		patch AttrPatch
		field string
	}{
		{"key 32 bytes", AttrPatch{Set: a(strings.Repeat("k", 32), "v")}, ""},
		{"key 33 bytes", AttrPatch{Set: a(strings.Repeat("k", 33), "v")}, "set[0].key"},
		{"key 10 × 3-byte characters", AttrPatch{Set: a(strings.Repeat("키", 10), "v")}, ""},
		{"key 11 × 3-byte characters", AttrPatch{Set: a(strings.Repeat("키", 11), "v")}, "set[0].key"},
		{"value 4000 bytes", AttrPatch{Set: a("k", strings.Repeat("v", 4000))}, ""},
		{"value 4001 bytes", AttrPatch{Set: a("k", strings.Repeat("v", 4001))}, "set[0].value"},
		{"delete key 33 bytes", AttrPatch{Delete: []string{strings.Repeat("k", 33)}}, "delete[0]"},
		{"set and delete one key", AttrPatch{Set: a("k", "v"), Delete: []string{"k"}}, "delete[0]"},
		{"invalid UTF-8 value", AttrPatch{Set: a("k", "\xff")}, "set[0].value"},
		{"NUL in a value", AttrPatch{Set: a("k", "a\x00b")}, "set[0].value"},
		{"newline in a value", AttrPatch{Set: a("k", "line\nbreak")}, "set[0].value"},
		{"tab in a key", AttrPatch{Set: a("k\tk", "v")}, "set[0].key"},
		{"C1 control in a key", AttrPatch{Set: a("k\u0085", "v")}, "set[0].key"},
		{"unpaired surrogate (decoded as U+FFFD) in a value", AttrPatch{Set: a("k", "a\ufffd")}, "set[0].value"},
		{"newline in a key to delete", AttrPatch{Delete: []string{"k\n"}}, "delete[0]"},
		{"NUL in a replacement", AttrPatch{Set: a("ok", "v", "k\x00", "v")}, "set[1].key"},
		{"emoji and CJK are text", AttrPatch{Set: a("键🙂", "値 ✓ ü")}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.patch.Validate()
			switch {
			case c.field == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.field != "" && (err == nil || err.Field != c.field):
				t.Fatalf("err = %v, want field %s", err, c.field)
			}
		})
	}
	sixteen := make([]Attr, 16)
	for i := range sixteen {
		sixteen[i] = Attr{Key: string(rune('a' + i)), Value: strings.Repeat("x", 999)}
	}
	// 16 keys of 1 byte and 16 values of 999: 16,000 bytes of keys and
	// values together (AttrBytes).
	if err := (AttrReplace{Attributes: sixteen}).Validate(); err != nil {
		t.Fatalf("16 keys, 16000 bytes: %v", err)
	}
	sixteen[0].Value += "x"
	if err := (AttrReplace{Attributes: sixteen}).Validate(); err == nil || !strings.Contains(err.Say.English(), "16001") {
		t.Fatalf("16001 bytes: %v", err)
	}
	if err := (AttrReplace{Attributes: append(sixteen[1:], a("y", "1", "z", "2")...)}).Validate(); err == nil || !strings.Contains(err.Say.English(), "17") {
		t.Fatalf("17 keys: %v", err)
	}
}
