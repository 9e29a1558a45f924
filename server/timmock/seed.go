package timmock

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
)

// Seed is initial state for a Mock, as written in a seed file (demo.json is
// an example). Seeding goes through the same handlers as REST calls, so a
// seed cannot create a state Tencent would refuse.
type Seed struct {
	BasicEdition       bool             `json:"basicEdition,omitempty"`
	Users              []SeedUser       `json:"users"`
	Groups             []SeedGroup      `json:"groups"`
	Friends            []SeedFriendship `json:"friends,omitempty"`
	FriendLists        []SeedFriendList `json:"friendLists,omitempty"`
	ConversationGroups []SeedConvGroup  `json:"conversationGroups,omitempty"`
	Marks              []SeedMark       `json:"marks,omitempty"`
	Conversations      []SeedRecent     `json:"conversations,omitempty"`
	// MemberDataKeys are the member-level custom fields the app defines
	// (at most 5, keys of letters, digits and _ under 16 bytes), as an app
	// does in Tencent's console.
	MemberDataKeys []string `json:"memberDataKeys,omitempty"`
	// Generate adds this many synthetic groups after the listed ones (names
	// mixing CJK and Latin, every type; with three users or more imported,
	// the types that have admins get an owner, an admin and a member): a
	// compact way to seed an app with up to millions of groups.
	Generate int `json:"generate,omitempty"`
}

// SeedRecent puts a conversation in a user's conversation list, with the
// Unix time of its last message (0: none) and whether it is pinned.
type SeedRecent struct {
	User         string   `json:"user"`
	Conversation SeedConv `json:"conversation"`
	MsgTime      int64    `json:"msgTime,omitempty"`
	Pinned       bool     `json:"pinned,omitempty"`
}

type SeedUser struct {
	ID   string `json:"id"`
	Nick string `json:"nick,omitempty"`
}

type SeedGroup struct {
	ID      string   `json:"id,omitempty"` // empty: the mock makes one
	Type    string   `json:"type"`
	Name    string   `json:"name"`
	Owner   string   `json:"owner,omitempty"`
	Members []string `json:"members,omitempty"`
	// Admins are members with the Admin role (listing them in Members too
	// is not needed); only Public, Meeting (ChatRoom) and Community groups
	// have admins.
	Admins       []string   `json:"admins,omitempty"`
	Introduction string     `json:"introduction,omitempty"`
	Attributes   []SeedAttr `json:"attributes,omitempty"`
	// Profiles set members' name cards and custom data.
	Profiles []SeedProfile `json:"profiles,omitempty"`
}

// SeedProfile is a member's profile in a seeded group.
type SeedProfile struct {
	User     string     `json:"user"`
	NameCard string     `json:"nameCard,omitempty"`
	Data     []SeedAttr `json:"data,omitempty"`
}

type SeedAttr struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// SeedFriendship makes two users friends of each other, and puts the friend
// in the user's lists.
type SeedFriendship struct {
	User   string   `json:"user"`
	Friend string   `json:"friend"`
	Lists  []string `json:"lists,omitempty"`
}

type SeedFriendList struct {
	User    string   `json:"user"`
	Name    string   `json:"name"`
	Friends []string `json:"friends,omitempty"`
}

type SeedConvGroup struct {
	User          string     `json:"user"`
	Name          string     `json:"name"`
	Conversations []SeedConv `json:"conversations,omitempty"`
}

// SeedConv names a conversation: with a user ("user") or in a group ("group").
type SeedConv struct {
	User  string `json:"user,omitempty"`
	Group string `json:"group,omitempty"`
}

type SeedMark struct {
	User         string   `json:"user"`
	Conversation SeedConv `json:"conversation"`
	Standard     []int    `json:"standard,omitempty"`
	Custom       string   `json:"custom,omitempty"`
}

func (c SeedConv) item() contactItem {
	if c.Group != "" {
		return contactItem{Type: ConvGroup, ToGroupID: c.Group}
	}
	return contactItem{Type: ConvC2C, ToAccount: c.User}
}

//go:embed demo.json
var demoJSON []byte

// Demo returns the built-in demo data set used by demo mode.
func Demo() *Seed {
	var s Seed
	if err := json.Unmarshal(demoJSON, &s); err != nil {
		panic("timmock: demo.json: " + err.Error())
	}
	return &s
}

// LoadSeed reads a seed file, refusing unknown fields so that a typo is not
// silently ignored.
func LoadSeed(path string) (*Seed, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read seed: %w", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var s Seed
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("seed %s: %w", path, err)
	}
	return &s, nil
}

// Seed adds the seed's state. On error the mock may hold part of it.
func (m *Mock) Seed(s *Seed) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	call := func(what string, h func(*Mock, []byte) (any, *tErr), req any) error {
		body, err := json.Marshal(req)
		if err != nil {
			return err
		}
		if _, e := h(m, body); e != nil {
			return fmt.Errorf("seed %s: %d %s", what, e.Code, e.Info)
		}
		return nil
	}
	for _, u := range s.Users {
		if e := m.importUser(u.ID, u.Nick, ""); e != nil {
			return fmt.Errorf("seed user %q: %s", u.ID, e.Info)
		}
	}
	for _, k := range s.MemberDataKeys {
		if !validMemberKey(k) || len(m.memberKeys) >= MaxMemberDataKeys {
			return fmt.Errorf("seed member data key %q: at most %d keys of letters, digits and _, under %d bytes", k, MaxMemberDataKeys, MaxMemberDataKeyBytes)
		}
		m.memberKeys = append(m.memberKeys, k)
	}
	for _, g := range s.Groups {
		req := createGroupRequest{Type: g.Type, Name: g.Name, GroupID: g.ID, Owner: g.Owner, Introduction: g.Introduction}
		if len(g.Admins) > 0 && !hasAdmins(g.Type) {
			return fmt.Errorf("seed group %q: a %s group has no admins", g.Name, g.Type)
		}
		for _, mb := range g.Members {
			if !slices.Contains(g.Admins, mb) {
				req.MemberList = append(req.MemberList, member{MemberAccount: mb})
			}
		}
		for _, a := range g.Admins {
			req.MemberList = append(req.MemberList, member{MemberAccount: a, Role: "Admin"})
		}
		grp, e := m.addGroup(req)
		if e != nil {
			return fmt.Errorf("seed group %q: %d %s", g.Name, e.Code, e.Info)
		}
		if len(g.Attributes) > 0 {
			if err := call("attributes of "+grp.ID, (*Mock).setGroupAttr, map[string]any{"GroupId": grp.ID, "GroupAttr": g.Attributes}); err != nil {
				return err
			}
			grp.writes = nil // seeding does not spend the group's write budget
		}
		for _, p := range g.Profiles {
			data := make([]appDatum, len(p.Data))
			for i, d := range p.Data {
				data[i] = appDatum(d)
			}
			req := map[string]any{"GroupId": grp.ID, "Member_Account": p.User, "NameCard": p.NameCard, "AppMemberDefinedData": data}
			if err := call("profile of "+p.User+" in "+grp.ID, (*Mock).modifyGroupMemberInfo, req); err != nil {
				return err
			}
		}
	}
	if err := m.generate(s.Generate); err != nil {
		return err
	}
	for _, f := range s.Friends {
		item := map[string]any{"To_Account": f.Friend, "AddSource": "AddSource_Type_Seed", "GroupName": f.Lists}
		if err := call("friend "+f.User+"→"+f.Friend, (*Mock).friendImport, map[string]any{"From_Account": f.User, "AddFriendItem": []any{item}}); err != nil {
			return err
		}
		back := map[string]any{"To_Account": f.User, "AddSource": "AddSource_Type_Seed"}
		if !m.users[f.Friend].friends[f.User] {
			if err := call("friend "+f.Friend+"→"+f.User, (*Mock).friendImport, map[string]any{"From_Account": f.Friend, "AddFriendItem": []any{back}}); err != nil {
				return err
			}
		}
	}
	for _, l := range s.FriendLists {
		req := map[string]any{"From_Account": l.User, "GroupName": []string{l.Name}, "To_Account": l.Friends}
		if err := call("friend list "+l.Name, commands["sns/group_add"].handler, req); err != nil {
			return err
		}
	}
	for _, r := range s.Conversations {
		u := m.users[r.User]
		if u == nil {
			return fmt.Errorf("seed conversation of %q: no such user", r.User)
		}
		k, e := r.Conversation.item().key()
		if e != nil {
			return fmt.Errorf("seed conversation of %q: %s", r.User, e.Info)
		}
		c := u.conv(k)
		c.recent, c.top, c.msgTime = true, r.Pinned, r.MsgTime
	}
	// A basic-edition app (Options.Basic) cannot hold conversation groups
	// or marks: those parts of the seed are left out, so that the demo data
	// starts on either edition.
	premium := !m.basic
	for _, g := range s.ConversationGroups {
		if !premium {
			break
		}
		items := make([]contactItem, 0, len(g.Conversations))
		for _, c := range g.Conversations {
			items = append(items, c.item())
		}
		req := map[string]any{"From_Account": g.User, "GroupContactItem": []any{map[string]any{"GroupName": g.Name, "ContactItem": items}}}
		if err := call("conversation group "+g.Name, commands["recentcontact/create_contact_group"].handler, req); err != nil {
			return err
		}
	}
	for _, mk := range s.Marks {
		opt := 1
		if mk.Custom != "" {
			opt = 3
		}
		if !premium {
			break
		}
		item := map[string]any{"OptType": opt, "ContactItem": mk.Conversation.item(), "SetMark": mk.Standard, "CustomMark": mk.Custom}
		if err := call("mark", commands["recentcontact/mark_contact"].handler, map[string]any{"From_Account": mk.User, "MarkItem": []any{item}}); err != nil {
			return err
		}
	}
	// Last, so that a basic-edition seed can still hold conversation groups
	// made before a downgrade.
	if s.BasicEdition {
		m.basic = true
	}
	return nil
}

// validMemberKey tells whether k may name a member-level custom field:
// letters, digits and _, under MaxMemberDataKeyBytes bytes.
func validMemberKey(k string) bool {
	if k == "" || len(k) >= MaxMemberDataKeyBytes {
		return false
	}
	for _, r := range k {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
