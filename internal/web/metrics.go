package web

import (
	"crypto/subtle"
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the Prometheus collectors of the server.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// dbHolder is implemented by stores over database/sql; their connection
// pool statistics are exported when present.
type dbHolder interface{ DB() *sql.DB }

// newMetrics registers the Go, process, HTTP and (when the store has one)
// database pool collectors on reg, or on a new registry when reg is nil.
func newMetrics(reg *prometheus.Registry, store any) (*metrics, error) {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m := &metrics{reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total", Help: "HTTP requests by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "http_request_duration_seconds", Help: "HTTP request duration by route pattern.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
	}
	cs := []prometheus.Collector{collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), m.requests, m.duration}
	if h, ok := store.(dbHolder); ok && h.DB() != nil {
		cs = append(cs, collectors.NewDBStatsCollector(h.DB(), "weijian"))
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil && !errors.As(err, new(prometheus.AlreadyRegisteredError)) {
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) observe(route, method string, code int, d time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(code)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// MetricsHandler serves the Prometheus metrics, for a listener of their
// own (weijian serve --metrics-addr); it asks for the bearer token when
// one is configured.
func (s *Server) MetricsHandler() http.Handler {
	if s.cfg.MetricsToken == "" {
		return s.metrics.handler()
	}
	return s.metricsRoute()
}

// metricsRoute is /metrics on the main listener: the metrics tell anyone
// who reads them the routes, the load and the database pool, so they are
// served only with the configured bearer token, and not at all without
// one (404, as if there were no such page).
func (s *Server) metricsRoute() http.Handler {
	want := []byte("Bearer " + s.cfg.MetricsToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.MetricsToken == "" {
			http.NotFound(w, r)
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		s.metrics.handler().ServeHTTP(w, r)
	})
}
