package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
)

// reqInfo is what the outer middleware learns about a request from the
// handlers inside: the user (for the log) and the language.
type reqInfo struct {
	user *weijian.User
	lang string
	err  error
	home *weijian.OrgUnit // the user's home unit, once looked up
	res  *resources       // in Dev mode, the resources loaded for this request
}

type infoKey struct{}

// info returns the request's reqInfo (a fresh one outside the middleware,
// as in tests of a single handler).
func info(r *http.Request) *reqInfo {
	if i, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
		return i
	}
	return &reqInfo{lang: "zh"}
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rw *recorder) WriteHeader(code int) {
	if rw.status == 0 {
		rw.status = code
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *recorder) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := rw.ResponseWriter.Write(b)
	rw.bytes += int64(n)
	return n, err
}

func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// observe is the outermost middleware: security headers, panic recovery,
// the request log and the request metrics.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{lang: s.langOf(r)}
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, ri))
		rec := &recorder{ResponseWriter: w}
		securityHeaders(rec.Header())
		defer func() {
			if p := recover(); p != nil {
				s.recovered(rec, r, p)
			}
			s.record(r, rec, ri, time.Since(start))
		}()
		next.ServeHTTP(rec, r)
	})
}

// recovered turns a panic into a 500 (the details go to the log).
func (s *Server) recovered(rec *recorder, r *http.Request, p any) {
	if p == http.ErrAbortHandler {
		panic(p)
	}
	s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
	if rec.status == 0 {
		s.fail(rec, r, fmt.Errorf("panic: %v", p))
	}
}

// record logs the request and counts it. Routine requests (assets, health
// and metrics scrapes) are logged at debug level.
func (s *Server) record(r *http.Request, rec *recorder, ri *reqInfo, d time.Duration) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	route := routeLabel(r.Pattern)
	s.metrics.observe(route, r.Method, rec.status, d)
	level := slog.LevelInfo
	if route == "/assets/{file}" || route == "/healthz" || route == "/metrics" {
		level = slog.LevelDebug
	}
	attrs := []slog.Attr{slog.String("method", r.Method), slog.String("route", route),
		slog.String("path", r.URL.Path), slog.Int("status", rec.status), slog.Int64("bytes", rec.bytes),
		slog.Float64("ms", float64(d.Microseconds())/1000), slog.String("ip", s.clientIP(r))}
	if ri.user != nil {
		attrs = append(attrs, slog.String("user", ri.user.Username))
	}
	if ri.err != nil && rec.status < 500 {
		attrs = append(attrs, slog.String("reason", ri.err.Error()))
	}
	s.log.LogAttrs(r.Context(), level, "http", attrs...)
}

// routeLabel is the route pattern without its method ("/orgunits/{code}"),
// or "unmatched" so that unknown paths cannot blow up the metric labels.
func routeLabel(pattern string) string {
	if _, path, ok := strings.Cut(pattern, " "); ok {
		pattern = path
	}
	if pattern == "" || pattern == "/" || pattern == "/api/" {
		return "unmatched"
	}
	return pattern
}

// contentSecurityPolicy allows only our own scripts: no inline script runs
// (charts read their options from data attributes). Styles may be inline
// because ECharts and htmx set style attributes.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
}

// isTLS reports whether the request came over TLS, directly or (with
// TrustProxy) through a proxy that says so.
func (s *Server) isTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return s.cfg.TrustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// clientIP is the address of the client: the first X-Forwarded-For entry
// with TrustProxy, the peer address otherwise.
func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			return strings.TrimSpace(first)
		}
	}
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}
