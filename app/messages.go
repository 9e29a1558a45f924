package main

// catalogue holds every sentence the user interface shows, so that another
// language is one more value of this type and no page changes. Fields are
// grouped by where they appear.
type catalogue struct {
	AppName    string
	AppTagline string

	SkipToContent string
	NavLabel      string
	DemoBanner    string
	UpdateReady   string
	UpdateReload  string

	HomeTitle string
	HomeIntro string

	Sections map[string]section // by path
	NotBuilt string
}

// section names one area of the panel in the navigation and on the home page.
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
	UpdateReady:   "A new version of imdesk is ready.",
	UpdateReload:  "Reload now",

	HomeTitle: "What would you like to change?",
	HomeIntro: "Pick an area. Every change is checked before it is sent and recorded in the audit log.",

	Sections: map[string]section{
		pathGroups:        {"Group attributes", "Read and edit the custom attributes of a group."},
		pathConversations: {"Conversation groups", "Organise a user's conversations into groups and marks."},
		pathFriendLists:   {"Friend lists", "Create and remove a user's friend lists."},
		pathAudit:         {"Audit log", "See who changed what, when, and whether it worked."},
	},
	NotBuilt: "This part of the panel is not available yet.",
}

// msg is the catalogue in use. English is the only language so far.
var msg = &english

// navOrder is the order of the sections in the navigation.
var navOrder = []string{pathGroups, pathConversations, pathFriendLists, pathAudit}
