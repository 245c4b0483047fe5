// Package web serves Weijian over HTTP: the HTML user interface
// (server-rendered, Simplified Chinese first with English switchable,
// htmx for small partial updates, ECharts for charts) and the JSON API
// under /api/v1, plus /healthz and Prometheus /metrics.
//
// Layout of the package:
//
//	server.go      Config, Deps, New: wiring and the middleware chain
//	routes.go      the whole URL space, in one table
//	respond.go     handlers return error; one adapter maps error kinds
//	observe.go     request logs, metrics, panics, security headers
//	session.go     login, logout, the session cookie, language switch
//	ui.go, i18n.go, assets.go   embedded templates, messages and assets
//	home.go, orgunits.go, population.go, users*.go, account.go   pages by area
//	api*.go        the JSON API; openapi.yaml documents it
//
// The package imports the domain (package weijian), internal/auth and
// internal/tabular; it never imports the SQL store.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/auth"
	"github.com/weijian-health/weijian/internal/dataset"
	"github.com/weijian-health/weijian/internal/programme"
	"github.com/weijian-health/weijian/internal/report/check"
	"github.com/weijian-health/weijian/internal/surveil"
)

// Config is the web layer's part of the configuration, read once in main.
type Config struct {
	Dev        bool   // reload templates/assets from DevDir on each request
	DevDir     string // path of internal/web in the source tree (for Dev)
	TrustProxy bool   // honour X-Forwarded-Proto/X-Forwarded-For
	Lang       string // default UI language "zh" or "en"
	Version    string
	// MetricsToken, when set, opens /metrics on the main listener to
	// requests bearing it ("Authorization: Bearer …"); without it /metrics
	// is not served there (see MetricsHandler for a separate address).
	MetricsToken string
}

// Store is everything the web layer reads and writes.
type Store interface {
	weijian.OrgUnitStore
	weijian.PopulationStore
	weijian.UserStore
	weijian.ResidentStore
	weijian.ResidentImporter
	weijian.DataValueStore
	weijian.TargetStore
	Ping(ctx context.Context) error
}

// Deps are the services the server uses.
type Deps struct {
	Store    Store
	Auth     *auth.Service
	Log      *slog.Logger
	Registry *prometheus.Registry // may be nil: then create one
	Now      func() time.Time     // may be nil
	// Resolver gives the report checker live indicator values; nil until
	// the indicator engine provides one (the checker then compares a
	// report's figures only with each other, and says so).
	Resolver check.Resolver
	// Programmes is the programme metadata (forms, names); nil: no
	// service forms.
	Programmes *programme.Catalogue
	Surveil    *surveil.Service // may be nil: surveillance pages answer 404
	// Analytics answers /api/v1/analytics, the dashboards, the indicator
	// catalogue and the targets page, and allocates targets; nil (no
	// indicator engine): the API answers 404, the pages 403 and the menu
	// hides them; targets are still stored.
	Analytics *analytics.Service
	// Reports writes work summaries; nil: the report page answers 403.
	Reports *Reports
}

// Server is the HTTP handler of the whole application.
type Server struct {
	cfg      Config
	store    Store
	auth     *auth.Service
	log      *slog.Logger
	now      func() time.Time
	metrics  *metrics
	res      *resources       // nil in Dev mode: loaded on each request
	patterns map[string]bool  // the route patterns, the only route labels of the metrics
	datasets *dataset.Catalog // the built-in aggregate data sets
	handler  http.Handler
	checker  checkerFor     // the report checker, built on first use
	resolver check.Resolver // may be nil
	uploads  *uploads       // files uploaded for import, waiting for their confirm
	// programmes generates the service forms and names the programmes.
	programmes *programme.Catalogue
	sv         *surveil.Service
	analytics  *analytics.Service // may be nil
	reports    *Reports           // may be nil
}

// New builds the server: it loads the embedded templates, messages and
// assets (failing on any error in them), registers the metrics and lays
// out the routes.
func New(cfg Config, deps Deps) (*Server, error) {
	if deps.Store == nil || deps.Auth == nil {
		return nil, errors.New("web.New: Store and Auth are required")
	}
	if cfg.Lang != "en" {
		cfg.Lang = "zh"
	}
	s := &Server{cfg: cfg, store: deps.Store, auth: deps.Auth, log: deps.Log, now: deps.Now, resolver: deps.Resolver, programmes: deps.Programmes, sv: deps.Surveil,
		analytics: deps.Analytics, reports: deps.Reports}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.uploads = newUploads(s.now)
	res, err := loadResources(s.resourceFS(), !cfg.Dev)
	if err != nil && cfg.Dev {
		return nil, fmt.Errorf("dev mode reads templates from %q (run from the repository root): %w", cfg.DevDir, err)
	} else if err != nil {
		return nil, err
	}
	if !cfg.Dev {
		s.res = res
	}
	if s.metrics, err = newMetrics(deps.Registry, deps.Store); err != nil {
		return nil, err
	}
	if s.datasets, err = dataset.Builtin(); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	s.patterns = map[string]bool{}
	for _, rt := range s.routes() {
		mux.Handle(rt.pattern, rt.handler)
		s.patterns[rt.pattern] = true
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(s.serve(denyCrossOrigin))
	s.handler = s.observe(cop.Handler(mux))
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func denyCrossOrigin(w http.ResponseWriter, r *http.Request) error {
	return weijian.E(weijian.KindForbidden, weijian.T(
		"请求被拒绝：跨站提交（请从本系统页面操作）",
		"request refused: cross-origin submission (use the application's own pages)"))
}
