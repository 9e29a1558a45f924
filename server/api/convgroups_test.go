package api

import (
	"strings"
	"testing"
)

// The standard marks are Tencent's bit positions 0..3 (the SDK's values
// 1, 2, 4, 8), position 0 the rightmost digit of StandardMark.
func TestDecodeStandardMark(t *testing.T) {
	for _, tc := range []struct {
		bits string
		want Marks
	}{
		{"", Marks{}},
		{"1", Marks{Star: true}},
		{"10", Marks{Unread: true}},
		{"100", Marks{Fold: true}},
		{"1000", Marks{Hide: true}},
		{"1001", Marks{Star: true, Hide: true}},
		{"111001", Marks{Star: true, Hide: true}}, // positions 4, 5 are not imdesk's
		// A live answer quoted in a public SDK's tests: position 34 alone,
		// an app's own mark, none of the four standard ones.
		{"1" + strings.Repeat("0", 34), Marks{}},
	} {
		if got := DecodeStandardMark(tc.bits, ""); got != tc.want {
			t.Errorf("DecodeStandardMark(%q) = %+v, want %+v", tc.bits, got, tc.want)
		}
	}
	for name, pos := range MarkBits {
		if v := map[string]int{"star": 1, "unread": 2, "fold": 4, "hide": 8}[name]; 1<<pos != v {
			t.Errorf("%s at position %d, SDK value %d", name, pos, v)
		}
	}
}

func TestContactGroupLimits(t *testing.T) {
	if err := CheckConvGroupName("name", strings.Repeat("é", 16)); err != nil {
		t.Errorf("32 bytes refused: %v", err)
	}
	if err := CheckConvGroupName("name", strings.Repeat("é", 16)+"x"); err == nil || !strings.Contains(err.Say.English(), "33 bytes") {
		t.Errorf("33 bytes: %v", err)
	}
	before := ConvGroups{}
	for i := range MaxConvGroups {
		before.Groups = append(before.Groups, ConvGroup{Name: strings.Repeat("g", i+1)})
	}
	if _, err := (ConvGroupCreate{Name: "new"}).Apply(before); err == nil || !strings.Contains(err.Say.English(), "at most 20") {
		t.Errorf("21st group: %v", err)
	}
	full := ConvGroups{}
	for i := range MaxGroupedConversations {
		full.Conversations = append(full.Conversations, MarkedConversation{Conversation: Conversation{Type: "user", ID: strings.Repeat("u", 1+i%30) + string(rune('a'+i/30))}, Marks: Marks{Star: true}})
	}
	if _, err := (ConvGroupCreate{Name: "x", Conversations: []Conversation{{Type: "user", ID: "new"}}}).Apply(full); err == nil || !strings.Contains(err.Say.English(), "1000") {
		t.Errorf("1001st conversation: %v", err)
	}
	if _, err := (ConvGroupCreate{Name: "x"}).Apply(full); err != nil {
		t.Errorf("a group without conversations at the limit: %v", err)
	}
	m := MarksChange{Set: []string{"star"}}
	for i := range 250 {
		m.Conversations = append(m.Conversations, Conversation{Type: "group", ID: "g" + strings.Repeat("x", i%40) + string(rune('a'+i/40))})
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if p := m.Parts(); len(p) != 3 || len(p[0]) != 100 || len(p[2]) != 50 {
		t.Errorf("parts %d", len(p))
	}
	long := strings.Repeat("é", 129)
	if err := (MarksChange{Conversations: m.Conversations[:1], CustomMark: &long}).Validate(); err == nil || err.Field != "customMark" {
		t.Errorf("258-byte custom mark: %v", err)
	}
}
