package api

// Error codes of the API: stable, machine-readable, one per kind of answer.
// The HTTP status that goes with each is fixed (see the OpenAPI document);
// the sentence beside it is for the person.
const (
	CodeInvalidArgument     = "invalid_argument"     // 400 (415 for a body that is not JSON)
	CodeUnauthenticated     = "unauthenticated"      // 401
	CodePermissionDenied    = "permission_denied"    // 403
	CodeNotInEdition        = "not_in_edition"       // 403: the app's Tencent edition lacks the feature (51013)
	CodeNotFound            = "not_found"            // 404
	CodeConflict            = "conflict"             // 409, 412
	CodeTooLarge            = "too_large"            // 413
	CodeRateLimited         = "rate_limited"         // 429, with Retry-After
	CodeUpstreamUnavailable = "upstream_unavailable" // 502, 503
	CodeUpstreamTimeout     = "upstream_timeout"     // 504
	CodeInternal            = "internal"             // 500; details only in the server log
)
