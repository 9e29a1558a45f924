package server

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/groupindex"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
	"github.com/imdesk/imdesk/server/timmock"
)

// Targets of the finder at scale.
const (
	searchP50Target = 20 * time.Millisecond
	searchP99Target = 100 * time.Millisecond
)

// BenchmarkGroupIndex measures the finder's index: crawling 100,000 groups
// from the mock at Tencent's real limits (mock limits on, client limits on,
// the crawler's own pace), then search latency at 100,000 groups (the
// crawled index) and at 1,000,000 (an index filled directly with the same
// generated names, not crawled), and the panel's memory and database size
// at 1,000,000. With BENCH_OUT set it writes groupindex.md there. Run it
// with -benchtime 1x. GROUPINDEX_CRAWL and GROUPINDEX_LARGE change the two
// sizes. Names are timmock's generated ones, but for one group in 10,000
// named with a rare word (see benchGroup).
func BenchmarkGroupIndex(b *testing.B) {
	crawlN := envInt("GROUPINDEX_CRAWL", 100_000)
	largeN := envInt("GROUPINDEX_LARGE", 1_000_000)
	ctx := context.Background()
	var md strings.Builder

	// Crawl at the real limits.
	m := timmock.New(timmock.Options{SDKAppID: testAppID, SecretKey: testKey})
	// The rare groups the crawl finds are seeded by name before the
	// generated ones.
	seed := &timmock.Seed{}
	for i := range crawlN {
		if name, typ, rare := benchGroup(i); rare {
			seed.Groups = append(seed.Groups, timmock.SeedGroup{Type: typ, Name: name})
		}
	}
	seed.Generate = crawlN - len(seed.Groups)
	if err := m.Seed(seed); err != nil {
		b.Fatal(err)
	}
	ms := httptest.NewServer(m.Handler(false))
	defer ms.Close()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	client, err := tim.New(tim.Config{BaseURL: ms.URL, SDKAppID: testAppID, SecretKey: testKey, Admin: "administrator", Logger: logger})
	if err != nil {
		b.Fatal(err)
	}
	db, err := sqlite.Open(b.TempDir(), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	crawler := groupindex.New(db, client, logger, time.Now)
	b.ResetTimer()
	start := time.Now()
	if err := crawler.Round(ctx); err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	b.StopTimer()
	lists, infos := m.Calls("get_appid_group_list"), m.Calls("get_group_info")
	refused := strings.Count(logs.String(), "60007")
	pages := (crawlN + groupindex.PageSize - 1) / groupindex.PageSize
	infoCalls := (crawlN + groupindex.InfoBatch - 1) / groupindex.InfoBatch
	// The floor the issue names: list pages at 1/s plus info calls at
	// Tencent's 200/s. Overlapping the two, Tencent would allow the larger
	// of the two alone; our crawler keeps below get_group_info's limit on
	// purpose (moderators keep the rest), so its own floor is the larger of
	// 1.1 s a page and its info calls at its pace.
	floorSum := time.Duration(pages)*time.Second + time.Duration(infoCalls)*time.Second/200
	floorOverlap := max(time.Duration(pages)*time.Second, time.Duration(infoCalls)*time.Second/200)
	floorPace := max(time.Duration(pages)*groupindex.ListEvery, time.Duration(infoCalls)*groupindex.InfoEvery)
	indexed, _, err := db.CountGroups(ctx)
	if err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(&md, "| groups | indexed | took | list calls | info calls | 60007 | floor: pages at 1/s + info at 200/s | within 10 %% | floor if overlapped at Tencent's limits | floor at the crawler's pace (1.1 s, %d/s, overlapped) |\n|---|---|---|---|---|---|---|---|---|---|\n", time.Second/groupindex.InfoEvery)
	fmt.Fprintf(&md, "| %d | %d | %.1f s | %d | %d | %d | %.1f s | %s | %.1f s | %.1f s |\n\n", crawlN, indexed, took.Seconds(), lists, infos, refused,
		floorSum.Seconds(), verdict(took <= floorSum*11/10 && refused == 0), floorOverlap.Seconds(), floorPace.Seconds())

	// Search at the crawled size.
	fmt.Fprintf(&md, "| groups | query | example | p50 | p99 | p50 ≤ 20 ms | p99 ≤ 100 ms |\n|---|---|---|---|---|---|---|\n")
	measureSearches(b, db, crawlN, &md)

	// Search at the large size, filled directly.
	dir := b.TempDir()
	large, err := sqlite.Open(dir, sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer large.Close()
	fillTook := fillBenchIndex(b, large, largeN)
	measureSearches(b, large, largeN, &md)

	runtime.GC()
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	size := int64(0)
	for _, f := range []string{sqlite.FileName, sqlite.FileName + "-wal"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err == nil {
			size += st.Size()
		}
	}
	fmt.Fprintf(&md, "\n| at %d groups | figure |\n|---|---|\n", largeN)
	fmt.Fprintf(&md, "| database size (imdesk.db + WAL) | %.0f MB (%.0f bytes a group) |\n", float64(size)/1e6, float64(size)/float64(largeN))
	fmt.Fprintf(&md, "| panel process memory from Go (Sys), after the searches | %.0f MB (heap in use %.0f MB) |\n", float64(mem.Sys)/1e6, float64(mem.HeapInuse)/1e6)
	if rss, peak, ok := processRSS(); ok {
		fmt.Fprintf(&md, "| the benchmark's whole process, resident (VmRSS; SQLite's page caches included, and the 100,000-group mock) | %.0f MB (peak %.0f MB) |\n", rss/1e6, peak/1e6)
	}
	fmt.Fprintf(&md, "| filling the index directly (batches of 10,000) | %.0f s |\n", fillTook.Seconds())
	b.Log("\n" + md.String())
	if out := os.Getenv("BENCH_OUT"); out != "" {
		if err := os.WriteFile(filepath.Join(out, "groupindex.md"), []byte(md.String()), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// Two-character words for searches: rareWords name one group in 10,000
// between them (10 at 100,000 groups, 100 at 1,000,000), and no name holds
// one of absentWords; neither is in timmock's generated names.
var (
	rareWords   = []string{"桂林", "沖縄", "광주", "麻将", "茶道"}
	absentWords = []string{"台灣", "音楽", "横浜", "猫咪", "빵집"}
	absentChars = []string{"鬼", "猫", "龍", "빵", "ß"}
)

// benchGroup is the name and type of the i-th group: timmock's generated
// group, or for one in 10,000 a group named with one of rareWords.
func benchGroup(i int) (name, typ string, rare bool) {
	name, typ = timmock.GeneratedGroup(i)
	if i%10_000 == 4321 {
		return rareWords[(i/10_000)%len(rareWords)] + "同好会 " + strconv.Itoa(i), typ, true
	}
	return name, typ, false
}

// fillBenchIndex fills db's group index with the first n of benchGroup's
// groups directly, in batches of 10,000, and says how long it took.
func fillBenchIndex(b *testing.B, db *sqlite.DB, n int) time.Duration {
	start := time.Now()
	err := db.FillGroupIndex(context.Background(), func(yield func(sqlite.IndexedGroup) bool) {
		for i := range n {
			name, typ, _ := benchGroup(i)
			if !yield(sqlite.IndexedGroup{ID: benchGroupID(i), Name: name, Type: typ, MemberCount: i % 500}) {
				return
			}
		}
	}, 10_000)
	if err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// benchGroupID is a server-style ID for the i-th group of a filled index.
func benchGroupID(i int) string {
	return fmt.Sprintf("@TGS#%s", strings.ToUpper(strconv.FormatUint(uint64(i)*2654435761%(1<<40), 36)))
}

// processRSS reads the process's resident and peak resident memory from
// /proc (Linux only): SQLite's page caches are allocated outside Go's heap,
// so runtime.MemStats does not count them.
func processRSS() (rss, peak float64, ok bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0, false
	}
	kb := func(key string) float64 {
		for _, line := range strings.Split(string(b), "\n") {
			if v, found := strings.CutPrefix(line, key+":"); found {
				n, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
				return n * 1024 // /proc's kB are KiB
			}
		}
		return 0
	}
	rss, peak = kb("VmRSS"), kb("VmHWM")
	return rss, peak, rss > 0
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// measureSearches times first pages of 20 for kinds of query, 200 of each,
// through the store as the finder calls it (count and page).
func measureSearches(b *testing.B, db *sqlite.DB, n int, md *strings.Builder) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(7, uint64(n)))
	pick := func() (string, string) { return timmock.GeneratedGroup(r.IntN(n)) }
	word := func(name string, i int) string { return strings.Fields(name)[i] }
	kinds := []struct {
		name string
		make func() sqlite.GroupSearch
	}{
		{"Latin word and number", func() sqlite.GroupSearch {
			name, _ := pick()
			f := strings.Fields(name)
			return sqlite.GroupSearch{Text: f[1] + " " + f[2][:min(3, len(f[2]))]}
		}},
		{"Latin word alone (5 % of groups)", func() sqlite.GroupSearch { name, _ := pick(); return sqlite.GroupSearch{Text: word(name, 1)} }},
		{"CJK place and activity", func() sqlite.GroupSearch { name, _ := pick(); return sqlite.GroupSearch{Text: word(name, 0)} }},
		{"CJK substring of 3", func() sqlite.GroupSearch {
			name, _ := pick()
			rs := []rune(word(name, 0))
			return sqlite.GroupSearch{Text: string(rs[len(rs)-3:])}
		}},
		{"CJK 2 characters, a place (5 % of groups)", func() sqlite.GroupSearch {
			name, _ := pick()
			rs := []rune(word(name, 0))
			return sqlite.GroupSearch{Text: string(rs[:2])}
		}},
		{"CJK 2 characters across place and activity (0.3–0.8 %)", func() sqlite.GroupSearch {
			name, _ := pick()
			rs := []rune(word(name, 0))
			return sqlite.GroupSearch{Text: string(rs[1:3])}
		}},
		{"CJK 2 characters, rare (1 group in 50,000)", func() sqlite.GroupSearch {
			return sqlite.GroupSearch{Text: rareWords[r.IntN(len(rareWords))]}
		}},
		{"2 characters no name holds", func() sqlite.GroupSearch {
			return sqlite.GroupSearch{Text: absentWords[r.IntN(len(absentWords))]}
		}},
		{"2 characters no name holds, type filter", func() sqlite.GroupSearch {
			_, typ := pick()
			return sqlite.GroupSearch{Text: absentWords[r.IntN(len(absentWords))], Types: groupTypeNames(typ)}
		}},
		{"1 character of a name", func() sqlite.GroupSearch {
			name, _ := pick()
			rs := []rune(strings.ReplaceAll(name, " ", ""))
			return sqlite.GroupSearch{Text: string(rs[r.IntN(len(rs))])}
		}},
		{"1 character no name holds", func() sqlite.GroupSearch {
			return sqlite.GroupSearch{Text: absentChars[r.IntN(len(absentChars))]}
		}},
		{"ID prefix", func() sqlite.GroupSearch { return sqlite.GroupSearch{Text: benchGroupID(r.IntN(n))[:8]} }},
		{"type filter", func() sqlite.GroupSearch {
			_, typ := pick()
			return sqlite.GroupSearch{Types: groupTypeNames(typ)}
		}},
	}
	for _, k := range kinds {
		lat := make([]time.Duration, 200)
		example := ""
		for i := range lat {
			s := k.make()
			s.Limit = 21
			if i == 0 {
				example = s.Text
				if example == "" {
					example = strings.Join(s.Types, "/")
				}
			}
			t := time.Now()
			if _, _, err := db.SearchGroups(ctx, s); err != nil {
				b.Fatal(err)
			}
			lat[i] = time.Since(t)
		}
		slices.Sort(lat)
		p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
		fmt.Fprintf(md, "| %d | %s | `%s` | %s | %s | %s | %s |\n", n, k.name, example, ms3(p50), ms3(p99), verdict(p50 <= searchP50Target), verdict(p99 <= searchP99Target))
	}
}
