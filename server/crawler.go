package server

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
)

// The crawler's pace. Tencent allows get_appid_group_list once a second
// and get_group_info 200 times a second (spec §4.2–4.3). The crawler keeps
// below both, so that a moderator's own call is never queued behind it:
// a list page every 1.1 s (the 0.1 s absorbs the jitter between our clock
// and Tencent's window), and get_group_info at most 100 times a second —
// half of Tencent's limit, the other half left to moderators.
const (
	crawlListEvery = 1100 * time.Millisecond
	crawlInfoEvery = 10 * time.Millisecond // 100 calls a second
	crawlPageSize  = 10000                 // get_appid_group_list's largest Limit
	crawlInfoBatch = 50                    // get_group_info's most IDs per call
	// crawlInfoInFlight is how many get_group_info calls may await their
	// answers at once (each still starts on the pace above).
	crawlInfoInFlight = 8
	// crawlInfoPerRead is how many get_group_info calls' worth of pending
	// groups are read from the database at once.
	crawlInfoPerRead = 50
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

// groupCrawler keeps the finder's index of the app's groups (in the
// database) up to date in the background: each round reads the whole list
// with get_appid_group_list, describes every group with get_group_info,
// and drops the groups the list no longer names. Every step is stored as
// it is made, so a restart resumes the round where it stopped. Moderators'
// searches read only the index; they never wait for the crawler.
type groupCrawler struct {
	db    *sqlite.DB
	tim   *tim.Client
	log   *slog.Logger
	now   func() time.Time
	sleep func(context.Context, time.Duration) error

	listEvery, infoEvery time.Duration
	pageSize             int

	refresh chan struct{} // a moderator asked for a reading
	stop    context.CancelFunc
	done    chan struct{}

	mu         sync.Mutex
	status     api.GroupIndexStatus
	counted    time.Time            // when status's counts were last read from the database
	refreshAsk time.Time            // when a moderator last asked for a reading
	misses     map[string]time.Time // exact IDs Tencent said it has not, and when
}

func newGroupCrawler(db *sqlite.DB, c *tim.Client, log *slog.Logger, now func() time.Time) *groupCrawler {
	return &groupCrawler{db: db, tim: c, log: log, now: now, sleep: sleepCtx,
		listEvery: crawlListEvery, infoEvery: crawlInfoEvery, pageSize: crawlPageSize,
		refresh: make(chan struct{}, 1), misses: map[string]time.Time{}}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Start runs the crawler until Stop.
func (g *groupCrawler) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	g.stop, g.done = cancel, make(chan struct{})
	go func() {
		defer close(g.done)
		g.run(ctx)
	}()
}

// Stop ends the crawler and waits for it; what it stored stays.
func (g *groupCrawler) Stop() {
	if g.stop == nil {
		return
	}
	g.stop()
	<-g.done
}

func (g *groupCrawler) run(ctx context.Context) {
	g.recount(ctx, true) // what a restart finds stored
	// A restart between rounds keeps to the pause after the last one.
	if st, err := g.db.GroupIndexState(ctx); err == nil && st.Started.IsZero() && !st.Refreshed.IsZero() {
		if d := st.Refreshed.Add(crawlRoundEvery).Sub(g.now()); d > 0 {
			g.waitRound(ctx, d)
		}
	}
	for ctx.Err() == nil {
		wait := crawlRoundEvery
		if err := g.round(ctx); err != nil {
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
// refresh.
func (g *groupCrawler) waitRound(ctx context.Context, d time.Duration) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-g.refresh:
			cancel()
		case <-wctx.Done():
		}
	}()
	g.sleep(wctx, d)
}

// round reads the list and describes the groups it names, from where the
// stored state says the round stands, then finishes the round. The list
// and the descriptions run side by side, each at its own pace, so a round
// takes about as long as the slower of the two.
func (g *groupCrawler) round(ctx context.Context) error {
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

	listDone := false
	var last time.Time
	for {
		ids, err := g.db.PendingGroups(ctx, crawlInfoBatch*crawlInfoPerRead)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			if listDone {
				break
			}
			select {
			case <-listed:
			case err := <-listErr:
				if err != nil {
					return err
				}
				listDone = true
			case <-ctx.Done():
				return ctx.Err()
			}
			continue
		}
		if err := g.describeAll(ctx, st.Round, ids, &last); err != nil {
			return err
		}
		g.recount(ctx, false)
	}
	if err := g.db.FinishGroupRound(ctx, g.now()); err != nil {
		return err
	}
	g.recount(ctx, true)
	return nil
}

// readList stores the round's list a page at a time, with the cursor for
// the next page, and tells the describer after each page.
func (g *groupCrawler) readList(ctx context.Context, st sqlite.GroupIndexState, listed chan<- struct{}) error {
	next := st.Next
	var answered time.Time
	for {
		// The next page is asked for listEvery after the last answer came,
		// not on a schedule: a request that was slow to arrive must not
		// share Tencent's window with the next one.
		if !answered.IsZero() {
			if d := answered.Add(g.listEvery).Sub(g.now()); d > 0 {
				if err := g.sleep(ctx, d); err != nil {
					return err
				}
			}
		}
		var page *tim.GetAppIDGroupListResponse
		err := g.repeatWhenLimited(ctx, func() (err error) {
			page, err = g.tim.GetAppIDGroupList(ctx, tim.GetAppIDGroupListRequest{Limit: g.pageSize, Next: next})
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

// describeAll describes ids 50 at a time, starting a call every infoEvery
// with up to crawlInfoInFlight of them waiting for their answers, so that
// the time an answer takes does not slow the pace.
func (g *groupCrawler) describeAll(ctx context.Context, round int64, ids []string, last *time.Time) error {
	var wg sync.WaitGroup
	slots := make(chan struct{}, crawlInfoInFlight)
	var mu sync.Mutex
	var first error
	for chunk := range slices.Chunk(ids, crawlInfoBatch) {
		if err := g.pace(ctx, last, g.infoEvery); err != nil {
			wg.Wait()
			return err
		}
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			if err := g.describe(ctx, round, chunk); err != nil {
				mu.Lock()
				first = cmp.Or(first, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return first
}

// describe asks get_group_info about up to 50 groups and stores the answer;
// a group Tencent no longer has leaves the index.
func (g *groupCrawler) describe(ctx context.Context, round int64, ids []string) error {
	var info *tim.GetGroupInfoResponse
	err := g.repeatWhenLimited(ctx, func() (err error) {
		info, err = g.tim.GetGroupInfo(ctx, indexInfoRequest(ids))
		return err
	})
	if err != nil {
		return err
	}
	var found []sqlite.IndexedGroup
	exists := map[string]bool{}
	for _, gi := range info.GroupInfo {
		if gi.ErrorCode == 0 {
			found, exists[gi.GroupID] = append(found, indexedFromInfo(gi)), true
		}
	}
	var gone []string
	for _, id := range ids {
		if !exists[id] {
			gone = append(gone, id)
		}
	}
	return g.db.DescribeGroups(ctx, round, found, gone)
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
func (g *groupCrawler) repeatWhenLimited(ctx context.Context, read func() error) error {
	for {
		err := read()
		var te *tim.Error
		if err == nil || !errors.As(err, &te) || te.Kind != tim.KindRateLimited || te.Code == 0 {
			return err
		}
		g.log.Info("group index: Tencent asked us to slow down", "op", te.Op, "code", te.Code)
		if err := g.sleep(ctx, crawlRateLimitWait); err != nil {
			return err
		}
	}
}

// pace waits for the next slot of a schedule of one call every every,
// and records it in *last. Slots follow each other from the schedule, not
// from when the sleep happened to end, so timer overshoot does not add up;
// a crawler that fell behind starts a new schedule rather than catching up
// in a burst.
func (g *groupCrawler) pace(ctx context.Context, last *time.Time, every time.Duration) error {
	now := g.now()
	next := now
	if !last.IsZero() {
		if next = last.Add(every); now.Sub(next) > every {
			next = now
		}
	}
	if d := next.Sub(now); d > 0 {
		if err := g.sleep(ctx, d); err != nil {
			return err
		}
	}
	*last = next
	return ctx.Err()
}

func (g *groupCrawler) setReading(on bool) {
	g.mu.Lock()
	g.status.Reading = on
	g.mu.Unlock()
}

// recount refreshes the status line's counts from the database, at most
// every crawlCountEvery unless force.
func (g *groupCrawler) recount(ctx context.Context, force bool) {
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
func (g *groupCrawler) Status() api.GroupIndexStatus {
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

// errRefreshTooSoon and errRefreshRunning are why a refresh is refused.
var (
	errRefreshTooSoon = errors.New("a refresh was asked for recently")
	errRefreshRunning = errors.New("the list is being read now")
)

// Refresh starts a reading now, unless one is under way or one was asked
// for less than crawlRefreshEvery ago (then it says when it may).
func (g *groupCrawler) Refresh() (retryAt time.Time, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	if g.status.Reading {
		return time.Time{}, errRefreshRunning
	}
	if !g.refreshAsk.IsZero() && now.Before(g.refreshAsk.Add(crawlRefreshEvery)) {
		return g.refreshAsk.Add(crawlRefreshEvery), errRefreshTooSoon
	}
	g.refreshAsk = now
	select {
	case g.refresh <- struct{}{}:
	default:
	}
	return time.Time{}, nil
}

// lookupMissTTL is how long an ID Tencent said it has not is not asked
// about again: a search repeated while typing costs one call, not many.
const lookupMissTTL = time.Minute

// mayLookUp says whether a query could be an exact group ID worth asking
// Tencent about: shaped like one, and not asked about in vain just now.
func (g *groupCrawler) mayLookUp(query string) bool {
	if query == "" || len(query) > api.MaxGroupIDBytes || strings.ContainsFunc(query, unicode.IsSpace) {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	at, ok := g.misses[query]
	return !ok || g.now().Sub(at) >= lookupMissTTL
}

// lookup asks Tencent for one group by its exact ID and adds it to the
// index: a group created after the last reading is found at once. It
// returns nil when Tencent has no such group.
func (g *groupCrawler) lookup(ctx context.Context, id string) (*sqlite.IndexedGroup, error) {
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
