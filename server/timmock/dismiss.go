package timmock

import "slices"

// Dismiss dismisses a group as its owner or Tencent's console would
// (destroy_group): it is gone from every call at once. Tests use it to
// have a group vanish between the panel's check and its call.
func (m *Mock) Dismiss(groupID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.groups, groupID)
	m.order = slices.DeleteFunc(m.order, func(id string) bool { return id == groupID })
}
