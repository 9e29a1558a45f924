package tim

import (
	"errors"
	"fmt"
)

// Kind classifies a failed call for the backend, which turns it into an
// HTTP status and a sentence for the moderator.
type Kind int

const (
	// KindUpstream: Tencent answered something that is not the REST
	// envelope (a non-200 status, a body that is not JSON, a cut-off body),
	// or a code this package does not know.
	KindUpstream Kind = iota
	// KindInvalid: Tencent refused the input; Field names the part when known.
	KindInvalid
	// KindNotFound: the group, user, list or key does not exist.
	KindNotFound
	// KindConflict: the state does not allow the change (a name already
	// used, a limit on the resulting set).
	KindConflict
	// KindPermission: the panel's own configuration is wrong (app id, admin,
	// key, edition, IP allow-list) or the operation is not allowed for this
	// kind of group; a moderator cannot fix it.
	KindPermission
	// KindRateLimited: too many calls; try again shortly.
	KindRateLimited
	// KindRetryable: Tencent failed internally and says to try again.
	KindRetryable
	// KindTimeout: no answer in time (the client's timeout, or a gateway's
	// 504).
	KindTimeout
)

var kindNames = [...]string{"upstream", "invalid", "not_found", "conflict", "permission", "rate_limited", "retryable", "timeout"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Error is a failed call to Tencent. Its message never contains the UserSig
// or the secret key.
type Error struct {
	Op         string // the command, e.g. "modify_group_attr"
	Kind       Kind
	Code       int    // Tencent's ErrorCode; 0 when Tencent gave none
	Info       string // Tencent's ErrorInfo, as sent
	Meaning    string // what the code means, in plain language
	Field      string // the request field the error is about, when known
	HTTPStatus int    // the HTTP status when it was not 200
	Err        error  // the transport or decoding error, if any (redacted)

	// MaybeApplied: a call that changes state failed in a way that leaves
	// it open whether Tencent made the change (no answer, a gateway error,
	// an unreadable answer, Tencent's internal errors and timeouts). The
	// client never repeats such a call; its caller reads the state to find
	// out (see doc.go).
	MaybeApplied bool

	// RetryAfterRead: Tencent refused the call because another write to
	// the same data got in first (30008) and said to try again, so nothing
	// was made; but the call is not safe to repeat blindly (group_add,
	// group_delete: a second run could fail with "exists" or "does not
	// exist" where the other writer made the same change), so the client
	// did not repeat it. Its caller reads the state and makes the call
	// once more only if the state is still what it was (server/change.go).
	RetryAfterRead bool

	notSent bool // the request never left (the connection was refused)
}

func (e *Error) Error() string {
	switch {
	case e.Code != 0:
		return fmt.Sprintf("tencent %s: %d %s (%s)", e.Op, e.Code, e.Info, e.Meaning)
	case e.HTTPStatus != 0:
		return fmt.Sprintf("tencent %s: HTTP %d (%s)", e.Op, e.HTTPStatus, e.Kind)
	case e.Err != nil:
		return fmt.Sprintf("tencent %s: %s: %v", e.Op, e.Kind, e.Err)
	}
	return fmt.Sprintf("tencent %s: %s", e.Op, e.Kind)
}

func (e *Error) Unwrap() error { return e.Err }

// MaybeApplied reports whether err is a change Tencent may or may not have
// made.
func MaybeApplied(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.MaybeApplied
}

// RetryAfterRead reports whether err is a write Tencent refused as a
// write conflict that the client did not repeat (see Error.RetryAfterRead).
func RetryAfterRead(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.RetryAfterRead
}

// KindOf returns the Kind of err, or KindUpstream when err is not an *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUpstream
}

// CodeOf returns Tencent's error code in err, or 0.
func CodeOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

// codeInfo is what imdesk knows about one Tencent code.
type codeInfo struct {
	kind    Kind
	meaning string
	field   string
	// retry: Tencent says the call failed and may be tried again.
	retry bool
}

// conflictCodes are Tencent's write conflicts: nothing was made because
// another write to the same data got in first, and the call may be made
// again. (10056, the group attributes' conflict, is left to the client's
// retries of the idempotent attribute writes, as before.)
var conflictCodes = map[int]bool{30008: true}

// codes covers every code in the spec (sections 0–4). Meanings are written
// for an administrator reading a log; the backend writes its own sentences
// for moderators.
var codes = map[int]codeInfo{
	// Public codes (60000–79999).
	60002: {KindUpstream, "the request URL was malformed", "", false},
	60003: {KindUpstream, "the request body was not valid JSON", "", false},
	60004: {KindPermission, "the account or signature in the request is wrong", "", false},
	60005: {KindPermission, "the account or signature in the request is wrong", "", false},
	60006: {KindPermission, "the SDKAppID is invalid", "", false},
	60007: {KindRateLimited, "this API was called too often", "", false},
	60008: {KindRetryable, "Tencent timed out or could not read the request", "", true},
	60009: {KindUpstream, "the API path is wrong", "", false},
	60010: {KindPermission, "the configured identifier is not an app admin", "", false},
	60011: {KindRateLimited, "the app called the REST API too often", "", false},
	60012: {KindUpstream, "the request carried no SDKAppID", "", false},
	60013: {KindRetryable, "Tencent could not parse its own answer", "", true},
	60014: {KindRetryable, "account exchange timed out", "", true},
	60015: {KindInvalid, "an account field must be a string", "", false},
	60016: {KindPermission, "the SDKAppID is disabled", "", false},
	60017: {KindPermission, "the request is disabled for this app", "", false},
	60018: {KindRateLimited, "too many requests; try again later", "", false},
	60019: {KindRateLimited, "too many requests; try again later", "", false},
	60020: {KindPermission, "the app's paid plan has expired", "", false},
	60021: {KindPermission, "the server's IP address is not allowed to call the REST API", "", false},
	70001: {KindPermission, "the admin UserSig has expired", "", false},
	70003: {KindPermission, "the admin UserSig could not be parsed", "", false},
	70009: {KindPermission, "the admin UserSig was signed with another key: check the secret key", "", false},
	70013: {KindPermission, "the UserSig belongs to another identifier", "", false},
	70014: {KindPermission, "the UserSig belongs to another SDKAppID", "", false},
	70016: {KindPermission, "no key found for this app: check the region", "", false},
	70020: {KindPermission, "the SDKAppID was not found: check the region", "", false},
	70050: {KindRateLimited, "too many UserSig failures; wait a minute", "", false},
	70051: {KindPermission, "the account is blacklisted", "", false},
	70107: {KindNotFound, "the user has not been imported into Chat", "", false},
	70402: {KindInvalid, "an account parameter is invalid", "", false},

	// Group family (10xxx).
	10002: {KindRetryable, "Tencent had an internal error", "", true},
	10003: {KindUpstream, "the command name is wrong", "", false},
	10004: {KindInvalid, "a parameter is invalid", "", false},
	10005: {KindInvalid, "too many accounts in the request", "", false},
	10006: {KindRateLimited, "too many calls for this group", "", false},
	10007: {KindPermission, "this operation is not allowed for this group or its type", "", false},
	10008: {KindPermission, "the request signature is illegal", "", false},
	10010: {KindNotFound, "the group does not exist or was dismissed", "GroupId", false},
	10011: {KindUpstream, "the body could not be parsed", "", false},
	10012: {KindInvalid, "the operator UserID is invalid", "", false},
	10015: {KindNotFound, "the group ID is invalid", "GroupId", false},
	10019: {KindNotFound, "an account in the request does not exist", "", false},
	10021: {KindConflict, "the group ID is already used", "GroupId", false},
	10045: {KindInvalid, "an attribute key is longer than 32 bytes", "key", false},
	10046: {KindInvalid, "an attribute value is longer than 4000 bytes", "value", false},
	10047: {KindConflict, "the group would have more than 16 attributes", "", false},
	10048: {KindConflict, "the group's attribute values would total more than 16000 bytes", "", false},
	10049: {KindRateLimited, "the group's attributes were written more than 5 times in a second", "", false},
	10050: {KindNotFound, "an attribute key to delete does not exist", "key", false},
	10056: {KindRetryable, "another write to the group's attributes got in first", "", true},
	10059: {KindPermission, "the app is not on the edition this needs", "", false},

	// Conversation groups (recentcontact, 5xxxx).
	50001: {KindNotFound, "the user has not been imported into Chat", "From_Account", false},
	50002: {KindInvalid, "a parameter is invalid", "", false},
	50003: {KindPermission, "the configured identifier is not an app admin", "", false},
	50004: {KindRetryable, "Tencent had an internal error", "", true},
	50005: {KindRetryable, "Tencent timed out internally", "", true},
	51006: {KindInvalid, "1 to 100 conversations may be marked per call", "MarkItem", false},
	51007: {KindNotFound, "a group in the request does not exist or was dismissed", "ToGroupId", false},
	51008: {KindConflict, "more than 1000 conversations would be grouped or marked", "", false},
	51009: {KindNotFound, "the conversation group does not exist", "GroupName", false},
	51010: {KindConflict, "the user would have more than 20 conversation groups", "", false},
	51011: {KindInvalid, "the conversation group name is longer than 32 bytes", "GroupName", false},
	51012: {KindConflict, "the pinned-conversation limit was reached", "", false},
	51013: {KindPermission, "the app's edition does not include conversation groups and marks", "", false},

	// Profiles (profile/portrait_get, 4xxxx).
	40001: {KindInvalid, "a parameter is invalid", "", false},
	40003: {KindNotFound, "the account does not exist", "To_Account", false},
	40006: {KindRetryable, "Tencent had an internal error reading the profile", "", true},

	// Friends and friend lists (sns, 3xxxx): the pages of each call list
	// 30001–30008; the others are from Tencent's relationship error table
	// (the client SDKs' ERR_SVR_FRIENDSHIP_*).
	30001: {KindInvalid, "a parameter is invalid", "", false},
	30002: {KindPermission, "the SDKAppID is illegal", "", false},
	30003: {KindNotFound, "the account does not exist", "From_Account", false},
	30004: {KindPermission, "the configured identifier is not an app admin", "", false},
	30005: {KindInvalid, "a relationship field holds a word Tencent does not allow", "", false},
	30006: {KindRetryable, "Tencent had an internal error", "", true},
	30007: {KindRetryable, "Tencent timed out internally", "", true},
	30008: {KindRetryable, "another write to the user's friend data got in first", "", true},
	30009: {KindConflict, "Tencent does not let this user send friend requests", "", false},
	30010: {KindConflict, "the user has as many friends as Tencent allows", "", false},
	30011: {KindConflict, "the user has as many friend lists as Tencent allows", "GroupName", false},
	30012: {KindConflict, "the user has as many pending friend requests as Tencent allows", "", false},
	30013: {KindConflict, "the user's blocklist is as long as Tencent allows", "", false},
	30014: {KindConflict, "the other user has as many friends as Tencent allows", "", false},
	30515: {KindConflict, "the users are already friends", "To_Account", false},
	32216: {KindInvalid, "the account is not a friend", "To_Account", false},
}

// Known reports whether code is one of Tencent's documented codes.
func Known(code int) bool { _, ok := codes[code]; return ok }

// Meanings lists the meanings of every documented code, for the
// catalogues that translate them.
func Meanings() []string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		out = append(out, c.meaning)
	}
	return out
}

// Meaning returns the plain-language meaning of a Tencent code.
func Meaning(code int) string {
	if c, ok := codes[code]; ok {
		return c.meaning
	}
	return fmt.Sprintf("Tencent error %d", code)
}

// tencentError builds the Error for an answer that carried code.
func tencentError(op string, code int, info string) *Error {
	c, ok := codes[code]
	if !ok {
		c = codeInfo{kind: KindUpstream, meaning: Meaning(code)}
	}
	return &Error{Op: op, Kind: c.kind, Code: code, Info: info, Meaning: c.meaning, Field: c.field}
}

// maybeApplied reports codes after which a change may or may not have been
// made: Tencent's internal errors and timeouts.
func maybeApplied(code int) bool {
	switch code {
	case 10002, 50004, 50005, 30006, 30007, 60008:
		return true
	}
	return false
}

// retryableCode reports whether Tencent says a call that failed with code
// may be tried again.
func retryableCode(code int) bool { return codes[code].retry }
