// Package server is imdesk's backend-for-frontend: it serves the go-app user
// interface and its assets, and the JSON API under /api/v1 that signs
// moderators in, checks their role and scope, validates their changes,
// records them in the audit log and relays them to Tencent Cloud Chat
// through server/tim. The Tencent secret stays here.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/groupindex"
	"github.com/imdesk/imdesk/server/i18n"
	"github.com/imdesk/imdesk/server/membership"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
)

// Options configure a Server. Config, Assets, DB and Tencent are required.
type Options struct {
	Config  *Config
	Assets  fs.FS        // the web/ folder: icons, styles, app.wasm
	DB      *sqlite.DB   // accounts, sessions, audit log
	Tencent *tim.Client  // the only way to Tencent
	Version string       // build version, so a restart is not mistaken for an update
	Logger  *slog.Logger // defaults to slog.Default()
	Metrics *Metrics     // the series the Tencent client reports to; made here when nil
	Now     func() time.Time
}

// Server is the panel's HTTP server.
type Server struct {
	cfg        *Config
	version    string
	log        *slog.Logger
	now        func() time.Time
	assets     *assets
	boot       bootScript // inlined at the top of every page
	csp        string     // the Content-Security-Policy, with boot's hash
	db         *sqlite.DB
	tim        *tim.Client
	sessions   *sessionStore
	throttle   *throttle
	checks     *checkPool          // the password checks that may run at once
	hosts      hostSet             // the Host names served
	index      *groupindex.Crawler // the finder's index of the app's groups
	members    *membership.Cache   // Tencent's group membership, for scopes of "members of"
	targets    keyedMutex          // one change at a time per group or user
	bulk       *bulkRunner         // runs bulk changes (bulkrun.go)
	metrics    *Metrics
	metricsSrv *http.Server
	metricsLn  net.Listener
	verified   verification // the last check of the audit chain from the panel
	pinged     tencentCheck // the last check that Tencent answers
	handler    http.Handler
	http       *http.Server
	ln         net.Listener
	draining   atomic.Bool
	stop       context.CancelFunc // ends the background work Open started

	// listNamesPerCall, when not 0, replaces api.MaxListNamesPerCall (tests).
	listNamesPerCall int
}

// New builds a Server; Open starts it.
func New(o Options) (*Server, error) {
	if o.Config == nil || o.Assets == nil || o.DB == nil || o.Tencent == nil {
		return nil, errors.New("server: Config, Assets, DB and Tencent are required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics()
	}
	if o.Version == "" {
		// A build without a version (go run) still needs one the page and
		// the server agree on.
		o.Version = "dev-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	a, err := loadAssets(o.Assets)
	if err != nil {
		return nil, err
	}
	codecs, err := loadSessionKeys(o.Config.DataDir, o.DB)
	if err != nil {
		return nil, err
	}
	boot := newBootScript(a.get("boot.js"))
	s := &Server{cfg: o.Config, log: o.Logger, now: o.Now, version: o.Version, assets: a, boot: boot, csp: contentSecurityPolicy(boot), db: o.DB, tim: o.Tencent,
		sessions: &sessionStore{behindTLS: o.Config.BehindTLS, db: o.DB, codecs: codecs, now: o.Now, idle: o.Config.SessionIdle, max: o.Config.SessionMax},
		throttle: newThrottle(o.Now, o.DB, o.Logger),
		checks:   defaultCheckPool(),
		index:    groupindex.New(o.DB, o.Tencent, o.Logger, o.Now),
		members:  membership.New(o.Tencent, o.Now),
		bulk:     newBulkRunner(),
		metrics:  o.Metrics,
	}
	if s.cfg.BulkMaxGroups == 0 {
		s.cfg.BulkMaxGroups = 10_000
	}
	if s.cfg.BulkRate == 0 {
		s.cfg.BulkRate = 160
	}
	hosts := o.Config.AllowedHosts
	if len(hosts) == 0 {
		hosts = DefaultAllowedHosts(o.Config.Addr)
	}
	s.hosts = newHostSet(hosts)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.Handle("GET /web/", a)
	mux.HandleFunc("GET /robots.txt", s.serveAsset("robots.txt"))
	if a.get("wasm_exec.js") != nil {
		// The loader that matches the toolchain app.wasm was built with.
		mux.HandleFunc("GET /wasm_exec.js", s.serveAsset("wasm_exec.js"))
	}
	mux.Handle("/api/", s.apiHandler())
	goapp := s.uiHandler()
	ui := s.pages(goapp)
	mux.HandleFunc("GET /i18n/{file}", serveCatalogue)
	mux.Handle("GET /manifest.webmanifest", localizedManifest(goapp))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		ui.ServeHTTP(w, r)
	})
	s.handler = s.middleware(s.requireHost(cleanPaths(mux)))
	s.metrics.watch(s)
	o.DB.ObserveAppends(s.metrics.appended)
	return s, nil
}

// route is one endpoint of the JSON API. The OpenAPI document
// (openapi.json) describes exactly these; a test holds the two together.
type route struct {
	method, pattern string
	public          bool // needs no session
	handler         http.HandlerFunc
}

// routes lists the API, one line per endpoint.
func (s *Server) routes() []route {
	return []route{
		{"GET", "/api/v1/version", true, s.handleVersion},
		{"GET", "/api/v1/openapi.json", true, s.handleOpenAPI},
		{"POST", "/api/v1/session", true, s.handleSignIn},
		{"GET", "/api/v1/session", false, s.handleWhoAmI},
		{"DELETE", "/api/v1/session", false, s.handleSignOut},
		{"GET", "/api/v1/groups", false, s.handleGroups},
		{"POST", "/api/v1/groups/refresh", false, s.handleRefreshGroups},
		{"GET", "/api/v1/groups/{groupID}", false, s.handleGroup},
		{"GET", "/api/v1/groups/{groupID}/attributes", false, attributes.get(s)},
		{"PATCH", "/api/v1/groups/{groupID}/attributes", false, attributesPatch.handler(s)},
		{"PUT", "/api/v1/groups/{groupID}/attributes", false, attributesReplace.handler(s)},
		{"DELETE", "/api/v1/groups/{groupID}/attributes", false, attributesClear.handler(s)},
		{"GET", "/api/v1/groups/{groupID}/members", false, s.handleGroupMembers},
		{"POST", "/api/v1/groups/{groupID}/members", false, s.handleChangeMembers},
		{"GET", "/api/v1/groups/{groupID}/members/{userID}", false, groupMembers.get(s)},
		{"PATCH", "/api/v1/groups/{groupID}/members/{userID}", false, groupMembersChange.handler(s)},
		{"GET", "/api/v1/users/{userID}", false, s.handleUser},
		{"GET", "/api/v1/users/{userID}/conversations", false, s.handleUserConversations},
		{"GET", "/api/v1/users/{userID}/conversation-groups", false, convGroups.get(s)},
		{"POST", "/api/v1/users/{userID}/conversation-groups", false, convGroupsCreate.handler(s)},
		{"PATCH", "/api/v1/users/{userID}/conversation-groups/{name}", false, convGroupsUpdate.handler(s)},
		{"DELETE", "/api/v1/users/{userID}/conversation-groups/{name}", false, convGroupsDelete.handler(s)},
		{"POST", "/api/v1/users/{userID}/conversation-marks", false, convGroupsMarks.handler(s)},
		{"GET", "/api/v1/users/{userID}/friend-lists", false, friendLists.get(s)},
		{"POST", "/api/v1/users/{userID}/friend-lists", false, friendListsCreate.handler(s)},
		{"DELETE", "/api/v1/users/{userID}/friend-lists", false, friendListsDelete.handler(s)},
		{"PATCH", "/api/v1/users/{userID}/friend-lists/{name}", false, friendListsUpdate.handler(s)},
		{"DELETE", "/api/v1/users/{userID}/friend-lists/{name}", false, friendListsDeleteOne.handler(s)},
		{"GET", "/api/v1/bulk-changes", false, s.handleBulkList},
		{"POST", "/api/v1/bulk-changes", false, s.handleBulkCreate},
		{"GET", "/api/v1/bulk-changes/{jobID}", false, s.handleBulkJob},
		{"GET", "/api/v1/bulk-changes/{jobID}/groups", false, s.handleBulkItems},
		{"GET", "/api/v1/bulk-changes/{jobID}/export", false, s.handleBulkExport},
		{"POST", "/api/v1/bulk-changes/{jobID}/start", false, s.bulkControl(api.ActionBulkStart, []string{api.BulkReady}, api.BulkRunning)},
		{"POST", "/api/v1/bulk-changes/{jobID}/pause", false, s.bulkControl(api.ActionBulkPause, []string{api.BulkRunning}, api.BulkPaused)},
		{"POST", "/api/v1/bulk-changes/{jobID}/resume", false, s.bulkControl(api.ActionBulkResume, []string{api.BulkPaused}, api.BulkRunning)},
		{"POST", "/api/v1/bulk-changes/{jobID}/cancel", false, s.bulkControl(api.ActionBulkCancel, []string{api.BulkPreviewing, api.BulkReady, api.BulkRunning, api.BulkPaused}, api.BulkCancelled)},
		{"POST", "/api/v1/bulk-changes/{jobID}/undo", false, s.handleBulkUndo},
		{"GET", "/api/v1/audit", false, s.handleAudit},
		{"GET", "/api/v1/audit/export", false, s.handleAuditExport},
		{"GET", "/api/v1/audit/{seq}/undo", false, s.handleUndoPreview},
		{"POST", "/api/v1/audit/{seq}/undo", false, s.handleUndo},
		{"POST", "/api/v1/session/password", false, s.handleChangePassword},
		// Admins only:
		{"GET", "/api/v1/attribute-keys", false, s.handleKeys},
		{"GET", "/api/v1/attribute-keys/export", false, s.handleKeysExport},
		{"PUT", "/api/v1/attribute-keys/{key}", false, s.requireAdmin(s.handlePutKey)},
		{"DELETE", "/api/v1/attribute-keys/{key}", false, s.requireAdmin(s.handleDeleteKey)},
		{"POST", "/api/v1/attribute-keys/import", false, s.requireAdmin(s.handleKeysImport)},
		{"GET", "/api/v1/accounts", false, s.requireAdmin(s.handleAccounts)},
		{"POST", "/api/v1/accounts", false, s.requireAdmin(s.handleAddAccount)},
		{"GET", "/api/v1/accounts/{name}", false, s.requireAdmin(s.handleAccount)},
		{"PATCH", "/api/v1/accounts/{name}", false, s.requireAdmin(s.handleUpdateAccount)},
		{"POST", "/api/v1/accounts/{name}/password", false, s.requireAdmin(s.handleResetPassword)},
		{"DELETE", "/api/v1/accounts/{name}/sessions", false, s.requireAdmin(s.handleEndSessions)},
		{"GET", "/api/v1/health", false, s.requireAdmin(s.handleAdminHealth)},
		{"POST", "/api/v1/audit/verify", false, s.requireAdmin(s.handleVerifyAudit)},
		{"GET", "/api/v1/audit/checkpoint", false, s.requireAdmin(s.handleAuditCheckpoint)},
	}
}

// apiHandler routes the JSON API. Cross-origin writes are refused before
// any handler runs; every route but the public ones needs a session.
func (s *Server) apiHandler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		h := rt.handler
		if !rt.public {
			h = s.requireSession(h)
		}
		mux.HandleFunc(rt.method+" "+rt.pattern, h)
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.writeAPIError(w, r, newError(http.StatusNotFound, api.CodeNotFound, "There is no such API endpoint."))
	})
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeAPIError(w, r, newError(http.StatusForbidden, api.CodePermissionDenied, "Requests from other sites are refused."))
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		cop.Handler(mux).ServeHTTP(w, r)
	})
}

// uiHandler returns go-app's handler for pages, app.js, the service worker
// and the manifest. Routes must have been registered with app.Route.
func (s *Server) uiHandler() http.Handler {
	mode := "live"
	if s.cfg.Demo {
		mode = "demo"
	}
	h := &app.Handler{
		Name:            i18n.Get("en").Text("AppManifestName"), // localizedManifest puts the reader's language in
		ShortName:       "imdesk",
		Title:           "imdesk",
		Description:     i18n.Get("en").Text("AppDescription"), // each page's is in its reader's language (localizePage)
		Author:          "imdesk",
		Lang:            "en",
		BackgroundColor: "#ffffff",
		ThemeColor:      "#1d4f91",
		// The same in every language: app.js, which shows it, is one file.
		LoadingLabel: "imdesk {progress}%",
		Icon: app.Icon{
			Default:  "/web/icon-192.png",
			Large:    "/web/icon-512.png",
			Maskable: "/web/icon-maskable.png",
			SVG:      "/web/icon.svg",
		},
		Image:  "/web/icon-512.png", // og:image; pages makes it absolute
		Styles: []string{"/web/imdesk.css"},
		// web/boot.js, which keeps what is typed before the app takes over
		// and starts app.wasm's download and compilation with the page, is
		// inlined by pages, at the top of every page.
		Resources: rootResolver{},
		Version:   s.version,
		// Everything in Env is published to the browser in app.js: only the
		// mode goes there, never a credential.
		Env: map[string]string{"IMDESK_MODE": mode},
		// Progress is shown against the uncompressed size.
		WasmContentLengthHeader: "X-Uncompressed-Length",
	}
	if w := s.assets.get("app.wasm"); w != nil {
		h.WasmContentLength = strconv.Itoa(len(w.raw))
	}
	h.ServiceWorkerTemplate, _ = offlineWorker() // every page opens offline (worker.go)
	return h
}

// rootResolver keeps go-app's resource URLs as they are: /web/ is served by
// the assets handler from the embedded files, not by go-app from the disk.
type rootResolver struct{}

func (rootResolver) Resolve(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func (s *Server) serveAsset(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if f := s.assets.get(name); f != nil {
			f.serve(w, r)
			return
		}
		http.NotFound(w, r)
	}
}

// Handler returns the server's HTTP handler, for tests.
func (s *Server) Handler() http.Handler { return s.handler }

// Open starts listening on the configured address and serving in the
// background.
func (s *Server) Open() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	s.ln = ln
	s.http = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.logCheckpoint(context.Background())
	period := s.cfg.CheckpointEvery
	if period <= 0 {
		period = defaultCheckpointEvery
	}
	ctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	go every(ctx, period, s.logCheckpoint)
	go s.runBulk(ctx)
	if s.db.OnPostgres() {
		go every(ctx, time.Second, s.addUsage)
	}
	s.index.Start()
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("serve", "err", err)
		}
	}()
	if s.cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", s.cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen on %s for metrics: %w", s.cfg.MetricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", s.metrics.handler())
		s.metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		s.metricsLn = mln
		go func() {
			if err := s.metricsSrv.Serve(mln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("serve metrics", "err", err)
			}
		}()
	}
	return nil
}

// MetricsAddr is the address metrics are served on, once open ("" when
// they are not served).
func (s *Server) MetricsAddr() string {
	if s.metricsLn == nil {
		return ""
	}
	return s.metricsLn.Addr().String()
}

// Addr is the address the server listens on, once open.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops accepting connections, reports not-ready, and waits for
// in-flight requests until ctx ends.
func (s *Server) Close(ctx context.Context) error {
	s.draining.Store(true)
	if s.stop != nil {
		s.stop()
	}
	if s.http == nil {
		return nil
	}
	err := s.http.Shutdown(ctx)
	s.index.Stop()
	if s.metricsSrv != nil {
		err = errors.Join(err, s.metricsSrv.Shutdown(ctx))
	}
	return err
}

// handleVersion serves GET /api/v1/version: the version being served, so a
// page built for another can offer to reload. The version is public: it is
// in app.js too.
func (s *Server) handleVersion(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"version": s.version})
}

// handleHealth serves GET /healthz: the process is up.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReady serves GET /readyz: the server can do its work — the user
// interface is built in, the database answers, and the server is not
// shutting down.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	checks := map[string]string{"ui": "ok", "database": "ok", "shutdown": "ok"}
	ready := true
	if s.assets.get("app.wasm") == nil {
		checks["ui"] = "app.wasm is not built in; build with `make build`"
		ready = false
	}
	if err := s.db.Ping(r.Context()); err != nil {
		checks["database"] = "not answering"
		s.log.ErrorContext(r.Context(), "readiness: database", "err", err)
		ready = false
	}
	if s.draining.Load() {
		checks["shutdown"] = "shutting down"
		ready = false
	}
	status, code := "ready", http.StatusOK
	if !ready {
		status, code = "not ready", http.StatusServiceUnavailable
	}
	writeJSON(w, code, map[string]any{"status": status, "checks": checks})
}

// answer is the answer of a handler that reads or makes one thing: v with
// 200, or the error.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
