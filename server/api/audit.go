package api

import (
	"encoding/json"
	"time"
)

// AuditEntry is one row of the audit log. A sign-in or sign-out is one
// "event"; a change is an "intent", written before anything is sent to
// Tencent, completed by a later "outcome" entry; it records the state before
// and the state the change will leave. Hash links each entry to the one
// before it.
type AuditEntry struct {
	Seq         int64           `json:"seq"`
	Time        time.Time       `json:"time"`
	Kind        string          `json:"kind"`
	Completes   int64           `json:"completes,omitempty"`
	Actor       string          `json:"actor"`
	Role        string          `json:"role"`
	IP          string          `json:"ip"`
	UserAgent   string          `json:"userAgent"`
	RequestID   string          `json:"requestId"`
	Action      string          `json:"action"`
	Target      string          `json:"target"`
	Request     json.RawMessage `json:"request"`
	Before      json.RawMessage `json:"before"`
	After       json.RawMessage `json:"after"` // for an intent: the state the change will leave
	Outcome     string          `json:"outcome"`
	TencentCode int             `json:"tencentCode"`
	TencentInfo string          `json:"tencentInfo"`
	Detail      string          `json:"detail"`
	DurationMS  int64           `json:"durationMs"`
	// Job is the bulk change that made the entry; 0 for one made by hand.
	Job      int64  `json:"job,omitempty"`
	PrevHash string `json:"prevHash"`
	Hash     string `json:"hash"`
}

// AuditRecord is an event, or an intent together with its outcome: what the
// audit page shows as one line.
type AuditRecord struct {
	AuditEntry
	// For an intent, when its outcome was recorded; the outcome fields above
	// are the outcome entry's. Outcome stays "pending" until then.
	CompletedAt *time.Time `json:"completedAt,omitempty"`
}

// AuditPage is one page of GET /api/v1/audit, newest first.
type AuditPage struct {
	Records    []*AuditRecord `json:"records"`
	NextCursor string         `json:"nextCursor,omitempty"`
}

// UndoPreview is GET /api/v1/audit/{seq}/undo: what undoing a change would
// do. Restore is the state before the change, which the undo puts back;
// Left is the state the change left, and Current the state now — when they
// differ (ChangedSince), someone changed the target after the entry, and
// the undo would undo that too. Version is Current's, for If-Match.
type UndoPreview struct {
	Seq          int64           `json:"seq"`
	Action       string          `json:"action"`     // the entry's
	UndoAction   string          `json:"undoAction"` // the undo's audit action
	Target       string          `json:"target"`
	Current      json.RawMessage `json:"current"`
	Version      string          `json:"version"`
	Restore      json.RawMessage `json:"restore"`
	Left         json.RawMessage `json:"left"`
	ChangedSince bool            `json:"changedSince"`
	NothingToDo  bool            `json:"nothingToDo"` // the target is already as it was before
}

// UndoRequest is what an undo records as its request in the audit log.
type UndoRequest struct {
	Undoes int64 `json:"undoes"`
}
