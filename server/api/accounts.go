package api

import "time"

// Account is a panel account as admins see it: never its password or hash.
type Account struct {
	Name               string     `json:"name"`
	Role               string     `json:"role"`
	Scope              Scope      `json:"scope"`
	ScopeWords         string     `json:"scopeWords"` // "3 groups, members of 2 groups, 5 users"
	Disabled           bool       `json:"disabled"`
	MustChangePassword bool       `json:"mustChangePassword"` // a first or reset password not yet replaced
	LastSignIn         *time.Time `json:"lastSignIn,omitempty"`
	Sessions           int        `json:"sessions"` // sessions that have not ended
}

// AccountNew is the body of POST /api/v1/accounts: the first password is
// made by the panel and shown once.
type AccountNew struct {
	Name  string `json:"name" api:"required"`
	Role  string `json:"role" api:"required"`
	Scope Scope  `json:"scope" api:"required"`
}

// AccountUpdate is the body of PATCH /api/v1/accounts/{name}: the fields
// given are changed.
type AccountUpdate struct {
	Role     *string `json:"role,omitempty"`
	Scope    *Scope  `json:"scope,omitempty"`
	Disabled *bool   `json:"disabled,omitempty"`
}

// OneTimePassword answers an account's creation or password reset: the
// password is shown this once, and its owner must replace it at the first
// sign-in.
type OneTimePassword struct {
	Account  Account `json:"account"`
	Password string  `json:"password"`
}

// PasswordChange is the body of POST /api/v1/session/password.
type PasswordChange struct {
	Current string `json:"current" api:"required"`
	New     string `json:"new" api:"required"`
}

// Roles is every role, least to most.
var Roles = []string{RoleViewer, RoleModerator, RoleAdmin}
