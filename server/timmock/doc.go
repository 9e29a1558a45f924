// Package timmock is a faithful simulator of the Tencent Cloud Chat (IM) REST
// API v4, for demo mode, unit tests and the e2e suite. What passes against it
// should pass against Tencent: it speaks the same wire protocol (POST
// /v4/{service}/{command} with sdkappid, identifier, usersig, random and
// contenttype in the query; HTTP 200 with ActionStatus/ErrorCode/ErrorInfo),
// verifies UserSigs with tls-sig-api-v2-golang, and enforces every limit and
// error code that ../shared/spec/tencent-chat-rest.md documents for the calls
// imdesk uses. Limits count UTF-8 bytes, never characters.
//
// A Mock is an http.Handler; run it in-process with httptest or net/http, or
// standalone with `imdesk mock`. It is safe for concurrent use.
//
// # Choices where the documentation is silent
//
// The spec marks some behaviour [UNCONFIRMED]. The mock picks the most
// plausible answer, and the package tests pin each choice:
//
//   - Request checks run in this order: path (60009 for an unknown service or
//     command, including get_group_attr under group_open_http_svc, the alias
//     only an old SDK uses), method (60002 unless POST), sdkappid (missing
//     60012, not this app 60006), contenttype=json and random as a uint32
//     (60002), identifier and usersig present (60004), the UserSig (70003
//     malformed — base64, zlib or JSON broken, or fields missing — before the
//     library's checks 70014 app id, 70013 identifier, 70001 expired, 70009
//     signature), identifier is an app admin (60010; the sns family answers
//     30004 and recentcontact 50003, as their pages document), the per-API rate
//     (60007), then the body (60003 unless a JSON object).
//   - Per-API limits are sliding one-second windows: 200 calls/s, account_check
//     100/s, get_appid_group_list 1/s. A refused call does not count.
//   - Group IDs: empty, longer than 48 bytes, or holding spaces or control
//     characters are malformed (10015); a well-formed ID that names no group
//     is missing (10010).
//   - Group attributes: GroupAttr absent or empty, an empty key, or the same
//     key twice in one request is invalid (10004). Per-item limits (10045 key,
//     10046 value) are checked before the limits of the resulting set (10047
//     keys, 10048 total bytes of values). get_group_attr answers
//     "GroupAttrAry": [] for a group without attributes, keys in the order
//     they were first set. delete_group_attr is all or nothing: one unknown key
//     fails the call with 10050 and nothing is deleted.
//   - The 5 writes/s per group (10049) is counted for every
//     modify/set/delete/clear call that names an existing group of a type that
//     supports the operation, checked before the content is validated — a
//     front-door limit, as Tencent's frequency controls are.
//   - Conversation groups: a duplicate name on create or rename is 50002;
//     ContactItem is optional on create (newest page) and at most 100 items;
//     group ids count up per user from 1 and are never reused; removing a
//     conversation that is not in the group succeeds (idempotent);
//     get_contact_group pages 100 conversations at a time; StandardMark is
//     the set bit positions written as a binary number ("" when none); the
//     1000-conversation cap (51008) fails the whole call; mark positions are
//     0..63 and a custom mark is at most 256 bytes (50002 otherwise).
//   - Friend lists: names are 1..32 bytes (30001
//     Err_SNS_GroupAdd_Req_Group_Name_Len_Illegal); adding an existing name or
//     going past 32 lists is 30001; deleting an unknown list is 30001. group_get
//     without GroupName and with LastSequence equal to CurrentSequence answers
//     an empty ResultItem (nothing changed). friend_add with a GroupName that
//     does not exist creates that list.
//   - Accounts: a UserID is 1..32 bytes of printable characters; invalid
//     account parameters are 70402. create_group accepts a custom GroupId not
//     yet used (10021 when it is), and a Community's custom ID must start with
//     "@TGS#_".
//   - A conversation in a group that does not exist is 51007: its GroupID
//     cannot be mapped. create_contact_group fails as a whole; mark_contact
//     and update_contact_group's adds fail that conversation alone (51007 in
//     its ResultItem / ContactResultItem) and make the others.
//   - Standard marks: imdesk uses bit positions 0 star, 1 unread, 2 fold,
//     3 hide — the client SDK's values 1, 2, 4, 8 as positions (value =
//     1 << position); StandardMark "1001" is star and hide.
//   - get_group_member_info pages with Offset (Community: Next) and Limit
//     ≤ 200 (default 100); the owner comes first. portrait_get takes ≤ 100
//     accounts and models Tag_Profile_IM_Nick and Tag_Profile_IM_Image; an
//     account not imported fails alone (40003).
//   - The "ErrorDisplay" field is sent by the sns and recentcontact families.
//
// # Codes only a fault reaches
//
// Some documented codes describe Tencent's own trouble or features the mock
// does not model: internal errors and timeouts (10002, 30006, 30007, 50004,
// 50005), write conflicts (10056, 30008), pinned conversations (51012), the
// remaining public codes (60005, 60008, 60011, 60013–60021, 70016, 70020,
// 70050, 70051, 70107) and group-family codes for protocol faults (10003,
// 10005, 10006, 10008, 10011, 10012, 10059). Inject them with an error Fault
// (Go: AddFault; standalone: POST /control/faults); TestEveryDocumentedCode
// lists how each code is reached.
package timmock
