package tim

import "context"

// portrait_get (Tencent's page "Pulling Profiles"): at most 100 accounts a
// call, 100 calls a second. imdesk asks only for the nickname.
var opPortraitGet = op{path: "profile/portrait_get", perSec: 100, repeatable: true}

// MaxPortraitAccounts is how many users one portrait_get may name.
const MaxPortraitAccounts = 100

// TagNick is the standard profile field holding a user's nickname.
const TagNick = "Tag_Profile_IM_Nick"

// Nicknames returns the nickname of each user, by user ID, asking at most
// MaxPortraitAccounts users a call. A user Tencent could not answer for
// (not imported) is left out.
func (c *Client) Nicknames(ctx context.Context, users []string) (map[string]string, error) {
	out := make(map[string]string, len(users))
	for start := 0; start < len(users); start += MaxPortraitAccounts {
		part := users[start:min(start+MaxPortraitAccounts, len(users))]
		req := struct {
			To   []string `json:"To_Account"`
			Tags []string `json:"TagList"`
		}{part, []string{TagNick}}
		var resp struct {
			Items []struct {
				To      string `json:"To_Account"`
				Profile []struct {
					Tag   string `json:"Tag"`
					Value any    `json:"Value"`
				} `json:"ProfileItem"`
				ResultCode int `json:"ResultCode"`
			} `json:"UserProfileItem"`
		}
		if err := c.call(ctx, opPortraitGet, "", req, &resp); err != nil {
			return nil, err
		}
		for _, it := range resp.Items {
			if it.ResultCode != 0 {
				continue
			}
			for _, p := range it.Profile {
				if s, ok := p.Value.(string); ok && p.Tag == TagNick {
					out[it.To] = s
				}
			}
		}
	}
	return out, nil
}
