package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// What a device keeps of the groups and users opened on it, newest first,
// in local storage, to open them again with one tap.

// recentMax is how many a list keeps.
const recentMax = 6

// recentItem is a thing a recent list keeps, known by its key.
type recentItem interface{ key() string }

// recentList is the list kept under storageKey.
func recentList[T recentItem](ctx app.Context, storageKey string) []T {
	var list []T
	_ = ctx.LocalStorage().Get(storageKey, &list)
	return list
}

// remember puts item first in the list kept under storageKey, once.
func remember[T recentItem](ctx app.Context, storageKey string, item T) {
	list := []T{item}
	for _, r := range recentList[T](ctx, storageKey) {
		if r.key() != item.key() && len(list) < recentMax {
			list = append(list, r)
		}
	}
	_ = ctx.LocalStorage().Set(storageKey, list)
}
