package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/imdesk/imdesk/server/access"
	"github.com/imdesk/imdesk/server/accounts"
	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/i18n"
	"github.com/imdesk/imdesk/server/tim"
)

// httpError is an error with what the API answers for it: a status, a
// stable code, sentences for the moderator (said in their language when
// the answer is written), and optionally the field, the Tencent code behind
// it and a Retry-After. Err is for the log only.
type httpError struct {
	Status     int
	Code       string
	Say        []api.Phrase
	Field      string
	Upstream   *api.Upstream
	RetryAfter int // seconds
	Err        error
}

func (e *httpError) Error() string {
	if e.Err != nil {
		return e.Code + ": " + e.English() + ": " + e.Err.Error()
	}
	return e.Code + ": " + e.English()
}

func (e *httpError) Unwrap() error { return e.Err }

// English is the error's sentences in English, for the log and the audit
// log.
func (e *httpError) English() string { return i18n.Get("en").Say(e.Say...) }

// say is one phrase, as httpError holds them.
func say(format string, args ...any) []api.Phrase { return []api.Phrase{api.Say(format, args...)} }

func newError(status int, code, format string, args ...any) *httpError {
	return &httpError{Status: status, Code: code, Say: say(format, args...)}
}

// Errors shared by several handlers.
var (
	errUnauthenticated = newError(http.StatusUnauthorized, api.CodeUnauthenticated, "Sign in to continue.")
	errSessionExpired  = newError(http.StatusUnauthorized, api.CodeUnauthenticated, "Your session has ended. Sign in again to continue.")
	errAdminOnly       = newError(http.StatusForbidden, api.CodePermissionDenied, "Only administrators may do this.")
	errViewerReadOnly  = newError(http.StatusForbidden, api.CodePermissionDenied, "Your account can view but not change anything.")
	errAuditDown       = newError(http.StatusServiceUnavailable, api.CodeUpstreamUnavailable, "The change was not sent, because imdesk could not record it in the audit log. Try again; if it keeps happening, tell your administrator.")
)

// errSessionEndedByAdmin and errSessionIdle answer a request with a
// session that has ended, saying why, so that the sign-in page can tell
// the person (app/signin.go).
var errSessionEndedByAdmin = newError(http.StatusUnauthorized, api.CodeUnauthenticated, "Your session ended — an administrator signed you out. Sign in again to continue.")

func errSessionIdle(idle time.Duration) *httpError {
	return newError(http.StatusUnauthorized, api.CodeUnauthenticated, "Your session ended after %d minutes without use. Sign in again to continue.", max(1, int((idle+time.Minute-1)/time.Minute)))
}

// errOutOfScope refuses a change to a target outside the caller's scope.
func errOutOfScope(k access.Kind) *httpError {
	if k != access.KindUser {
		return newError(http.StatusForbidden, api.CodePermissionDenied, "Your account may not change this group. Ask an administrator to add it to your scope.")
	}
	return newError(http.StatusForbidden, api.CodePermissionDenied, "Your account may not change this user. Ask an administrator to add them to your scope.")
}

// errNotVisible refuses to show a target outside the caller's scope. For
// a user it names both causes: a user is in scope through group
// membership, so a user who does not exist is outside every scope too,
// and the answer must not say which.
func errNotVisible(t access.Target) *httpError {
	if t.Kind != access.KindUser {
		return newError(http.StatusForbidden, api.CodePermissionDenied, "Your account does not have access to this group.")
	}
	return newError(http.StatusForbidden, api.CodePermissionDenied, "There is no user %q in this app, or not in your account's scope.", t.ID)
}

// errChangedMeanwhile answers a change whose If-Match is not the current
// version.
func errChangedMeanwhile(k access.Kind) *httpError {
	switch k {
	case access.KindGroup:
		return newError(http.StatusPreconditionFailed, api.CodeConflict,
			"Someone changed this group's attributes after you loaded them. Reload to see the current attributes, then make your change again.")
	case access.KindMember:
		return newError(http.StatusPreconditionFailed, api.CodeConflict,
			"Someone changed this member's profile after you loaded it. Reload to see it as it is now, then make your change again.")
	}
	return newError(http.StatusPreconditionFailed, api.CodeConflict,
		"Someone changed this user's data after you loaded it. Reload to see it as it is now, then make your change again.")
}

// writeAPIError writes err as the API's JSON error. Anything that is not an
// *httpError, a validation error or a Tencent error is internal: its detail
// goes to the log, and the answer says only that something went wrong.
func (s *Server) writeAPIError(w http.ResponseWriter, r *http.Request, err error) {
	he := s.toHTTPError(err)
	if he.Status >= 500 {
		s.log.ErrorContext(r.Context(), "api error", "method", r.Method, "path", r.URL.Path, "status", he.Status, "err", err)
	}
	if he.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(he.RetryAfter))
	}
	writeJSON(w, he.Status, map[string]api.Error{"error": {
		Code: he.Code, Message: speaker(r).Say(he.Say...), Field: he.Field, Upstream: he.Upstream, RequestID: requestID(r.Context()),
	}})
}

// speaker is the catalogue of the language a request is answered in: the
// one chosen in the panel (its cookie), else the browser's preferred.
func speaker(r *http.Request) *i18n.Catalogue { return i18n.Get(i18n.ForRequest(r)) }

func (s *Server) toHTTPError(err error) *httpError {
	var he *httpError
	var fe *api.FieldError
	var te *tim.Error
	var ae *accounts.Error
	switch {
	case errors.As(err, &he):
		return he
	case errors.As(err, &ae):
		return &httpError{Status: ae.Status, Code: statusCodes[ae.Status], Say: []api.Phrase{ae.Say}, Field: ae.Field}
	case errors.As(err, &fe):
		return &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Say: []api.Phrase{fe.Say}, Field: fe.Field}
	case errors.As(err, &te):
		return tencentHTTPError(te)
	}
	return &httpError{Status: http.StatusInternalServerError, Code: api.CodeInternal, Err: err,
		Say: say("Something went wrong on the server. Try again; if it keeps happening, give the request id to your administrator.")}
}

// statusCodes is the API's error code for each status a refusal can have.
var statusCodes = map[int]string{
	http.StatusBadRequest: api.CodeInvalidArgument, http.StatusForbidden: api.CodePermissionDenied,
	http.StatusNotFound: api.CodeNotFound, http.StatusConflict: api.CodeConflict,
}

// tencentMessages are the sentences for Tencent codes a moderator can meet.
var tencentMessages = map[int]string{
	10007: "Tencent Cloud Chat does not allow this change for this type of group.",
	10010: "This group does not exist or has been dismissed.",
	10015: "This group does not exist or has been dismissed.",
	10045: "An attribute key is longer than 32 bytes.",
	10046: "An attribute value is longer than 4000 bytes.",
	10047: "A group can have at most 16 attributes.",
	10048: "All attribute values together may be at most 16000 bytes.",
	10049: "This group's attributes were changed too often; try again in a moment.",
	10050: "One of the attributes to remove no longer exists. Reload to see the current attributes.",
	// Conversation groups and marks (recentcontact). 50003 is the panel's
	// configuration and 50004/50005 Tencent's trouble: kindAnswers says those.
	50001: "This user has not been imported into Tencent Cloud Chat.",
	50002: "Tencent Cloud Chat refused the request as not valid. Reload and check the names and conversations.",
	51006: "Tencent Cloud Chat takes 1 to 100 conversations at a time.",
	51007: "A group among these conversations does not exist or has been dismissed.",
	51008: "A user may have at most 1,000 conversations in groups or marked; this change would go past that.",
	51009: "This conversation group does not exist (any more). Reload to see the current groups.",
	51010: "A user may have at most 20 conversation groups. Delete one first.",
	51011: "A conversation group's name may be at most 32 bytes.",
	51012: "This user has pinned as many conversations as Tencent Cloud Chat allows.",
	51013: "Your Tencent Cloud Chat plan does not include conversation groups and conversation marks. They are part of the Pro, Pro Plus and Enterprise editions; an administrator can upgrade the app in the Tencent Cloud Chat console.",
	// Friends and friend lists (sns). 30002/30004 are the panel's
	// configuration and 30006/30007 Tencent's trouble: kindAnswers says
	// those. 30008 is a retryable kind, so " Try again." follows it.
	30001: "Tencent Cloud Chat refused the request as not valid. Reload and check the list names and friends.",
	30003: "This user does not exist in this app.",
	30005: "Tencent Cloud Chat refused a name because it holds a word it does not allow.",
	30008: "Another change to this user's friends reached Tencent Cloud Chat at the same moment, so this one was not made.",
	30010: "This user has as many friends as Tencent Cloud Chat allows.",
	30011: "A user may have at most 32 friend lists. Delete one first.",
	30014: "The other user has as many friends as Tencent Cloud Chat allows.",
	32216: "Not a friend of this user: only a user's friends can be put in their friend lists.",
}

// kindAnswers is the one answer for each kind of Tencent failure, whatever
// the command: the status, the code, and the sentence used when
// tencentMessages has none for the code ("%s" takes the code's meaning).
// What the failure means for a change is said once more, by the audit
// outcome and the sentence's ending (outcomeSentence):
//
//	kind          status  change refused by Tencent   change may have been made
//	invalid       400     failed                      —
//	not_found     404     failed                      —
//	conflict      409     failed                      —
//	permission    502/403 failed                      —
//	rate_limited  429     failed                      —
//	retryable     503     failed (nothing was sent,   unknown (10002, 50004, …:
//	                      or Tencent said to retry)   Tencent failed inside)
//	timeout       504     —                           unknown (no answer in time)
//	upstream      502     failed (HTTP 4xx/5xx from   unknown (a gateway error,
//	                      Tencent itself)             a lost or unreadable answer)
//
// The same for every command: whether a command could be repeated safely
// changes nothing here, because the client repeats no change whose answer
// was lost; runStep re-reads the state to settle "unknown" when it can.
var kindAnswers = map[tim.Kind]struct {
	status     int
	code, text string
	retryAfter int
}{
	tim.KindInvalid:     {http.StatusBadRequest, api.CodeInvalidArgument, "Tencent Cloud Chat refused the change: %s.", 0},
	tim.KindNotFound:    {http.StatusNotFound, api.CodeNotFound, "Tencent Cloud Chat could not find it: %s.", 0},
	tim.KindConflict:    {http.StatusConflict, api.CodeConflict, "Tencent Cloud Chat refused the change: %s.", 0},
	tim.KindPermission:  {http.StatusBadGateway, api.CodeUpstreamUnavailable, "imdesk cannot act on Tencent Cloud Chat (%s). Tell your administrator.", 0},
	tim.KindRateLimited: {http.StatusTooManyRequests, api.CodeRateLimited, "Tencent Cloud Chat is receiving too many requests; try again in a moment.", 1},
	tim.KindRetryable:   {http.StatusServiceUnavailable, api.CodeUpstreamUnavailable, "Tencent Cloud Chat had a temporary problem.", 0},
	tim.KindTimeout:     {http.StatusGatewayTimeout, api.CodeUpstreamTimeout, "Tencent Cloud Chat did not answer in time.", 0},
	tim.KindUpstream:    {http.StatusBadGateway, api.CodeUpstreamUnavailable, "Tencent Cloud Chat did not give a usable answer; if it keeps happening, tell your administrator.", 0},
}

// outcomeSentence ends the sentence of a failure that may be temporary:
// whether the moderator may simply try again, or must look first.
func outcomeSentence(maybeApplied bool) api.Phrase {
	if maybeApplied {
		return api.Say("The change may or may not have been made. Reload to check before trying again.")
	}
	return api.Say("Try again.")
}

// tencentHTTPError turns a Tencent client error into the API's answer. A
// permission error with a sentence of its own (e.g. a group type that does
// not allow the change) is the moderator's to read, so it is 403; any other
// is the panel's configuration, so it is 502.
func tencentHTTPError(te *tim.Error) *httpError {
	a, ok := kindAnswers[te.Kind]
	if !ok {
		a = kindAnswers[tim.KindUpstream]
	}
	he := &httpError{Err: te, Status: a.status, Code: a.code, RetryAfter: a.retryAfter, Say: say(a.text)}
	if strings.Contains(a.text, "%s") {
		meaning := api.Say(te.Meaning)
		if te.Code != 0 && !tim.Known(te.Code) {
			meaning = api.Say("Tencent error %d", te.Code)
		}
		he.Say = say(a.text, meaning)
	}
	if m, known := tencentMessages[te.Code]; known {
		he.Say = say(m)
		if te.Kind == tim.KindPermission {
			he.Status, he.Code = http.StatusForbidden, api.CodePermissionDenied
		}
	}
	switch {
	case te.MaybeApplied:
		he.Say = append(he.Say, outcomeSentence(true))
	case te.Kind == tim.KindRetryable || te.Kind == tim.KindTimeout || te.Kind == tim.KindUpstream:
		he.Say = append(he.Say, outcomeSentence(false))
	}
	if te.Code == 51013 {
		he.Code = api.CodeNotInEdition
	}
	if te.Code != 0 {
		he.Upstream = &api.Upstream{Code: te.Code, Info: te.Info}
	}
	if te.Field != "" && he.Status == http.StatusBadRequest {
		he.Field = te.Field
	}
	return he
}
