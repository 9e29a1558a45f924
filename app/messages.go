package main

// catalogue holds every sentence the user interface shows, so that another
// language is one more value of this type and no page changes. Strings with
// %-verbs are formats; their arguments are documented beside them.
type catalogue struct {
	AppName    string
	AppTagline string

	SkipToContent string
	NavLabel      string
	DemoBanner    string
	DemoShort     string
	DemoDismiss   string
	UpdateReady   string
	UpdateReload  string
	SignedInAs    string // %s name, %s role
	SignOut       string
	Roles         map[string]string
	Loading       string
	Working       string
	RequestID     string // %s id
	TryAgain      string
	LeaveUnsaved  string

	ErrNetwork    string
	ErrUnexpected string

	HomeTitle string
	HomeIntro string

	Sections map[string]section // by path
	NotBuilt string

	SignInTitle     string
	SignInIntro     string
	Username        string
	Password        string
	SignIn          string
	SigningIn       string
	SignInThrottled string // %d seconds

	FinderTitle       string
	FinderIntro       string
	FinderSearch      string
	FinderSearchHint  string
	FinderType        string
	FinderAllTypes    string
	FinderFind        string
	FinderRecent      string
	FinderResults     string // %d total
	FinderResult1     string
	FinderHidden      string
	FinderNone        string
	FinderNext        string
	FinderPrevious    string
	FinderResultsMore string // %d counted; there are more
	IndexStatus       string // %s groups indexed (formatted), %s when refreshed
	IndexOf           string // %s indexed, %s Tencent's total (while the first reading runs)
	IndexNever        string
	IndexReading      string
	IndexJustNow      string
	IndexMinutesAgo   string // %d
	IndexHoursAgo     string // %d
	IndexDaysAgo      string // %d
	IndexRefresh      string
	IndexRefreshAt    string // %s time of day
	IndexRefreshBusy  string
	IndexRefreshStart string
	ColName           string
	ColID             string
	ColType           string
	ColMembers        string
	GroupTypes        map[string]string
	ReadOnlyGroup     string

	EditorTitle         string // %s group name
	EditorBack          string
	EditorIntro         string
	EditorReadOnly      string
	EditorEmpty         string
	EditorKey           string // %d row
	EditorValue         string // %d row
	EditorRemoveRow     string // %d row
	EditorAddRow        string
	EditorBytes         string // %d used, %d limit
	EditorKeysCount     string // %d used, %d limit
	EditorTotalBytes    string // %d used, %d limit
	EditorSave          string
	EditorUndo          string
	EditorNoChanges     string
	EditorFixFirst      string // %s problem
	EditorFixRow        string // %d row, %s problem
	EditorFull          string // %d limit
	EditorKeyEmpty      string
	EditorKeyTooLong    string // %d bytes, %d limit
	EditorKeyDuplicate  string
	EditorValueTooLong  string // %d bytes, %d limit
	EditorTooManyKeys   string // %d count, %d limit
	EditorTooManyBytes  string // %d bytes, %d limit
	EditorSaved         string
	EditorConflict      string
	EditorReload        string
	ConflictTheirs      string
	ConflictNoCollision string
	ConflictCollisions  string
	ConflictKeepBoth    string
	ConflictKeepMine    string // %s value
	ConflictKeepTheirs  string // %s value
	ConflictRemoved     string
	EditorDanger        string
	EditorReplaceAll    string
	EditorClearAll      string
	EditorNoClear       string
	EditorReplaceEmpty  string

	PreviewTitle   string // %s group name
	PreviewAdded   string
	PreviewChanged string
	PreviewRemoved string
	PreviewConfirm string // %s group name
	Cancel         string

	ReplaceTitle      string // %s group name
	ReplaceWarning    string // %d attributes
	ClearTitle        string // %s group name
	ClearWarning      string
	ReplaceUnderstand string // %d attributes now, %s name, %s id, %d attributes after
	ClearUnderstand   string // %d attributes, %s name, %s id
	ConfirmReplace    string // %d attributes
	ConfirmClear      string // %d attributes

	AuditTitle     string
	AuditIntro     string
	AuditFilters   string
	AuditFiltersOn string // %d filters in use
	AuditZone      string // %s zone
	AuditActor     string
	AuditAction    string
	AuditTarget    string
	AuditOutcome   string
	AuditSince     string
	AuditUntil     string
	AuditAny       string
	AuditApply     string
	AuditReset     string
	AuditExportCSV string
	AuditExportJL  string
	AuditNone      string
	AuditOlder     string
	AuditDetails   string // %d seq
	AuditBefore    string
	AuditAfter     string
	AuditNoAttrs   string
	AuditCode      string // %d code, %s info
	AuditDuration  string // %d ms
	AuditIP        string
	AuditAgent     string
	Actions        map[string]string
	Outcomes       map[string]string

	Admin            adminCatalogue // the admin's pages (messages-admin.go)
	UndoOpen         string
	UndoTitle        string // %d seq, %s group
	UndoNow          string
	UndoAfter        string
	UndoChangedSince string
	UndoChangedAgain string
	UndoNothing      string
	UndoConfirm      string
	UndoDone         string // %s group, %d seq
	AuditNoGroups    string
	AuditGroupLine   string // %s name, %d conversations

	Users usersText
	CG    convGroupsText
}

// section names one area of the panel in the navigation and on the home page.
// usersText is the user finder's.
type usersText struct {
	FindTitle     string
	FindIntro     string
	UserID        string
	UserIDHint    string
	Open          string
	Recent        string
	FromGroup     string
	GroupID       string
	GroupIDHint   string
	ListMembers   string
	MembersOf     string // %s group ID, %d shown, %d members in all
	NoMembers     string
	MoreMembers   string
	Role          map[string]string
	OtherUser     string
	FriendListsOf string // %s user
}

// convGroupsText is the conversation groups page's.
type convGroupsText struct {
	Title         string // %s user (nickname and ID)
	Intro         string
	ReadOnly      string
	NotInEdition  string
	EditionHelp   string
	GroupsCount   string // %d groups, %d limit
	ConvCount     string // %d counted, %d limit
	NoGroups      string
	NoConvs       string
	User          string
	Group         string
	Remove        string // %s conversation
	Rename        string
	RenameGroup   string // %s group name
	NewName       string // %s group name
	SaveName      string
	AddConv       string
	ConvType      string
	ConvID        string
	ConvIDHint    string
	AddTo         string // %s group name
	Delete        string // %s group name
	DeleteTitle   string // %s group name
	DeleteWarning string // %d conversations
	DeleteConfirm string // %s group name
	CreateTitle   string
	Name          string
	Bytes         string // %d used, %d limit
	Choose        string
	OrType        string
	Create        string
	GroupsFull    string // %d limit
	ConvsFull     string // %d limit
	MarksTitle    string
	MarksIntro    string
	Select        string // %s conversation
	Mark          string
	SetMark       string
	ClearMark     string
	Custom        string
	SetCustom     string
	ClearCustom   string
	MarkNames     map[string]string
	Selected      string // %d selected
	SelectFirst   string
	Done          string
	SomeFailed    string // %d failed, %d in all
	Failed        string // %s conversation, %s why
	TooLong       string // %d bytes, %d limit
	EnterName     string
	Changed       string
	Reload        string
	Back          string
	InGroups      string // %s group names
}

type section struct {
	Title   string
	Summary string
}

var english = catalogue{
	AppName:    "imdesk",
	AppTagline: "Admin panel for Tencent Cloud Chat",

	SkipToContent: "Skip to content",
	NavLabel:      "Main",
	DemoBanner:    "Demo mode — changes go to a simulator, not to Tencent Cloud Chat.",
	DemoShort:     "Demo — changes go to a simulator.",
	DemoDismiss:   "Hide the demo notice",
	UpdateReady:   "A new version of imdesk is ready.",
	UpdateReload:  "Reload now",
	SignedInAs:    "Signed in as %s (%s)",
	SignOut:       "Sign out",
	Roles:         map[string]string{"viewer": "viewer", "moderator": "moderator", "admin": "admin"},
	Loading:       "Loading…",
	Working:       "Working…",
	RequestID:     "Request id: %s",
	TryAgain:      "Try again",
	LeaveUnsaved:  "You have changes that are not saved. Leave this page and lose them?",

	ErrNetwork:    "imdesk could not reach its server. Check your connection and try again.",
	ErrUnexpected: "The server sent an answer imdesk did not expect. Try again.",

	HomeTitle: "What would you like to change?",
	HomeIntro: "Pick an area. Every change is checked before it is sent and recorded in the audit log.",

	Sections: map[string]section{
		pathGroups:        {"Group attributes", "Read and edit the custom attributes of a group."},
		pathConversations: {"Conversation groups", "Organise a user's conversations into groups and marks."},
		pathFriendLists:   {"Friend lists", "Create and remove a user's friend lists."},
		pathAudit:         {"Audit log", "See who changed what, when, and whether it worked."},
		pathAccounts:      {"Accounts", "Add panel accounts, change their role and scope, sign them out."},
		pathHealth:        {"Health", "Tencent, rate limits, the audit log and the version, at a glance."},
	},
	NotBuilt: "This part of the panel is not available yet.",

	SignInTitle:     "Sign in to imdesk",
	SignInIntro:     "Use the account your administrator gave you.",
	Username:        "Account name",
	Password:        "Password",
	SignIn:          "Sign in",
	SigningIn:       "Signing in…",
	SignInThrottled: "Too many sign-in attempts. Try again in %d seconds.",

	FinderTitle:       "Group attributes",
	FinderIntro:       "Find a group by its ID or name, then open it to see and change its attributes.",
	FinderSearch:      "Group ID or name",
	FinderSearchHint:  "For example @TGS#_trailhead or Hikers",
	FinderType:        "Group type",
	FinderAllTypes:    "All types",
	FinderFind:        "Find",
	FinderRecent:      "Recently opened on this device",
	FinderResults:     "%d groups found",
	FinderResult1:     "1 group found",
	FinderHidden:      "Some groups that match are outside your account's scope and are not shown.",
	FinderNone:        "No group matches. Check the ID or try part of the name.",
	FinderNext:        "Next page",
	FinderPrevious:    "Previous page",
	FinderResultsMore: "More than %d groups found; add to the search to narrow it",
	IndexStatus:       "%s groups indexed, %s",
	IndexOf:           "%s of %s groups indexed, %s",
	IndexNever:        "the first reading is not finished",
	IndexReading:      "; still reading the list…",
	IndexJustNow:      "refreshed just now",
	IndexMinutesAgo:   "refreshed %d minutes ago",
	IndexHoursAgo:     "refreshed %d hours ago",
	IndexDaysAgo:      "refreshed %d days ago",
	IndexRefresh:      "Refresh the list",
	IndexRefreshAt:    "The list can be refreshed again at %s.",
	IndexRefreshBusy:  "The list is being read now; new groups appear as it goes.",
	IndexRefreshStart: "Reading the list now; new groups appear within a few minutes.",
	ColName:           "Name",
	ColID:             "Group ID",
	ColType:           "Type",
	ColMembers:        "Members",
	// Tencent's old and new names of a type show alike.
	GroupTypes: map[string]string{"Private": "Private (Work)", "Work": "Private (Work)", "Public": "Public", "ChatRoom": "Chat room (Meeting)",
		"Meeting": "Chat room (Meeting)", "AVChatRoom": "Live (AVChatRoom)", "Community": "Community"},
	ReadOnlyGroup: "view only",

	EditorTitle:         "Attributes of %s",
	EditorBack:          "All groups",
	EditorIntro:         "Each attribute is a key and a value. Sizes count bytes as Tencent does: a Chinese, Japanese or Korean character is 3 bytes.",
	EditorReadOnly:      "Your account can view these attributes but not change them.",
	EditorEmpty:         "This group has no attributes yet.",
	EditorKey:           "Key of row %d",
	EditorValue:         "Value of row %d",
	EditorRemoveRow:     "Remove row %d",
	EditorAddRow:        "Add an attribute",
	EditorBytes:         "%d / %d bytes",
	EditorKeysCount:     "Attributes: %d of %d",
	EditorTotalBytes:    "All values: %d of %d bytes",
	EditorSave:          "Review and save",
	EditorUndo:          "Undo my changes",
	EditorNoChanges:     "Nothing to save: you have not changed anything.",
	EditorFixFirst:      "Cannot save yet: %s",
	EditorFixRow:        "Cannot save yet, row %d: %s",
	EditorFull:          "A group can have at most %d attributes; remove one to add another.",
	EditorKeyEmpty:      "Enter a key.",
	EditorKeyTooLong:    "The key is %d bytes; the limit is %d.",
	EditorKeyDuplicate:  "Another row has the same key.",
	EditorValueTooLong:  "The value is %d bytes; the limit is %d.",
	EditorTooManyKeys:   "A group can have at most %[2]d attributes; there are %[1]d.",
	EditorTooManyBytes:  "All values together may be at most %[2]d bytes; they are %[1]d.",
	EditorSaved:         "Saved. The attributes below are what Tencent Cloud Chat now has.",
	EditorConflict:      "Someone else changed this group's attributes after you opened it. Nothing of yours was saved yet.",
	EditorReload:        "Discard my edits and load theirs",
	ConflictTheirs:      "What they changed",
	ConflictNoCollision: "Your edits touch other attributes, so both can be kept. Keep both, then review and save.",
	ConflictCollisions:  "You both changed these attributes. Choose which value stays for each, then keep both:",
	ConflictKeepBoth:    "Keep both",
	ConflictKeepMine:    "Keep yours: %s",
	ConflictKeepTheirs:  "Keep theirs: %s",
	ConflictRemoved:     "removed",
	EditorDanger:        "Actions that affect every attribute",
	EditorReplaceAll:    "Replace all attributes…",
	EditorClearAll:      "Clear all attributes…",
	EditorNoClear:       "Community groups cannot be cleared; remove attributes one by one instead.",
	EditorReplaceEmpty:  "Add at least one attribute to replace all with; to remove them all, use Clear.",

	PreviewTitle:   "Review changes to %s",
	PreviewAdded:   "Added",
	PreviewChanged: "Changed",
	PreviewRemoved: "Removed",
	PreviewConfirm: "Save changes to %s",
	Cancel:         "Cancel",

	ReplaceTitle:      "Replace all attributes of %s",
	ReplaceWarning:    "Every attribute of the group will be replaced by the %d shown in the editor. Attributes not shown there are deleted.",
	ClearTitle:        "Clear all attributes of %s",
	ClearWarning:      "Every attribute of the group will be deleted. This cannot be undone.",
	ReplaceUnderstand: "I understand that all %d attributes of %s (%s) will be replaced by the %d in the editor.",
	ClearUnderstand:   "I understand that all %d attributes of %s (%s) will be removed.",
	ConfirmReplace:    "Replace with these %d",
	ConfirmClear:      "Remove all %d",

	AuditTitle:     "Audit log",
	AuditIntro:     "Every sign-in and every change, newest first. Each entry is linked to the one before, so tampering shows.",
	AuditFilters:   "Filters",
	AuditFiltersOn: "Filters (%d in use)",
	AuditZone:      "Times are in your time zone, %s.",
	AuditActor:     "Account (or part of its name)",
	AuditAction:    "Action",
	AuditTarget:    "Group or user ID (or part of it)",
	AuditOutcome:   "Outcome",
	AuditSince:     "From (date)",
	AuditUntil:     "Until (including that day)",
	AuditAny:       "Any",
	AuditApply:     "Apply filters",
	AuditReset:     "Clear filters",
	AuditExportCSV: "Export CSV",
	AuditExportJL:  "Export JSON lines",
	AuditNone:      "No entries match these filters.",
	AuditOlder:     "Show older entries",
	AuditDetails:   "Details of entry %d",
	AuditBefore:    "Before",
	AuditAfter:     "After",
	AuditNoAttrs:   "(no attributes)",
	AuditCode:      "Tencent answered %d %s",
	AuditDuration:  "Took %d ms",
	AuditIP:        "Address",
	AuditAgent:     "Browser",
	Actions: map[string]string{
		"session.signin":                  "Signed in",
		"session.signout":                 "Signed out",
		"group.attributes.patch":          "Changed attributes",
		"group.attributes.replace":        "Replaced all attributes",
		"group.attributes.clear":          "Cleared all attributes",
		"group.attributes.restore":        "Undid a change to attributes",
		"account.add":                     "Added an account",
		"account.passwd":                  "Changed a password",
		"account.disable":                 "Disabled an account",
		"account.enable":                  "Enabled an account",
		"account.update":                  "Changed an account",
		"account.password.reset":          "Gave a one-time password",
		"account.password.change":         "Set their own password",
		"account.sessions.end":            "Ended an account's sessions",
		"audit.verify":                    "Verified the audit log",
		"user.conversation-groups.create": "Created a conversation group",
		"user.conversation-groups.update": "Changed a conversation group",
		"user.conversation-groups.delete": "Deleted a conversation group",
		"user.conversation-marks.set":     "Changed conversation marks",
	},
	Outcomes: map[string]string{"ok": "Done", "failed": "Failed", "unknown": "Unknown — check the group", "pending": "In progress"},
	Admin:    englishAdmin,

	UndoOpen:         "Undo this change…",
	UndoTitle:        "Undo entry %d: %s",
	UndoNow:          "Now",
	UndoAfter:        "After the undo",
	UndoChangedSince: "Changed since this entry — the undo puts these back too",
	UndoChangedAgain: "The group changed while this was open. Here is how it is now; check again before you confirm.",
	UndoNothing:      "There is nothing to undo: the group is already as it was before this change.",
	UndoConfirm:      "Restore the attributes as they were",
	UndoDone:         "Undone: the attributes of %s are back as they were before entry %d. The undo is the newest entry below.",

	AuditNoGroups:  "(no conversation groups)",
	AuditGroupLine: "%s: %d conversations",

	Users: usersText{
		FindTitle:     "Find a user",
		FindIntro:     "Open a user by their user ID, or pick them from the members of a group you look after.",
		UserID:        "User ID",
		UserIDHint:    "For example alice",
		Open:          "Open",
		Recent:        "Users recently opened on this device",
		FromGroup:     "Members of a group",
		GroupID:       "Group ID",
		GroupIDHint:   "For example @TGS#_trailhead",
		ListMembers:   "List members",
		MembersOf:     "Members of %s you can open: %d shown of %d",
		NoMembers:     "None of this group's members are in your scope.",
		MoreMembers:   "More members",
		Role:          map[string]string{"Owner": "owner", "Admin": "admin", "Member": "member"},
		OtherUser:     "Choose another user",
		FriendListsOf: "Friend lists of %s",
	},
	CG: convGroupsText{
		Title:         "Conversation groups of %s",
		Intro:         "A user's conversation groups are named folders of their conversations with other users and in group chats. Each conversation can also carry marks.",
		ReadOnly:      "Your account can view this user's conversation groups but not change them.",
		NotInEdition:  "This app's Tencent Cloud Chat plan does not include conversation groups and conversation marks.",
		EditionHelp:   "They come with the Pro, Pro Plus and Enterprise editions. An administrator can upgrade the app in the Tencent Cloud Chat console; nothing here can be changed until then.",
		GroupsCount:   "Conversation groups: %d of %d",
		ConvCount:     "Conversations in groups or marked: %d of %d",
		NoGroups:      "This user has no conversation groups yet.",
		NoConvs:       "No conversations in this group.",
		User:          "User",
		Group:         "Group",
		Remove:        "Remove %s from the group",
		Rename:        "Rename",
		RenameGroup:   "Rename %s",
		NewName:       "New name for %s",
		SaveName:      "Save name",
		AddConv:       "Add a conversation",
		ConvType:      "Conversation with",
		ConvID:        "User ID or group ID",
		ConvIDHint:    "For example bob or @TGS#_trailhead",
		AddTo:         "Add to %s",
		Delete:        "Delete %s…",
		DeleteTitle:   "Delete the conversation group %s?",
		DeleteWarning: "The group holds %d conversations. The conversations stay; only the group and its name go. This cannot be undone.",
		DeleteConfirm: "Delete %s",
		CreateTitle:   "Create a conversation group",
		Name:          "Name",
		Bytes:         "%d / %d bytes",
		Choose:        "Conversations to put in it (optional)",
		OrType:        "Or add a conversation by ID",
		Create:        "Create group",
		GroupsFull:    "This user has %d conversation groups, the most Tencent Cloud Chat allows. Delete one to create another.",
		ConvsFull:     "This user has %d conversations in groups or marked, the most Tencent Cloud Chat allows. Remove some first.",
		MarksTitle:    "Marks",
		MarksIntro:    "Choose conversations, then set or clear a mark on all of them.",
		Select:        "Choose %s",
		Mark:          "Mark",
		SetMark:       "Set mark",
		ClearMark:     "Clear mark",
		Custom:        "Custom mark",
		SetCustom:     "Set custom mark",
		ClearCustom:   "Clear custom mark",
		MarkNames:     map[string]string{"star": "Starred", "unread": "Unread", "fold": "Folded", "hide": "Hidden"},
		Selected:      "%d chosen",
		SelectFirst:   "Choose at least one conversation first.",
		Done:          "Done. What you see is what Tencent Cloud Chat now has.",
		SomeFailed:    "%d of %d conversations could not be changed; the others were.",
		Failed:        "%s: %s",
		TooLong:       "It is %d bytes; the limit is %d.",
		EnterName:     "Enter a name.",
		Changed:       "Someone changed this user's conversation groups after you opened them. Load them again, then make your change.",
		Reload:        "Load them again",
		Back:          "Find another user",
		InGroups:      "In: %s",
	},
}

// msg is the catalogue in use. English is the only language so far.
var msg = &english

// navOrder is the order of the sections in the navigation; adminNav are
// shown to admins only.
var (
	navOrder = []string{pathGroups, pathConversations, pathFriendLists, pathAudit}
	adminNav = []string{pathAccounts, pathHealth}
)
