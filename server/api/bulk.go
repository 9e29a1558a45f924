package api

import (
	"fmt"
	"slices"
	"time"
)

// Bulk changes: one attribute change made to many groups by the server, a
// group at a time through the audited change path (docs/bulk.md).

// What a bulk change does to each group.
const (
	BulkSet     = "set"     // set keys to values (modify_group_attr's meaning)
	BulkDelete  = "delete"  // remove keys; a group without them is unchanged
	BulkReplace = "replace" // make the set exactly these attributes
	BulkRestore = "restore" // put back what an earlier job changed (its undo)
)

// Where a job stands.
const (
	BulkPreviewing = "previewing" // reading each group to say what will happen
	BulkReady      = "ready"      // previewed; waits for its start
	BulkRunning    = "running"
	BulkPaused     = "paused"
	BulkCancelled  = "cancelled"
	BulkFinished   = "finished"
)

// What the preview found for a group (plan) and what running did
// (outcome). Changes is "will change" in a plan and "changed" in an
// outcome.
const (
	BulkChanges   = "changes"
	BulkUnchanged = "unchanged" // the group already has what the change asks
	BulkRefused   = "refused"   // a limit, the scope, or Tencent refused the group
	BulkFailed    = "failed"    // Tencent could not be reached or failed; nothing was changed
	BulkUnknown   = "unknown"   // the change may or may not have been made (a lost answer)
	BulkExcluded  = "excluded"  // left out when the job was made: unknown or out of scope
)

// Audit actions of bulk changes: the job's own events. Each group's change
// is audited as any attribute change is (ActionAttributesPatch, …), with
// the job's ID in the entry.
const (
	ActionBulkCreate = "bulk.create"
	ActionBulkStart  = "bulk.start"
	ActionBulkPause  = "bulk.pause"
	ActionBulkResume = "bulk.resume"
	ActionBulkCancel = "bulk.cancel"
	ActionBulkFinish = "bulk.finish"
)

// BulkActions are the job's own events, whose target is the job.
var BulkActions = []string{ActionBulkCreate, ActionBulkStart, ActionBulkPause, ActionBulkResume, ActionBulkCancel, ActionBulkFinish}

// MaxBulkIDs is how many group IDs a pasted list may hold.
const MaxBulkIDs = 100_000

// BulkSource says which groups a job changes: a finder query (the groups
// in the caller's scope whose name contains Query, of Type), a list of
// IDs, or the groups of an earlier job (with Outcomes, only those that
// ended so: retry what failed). Exactly one of Query/Type, IDs and Job.
type BulkSource struct {
	Query    string   `json:"query,omitempty"`
	Type     string   `json:"type,omitempty"`
	All      bool     `json:"all,omitempty"` // a query of every group in scope (no text, no type)
	IDs      []string `json:"ids,omitempty"`
	Job      int64    `json:"job,omitempty"`
	Outcomes []string `json:"outcomes,omitempty"`
}

// Validate checks a source on its own.
func (s BulkSource) Validate() *FieldError {
	query := s.Query != "" || s.Type != "" || s.All
	n := 0
	for _, b := range []bool{query, s.IDs != nil, s.Job != 0} {
		if b {
			n++
		}
	}
	switch {
	case n == 0:
		return fieldErr("source", "Choose the groups: a search, a list of group IDs, or an earlier bulk change.")
	case n > 1:
		return fieldErr("source", "Choose the groups one way only: a search, a list of group IDs, or an earlier bulk change.")
	case s.IDs != nil && len(s.IDs) == 0:
		return fieldErr("source.ids", "The list of group IDs is empty.")
	case len(s.IDs) > MaxBulkIDs:
		return fieldErr("source.ids", "The list holds %d group IDs; the limit is %d.", len(s.IDs), MaxBulkIDs)
	case s.Outcomes != nil && s.Job == 0:
		return fieldErr("source.outcomes", "Outcomes choose among the groups of an earlier bulk change; name it.")
	}
	for i, o := range s.Outcomes {
		if !slices.Contains([]string{BulkChanges, BulkUnchanged, BulkRefused, BulkFailed, BulkUnknown, BulkExcluded}, o) {
			return fieldErr(fmt.Sprintf("source.outcomes[%d]", i), "There is no outcome %q.", o)
		}
	}
	if query && s.Query != "" {
		if err := CheckText("source.query", Say("The search"), s.Query); err != nil {
			return err
		}
	}
	return nil
}

// BulkNew is the body of POST /api/v1/bulk-changes: which groups, and the
// change. Set holds the keys to set (op set) or the whole new set (op
// replace); Delete the keys to remove (op delete).
type BulkNew struct {
	Source BulkSource `json:"source" api:"required"`
	Op     string     `json:"op" api:"required"`
	Set    []Attr     `json:"set,omitempty"`
	Delete []string   `json:"delete,omitempty"`
}

// MaxBody is the size a new bulk change's body may have: MaxBulkIDs
// group IDs of the longest, with room for the change.
func (BulkNew) MaxBody() int64 { return MaxBulkIDs*(MaxGroupIDBytes+4) + 128<<10 }

// Validate checks the change on its own: the per-group limits are checked
// against each group's attributes by the preview and again when it runs.
func (b BulkNew) Validate() *FieldError {
	if err := b.Source.Validate(); err != nil {
		return err
	}
	switch b.Op {
	case BulkSet:
		if len(b.Set) == 0 || len(b.Delete) > 0 {
			return fieldErr("set", "Give the keys to set, and nothing to remove.")
		}
		return AttrPatch{Set: b.Set}.Validate()
	case BulkDelete:
		if len(b.Delete) == 0 || len(b.Set) > 0 {
			return fieldErr("delete", "Give the keys to remove, and nothing to set.")
		}
		return AttrPatch{Delete: b.Delete}.Validate()
	case BulkReplace:
		if len(b.Delete) > 0 {
			return fieldErr("delete", "A replacement gives the whole new set; it removes nothing by name.")
		}
		if err := (AttrReplace{Attributes: b.Set}).Validate(); err != nil {
			return err.At("set" + err.Field[len("attributes"):])
		}
		return nil
	}
	return fieldErr("op", "The change must be %q, %q or %q.", BulkSet, BulkDelete, BulkReplace)
}

// BulkCounts counts a job's groups: in the preview, what will happen
// (Changes: will change); in the run, what did (Changes: changed).
// Remaining are not previewed, or not run, yet.
type BulkCounts struct {
	Changes   int `json:"changes"`
	Unchanged int `json:"unchanged"`
	Refused   int `json:"refused"`
	Failed    int `json:"failed"`
	Unknown   int `json:"unknown"`
	Excluded  int `json:"excluded"`
	Remaining int `json:"remaining"`
}

// Add counts n groups of an outcome.
func (c *BulkCounts) Add(outcome string, n int) {
	switch outcome {
	case BulkChanges:
		c.Changes += n
	case BulkUnchanged:
		c.Unchanged += n
	case BulkRefused:
		c.Refused += n
	case BulkFailed:
		c.Failed += n
	case BulkUnknown:
		c.Unknown += n
	case BulkExcluded:
		c.Excluded += n
	default:
		c.Remaining += n
	}
}

// Done is how many groups have an outcome.
func (c BulkCounts) Done() int {
	return c.Changes + c.Unchanged + c.Refused + c.Failed + c.Unknown + c.Excluded
}

// BulkReason is one reason groups were refused, and how many.
type BulkReason struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

// BulkSample is one group's attributes before and after the change, as the
// preview read them.
type BulkSample struct {
	GroupID string `json:"groupId"`
	Name    string `json:"name"`
	Before  []Attr `json:"before"`
	After   []Attr `json:"after"`
}

// BulkJob is a bulk change as the API returns it.
type BulkJob struct {
	ID      int64      `json:"id"`
	Owner   string     `json:"owner"`
	Created time.Time  `json:"created"`
	Op      string     `json:"op"`
	Set     []Attr     `json:"set,omitempty"`
	Delete  []string   `json:"delete,omitempty"`
	Source  BulkSource `json:"source"`
	// Undoes is the job this one undoes (op restore).
	Undoes    int64  `json:"undoes,omitempty"`
	Overwrite bool   `json:"overwrite,omitempty"` // restore: also groups changed since
	State     string `json:"state"`
	Reason    string `json:"reason,omitempty"` // why it stopped early
	Total     int    `json:"total"`
	// Preview is what the preview found, Progress what running did.
	Preview     BulkCounts   `json:"preview"`
	Progress    BulkCounts   `json:"progress"`
	Refusals    []BulkReason `json:"refusals"` // the preview's reasons, most common first
	Sample      []BulkSample `json:"sample"`
	PerSecond   float64      `json:"perSecond,omitempty"`   // groups per second since it last started
	SecondsLeft int          `json:"secondsLeft,omitempty"` // at that rate; 0 when not running
	// CanControl: the caller may start, pause, resume, cancel and undo it.
	CanControl bool `json:"canControl"`
}

// BulkJobList is GET /api/v1/bulk-changes.
type BulkJobList struct {
	Jobs []BulkJob `json:"jobs"`
	// CanCreate: the caller's role may make bulk changes.
	CanCreate bool `json:"canCreate"`
	MaxGroups int  `json:"maxGroups"`
}

// BulkCreated answers POST /api/v1/bulk-changes: the job, and the group
// IDs left out of it, each with the reason.
type BulkCreated struct {
	Job     BulkJob      `json:"job"`
	LeftOut []ItemResult `json:"leftOut"`
}

// BulkItem is one group of a job.
type BulkItem struct {
	N          int    `json:"n"`
	GroupID    string `json:"groupId"`
	Name       string `json:"name"`
	Plan       string `json:"plan"`
	PlanReason string `json:"planReason,omitempty"`
	Outcome    string `json:"outcome"`
	Reason     string `json:"reason,omitempty"`
	Audit      int64  `json:"audit,omitempty"` // the audit entry of the change made
}

// BulkItemPage is a page of a job's groups.
type BulkItemPage struct {
	Items      []BulkItem `json:"items"`
	NextCursor string     `json:"nextCursor,omitempty"`
}

// BulkStart is the body of POST /api/v1/bulk-changes/{id}/start. A
// replacement (and an undo that overwrites) must be confirmed with the
// number of groups it will change, as the preview counted them.
type BulkStart struct {
	Groups int `json:"groups"`
}

// BulkUndo is the body of POST /api/v1/bulk-changes/{id}/undo. Overwrite
// also restores the groups someone else changed since the job did.
type BulkUndo struct {
	Overwrite bool `json:"overwrite"`
}
