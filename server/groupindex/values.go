package groupindex

import (
	"cmp"
	"context"
	"errors"
	"sync"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
)

// The values of described keys (docs/keys.md): so that the finder can find
// groups by the value of a key of yes/no or one of a list, the index keeps
// each group's values of those keys (api.IndexedKeys). Group attributes
// are not part of get_group_info's answer (its AppDefinedData are another
// store, the app's custom group fields), so they are read with
// get_group_attr, one group a call, by a reader of its own: at 40 calls a
// second of Tencent's 200, a million groups take about seven hours, and
// the rounds of names, which take minutes, do not wait for it. It reads the
// groups whose values are oldest first, none more often than every
// valuesMinAge, and only while the registry describes such a key.
const (
	ValuesEvery = time.Second / 40 // get_group_attr 40 calls a second
	// valuesBatch is how many groups are read from the database, asked
	// about and stored at once.
	valuesBatch = 200
	// valuesInFlight is how many get_group_attr calls may await their
	// answers at once (each still starts on the pace above).
	valuesInFlight = 8
	// valuesMinAge is how soon a group's values may be read again.
	valuesMinAge = 10 * time.Minute
	// valuesIdle is how long the reader waits when there is nothing to
	// read: no key to keep, or every group read less than valuesMinAge
	// ago.
	valuesIdle = time.Minute
)

// runValues reads values until ctx ends.
func (g *Crawler) runValues(ctx context.Context) {
	for ctx.Err() == nil {
		n, err := g.ReadValues(ctx, valuesBatch)
		var wait time.Duration
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return
			}
			g.log.Warn("group index: reading values stopped; it resumes later", "err", err)
			wait = crawlErrorWait
		case n == 0:
			wait = valuesIdle
		}
		if wait > 0 && g.Sleep(ctx, wait) != nil {
			return
		}
	}
}

// ReadValues reads the values of up to n groups, those read longest ago
// first, at the reader's pace, and stores them; it returns how many it
// read (0: nothing to read). A group Tencent refuses to answer about (it
// was dismissed, its type has no attributes) has no values.
func (g *Crawler) ReadValues(ctx context.Context, n int) (int, error) {
	keys, err := g.indexedKeys(ctx)
	if err != nil || len(keys) == 0 {
		return 0, err
	}
	ids, err := g.db.StaleGroupValues(ctx, n, g.now().Add(-valuesMinAge))
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	read := make([]sqlite.GroupValues, len(ids))
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		last  time.Time
	)
	slots := make(chan struct{}, valuesInFlight)
	for i, id := range ids {
		if err := g.pace(ctx, &last, g.valuesEvery); err != nil {
			first = err
			break
		}
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			var attrs []tim.Attr
			err := g.repeatWhenLimited(ctx, func() (err error) {
				attrs, err = g.tim.GetGroupAttr(ctx, id)
				return err
			})
			var te *tim.Error
			if err != nil && !(errors.As(err, &te) && te.Code != 0) {
				mu.Lock()
				first = cmp.Or(first, err)
				mu.Unlock()
				return
			}
			read[i].ID = id
			for _, a := range attrs {
				read[i].Attrs = append(read[i].Attrs, api.Attr{Key: a.Key, Value: a.Value})
			}
		})
	}
	wg.Wait()
	// What was read is kept even when a later call failed.
	done := read[:0]
	for _, r := range read {
		if r.ID != "" {
			done = append(done, r)
		}
	}
	if err := g.db.PutGroupValues(ctx, keys, done, g.now()); err != nil {
		return 0, err
	}
	return len(done), first
}

// indexedKeys are the described keys whose values the index keeps, read
// from the registry at each batch, so that a key described since is read
// from then on.
func (g *Crawler) indexedKeys(ctx context.Context) ([]string, error) {
	described, err := g.db.Described(ctx)
	if err != nil {
		return nil, err
	}
	return api.IndexedKeys(described), nil
}
