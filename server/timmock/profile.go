package timmock

// portrait_get limits (Tencent's page "Pulling Profiles"): at most 100
// accounts a call; TagList names the fields wanted. The mock models the
// nickname (Tag_Profile_IM_Nick) and the avatar (Tag_Profile_IM_Image).
const MaxPortraitAccounts = 100

// getPortrait answers the profiles of up to 100 users. An account that is
// not imported fails alone (40003 in its ResultCode, listed in
// Fail_Account); a request with no account, or more than 100, is 40001.
func (m *Mock) getPortrait(body []byte) (any, *tErr) {
	var req struct {
		To   []string `json:"To_Account"`
		Tags []string `json:"TagList"`
	}
	if e := decode(body, &req, famProfile); e != nil {
		return nil, e
	}
	if e := checkCount(len(req.To), MaxPortraitAccounts, 40001, "To_Account", "accounts"); e != nil {
		return nil, e
	}
	if len(req.Tags) == 0 {
		return nil, fail(40001, "invalid parameter: TagList is required")
	}
	type tag struct {
		Tag   string `json:"Tag"`
		Value string `json:"Value"`
	}
	type item struct {
		To      string `json:"To_Account"`
		Profile []tag  `json:"ProfileItem"`
		Code    int    `json:"ResultCode"`
		Info    string `json:"ResultInfo"`
	}
	items := make([]item, 0, len(req.To))
	var failed []string
	for _, id := range req.To {
		u := m.users[id]
		if u == nil {
			items = append(items, item{To: id, Profile: []tag{}, Code: 40003, Info: "the account does not exist"})
			failed = append(failed, id)
			continue
		}
		prof := []tag{}
		for _, t := range req.Tags {
			switch t {
			case "Tag_Profile_IM_Nick":
				prof = append(prof, tag{t, u.Nick})
			case "Tag_Profile_IM_Image":
				prof = append(prof, tag{t, u.FaceURL})
			}
		}
		items = append(items, item{To: id, Profile: prof})
	}
	resp := map[string]any{"UserProfileItem": items}
	if len(failed) > 0 {
		resp["Fail_Account"] = failed
	}
	return resp, nil
}
