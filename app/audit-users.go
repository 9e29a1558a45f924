package main

// The audit log's view of a change to a user's conversation groups or
// marks: the groups before and after, each with how many conversations it
// holds, and the conversations whose marks differ.

import (
	"encoding/json"
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

func (p *auditPage) userDetail(id string, r *api.AuditRecord) app.UI {
	var before, after api.ContactGroups
	hasBefore := json.Unmarshal(r.Before, &before) == nil
	hasAfter := json.Unmarshal(r.After, &after) == nil
	return app.Div().ID(id).Class("audit-detail").Body(
		app.If(hasBefore, func() app.UI {
			return app.Div().Class("before-after").Body(
				cgTable(msg.AuditBefore, before, after),
				app.If(hasAfter, func() app.UI { return cgTable(msg.AuditAfter, after, before) }),
			)
		}),
		p.facts(r),
	)
}

// cgTable lists the groups of cg, and the marks that differ from other.
func cgTable(title string, cg, other api.ContactGroups) app.UI {
	otherMarks := map[string]api.Marks{}
	for _, c := range other.Conversations {
		otherMarks[c.Key()] = c.Marks
	}
	var changed []api.MarkedConversation
	for _, c := range cg.Conversations {
		if otherMarks[c.Key()] != c.Marks {
			changed = append(changed, c)
		}
	}
	return app.Div().Class("attr-table").Body(
		app.H3().Text(title),
		app.If(len(cg.Groups) == 0, func() app.UI { return app.P().Class("hint").Text(msg.AuditNoGroups) }),
		app.Ul().Body(app.Range(cg.Groups).Slice(func(i int) app.UI {
			return app.Li().Text(fmt.Sprintf(msg.AuditGroupLine, cg.Groups[i].Name, len(cg.Groups[i].Conversations)))
		})),
		app.Ul().Body(app.Range(changed).Slice(func(i int) app.UI {
			c := changed[i]
			var names []string
			for _, n := range api.MarkNames {
				if c.Marks.Has(n) {
					names = append(names, msg.CG.MarkNames[n])
				}
			}
			if c.Marks.Custom != "" {
				names = append(names, msg.CG.Custom+": "+c.Marks.Custom)
			}
			return app.Li().Text(convLabel(c.Conversation) + " — " + joinNames(names))
		})),
	)
}
