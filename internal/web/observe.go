package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
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
	// token is the personal access token an API call was made with (nil
	// with a browser session).
	token *weijian.APIToken
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
		if s.isTLS(r) {
			rec.Header().Set("Strict-Transport-Security", hsts)
		}
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
	route := s.routeLabel(r.Pattern)
	s.metrics.observe(route, methodLabel(r.Method), rec.status, d)
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

// routeLabel is the matched route pattern without its method
// ("/orgunits/{code}"), or "unmatched". Only the patterns of the route
// table are labels, never a raw path, so that clients cannot blow up the
// metric series.
func (s *Server) routeLabel(pattern string) string {
	if !s.patterns[pattern] {
		return "unmatched"
	}
	if _, path, ok := strings.Cut(pattern, " "); ok {
		pattern = path
	}
	if pattern == "/" {
		return "unmatched"
	}
	return pattern
}

// methodLabel is the request method for the metrics: a standard method,
// or "other" (any token is a valid method: "curl -X AAA1" must not make
// a new series).
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
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

// hsts tells browsers to use HTTPS only for a year (OWASP ASVS 14.4.5
// asks for at least that). It goes on every response that came over TLS,
// directly or through a trusted proxy (browsers ignore it over plain HTTP).
// Subdomains are left out: other services of the commission's domain may
// not serve HTTPS yet.
const hsts = "max-age=31536000"

// isTLS reports whether the request came over TLS, directly or (with
// TrustProxy) through a proxy that says so.
func (s *Server) isTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return s.cfg.TrustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// clientIP is the address of the client. With TrustProxy it is the
// right-most X-Forwarded-For entry: the one our proxy appended (the
// entries before it come from the client, who may write anything). When
// that entry is not an IP address, or without TrustProxy, it is the peer.
func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if ip, ok := parseIP(strings.TrimSpace(last)); ok {
				return ip
			}
		}
	}
	if ip, ok := parseIP(r.RemoteAddr); ok {
		return ip
	}
	return r.RemoteAddr
}

// parseIP reads "1.2.3.4", "2001:db8::1", "1.2.3.4:5678" or
// "[2001:db8::1]:5678" as an address without its port.
func parseIP(s string) (string, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().String(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().String(), true
	}
	return "", false
}
