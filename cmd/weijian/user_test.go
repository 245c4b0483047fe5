package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
)

// userEnv is a migrated database with the county imported, and a helper
// running weijian user … against it.
func userEnv(t *testing.T) (db string, run func(stdin string, args ...string) (string, error)) {
	t.Helper()
	db = filepath.Join(t.TempDir(), "w.db")
	env := map[string]string{"WEIJIAN_DB": db, "WEIJIAN_LOG_LEVEL": "warn"}
	run = func(stdin string, args ...string) (string, error) {
		t.Helper()
		out, _, err := runCmd(t, env, stdin, args...)
		return out, err
	}
	if _, err := run("", "import", "orgunits", "--create", "--valid-from", "2021-01-01", "testdata/haian.csv"); err != nil {
		t.Fatal(err)
	}
	return db, run
}

// The user subcommands say what they did, name a missing user, and refuse
// to leave no administrator (issue 11 item 3, issue 12 item 7).
func TestUserCommands(t *testing.T) {
	db, run := userEnv(t)
	must := func(stdin string, args ...string) string {
		t.Helper()
		out, err := run(stdin, args...)
		if err != nil {
			t.Fatalf("weijian %s: %v", strings.Join(args, " "), err)
		}
		return out
	}
	must("Strong#pass1\n", "user", "add", "admin", "--role", "county_admin", "--password-stdin")
	must("", "user", "add", "zhang", "--name", "张德福", "--grant", "village_doctor@320685100001")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"user", "disable", "zhang"}, "已停用 zhang"},
		{[]string{"user", "enable", "zhang"}, "已启用 zhang"},
		{[]string{"user", "unlock", "zhang"}, "已解除 zhang"},
	} {
		if out := must("", c.args...); !strings.Contains(out, c.want) {
			t.Errorf("weijian %s printed %q, want %q", strings.Join(c.args, " "), out, c.want)
		}
	}
	for _, sub := range []string{"unlock", "passwd", "disable", "roles"} {
		args := []string{"user", sub, "nobody"}
		if sub == "roles" {
			args = append(args, "--grant", "county_analyst")
		}
		_, err := run("", args...)
		if exitCode(err) == 0 || !strings.Contains(formatError(err), "nobody") {
			t.Errorf("user %s nobody: exit %d, %q; want non-zero naming nobody", sub, exitCode(err), formatError(err))
		}
	}
	// The only administrator keeps its role and stays active.
	_, err := run("", "user", "roles", "admin", "--grant", "county_analyst@320685")
	if weijian.ErrorKind(err) != weijian.KindConflict || !strings.Contains(formatError(err), "管理员") {
		t.Errorf("replacing the only administrator's role: %v", err)
	}
	if _, err := run("", "user", "disable", "admin"); weijian.ErrorKind(err) != weijian.KindConflict {
		t.Errorf("disabling the only administrator: %v", err)
	}
	out := must("", "user", "list")
	if strings.Contains(out, "true") || strings.Contains(out, "false") || !strings.Contains(out, "是 yes") {
		t.Errorf("user list shows true/false, not 是/否:\n%s", out)
	}
	// Columns line up on screen: the role column starts at the same
	// display column on every line, Chinese names included.
	var at []int
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		i := strings.Index(line, "county_admin")
		if i < 0 {
			i = strings.Index(line, "village_doctor")
		}
		if i < 0 {
			i = strings.Index(line, "角色")
		}
		at = append(at, displayWidth(line[:i]))
	}
	for _, a := range at {
		if a != at[0] {
			t.Errorf("columns misaligned (role column at display columns %v):\n%s", at, out)
			break
		}
	}
	// A generated password must be changed at the first login; one typed
	// on stdin for automation is kept.
	must("", "user", "passwd", "zhang")
	must("Other#pass22\n", "user", "passwd", "admin", "--password-stdin")
	st, err := sqlstore.Open(context.Background(), db, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for name, want := range map[string]bool{"zhang": true, "admin": false} {
		if u, err := st.UserByName(context.Background(), name); err != nil || u.MustChangePassword != want {
			t.Errorf("%s must change its password: %v (%v), want %v", name, u.MustChangePassword, err, want)
		}
	}
	log, _ := st.AuditLog(context.Background(), weijian.ScopeAll(), weijian.AuditFilter{Action: weijian.ActionUserDeactivate})
	if len(log) != 1 || log[0].Actor != weijian.ActorCLI || log[0].Target != "zhang" {
		t.Errorf("the CLI's deactivation is audited as %+v, want one user.deactivate of zhang", log)
	}
}

// Tokens from the command line: created and shown once, listed, revoked.
func TestUserTokenCommands(t *testing.T) {
	_, run := userEnv(t)
	if _, err := run("", "user", "add", "zhang", "--grant", "county_analyst@320685"); err != nil {
		t.Fatal(err)
	}
	out, err := run("", "user", "token-create", "zhang", "--token-name", "省平台", "--days", "30", "--read-only")
	if err != nil || !strings.Contains(out, "wjt_") || !strings.Contains(out, "#1") {
		t.Fatalf("token-create: %v\n%s", err, out)
	}
	if _, err := run("", "user", "token-create", "zhang", "--days", "30"); weijian.ErrorKind(err) != weijian.KindInvalid {
		t.Errorf("a token without a name: %v", err)
	}
	out, err = run("", "user", "tokens", "zhang")
	if err != nil || !strings.Contains(out, "省平台") || !strings.Contains(out, "是 yes") {
		t.Errorf("tokens: %v\n%s", err, out)
	}
	if out, err := run("", "user", "token-revoke", "zhang", "--id", "1"); err != nil || !strings.Contains(out, "已吊销") {
		t.Errorf("token-revoke: %v %s", err, out)
	}
	if _, err := run("", "user", "token-revoke", "zhang", "--id", "1"); weijian.ErrorKind(err) != weijian.KindNotFound {
		t.Errorf("revoking it again: %v, want not found", err)
	}
}
