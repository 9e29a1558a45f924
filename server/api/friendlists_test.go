package api

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func sampleLists() FriendLists {
	return FriendLists{UserState: UserState{UserID: "alice"}, MaxLists: MaxFriendLists, MaxNameBytes: MaxFriendListNameBytes,
		Lists: []FriendList{
			{Name: "Hiking", Friends: []Friend{{"bob", "Bob"}, {"carmen", "Carmen"}}},
			{Name: "家族", Friends: []Friend{{"carmen", "Carmen"}}},
			{Name: "Empty", Friends: []Friend{}},
		},
		Unlisted: []Friend{{"li", "李明"}}, FriendCount: 3}
}

func ids(fs []Friend) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return strings.Join(out, ",")
}

// Limits are UTF-8 bytes: 10 Hangul syllables are 30 bytes, 11 are 33.
func TestFriendListNames(t *testing.T) {
	for _, c := range []struct {
		name, want string
	}{
		{strings.Repeat("친", 10), ""},
		{strings.Repeat("친", 11), "The name is 33 bytes; the limit is 30."},
		{strings.Repeat("n", 30), ""},
		{strings.Repeat("n", 31), "The name is 31 bytes; the limit is 30."},
		{" ", "Enter a name for the friend list."},
		{"a\nb", "control character"},
		{"\ufffd", "broken character"},
	} {
		err := CheckFriendListName("names[0]", c.name)
		if (err == nil) != (c.want == "") || (err != nil && (!strings.Contains(err.Say.English(), c.want) || err.Field != "names[0]")) {
			t.Errorf("%q: %v, want %q", c.name, err, c.want)
		}
	}
}

func TestFriendListCreateApply(t *testing.T) {
	fl := sampleLists()
	after, err := FriendListCreate{Names: []string{"New"}, Friends: []string{"li", "stranger"}}.Apply(fl)
	if err != nil {
		t.Fatal(err)
	}
	// The stranger is not a friend: Tencent refuses them, so the state
	// after leaves them out.
	if l := after.List("New"); l == nil || ids(l.Friends) != "li" || len(after.Unlisted) != 0 || after.FriendCount != 3 {
		t.Fatalf("%+v", after)
	}
	if fl.List("New") != nil {
		t.Fatal("the state before was changed")
	}
	for _, c := range []struct {
		req   FriendListCreate
		field string
	}{
		{FriendListCreate{Names: []string{"Hiking"}}, "names[0]"},
		{FriendListCreate{Names: []string{"a", "a"}}, "names[1]"},
		{FriendListCreate{}, "names"},
		{FriendListCreate{Names: []string{"x"}, Friends: []string{"bob", ""}}, "friends[1]"},
		{FriendListCreate{Names: make([]string, 33)}, "names"},
	} {
		if _, err := c.req.Apply(fl); err == nil || err.Field != c.field {
			t.Errorf("%+v: %v, want field %s", c.req, err, c.field)
		}
	}
	many := make([]string, 30)
	for i := range many {
		many[i] = fmt.Sprint("L", i)
	}
	if _, err := (FriendListCreate{Names: many}).Apply(fl); err == nil || !strings.Contains(err.Say.English(), "this user has 3, and this would make 33") {
		t.Fatalf("33 lists: %v", err)
	}
	if parts := (FriendListCreate{Names: many}).Parts(MaxListNamesPerCall); len(parts) != 1 {
		t.Fatalf("parts %v", parts)
	}
}

func TestFriendListMove(t *testing.T) {
	fl := sampleLists()
	after, err := fl.Move("Hiking", []string{"li"}, []string{"bob"})
	if err != nil {
		t.Fatal(err)
	}
	// bob leaves his only list: he is unlisted, still a friend.
	if ids(after.List("Hiking").Friends) != "carmen,li" || ids(after.Unlisted) != "bob" || after.FriendCount != 3 || !after.IsFriend("bob") {
		t.Fatalf("%+v", after)
	}
	if got := after.ListsOf("carmen"); !slices.Equal(got, []string{"Hiking", "家族"}) {
		t.Fatalf("carmen's lists %v", got)
	}
	if _, err := fl.Move("Hiking", []string{"bob"}, nil); err == nil || err.Field != "add[0]" {
		t.Fatalf("already in: %v", err)
	}
	if _, err := fl.Move("家族", nil, []string{"bob"}); err == nil || err.Field != "remove[0]" {
		t.Fatalf("not in: %v", err)
	}
	if _, err := fl.Move("Nope", []string{"bob"}, nil); err == nil || err.Field != "name" {
		t.Fatalf("no list: %v", err)
	}
	for _, c := range []struct {
		req   FriendListUpdate
		field string
	}{
		{FriendListUpdate{}, "add"},
		{FriendListUpdate{Add: []string{"a"}, Remove: []string{"a"}}, "remove[0]"},
		{FriendListUpdate{Rename: new("x"), Add: []string{"a"}}, "rename"},
		{FriendListUpdate{Rename: new("")}, "rename"},
		{FriendListUpdate{Add: make([]string, 600), Remove: make([]string, 401)}, "add"},
	} {
		if err := c.req.Validate(); err == nil || err.Field != c.field {
			t.Errorf("%+v: %v, want field %s", c.req, err, c.field)
		}
	}
}

func TestFriendListRenameAndDelete(t *testing.T) {
	fl := sampleLists()
	for _, c := range []struct{ old, name, field string }{
		{"Nope", "x", "name"},
		{"Hiking", "Hiking", "rename"},
		{"Hiking", "家族", "rename"},
	} {
		if err := fl.CheckRename(c.old, c.name); err == nil || err.Field != c.field {
			t.Errorf("%s→%s: %v", c.old, c.name, err)
		}
	}
	full := fl
	for i := len(full.Lists); i < MaxFriendLists; i++ {
		full = full.WithList(fmt.Sprint("L", i), nil)
	}
	if err := full.CheckRename("Hiking", "Trails"); err == nil || !strings.Contains(err.Say.English(), "Delete a list first") {
		t.Fatalf("a full user: %v", err)
	}
	// Create the new list with the old one's friends, then delete the old.
	mid := fl.WithList("Trails", []string{"bob", "carmen"})
	after, err := mid.Delete([]string{"Hiking"})
	if err != nil || after.List("Hiking") != nil || ids(after.Lists[len(after.Lists)-1].Friends) != "bob,carmen" {
		t.Fatalf("%+v %v", after, err)
	}
	gone, err := fl.Delete([]string{"Hiking", "家族"})
	if err != nil || ids(gone.Unlisted) != "bob,carmen,li" || gone.FriendCount != 3 {
		t.Fatalf("%+v %v", gone, err)
	}
	if _, err := fl.Delete([]string{"Empty", "Nope"}); err == nil || err.Field != "names[1]" {
		t.Fatalf("%v", err)
	}
	if err := (FriendListDelete{Names: []string{"a", "a"}}).Validate(); err == nil || err.Field != "names[1]" {
		t.Fatalf("%v", err)
	}
}
