package web

import (
	"context"
	"io"
	"net/http"
	"time"
)

// healthz answers 200 "ok" when the database answers within two seconds,
// 503 otherwise. It needs no session (load balancers and monitors call it).
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("health check: database unavailable", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "database unavailable\n")
		return nil
	}
	io.WriteString(w, "ok\n")
	return nil
}

// openAPI serves the API description.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	res, err := s.resources(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	_, err = w.Write(res.openapi)
	return err
}
