// Package groupindex keeps the finder's index of the app's groups: a
// crawler that reads Tencent's group list and describes every group in the
// background, at a pace that leaves moderators room under Tencent's
// limits, and stores it in the database for the finder to search.
package groupindex

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
)

// The crawler's pace. Tencent allows get_appid_group_list once a second
// and get_group_info 200 times a second (spec §4.2–4.3). The crawler keeps
// below both, so that a moderator's own call is never queued behind it:
// a list page 1.1 s after the last one's answer (the 0.1 s absorbs the
// jitter between our clock and Tencent's window), and get_group_info at
// most 140 times a second. That leaves moderators 60 of Tencent's 200
// calls a second; through the client's limiter, which frees a call's slot
// only 1.05 s after its answer, the crawler holds about 150 of the 200
// slots, so a moderator's burst of up to 50 get_group_info calls in a
// second never waits.
const (
	ListEvery = 1100 * time.Millisecond
	InfoEvery = time.Second / 140 // 140 calls a second
	PageSize  = 10000             // get_appid_group_list's largest Limit
	InfoBatch = 50                // get_group_info's most IDs per call
	// crawlInfoInFlight is how many get_group_info calls may await their
	// answers at once (each still starts on the pace above).
	crawlInfoInFlight = 16
	// crawlInfoPerRead is how many get_group_info calls' worth of pending
	// groups are read from the database at once.
	crawlInfoPerRead = 50
	// crawlStoreBatch is how many calls' answers are stored in one
	// transaction at most.
	crawlStoreBatch = 40
	// crawlRoundEvery is the pause between the end of one reading and the
	// start of the next: new groups appear within minutes.
	crawlRoundEvery = 2 * time.Minute
	// crawlRefreshEvery bounds how often a moderator may ask for a reading.
	crawlRefreshEvery = 5 * time.Minute
	// crawlRateLimitWait is how long a call refused with 60007 waits before
	// it is repeated: one of Tencent's windows.
	crawlRateLimitWait = time.Second
	// crawlErrorWait is the pause after a failure before the round is tried
	// again from where it stopped.
	crawlErrorWait = 30 * time.Second
	// crawlCountEvery bounds how often the crawler counts the index for the
	// status line.
	crawlCountEvery = 10 * time.Second
)

// Crawler keeps the finder's index of the app's groups (in the
// database) up to date in the background: each round reads the whole list
// with get_appid_group_list, describes every group with get_group_info,
// and drops the groups the list no longer names. Every step is stored as
// it is made, so a restart resumes the round where it stopped. Moderators'
// searches read only the index; they never wait for the crawler.
type Crawler struct {
	db  *sqlite.DB
	tim *tim.Client
	log *slog.Logger
	now func() time.Time
	// Sleep waits between calls; tests replace it with a fake clock's.
	Sleep func(context.Context, time.Duration) error

	listEvery, infoEvery, valuesEvery time.Duration
	PageSize                          int // get_appid_group_list's Limit; tests make it small

	refresh chan struct{} // a moderator asked for a reading, on this replica
	// holding is whether this replica crawls (holds the crawler's lease);
	// another's status is read from the database.
	holding atomic.Bool
	stop    context.CancelFunc
	done    chan struct{}

	mu         sync.Mutex
	status     api.GroupIndexStatus
	counted    time.Time            // when status's counts were last read from the database
	counting   bool                 // a count is under way
	refreshAsk time.Time            // when a moderator last asked for a reading
	misses     map[string]time.Time // exact IDs Tencent said it has not, and when
}

func New(db *sqlite.DB, c *tim.Client, log *slog.Logger, now func() time.Time) *Crawler {
	return &Crawler{db: db, tim: c, log: log, now: now, Sleep: tim.Sleep,
		listEvery: ListEvery, infoEvery: InfoEvery, valuesEvery: ValuesEvery, PageSize: PageSize,
		refresh: make(chan struct{}, 1), misses: map[string]time.Time{}}
}

// Start runs the crawler, and the reader of values (values.go), until
// Stop.
func (g *Crawler) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	g.stop, g.done = cancel, make(chan struct{})
	var both sync.WaitGroup
	both.Go(func() { g.run(ctx) })
	both.Go(func() { g.runValues(ctx) })
	go func() {
		both.Wait()
		close(g.done)
	}()
}

// Stop ends the crawler and waits for it; what it stored stays.
func (g *Crawler) Stop() {
	if g.stop == nil {
		return
	}
	g.stop()
	<-g.done
}

// leaseRetry is how often a replica that does not crawl asks whether the
// one that did has stopped: another takes over within this.
const leaseRetry = 15 * time.Second

// run crawls while this replica holds the crawler's lease (always, on
// SQLite): one replica reads Tencent's list for all of them, and every
// replica searches what it stored.
func (g *Crawler) run(ctx context.Context) {
	g.db.WhileLeased(ctx, "group crawler", leaseRetry, g.Sleep, func(err error) {
		g.log.Warn("group index: ask who reads the list", "err", err)
	}, g.crawl)
}

// crawl runs rounds for as long as the lease holds.
func (g *Crawler) crawl(ctx context.Context, lease *sqlite.Lease) {
	g.holding.Store(true)
	defer g.holding.Store(false)
	g.recount(ctx, true) // what a restart finds stored
	// A restart between rounds keeps to the pause after the last one.
	if st, err := g.db.GroupIndexState(ctx); err == nil && st.Started.IsZero() && !st.Refreshed.IsZero() {
		if d := st.Refreshed.Add(crawlRoundEvery).Sub(g.now()); d > 0 {
			g.waitRound(ctx, d)
		}
	}
	for ctx.Err() == nil && lease.Held(ctx) {
		wait := crawlRoundEvery
		if err := g.Round(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			g.log.Warn("group index: reading stopped; it resumes later", "err", err)
			wait = crawlErrorWait
		}
		g.waitRound(ctx, wait)
	}
}

// waitRound waits d for the next round, or less if a moderator asks for a
// refresh: on this replica, or (on PostgreSQL) on another, which the
// stored ask says within refreshPoll.
func (g *Crawler) waitRound(ctx context.Context, d time.Duration) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-g.refresh:
			cancel()
		case <-wctx.Done():
		}
	}()
	if g.db.OnPostgres() {
		go g.watchAsks(wctx, cancel)
	}
	g.Sleep(wctx, d)
}

// refreshPoll is how often the crawling replica looks for an ask for a
// refresh made on another replica.
const refreshPoll = 2 * time.Second

// watchAsks calls asked once the stored ask for a refresh is newer than
// when it began, or ctx ends; a failed read is tried again at the next
// poll.
func (g *Crawler) watchAsks(ctx context.Context, asked func()) {
	var since *time.Time
	for ctx.Err() == nil {
		if st, err := g.db.GroupIndexState(ctx); err == nil {
			if since == nil {
				since = &st.RefreshAsked
			} else if st.RefreshAsked.After(*since) {
				asked()
				return
			}
		}
		g.Sleep(ctx, refreshPoll)
	}
}

// round reads the list and describes the groups it names, from where the
// stored state says the round stands, then finishes the round. The list
// and the descriptions run side by side, each at its own pace, so a round
// takes about as long as the slower of the two: get_group_info calls start
// on their pace without waiting for each other's answers, and the answers
// are stored by a writer of their own, several to a transaction.
func (g *Crawler) Round(ctx context.Context) error {
	if err := g.db.StartGroupRound(ctx, g.now()); err != nil {
		return err
	}
	st, err := g.db.GroupIndexState(ctx)
	if err != nil {
		return err
	}
	g.setReading(true)
	defer g.setReading(false)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	listed := make(chan struct{}, 1) // a page was stored
	listErr := make(chan error, 1)
	if st.ListDone {
		listErr <- nil
	} else {
		go func() { listErr <- g.readList(ctx, st, listed) }()
	}
	d := newDescriber(g, ctx, cancel, st.Round)
	err = d.run(listed, listErr)
	if err != nil {
		return err
	}
	if err := g.db.FinishGroupRound(ctx, g.now()); err != nil {
		return err
	}
	g.recount(ctx, true)
	return nil
}

// readList stores the round's list a page at a time, with the cursor for
// the next page, and tells the describer after each page.
func (g *Crawler) readList(ctx context.Context, st sqlite.GroupIndexState, listed chan<- struct{}) error {
	next := st.Next
	var answered time.Time
	for {
		// The next page is asked for listEvery after the last answer came,
		// not on a schedule: a request that was slow to arrive must not
		// share Tencent's window with the next one.
		if !answered.IsZero() {
			if d := answered.Add(g.listEvery).Sub(g.now()); d > 0 {
				if err := g.Sleep(ctx, d); err != nil {
					return err
				}
			}
		}
		var page *tim.GetAppIDGroupListResponse
		err := g.repeatWhenLimited(ctx, func() (err error) {
			page, err = g.tim.GetAppIDGroupList(ctx, tim.GetAppIDGroupListRequest{Limit: g.PageSize, Next: next})
			return err
		})
		answered = g.now()
		if err != nil {
			return err
		}
		ids := make([]string, len(page.GroupIDList))
		for i, x := range page.GroupIDList {
			ids[i] = x.GroupID
		}
		if err := g.db.ListGroups(ctx, st.Round, ids, page.Next, page.TotalCount); err != nil {
			return err
		}
		g.mu.Lock()
		g.status.Total = page.TotalCount
		g.mu.Unlock()
		select {
		case listed <- struct{}{}:
		default:
		}
		if next = page.Next; next == 0 {
			return nil
		}
	}
}

// describer runs a round's get_group_info calls: it reads the pending
// groups from the database, starts a call for each 50 on the crawler's
// pace, and hands the answers to a writer that stores them.
type describer struct {
	g      *Crawler
	ctx    context.Context
	cancel context.CancelFunc
	round  int64

	answers chan answer   // answered calls, for the writer
	slots   chan struct{} // calls awaiting their answers
	calls   sync.WaitGroup

	mu    sync.Mutex
	busy  map[string]bool // queued, asked or answered, but not stored yet
	first error
	// stored is signalled when the writer has stored answers (so pending
	// groups may have become none).
	stored chan struct{}
}

// answer is what get_group_info said of a call's groups.
type answer struct {
	ids   []string
	found []sqlite.IndexedGroup
	gone  []string
}

func newDescriber(g *Crawler, ctx context.Context, cancel context.CancelFunc, round int64) *describer {
	return &describer{g: g, ctx: ctx, cancel: cancel, round: round,
		answers: make(chan answer, crawlInfoInFlight*4), slots: make(chan struct{}, crawlInfoInFlight),
		busy: map[string]bool{}, stored: make(chan struct{}, 1)}
}

// fail records the first error and stops the round.
func (d *describer) fail(err error) {
	d.mu.Lock()
	d.first = cmp.Or(d.first, err)
	d.mu.Unlock()
	d.cancel()
}

func (d *describer) err() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.first
}

// run describes every group pending in the round until the list is read
// and none is left, and returns the first error.
func (d *describer) run(listed <-chan struct{}, listErr <-chan error) error {
	written := make(chan struct{})
	go func() {
		defer close(written)
		d.write()
	}()
	err := d.dispatch(listed, listErr)
	if err != nil {
		d.fail(err)
	}
	d.calls.Wait()
	close(d.answers)
	<-written
	return d.err()
}

// dispatch starts the calls. It reads pending groups again when its queue
// runs low, leaving out those it is busy with already, until a read finds
// no more; then it waits for the list's next page or for stored answers
// before it reads again. The round's work is done when, after the list's
// last page, a read finds nothing pending and nothing busy.
func (d *describer) dispatch(listed <-chan struct{}, listErr <-chan error) error {
	ctx := d.ctx
	listDone, drained := false, false
	var queue []string
	var last time.Time
	for {
		if !drained && len(queue) < InfoBatch*crawlInfoInFlight {
			more, idle, err := d.pending()
			if err != nil {
				return err
			}
			if listDone && idle && len(more) == 0 && len(queue) == 0 {
				return nil
			}
			queue, drained = append(queue, more...), len(more) < InfoBatch*crawlInfoPerRead
		}
		if len(queue) == 0 {
			select {
			case <-listed:
			case err := <-listErr:
				if err != nil {
					return err
				}
				listDone = true
			case <-d.stored:
			case <-ctx.Done():
				return ctx.Err()
			}
			drained = false
			continue
		}
		select {
		case <-listed:
			drained = false
		default:
		}
		chunk := queue[:min(InfoBatch, len(queue))]
		queue = queue[len(chunk):]
		if err := d.g.pace(ctx, &last, d.g.infoEvery); err != nil {
			return err
		}
		select {
		case d.slots <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		d.calls.Go(func() {
			a, err := d.g.describe(ctx, chunk)
			<-d.slots
			if err != nil {
				d.fail(err)
				return
			}
			d.answers <- a
		})
	}
}

// pending reads groups listed but not described yet, leaving out those the
// describer is busy with, and marks them busy; idle says nothing was busy.
// The busy set is copied before the read: a group no longer busy then was
// stored before the read began, so the read does not see it pending.
func (d *describer) pending() (ids []string, idle bool, err error) {
	d.mu.Lock()
	busy := maps.Clone(d.busy)
	d.mu.Unlock()
	ids, err = d.g.db.PendingGroups(d.ctx, InfoBatch*crawlInfoPerRead+len(busy))
	if err != nil {
		return nil, false, err
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return busy[id] })
	ids = ids[:min(len(ids), InfoBatch*crawlInfoPerRead)]
	d.mu.Lock()
	for _, id := range ids {
		d.busy[id] = true
	}
	d.mu.Unlock()
	return ids, len(busy) == 0, nil
}

// write stores answers as they come, all those waiting in one transaction
// (up to crawlStoreBatch calls' worth): one commit for many calls keeps up
// with the pace where a commit each would not.
func (d *describer) write() {
	for a := range d.answers {
		batch := []answer{a}
	more:
		for len(batch) < crawlStoreBatch {
			select {
			case a, ok := <-d.answers:
				if !ok {
					break more
				}
				batch = append(batch, a)
			default:
				break more
			}
		}
		if d.ctx.Err() != nil {
			continue // the round stopped: what is not stored is asked again
		}
		var found []sqlite.IndexedGroup
		var gone []string
		for _, a := range batch {
			found, gone = append(found, a.found...), append(gone, a.gone...)
		}
		if err := d.g.db.DescribeGroups(d.ctx, d.round, found, gone); err != nil {
			d.fail(err)
			continue
		}
		d.mu.Lock()
		for _, a := range batch {
			for _, id := range a.ids {
				delete(d.busy, id)
			}
		}
		d.mu.Unlock()
		select {
		case d.stored <- struct{}{}:
		default:
		}
		d.g.recount(d.ctx, false)
	}
}

// describe asks get_group_info about up to 50 groups; a group Tencent no
// longer has is gone from the index.
func (g *Crawler) describe(ctx context.Context, ids []string) (answer, error) {
	var info *tim.GetGroupInfoResponse
	err := g.repeatWhenLimited(ctx, func() (err error) {
		info, err = g.tim.GetGroupInfo(ctx, indexInfoRequest(ids))
		return err
	})
	if err != nil {
		return answer{}, err
	}
	a := answer{ids: ids}
	exists := map[string]bool{}
	for _, gi := range info.GroupInfo {
		if gi.ErrorCode == 0 {
			a.found, exists[gi.GroupID] = append(a.found, indexedFromInfo(gi)), true
		}
	}
	for _, id := range ids {
		if !exists[id] {
			a.gone = append(a.gone, id)
		}
	}
	return a, nil
}

// indexInfoRequest asks only for what the index keeps.
func indexInfoRequest(ids []string) tim.GetGroupInfoRequest {
	return tim.GetGroupInfoRequest{GroupIDList: ids,
		ResponseFilter: &tim.ResponseFilter{GroupBaseInfoFilter: []string{"Type", "Name", "MemberNum", "Owner_Account"}}}
}

func indexedFromInfo(gi tim.GroupInfo) sqlite.IndexedGroup {
	return sqlite.IndexedGroup{ID: gi.GroupID, Name: gi.Name, Type: gi.Type, MemberCount: gi.MemberNum, Owner: gi.OwnerAccount}
}

// repeatWhenLimited runs a read, and when Tencent still refuses it as too
// frequent (60007 and its kin) waits one window and runs it again: the
// crawler has time, and a refused read changed nothing.
func (g *Crawler) repeatWhenLimited(ctx context.Context, read func() error) error {
	for {
		err := read()
		var te *tim.Error
		if err == nil || !errors.As(err, &te) || te.Kind != tim.KindRateLimited || te.Code == 0 {
			return err
		}
		g.log.Info("group index: Tencent asked us to slow down", "op", te.Op, "code", te.Code)
		if err := g.Sleep(ctx, crawlRateLimitWait); err != nil {
			return err
		}
	}
}

// pace waits for the next slot of a schedule of one call every every,
// and records it in *last. Slots follow each other from the schedule, not
// from when the sleep happened to end, so timer overshoot does not add up;
// a crawler that fell behind starts a new schedule rather than catching up
// in a burst.
func (g *Crawler) pace(ctx context.Context, last *time.Time, every time.Duration) error {
	now := g.now()
	next := now
	if !last.IsZero() {
		if next = last.Add(every); now.Sub(next) > every {
			next = now
		}
	}
	if d := next.Sub(now); d > 0 {
		if err := g.Sleep(ctx, d); err != nil {
			return err
		}
	}
	*last = next
	return ctx.Err()
}

func (g *Crawler) setReading(on bool) {
	g.mu.Lock()
	g.status.Reading = on
	g.mu.Unlock()
}

// recount refreshes the status line's counts from the database, at most
// every crawlCountEvery unless force.
func (g *Crawler) recount(ctx context.Context, force bool) {
	now := g.now()
	g.mu.Lock()
	stale := force || now.Sub(g.counted) >= crawlCountEvery
	g.mu.Unlock()
	if !stale {
		return
	}
	all, described, err := g.db.CountGroups(ctx)
	if err != nil {
		g.log.Warn("group index: count", "err", err)
		return
	}
	st, err := g.db.GroupIndexState(ctx)
	if err != nil {
		g.log.Warn("group index: state", "err", err)
		return
	}
	g.mu.Lock()
	g.status.Listed, g.status.Indexed, g.status.Refreshed, g.counted = all, described, st.Refreshed, now
	g.refreshAsk = st.RefreshAsked
	if !g.crawlsHere() {
		g.status.Reading = !st.Started.IsZero() // as the crawling replica last stored it
	}
	if st.Total > 0 || g.status.Total == 0 {
		g.status.Total = st.Total
	}
	if !st.ListDone && st.Next == 0 && !st.Refreshed.IsZero() {
		// Between rounds the last round's count stands.
		g.status.Total = max(g.status.Total, all)
	}
	g.mu.Unlock()
}

// Status returns the index's status as the finder shows it. It reads
// what the crawler last counted: counting a million rows per search would
// cost more than the search.
//
// A replica that does not crawl (on PostgreSQL) reads the counts and the
// state the crawling one stored (readStored).
func (g *Crawler) Status() api.GroupIndexStatus {
	if !g.crawlsHere() {
		g.readStored()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.status
	if !g.refreshAsk.IsZero() {
		if at := g.refreshAsk.Add(crawlRefreshEvery); at.After(g.now()) {
			s.RefreshAfter = at
		}
	}
	return s
}

// crawlsHere says whether this process crawls: always on SQLite (one
// process), on PostgreSQL while it holds the crawler's lease.
func (g *Crawler) crawlsHere() bool { return !g.db.OnPostgres() || g.holding.Load() }

// readStored reads the counts and state the crawling replica stored: at
// once while none has been read (every caller until then counts, so that
// none sees an empty index), then in the background at most every
// crawlCountEvery.
func (g *Crawler) readStored() {
	g.mu.Lock()
	first, due := g.counted.IsZero(), !g.counting && g.now().Sub(g.counted) >= crawlCountEvery
	g.counting = g.counting || due
	g.mu.Unlock()
	count := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		g.recount(ctx, true)
		g.mu.Lock()
		g.counting = false
		g.mu.Unlock()
	}
	switch {
	case first:
		count()
	case due:
		go count()
	}
}

// ErrRefreshTooSoon and ErrRefreshRunning are why a refresh is refused.
var (
	ErrRefreshTooSoon = errors.New("a refresh was asked for recently")
	ErrRefreshRunning = errors.New("the list is being read now")
)

// Refresh starts a reading now, unless one is under way or one was asked
// for less than crawlRefreshEvery ago on any replica (then it says when it
// may). The ask is stored, so that the replica that crawls sees it.
func (g *Crawler) Refresh(ctx context.Context) (retryAt time.Time, err error) {
	crawls := g.crawlsHere()
	var reading bool
	if crawls {
		g.mu.Lock()
		reading = g.status.Reading
		g.mu.Unlock()
	} else {
		// What the crawling replica stored, not what this one last read.
		st, err := g.db.GroupIndexState(ctx)
		if err != nil {
			return time.Time{}, err
		}
		reading = !st.Started.IsZero()
	}
	if reading {
		return time.Time{}, ErrRefreshRunning
	}
	last, ok, err := g.db.AskGroupRefresh(ctx, g.now(), crawlRefreshEvery)
	if err != nil {
		return time.Time{}, err
	}
	g.mu.Lock()
	g.refreshAsk = last
	g.mu.Unlock()
	if !ok {
		return last.Add(crawlRefreshEvery), ErrRefreshTooSoon
	}
	if crawls { // another replica's crawler sees the stored ask
		select {
		case g.refresh <- struct{}{}:
		default:
		}
	}
	return time.Time{}, nil
}

// lookupMissTTL is how long an ID Tencent said it has not is not asked
// about again: a search repeated while typing costs one call, not many.
const lookupMissTTL = time.Minute

// MayLookUp says whether a query could be an exact group ID worth asking
// Tencent about: shaped like one, and not asked about in vain just now.
func (g *Crawler) MayLookUp(query string) bool {
	if query == "" || len(query) > api.MaxGroupIDBytes || strings.ContainsFunc(query, unicode.IsSpace) {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	at, ok := g.misses[query]
	return !ok || g.now().Sub(at) >= lookupMissTTL
}

// Lookup asks Tencent for one group by its exact ID and adds it to the
// index: a group created after the last reading is found at once. It
// returns nil when Tencent has no such group.
func (g *Crawler) Lookup(ctx context.Context, id string) (*sqlite.IndexedGroup, error) {
	info, err := g.tim.GetGroupInfo(ctx, indexInfoRequest([]string{id}))
	if err != nil {
		return nil, err
	}
	if len(info.GroupInfo) != 1 || info.GroupInfo[0].ErrorCode != 0 {
		g.mu.Lock()
		if len(g.misses) > 10000 {
			clear(g.misses)
		}
		g.misses[id] = g.now()
		g.mu.Unlock()
		return nil, nil
	}
	found := indexedFromInfo(info.GroupInfo[0])
	st, err := g.db.GroupIndexState(ctx)
	if err != nil {
		return nil, err
	}
	if err := g.db.PutGroup(ctx, st.Round, found); err != nil {
		return nil, err
	}
	return &found, nil
}
