package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/imdesk/imdesk/server/accounts"
	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
)

// The registry of attribute keys (docs/keys.md): admins describe keys —
// their labels, type, owner — and every change to a group's attributes
// (the editor's, a bulk change's) checks its values with the same
// api.CheckValue the form uses. Changes to the registry are audited with
// the spec before and after, and change no group.
//
//	GET    /api/v1/attribute-keys           every described key (any role)
//	PUT    /api/v1/attribute-keys/{key}     describe a key, or describe it anew (admins)
//	DELETE /api/v1/attribute-keys/{key}     forget a key's description (admins)
//	POST   /api/v1/attribute-keys/import    the whole registry, replaced (admins)
//	GET    /api/v1/attribute-keys/export    the whole registry, as a file (any role)

// ---- JSON Schema ----

// keySchemas checks JSON values against the registry's JSON Schemas with
// github.com/santhosh-tekuri/jsonschema: here, not in server/api, so that
// app.wasm does not carry it. A schema is compiled once and kept.
var keySchemas = &schemaCache{compiled: map[string]*jsonschema.Schema{}}

type schemaCache struct {
	mu       sync.Mutex
	compiled map[string]*jsonschema.Schema
}

// maxSchemas bounds the cache; past it, it starts again.
const maxSchemas = 256

// noLoader refuses every reference outside the schema itself: a key's
// schema must not read the server's files or the network.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("a key's schema may refer only to itself, not to %s", url)
}

func (c *schemaCache) compile(schema json.RawMessage) (*jsonschema.Schema, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if sch, ok := c.compiled[string(schema)]; ok {
		return sch, nil
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return nil, err
	}
	comp := jsonschema.NewCompiler()
	comp.UseLoader(noLoader{})
	const loc = "imdesk:attribute-key-schema.json"
	if err := comp.AddResource(loc, doc); err != nil {
		return nil, err
	}
	sch, err := comp.Compile(loc)
	if err != nil {
		return nil, err
	}
	if len(c.compiled) >= maxSchemas {
		clear(c.compiled)
	}
	c.compiled[string(schema)] = sch
	return sch, nil
}

// Compile says why schema is not a JSON Schema, or nil: a reference
// outside it in the admin's language; else the checker's own words, which
// exist only in English, on one line and cut short.
func (c *schemaCache) Compile(schema json.RawMessage) *api.Phrase {
	_, err := c.compile(schema)
	var ref *jsonschema.LoadURLError // only noLoader loads
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ref):
		p := api.Say("The schema refers to %s; a key's schema may refer only to itself (#…).", ref.URL)
		return &p
	}
	p := api.Say("The schema is not a JSON Schema: %s", truncate(strings.Join(strings.Fields(err.Error()), " "), 300))
	return &p
}

// Check says where value breaks schema.
func (c *schemaCache) Check(schema json.RawMessage, value string) (string, bool) {
	sch, err := c.compile(schema)
	if err != nil {
		return "", false // a registry spec always compiled when it was put
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(value))
	if err != nil {
		return "", false
	}
	err = sch.Validate(doc)
	if err == nil {
		return "", true
	}
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) {
		// The deepest first cause names the place best.
		for len(ve.Causes) > 0 {
			ve = ve.Causes[0]
		}
		if len(ve.InstanceLocation) > 0 {
			return "/" + strings.Join(ve.InstanceLocation, "/"), false
		}
	}
	return "", false
}

// ---- The registry, for the panel and the command line ----

// Keys administers the registry of attribute keys, for the admin's
// endpoints and `imdesk keys`, with the same rules and audit entries.
type Keys struct {
	DB *sqlite.DB
	// Log is told when a change was made but its audit entry could not be
	// written.
	Log *slog.Logger
}

// keyTarget names a key in the audit log.
func keyTarget(key string) string { return "attribute key " + key }

// registryTarget names the whole registry in the audit log.
const registryTarget = "attribute keys"

// ReadKeyRegistry reads a registry file (or an import's body) strictly, as
// every request body is read, and validates every key: an error names the
// field (keys[3].min).
func ReadKeyRegistry(body []byte) (api.KeyRegistry, error) {
	var reg api.KeyRegistry
	if err := decodeStrict(body, &reg); err != nil {
		return reg, err
	}
	if fe := reg.Validate(keySchemas); fe != nil {
		return reg, fe
	}
	return reg, nil
}

// List returns every described key.
func (k *Keys) List(ctx context.Context) (api.KeyList, error) {
	entries, err := k.DB.Keys(ctx)
	if entries == nil {
		entries = []api.KeyEntry{}
	}
	return api.KeyList{Keys: entries}, err
}

// Export returns the registry as a file holds it.
func (k *Keys) Export(ctx context.Context) (api.KeyRegistry, error) {
	entries, err := k.DB.Keys(ctx)
	reg := api.KeyRegistry{Keys: make([]api.KeySpec, len(entries))}
	for i, e := range entries {
		reg.Keys[i] = e.KeySpec
	}
	return reg, err
}

// Put describes key with spec, or describes it anew; created says it was
// not described before.
func (k *Keys) Put(ctx context.Context, by accounts.Actor, key string, spec api.KeySpec) (entry *api.KeyEntry, created bool, err error) {
	if spec.Key != key {
		return nil, false, &api.FieldError{Field: "key",
			Say: api.Say("The key in the request (%q) is not the key of the address (%q).", spec.Key, key)}
	}
	if fe := spec.Validate(keySchemas); fe != nil {
		return nil, false, fe
	}
	before, err := k.DB.PutKey(ctx, spec, by.Name)
	if err != nil {
		return nil, false, err
	}
	after, err := k.DB.Key(ctx, key)
	if err != nil {
		return nil, false, err
	}
	var b any
	if before != nil {
		b = before.KeySpec
	}
	k.audit(ctx, by, api.ActionKeysPut, keyTarget(key), spec, b, after.KeySpec, "")
	return after, before == nil, nil
}

// Delete forgets a key's description. Groups keep their values; the key
// is checked by the plain rules again.
func (k *Keys) Delete(ctx context.Context, by accounts.Actor, key string) error {
	before, err := k.DB.DeleteKey(ctx, key)
	if errors.Is(err, sqlite.ErrNotFound) {
		return newError(http.StatusNotFound, api.CodeNotFound, "The key %q is not described in the registry.", key)
	}
	if err != nil {
		return err
	}
	k.audit(ctx, by, api.ActionKeysDelete, keyTarget(key), map[string]any{}, before.KeySpec, nil, "")
	return nil
}

// Import makes the registry exactly reg — keys it lacks are forgotten —
// in one transaction, after every key was validated (ReadKeyRegistry):
// all or nothing.
func (k *Keys) Import(ctx context.Context, by accounts.Actor, reg api.KeyRegistry) (api.KeyImported, error) {
	if fe := reg.Validate(keySchemas); fe != nil {
		return api.KeyImported{}, fe
	}
	slices.SortFunc(reg.Keys, func(a, b api.KeySpec) int { return strings.Compare(a.Key, b.Key) })
	before, err := k.DB.ReplaceKeys(ctx, reg.Keys, by.Name)
	if err != nil {
		return api.KeyImported{}, err
	}
	var out api.KeyImported
	old := map[string]string{}
	was := api.KeyRegistry{Keys: []api.KeySpec{}}
	for _, e := range before {
		b, _ := json.Marshal(e.KeySpec)
		old[e.Key] = string(b)
		was.Keys = append(was.Keys, e.KeySpec)
	}
	for _, s := range reg.Keys {
		b, _ := json.Marshal(s)
		switch o, ok := old[s.Key]; {
		case !ok:
			out.Added++
		case o == string(b):
			out.Unchanged++
		default:
			out.Changed++
		}
		delete(old, s.Key)
	}
	out.Removed = len(old)
	if reg.Keys == nil {
		reg.Keys = []api.KeySpec{}
	}
	k.audit(ctx, by, api.ActionKeysImport, registryTarget, out, was, reg,
		fmt.Sprintf("%d added, %d changed, %d removed, %d unchanged", out.Added, out.Changed, out.Removed, out.Unchanged))
	return out, nil
}

// audit records a change to the registry; a failure is logged (see Log).
func (k *Keys) audit(ctx context.Context, by accounts.Actor, action, target string, request, before, after any, detail string) {
	_, err := k.DB.Append(ctx, by.Event(action, target, request, before, after, detail))
	if err != nil && k.Log != nil {
		k.Log.ErrorContext(ctx, "attribute key registry changed, but the change is not in the audit log", "action", action, "target", target, "err", err)
	}
}

// ---- Handlers ----

func (s *Server) keys() *Keys { return &Keys{DB: s.db, Log: s.log} }

// handleKeys serves GET /api/v1/attribute-keys: every signed-in role
// reads the registry (the editor shows the labels and checks the values).
func (s *Server) handleKeys(w http.ResponseWriter, r *http.Request) {
	list, err := s.keys().List(r.Context())
	s.answer(w, r, list, err)
}

// handleKeysExport serves GET /api/v1/attribute-keys/export: the registry
// as a file, for keeping in the app's own repository.
func (s *Server) handleKeysExport(w http.ResponseWriter, r *http.Request) {
	reg, err := s.keys().Export(r.Context())
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="attribute-keys.json"`)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(EncodeKeyRegistry(reg))
}

// EncodeKeyRegistry writes a registry as its file is kept: indented, keys
// in order, non-ASCII as it is, a line break at the end — so that a
// change to it reads well in a diff.
func EncodeKeyRegistry(reg api.KeyRegistry) []byte {
	if reg.Keys == nil {
		reg.Keys = []api.KeySpec{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(reg)
	return buf.Bytes()
}

// handlePutKey serves PUT /api/v1/attribute-keys/{key} (admins).
func (s *Server) handlePutKey(w http.ResponseWriter, r *http.Request) {
	var spec api.KeySpec
	if err := decodeJSON(w, r, &spec); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	e, created, err := s.keys().Put(r.Context(), actorOf(r), r.PathValue("key"), spec)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, e)
}

// handleDeleteKey serves DELETE /api/v1/attribute-keys/{key} (admins).
func (s *Server) handleDeleteKey(w http.ResponseWriter, r *http.Request) {
	if err := s.keys().Delete(r.Context(), actorOf(r), r.PathValue("key")); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleKeysImport serves POST /api/v1/attribute-keys/import (admins):
// the body is a registry file; it replaces the registry, all or nothing.
func (s *Server) handleKeysImport(w http.ResponseWriter, r *http.Request) {
	var reg api.KeyRegistry
	if err := decodeJSON(w, r, &reg); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	out, err := s.keys().Import(r.Context(), actorOf(r), reg)
	s.answer(w, r, out, err)
}

// ---- Checking changes against the registry ----

// describedKeys reads the specs of the keys a change names.
func (s *Server) describedKeys(ctx context.Context, keys ...[]string) (map[string]*api.KeySpec, error) {
	var all []string
	for _, ks := range keys {
		all = append(all, ks...)
	}
	slices.Sort(all)
	return s.db.KeySpecs(ctx, slices.Compact(all))
}

func attrKeys(attrs []api.Attr) []string {
	out := make([]string, len(attrs))
	for i, a := range attrs {
		out[i] = a.Key
	}
	return out
}

// checkValues refuses the first value of set a described key refuses, at
// prefix[i].value.
func checkValues(specs map[string]*api.KeySpec, prefix string, set []api.Attr) *api.FieldError {
	for i, a := range set {
		if spec := specs[a.Key]; spec != nil {
			if fe := api.CheckValue(spec, fmt.Sprintf("%s[%d].value", prefix, i), a.Value, keySchemas); fe != nil {
				return fe
			}
		}
	}
	return nil
}

// removal is a key a change removes from a group, and the field that
// removes it.
type removal struct{ key, field string }

// checkRemovals refuses removing a key the group's type requires. The
// group's type is asked of groupType only when a removed key is required
// somewhere, so that a change of undescribed keys costs no call.
func checkRemovals(specs map[string]*api.KeySpec, removed []removal, groupType func() (string, error)) error {
	typ, asked := "", false
	for _, rm := range removed {
		spec := specs[rm.key]
		if spec == nil || len(spec.RequiredIn) == 0 {
			continue
		}
		if !asked {
			t, err := groupType()
			if err != nil {
				return err
			}
			typ, asked = t, true
		}
		if fe := spec.CheckRemove(rm.field, typ); fe != nil {
			return fe
		}
	}
	return nil
}

// removedBy lists the keys of before that after lacks, each at field.
func removedBy(before, after []api.Attr, field func(key string) string) []removal {
	var out []removal
	for _, a := range before {
		if !slices.ContainsFunc(after, func(b api.Attr) bool { return b.Key == a.Key }) {
			out = append(out, removal{a.Key, field(a.Key)})
		}
	}
	return out
}

// groupTypeOf asks Tencent for a group's type.
func (s *Server) groupTypeOf(ctx context.Context, id string) func() (string, error) {
	return func() (string, error) {
		g, err := s.groupInfo(ctx, id)
		if err != nil {
			return "", err
		}
		return g.Type, nil
	}
}
