package tim

import (
	"context"
)

// ---- Accounts and friends, for seeding (spec §4.1, §4.5) ----

type AccountStatus struct {
	UserID        string `json:"UserID"`
	ResultCode    int    `json:"ResultCode"`
	ResultInfo    string `json:"ResultInfo"`
	AccountStatus string `json:"AccountStatus"` // Imported or NotImported
}

// AccountCheck reports whether up to 100 users are imported.
func (c *Client) AccountCheck(ctx context.Context, userIDs []string) ([]AccountStatus, error) {
	items := make([]map[string]string, len(userIDs))
	for i, id := range userIDs {
		items[i] = map[string]string{"UserID": id}
	}
	var resp struct {
		ResultItem []AccountStatus `json:"ResultItem"`
	}
	if err := c.call(ctx, opAccountCheck, "", map[string]any{"CheckItem": items}, &resp); err != nil {
		return nil, err
	}
	return resp.ResultItem, nil
}

// AccountImport imports one user; importing an existing one is not an error.
func (c *Client) AccountImport(ctx context.Context, userID, nick string) error {
	req := map[string]string{"UserID": userID}
	if nick != "" {
		req["Nick"] = nick
	}
	return c.call(ctx, opAccountImport, "", req, nil)
}

// MultiAccountImport imports up to 100 users and returns those that failed.
func (c *Client) MultiAccountImport(ctx context.Context, userIDs []string) ([]string, error) {
	var resp struct {
		FailAccounts []string `json:"FailAccounts"`
	}
	if err := c.call(ctx, opMultiAccountImport, "", map[string]any{"Accounts": userIDs}, &resp); err != nil {
		return nil, err
	}
	return resp.FailAccounts, nil
}
