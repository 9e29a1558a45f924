package timmock

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Friend limits (Tencent's friend_get, friend_check and friend_update pages).
const (
	FriendPageSize        = 100 // friends per friend_get page
	MaxFriendChecks       = 1000
	MaxFriendUpdates      = 100
	MaxFriendRemarkBytes  = 96
	TagRemark             = "Tag_SNS_IM_Remark"
	TagGroup              = "Tag_SNS_IM_Group"
	TagAddSource          = "Tag_SNS_IM_AddSource"
	TagAddTime            = "Tag_SNS_IM_AddTime"
	TagAddWording         = "Tag_SNS_IM_AddWording"
	customFriendTagPrefix = "Tag_SNS_Custom_"
)

// relation is a user's own data about one friend.
type relation struct {
	Remark, AddSource, AddWording string
	AddTime                       int64
	Custom                        map[string]json.RawMessage // Tag_SNS_Custom_* values
}

func (u *user) relation(id string) *relation {
	if u.rel == nil {
		u.rel = map[string]*relation{}
	}
	r := u.rel[id]
	if r == nil {
		r = &relation{}
		u.rel[id] = r
	}
	return r
}

// friendIDs lists u's friends in a stable order (by UserID).
func (u *user) friendIDs() []string {
	ids := make([]string, 0, len(u.friends))
	for id, ok := range u.friends {
		if ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// listsOf names the friend lists that hold friend, in list order.
func (u *user) listsOf(friend string) []string {
	names := []string{}
	for _, l := range u.lists {
		if slices.Contains(l.Members, friend) {
			names = append(names, l.Name)
		}
	}
	return names
}

type tagValue struct {
	Tag   string `json:"Tag"`
	Value any    `json:"Value"`
}

type friendGetRequest struct {
	fromAccount
	startIndex
	StandardSequence *uint64 `json:"StandardSequence"`
	CustomSequence   *uint64 `json:"CustomSequence"`
}

func (m *Mock) friendGet(u *user, req *friendGetRequest) (any, *tErr) {
	ids := u.friendIDs()
	page, complete, next, e := pageOf(req.StartIndex, ids, FriendPageSize, 30001)
	if e != nil {
		return nil, e
	}
	standard := req.StandardSequence == nil || *req.StandardSequence != u.friendSeq
	custom := req.CustomSequence == nil || *req.CustomSequence != u.customSeq
	items := make([]map[string]any, 0, len(page))
	for _, id := range page {
		item := map[string]any{"To_Account": id}
		r := u.relation(id)
		values := []tagValue{}
		if standard {
			values = append(values, tagValue{TagAddSource, r.AddSource}, tagValue{TagRemark, r.Remark},
				tagValue{TagGroup, u.listsOf(id)}, tagValue{TagAddWording, r.AddWording}, tagValue{TagAddTime, r.AddTime})
		}
		if custom {
			tags := make([]string, 0, len(r.Custom))
			for t := range r.Custom {
				tags = append(tags, t)
			}
			slices.Sort(tags)
			for _, t := range tags {
				values = append(values, tagValue{t, r.Custom[t]})
			}
		}
		if len(values) > 0 {
			item["ValueItem"] = values
		}
		items = append(items, item)
	}
	return map[string]any{
		"UserDataItem": items, "StandardSequence": u.friendSeq, "CustomSequence": u.customSeq,
		"FriendNum": len(ids), "CompleteFlag": complete, "NextStartIndex": next,
	}, nil
}

type friendCheckRequest struct {
	fromAccount
	ToAccount []string `json:"To_Account"`
	CheckType string   `json:"CheckType"`
}

func (m *Mock) friendCheck(u *user, req *friendCheckRequest) (any, *tErr) {
	if e := checkCount(len(req.ToAccount), MaxFriendChecks, 30001, "To_Account", "accounts"); e != nil {
		return nil, e
	}
	both := false
	switch req.CheckType {
	case "CheckResult_Type_Both":
		both = true
	case "CheckResult_Type_Single":
	default:
		return nil, fail(30001, "invalid parameter: CheckType must be CheckResult_Type_Both or CheckResult_Type_Single")
	}
	items := make([]map[string]any, 0, len(req.ToAccount))
	failed := []string{}
	for _, id := range req.ToAccount {
		to := m.users[id]
		if to == nil {
			items = append(items, map[string]any{"To_Account": id, "Relation": "", "ResultCode": 30003, "ResultInfo": "account does not exist"})
			failed = append(failed, id)
			continue
		}
		aWithB, bWithA := u.friends[id], to.friends[u.ID]
		rel := "CheckResult_Type_NoRelation"
		switch {
		case both && aWithB && bWithA:
			rel = "CheckResult_Type_BothWay"
		case aWithB:
			rel = "CheckResult_Type_AWithB"
		case both && bWithA:
			rel = "CheckResult_Type_BWithA"
		}
		items = append(items, map[string]any{"To_Account": id, "Relation": rel, "ResultCode": 0, "ResultInfo": ""})
	}
	resp := map[string]any{"InfoItem": items}
	if len(failed) > 0 {
		resp["Fail_Account"] = failed
	}
	return resp, nil
}

type friendUpdateRequest struct {
	fromAccount
	Items []struct {
		ToAccount string `json:"To_Account"`
		SnsItem   []struct {
			Tag   string          `json:"Tag"`
			Value json.RawMessage `json:"Value"`
		} `json:"SnsItem"`
	} `json:"UpdateItem"`
}

func (m *Mock) friendUpdate(u *user, req *friendUpdateRequest) (any, *tErr) {
	if e := checkCount(len(req.Items), MaxFriendUpdates, 30001, "UpdateItem", "items"); e != nil {
		return nil, e
	}
	// Every item is validated before anything changes.
	type change struct {
		remark *string
		lists  []string // nil: unchanged
		custom map[string]json.RawMessage
	}
	changes := make([]change, len(req.Items))
	var newLists []string
	for i, it := range req.Items {
		if len(it.SnsItem) == 0 {
			return nil, fail(30001, fmt.Sprintf("invalid parameter: UpdateItem[%d].SnsItem is empty", i))
		}
		for _, s := range it.SnsItem {
			switch {
			case s.Tag == TagRemark:
				var r string
				if json.Unmarshal(s.Value, &r) != nil {
					return nil, fail(30001, "invalid parameter: the value of Tag_SNS_IM_Remark is a string")
				}
				if len(r) > MaxFriendRemarkBytes {
					return nil, fail(30001, fmt.Sprintf("invalid parameter: a remark is at most %d bytes", MaxFriendRemarkBytes))
				}
				changes[i].remark = &r
			case s.Tag == TagGroup:
				var names []string
				if json.Unmarshal(s.Value, &names) != nil {
					return nil, fail(30001, "invalid parameter: the value of Tag_SNS_IM_Group is an array of list names")
				}
				if names == nil {
					names = []string{}
				}
				for j, n := range names {
					if n == "" || len(n) > MaxFriendListNameBytes {
						return nil, fail(30001, "Err_SNS_GroupAdd_Req_Group_Name_Len_Illegal")
					}
					if slices.Contains(names[:j], n) {
						return nil, fail(30001, fmt.Sprintf("invalid parameter: list %q named twice", n))
					}
					if u.list(n) == nil && !slices.Contains(newLists, n) {
						newLists = append(newLists, n)
					}
				}
				changes[i].lists = names
			case strings.HasPrefix(s.Tag, customFriendTagPrefix) && len(s.Tag) > len(customFriendTagPrefix):
				// The mock behaves as if every custom friend field were
				// configured in the console (the page's own sample uses one).
				if len(s.Value) == 0 {
					return nil, fail(30001, fmt.Sprintf("invalid parameter: %s has no Value", s.Tag))
				}
				if changes[i].custom == nil {
					changes[i].custom = map[string]json.RawMessage{}
				}
				changes[i].custom[s.Tag] = s.Value
			default:
				return nil, fail(30001, fmt.Sprintf("invalid parameter: %q is not a friend field that can be updated", s.Tag))
			}
		}
	}
	if len(u.lists)+len(newLists) > MaxFriendLists {
		return nil, errListCount()
	}
	results := make([]resultItem, 0, len(req.Items))
	failed := []string{}
	listsChanged, customChanged := false, false
	for i, it := range req.Items {
		if !u.friends[it.ToAccount] {
			results = append(results, resultItem{it.ToAccount, 32216, "Err_SNS_FriendUpdate_Not_Friend"})
			failed = append(failed, it.ToAccount)
			continue
		}
		c := changes[i]
		if c.remark != nil {
			u.relation(it.ToAccount).Remark = *c.remark
		}
		if len(c.custom) > 0 {
			r := u.relation(it.ToAccount)
			if r.Custom == nil {
				r.Custom = map[string]json.RawMessage{}
			}
			for t, v := range c.custom {
				r.Custom[t] = v
			}
			customChanged = true
		}
		if c.lists != nil {
			for _, l := range u.lists {
				l.Members = slices.DeleteFunc(l.Members, func(id string) bool { return id == it.ToAccount })
			}
			for _, n := range c.lists {
				l := u.list(n)
				if l == nil {
					l = &friendList{Name: n}
					u.lists = append(u.lists, l)
				}
				l.Members = append(l.Members, it.ToAccount)
			}
			listsChanged = true
		}
		results = append(results, resultItem{it.ToAccount, 0, ""})
	}
	if len(failed) < len(req.Items) {
		u.friendSeq++
	}
	if listsChanged {
		u.seq++
	}
	if customChanged {
		u.customSeq++
	}
	resp := map[string]any{"ResultItem": results}
	if len(failed) > 0 {
		resp["Fail_Account"] = failed
	}
	return resp, nil
}
