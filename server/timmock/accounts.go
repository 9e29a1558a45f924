package timmock

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Account limits (spec §4.1, §4.5).
const (
	MaxUserIDBytes     = 32
	MaxAccountsPerCall = 100
)

type user struct {
	ID, Nick, FaceURL string

	friends   map[string]bool
	lists     []*friendList
	seq       uint64               // CurrentSequence of the friend lists
	rel       map[string]*relation // own data about each friend
	friendSeq uint64               // StandardSequence of the friend data
	customSeq uint64               // CustomSequence of the friend data

	convGroups []*convGroup
	nextConvID int
	convs      map[convKey]*conversation
}

func newUser(id string) *user {
	return &user{ID: id, friends: map[string]bool{}, convs: map[convKey]*conversation{}}
}

func validUserID(id string) bool {
	if id == "" || len(id) > MaxUserIDBytes || !utf8.ValidString(id) {
		return false
	}
	for _, r := range id {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// importUser adds a user, or leaves an existing one as it is (importing
// twice is not an error).
func (m *Mock) importUser(id, nick, face string) *tErr {
	if !validUserID(id) {
		return fail(70402, fmt.Sprintf("invalid parameter: UserID %q must be 1..%d printable bytes", id, MaxUserIDBytes))
	}
	if u := m.users[id]; u != nil {
		if nick != "" {
			u.Nick = nick
		}
		return nil
	}
	u := newUser(id)
	u.Nick, u.FaceURL = nick, face
	m.users[id] = u
	return nil
}

func (m *Mock) accountImport(body []byte) (any, *tErr) {
	var req struct {
		UserID  string `json:"UserID"`
		Nick    string `json:"Nick"`
		FaceURL string `json:"FaceUrl"`
	}
	if e := decode(body, &req, famAccount); e != nil {
		return nil, e
	}
	return nil, m.importUser(req.UserID, req.Nick, req.FaceURL)
}

func (m *Mock) multiAccountImport(body []byte) (any, *tErr) {
	var req struct {
		Accounts []string `json:"Accounts"`
	}
	if e := decode(body, &req, famAccount); e != nil {
		return nil, e
	}
	if e := checkCount(len(req.Accounts), MaxAccountsPerCall, 70402, "Accounts", "UserIDs"); e != nil {
		return nil, e
	}
	failed := []string{}
	for _, id := range req.Accounts {
		if m.importUser(id, "", "") != nil {
			failed = append(failed, id)
		}
	}
	return map[string]any{"FailAccounts": failed}, nil
}

func (m *Mock) accountCheck(body []byte) (any, *tErr) {
	var req struct {
		CheckItem []struct {
			UserID string `json:"UserID"`
		} `json:"CheckItem"`
	}
	if e := decode(body, &req, famAccount); e != nil {
		return nil, e
	}
	if e := checkCount(len(req.CheckItem), MaxAccountsPerCall, 70402, "CheckItem", "items"); e != nil {
		return nil, e
	}
	items := make([]map[string]any, 0, len(req.CheckItem))
	for _, c := range req.CheckItem {
		status := "NotImported"
		if m.users[c.UserID] != nil {
			status = "Imported"
		}
		items = append(items, map[string]any{"UserID": c.UserID, "ResultCode": 0, "ResultInfo": "", "AccountStatus": status})
	}
	return map[string]any{"ResultItem": items}, nil
}
