package server

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/imdesk/imdesk/server/accounts"
	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
)

// The admin's endpoints: panel accounts, the panel's health, and verifying
// the audit log. Every one is refused (403) to anyone but an admin, on the
// server, whatever the page shows.

// requireAdmin wraps handlers only admins may call.
func (s *Server) requireAdmin(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !callerOf(r.Context()).Administers() {
			s.writeAPIError(w, r, errAdminOnly)
			return
		}
		h(w, r)
	}
}

// admin is account administration, acting as the request's caller.
func (s *Server) admin() *accounts.Admin {
	return &accounts.Admin{DB: s.db, Now: s.now, Idle: s.sessions.idle, Max: s.sessions.max, Log: s.log}
}

func actorOf(r *http.Request) accounts.Actor {
	c := callerOf(r.Context())
	return accounts.Actor{Name: c.Name, Role: c.Role, IP: clientIP(r), UserAgent: truncate(r.UserAgent(), 256), RequestID: requestID(r.Context())}
}

// handleAccounts serves GET /api/v1/accounts.
func (s *Server) handleAccounts(w http.ResponseWriter, r *http.Request) {
	list, err := s.admin().List(r.Context())
	s.answer(w, r, list, err)
}

// handleAccount serves GET /api/v1/accounts/{name}.
func (s *Server) handleAccount(w http.ResponseWriter, r *http.Request) {
	a, err := s.admin().Get(r.Context(), r.PathValue("name"))
	s.answer(w, r, a, err)
}

// handleAddAccount serves POST /api/v1/accounts: the answer holds the
// first password, shown this once.
func (s *Server) handleAddAccount(w http.ResponseWriter, r *http.Request) {
	var req api.AccountNew
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	out, err := s.admin().Add(r.Context(), actorOf(r), req, "")
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// handleUpdateAccount serves PATCH /api/v1/accounts/{name}: role, scope,
// disabled. A narrower scope or a disabled account takes effect at the
// account's next request.
func (s *Server) handleUpdateAccount(w http.ResponseWriter, r *http.Request) {
	var req api.AccountUpdate
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	a, err := s.admin().Update(r.Context(), actorOf(r), r.PathValue("name"), req)
	s.answer(w, r, a, err)
}

// handleResetPassword serves POST /api/v1/accounts/{name}/password: a new
// one-time password, shown once; the account's sessions end.
func (s *Server) handleResetPassword(w http.ResponseWriter, r *http.Request) {
	out, err := s.admin().ResetPassword(r.Context(), actorOf(r), r.PathValue("name"))
	s.answer(w, r, out, err)
}

// handleEndSessions serves DELETE /api/v1/accounts/{name}/sessions.
func (s *Server) handleEndSessions(w http.ResponseWriter, r *http.Request) {
	a, err := s.admin().EndSessions(r.Context(), actorOf(r), r.PathValue("name"))
	s.answer(w, r, a, err)
}

// verification keeps the last check of the audit chain made from the
// panel, for the health page.
type verification struct {
	mu   sync.Mutex
	last *api.Verification
}

// handleVerifyAudit serves POST /api/v1/audit/verify: the same check as
// `imdesk audit verify`, recorded in the audit log.
func (s *Server) handleVerifyAudit(w http.ResponseWriter, r *http.Request) {
	n, broken, err := s.db.Verify(r.Context())
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	v := &api.Verification{At: s.now().UTC(), By: callerOf(r.Context()).Name, Entries: n, Intact: broken == nil}
	outcome := sqlite.OutcomeOK
	if broken != nil {
		v.Broken = &api.Broken{Seq: broken.Seq, Reason: broken.Reason}
		outcome = sqlite.OutcomeFailed
	}
	s.verified.mu.Lock()
	s.verified.last = v
	s.verified.mu.Unlock()
	c := callerOf(r.Context())
	s.audit(r, sqlite.Entry{Kind: sqlite.KindEvent, Actor: c.Name, Role: c.Role, IP: clientIP(r), UserAgent: truncate(r.UserAgent(), 256),
		RequestID: requestID(r.Context()), Action: "audit.verify", Outcome: outcome, Detail: verifyWords(v)})
	writeJSON(w, http.StatusOK, v)
}

func verifyWords(v *api.Verification) string {
	if v.Broken != nil {
		return (&sqlite.Broken{Seq: v.Broken.Seq, Reason: v.Broken.Reason}).Error()
	}
	return "intact"
}

// tencentCheck caches the last check that Tencent answers, so the health
// page does not call Tencent on every look.
type tencentCheck struct {
	mu      sync.Mutex
	at      time.Time
	problem []api.Phrase // nil: Tencent answered
}

const tencentCheckEvery = 30 * time.Second

func (s *Server) tencentProblem(ctx context.Context) (time.Time, []api.Phrase) {
	s.pinged.mu.Lock()
	defer s.pinged.mu.Unlock()
	if s.pinged.at.IsZero() || s.now().Sub(s.pinged.at) >= tencentCheckEvery {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		s.pinged.problem = nil
		if err := s.tim.Ping(ctx); err != nil {
			s.pinged.problem = s.toHTTPError(err).Say
		}
		s.pinged.at = s.now()
	}
	return s.pinged.at, s.pinged.problem
}

// handleHealth serves GET /api/v1/health: what an admin checks at a glance.
func (s *Server) handleAdminHealth(w http.ResponseWriter, r *http.Request) {
	h := api.Health{Version: s.version, Mode: "live"}
	if s.cfg.Demo {
		h.Mode = "demo"
	}
	at, problem := s.tencentProblem(r.Context())
	// After the check, which is a call too.
	if s.db.OnPostgres() {
		var err error
		if h.RateLimits, h.Replicas, err = s.replicasHealth(r.Context()); err != nil {
			s.writeAPIError(w, r, err)
			return
		}
	} else {
		h.RateLimits = s.metrics.usage.Report()
	}
	h.Tencent = api.TencentHealth{URL: s.tim.BaseURL(), Region: s.cfg.Region, Reachable: problem == nil, Problem: speaker(r).Say(problem...), CheckedAt: at.UTC()}
	if age, renews, ok := s.tim.SigAge(); ok {
		h.Tencent.UserSigAgeSec, h.Tencent.UserSigRenewsSec = int64(age/time.Second), int64(renews/time.Second)
	}
	n, hash, err := s.db.Head(r.Context())
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	h.Audit = api.AuditHealth{Entries: n, HeadHash: hash}
	s.verified.mu.Lock()
	h.Audit.Verified = s.verified.last
	s.verified.mu.Unlock()
	h.GroupIndex = s.index.Status()
	h.GroupIndex.CanRefresh = mayRefreshIndex(callerOf(r.Context()))
	writeJSON(w, http.StatusOK, h)
}
