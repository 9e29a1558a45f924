package api

import "time"

// Health is the panel's health as the admin page shows it
// (GET /api/v1/health).
type Health struct {
	Version    string        `json:"version"`
	Mode       string        `json:"mode"` // "live" or "demo"
	Tencent    TencentHealth `json:"tencent"`
	RateLimits []RateUse     `json:"rateLimits"`
	Audit      AuditHealth   `json:"audit"`
	// GroupIndex is how far the finder's index of the app's groups has
	// got, as the crawler last counted it (at most 10 s ago while it reads).
	GroupIndex GroupIndexStatus `json:"groupIndex"`
	// Replicas lists the panels that share one PostgreSQL database, oldest
	// first; none on SQLite. Then RateLimits are all replicas' calls
	// together, the other replicas' counted up to 3 seconds behind.
	Replicas []ReplicaHealth `json:"replicas,omitempty"`
}

// ReplicaHealth is one running replica; This is the one that answered.
type ReplicaHealth struct {
	ID      string    `json:"id"`
	Host    string    `json:"host"`
	Started time.Time `json:"started"`
	This    bool      `json:"this,omitempty"`
}

// TencentHealth says whether Tencent answers, where, and the admin
// UserSig's age.
type TencentHealth struct {
	URL              string    `json:"url"`
	Region           string    `json:"region,omitempty"`
	Reachable        bool      `json:"reachable"`
	Problem          string    `json:"problem,omitempty"`
	CheckedAt        time.Time `json:"checkedAt"`
	UserSigAgeSec    int64     `json:"userSigAgeSeconds"`
	UserSigRenewsSec int64     `json:"userSigRenewsInSeconds"`
}

// RateUse is one Tencent command's use of its per-second limit.
type RateUse struct {
	Op            string `json:"op"`
	PerSecond     int    `json:"perSecond"`
	LastMinute    int    `json:"lastMinute"`    // calls in the last 60 seconds
	PeakPerSecond int    `json:"peakPerSecond"` // the busiest second of the last 5 minutes
}

// AuditHealth is the audit log's head and its last verification.
type AuditHealth struct {
	Entries  int64         `json:"entries"`
	HeadHash string        `json:"headHash"`
	Verified *Verification `json:"lastVerification,omitempty"`
}

// Verification is the result of checking the audit chain.
type Verification struct {
	At      time.Time `json:"at"`
	By      string    `json:"by"`
	Entries int64     `json:"entries"`
	Intact  bool      `json:"intact"`
	Broken  *Broken   `json:"broken,omitempty"`
}

// Broken names the first entry where the chain does not hold.
type Broken struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"`
}
