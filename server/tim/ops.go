package tim

import "context"

// The commands, with Tencent's per-second limits and whether each may be
// repeated when its outcome is unknown:
//
//   - reads (get_*, search, group_get, account_check) are always repeatable;
//   - modify_group_attr (upsert), set_group_attr (replace all),
//     clear_group_attr and mark_contact (set or clear bits, set a custom
//     mark) leave the same state however often they run, so they are retried
//     after Tencent's try-again codes that say nothing was done — but not
//     after a lost answer (see doc.go: the caller re-reads);
//   - delete_group_attr is not: a retry after a lost success answers 10050,
//     which would report a failure that did not happen;
//   - creates and renames are never retried blindly (create/update/del
//     contact group, sns group_add/group_delete, create_group, friend_add,
//     friend_import): a second run would fail with "already exists" or
//     "does not exist", or make a second group. When their outcome is
//     unknown the caller gets an Error with MaybeApplied and must look first.
//   - friend_update sets a friend's remark, lists and custom fields to the
//     given values, so it is retried like the other idempotent writes
//     (after 30008, Tencent's write conflict, too); friend_get,
//     friend_check, group_get and recentcontact get_list are reads;
//   - after a write conflict (30008: nothing was made) a call that is not
//     safe to repeat (group_add, group_delete) is not repeated either: its
//     Error has RetryAfterRead, and the caller reads the state first;
//   - account_import and multiaccount_import are repeatable (importing twice
//     is not an error).
//
// Whatever the command, a request that never left (the connection was
// refused) is retried, and so are Tencent's try-again codes for repeatable
// commands.
var (
	opGetGroupAttr       = op{path: "group_open_attr_http_svc/get_group_attr", perSec: 200, repeatable: true}
	opModifyGroupAttr    = op{path: "group_open_http_svc/modify_group_attr", perSec: 200, repeatable: true, mutates: true, groupWrite: true}
	opSetGroupAttr       = op{path: "group_open_http_svc/set_group_attr", perSec: 200, repeatable: true, mutates: true, groupWrite: true}
	opDeleteGroupAttr    = op{path: "group_open_http_svc/delete_group_attr", perSec: 200, mutates: true, groupWrite: true}
	opClearGroupAttr     = op{path: "group_open_http_svc/clear_group_attr", perSec: 200, repeatable: true, mutates: true, groupWrite: true}
	opGetAppIDGroupList  = op{path: "group_open_http_svc/get_appid_group_list", perSec: 1, repeatable: true}
	opGetGroupInfo       = op{path: "group_open_http_svc/get_group_info", perSec: 200, repeatable: true}
	opCreateGroup        = op{path: "group_open_http_svc/create_group", perSec: 200, mutates: true}
	opCreateContactGroup = op{path: "recentcontact/create_contact_group", perSec: 200, mutates: true}
	opUpdateContactGroup = op{path: "recentcontact/update_contact_group", perSec: 200, mutates: true}
	opDelContactGroup    = op{path: "recentcontact/del_contact_group", perSec: 200, mutates: true}
	opGetContactGroup    = op{path: "recentcontact/get_contact_group", perSec: 200, repeatable: true}
	opSearchContactGroup = op{path: "recentcontact/search_contact_group", perSec: 200, repeatable: true}
	opMarkContact        = op{path: "recentcontact/mark_contact", perSec: 200, repeatable: true, mutates: true}
	opFriendListAdd      = op{path: "sns/group_add", perSec: 200, mutates: true}
	opFriendListDelete   = op{path: "sns/group_delete", perSec: 200, mutates: true}
	opFriendListGet      = op{path: "sns/group_get", perSec: 200, repeatable: true}
	opFriendAdd          = op{path: "sns/friend_add", perSec: 200, mutates: true}
	opFriendImport       = op{path: "sns/friend_import", perSec: 200, mutates: true}
	opFriendGet          = op{path: "sns/friend_get", perSec: 200, repeatable: true}
	opFriendCheck        = op{path: "sns/friend_check", perSec: 200, repeatable: true}
	opFriendUpdate       = op{path: "sns/friend_update", perSec: 200, repeatable: true, mutates: true}
	opRecentList         = op{path: "recentcontact/get_list", perSec: 200, repeatable: true}
	opAccountCheck       = op{path: "im_open_login_svc/account_check", perSec: 100, repeatable: true}
	opAccountImport      = op{path: "im_open_login_svc/account_import", perSec: 200, repeatable: true, mutates: true}
	opMultiAccountImport = op{path: "im_open_login_svc/multiaccount_import", perSec: 200, repeatable: true, mutates: true}
)

// call makes a call whose answer decodes into a T.
func call[T any](ctx context.Context, c *Client, o op, req any) (*T, error) {
	var resp T
	if err := c.call(ctx, o, "", req, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}
