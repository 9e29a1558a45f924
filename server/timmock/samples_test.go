package timmock

import (
	"encoding/json"
	"math/rand/v2"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/clocktest"
)

// sampleSeed holds the accounts and groups that the sample requests of
// Tencent's pages name.
var sampleSeed = Seed{
	Users: []SeedUser{{ID: "id"}, {ID: "id1"}, {ID: "id2"}, {ID: "id3"}, {ID: "id4"}, {ID: "id5"}, {ID: "user0"}, {ID: "user1"},
		{ID: "user15"}, {ID: "user20"}, {ID: "leckie"}, {ID: "UserID_1"}, {ID: "UserID_2"}, {ID: "bob"}, {ID: "peter"}},
	Groups: []SeedGroup{
		{ID: "@TGS#aC5SZEAEF", Type: "Public", Name: "sample", Owner: "leckie",
			Attributes: []SeedAttr{{"attr_key", "v"}, {"attr_key1", "v1"}}},
		{ID: "@TGS#1NVTZEAE4", Type: "Public", Name: "sample 2", Owner: "leckie", Members: []string{"id"}},
		{ID: "@TGS#1CXTZEAET", Type: "Work", Name: "sample 3"},
		{ID: "@TGS#2C5SZEAEF", Type: "Public", Name: "sample 4", Owner: "leckie", Members: []string{"peter"}},
		{ID: "@TGS#2CLUZEAEJ", Type: "Public", Name: "sample 5", Owner: "leckie", Members: []string{"bob"}},
	},
	MemberDataKeys: []string{"MemberDefined1", "MemberDefined2"},
	Friends:        []SeedFriendship{{User: "id", Friend: "id1"}, {User: "id", Friend: "id2"}},
	Conversations: []SeedRecent{
		{User: "id1", Conversation: SeedConv{User: "id"}, MsgTime: 1630997627, Pinned: true},
		{User: "id1", Conversation: SeedConv{Group: "@TGS#1NVTZEAE4"}, MsgTime: 1630997628},
	},
}

// sample is a request as Tencent's current page for the call shows it, with
// the requests (if any) that make the state it assumes.
type sample struct {
	page  string // Tencent's page
	cmd   string
	body  string
	setup []struct{ cmd, body string }
}

func setup(pairs ...string) []struct{ cmd, body string } {
	var out []struct{ cmd, body string }
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, struct{ cmd, body string }{pairs[i], pairs[i+1]})
	}
	return out
}

var samples = []sample{
	{"Getting Group Custom Attributes (1047/44187)", "group_open_attr_http_svc/get_group_attr", `{"GroupId":"@TGS#aC5SZEAEF"}`, nil},
	{"Modifying Group Custom Attributes (1047/44188)", "group_open_http_svc/modify_group_attr", `{"GroupId":"@TGS#aC5SZEAEF","GroupAttr":[{"key":"attr_key","value":"attr_val"},{"key":"attr_key1","value":"attr_val1"}]}`, nil},
	{"Clearing Group Custom Attributes (1047/44189)", "group_open_http_svc/clear_group_attr", `{"GroupId":"@TGS#aC5SZEAEF"}`, nil},
	{"Resetting Group Custom Attributes (1047/44190)", "group_open_http_svc/set_group_attr", `{"GroupId":"@TGS#aC5SZEAEF","GroupAttr":[{"key":"attr_key","value":"attr_val"},{"key":"attr_key1","value":"attr_val1"}]}`, nil},
	{"Deleting Group Custom Attributes (1047/59499)", "group_open_http_svc/delete_group_attr", `{"GroupId":"@TGS#aC5SZEAEF","GroupAttr":[{"key":"attr_key"},{"key":"attr_key1"}]}`, nil},
	{"Getting All Groups in an App (1047/34960)", "group_open_http_svc/get_appid_group_list", `{"Limit":1000,"Next":0,"GroupType":"Public"}`, nil},
	{"Getting Group Profiles (1047/34961), basic", "group_open_http_svc/get_group_info", `{"GroupIdList":["@TGS#1NVTZEAE4","@TGS#1CXTZEAET"]}`, nil},
	{"Getting Group Profiles (1047/34961), with filter", "group_open_http_svc/get_group_info", `{"GroupIdList":["@TGS#1NVTZEAE4","@TGS#1CXTZEAET"],"ResponseFilter":{"GroupBaseInfoFilter":["Type","Name","Introduction","Notification"],"MemberInfoFilter":["Account","Role"],"AppDefinedDataFilter_Group":["GroupTestData1","GroupTestData2"],"AppDefinedDataFilter_GroupMember":["MemberDefined2","MemberDefined1"]}}`, nil},
	{"Querying the Roles of Users in a Group (1047/34963)", "group_open_http_svc/get_role_in_group", `{"GroupId":"@TGS#2C5SZEAEF","User_Account":["leckie","peter","wesley"]}`, nil},
	{"Getting Group Member Profiles (1047/34948)", "group_open_http_svc/get_group_member_info", `{"GroupId":"@TGS#1NVTZEAE4"}`, nil},
	{"Getting Group Member Profiles (1047/34948), paged", "group_open_http_svc/get_group_member_info", `{"GroupId":"@TGS#1NVTZEAE4","Limit":100,"Offset":0}`, nil},
	{"Modifying the Profile of a Group Member (1047/34900), set an admin", "group_open_http_svc/modify_group_member_info", `{"GroupId":"@TGS#2CLUZEAEJ","Member_Account":"bob","Role":"Admin"}`, nil},
	{"Modifying the Profile of a Group Member (1047/34900), cancel an admin", "group_open_http_svc/modify_group_member_info", `{"GroupId":"@TGS#2CLUZEAEJ","Member_Account":"bob","Role":"Member"}`, nil},
	{"Modifying the Profile of a Group Member (1047/34900), message flag", "group_open_http_svc/modify_group_member_info", `{"GroupId":"@TGS#2CLUZEAEJ","Member_Account":"bob","MsgFlag":"AcceptAndNotify"}`, nil},
	{"Modifying the Profile of a Group Member (1047/34900), name card", "group_open_http_svc/modify_group_member_info", `{"GroupId":"@TGS#2CLUZEAEJ","Member_Account":"bob","NameCard":"bob"}`, nil},
	{"Modifying the Profile of a Group Member (1047/34900), custom fields", "group_open_http_svc/modify_group_member_info", `{"GroupId":"@TGS#2CLUZEAEJ","Member_Account":"bob","AppMemberDefinedData":[{"Key":"MemberDefined1","Value":"ModifyData1"},{"Key":"MemberDefined2","Value":"ModifyData2"}]}`, nil},
	{"Modifying the Profile of a Group Member (1047/34900), mute", "group_open_http_svc/modify_group_member_info", `{"GroupId":"@TGS#2CLUZEAEJ","Member_Account":"bob","MuteTime":86400}`, nil},
	{"Getting the Profiles of Specified Group Members (64897)", "group_open_http_svc/get_specified_group_member_info", `{"GroupId":"@TGS#2CLUZEAEJ","Member_List_Account":["bob"]}`, nil},
	{"Pulling Profiles (1047/34917)", "profile/portrait_get", `{"To_Account":["id1","id2","id3"],"TagList":["Tag_Profile_IM_Nick"]}`, nil},
	{"Pulling Profiles (1047/34917), several fields", "profile/portrait_get", `{"To_Account":["id1","id2","id3","id4"],"TagList":["Tag_Profile_IM_Nick","Tag_Profile_IM_AllowType","Tag_Profile_IM_SelfSignature","Tag_Profile_Custom_Test"]}`, nil},
	{"Creating a Group (1047/34895)", "group_open_http_svc/create_group", `{"Owner_Account":"leckie","Type":"Public","Name":"TestGroup"}`, nil},
	{"Creating a Group (1047/34895), complete", "group_open_http_svc/create_group", `{"Owner_Account":"leckie","Type":"Public","GroupId":"MyFirstGroup","Name":"TestGroup","Introduction":"This is group Introduction","Notification":"This is group Notification","FaceUrl":"http://this.is.face.url","MaxMemberCount":500,"ApplyJoinOption":"FreeAccess","AppDefinedData":[{"Key":"GroupTestData1","Value":"xxxxx"},{"Key":"GroupTestData2","Value":"abc"}],"MemberList":[{"Member_Account":"bob","Role":"Admin","AppMemberDefinedData":[{"Key":"MemberDefined1","Value":"ModifyDefined1"}]},{"Member_Account":"peter"}]}`, nil},
	{"Creating Conversation Group Data (1047/53437)", "recentcontact/create_contact_group", `{"From_Account":"user15","GroupContactItem":[{"GroupName":"test0","ContactItem":[{"Type":1,"To_Account":"user0"}]}]}`, nil},
	{"Updating Conversation Group Data (1047/53439)", "recentcontact/update_contact_group", `{"From_Account":"user20","UpdateType":1,"UpdateGroup":{"UpdateGroupType":2,"OldGroupName":"test1","ContactUpdateItem":[{"ContactOptType":1,"ContactItem":{"Type":1,"To_Account":"user1"}}]}}`,
		setup("recentcontact/create_contact_group", `{"From_Account":"user20","GroupContactItem":[{"GroupName":"test1"}]}`)},
	{"Deleting Conversation Group Data (1047/53441)", "recentcontact/del_contact_group", `{"From_Account":"user15","GroupName":["test0"]}`,
		setup("recentcontact/create_contact_group", `{"From_Account":"user15","GroupContactItem":[{"GroupName":"test0"}]}`)},
	{"Pulling Conversation Group Mark Data (1047/53440)", "recentcontact/get_contact_group", `{"From_Account":"user0","StartIndex":0}`, nil},
	{"Searching Conversation Group Mark Data (1047/53442)", "recentcontact/search_contact_group", `{"From_Account":"user0","ContactItem":[{"Type":1,"To_Account":"user1"}]}`, nil},
	{"Creating or Updating Conversation Mark Data (1047/53438)", "recentcontact/mark_contact", `{"From_Account":"user0","MarkItem":[{"OptType":3,"ContactItem":{"Type":1,"To_Account":"user1"},"SetMark":[1,2,3],"CustomMark":"abcd"}]}`, nil},
	{"Pulling a Conversation List (1047/43087)", "recentcontact/get_list", `{"From_Account": "id1","TimeStamp": 0,"StartIndex": 0,"TopTimeStamp": 0,"TopStartIndex": 0,"AssistFlags": 7}`, nil},
	{"Adding Lists (1047/34950)", "sns/group_add", `{"From_Account":"id","GroupName":["group1","group2","group3"],"To_Account":["id1","id2","id3"]}`, nil},
	{"Deleting Lists (1047/34926)", "sns/group_delete", `{"From_Account":"id","GroupName":["group1","group2","group3"]}`,
		setup("sns/group_add", `{"From_Account":"id","GroupName":["group1","group2","group3"]}`)},
	{"Pulling Lists (1047/40123), basic", "sns/group_get", `{"From_Account":"id"}`, nil},
	{"Pulling Lists (1047/40123), complete", "sns/group_get", `{"From_Account":"id","NeedFriend":"Need_Friend_Type_Yes","GroupName": ["group1"]}`,
		setup("sns/group_add", `{"From_Account":"id","GroupName":["group1"],"To_Account":["id1"]}`)},
	{"Adding Friends (1047/34902)", "sns/friend_add", `{"From_Account":"id","AddFriendItem":[{"To_Account":"id3","AddSource":"AddSource_Type_XXXXXXXX"}]}`, nil},
	{"Adding Friends (1047/34902), already friends", "sns/friend_add", `{"From_Account":"id","AddFriendItem":[{"To_Account":"id1","AddSource":"AddSource_Type_XXXXXXXX"}]}`, nil},
	{"Importing Friends (1047/34903)", "sns/friend_import", `{"From_Account":"id","AddFriendItem":[{"To_Account":"id3","AddSource":"AddSource_Type_XXXXXXXX"}]}`, nil},
	{"Importing Friends (1047/34903), complete", "sns/friend_import", `{"From_Account":"id","AddFriendItem":[{"To_Account":"id3","Remark":"remark1","RemarkTime":1420000001,"GroupName":["Friends"],"AddSource":"AddSource_Type_XXXXXXXX","AddWording":"I'm Test1","AddTime":1420000001,"CustomItem":[{"Tag":"Tag_SNS_Custom_XXXX","Value":"Test"},{"Tag":"Tag_SNS_Custom_YYYY","Value":0}]}]}`, nil},
	{"Pulling Friends (1047/34908)", "sns/friend_get", `{"From_Account": "id","StartIndex": 0,"StandardSequence": 0,"CustomSequence": 0}`, nil},
	{"Checking Friends (1047/34907)", "sns/friend_check", `{"From_Account":"id","To_Account":["id1","id2","id3","id4","id5"],"CheckType":"CheckResult_Type_Both"}`, nil},
	{"Updating Friends (1047/34904), basic", "sns/friend_update", `{"From_Account":"id","UpdateItem":[{"To_Account":"id1","SnsItem":[{"Tag":"Tag_SNS_IM_Remark","Value":"remark1"}]}]}`, nil},
	{"Updating Friends (1047/34904), complete", "sns/friend_update", `{"From_Account":"id","UpdateItem":[{"To_Account":"id1","SnsItem":[{"Tag":"Tag_SNS_IM_Remark","Value":"remark1"},{"Tag":"Tag_SNS_IM_Group","Value":["group1","group2"]},{"Tag":"Tag_SNS_Custom_Test","Value":"test"}]}]}`, nil},
	{"Querying Account (1047/34956)", "im_open_login_svc/account_check", `{"CheckItem":[{"UserID":"UserID_1"},{"UserID":"UserID_2"}]}`, nil},
	{"Importing a Single Account (1047/34953)", "im_open_login_svc/account_import", `{"UserID":"test","Nick":"test","FaceUrl":"http://www.qq.com"}`, nil},
	{"Importing Multiple Accounts (1047/34954)", "im_open_login_svc/multiaccount_import", `{"Accounts":["test1","test2","test3","test4","test5"]}`, nil},
}

func newSampleEnv(t *testing.T) *env {
	t.Helper()
	c := clocktest.New(time.Now())
	m := New(Options{SDKAppID: testAppID, SecretKey: testKey, Now: c.Now, Rand: rand.New(rand.NewPCG(1, 2))})
	if err := m.Seed(&sampleSeed); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler(true))
	t.Cleanup(func() { m.Close(); srv.Close() })
	return &env{t: t, mock: m, srv: srv, clock: c, sig: genSig(t, testAppID, testKey, testAdmin, 86400)}
}

// The sample requests of Tencent's current pages, posted byte for byte,
// succeed for every call the mock serves.
func TestDocumentationSamples(t *testing.T) {
	served := map[string]bool{}
	for _, s := range samples {
		served[s.cmd] = true
		t.Run(s.page, func(t *testing.T) {
			e := newSampleEnv(t)
			for _, st := range s.setup {
				if _, out := e.post("/v4/"+st.cmd, st.body, nil); code(out) != 0 {
					t.Fatalf("setup %s: %v", st.cmd, out)
				}
			}
			if _, out := e.post("/v4/"+s.cmd, s.body, nil); out["ActionStatus"] != "OK" || code(out) != 0 {
				t.Fatalf("%s %s: %v", s.cmd, s.body, out)
			}
		})
	}
	for name := range commands {
		if !served[name] {
			t.Errorf("no documentation sample for %s", name)
		}
	}
}

// wrongCase returns every variant of body with exactly one object key in
// another letter case, each with the key's path.
func wrongCase(t *testing.T, body string) map[string]string {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var walk func(v any, path string, rebuild func(any) any)
	walk = func(v any, path string, rebuild func(any) any) {
		switch v := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				other := strings.ToLower(k)
				if other == k {
					other = strings.ToUpper(k)
				}
				if other == k {
					continue
				}
				swapped := map[string]any{}
				for kk, vv := range v {
					swapped[kk] = vv
				}
				delete(swapped, k)
				swapped[other] = v[k]
				b, _ := json.Marshal(rebuild(swapped))
				out[path+other] = string(b)
				child := v[k]
				walk(child, path+k+".", func(nv any) any {
					cp := map[string]any{}
					for kk, vv := range v {
						cp[kk] = vv
					}
					cp[k] = nv
					return rebuild(cp)
				})
			}
		case []any:
			for i, item := range v {
				walk(item, path, func(nv any) any {
					cp := append([]any(nil), v...)
					cp[i] = nv
					return rebuild(cp)
				})
			}
		}
	}
	walk(doc, "", func(v any) any { return v })
	return out
}

// Tencent's field names are case-sensitive: every documented request with
// one field name in another case fails with its family's invalid-parameter
// code, and is never read as the field it resembles.
func TestFieldNamesAreCaseSensitive(t *testing.T) {
	for _, s := range samples {
		variants := wrongCase(t, s.body)
		if len(variants) == 0 {
			t.Fatalf("%s: no field to change", s.page)
		}
		want := commands[s.cmd].family.paramCode()
		t.Run(s.page, func(t *testing.T) {
			e := newSampleEnv(t)
			e.mock.unlimit = true
			for _, st := range s.setup {
				e.post("/v4/"+st.cmd, st.body, nil)
			}
			for path, body := range variants {
				if _, out := e.post("/v4/"+s.cmd, body, nil); code(out) != want {
					t.Errorf("%s with %s: got %v, want %d", s.cmd, path, out, want)
				} else if info, _ := out["ErrorInfo"].(string); !strings.Contains(info, path[strings.LastIndexByte(path, '.')+1:]) {
					t.Errorf("%s with %s: ErrorInfo %q does not name the field", s.cmd, path, info)
				}
			}
		})
	}
}

// The cases the issue names: each is refused, not read as the real field.
func TestWrongCaseExamples(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct{ cmd, body string }{
		{getAttr, `{"GroupID":"@TGS#public1"}`},
		{modifyAttr, `{"GroupId":"@TGS#work1","GroupAttr":[{"Key":"k","Value":"v"}]}`},
		{listGet, `{"from_account":"alice"}`},
		{createCG, `{"From_Account":"alice","GroupContactItem":[{"GroupName":"x","ContactItem":[{"Type":2,"ToGroupID":"@TGS#public1"}]}]}`},
		{getCG, `{"From_Account":"alice","startindex":0}`},
	} {
		want := commands[c.cmd].family.paramCode()
		if _, out := e.post("/v4/"+c.cmd, c.body, nil); code(out) != want {
			t.Errorf("%s %s: got %v, want %d", c.cmd, c.body, out, want)
		}
	}
	if got := e.attrs("@TGS#work1"); got["k"] != "" {
		t.Fatalf("a wrong-case attribute was stored: %v", got)
	}
	// A field Tencent does not know in any case is ignored.
	e.mustOK(getAttr, json.RawMessage(`{"GroupId":"@TGS#public1","Extra":1}`))
}
