package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// The panel's pages. Paths are shared by the navigation and the server, which
// prerenders each of them.
const (
	pathHome         = "/"
	pathSignIn       = "/signin"
	pathGroups       = "/groups"
	pathGroup        = "/group"         // ?id=GROUP-ID: the attribute editor
	pathGroupMembers = "/group-members" // ?id=GROUP-ID: the group's members
	pathConvGroups   = "/conversation-groups"
	pathFriendLists  = "/friend-lists"
	pathBulk         = "/bulk-changes" // ?id=N: one bulk change
	pathAudit        = "/audit"
	pathAccounts     = "/accounts"
	pathHealth       = "/health"
	pathKeys         = "/attribute-keys"
	pathPassword     = "/password"
)

func registerRoutes() {
	app.Route(pathHome, func() app.Composer { return &homePage{} })
	app.Route(pathSignIn, func() app.Composer { return &signInPage{} })
	app.Route(pathGroups, func() app.Composer { return &finderPage{} })
	app.Route(pathGroup, func() app.Composer { return &attributesPage{} })
	app.Route(pathGroupMembers, func() app.Composer { return &groupMembersPage{} })
	app.Route(pathConvGroups, func() app.Composer {
		return &convGroupsPage{userPage: userPage{route: pathConvGroups, titleKey: "ConvGroups.Title"}}
	})
	app.Route(pathFriendLists, func() app.Composer {
		return &friendListsPage{userPage: userPage{route: pathFriendLists, titleKey: "Users.FriendListsOf"}}
	})
	app.Route(pathBulk, func() app.Composer { return &bulkPage{} })
	app.Route(pathAudit, func() app.Composer { return &auditPage{} })
	app.Route(pathAccounts, func() app.Composer { return &accountsPage{} })
	app.Route(pathHealth, func() app.Composer { return &healthPage{} })
	app.Route(pathKeys, func() app.Composer { return &keysPage{} })
	app.Route(pathPassword, func() app.Composer { return &passwordPage{} })
}
