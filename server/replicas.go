package server

import (
	"context"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/usage"
)

// Replicas on one PostgreSQL store (docs/replicas.md): each registers at
// start, beats every second, and every few seconds settles the changes in
// flight of replicas that died. The count of live replicas divides
// Tencent's limits among them (tim.Config.Replicas).
const (
	beatEvery   = time.Second
	settleEvery = 5 * time.Second
	// joinWait is how long a new replica waits before serving: the
	// others see it at their next beat and lower their part of Tencent's
	// limits, and the calls they made at the higher rate leave Tencent's
	// one-second window, before it sends anything.
	joinWait = 2*beatEvery + 100*time.Millisecond
)

type Replicas struct {
	db   *sqlite.DB
	log  *slog.Logger
	live atomic.Int64
	stop context.CancelFunc
	done chan struct{}
}

// JoinReplicas registers this process on a PostgreSQL store and keeps it
// registered until Leave; on SQLite it returns nil (one process, the whole
// of every limit).
func JoinReplicas(ctx context.Context, db *sqlite.DB, log *slog.Logger) (*Replicas, error) {
	if !db.OnPostgres() {
		return nil, nil
	}
	host, _ := os.Hostname()
	id, err := db.JoinReplicas(ctx, host)
	if err != nil {
		return nil, err
	}
	r := &Replicas{db: db, log: log, done: make(chan struct{})}
	r.settle(ctx)
	n, _, err := db.BeatReplica(ctx)
	if err != nil {
		return nil, err
	}
	r.live.Store(int64(n))
	log.Info("joined the replicas; waiting for the others to share Tencent's limits with this one", "replica", id, "replicas", n, "wait", joinWait)
	time.Sleep(joinWait)
	loop, stop := context.WithCancel(context.WithoutCancel(ctx))
	r.stop = stop
	go r.run(loop)
	return r, nil
}

// Live is how many replicas run now, this one included.
func (r *Replicas) Live() int { return int(r.live.Load()) }

func (r *Replicas) run(ctx context.Context) {
	defer close(r.done)
	beat, settle := time.NewTicker(beatEvery), time.NewTicker(settleEvery)
	defer beat.Stop()
	defer settle.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-beat.C:
			n, retaken, err := r.db.BeatReplica(ctx)
			if err != nil {
				if ctx.Err() == nil {
					r.log.Error("replica beat", "err", err)
				}
				continue
			}
			if retaken {
				r.log.Warn("the connection holding this replica's lock broke (did the database restart?); the lock is taken again. Meanwhile another replica may have given this one's changes in flight an unknown outcome: see the audit log")
			}
			if old := r.live.Swap(int64(n)); old != int64(n) {
				r.log.Info("replicas running", "replicas", n, "before", old)
			}
		case <-settle.C:
			r.settle(ctx)
		}
	}
}

func (r *Replicas) settle(ctx context.Context) {
	n, err := r.db.SettleDeadReplicas(ctx)
	if err != nil && ctx.Err() == nil {
		r.log.Error("settle stopped replicas", "err", err)
	}
	if n > 0 {
		r.log.Warn("a replica stopped with changes in flight: their outcome is unknown; see the audit log", "count", n)
	}
}

// Leave stops beating and removes this replica, after its last change.
func (r *Replicas) Leave(ctx context.Context) {
	r.stop()
	<-r.done
	if err := r.db.LeaveReplicas(ctx); err != nil {
		r.log.Error("leave the replicas", "err", err)
	}
}

// addUsage adds this replica's Tencent calls of the seconds just ended to
// the app's in the database, every second while it runs on PostgreSQL,
// for the health page (replicasHealth).
func (s *Server) addUsage(ctx context.Context) {
	secs, upTo := s.metrics.usage.Unshared()
	if err := s.db.AddTencentUsage(ctx, secs, s.now().Unix()-usage.Window); err != nil {
		if ctx.Err() == nil {
			s.log.Warn("share Tencent usage with the other replicas", "err", err)
		}
		return // the seconds are shared again next time
	}
	s.metrics.usage.Shared(upTo)
}

// replicasHealth is what the health page says of replicas on PostgreSQL:
// the app's use of Tencent's limits, all replicas' calls together, and
// the replicas that run.
func (s *Server) replicasHealth(ctx context.Context) ([]api.RateUse, []api.ReplicaHealth, error) {
	stored, err := s.db.TencentSeconds(ctx, s.now().Unix()-usage.Window)
	if err != nil {
		return nil, nil, err
	}
	reps, this, err := s.db.LiveReplicas(ctx)
	if err != nil {
		return nil, nil, err
	}
	out := []api.ReplicaHealth{}
	for _, r := range reps {
		out = append(out, api.ReplicaHealth{ID: r.ID, Host: r.Host, Started: r.Started.UTC(), This: r.ID == this})
	}
	return s.metrics.usage.Together(stored), out, nil
}
