package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/auth"
	"github.com/weijian-health/weijian/internal/programme"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/web"
)

func runServe(ctx context.Context, env *cmdEnv, args []string) error {
	var cfg Config
	fs := flagSet(env, "serve", "serve [flags]", "运行 Web 服务（首次使用前请用 weijian user add 创建管理员）。\nRun the web server (create an administrator first with weijian user add).")
	dbFlags(fs, env, &cfg, "weijian.db")
	serveFlags(fs, env, &cfg)
	if _, err := parse(env, fs, args); err != nil {
		return err
	}
	store, log, err := cfg.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	if n, err := store.CountUsers(ctx); err == nil && n == 0 {
		log.Warn("no users yet: create an administrator with: weijian user add admin --role county_admin")
	}
	return serveStore(ctx, env, cfg, store, log)
}

// serveStore serves the web application over store until ctx ends, then
// shuts down gracefully.
func serveStore(ctx context.Context, env *cmdEnv, cfg Config, store *sqlstore.Store, log *slog.Logger) error {
	log.Info("starting weijian", "version", version, "config", cfg.String())
	authSvc := auth.New(store, auth.DefaultConfig(), nil, log)
	reg := prometheus.NewRegistry()
	cat, err := programme.LoadBuiltin()
	if err != nil {
		return err
	}
	sv, err := newSurveil(cfg, store, log)
	if err != nil {
		return err
	}
	go sv.Start(ctx)
	an, err := analytics.NewLive(store)
	if err != nil {
		return err
	}
	reports, err := webReports(store, an)
	if err != nil {
		return err
	}
	h, err := web.New(web.Config{Dev: cfg.Dev, DevDir: "internal/web", TrustProxy: cfg.TrustProxy, Lang: cfg.Lang, Version: version,
		MetricsToken: cfg.MetricsToken}, web.Deps{Store: store, Auth: authSvc, Log: log, Registry: reg, Programmes: cat, Surveil: sv, Analytics: an, Reports: reports})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another program using the port? choose one with --addr)", cfg.Addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	msrv, err := serveMetrics(env, cfg, h, log)
	if err != nil {
		ln.Close()
		return err
	}
	if msrv != nil {
		defer msrv.Close()
	}
	go cleanSessions(ctx, store, log)
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	fmt.Fprintf(env.stderr, "\n卫健已启动 Weijian is running: %s://%s/\n按 Ctrl+C 停止 (Ctrl+C to stop)\n\n", scheme, displayAddr(ln.Addr()))
	errc := make(chan error, 1)
	go func() {
		if cfg.TLSCert != "" {
			errc <- srv.ServeTLS(ln, cfg.TLSCert, cfg.TLSKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// serveMetrics serves /metrics alone on --metrics-addr, when set: a
// scraper reaches it there while the main listener, open to users, does
// not serve it (unless --metrics-token is set). Without a token, the
// address should be loopback or a private network: say so when it is not.
func serveMetrics(env *cmdEnv, cfg Config, h *web.Server, log *slog.Logger) (*http.Server, error) {
	if cfg.MetricsAddr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on --metrics-addr %s: %w", cfg.MetricsAddr, err)
	}
	if ap, err := netip.ParseAddrPort(ln.Addr().String()); cfg.MetricsToken == "" && (err != nil || !ap.Addr().IsLoopback()) {
		log.Warn("metrics served without a token on a non-loopback address: set --metrics-token or bind to 127.0.0.1",
			"metrics_addr", ln.Addr().String())
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h.MetricsHandler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go srv.Serve(ln)
	fmt.Fprintf(env.stderr, "指标 Metrics: http://%s/metrics\n", displayAddr(ln.Addr()))
	return srv, nil
}

// displayAddr turns a listen address into one a browser can open.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// cleanSessions deletes expired sessions and day-old login-failure
// records every hour.
func cleanSessions(ctx context.Context, store *sqlstore.Store, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if n, err := store.DeleteExpiredSessions(ctx, now); err != nil {
				log.Error("delete expired sessions", "err", err)
			} else if n > 0 {
				log.Info("deleted expired sessions", "count", n)
			}
			if n, err := store.DeleteStaleThrottles(ctx, now.Add(-24*time.Hour)); err != nil {
				log.Error("delete stale login throttles", "err", err)
			} else if n > 0 {
				log.Info("deleted stale login throttles", "count", n)
			}
		}
	}
}
