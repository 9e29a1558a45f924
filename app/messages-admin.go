package main

// adminCatalogue holds the sentences of the admin's pages: panel accounts,
// the panel's health, and setting one's own password.
type adminCatalogue struct {
	AccountsTitle    string
	AccountsIntro    string
	AccountsAdd      string
	AccountsNone     string
	AccountName      string
	AccountRole      string
	AccountScope     string
	AccountLastIn    string // %s time
	AccountNeverIn   string
	AccountSessions  string // %d sessions
	AccountDisabled  string
	AccountOneTime   string
	AccountEdit      string // %s name
	AccountSave      string
	AccountDisable   string
	AccountEnable    string
	AccountReset     string
	AccountEndSess   string
	AccountCreate    string
	AccountSaved     string // %s name
	AccountEnded     string // %s name
	ConfirmDisable   string // %s name
	ConfirmReset     string // %s name
	PasswordShown    string // %s name
	PasswordOnce     string // %s name
	PasswordCopy     string
	PasswordDone     string
	ScopeAll         string
	ScopeGroups      string
	ScopeMembersOf   string
	ScopeUsers       string
	ScopeFindGroup   string
	ScopeFindHint    string
	ScopeFind        string
	ScopeAddGroup    string // %s group name
	ScopeAddMembers  string // %s group name
	ScopeUserID      string
	ScopeAddUser     string
	ScopeNoUser      string // %s id
	ScopeRemove      string // %s item
	ScopeEmpty       string
	ScopeNoMatch     string
	HealthTitle      string
	HealthIntro      string
	HealthTencent    string
	HealthReachable  string // %s url
	HealthDown       string // %s url, %s problem
	HealthRegion     string // %s region
	HealthChecked    string // %s time
	HealthUserSig    string // %s age, %s renews in
	HealthNoUserSig  string
	HealthRates      string
	HealthRatesNone  string
	HealthColCommand string
	HealthColLimit   string
	HealthColMinute  string
	HealthColPeak    string
	HealthAudit      string
	HealthEntries    string // %d entries, %s head
	HealthNeverChk   string
	HealthChecked2   string // %s time, %s by, %d entries
	HealthBroken     string // %d seq, %s reason
	HealthVerify     string
	HealthVersion    string
	HealthRunning    string // %s version
	HealthUpToDate   string
	HealthUpdate     string // %s version
	HealthIndex      string
	PasswordTitle    string
	PasswordIntro    string
	PasswordFirst    string
	PasswordCurrent  string
	PasswordNew      string
	PasswordRepeat   string
	PasswordRule     string // %d min, %d max
	PasswordMismatch string
	PasswordShort    string // %d bytes, %d min
	PasswordSave     string
	PasswordChanged  string
	Minutes          string // %d
	Hours            string // %d
}

var englishAdmin = adminCatalogue{
	AccountsTitle:    "Panel accounts",
	AccountsIntro:    "Who may use imdesk, what each account may see and change, and who is signed in.",
	AccountsAdd:      "Add an account",
	AccountsNone:     "There are no accounts.",
	AccountName:      "Account name",
	AccountRole:      "Role",
	AccountScope:     "Scope",
	AccountLastIn:    "Last signed in %s",
	AccountNeverIn:   "Never signed in",
	AccountSessions:  "Open sessions: %d",
	AccountDisabled:  "Disabled",
	AccountOneTime:   "Must set a new password",
	AccountEdit:      "Change %s",
	AccountSave:      "Save changes",
	AccountDisable:   "Disable",
	AccountEnable:    "Enable",
	AccountReset:     "New one-time password",
	AccountEndSess:   "Sign out everywhere",
	AccountCreate:    "Add the account",
	AccountSaved:     "Saved. %s's next request follows these settings.",
	AccountEnded:     "Every session of %s has ended.",
	ConfirmDisable:   "Disable %s? They are signed out at once and cannot sign in until enabled again.",
	ConfirmReset:     "Give %s a new one-time password? They are signed out at once.",
	PasswordShown:    "The one-time password for %s",
	PasswordOnce:     "It is shown this once. Give it to %s in person or by a private message; at the first sign-in they choose their own.",
	PasswordCopy:     "Copy",
	PasswordDone:     "I have passed it on",
	ScopeAll:         "Everything (every group and user)",
	ScopeGroups:      "Groups (their attributes)",
	ScopeMembersOf:   "Members of groups (their conversation groups and friend lists)",
	ScopeUsers:       "Users (their conversation groups and friend lists)",
	ScopeFindGroup:   "Find a group to add",
	ScopeFindHint:    "Group ID or name",
	ScopeFind:        "Find",
	ScopeAddGroup:    "Add %s",
	ScopeAddMembers:  "Add members of %s",
	ScopeUserID:      "User ID to add",
	ScopeAddUser:     "Check and add",
	ScopeNoUser:      "There is no user %s in this app.",
	ScopeRemove:      "Remove %s",
	ScopeEmpty:       "None yet.",
	ScopeNoMatch:     "No group matches.",
	HealthTitle:      "Panel health",
	HealthIntro:      "Whether imdesk can reach Tencent Cloud Chat, how busy it is, and whether the audit log holds.",
	HealthTencent:    "Tencent Cloud Chat",
	HealthReachable:  "Answers at %s.",
	HealthDown:       "Does not answer at %s: %s",
	HealthRegion:     "Region: %s",
	HealthChecked:    "Checked %s.",
	HealthUserSig:    "Admin UserSig made %s ago; renewed in %s.",
	HealthNoUserSig:  "No admin UserSig made yet.",
	HealthRates:      "Use of Tencent's rate limits, last 5 minutes",
	HealthRatesNone:  "No calls to Tencent in the last 5 minutes.",
	HealthColCommand: "Command",
	HealthColLimit:   "Limit per second",
	HealthColMinute:  "Calls, last minute",
	HealthColPeak:    "Busiest second",
	HealthAudit:      "Audit log",
	HealthEntries:    "%d entries; newest hash %s",
	HealthNeverChk:   "Not verified from the panel since it started.",
	HealthChecked2:   "Verified %s by %s: %d entries, intact.",
	HealthBroken:     "Broken at entry %d: %s",
	HealthVerify:     "Verify the audit log now",
	HealthVersion:    "Version",
	HealthRunning:    "The server runs version %s.",
	HealthUpToDate:   "This page runs the same version.",
	HealthUpdate:     "This page runs an older version (%s): reload to update.",
	HealthIndex:      "Group index",
	PasswordTitle:    "Your password",
	PasswordIntro:    "Choose a password of your own. Other sessions of your account end; this one goes on.",
	PasswordFirst:    "You signed in with a one-time password. Choose your own before you go on.",
	PasswordCurrent:  "Current password",
	PasswordNew:      "New password",
	PasswordRepeat:   "New password again",
	PasswordRule:     "%d to %d bytes.",
	PasswordMismatch: "The two new passwords are not the same.",
	PasswordShort:    "The new password is %d bytes; it needs at least %d.",
	PasswordSave:     "Set my password",
	PasswordChanged:  "Your password is set.",
	Minutes:          "%d min",
	Hours:            "%d h",
}
