package timmock

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Friend-list limits: 32 lists a user and 30 bytes a name ("Relationship
// Chain Management", 1047/33521), 32 names and 1,000 friends a group_add
// ("Adding Lists", 1047/34950; group_delete likewise, 1047/34926).
const (
	MaxFriendLists         = 32
	MaxFriendListNameBytes = 30
	MaxListNamesPerCall    = 32
	MaxListFriendsPerCall  = 1000
	MaxFriendsPerAdd       = 100
)

// errListCount is Tencent's answer to a change that would give a user more
// than MaxFriendLists lists: 30011 in Tencent's relationship error table
// ("the number of lists has reached the system limit"; the client SDKs'
// ERR_SVR_FRIENDSHIP_GROUP_COUNT_LIMIT), which the call pages do not list.
func errListCount() *tErr {
	return fail(30011, fmt.Sprintf("Err_SNS_GroupAdd_Group_Count_Exceed: at most %d friend lists", MaxFriendLists))
}

type friendList struct {
	Name    string
	Members []string // friend ids in the order added
}

func (u *user) list(name string) *friendList {
	for _, l := range u.lists {
		if l.Name == name {
			return l
		}
	}
	return nil
}

// snsUser finds the From_Account of an sns call: 30003 when it does not exist.
func (m *Mock) snsUser(id string) (*user, *tErr) {
	return m.accountUser(id, famSNS, 30003, "account %q does not exist")
}

func checkListNames(names []string) *tErr {
	if e := checkCount(len(names), MaxListNamesPerCall, 30001, "GroupName", "names"); e != nil {
		return e
	}
	for i, n := range names {
		if n == "" || len(n) > MaxFriendListNameBytes {
			return fail(30001, "Err_SNS_GroupAdd_Req_Group_Name_Len_Illegal")
		}
		if slices.Contains(names[:i], n) {
			return fail(30001, fmt.Sprintf("invalid parameter: list %q named twice", n))
		}
	}
	return nil
}

type resultItem struct {
	ToAccount  string `json:"To_Account"`
	ResultCode int    `json:"ResultCode"`
	ResultInfo string `json:"ResultInfo"`
}

type snsGroupAddRequest struct {
	fromAccount
	GroupName []string `json:"GroupName"`
	ToAccount []string `json:"To_Account"`
}

func (m *Mock) snsGroupAdd(u *user, req *snsGroupAddRequest) (any, *tErr) {
	if e := checkListNames(req.GroupName); e != nil {
		return nil, e
	}
	if len(req.ToAccount) > MaxListFriendsPerCall {
		return nil, fail(30001, fmt.Sprintf("invalid parameter: To_Account holds more than %d accounts", MaxListFriendsPerCall))
	}
	for _, n := range req.GroupName {
		if u.list(n) != nil {
			return nil, fail(30001, fmt.Sprintf("Err_SNS_GroupAdd_Group_Exist: list %q already exists", n))
		}
	}
	if len(u.lists)+len(req.GroupName) > MaxFriendLists {
		return nil, errListCount()
	}
	var results []resultItem
	var failed, ok []string
	for _, to := range req.ToAccount {
		if !u.friends[to] {
			results = append(results, resultItem{to, 32216, "Err_SNS_GroupAdd_ToTinyId_Not_Friend"})
			failed = append(failed, to)
			continue
		}
		results = append(results, resultItem{to, 0, ""})
		ok = append(ok, to)
	}
	for _, n := range req.GroupName {
		u.lists = append(u.lists, &friendList{Name: n, Members: slices.Clone(ok)})
	}
	u.seq++
	resp := map[string]any{"CurrentSequence": u.seq}
	if len(req.ToAccount) > 0 {
		resp["ResultItem"] = results
	}
	if len(failed) > 0 {
		resp["Fail_Account"] = failed
	}
	return resp, nil
}

type snsGroupDeleteRequest struct {
	fromAccount
	GroupName []string `json:"GroupName"`
}

func (m *Mock) snsGroupDelete(u *user, req *snsGroupDeleteRequest) (any, *tErr) {
	if e := checkListNames(req.GroupName); e != nil {
		return nil, e
	}
	for _, n := range req.GroupName {
		if u.list(n) == nil {
			return nil, fail(30001, fmt.Sprintf("Err_SNS_GroupDel_Group_Not_Exist: list %q does not exist", n))
		}
	}
	u.lists = slices.DeleteFunc(u.lists, func(l *friendList) bool { return slices.Contains(req.GroupName, l.Name) })
	u.seq++
	return map[string]any{"CurrentSequence": u.seq}, nil
}

type snsGroupGetRequest struct {
	fromAccount
	LastSequence *uint64  `json:"LastSequence"`
	NeedFriend   string   `json:"NeedFriend"`
	GroupName    []string `json:"GroupName"`
}

func (m *Mock) snsGroupGet(u *user, req *snsGroupGetRequest) (any, *tErr) {
	if req.NeedFriend != "" && req.NeedFriend != "Need_Friend_Type_Yes" {
		return nil, fail(30001, "invalid parameter: NeedFriend must be Need_Friend_Type_Yes")
	}
	type item struct {
		GroupName    string   `json:"GroupName"`
		FriendNumber int      `json:"FriendNumber"`
		ToAccount    []string `json:"To_Account,omitempty"`
	}
	items := []item{}
	switch {
	case len(req.GroupName) > 0:
		for _, n := range req.GroupName {
			l := u.list(n)
			if l == nil {
				return nil, fail(30001, fmt.Sprintf("list %q does not exist", n))
			}
			items = append(items, item{l.Name, len(l.Members), slices.Clone(l.Members)})
		}
	case req.LastSequence == nil || *req.LastSequence != u.seq:
		for _, l := range u.lists {
			it := item{GroupName: l.Name, FriendNumber: len(l.Members)}
			if req.NeedFriend != "" {
				it.ToAccount = slices.Clone(l.Members)
			}
			items = append(items, it)
		}
	}
	return map[string]any{"ResultItem": items, "CurrentSequence": u.seq}, nil
}

type addFriendItem struct {
	ToAccount string `json:"To_Account"`
	AddSource string `json:"AddSource"`
	Remark    string `json:"Remark"`
	AddWord   string `json:"AddWording"`
}

func (m *Mock) friendAdd(body []byte) (any, *tErr) {
	var req struct {
		From  string `json:"From_Account"`
		Items []struct {
			addFriendItem
			GroupName string `json:"GroupName"`
		} `json:"AddFriendItem"`
		AddType       string `json:"AddType"`
		ForceAddFlags int    `json:"ForceAddFlags"`
	}
	if e := decode(body, &req, famSNS); e != nil {
		return nil, e
	}
	if req.AddType != "" && req.AddType != "Add_Type_Both" && req.AddType != "Add_Type_Single" {
		return nil, fail(30001, "invalid parameter: AddType must be Add_Type_Both or Add_Type_Single")
	}
	items := make([]addFriendItem, len(req.Items))
	lists := make([][]string, len(req.Items))
	for i, it := range req.Items {
		items[i] = it.addFriendItem
		if it.GroupName != "" {
			lists[i] = []string{it.GroupName}
		}
	}
	return m.addFriends(req.From, items, lists, req.AddType != "Add_Type_Single")
}

func (m *Mock) friendImport(body []byte) (any, *tErr) {
	var req struct {
		From  string `json:"From_Account"`
		Items []struct {
			addFriendItem
			GroupName  []string `json:"GroupName"`
			AddTime    int64    `json:"AddTime"`
			RemarkTime int64    `json:"RemarkTime"`
			CustomItem []struct {
				Tag   string          `json:"Tag"`
				Value json.RawMessage `json:"Value"`
			} `json:"CustomItem"`
		} `json:"AddFriendItem"`
	}
	if e := decode(body, &req, famSNS); e != nil {
		return nil, e
	}
	items := make([]addFriendItem, len(req.Items))
	lists := make([][]string, len(req.Items))
	for i, it := range req.Items {
		items[i], lists[i] = it.addFriendItem, it.GroupName
		for _, c := range it.CustomItem {
			if !strings.HasPrefix(c.Tag, customFriendTagPrefix) || len(c.Tag) == len(customFriendTagPrefix) || len(c.Value) == 0 {
				return nil, fail(30001, fmt.Sprintf("invalid parameter: CustomItem tag %q must be Tag_SNS_Custom_… with a Value", c.Tag))
			}
		}
	}
	resp, e := m.addFriends(req.From, items, lists, false)
	if e != nil {
		return nil, e
	}
	// Imported friends keep the AddTime and custom fields they came with.
	u := m.users[req.From]
	for i, r := range resp.(map[string]any)["ResultItem"].([]resultItem) {
		if r.ResultCode != 0 {
			continue
		}
		rel := u.relation(r.ToAccount)
		if t := req.Items[i].AddTime; t > 0 {
			rel.AddTime = t
		}
		for _, c := range req.Items[i].CustomItem {
			if rel.Custom == nil {
				rel.Custom = map[string]json.RawMessage{}
			}
			rel.Custom[c.Tag] = c.Value
			u.customSeq++
		}
	}
	return resp, nil
}

// addFriends makes friends of from and each item's To_Account (both ways
// when both), putting each new friend in its lists, created as needed.
func (m *Mock) addFriends(from string, items []addFriendItem, lists [][]string, both bool) (any, *tErr) {
	u, e := m.snsUser(from)
	if e != nil {
		return nil, e
	}
	if e := checkCount(len(items), MaxFriendsPerAdd, 30001, "AddFriendItem", "items"); e != nil {
		return nil, e
	}
	for _, it := range items {
		if !strings.HasPrefix(it.AddSource, "AddSource_Type_") {
			return nil, fail(30001, "invalid parameter: AddSource must start with AddSource_Type_")
		}
	}
	// Lists to create are checked before anything changes.
	var missing []string
	for _, names := range lists {
		for _, n := range names {
			if u.list(n) == nil && !slices.Contains(missing, n) {
				missing = append(missing, n)
			}
		}
	}
	for _, n := range missing {
		if n == "" || len(n) > MaxFriendListNameBytes {
			return nil, fail(30001, "Err_SNS_GroupAdd_Req_Group_Name_Len_Illegal")
		}
	}
	if len(u.lists)+len(missing) > MaxFriendLists {
		return nil, errListCount()
	}
	var results []resultItem
	var failed []string
	for i, it := range items {
		to := m.users[it.ToAccount]
		switch {
		case to == nil || it.ToAccount == from:
			results = append(results, resultItem{it.ToAccount, 30003, "account does not exist"})
			failed = append(failed, it.ToAccount)
			continue
		case u.friends[to.ID]:
			results = append(results, resultItem{it.ToAccount, 30515, "Err_SNS_FriendAdd_Friend_Exist"})
			failed = append(failed, it.ToAccount)
			continue
		}
		for _, name := range lists[i] {
			l := u.list(name)
			if l == nil {
				l = &friendList{Name: name}
				u.lists = append(u.lists, l)
			}
			l.Members = append(l.Members, to.ID)
		}
		u.friends[to.ID] = true
		*u.relation(to.ID) = relation{Remark: it.Remark, AddSource: it.AddSource, AddWording: it.AddWord, AddTime: m.now().Unix()}
		if both && !to.friends[u.ID] {
			to.friends[u.ID] = true
			*to.relation(u.ID) = relation{AddSource: it.AddSource, AddTime: m.now().Unix()}
			to.friendSeq++
		}
		results = append(results, resultItem{it.ToAccount, 0, ""})
	}
	u.seq++
	u.friendSeq++
	resp := map[string]any{"ResultItem": results}
	if len(failed) > 0 {
		resp["Fail_Account"] = failed
	}
	return resp, nil
}
