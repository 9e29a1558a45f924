// Package timmock is a faithful simulator of the Tencent Cloud Chat (IM) REST
// API v4, for demo mode, unit tests and the e2e suite. What passes against it
// should pass against Tencent: it speaks the same wire protocol (POST
// /v4/{service}/{command} with sdkappid, identifier, usersig, random and
// contenttype in the query; HTTP 200 with ActionStatus/ErrorCode/ErrorInfo),
// verifies UserSigs with tls-sig-api-v2-golang, and enforces every limit and
// error code that Tencent's REST API pages (tencentcloud.com/document/product/1047/…,
// cloud.tencent.com/document/product/269/…) document for the calls imdesk
// uses. Limits count UTF-8 bytes, never characters.
//
// A Mock is an http.Handler; run it in-process with httptest or net/http, or
// standalone with `imdesk mock`. It is safe for concurrent use.
//
// # Strict requests
//
// Tencent's field names are case-sensitive (the REST API overview, 1047/34620:
// "parameter names and values are case-sensitive"). Every handler decodes
// its body through one strict decoder (strict.go): a key that differs from a
// field of the call only in letter case ("GroupID", "from_account", an
// attribute's "Key") is refused with the family's invalid-parameter code —
// 10004 group, 30001 sns, 50002 recentcontact, 70402 accounts — and an
// ErrorInfo naming the key and the real field; it is never read as that
// field, so a required field sent in the wrong case fails. A key that matches
// no field in any case is ignored: Tencent's own samples carry fields
// beyond their tables (friend_add's ForceAddFlags, friend_import's
// RemarkTime), and a public Go SDK that sends get_appid_group_list's filter
// as "Type" gets an unfiltered answer, not an error. TestDocumentationSamples
// posts the sample request of every served call's current page byte for
// byte; TestFieldNamesAreCaseSensitive posts each with every key, one at a
// time, in another case. Documented fields the mock does not model
// (friend_import's AddTime, RemarkTime and CustomItem, friend_add's
// ForceAddFlags, create_group's InviteJoinOption and SupportTopic) are
// declared all the same, so that their wrong-case
// variants are refused too.
//
// # Requests from public SDKs
//
// testdata/sdk/*.json keep, byte for byte, the request bodies that two
// public SDKs send from tests written against a live app, for the calls
// imdesk uses: doocs/qcloud-im-server-sdk-java (commit 5971fe4,
// 2025-12-17; src/test/java/io/github/doocs/im/core/*Test.java, bodies as
// Jackson writes the request classes) and dobyte/tencent-im (commit
// afab042, 2022-11-11; im_test.go against SDKAppID 1400564830, bodies as
// encoding/json writes its request structs, nulls included). Each file
// names its source, the test each body comes from and a seed that gives
// the names they use; TestPublicSDKRequests replays them in order. Every
// body is answered OK except doocs's testMarkContact, whose mark item has
// no ContactItem (50002, reason in the fixture). Neither SDK calls
// delete_group_attr, and dobyte has no group attributes or conversation
// groups.
//
// # Choices where the documentation is silent or disagrees
//
// The mock picks the most plausible answer, and the package tests pin each
// choice:
//
//   - Request checks run in this order: path (60009 for an unknown service or
//     command, including get_group_attr under group_open_http_svc), method (60002 unless POST), sdkappid (missing
//     60012, not this app 60006), contenttype=json and random as a uint32
//     (60002), identifier and usersig present (60004), the UserSig (70003
//     malformed — base64, zlib or JSON broken, or fields missing — before the
//     library's checks 70014 app id, 70013 identifier, 70001 expired, 70009
//     signature), identifier is an app admin (60010; the sns family answers
//     30004 and recentcontact 50003, as their pages document), the per-API rate
//     (60007), then the body (60003 unless a JSON object).
//   - An account field (From_Account, To_Account, Owner_Account,
//     Member_Account, User_Account and its items, UserID, Accounts) sent
//     as a number or anything else but a string is 60015 in every family:
//     Tencent's public REST error table (1047/34348 "Error Codes",
//     updated 2024-11-11; 269/1671) has 60015 "the account type in the
//     request body is wrong; it must be a string". Any other field of the
//     wrong type is the family's parameter code. Walking that table
//     (60002–60021, 70001–70107), the other codes the mock reaches by
//     request are 60002, 60003, 60004, 60006, 60007, 60009, 60010, 60012,
//     70001, 70003, 70009, 70013 and 70014 (order above); 60005 repeats
//     60004's meaning and is left to faults, with the codes below. No
//     60022 was found in any copy of the table.
//   - Per-API limits are sliding one-second windows: 200 calls/s, account_check
//     100/s, get_appid_group_list 1/s. A refused call does not count.
//   - Group IDs: empty, longer than 48 bytes, or holding spaces or control
//     characters are malformed (10015); a well-formed ID that names no group
//     is missing (10010).
//   - get_role_in_group ("Querying the Roles of Users in a Group",
//     https://www.tencentcloud.com/document/product/1047/34963): 1..500
//     accounts (10004 otherwise); each answered Owner, Admin, Member or
//     NotMember in the order asked; an AVChatRoom group is 10007, as the
//     page says.
//   - Group admins: Tencent's group-type table ("Group Management",
//     intl.cloud.tencent.com/document/product/1047/46310: "Available member
//     roles") gives Public, Meeting and Community an owner, admins and
//     ordinary members, and Work and AVChatRoom only an owner and ordinary
//     members ("Group System", 1047/33529: "Work groups do not support the
//     setting of admins by default"). create_group's MemberList Role
//     "Admin" makes an admin in the first three; in a Work or AVChatRoom
//     group the member is kept as an ordinary one (whether Tencent refuses
//     instead is not documented). get_role_in_group, get_group_info's
//     MemberList and get_group_member_info all answer "Admin" for them.
//     The demo data has an admin in a Community, a Public, a Meeting and a
//     ChatRoom group; generated groups (Seed.Generate, `imdesk mock
//     --groups N`) of those types get an owner, an admin and a member when
//     the app has three users or more; a seed that gives a Work or
//     AVChatRoom group admins is refused.
//   - Group attributes: GroupAttr absent or empty, an empty key, or the same
//     key twice in one request is invalid (10004). Per-item limits (10045 key,
//     10046 value) are checked before the limits of the resulting set (10047
//     keys, 10048 past 16,000 bytes of values: the REST pages count values
//     only, so the simulator does; the client SDK pages, "all keys and
//     values up to 16 KB", count keys too. imdesk itself refuses more
//     than 16,000 bytes of keys and values together (api.AttrBytes), which
//     both readings accept, and its editor counts the same). get_group_attr answers
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
//   - get_group_attr is served under group_open_attr_http_svc only; under
//     group_open_http_svc it is 60009. Every page for it — "Getting Group
//     Custom Attributes", tencentcloud.com/document/product/1047/44187 and
//     cloud.tencent.com/document/product/269/67012, in every language — gives
//     group_open_attr_http_svc, and so do the SDKs that are tested against
//     the live service (doocs/qcloud-im-server-sdk-java, chenjiacheng/tim).
//     Only the OpenAPI-generated SDKs (TencentCloud/tencentcloud-im-sdk-java,
//     2022, and PHP SDKs generated from the same description) call
//     group_open_http_svc/get_group_attr; they have no tests against
//     Tencent and no report either way was found, so that Tencent answers it
//     is unconfirmed. A client that passes against the mock uses the path
//     that is known to work.
//   - Friend lists ("Adding Lists" 1047/34950, "Deleting Lists" 1047/34926,
//     "Relationship Chain Management" 1047/33521): names are 1..30 bytes,
//     the overview's limit for Tag_SNS_IM_Group (the group_add page names
//     none; 31 bytes and more, or an empty name, is 30001
//     Err_SNS_GroupAdd_Req_Group_Name_Len_Illegal); group_add and
//     group_delete take 1..32 names (30001 otherwise), group_add at most
//     1,000 To_Account; a user has at most 32 lists, and a call that would
//     make a 33rd (group_add, friend_update's Tag_SNS_IM_Group, friend_add,
//     friend_import) is 30011, the relationship error table's "the number
//     of lists has reached the system limit" (the call pages list only
//     30001–30008); adding an existing name, or deleting an unknown list,
//     is 30001, and nothing is made. group_add's To_Account who is not a
//     friend of From_Account fails alone (32216
//     Err_SNS_GroupAdd_ToTinyId_Not_Friend, in ResultItem and Fail_Account)
//     and the lists are made with the others. A new list goes after the
//     user's other lists, and group_get returns them in that order.
//     Deleting a list takes it out of every friend's Tag_SNS_IM_Group; the
//     friends stay friends. friend_add with a GroupName that does not exist
//     creates that list.
//   - group_get follows Tencent's current page ("Pulling Lists",
//     tencentcloud.com/document/product/1047/40123, updated 2024-09; same
//     fields on trtc.io/document/40123 and the Chinese page), which has only
//     From_Account, NeedFriend and GroupName: LastSequence is optional, and
//     without it every list is returned (with members when NeedFriend). The
//     older page required LastSequence; when it is sent and equals
//     CurrentSequence, ResultItem is empty (nothing changed since), and any
//     other value returns every list. GroupName names lists to return with
//     their members, whatever LastSequence says.
//   - Friends (friend_get, friend_check, friend_update; Tencent's pages
//     "Pulling Friends" 1047/34908, "Checking Friends" 1047/34907, "Updating
//     Friends" 1047/34904): friend_get pages 100 friends in UserID order,
//     each with Tag_SNS_IM_AddSource, _Remark, _Group (the lists that hold
//     the friend), _AddWording and _AddTime, left out when StandardSequence
//     equals the current one; StartIndex is required. friend_check takes
//     1..1000 accounts and CheckType CheckResult_Type_Both or _Single (else
//     30001); an unknown account fails alone (30003, Fail_Account).
//     friend_update takes 1..100 UpdateItem, each with a non-empty SnsItem;
//     Tag_SNS_IM_Remark is a string of at most 96 bytes, Tag_SNS_IM_Group an
//     array of list names that replaces the lists holding the friend: the
//     friend leaves the lists not named (which stay, empty or not) and
//     joins those named (missing lists are created, within the 32-list cap,
//     30011 past it; names as group_add's); other standard tags are 30001. Custom tags (Tag_SNS_Custom_*) are stored as if the app
//     had configured them in the console, since the page's own complete
//     sample sends one. Every item is validated before anything changes; a
//     To_Account that is not a friend fails alone with 32216.
//   - The conversation list ("Pulling a Conversation List",
//     tencentcloud.com/document/product/1047/43087): all five fields are
//     required (50002 when one is missing), AssistFlags holds bits 0..2 (bit
//     0 pinned first with TopFlag, bit 1 include conversations without
//     messages). Conversations are ordered pinned first (with bit 0), then
//     newest message first; pages hold 100; StartIndex counts through that
//     one order, so TopStartIndex is answered 0 and bit 2 changes nothing;
//     TimeStamp is the time of the first page, echoed after. Group
//     conversations carry "GroupId" (not "ToGroupId", as conversation groups
//     do). It works on every edition. The conversations themselves come from
//     the seed ("conversations"), since the mock carries no messages.
//   - get_group_info ("Getting Group Profiles", 1047/34961): without a
//     ResponseFilter every base field, the MemberList (all member fields) and
//     all AppDefinedData come back; with one, only the base fields named in
//     GroupBaseInfoFilter (all when it is empty), a MemberList only when
//     MemberInfoFilter names fields (Member_Account always), and
//     AppDefinedData only for the keys of AppDefinedDataFilter_Group. A name
//     the page does not list in either filter is 10004, not ignored.
//     One naming scheme per answer, the current page's: the group's
//     "MuteAllMember" ("On" or "Off") and a member's "MuteUntil". Evidence:
//     tencentcloud.com/document/product/1047/34961 (last updated
//     2024-02-07; the same text on trtc.io/document/34961) names them so in
//     its sample response, which a public Rust SDK's get_group_info tests
//     copy verbatim ("MuteAllMember": "On", "MuteUntil": 1431069882), as
//     doocs/qcloud-im-server-sdk-java's model classes name the field
//     MuteAllMember (2025-12 snapshot); the Chinese page 269/1616 keeps the
//     older ShutUpAllMember and ShutUpUntil. A real answer carries one name,
//     so the mock never answers both; its filters accept either name and
//     answer the current one, and imdesk's client (tim.GroupInfo,
//     tim.GroupMemberInfo) reads either. MemberNum is left out for an
//     AVChatRoom, whose member count the page's field table says is not
//     supported; AVChatRoom groups have no MemberList.
//   - get_appid_group_list ("Getting All Groups in an App", 1047/34960,
//     and the Chinese 269/1614) filters by "GroupType". dobyte/tencent-im
//     (group/types.go, fetchGroupIdsReq, 2022-11 snapshot) sends the filter
//     as "Type"; doocs/qcloud-im-server-sdk-java
//     (GetAppIdGroupListRequest.java) sends "GroupType". Tencent ignores
//     an unknown field rather than refusing it (see Strict requests), so
//     "Type" gets an unfiltered answer, which is what the mock gives;
//     imdesk's client sends GroupType (TestAppIDGroupListSendsGroupType).
//     Limit is optional ("if absent, the maximum, 10000"); "Limit": 0 is
//     read as absent, not refused: no page or SDK shows Tencent refusing
//     it, and SDKs drop a zero Limit anyway (dobyte's omitempty). Only a
//     negative Limit or one over 10000 is 10004.
//   - A ContactItem's Type decides which field names the conversation;
//     the other field, sent as well, is ignored. Evidence:
//     doocs/qcloud-im-server-sdk-java's RecentContactTest.java
//     (testCreateContactGroup, testSearchContactGroup, since 2023-03),
//     written against a live app and asserting ActionStatus OK, sends
//     {"Type":1,"To_Account":…,"ToGroupId":…}. An item without the field
//     its Type needs is still 50002.
//   - update_contact_group's UpdateType is required (1, the only value;
//     the page 1047/53439 and 269/85793 mark it required) and its absence
//     is 50002: every public SDK found sends it (doocs's
//     UpdateContactGroupRequest.java and its test, "updateType(1)"; a PHP
//     SDK's UpdateContactGroupItem sets UpdateType = 1 in its constructor),
//     so no evidence shows Tencent accepting a body without it.
//   - Editions: conversation groups and marks of either kind need a Pro,
//     Pro Plus or Enterprise edition (51013 on a basic app, for writing and
//     reading alike). The pages disagree: the English mark_contact page
//     (tencentcloud.com/document/product/1047/53438, last updated
//     2024-07-16) says "custom conversation mark operations have no such
//     restrictions", but the newest mirror of the same page
//     (trtc.io/ko/document/53438, read 2026-12-07; it lists the Tokyo
//     domain, which the older copy does not) says "Conversation grouping
//     and marking features require enabling Pro Edition, Pro Plus Edition
//     or Enterprise Edition", and so does the newest get_contact_group page
//     (53440). The newest page wins — and it is the consistent reading:
//     under the old one a basic app could write custom marks that
//     get_contact_group (51013) never reads back. Seeding a basic app
//     (Options.Basic, `imdesk mock --basic`) leaves out the seed's
//     conversation groups and marks, so the demo data starts on either
//     edition; a seed's own "basicEdition" still switches the app to basic
//     after seeding, keeping what was made before (a downgrade).
//   - Accounts: a UserID is 1..32 bytes of printable characters; invalid
//     account parameters are 70402. create_group accepts a custom GroupId not
//     yet used (10021 when it is), and a Community's custom ID must start with
//     "@TGS#_".
//   - A conversation in a group that does not exist is 51007: its GroupID
//     cannot be mapped. create_contact_group fails as a whole; mark_contact
//     and update_contact_group's adds fail that conversation alone (51007 in
//     its ResultItem / ContactResultItem) and make the others.
//   - Standard marks: SetMark/ClearMark name bit positions; StandardMark
//     is the set positions written as a binary number, position 0 the
//     rightmost digit, no leading zeros ("" when none). imdesk uses
//     positions 0 star, 1 unread, 2 fold, 3 hide: the client SDKs'
//     V2TIMConversationMarkType values (V2TIMConversationManager.h on iOS,
//     V2TIMConversation.h in the C++ SDK, V2TimConversationMarkType in
//     Flutter: STAR 0x1, UNREAD 0x1 << 1, FOLD 0x1 << 2, HIDE 0x1 << 3) as
//     positions, value = 1 << position; "1001" is star and hide. Evidence
//     for the digit order: a live get_contact_group answer quoted in a
//     public PHP SDK's feature tests (QcloudIM DemoTest, Timestamp
//     1744794702, 2025-04) has "StandardMark":"1" followed by 34 zeros —
//     read right to left, position 34 alone, an app's own mark value
//     (1 << 34); read left to right it would be position 0 padded with 34
//     meaningless zeros. The pages' samples do not settle it: the
//     mark_contact sample (1047/53438: user0 marks user1 with "SetMark":
//     [1,2,3], "CustomMark": "abcd") answers no StandardMark, and the
//     "111001" of the get_contact_group sample (1047/53440) belongs to other
//     conversations (teacher4, @TGS#1N3RSUYG2); in the mock the first
//     reads back "1110" and "111001" is positions 0, 3, 4, 5
//     (TestStandardMarkString). The panel's mapping (api.MarkBits) stands.
//   - get_group_member_info pages with Offset (Community: Next) and Limit
//     ≤ 200 (default 100); the owner comes first. portrait_get takes ≤ 100
//     accounts and models Tag_Profile_IM_Nick and Tag_Profile_IM_Image; an
//     account not imported fails alone (40003).
//   - The "ErrorDisplay" field is sent by the sns and recentcontact families.
//
// # Members' profiles (modify_group_member_info, get_specified_group_member_info)
//
// Read 2026-12-07: "Modifying the Profile of a Group Member"
// (tencentcloud.com/document/product/1047/34900, last updated 2024-07-16;
// the Korean mirror 2026-01-29), "Getting Group Member Profiles"
// (1047/34948), trtc.io/document/64897 (specified members), "Group System"
// (1047/33529) for custom fields; the field tables of the current pages
// could not be read whole, so the older English copies and public SDKs
// (doocs/qcloud-im-server-sdk-java ModifyGroupMemberInfoRequest, a Rust
// crate citing 1047/34900) fill in. Decisions:
//
//   - Fields: GroupId and Member_Account required; Role ("Admin" sets,
//     "Member" takes away an admin; nothing else), MsgFlag
//     (AcceptAndNotify, AcceptNotNotify, Discard), NameCard (≤ 50 bytes),
//     AppMemberDefinedData (Key/Value), and the mute in seconds — MuteTime
//     on the current page and in the SDKs, ShutUpTime on the older pages;
//     both are accepted, MuteTime wins. 0 unmutes; 4294967295 mutes until
//     unmuted (forbid_send_msg's documented meaning, which the mock gives
//     MuteTime too). The answer is the common envelope.
//   - Refusals, all of the change or none of it: an AVChatRoom (it keeps
//     no member profiles) 10007; a user who is not a member 10004; the
//     owner's role 10004 (the pages are silent on the code; ownership moves
//     with change_group_owner); Role "Admin" in a group type without admins
//     (Work/Private, AVChatRoom) 10007; a mute in a Work group 10007 ("Work
//     groups do not support muting"); a name card over 50 bytes, a mute
//     outside 0..4294967295, a MsgFlag or Role not listed 10004; a custom
//     key the app did not define (in the console; here, the seed's
//     memberDataKeys: at most 5 keys of letters, digits and _ under 16
//     bytes) or a value over 64 bytes 10004. The pages give no code for
//     the last two; 10004 is the family's parameter code.
//   - get_group_member_info and get_specified_group_member_info answer each
//     member's Role, JoinTime, MsgSeq, MsgFlag, LastSendMsgTime, MuteUntil
//     (0 when not muted or the mute has passed; the older ShutUpUntil is
//     accepted in MemberInfoFilter) and NameCard, filtered by
//     MemberInfoFilter and MemberRoleFilter. AppMemberDefinedData holds the
//     keys AppDefinedDataFilter_GroupMember names, or, without the filter,
//     every key the member has a value for — a guess: the pages do not say
//     what an absent filter returns, so imdesk's client always names the
//     keys it shows. get_specified_group_member_info takes 1..50 accounts
//     (Member_List_Account) and leaves out users who are not members.
//     Both refuse an AVChatRoom (10007).
//   - Not modelled: forbid_send_msg and get_group_muted_account (imdesk
//     mutes one member a call, so each row of a batch has its own answer),
//     the text filter's 80001.
//
// # Codes only a fault reaches
//
// Some documented codes describe Tencent's own trouble or features the mock
// does not model: internal errors and timeouts (10002, 30006, 30007, 50004,
// 50005), write conflicts (10056, 30008: concurrent writes to one user's
// relationship data; the call fails whole and makes nothing), the
// relationship limits and refusals the mock has no cause for (30005
// sensitive words, 30009, 30010, 30012–30014), pinned conversations (51012), the
// remaining public codes (60005, 60008, 60011, 60013, 60014,
// 60016–60021, 70016, 70020, 70050, 70051, 70107) and group-family codes for protocol faults (10003,
// 10005, 10006, 10008, 10011, 10012, 10059). Inject them with an error Fault
// (Go: AddFault; standalone: POST /control/faults); TestEveryDocumentedCode
// lists how each code is reached.
package timmock
