package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startServe runs `weijian serve` with args on a free port until the test
// ends and returns its stderr once it says it is running.
func startServe(t *testing.T, env map[string]string, args ...string) *syncBuffer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	e := &cmdEnv{getenv: func(k string) string { return env[k] }, stdout: &out, stderr: &errb, stdin: strings.NewReader("")}
	db := filepath.Join(t.TempDir(), "w.db")
	// serve opens an existing database only (a mistyped --db is an error)
	if err := run(ctx, e, []string{"migrate", "--db", db}); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, e, append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, args...))
	}()
	ended := false
	t.Cleanup(func() {
		cancel()
		if ended {
			return
		}
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		select {
		case err := <-done:
			ended = true
			t.Fatalf("serve ended: %v\n%s", err, errb.String())
		default:
		}
		if runningURL.MatchString(errb.String()) {
			return &errb
		}
	}
	t.Fatalf("serve did not start:\n%s", errb.String())
	return nil
}

func httpGet(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

var metricsURL = regexp.MustCompile(`Metrics: (http://\S+/metrics)`)

// /metrics is served on --metrics-addr, not on the main address; with a
// token (here from WEIJIAN_METRICS_TOKEN_FILE) both ask for it.
func TestServeMetricsAddr(t *testing.T) {
	errb := startServe(t, nil, "--metrics-addr", "127.0.0.1:0")
	main := runningURL.FindStringSubmatch(errb.String())[1]
	m := metricsURL.FindStringSubmatch(errb.String())
	if m == nil {
		t.Fatalf("no metrics address printed:\n%s", errb)
	}
	if code, _ := httpGet(t, main+"metrics", ""); code != http.StatusNotFound {
		t.Errorf("main listener /metrics: %d, want 404", code)
	}
	if code, body := httpGet(t, m[1], ""); code != http.StatusOK || !strings.Contains(body, "go_goroutines") {
		t.Errorf("metrics listener: %d %.200s", code, body)
	}

	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte("tok-123\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	errb = startServe(t, map[string]string{"WEIJIAN_METRICS_TOKEN_FILE": file}, "--metrics-addr", "127.0.0.1:0")
	main = runningURL.FindStringSubmatch(errb.String())[1]
	m = metricsURL.FindStringSubmatch(errb.String())
	for _, url := range []string{main + "metrics", m[1]} {
		if code, _ := httpGet(t, url, ""); code != http.StatusUnauthorized {
			t.Errorf("%s without the token: %d, want 401", url, code)
		}
		if code, body := httpGet(t, url, "tok-123"); code != http.StatusOK || !strings.Contains(body, "go_goroutines") {
			t.Errorf("%s with the token: %d %.200s", url, code, body)
		}
	}
	if strings.Contains(errb.String(), "tok-123") {
		t.Error("the token is printed")
	}
}
