package timmock

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tencentyun/tls-sig-api-v2-golang/tencentyun"
)

// Options configure a Mock.
type Options struct {
	SDKAppID  uint64   // required
	SecretKey string   // required: UserSigs are verified against it
	Admins    []string // app admin identifiers; default ["administrator"]

	// Now is the clock for UserSig expiry and rate limits; default time.Now.
	Now func() time.Time
	// Rand draws for faults that hit a fraction of calls; default a
	// time-seeded source.
	Rand *rand.Rand
	// Basic makes the app a basic edition: conversation groups and marks are
	// then refused with 51013, as Tencent does. Default is premium.
	Basic bool
	// Unlimited turns the rate limits off (per API and per group), for
	// benchmarks that measure imdesk rather than Tencent's quotas.
	Unlimited bool
	// Observe, when set, is told of every call that passes the envelope
	// checks, before it is handled: tests use it to see what reached Tencent.
	Observe func(command string, body []byte)
}

// Mock simulates one Tencent Cloud Chat app.
type Mock struct {
	appID   uint64
	key     string
	admins  map[string]bool
	now     func() time.Time
	observe func(string, []byte)
	unlimit bool

	mu     sync.Mutex
	rand   *rand.Rand
	basic  bool
	groups map[string]*group
	// memberKeys are the member-level custom fields the app defined (in
	// Tencent's console; here, in the seed).
	memberKeys []string
	order      []string // group ids in creation order, for get_appid_group_list
	users      map[string]*user
	apiRate    map[string]*window
	faults     []*activeFault
	calls      map[string]int // successful dispatches per command, for tests
	nextID     uint64

	hang chan struct{} // closed by Close to release hung requests
	once sync.Once
}

// New returns an empty Mock; seed it with Seed or the demo data.
func New(o Options) *Mock {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	}
	admins := map[string]bool{}
	for _, a := range o.Admins {
		admins[a] = true
	}
	if len(admins) == 0 {
		admins["administrator"] = true
	}
	return &Mock{
		appID: o.SDKAppID, key: o.SecretKey, admins: admins, now: o.Now, observe: o.Observe, unlimit: o.Unlimited,
		rand: o.Rand, basic: o.Basic,
		groups: map[string]*group{}, users: map[string]*user{},
		apiRate: map[string]*window{}, calls: map[string]int{},
		hang: make(chan struct{}),
	}
}

// Close releases requests held by a "hang" fault.
func (m *Mock) Close() { m.once.Do(func() { close(m.hang) }) }

// SetBasic switches the app between basic (true) and premium edition.
func (m *Mock) SetBasic(basic bool) {
	m.mu.Lock()
	m.basic = basic
	m.mu.Unlock()
}

// Calls reports how many calls of a command reached its handler (after the
// envelope checks), so tests can prove a request was or was not sent.
func (m *Mock) Calls(command string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.calls[command]
}

// tErr is a Tencent error: a code and its ErrorInfo.
type tErr struct {
	Code int
	Info string
}

func (e *tErr) Error() string { return strconv.Itoa(e.Code) + " " + e.Info }

func fail(code int, info string) *tErr { return &tErr{code, info} }

// command is one REST call: its family (for parameter errors and
// ErrorDisplay), its per-second limit and its handler, which runs with m.mu
// held and returns the response fields besides the envelope.
type command struct {
	family  family
	perSec  int
	handler func(m *Mock, body []byte) (any, *tErr)
}

type family int

const (
	famGroup family = iota
	famContact
	famSNS
	famAccount
	famProfile
)

// paramCode is the family's "invalid parameter" code.
func (f family) paramCode() int {
	switch f {
	case famContact:
		return 50002
	case famSNS:
		return 30001
	case famAccount:
		return 70402
	case famProfile:
		return 40001
	}
	return 10004
}

// adminCode is the code for a caller that is not an app admin: the sns and
// recentcontact pages document their own.
func (f family) adminCode() int {
	switch f {
	case famContact:
		return 50003
	case famSNS:
		return 30004
	}
	return 60010
}

// commands are the REST calls the mock answers, by path: each with its
// family (whose error codes it answers with) and Tencent's limit of calls
// a second. Those about one user's data (recentcontact and sns) find that
// user first (userCall).
var commands = map[string]command{
	"group_open_attr_http_svc/get_group_attr":             {famGroup, 200, (*Mock).getGroupAttr},
	"group_open_http_svc/modify_group_attr":               {famGroup, 200, (*Mock).modifyGroupAttr},
	"group_open_http_svc/set_group_attr":                  {famGroup, 200, (*Mock).setGroupAttr},
	"group_open_http_svc/delete_group_attr":               {famGroup, 200, (*Mock).deleteGroupAttr},
	"group_open_http_svc/clear_group_attr":                {famGroup, 200, (*Mock).clearGroupAttr},
	"group_open_http_svc/get_appid_group_list":            {famGroup, 1, (*Mock).getAppIDGroupList},
	"group_open_http_svc/get_group_info":                  {famGroup, 200, (*Mock).getGroupInfo},
	"group_open_http_svc/create_group":                    {famGroup, 200, (*Mock).createGroup},
	"group_open_http_svc/get_role_in_group":               {famGroup, 200, (*Mock).getRoleInGroup},
	"group_open_http_svc/get_group_member_info":           {famGroup, 200, (*Mock).getGroupMemberInfo},
	"group_open_http_svc/get_specified_group_member_info": {famGroup, 200, (*Mock).getSpecifiedGroupMemberInfo},
	"group_open_http_svc/modify_group_member_info":        {famGroup, 200, (*Mock).modifyGroupMemberInfo},
	"profile/portrait_get":                                {famProfile, 100, (*Mock).getPortrait},
	"im_open_login_svc/account_check":                     {famAccount, 100, (*Mock).accountCheck},
	"im_open_login_svc/account_import":                    {famAccount, 200, (*Mock).accountImport},
	"im_open_login_svc/multiaccount_import":               {famAccount, 200, (*Mock).multiAccountImport},
	"recentcontact/get_list":                              {famContact, 200, userCall(famContact, (*Mock).recentUser, (*Mock).getRecentList)},
	"recentcontact/create_contact_group":                  {famContact, 200, userCall(famContact, (*Mock).contactUser, (*Mock).createContactGroup)},
	"recentcontact/update_contact_group":                  {famContact, 200, userCall(famContact, (*Mock).contactUser, (*Mock).updateContactGroup)},
	"recentcontact/del_contact_group":                     {famContact, 200, userCall(famContact, (*Mock).contactUser, (*Mock).delContactGroup)},
	"recentcontact/get_contact_group":                     {famContact, 200, userCall(famContact, (*Mock).contactUser, (*Mock).getContactGroup)},
	"recentcontact/search_contact_group":                  {famContact, 200, userCall(famContact, (*Mock).contactUser, (*Mock).searchContactGroup)},
	"recentcontact/mark_contact":                          {famContact, 200, userCall(famContact, (*Mock).contactUser, (*Mock).markContact)},
	"sns/friend_add":                                      {famSNS, 200, (*Mock).friendAdd},
	"sns/friend_import":                                   {famSNS, 200, (*Mock).friendImport},
	"sns/group_add":                                       {famSNS, 200, userCall(famSNS, (*Mock).snsUser, (*Mock).snsGroupAdd)},
	"sns/group_delete":                                    {famSNS, 200, userCall(famSNS, (*Mock).snsUser, (*Mock).snsGroupDelete)},
	"sns/group_get":                                       {famSNS, 200, userCall(famSNS, (*Mock).snsUser, (*Mock).snsGroupGet)},
	"sns/friend_get":                                      {famSNS, 200, userCall(famSNS, (*Mock).snsUser, (*Mock).friendGet)},
	"sns/friend_check":                                    {famSNS, 200, userCall(famSNS, (*Mock).snsUser, (*Mock).friendCheck)},
	"sns/friend_update":                                   {famSNS, 200, userCall(famSNS, (*Mock).snsUser, (*Mock).friendUpdate)},
}

// maxBody bounds a request body; Tencent's own limit is not documented, and
// no call of ours comes near 1 MiB.
const maxBody = 1 << 20

// ServeHTTP answers one REST call.
func (m *Mock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/v4/")
	cmd, known := commands[name]
	if !known || !strings.HasPrefix(r.URL.Path, "/v4/") {
		writeEnvelope(w, famGroup, nil, fail(60009, "request resource not found: check the URL"))
		return
	}
	short := name[strings.IndexByte(name, '/')+1:]
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return // the client went away
	}

	f := m.takeFault(short, body)
	if f != nil {
		if done := f.apply(w, r, m.hang); done {
			return
		}
		if f.Kind == FaultError {
			writeEnvelope(w, cmd.family, nil, fail(f.ErrorCode, f.errorInfo()))
			return
		}
	}

	if e := m.checkEnvelope(r, short, cmd, body); e != nil {
		writeEnvelope(w, cmd.family, nil, e)
		return
	}

	if m.observe != nil {
		m.observe(short, body)
	}
	m.mu.Lock()
	m.calls[short]++
	resp, e := cmd.handler(m, body)
	m.mu.Unlock()
	if f != nil && f.Kind == FaultLost {
		f.Kind = FaultDrop // made; now lose the answer
		f.apply(w, r, m.hang)
		return
	}
	writeEnvelope(w, cmd.family, resp, e)
}

// checkEnvelope applies the checks every call shares, in Tencent's order
// (see the package documentation).
func (m *Mock) checkEnvelope(r *http.Request, short string, cmd command, body []byte) *tErr {
	if r.Method != http.MethodPost {
		return fail(60002, "HTTP parse error: only POST is allowed")
	}
	q := r.URL.Query()
	appID := q.Get("sdkappid")
	if appID == "" {
		return fail(60012, "REST request must carry SDKAppID")
	}
	if n, err := strconv.ParseUint(appID, 10, 64); err != nil || n != m.appID {
		return fail(60006, "SDKAppID invalid")
	}
	if q.Get("contenttype") != "json" {
		return fail(60002, "HTTP parse error: contenttype must be json")
	}
	if _, err := strconv.ParseUint(q.Get("random"), 10, 32); err != nil {
		return fail(60002, "HTTP parse error: random must be a 32-bit unsigned integer")
	}
	identifier, sig := q.Get("identifier"), q.Get("usersig")
	if identifier == "" || sig == "" {
		return fail(60004, "account or signature missing in URL")
	}
	if e := m.verifySig(identifier, sig); e != nil {
		return e
	}
	if !m.admins[identifier] {
		return fail(cmd.family.adminCode(), "request requires App admin permission")
	}
	m.mu.Lock()
	limited := !m.unlimit && !m.rateWindow(short, cmd.perSec).allow(m.now())
	m.mu.Unlock()
	if limited {
		return fail(60007, "REST API call frequency over limit")
	}
	if len(body) > maxBody {
		return fail(60003, "HTTP request body too large")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return fail(60003, "HTTP request JSON parse error: the body must be a JSON object")
	}
	return nil
}

func (m *Mock) rateWindow(short string, perSec int) *window {
	w := m.apiRate[short]
	if w == nil {
		w = newWindow(perSec, time.Second)
		m.apiRate[short] = w
	}
	return w
}

// verifySig reports a malformed UserSig as 70003 itself, because the
// library takes a sig with broken JSON inside for an app-id mismatch.
func (m *Mock) verifySig(identifier, sig string) *tErr {
	if !wellFormedSig(sig) {
		return fail(70003, "UserSig parse failed: the signature is malformed or truncated")
	}
	err := tencentyun.VerifyUserSig(m.appID, m.key, identifier, sig, m.now())
	switch {
	case err == nil:
		return nil
	case errors.Is(err, tencentyun.ErrExpired):
		return fail(70001, "UserSig expired: generate a new one")
	case errors.Is(err, tencentyun.ErrIdentifierNotMatch):
		return fail(70013, "identifier in the request does not match the UserSig")
	case errors.Is(err, tencentyun.ErrSdkAppIDNotMatch):
		return fail(70014, "SDKAppID in the request does not match the UserSig")
	case errors.Is(err, tencentyun.ErrSigNotMatch):
		return fail(70009, "UserSig verification failed: signed with another key")
	default:
		return fail(70003, "UserSig parse failed: "+err.Error())
	}
}

// wellFormedSig decodes a UserSig (Tencent's base64 variant, zlib, JSON) and
// checks that the fields a signature needs are there.
func wellFormedSig(sig string) bool {
	std := strings.NewReplacer("*", "+", "-", "/", "_", "=").Replace(sig)
	raw, err := base64.StdEncoding.DecodeString(std)
	if err != nil {
		return false
	}
	zr, err := zlib.NewReader(bytes.NewReader(raw))
	if err != nil {
		return false
	}
	data, err := io.ReadAll(io.LimitReader(zr, 64<<10))
	if err != nil {
		return false
	}
	var doc struct {
		Ver        string `json:"TLS.ver"`
		Identifier string `json:"TLS.identifier"`
		AppID      uint64 `json:"TLS.sdkappid"`
		Time       int64  `json:"TLS.time"`
		Sig        []byte `json:"TLS.sig"`
	}
	if json.Unmarshal(data, &doc) != nil {
		return false
	}
	return doc.Ver != "" && doc.Identifier != "" && doc.AppID != 0 && doc.Time != 0 && len(doc.Sig) > 0
}

// writeEnvelope writes HTTP 200 with the response fields and the envelope.
func writeEnvelope(w http.ResponseWriter, f family, resp any, e *tErr) {
	out := map[string]any{}
	if resp != nil && e == nil {
		b, _ := json.Marshal(resp)
		_ = json.Unmarshal(b, &out)
	}
	if e == nil {
		out["ActionStatus"], out["ErrorCode"], out["ErrorInfo"] = "OK", 0, ""
	} else {
		out["ActionStatus"], out["ErrorCode"], out["ErrorInfo"] = "FAIL", e.Code, e.Info
	}
	if f == famSNS || f == famContact {
		out["ErrorDisplay"] = ""
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(out)
}

// window is a sliding one-period rate limit: at most limit events in any
// period.
type window struct {
	limit  int
	period time.Duration
	times  []time.Time // oldest first
}

func newWindow(limit int, period time.Duration) *window {
	return &window{limit: limit, period: period}
}

// allow records an event at now if the limit permits it.
func (w *window) allow(now time.Time) bool {
	cut := 0
	for cut < len(w.times) && now.Sub(w.times[cut]) >= w.period {
		cut++
	}
	w.times = w.times[cut:]
	if len(w.times) >= w.limit {
		return false
	}
	w.times = append(w.times, now)
	return true
}
