package main

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// keysPage is the admin's registry of attribute keys (docs/keys.md): the
// described keys, a form to describe one, delete, and the registry as a
// file (export, import). Other roles read the registry through the API
// (the editor does) but see the page's note for administrators only.
type keysPage struct {
	base
	list    api.KeyList
	notice  string
	form    *keyForm
	confirm string // the key whose description is to be deleted
	pending *keysFile
	busy    bool
	actErr  *api.Error
}

// keysFile is a file chosen to import, waiting for the admin's
// confirmation.
type keysFile struct {
	name string
	text string
	keys int
}

// keyForm describes a key, new or anew. The spec's per-type fields are
// kept whatever the type, and only the type's are sent.
type keyForm struct {
	existing   bool
	spec       api.KeySpec
	maxBytes   string
	schema     string
	def        string
	deprecated bool
	err        string // the spec's fault, named, before it is sent
}

func newKeyForm(k *api.KeySpec) *keyForm {
	f := &keyForm{spec: api.KeySpec{Type: api.KeyTypeText, Labels: api.Localized{}, Descriptions: api.Localized{}}}
	if k == nil {
		return f
	}
	b, _ := json.Marshal(k) // a copy: the form's edits do not touch the list
	json.Unmarshal(b, &f.spec)
	f.existing = true
	if f.spec.Labels == nil {
		f.spec.Labels = api.Localized{}
	}
	if f.spec.Descriptions == nil {
		f.spec.Descriptions = api.Localized{}
	}
	if k.MaxBytes > 0 {
		f.maxBytes = strconv.Itoa(k.MaxBytes)
	}
	f.schema = string(k.Schema)
	if k.Default != nil {
		f.def = *k.Default
	}
	f.deprecated = k.Deprecated != nil
	return f
}

// build is the spec the form sends: empty texts left out, the type's own
// fields only.
func (f *keyForm) build() api.KeySpec {
	s := f.spec
	s.Key = strings.TrimSpace(s.Key)
	clean := func(l api.Localized) api.Localized {
		out := api.Localized{}
		for lang, t := range l {
			if t = strings.TrimSpace(t); t != "" {
				out[lang] = t
			}
		}
		return out
	}
	s.Labels = clean(s.Labels)
	if s.Descriptions = clean(s.Descriptions); len(s.Descriptions) == 0 {
		s.Descriptions = nil
	}
	s.MaxBytes, s.Pattern, s.Integer, s.Min, s.Max, s.Choices, s.Schema = 0, "", false, "", "", nil, nil
	switch s.Type {
	case api.KeyTypeText:
		s.MaxBytes, _ = strconv.Atoi(strings.TrimSpace(f.maxBytes))
		s.Pattern = f.spec.Pattern
	case api.KeyTypeNumber:
		s.Integer, s.Min, s.Max = f.spec.Integer, strings.TrimSpace(f.spec.Min), strings.TrimSpace(f.spec.Max)
	case api.KeyTypeChoice:
		s.Choices = make([]api.KeyChoice, len(f.spec.Choices))
		for i, c := range f.spec.Choices {
			s.Choices[i] = api.KeyChoice{Value: c.Value, Labels: clean(c.Labels)}
		}
	case api.KeyTypeJSON:
		if t := strings.TrimSpace(f.schema); t != "" {
			s.Schema = json.RawMessage(t)
		}
	}
	s.Default = nil
	if f.def != "" {
		d := f.def
		s.Default = &d
	}
	if o := s.Owner; o != nil && strings.TrimSpace(o.Team) == "" && strings.TrimSpace(o.Contact) == "" {
		s.Owner = nil
	}
	if !f.deprecated {
		s.Deprecated = nil
	} else if s.Deprecated == nil {
		s.Deprecated = &api.KeyDeprecation{}
	}
	if len(s.RequiredIn) == 0 {
		s.RequiredIn = nil
	}
	return s
}

func (p *keysPage) OnPreRender(ctx app.Context) {
	ctx.Page().SetTitle(title(message("Keys.Title")))
}

func (p *keysPage) OnNav(ctx app.Context) {
	p.navAdmin(p, ctx, "Keys.Title", "keys", keysPath)
}

func keyPath(key string) string { return keysPath + "/" + url.PathEscape(key) }

func (p *keysPage) spec(key string) *api.KeySpec {
	for i := range p.list.Keys {
		if p.list.Keys[i].Key == key {
			return &p.list.Keys[i].KeySpec
		}
	}
	return nil
}

func (p *keysPage) change(what, method, path string, body any) {
	p.busy, p.actErr, p.notice = true, nil, ""
	p.send(p, what, method, path, body, nil)
}

func (p *keysPage) got(ctx app.Context, what string, r response) {
	switch what {
	case "keys":
		p.fill(r, &p.list)
		if currentSession == nil {
			// Every role may read the registry: the answer does not say
			// whether this account may change it.
			p.send(p, "session", "GET", "/api/v1/session", nil, nil)
		}
		return
	case "session":
		gotSession(r)
		return
	}
	p.busy = false
	if !r.ok() {
		p.actErr = r.err
		if what == "saved" && p.form != nil {
			focusLater(ctx, "keys-status")
		}
		return
	}
	switch what {
	case "saved":
		p.notice, p.form = tr("Keys.Saved", p.pendingKey()), nil
	case "deleted":
		p.notice = tr("Keys.Deleted", p.confirm)
		p.confirm = ""
	case "imported":
		var n api.KeyImported
		if e := r.decode(&n); e != nil {
			p.actErr = e
			return
		}
		p.notice, p.pending = tr("Keys.Imported", n.Added, n.Changed, n.Removed, n.Unchanged), nil
	}
	focusLater(ctx, "keys-status")
	p.load(p, "keys", keysPath)
}

// pendingKey is the key the form saved.
func (p *keysPage) pendingKey() string {
	if p.form == nil {
		return ""
	}
	return strings.TrimSpace(p.form.spec.Key)
}

func (p *keysPage) act(ctx app.Context, ev event) {
	if p.form != nil && p.formAct(ctx, ev) {
		return
	}
	switch ev.name {
	case "retry":
		p.load(p, "keys", keysPath)
	case "add":
		p.form, p.notice, p.actErr = newKeyForm(nil), "", nil
		focusLater(ctx, "kf-key")
	case "edit":
		if k := p.spec(ev.arg.part(0)); k != nil {
			p.form, p.notice, p.actErr = newKeyForm(k), "", nil
			focusLater(ctx, "kf-type")
		}
	case "delete":
		p.confirm = ev.arg.part(0)
		focusLater(ctx, "keys-dialog-title")
	case "confirm-delete":
		p.change("deleted", "DELETE", keyPath(p.confirm), nil)
	case "import-file":
		p.readFile(ctx, ev)
	case "confirm-import":
		if p.pending != nil {
			p.change("imported", "POST", keysPath+"/import", json.RawMessage(p.pending.text))
		}
	case "cancel":
		p.confirm, p.pending = "", nil
	}
}

// readFile reads the chosen file in the browser and asks to confirm the
// import (chosen).
func (p *keysPage) readFile(ctx app.Context, ev event) {
	input := ev.js.Get("target")
	files := input.Get("files")
	if !files.Truthy() || files.Length() == 0 {
		return
	}
	file := files.Index(0)
	name := file.Get("name").String()
	file.Call("text").Call("then", app.FuncOf(func(_ app.Value, args []app.Value) any {
		text := args[0].String()
		ctx.Dispatch(func(ctx app.Context) {
			p.chosen(name, text)
			focusLater(ctx, "keys-dialog-title")
		})
		return nil
	}))
	input.Set("value", "") // choosing the same file again is a new choice
}

// chosen keeps a file to import once the admin confirms; a file that is
// not a registry is said at once (the server reads it strictly).
func (p *keysPage) chosen(name, text string) {
	p.notice, p.actErr = "", nil
	var reg api.KeyRegistry
	if !json.Valid([]byte(text)) || json.Unmarshal([]byte(text), &reg) != nil {
		p.actErr = &api.Error{Code: api.CodeInvalidArgument, Message: tr("Keys.NotAFile", name)}
		return
	}
	p.pending = &keysFile{name: name, text: text, keys: len(reg.Keys)}
}

// formAct handles the form's events; false when the event is not one.
func (p *keysPage) formAct(ctx app.Context, ev event) bool {
	f := p.form
	s := &f.spec
	v := ev.value
	lang, i := ev.arg.part(0), ev.arg.index(0)
	switch ev.name {
	case "kf-key":
		s.Key = v
	case "kf-type":
		s.Type = v
		if v == api.KeyTypeChoice && len(s.Choices) == 0 {
			s.Choices = []api.KeyChoice{{Labels: api.Localized{}}}
		}
	case "kf-label":
		s.Labels[lang] = v
	case "kf-desc":
		s.Descriptions[lang] = v
	case "kf-maxbytes":
		f.maxBytes = v
	case "kf-pattern":
		s.Pattern = v
	case "kf-integer":
		s.Integer = ev.checked
	case "kf-min":
		s.Min = v
	case "kf-max":
		s.Max = v
	case "kf-choice-value":
		s.Choices[i].Value = v
	case "kf-choice-label":
		if s.Choices[i].Labels == nil {
			s.Choices[i].Labels = api.Localized{}
		}
		s.Choices[i].Labels[ev.arg.part(1)] = v
	case "kf-choice-add":
		s.Choices = append(s.Choices, api.KeyChoice{Labels: api.Localized{}})
		focusLater(ctx, "kf-choice-"+strconv.Itoa(len(s.Choices)-1))
	case "kf-choice-remove":
		s.Choices = slices.Delete(s.Choices, i, i+1)
	case "kf-schema":
		f.schema = v
	case "kf-default":
		f.def = v
	case "kf-required":
		s.RequiredIn = slices.DeleteFunc(s.RequiredIn, func(t string) bool { return t == lang })
		if ev.checked {
			s.RequiredIn = append(s.RequiredIn, lang)
		}
	case "kf-team":
		made(&s.Owner).Team = v
	case "kf-contact":
		made(&s.Owner).Contact = v
	case "kf-deprecated":
		f.deprecated = ev.checked
	case "kf-replaced":
		made(&s.Deprecated).ReplacedBy = v
	case "kf-note":
		made(&s.Deprecated).Note = v
	case "kf-cancel":
		p.form = nil
	case "kf-submit":
		spec := f.build()
		if fe := spec.Validate(nil); fe != nil {
			f.err = tr("Keys.FieldFault", fe.Field, sayPhrase(fe.Say))
			focusLater(ctx, "kf-error")
			return true
		}
		f.err = ""
		p.change("saved", "PUT", keyPath(spec.Key), spec)
	default:
		return false
	}
	if ev.name != "kf-submit" {
		f.err = ""
	}
	return true
}

var keysView = &view{src: `<h1>{@Keys.Title}</h1><p class="lead">{@Keys.Intro}</p>{0}`}
var keysBody = &view{src: `<div class="keys">
  <div id="keys-status" tabindex="-1"><div role="status">{notice}</div>{error}</div>
  {form}
  <section aria-labelledby="keys-list-title"><h2 id="keys-list-title">{@Keys.Described}</h2>{list}</section>
  <section class="panel" aria-labelledby="keys-file-title"><h2 id="keys-file-title">{@Keys.File}</h2>
    <p>{@Keys.FileIntro}</p>
    <p><a class="button button-quiet" href="/api/v1/attribute-keys/export" download="attribute-keys.json">{@Keys.Export}</a></p>
    <div class="field"><label for="keys-import">{@Keys.Import}</label>
      <input id="keys-import" type="file" accept=".json,application/json" disabled={busy} aria-describedby="keys-import-hint" on:change="import-file">
      <p id="keys-import-hint" class="hint">{@Keys.ImportHint}</p></div>
  </section>
  {dialog}
</div>`}
var addKeyButton = &view{src: `<p><button class="button" type="button" on:click="add">{@Keys.Add}</button></p>`}
var keysTable = &view{src: `<div class="table-scroll" tabindex="0" role="group" aria-labelledby="keys-list-title"><table class="table">
  <thead><tr><th scope="col">{@Keys.ColLabel}</th><th scope="col">{@Keys.ColKey}</th><th scope="col">{@Keys.ColType}</th><th scope="col">{@Keys.ColOwner}</th><th scope="col">{@Keys.ColDeprecated}</th><th scope="col">{@Keys.ColActions}</th></tr></thead>
  <tbody>{0}</tbody></table></div>`}
var keyRow = &view{src: `<tr><th scope="row">{label}</th><td><code>{key}</code></td><td>{type}</td><td>{owner}</td><td>{deprecated}</td>
  <td class="row-actions"><button class="button button-quiet" type="button" aria-label="{@Keys.EditKey key}" disabled={busy} data-arg="{key}" on:click="edit">{@Keys.Edit}</button>
  <button class="button button-danger-quiet" type="button" aria-label="{@Keys.DeleteKey key}" disabled={busy} data-arg="{key}" on:click="delete">{@Keys.Delete}</button></td></tr>`}

func (p *keysPage) Render() app.UI {
	return newShell().Path(pathKeys).Content(keysView.uis(p, p.body())...)
}

func (p *keysPage) body() app.UI {
	if note := forAdminsOnly(p, p.err); note != nil {
		return note
	}
	if currentSession == nil {
		return loadingView.ui(p) // until the role is known: no form for another role
	}
	var notice, form app.UI
	if p.notice != "" {
		notice = okText.ui(p, p.notice)
	}
	if p.form != nil {
		form = p.formView()
	} else {
		form = addKeyButton.ui(p)
	}
	return keysBody.with(p, "notice", notice, "error", errorView(p, p.actErr), "form", form, "list", p.listView(),
		"busy", p.busy, "dialog", p.dialogView())
}

func (p *keysPage) listView() app.UI {
	if v := p.stateView(p); v != nil {
		return v
	}
	if len(p.list.Keys) == 0 {
		return emptyNote.ui(p, message("Keys.None"))
	}
	lang := pageLang()
	rows := make([]app.UI, len(p.list.Keys))
	for i, k := range p.list.Keys {
		owner, dep := "", ""
		if o := k.Owner; o != nil {
			owner = o.Team
			if o.Contact != "" {
				owner += " · " + o.Contact
			}
		}
		if d := k.Deprecated; d != nil {
			dep = message("Keys.Yes")
			if d.ReplacedBy != "" {
				dep = tr("Keys.ReplacedBy", d.ReplacedBy)
			}
		}
		rows[i] = keyRow.with(p, "label", k.Labels.In(lang), "key", k.Key, "type", message("Keys.Type."+k.Type),
			"owner", owner, "deprecated", dep, "busy", p.busy)
	}
	return keysTable.ui(p, rows)
}

var keysDialog = &view{src: `<div class="dialog-backdrop"><div class="dialog" role="dialog" aria-modal="true" aria-labelledby="keys-dialog-title">
  <h2 id="keys-dialog-title" tabindex="-1">{0}</h2><p>{1}</p><div class="actions">
  <button class="button button-danger" type="button" disabled={2} aria-busy={2} on:click="{3}">{4}</button>
  <button class="button button-quiet" type="button" on:click="cancel">{@Cancel}</button></div></div></div>`}

func (p *keysPage) dialogView() app.UI {
	switch {
	case p.confirm != "":
		label := p.confirm
		if k := p.spec(p.confirm); k != nil {
			label = k.Labels.In(pageLang())
		}
		return keysDialog.ui(p, tr("Keys.DeleteTitle", p.confirm), tr("Keys.DeleteWarning", label, p.confirm), p.busy,
			"confirm-delete", tr("Keys.DeleteKey", p.confirm))
	case p.pending != nil:
		return keysDialog.ui(p, message("Keys.ImportTitle"),
			trn("Keys.ImportWarning", p.pending.keys, p.pending.name, p.pending.keys, len(p.list.Keys)), p.busy,
			"confirm-import", message("Keys.ImportConfirm"))
	}
	return nil
}

var keyFormView = &view{src: `<section class="panel key-form" aria-labelledby="kf-title">
  <h2 id="kf-title">{title}</h2>
  <form class="form" on:submit="kf-submit">
    <div class="field"><label for="kf-key">{@Keys.ColKey}</label>
      <input id="kf-key" type="text" required value="{key}" readonly={existing} autocapitalize="none" autocomplete="off" spellcheck="false" on:input="kf-key"></div>
    <div class="field"><label for="kf-type">{@Keys.ColType}</label><select id="kf-type" on:change="kf-type">{types}</select></div>
    {typeFields}
    <fieldset><legend>{@Keys.Labels}</legend>{labels}</fieldset>
    <fieldset><legend>{@Keys.Descriptions}</legend>{descriptions}</fieldset>
    <div class="field"><label for="kf-default">{@Keys.Default}</label>
      <input id="kf-default" type="text" value="{def}" autocomplete="off" aria-describedby="kf-default-hint" on:input="kf-default">
      <p id="kf-default-hint" class="hint">{@Keys.DefaultHint}</p></div>
    <fieldset><legend>{@Keys.RequiredIn}</legend>{required}</fieldset>
    <fieldset><legend>{@Keys.Owner}</legend>
      <div class="field"><label for="kf-team">{@Keys.Team}</label><input id="kf-team" type="text" value="{team}" autocomplete="off" on:input="kf-team"></div>
      <div class="field"><label for="kf-contact">{@Keys.Contact}</label><input id="kf-contact" type="text" value="{contact}" autocomplete="off" on:input="kf-contact"></div></fieldset>
    <div class="check"><input id="kf-deprecated" type="checkbox" checked={deprecated} on:change="kf-deprecated"><label for="kf-deprecated">{@Keys.DeprecatedBox}</label></div>
    {deprecation}
    <p id="kf-error" class="field-error" role="alert" tabindex="-1">{err}</p>
    <div class="actions">
      <button class="button" type="submit" disabled={busy} aria-busy={busy}>{@Keys.Save}</button>
      <button class="button button-quiet" type="button" on:click="kf-cancel">{@Cancel}</button></div>
  </form></section>`}
var langField = &view{src: `<div class="field"><label for="{0}">{1}</label><input id="{0}" type="text" value="{2}" lang="{3}" required={4} autocomplete="off" data-arg="{3}" on:input="{5}"></div>`}
var requiredBox = &view{src: `<div class="check"><input id="kf-req-{0}" type="checkbox" checked={1} data-arg="{0}" on:change="kf-required"><label for="kf-req-{0}">{2}</label></div>`}
var deprecationFields = &view{src: `<div class="field"><label for="kf-replaced">{@Keys.ReplacedByField}</label>
  <input id="kf-replaced" type="text" value="{0}" autocapitalize="none" autocomplete="off" spellcheck="false" on:input="kf-replaced"></div>
  <div class="field"><label for="kf-note">{@Keys.Note}</label><input id="kf-note" type="text" value="{1}" autocomplete="off" on:input="kf-note"></div>`}
var textFields = &view{src: `<div class="field"><label for="kf-maxbytes">{@Keys.MaxBytes}</label>
  <input id="kf-maxbytes" type="number" min="1" max="4000" step="1" inputmode="numeric" value="{0}" on:input="kf-maxbytes"></div>
  <div class="field"><label for="kf-pattern">{@Keys.Pattern}</label>
  <input id="kf-pattern" type="text" value="{1}" autocomplete="off" spellcheck="false" on:input="kf-pattern"></div>`}
var numberFields = &view{src: `<div class="check"><input id="kf-integer" type="checkbox" checked={0} on:change="kf-integer"><label for="kf-integer">{@Keys.Integer}</label></div>
  <div class="field"><label for="kf-min">{@Keys.Min}</label><input id="kf-min" type="text" inputmode="decimal" value="{1}" autocomplete="off" on:input="kf-min"></div>
  <div class="field"><label for="kf-max">{@Keys.Max}</label><input id="kf-max" type="text" inputmode="decimal" value="{2}" autocomplete="off" on:input="kf-max"></div>`}
var choicesFields = &view{src: `<fieldset><legend>{@Keys.Choices}</legend><ol class="key-choices">{0}</ol>
  <button class="button button-quiet" type="button" on:click="kf-choice-add">+ {@Keys.ChoiceAdd}</button></fieldset>`}
var choiceItem = &view{src: `<li><div class="field"><label for="kf-choice-{0}">{@Keys.ChoiceValue 1}</label>
  <input id="kf-choice-{0}" type="text" value="{2}" autocomplete="off" spellcheck="false" data-arg="{0}" on:input="kf-choice-value"></div>
  {3}
  <button class="button button-danger-quiet" type="button" data-arg="{0}" on:click="kf-choice-remove">{@Keys.ChoiceRemove 1}</button></li>`}
var choiceLabel = &view{src: `<div class="field"><label for="kf-choice-{0}-{1}">{2}</label><input id="kf-choice-{0}-{1}" type="text" value="{3}" lang="{1}" autocomplete="off" data-arg="{4}" on:input="kf-choice-label"></div>`}
var schemaField = &view{src: `<div class="field"><label for="kf-schema">{@Keys.Schema}</label>
  <textarea id="kf-schema" rows="4" spellcheck="false" value="{0}" on:input="kf-schema"></textarea></div>`}

func (p *keysPage) formView() app.UI {
	f := p.form
	s := &f.spec
	heading := message("Keys.Add")
	if f.existing {
		heading = tr("Keys.EditKey", s.Key)
	}
	types := make([]app.UI, len(api.KeyTypes))
	for i, t := range api.KeyTypes {
		types[i] = optionView.ui(p, t, s.Type == t, message("Keys.Type."+t))
	}
	var labels, descs []app.UI
	for _, lang := range api.KeyLanguages {
		name := message("Keys.Lang." + lang)
		labels = append(labels, langField.ui(p, "kf-label-"+lang, tr("Keys.LabelIn", name), s.Labels[lang], lang, lang == "en", "kf-label"))
		descs = append(descs, langField.ui(p, "kf-desc-"+lang, tr("Keys.DescriptionIn", name), s.Descriptions[lang], lang, false, "kf-desc"))
	}
	var typeFields app.UI
	switch s.Type {
	case api.KeyTypeText:
		typeFields = one(textFields.uis(p, f.maxBytes, s.Pattern))
	case api.KeyTypeNumber:
		typeFields = one(numberFields.uis(p, s.Integer, s.Min, s.Max))
	case api.KeyTypeChoice:
		items := make([]app.UI, len(s.Choices))
		for i, c := range s.Choices {
			var ls []app.UI
			for _, lang := range api.KeyLanguages {
				ls = append(ls, choiceLabel.ui(p, i, lang, tr("Keys.LabelIn", message("Keys.Lang."+lang)), c.Labels[lang], argOf(i, lang)))
			}
			items[i] = choiceItem.ui(p, i, i+1, c.Value, ls)
		}
		typeFields = choicesFields.ui(p, items)
	case api.KeyTypeJSON:
		typeFields = schemaField.ui(p, f.schema)
	}
	var required []app.UI
	for _, t := range []string{"Public", "Private", "ChatRoom", "AVChatRoom", "Community"} {
		required = append(required, requiredBox.ui(p, t, slices.Contains(s.RequiredIn, t), typeName(t)))
	}
	team, contact := "", ""
	if s.Owner != nil {
		team, contact = s.Owner.Team, s.Owner.Contact
	}
	var deprecation app.UI
	if f.deprecated {
		replaced, note := "", ""
		if s.Deprecated != nil {
			replaced, note = s.Deprecated.ReplacedBy, s.Deprecated.Note
		}
		deprecation = one(deprecationFields.uis(p, replaced, note))
	}
	return keyFormView.with(p, "title", heading, "key", s.Key, "existing", f.existing, "types", types, "typeFields", typeFields,
		"labels", labels, "descriptions", descs, "def", f.def, "required", required, "team", team, "contact", contact,
		"deprecated", f.deprecated, "deprecation", deprecation, "err", f.err, "busy", p.busy)
}

// made returns what *p points to, having made it first if *p is nil.
func made[T any](p **T) *T {
	if *p == nil {
		*p = new(T)
	}
	return *p
}
