package server

import (
	"context"
	"net/http"
	"time"
)

// defaultCheckpointEvery is how often the audit log's head is logged when
// the configuration does not say.
const defaultCheckpointEvery = 15 * time.Minute

// handleAuditCheckpoint serves GET /api/v1/audit/checkpoint: the audit
// log's head (seq, hash, time, and a MAC under the audit key), for a
// monitor outside the panel to record. Admins only: the head names no
// entry's content, but the whole log is theirs to vouch for.
func (s *Server) handleAuditCheckpoint(w http.ResponseWriter, r *http.Request) {
	c, err := s.db.Checkpoint(r.Context())
	s.answer(w, r, c, err)
}

// logCheckpoint writes the audit log's head to the server log, which
// leaves the machine with the rest of the logs: `imdesk audit verify
// --checkpoint SEQ:HASH` later proves that nothing up to it was removed or
// rewritten.
func (s *Server) logCheckpoint(ctx context.Context) {
	c, err := s.db.Checkpoint(ctx)
	if err != nil {
		s.log.Error("audit checkpoint", "err", err)
		return
	}
	s.log.Info("audit checkpoint", "checkpoint", c.String(), "seq", c.Seq, "time", c.Time.Format(time.RFC3339Nano), "mac", c.MAC)
}

// every calls f every period until ctx ends: the panel's background
// chores (audit checkpoints, sharing Tencent usage with other replicas).
func every(ctx context.Context, period time.Duration, f func(context.Context)) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f(ctx)
		}
	}
}
