package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/imdesk/imdesk/server/groupindex"
	"github.com/imdesk/imdesk/server/tim"
	"github.com/imdesk/imdesk/server/usage"
)

// Metrics are the panel's Prometheus series. They are served on their own
// address (IMDESK_METRICS_ADDR), not on the panel's: a scraper has no
// session, the series name groups and accounts' activity that the public
// listener should not show, and an operator can bind the address to a
// private interface or loopback where only the monitoring system reaches it.
type Metrics struct {
	reg *prometheus.Registry

	requests       *prometheus.CounterVec   // route, method, status
	requestSeconds *prometheus.HistogramVec // route, method
	tencentCalls   *prometheus.CounterVec   // op, outcome
	tencentSeconds *prometheus.HistogramVec // op
	rateWait       *prometheus.CounterVec   // op, limit
	auditAppends   *prometheus.CounterVec   // kind, result
	auditSeconds   prometheus.Histogram

	usage *usage.Counter // the last minutes of Tencent calls, for the health page
}

// NewMetrics makes the series; the Tencent client reports to it as its
// Observer, and the server registers the rest when it is made.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), usage: usage.New(time.Now)}
	f := func(c prometheus.Collector) { m.reg.MustRegister(c) }
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "imdesk_http_requests_total",
		Help: "HTTP requests answered, by route pattern, method and status."}, []string{"route", "method", "status"})
	m.requestSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "imdesk_http_request_duration_seconds",
		Help: "Time to answer an HTTP request, by route pattern and method.", Buckets: prometheus.DefBuckets}, []string{"route", "method"})
	m.tencentCalls = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "imdesk_tencent_calls_total",
		Help: `Requests to Tencent's REST API, by command and outcome: "0" for OK, Tencent's ErrorCode, "http_<status>", or "no_answer".`},
		[]string{"op", "outcome"})
	m.tencentSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "imdesk_tencent_call_duration_seconds",
		Help: "Time of one request to Tencent, by command.", Buckets: prometheus.DefBuckets}, []string{"op"})
	m.rateWait = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "imdesk_tencent_rate_limit_wait_seconds_total",
		Help: `Time calls spent waiting for Tencent's rate limits, by command and limit ("api": per command, "group": writes per group).`},
		[]string{"op", "limit"})
	m.auditAppends = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "imdesk_audit_appends_total",
		Help: "Entries appended to the audit log, by kind (event, intent, outcome) and result (ok, error)."}, []string{"kind", "result"})
	m.auditSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "imdesk_audit_append_duration_seconds",
		Help: "Time to append an entry to the audit log durably.", Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}})
	for _, c := range []prometheus.Collector{m.requests, m.requestSeconds, m.tencentCalls, m.tencentSeconds, m.rateWait, m.auditAppends, m.auditSeconds} {
		f(c)
	}
	f(collectors.NewGoCollector())
	f(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// watch registers the series that are read from the server when scraped.
func (m *Metrics) watch(s *Server) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "imdesk_sessions",
		Help: "Sign-in sessions that have not ended."}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		now := s.now()
		n, err := s.db.CountSessions(ctx, now.Add(-s.sessions.idle), now.Add(-s.sessions.max))
		if err != nil {
			return -1
		}
		return float64(n)
	}))
	m.reg.MustRegister(groupIndexCollector{s.index})
}

// groupIndexCollector reports the finder's index as the crawler last
// counted it: one read of its status per scrape, never a count of the
// database.
type groupIndexCollector struct{ index *groupindex.Crawler }

var (
	groupIndexGroupsDesc = prometheus.NewDesc("imdesk_group_index_groups",
		`Groups in the finder's index: "listed" (named by Tencent's list, described or not yet) and "indexed" (with a name and type).`,
		[]string{"state"}, nil)
	groupIndexTencentDesc = prometheus.NewDesc("imdesk_group_index_tencent_groups",
		"Groups in the app as Tencent counted them on the last list page read.", nil, nil)
	groupIndexRefreshedDesc = prometheus.NewDesc("imdesk_group_index_last_refresh_timestamp_seconds",
		"When the last full reading of the group list ended, in Unix seconds; 0 before the first.", nil, nil)
	groupIndexReadingDesc = prometheus.NewDesc("imdesk_group_index_reading",
		"1 while the group list is being read, else 0.", nil, nil)
)

func (groupIndexCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{groupIndexGroupsDesc, groupIndexTencentDesc, groupIndexRefreshedDesc, groupIndexReadingDesc} {
		ch <- d
	}
}

func (c groupIndexCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.index.Status()
	refreshed, reading := 0.0, 0.0
	if !st.Refreshed.IsZero() {
		refreshed = float64(st.Refreshed.Unix())
	}
	if st.Reading {
		reading = 1
	}
	ch <- prometheus.MustNewConstMetric(groupIndexGroupsDesc, prometheus.GaugeValue, float64(st.Listed), "listed")
	ch <- prometheus.MustNewConstMetric(groupIndexGroupsDesc, prometheus.GaugeValue, float64(st.Indexed), "indexed")
	ch <- prometheus.MustNewConstMetric(groupIndexTencentDesc, prometheus.GaugeValue, float64(st.Total))
	ch <- prometheus.MustNewConstMetric(groupIndexRefreshedDesc, prometheus.GaugeValue, refreshed)
	ch <- prometheus.MustNewConstMetric(groupIndexReadingDesc, prometheus.GaugeValue, reading)
}

// handler serves the series in Prometheus's text format.
func (m *Metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// request records one answered request; route is the pattern the request
// matched ("" for none), never the raw path, so IDs do not become labels.
func (m *Metrics) request(route, method string, status int, took time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.requestSeconds.WithLabelValues(route, method).Observe(took.Seconds())
}

// Attempt implements tim.Observer.
func (m *Metrics) Attempt(op string, perSecond int, err error, took time.Duration) {
	m.usage.Add(op, perSecond)
	m.tencentCalls.WithLabelValues(op, tencentOutcome(err)).Inc()
	m.tencentSeconds.WithLabelValues(op).Observe(took.Seconds())
}

// Waited implements tim.Observer.
func (m *Metrics) Waited(op, limit string, waited time.Duration) {
	m.rateWait.WithLabelValues(op, limit).Add(waited.Seconds())
}

// appended records one audit append.
func (m *Metrics) appended(kind string, took time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.auditAppends.WithLabelValues(kind, result).Inc()
	m.auditSeconds.Observe(took.Seconds())
}

func tencentOutcome(err error) string {
	if err == nil {
		return "0"
	}
	if code := tim.CodeOf(err); code != 0 {
		return strconv.Itoa(code)
	}
	if te, ok := err.(*tim.Error); ok && te.HTTPStatus != 0 {
		return "http_" + strconv.Itoa(te.HTTPStatus)
	}
	return "no_answer"
}
