package timmock

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/tencentyun/tls-sig-api-v2-golang/tencentyun"
)

// FuzzSimulatorDecode sends any body to the commands with the most
// intricate requests: the simulator never panics, always answers
// Tencent's envelope, and refuses with a code whenever it does not say OK.
func FuzzSimulatorDecode(f *testing.F) {
	for _, seed := range []string{
		`{"GroupId":"@TGS#public1","GroupAttr":[{"key":"k","value":"v"}]}`,
		`{"From_Account":"alice","GroupContactItem":[{"GroupName":"g","ContactItem":[{"Type":1,"To_Account":"bob"}]}]}`,
		`{"From_Account":"alice","MarkItem":[{"OptType":3,"ContactItem":{"Type":2,"ToGroupId":"@TGS#public1"},"SetMark":[1],"CustomMark":"x"}]}`,
		`{"From_Account":"alice","GroupName":["L"],"To_Account":["bob"]}`,
		`{"From_Account":"alice","UpdateItem":[{"To_Account":"bob","SnsItem":[{"Tag":"Tag_SNS_IM_Group","Value":["L"]}]}]}`,
		`{"GroupId":"@TGS#public1","Member_Account":"bob","NameCard":"b","MuteTime":60,"AppMemberDefinedData":[{"Key":"k","Value":"v"}]}`,
		`{"GroupId":"@TGS#public1","Member_Account":7}`,
		`{"groupid":"x"}`, `[]`, `null`, `{`, "\xff",
	} {
		f.Add(seed)
	}
	m := New(Options{SDKAppID: testAppID, SecretKey: testKey})
	if err := m.Seed(&fixture); err != nil {
		f.Fatal(err)
	}
	sig, err := tencentyun.GenUserSig(testAppID, testKey, testAdmin, 86400)
	if err != nil {
		f.Fatal(err)
	}
	q := url.Values{"sdkappid": {fmt.Sprint(testAppID)}, "identifier": {testAdmin}, "usersig": {sig}, "random": {"1"}, "contenttype": {"json"}}
	commands := []string{"group_open_http_svc/modify_group_attr", "recentcontact/create_contact_group", "recentcontact/mark_contact",
		"sns/group_add", "sns/friend_update", "group_open_http_svc/modify_group_member_info", "group_open_http_svc/get_group_member_info"}
	h := m.Handler(true)
	f.Fuzz(func(t *testing.T, body string) {
		for _, cmd := range commands {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("POST", "/v4/"+cmd+"?"+q.Encode(), strings.NewReader(body)))
			var env struct {
				ActionStatus string
				ErrorCode    *int
			}
			if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil || env.ErrorCode == nil {
				t.Fatalf("%s: not Tencent's envelope: %d %q", cmd, w.Code, w.Body)
			}
			if (env.ActionStatus == "OK") != (*env.ErrorCode == 0) {
				t.Fatalf("%s: ActionStatus %s with ErrorCode %d", cmd, env.ActionStatus, *env.ErrorCode)
			}
		}
	})
}
