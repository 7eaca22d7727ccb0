package service

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// metrics are the service's Prometheus metrics, on a registry of its own
// (docs/service.md, "Metrics").
type metrics struct {
	reg            *prometheus.Registry
	requests       *prometheus.CounterVec
	latency        *prometheus.HistogramVec
	firings        *prometheus.CounterVec
	conflicts      prometheus.Counter
	reloads        prometheus.Counter
	reloadFailures prometheus.Counter
	triggers       map[string]bool // the known triggers: the only trigger labels
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "asysta_http_requests_total",
			Help: "HTTP requests by route pattern and status."}, []string{"route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "asysta_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"route"}),
		firings: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "asysta_fired_total",
			Help: "Triggers fired through the service, by lifecycle, trigger and outcome (ok or the problem code)."},
			[]string{"lifecycle", "trigger", "outcome"}),
		conflicts: prometheus.NewCounter(prometheus.CounterOpts{Name: "asysta_conflicts_total",
			Help: "Firings that lost a race on a case or a worker's caseload (409 conflict)."}),
		reloads: prometheus.NewCounter(prometheus.CounterOpts{Name: "asysta_reloads_total",
			Help: "Successful reloads of the configuration and tokens files."}),
		reloadFailures: prometheus.NewCounter(prometheus.CounterOpts{Name: "asysta_reload_failures_total",
			Help: "Reloads refused because a file had problems; the previous revision kept serving."}),
		triggers: map[string]bool{},
	}
	for _, l := range []rules.Lifecycle{rules.LifecycleFamily, rules.LifecycleChild, rules.LifecycleFosterFamily} {
		for _, t := range workflow.Triggers(l) {
			m.triggers[t] = true
		}
	}
	m.reg.MustRegister(m.requests, m.latency, m.firings, m.conflicts, m.reloads, m.reloadFailures,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

func (m *metrics) observe(route string, status int, took time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(took.Seconds())
}

// fired counts a firing; a trigger no lifecycle knows is counted as
// "other", so that a client cannot grow the metrics without bound.
func (m *metrics) fired(lifecycle, trigger, outcome string) {
	if !m.triggers[trigger] {
		trigger = "other"
	}
	m.firings.WithLabelValues(lifecycle, trigger, outcome).Inc()
}

// watchPools exports the units' connection pool figures (pgxpool.Stat).
func (m *metrics) watchPools(units map[string]*unit) {
	m.reg.MustRegister(&poolCollector{units: units})
}

// poolCollector reads pgxpool.Stat of every unit's pool at each scrape.
type poolCollector struct{ units map[string]*unit }

var (
	poolLabels   = []string{"unit"}
	poolTotal    = prometheus.NewDesc("asysta_db_pool_connections", "Connections in the pool, by state (acquired, idle, constructing).", []string{"unit", "state"}, nil)
	poolMax      = prometheus.NewDesc("asysta_db_pool_max_connections", "The pool's maximum size.", poolLabels, nil)
	poolAcquires = prometheus.NewDesc("asysta_db_pool_acquires_total", "Connections acquired from the pool.", poolLabels, nil)
	poolEmpty    = prometheus.NewDesc("asysta_db_pool_empty_acquires_total", "Acquires that waited for a connection because none was idle.", poolLabels, nil)
	poolWait     = prometheus.NewDesc("asysta_db_pool_acquire_seconds_total", "Time spent acquiring connections.", poolLabels, nil)
	poolCanceled = prometheus.NewDesc("asysta_db_pool_canceled_acquires_total", "Acquires canceled by their context.", poolLabels, nil)
)

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolTotal, poolMax, poolAcquires, poolEmpty, poolWait, poolCanceled} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	for id, u := range c.units {
		if u.pool == nil {
			continue
		}
		st := u.pool.Stat()
		ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(st.AcquiredConns()), id, "acquired")
		ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(st.IdleConns()), id, "idle")
		ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(st.ConstructingConns()), id, "constructing")
		ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(st.MaxConns()), id)
		ch <- prometheus.MustNewConstMetric(poolAcquires, prometheus.CounterValue, float64(st.AcquireCount()), id)
		ch <- prometheus.MustNewConstMetric(poolEmpty, prometheus.CounterValue, float64(st.EmptyAcquireCount()), id)
		ch <- prometheus.MustNewConstMetric(poolWait, prometheus.CounterValue, st.AcquireDuration().Seconds(), id)
		ch <- prometheus.MustNewConstMetric(poolCanceled, prometheus.CounterValue, float64(st.CanceledAcquireCount()), id)
	}
}
