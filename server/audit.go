package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
)

const (
	defaultAuditPage = 50
	maxAuditPage     = 200
)

// auditFilter reads the filters shared by the list and the export. Accounts
// whose scope is not every group see the entries of their groups and their
// own.
func (s *Server) auditFilter(r *http.Request) (sqlite.Filter, error) {
	q := r.URL.Query()
	f := sqlite.Filter{Actor: q.Get("actor"), Action: q.Get("action"), Target: q.Get("target"), Outcome: q.Get("outcome")}
	bad := func(field, msg string) error {
		return &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: field, Say: say(msg)}
	}
	switch f.Outcome {
	case "", sqlite.OutcomeOK, sqlite.OutcomeFailed, sqlite.OutcomeUnknown, sqlite.OutcomePending:
	default:
		return f, bad("outcome", "The outcome filter must be ok, failed, unknown or pending.")
	}
	for _, t := range []struct {
		name string
		dst  *time.Time
		day  int // a date alone: since takes its start, until the start of the next day
	}{{"since", &f.Since, 0}, {"until", &f.Until, 1}} {
		if v := q.Get(t.name); v != "" {
			parsed, err := time.Parse(time.RFC3339, v)
			if err != nil {
				d, derr := time.Parse(time.DateOnly, v)
				if derr != nil {
					return f, bad(t.name, "Give the time as 2026-11-22T08:00:00Z, or a date as 2026-11-22.")
				}
				parsed = d.AddDate(0, 0, t.day)
			}
			*t.dst = parsed
		}
	}
	if v := q.Get("cursor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return f, bad("cursor", "The page cursor is not valid; start again from the first page.")
		}
		f.Before = n
	}
	if v := q.Get("job"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return f, bad("job", "A bulk change is named by its number.")
		}
		f.Job = n
	}
	// Users in scope as members of a group cannot be listed, so their
	// entries show only to whoever made them (and to accounts that see
	// everything).
	if c := callerOf(r.Context()); !c.SeesEverything() {
		f.Limited, f.Self, f.Groups, f.Users = true, c.Name, c.Scope.Groups, c.Scope.Users
	}
	return f, nil
}

// handleAudit serves GET /api/v1/audit: newest first, a page at a time.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	f, err := s.auditFilter(r)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	f.Limit = defaultAuditPage
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxAuditPage {
			s.writeAPIError(w, r, &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: "limit", Say: say("The page size must be 1 to 200.")})
			return
		}
		f.Limit = n
	}
	limit := f.Limit
	f.Limit++ // one more tells whether there is a next page
	recs, err := s.db.Records(r.Context(), f)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	page := api.AuditPage{Records: recs}
	if len(recs) > limit {
		page.Records = recs[:limit]
		page.NextCursor = strconv.FormatInt(recs[limit-1].Seq, 10)
	}
	if page.Records == nil {
		page.Records = []*api.AuditRecord{}
	}
	writeJSON(w, http.StatusOK, page)
}

// handleAuditExport serves GET /api/v1/audit/export?format=csv|jsonl with
// the same filters, every matching record, newest first. A CSV is written
// in the reader's language and, with tz (an IANA name such as
// Asia/Shanghai), in that time zone; UTC without it.
func (s *Server) handleAuditExport(w http.ResponseWriter, r *http.Request) {
	f, err := s.auditFilter(r)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	format := r.URL.Query().Get("format")
	if format != "csv" && format != "jsonl" {
		s.writeAPIError(w, r, &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: "format", Say: say("Choose the csv or jsonl format.")})
		return
	}
	zone := time.UTC
	if tz := r.URL.Query().Get("tz"); tz != "" && format == "csv" {
		if zone, err = time.LoadLocation(tz); err != nil || tz == "Local" {
			s.writeAPIError(w, r, &httpError{Status: http.StatusBadRequest, Code: api.CodeInvalidArgument, Field: "tz",
				Say: say("The time zone %s is not known; give one such as Asia/Shanghai, or leave it out for UTC.", tz)})
			return
		}
	}
	recs, err := s.db.Records(r.Context(), f)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	startDownload(w, "imdesk-audit-"+s.now().UTC().Format("20060102-150405"), format)
	if format == "jsonl" {
		_ = writeAuditJSONL(w, recs)
		return
	}
	c := speaker(r)
	_ = writeAuditCSV(w, recs, auditCSV{say: c, zone: zone, names: s.exportNames(r.Context(), c, recs)})
}

// audit records an event; a failure is logged (a sign-in is not refused
// because the log is down, but it is not silent either).
func (s *Server) audit(r *http.Request, e sqlite.Entry) {
	if _, err := s.db.Append(r.Context(), e); err != nil {
		s.log.ErrorContext(r.Context(), "audit append failed", "action", e.Action, "err", err)
	}
}
