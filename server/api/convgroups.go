package api

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Conversation groups and marks of a user (Tencent's recentcontact
// service). Choices where Tencent's pages disagree:
//
//   - A group name is at most 32 bytes. The newest international create
//     page says 64, every other page (and error 51011) says 32; 32 is
//     accepted by both, so imdesk never sends a name some apps refuse.
//   - A group may be created without conversations (the newest page makes
//     ContactItem optional, at most 100). Older pages require it; imdesk
//     sends an empty list, which both accept as "no conversations".
//   - Standard marks are bit positions in Tencent's REST StandardMark (a
//     binary number as text, position 0 the rightmost digit). imdesk uses
//     the client SDK's mark values as positions: star = 1 (position 0),
//     unread = 2 (position 1), fold = 4 (position 2), hide = 8 (position 3),
//     so what a member's app shows is what the panel shows.
const (
	MaxConvGroups              = 20   // per user (51010)
	MaxConvGroupNameBytes      = 32   // (51011)
	MaxGroupedConversations    = 1000 // grouped or marked, per user (51008)
	MaxConversationsPerCreate  = 100  // ContactItem of one create
	MaxConversationsPerRequest = 100  // per mark_contact call (51006); more are split
	MaxMarkRequest             = 1000 // conversations in one marks request of the API
	MaxCustomMarkBytes         = 256
)

// Conversation types of the API (Tencent's Type 1 and 2).
const (
	ConversationUser  = "user"
	ConversationGroup = "group"
)

// Mark names and their bit positions in Tencent's StandardMark.
var MarkBits = map[string]int{"star": 0, "unread": 1, "fold": 2, "hide": 3}

// MarkNames lists the standard marks in the order pages show them.
var MarkNames = []string{"star", "unread", "fold", "hide"}

// Conversation is a conversation of a user: with another user, or in a
// group chat. Name is the other user's nickname or the group's name, when
// known; it is ignored in requests.
type Conversation struct {
	Type string `json:"type" api:"required"`
	ID   string `json:"id" api:"required"`
	Name string `json:"name,omitempty"`
}

// Key identifies a conversation whatever its name.
func (c Conversation) Key() string { return c.Type + ":" + c.ID }

// Marks are a conversation's standard marks and custom mark.
type Marks struct {
	Star   bool   `json:"star"`
	Unread bool   `json:"unread"`
	Fold   bool   `json:"fold"`
	Hide   bool   `json:"hide"`
	Custom string `json:"custom"`
}

// Has reports whether the standard mark named is set.
func (m Marks) Has(name string) bool {
	switch name {
	case "star":
		return m.Star
	case "unread":
		return m.Unread
	case "fold":
		return m.Fold
	case "hide":
		return m.Hide
	}
	return false
}

// With returns the marks with the standard mark named set to on.
func (m Marks) With(name string, on bool) Marks {
	switch name {
	case "star":
		m.Star = on
	case "unread":
		m.Unread = on
	case "fold":
		m.Fold = on
	case "hide":
		m.Hide = on
	}
	return m
}

// Empty reports whether no mark is set.
func (m Marks) Empty() bool { return !m.Star && !m.Unread && !m.Fold && !m.Hide && m.Custom == "" }

// DecodeStandardMark reads Tencent's StandardMark (bit positions as a
// binary number, position 0 rightmost) into the four standard marks;
// positions imdesk does not name are ignored.
func DecodeStandardMark(bits string, custom string) Marks {
	m := Marks{Custom: custom}
	for name, pos := range MarkBits {
		if i := len(bits) - 1 - pos; i >= 0 && bits[i] == '1' {
			m = m.With(name, true)
		}
	}
	return m
}

// MarkedConversation is a conversation that is in a group or carries a
// mark, as Tencent counts them against the 1,000 limit.
type MarkedConversation struct {
	Conversation
	Marks  Marks    `json:"marks"`
	Groups []string `json:"groups"` // names of the conversation groups it is in
}

// ConvGroup is one conversation group and its conversations.
type ConvGroup struct {
	Name          string         `json:"name"`
	Conversations []Conversation `json:"conversations"`
}

// ConvGroups is a user's conversation groups as the API shows them.
// Counted is how many conversations are in a group or marked (Tencent's
// limit is MaxGroupedConversations). Version changes whenever any of it
// does.
type ConvGroups struct {
	UserState
	Groups        []ConvGroup          `json:"groups"`
	Conversations []MarkedConversation `json:"conversations"`
	Counted       int                  `json:"counted"`
	MaxGroups     int                  `json:"maxGroups"`
	MaxCounted    int                  `json:"maxCounted"`
}

// Marked reports whether the conversation of type typ with id is grouped
// or marked, as Tencent holds it: such a conversation exists.
func (cg ConvGroups) Marked(typ, id string) bool {
	return slices.ContainsFunc(cg.Conversations, func(c MarkedConversation) bool { return c.Type == typ && c.ID == id })
}

// Group returns the conversation group named, or nil.
func (cg ConvGroups) Group(name string) *ConvGroup {
	return named(cg.Groups, name, func(g *ConvGroup) string { return g.Name })
}

// ConvGroupCreate is the body of POST …/conversation-groups.
type ConvGroupCreate struct {
	Name          string         `json:"name" api:"required"`
	Conversations []Conversation `json:"conversations"`
}

// ConvGroupUpdate is the body of PATCH …/conversation-groups/{name}:
// a new name, conversations to add and to remove (any of them).
type ConvGroupUpdate struct {
	Name   *string        `json:"name,omitempty"`
	Add    []Conversation `json:"add"`
	Remove []Conversation `json:"remove"`
}

// MarksChange is the body of POST …/conversation-marks: standard marks to
// set and to clear, and a custom mark (null leaves it as it is, "" clears
// it), on every conversation listed.
type MarksChange struct {
	Conversations []Conversation `json:"conversations" api:"required"`
	Set           []string       `json:"set"`
	Clear         []string       `json:"clear"`
	CustomMark    *string        `json:"customMark"`
}

// CheckConvGroupName validates a conversation group's name.
func CheckConvGroupName(field, name string) *FieldError {
	return checkNewName(field, name, Say("Enter a name for the conversation group."), MaxConvGroupNameBytes)
}

// checkNewName validates a new name of at most max bytes; blank is what
// is said of a blank one.
func checkNewName(field, name string, blank Phrase, max int) *FieldError {
	switch {
	case strings.TrimSpace(name) == "":
		return &FieldError{Field: field, Say: blank}
	case len(name) > max:
		return fieldErr(field, "The name is %d bytes; the limit is %d.", len(name), max)
	}
	return CheckName(field, Say("The name"), name)
}

// CheckCustomMark validates a custom mark ("" clears it).
func CheckCustomMark(field, mark string) *FieldError {
	if len(mark) > MaxCustomMarkBytes {
		return fieldErr(field, "The custom mark is %d bytes; the limit is %d.", len(mark), MaxCustomMarkBytes)
	}
	return CheckName(field, Say("The custom mark"), mark)
}

// CheckConversation validates a conversation named in a request.
func CheckConversation(field string, c Conversation) *FieldError {
	switch c.Type {
	case ConversationUser:
		if err := CheckUserID(c.ID); err != nil {
			return err.At(field)
		}
	case ConversationGroup:
		if err := CheckGroupID(c.ID); err != nil {
			return err.At(field)
		}
	default:
		return fieldErr(field, "A conversation is with a user or in a group (type %q or %q).", ConversationUser, ConversationGroup)
	}
	return nil
}

func checkConversations(field string, cs []Conversation, max int) *FieldError {
	if len(cs) > max {
		return fieldErr(field, "At most %d conversations at a time; there are %d.", max, len(cs))
	}
	seen := map[string]bool{}
	for i, c := range cs {
		f := fmt.Sprintf("%s[%d]", field, i)
		if err := CheckConversation(f, c); err != nil {
			return err
		}
		if seen[c.Key()] {
			return fieldErr(f, "The conversation with %s is listed twice.", c.ID)
		}
		seen[c.Key()] = true
	}
	return nil
}

// counted returns the keys of the conversations counted against the limit.
func (cg ConvGroups) counted() map[string]bool {
	out := map[string]bool{}
	for _, c := range cg.Conversations {
		out[c.Key()] = true
	}
	return out
}

// checkRoom refuses a change that would take the user past the 1,000
// conversations Tencent allows in groups or marked.
func (cg ConvGroups) checkRoom(field string, adding []Conversation) *FieldError {
	have := cg.counted()
	n := len(have)
	for _, c := range adding {
		if !have[c.Key()] {
			have[c.Key()] = true
			n++
		}
	}
	if n > MaxGroupedConversations {
		return fieldErr(field, "A user may have at most %d conversations in groups or marked; this change would make %d.", MaxGroupedConversations, n)
	}
	return nil
}

// Validate checks a create request on its own.
func (c ConvGroupCreate) Validate() *FieldError {
	if err := CheckConvGroupName("name", c.Name); err != nil {
		return err
	}
	return checkConversations("conversations", c.Conversations, MaxConversationsPerCreate)
}

// Apply checks a create against the user's groups before and returns the
// groups after.
func (c ConvGroupCreate) Apply(before ConvGroups) (ConvGroups, *FieldError) {
	if err := cmp.Or(c.Validate(), checkNewLists(len(before.Groups), func(n string) bool { return before.Group(n) != nil }, []string{c.Name}, MaxConvGroups,
		func(_ int, n string) *FieldError {
			return fieldErr("name", "This user already has a conversation group named %q.", n)
		},
		func(have, _ int) *FieldError {
			return fieldErr("name", "A user may have at most %d conversation groups; this user has %d. Delete one first.", MaxConvGroups, have)
		}),
		before.checkRoom("conversations", c.Conversations)); err != nil {
		return before, err
	}
	after := before.clone()
	after.Groups = append(after.Groups, ConvGroup{Name: c.Name, Conversations: stripNames(c.Conversations)})
	for _, conv := range c.Conversations {
		after.mark(conv, func(mc *MarkedConversation) { mc.Groups = append(mc.Groups, c.Name) })
	}
	return after.recount(), nil
}

// Validate checks an update on its own.
func (u ConvGroupUpdate) Validate() *FieldError {
	if u.Name == nil && len(u.Add) == 0 && len(u.Remove) == 0 {
		return fieldErr("name", "There is nothing to change.")
	}
	if u.Name != nil {
		if err := CheckConvGroupName("name", *u.Name); err != nil {
			return err
		}
	}
	if err := checkConversations("add", u.Add, MaxConversationsPerCreate); err != nil {
		return err
	}
	if err := checkConversations("remove", u.Remove, MaxConversationsPerCreate); err != nil {
		return err
	}
	for i, c := range u.Remove {
		if slices.ContainsFunc(u.Add, func(a Conversation) bool { return a.Key() == c.Key() }) {
			return fieldErr(fmt.Sprintf("remove[%d]", i), "The conversation with %s cannot be both added and removed.", c.ID)
		}
	}
	return nil
}

// Rename returns the groups after renaming group old to name.
func (cg ConvGroups) Rename(old, name string) (ConvGroups, *FieldError) {
	if cg.Group(old) == nil {
		return cg, fieldErr("name", "This user has no conversation group named %q. Reload to see the current groups.", old)
	}
	if name != old && cg.Group(name) != nil {
		return cg, fieldErr("name", "This user already has a conversation group named %q.", name)
	}
	after := cg.clone()
	after.Group(old).Name = name
	for i := range after.Conversations {
		for j, g := range after.Conversations[i].Groups {
			if g == old {
				after.Conversations[i].Groups[j] = name
			}
		}
	}
	return after, nil
}

// Regroup returns the groups after adding and removing conversations of
// the group named.
func (cg ConvGroups) Regroup(name string, add, remove []Conversation) (ConvGroups, *FieldError) {
	if cg.Group(name) == nil {
		return cg, fieldErr("name", "This user has no conversation group named %q. Reload to see the current groups.", name)
	}
	if err := cg.checkRoom("add", add); err != nil {
		return cg, err
	}
	after := cg.clone()
	g := after.Group(name)
	for _, c := range add {
		if !slices.ContainsFunc(g.Conversations, func(x Conversation) bool { return x.Key() == c.Key() }) {
			g.Conversations = append(g.Conversations, Conversation{Type: c.Type, ID: c.ID})
		}
		after.mark(c, func(mc *MarkedConversation) {
			if !slices.Contains(mc.Groups, name) {
				mc.Groups = append(mc.Groups, name)
			}
		})
	}
	for _, c := range remove {
		g.Conversations = slices.DeleteFunc(g.Conversations, func(x Conversation) bool { return x.Key() == c.Key() })
		after.mark(c, func(mc *MarkedConversation) {
			mc.Groups = slices.DeleteFunc(mc.Groups, func(s string) bool { return s == name })
		})
	}
	return after.recount(), nil
}

// Delete returns the groups after deleting the group named.
func (cg ConvGroups) Delete(name string) (ConvGroups, *FieldError) {
	g := cg.Group(name)
	if g == nil {
		return cg, fieldErr("name", "This user has no conversation group named %q. Reload to see the current groups.", name)
	}
	after, _ := cg.Regroup(name, nil, g.Conversations)
	after.Groups = slices.DeleteFunc(after.Groups, func(x ConvGroup) bool { return x.Name == name })
	return after.recount(), nil
}

// Validate checks a marks change on its own.
func (m MarksChange) Validate() *FieldError {
	if len(m.Conversations) == 0 {
		return fieldErr("conversations", "Choose at least one conversation.")
	}
	if err := checkConversations("conversations", m.Conversations, MaxMarkRequest); err != nil {
		return err
	}
	if len(m.Set) == 0 && len(m.Clear) == 0 && m.CustomMark == nil {
		return fieldErr("set", "There is nothing to change.")
	}
	for i, name := range append(slices.Clone(m.Set), m.Clear...) {
		field := fmt.Sprintf("set[%d]", i)
		if i >= len(m.Set) {
			field = fmt.Sprintf("clear[%d]", i-len(m.Set))
		}
		if _, ok := MarkBits[name]; !ok {
			return fieldErr(field, "%q is not a mark; the marks are %s.", name, strings.Join(MarkNames, ", "))
		}
		if i >= len(m.Set) && slices.Contains(m.Set, name) {
			return fieldErr(field, "The mark %q cannot be both set and cleared.", name)
		}
	}
	if m.CustomMark != nil {
		return CheckCustomMark("customMark", *m.CustomMark)
	}
	return nil
}

// Parts splits the conversations into requests Tencent takes: at most
// MaxConversationsPerRequest each.
func (m MarksChange) Parts() [][]Conversation {
	var out [][]Conversation
	for start := 0; start < len(m.Conversations); start += MaxConversationsPerRequest {
		out = append(out, m.Conversations[start:min(start+MaxConversationsPerRequest, len(m.Conversations))])
	}
	return out
}

// ApplyMarks returns the groups after the change's marks on conversations.
func (cg ConvGroups) ApplyMarks(m MarksChange, conversations []Conversation) (ConvGroups, *FieldError) {
	adding := slices.DeleteFunc(slices.Clone(conversations), func(Conversation) bool {
		return len(m.Set) == 0 && (m.CustomMark == nil || *m.CustomMark == "")
	})
	if err := cg.checkRoom("conversations", adding); err != nil {
		return cg, err
	}
	after := cg.clone()
	for _, c := range conversations {
		after.mark(c, func(mc *MarkedConversation) {
			for _, s := range m.Set {
				mc.Marks = mc.Marks.With(s, true)
			}
			for _, s := range m.Clear {
				mc.Marks = mc.Marks.With(s, false)
			}
			if m.CustomMark != nil {
				mc.Marks.Custom = *m.CustomMark
			}
		})
	}
	return after.recount(), nil
}

func stripNames(cs []Conversation) []Conversation {
	out := make([]Conversation, len(cs))
	for i, c := range cs {
		out[i] = Conversation{Type: c.Type, ID: c.ID}
	}
	return out
}

func (cg ConvGroups) clone() ConvGroups {
	out := cg
	out.Results = nil
	out.Groups = cloneLists(cg.Groups, func(g *ConvGroup) *[]Conversation { return &g.Conversations })
	out.Conversations = make([]MarkedConversation, len(cg.Conversations))
	for i, c := range cg.Conversations {
		c.Groups = slices.Clone(c.Groups)
		out.Conversations[i] = c
	}
	return out
}

// mark applies f to the conversation's entry, adding one if it has none.
func (cg *ConvGroups) mark(c Conversation, f func(*MarkedConversation)) {
	for i := range cg.Conversations {
		if cg.Conversations[i].Key() == c.Key() {
			f(&cg.Conversations[i])
			return
		}
	}
	mc := MarkedConversation{Conversation: Conversation{Type: c.Type, ID: c.ID, Name: c.Name}, Groups: []string{}}
	f(&mc)
	cg.Conversations = append(cg.Conversations, mc)
}

// recount drops conversations neither grouped nor marked and counts the
// rest.
func (cg ConvGroups) recount() ConvGroups {
	cg.Conversations = slices.DeleteFunc(cg.Conversations, func(c MarkedConversation) bool { return len(c.Groups) == 0 && c.Marks.Empty() })
	cg.Counted = len(cg.Conversations)
	return cg
}

// UserInfo is a user as GET /api/v1/users/{userID} shows them.
type UserInfo struct {
	ID      string `json:"id"`
	Nick    string `json:"nick"`
	CanEdit bool   `json:"canEdit"` // the caller may change this user's data
}

// UserConversations is a user's conversation list (recent contacts), to
// pick conversations from.
type UserConversations struct {
	UserID        string         `json:"userId"`
	Conversations []Conversation `json:"conversations"`
}
