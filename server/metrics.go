package server

import (
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// httpMetrics counts requests by route template and status, and their latency.
type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// series caches the children of one method and route (a seriesKey), so
	// that a request does not hash and look up its label values again.
	series sync.Map
}

type seriesKey struct{ method, route string }

// routeSeries holds the metrics of one method and route.
type routeSeries struct {
	latency  prometheus.Observer
	byStatus sync.Map // int → prometheus.Counter
}

func newHTTPMetrics(reg prometheus.Registerer) (*httpMetrics, error) {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chatapi_http_requests_total",
			Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "chatapi_http_request_duration_seconds",
			Help:    "HTTP request latency by method and route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"method", "route"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.latency} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// observe records one finished request. Unknown routes share one label, so a
// scanner cannot blow up the series count.
func (m *httpMetrics) observe(c echo.Context, elapsed time.Duration) {
	route := c.Path()
	if route == "" {
		route = "unmatched"
	}
	method := c.Request().Method
	status := c.Response().Status
	rs := m.seriesOf(method, route)
	rs.latency.Observe(elapsed.Seconds())
	if n, ok := rs.byStatus.Load(status); ok {
		n.(prometheus.Counter).Inc()
		return
	}
	n := m.requests.WithLabelValues(method, route, strconv.Itoa(status))
	rs.byStatus.Store(status, n)
	n.Inc()
}

func (m *httpMetrics) seriesOf(method, route string) *routeSeries {
	key := seriesKey{method, route}
	if rs, ok := m.series.Load(key); ok {
		return rs.(*routeSeries)
	}
	rs, _ := m.series.LoadOrStore(key, &routeSeries{latency: m.latency.WithLabelValues(method, route)})
	return rs.(*routeSeries)
}

// MetricsHandler serves a registry in the Prometheus text format.
func MetricsHandler(g prometheus.Gatherer) echo.HandlerFunc {
	return echo.WrapHandler(promhttp.HandlerFor(g, promhttp.HandlerOpts{}))
}
