// Package tim is imdesk's client for the Tencent Cloud Chat (IM) REST API v4.
// The backend reaches Tencent only through it.
//
// It signs every request as the app admin with a UserSig from
// tls-sig-api-v2-golang, made once and reused until three quarters of its
// lifetime (24 h by default) are used; it sends a fresh random uint32 with
// each request; it keeps to Tencent's per-API rate limits (200/s,
// account_check 100/s, get_appid_group_list 1/s) and to 5 attribute writes
// per second per group, making callers wait (bounded by their context)
// rather than letting Tencent refuse them.
//
// Every failure is an *Error with a Kind the backend maps to an HTTP status,
// Tencent's code and info, and a plain-language meaning for every code the
// spec documents. Calls are retried with exponential backoff and full jitter
// only where repeating them is safe (see ops.go).
//
// A call that changes state and whose answer was lost (no answer, a
// gateway error, an unreadable answer, or Tencent's internal errors and
// timeouts such as 10002) is reported with MaybeApplied set and is never
// repeated here — not even modify/set/clear, which would leave the same
// state if nobody else touched it: between the lost answer and a repeat,
// someone else may have changed the same attributes, and a blind repeat
// would apply our change a second time on top of theirs. The backend
// (server/change.go) re-reads the state instead: the state we meant to
// leave means the change was made; the state before means it was not, and
// it is made once more; anything else means someone else changed it, and
// the outcome stays "unknown" for the moderator to check.
//
// The secret key and the UserSig never appear in errors or logs: the
// usersig parameter is redacted from every URL this package logs or wraps.
//
// Benchmarks (call overhead, cached vs. per-call signing) and their figures
// are in docs/benchmarks.md, written by `make bench`.
package tim
