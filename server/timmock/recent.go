package timmock

import (
	"sort"
)

// RecentPageSize is how many conversations one recentcontact/get_list page
// holds; Tencent's page does not say, the mock picks 100.
const RecentPageSize = 100

// Conversation-list flags (AssistFlags of recentcontact/get_list).
const (
	assistPinned      = 1 << 0 // pinned conversations carry TopFlag and come first
	assistEmpty       = 1 << 1 // include conversations without messages
	assistPinnedPages = 1 << 2 // page pinned conversations separately
)

// recentList is the user's conversation list in get_list order: pinned
// first when asked, then by last message time, newest first.
func (u *user) recentList(flags int) []*conversation {
	var out []*conversation
	for _, c := range u.convs {
		if c.recent && (c.msgTime > 0 || flags&assistEmpty != 0) {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if flags&assistPinned != 0 && a.top != b.top {
			return a.top
		}
		if a.msgTime != b.msgTime {
			return a.msgTime > b.msgTime
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.To < b.To
	})
	return out
}

type getRecentListRequest struct {
	fromAccount
	TimeStamp     *int64 `json:"TimeStamp"`
	StartIndex    *int   `json:"StartIndex"`
	TopTimeStamp  *int64 `json:"TopTimeStamp"`
	TopStartIndex *int   `json:"TopStartIndex"`
	AssistFlags   *int   `json:"AssistFlags"`
}

func (m *Mock) getRecentList(u *user, req *getRecentListRequest) (any, *tErr) {
	switch {
	case req.TimeStamp == nil || req.StartIndex == nil || req.TopTimeStamp == nil || req.TopStartIndex == nil || req.AssistFlags == nil:
		return nil, fail(50002, "invalid parameter: TimeStamp, StartIndex, TopTimeStamp, TopStartIndex and AssistFlags are required")
	case *req.StartIndex < 0 || *req.TopStartIndex < 0 || *req.TimeStamp < 0 || *req.TopTimeStamp < 0:
		return nil, fail(50002, "invalid parameter: indexes and time stamps are not negative")
	case *req.AssistFlags < 0 || *req.AssistFlags > 7:
		return nil, fail(50002, "invalid parameter: AssistFlags holds bits 0..2")
	}
	flags := *req.AssistFlags
	list := u.recentList(flags)
	// One position counts through the whole ordered list; TimeStamp (and
	// TopTimeStamp) is the time of the first page, echoed by later pages.
	start := min(*req.StartIndex, len(list))
	end := min(start+RecentPageSize, len(list))
	items := make([]map[string]any, 0, end-start)
	for _, c := range list[start:end] {
		item := map[string]any{"Type": c.Type, "MsgTime": c.msgTime}
		if c.Type == ConvGroup {
			item["GroupId"] = c.To
		} else {
			item["To_Account"] = c.To
		}
		if flags&assistPinned != 0 {
			top := 0
			if c.top {
				top = 1
			}
			item["TopFlag"] = top
		}
		items = append(items, item)
	}
	stamp := *req.TimeStamp
	if stamp == 0 {
		stamp = m.now().Unix()
	}
	topStamp := *req.TopTimeStamp
	if topStamp == 0 {
		topStamp = stamp
	}
	complete, next := 1, 0
	if end < len(list) {
		complete, next = 0, end
	}
	return map[string]any{
		"SessionItem": items, "CompleteFlag": complete, "TimeStamp": stamp, "StartIndex": next,
		"TopTimeStamp": topStamp, "TopStartIndex": 0,
	}, nil
}
