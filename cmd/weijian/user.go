package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/auth"
	"github.com/weijian-health/weijian/internal/sqlstore"
)

const userHelp = `用户管理 User management:
  weijian user add NAME --role ROLE [--scope CODE] [--name 显示名] [--password-stdin]
  weijian user add NAME --grant ROLE@CODE [--grant ROLE@CODE …]
  weijian user passwd NAME [--password-stdin]      重置密码（默认随机生成并显示一次）
  weijian user roles NAME --grant ROLE@CODE …       替换角色与管理范围 (replace roles and scopes)
  weijian user list
  weijian user unlock NAME                         解除登录锁定
  weijian user disable|enable NAME
  weijian user token-create NAME --token-name 名称 [--days 90] [--read-only]   API 访问令牌（仅显示一次）
  weijian user tokens NAME                          列出令牌 (list tokens)
  weijian user token-revoke NAME --id ID            吊销令牌 (revoke a token)

Without --password-stdin a random password is generated and printed once.
A role without a scope (CODE) covers the whole tree. Roles:`

// grantList collects repeated --grant ROLE@CODE flags.
type grantList []weijian.Grant

func (g *grantList) String() string { return fmt.Sprint(*g) }

func (g *grantList) Set(v string) error {
	role, code, _ := strings.Cut(v, "@")
	if _, ok := weijian.LookupRole(weijian.Role(role)); !ok {
		return fmt.Errorf("unknown role %q (see weijian user -h)", role)
	}
	*g = append(*g, weijian.Grant{Role: weijian.Role(role), OrgUnitCode: widenCode(code)})
	return nil
}

// widenCode turns a 6-digit county code into its 12-digit form.
func widenCode(c string) string {
	if len(c) == 6 && strings.Trim(c, "0123456789") == "" {
		return c + "000000"
	}
	return c
}

type userCmd struct {
	env     *cmdEnv
	cfg     Config
	grants  grantList
	role    string
	scope   string
	display string
	phone   string
	pwStdin bool
	token   tokenFlags
	store   *sqlstore.Store
	authSvc *auth.Service
}

func runUser(ctx context.Context, env *cmdEnv, args []string) error {
	c := &userCmd{env: env}
	fs := flagSet(env, "user", "user add|passwd|roles|list|unlock|disable|enable|token-create|tokens|token-revoke [NAME] [flags]", userHelp+roleList())
	dbFlags(fs, env, &c.cfg, "weijian.db")
	fs.Var(&c.grants, "grant", "ROLE@CODE: a role at an org unit (repeatable)")
	fs.StringVar(&c.role, "role", "", "a role (with --scope)")
	fs.StringVar(&c.scope, "scope", "", "org-unit code the --role applies to (default: the whole tree)")
	fs.StringVar(&c.display, "name", "", "display name (default: the username)")
	fs.StringVar(&c.phone, "phone", "", "phone number")
	fs.BoolVar(&c.pwStdin, "password-stdin", false, "read the password from the first line of stdin")
	c.token.register(fs)
	if len(args) == 0 {
		fs.Usage()
		return usageError("user needs a subcommand")
	}
	pos, err := parse(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fs.Usage()
		return usageError("user needs a subcommand")
	}
	sub, name := pos[0], ""
	if len(pos) > 1 {
		name = pos[1]
	}
	if len(pos) > 2 {
		return usageError("user %s takes one NAME, got %q", sub, pos[1:])
	}
	if c.role != "" {
		if err := c.grants.Set(c.role + "@" + c.scope); err != nil {
			return usageError("%v", err)
		}
	}
	return c.run(ctx, sub, name)
}

// chinaTime is China Standard Time, in which users read times.
var chinaTime = time.FixedZone("CST", 8*3600)

func roleList() string {
	var b strings.Builder
	for _, r := range weijian.Roles {
		fmt.Fprintf(&b, "\n  %-18s %s / %s", r.Role, r.Name.ZH, r.Name.EN)
	}
	return b.String()
}

func (c *userCmd) run(ctx context.Context, sub, name string) error {
	if sub != "list" && name == "" {
		return usageError("user %s needs a NAME", sub)
	}
	log, err := c.cfg.logger(c.env.stderr)
	if err != nil {
		return err
	}
	if c.store, err = c.cfg.openStore(ctx, log); err != nil {
		return err
	}
	defer c.store.Close()
	c.authSvc = auth.New(c.store, auth.DefaultConfig(), nil, log)
	switch sub {
	case "add":
		return c.add(ctx, name)
	case "passwd":
		return c.passwd(ctx, name)
	case "roles":
		return c.roles(ctx, name)
	case "list":
		return c.list(ctx)
	case "unlock":
		return c.unlock(ctx, name)
	case "disable", "enable":
		return c.setActive(ctx, name, sub == "enable")
	case "token-create", "tokens", "token-revoke":
		return c.tokenCmd(ctx, sub, name)
	}
	return usageError("unknown user subcommand %q", sub)
}

// password reads the password from stdin or generates one; generated
// reports whether it must be shown.
func (c *userCmd) password(username string) (pw string, generated bool, err error) {
	if !c.pwStdin {
		return auth.GeneratePassword(), true, nil
	}
	line, err := bufio.NewReader(c.env.stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", false, err
	}
	pw = strings.TrimRight(line, "\r\n")
	return pw, false, auth.CheckPolicy(pw, username)
}

func (c *userCmd) add(ctx context.Context, name string) error {
	if len(c.grants) == 0 {
		return usageError("user add needs a role: --role ROLE [--scope CODE] or --grant ROLE@CODE")
	}
	if err := weijian.ValidUsername(name); err != nil {
		return err
	}
	pw, generated, err := c.password(name)
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	// A generated password is seen by the operator: the user replaces it
	// at the first login. One read from stdin was chosen for the account
	// (automation, like WEIJIAN_DEMO_PASSWORD) and is kept.
	u := &weijian.User{Username: name, DisplayName: orDefault(c.display, name), Phone: c.phone, Active: true,
		PasswordHash: hash, Grants: c.grants, MustChangePassword: generated}
	if err := c.store.CreateUser(ctx, u, cliAudit(weijian.ActionUserCreate, name, grantsText(c.grants))); err != nil {
		return err
	}
	fmt.Fprintf(c.env.stdout, "已创建用户 created user %s (%s)\n", name, grantsText(u.Grants))
	if generated {
		fmt.Fprintf(c.env.stdout, "初始密码 initial password: %s\n（仅显示这一次，首次登录后须修改 — shown once, to be changed at the first login）\n", pw)
	}
	return nil
}

func orDefault(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func grantsText(gs []weijian.Grant) string {
	var parts []string
	for _, g := range gs {
		scope := g.OrgUnitCode
		if scope == "" {
			scope = "全部 all"
		}
		parts = append(parts, string(g.Role)+"@"+scope)
	}
	return strings.Join(parts, ", ")
}

// cliAudit is the audit entry of a change made on the command line.
func cliAudit(action, target, detail string) weijian.AuditEntry {
	return weijian.AuditEntry{Actor: weijian.ActorCLI, Action: action, Target: target, Detail: detail}
}

// user returns the account named name, or an error naming it.
func (c *userCmd) user(ctx context.Context, name string) (*weijian.User, error) {
	u, err := c.store.UserByName(ctx, name)
	if weijian.ErrorKind(err) == weijian.KindNotFound {
		return nil, weijian.NotFound(weijian.T("用户 "+name, "user "+name))
	}
	return u, err
}

func (c *userCmd) passwd(ctx context.Context, name string) error {
	u, err := c.user(ctx, name)
	if err != nil {
		return err
	}
	pw, generated, err := c.password(name)
	if err != nil {
		return err
	}
	if err := c.authSvc.SetPassword(ctx, u, pw, generated, cliAudit(weijian.ActionUserPassword, name, "")); err != nil {
		return err
	}
	fmt.Fprintf(c.env.stdout, "已重置 %s 的密码，其所有会话已退出 password of %s reset, sessions ended\n", u.Username, u.Username)
	if generated {
		fmt.Fprintf(c.env.stdout, "新密码 new password: %s\n（仅显示这一次，登录后须修改 — shown once, to be changed at the next login）\n", pw)
	}
	return nil
}

func (c *userCmd) roles(ctx context.Context, name string) error {
	if len(c.grants) == 0 {
		return usageError("user roles needs --grant ROLE@CODE (or --role/--scope)")
	}
	u, err := c.user(ctx, name)
	if err != nil {
		return err
	}
	if err := c.store.SetGrants(ctx, u.ID, c.grants, cliAudit(weijian.ActionUserGrants, u.Username, grantsText(c.grants))); err != nil {
		return err
	}
	fmt.Fprintf(c.env.stdout, "已更新 %s 的角色 roles of %s: %s\n", u.Username, u.Username, grantsText(c.grants))
	return nil
}

func (c *userCmd) unlock(ctx context.Context, name string) error {
	u, err := c.user(ctx, name)
	if err != nil {
		return err
	}
	if err := c.authSvc.Unlock(ctx, u.Username, cliAudit(weijian.ActionUserUnlock, u.Username, "")); err != nil {
		return err
	}
	fmt.Fprintf(c.env.stdout, "已解除 %s 的登录锁定 logins of %s unlocked\n", u.Username, u.Username)
	return nil
}

func (c *userCmd) setActive(ctx context.Context, name string, active bool) error {
	u, err := c.user(ctx, name)
	if err != nil {
		return err
	}
	u.Active = active
	action, done := weijian.ActionUserDeactivate, "已停用 %s 的账户，其会话已退出 account %s disabled, sessions ended\n"
	if active {
		action, done = weijian.ActionUserActivate, "已启用 %s 的账户 account %s enabled\n"
	}
	if err := c.store.UpdateUser(ctx, u, cliAudit(action, u.Username, "")); err != nil {
		return err
	}
	fmt.Fprintf(c.env.stdout, done, u.Username, u.Username)
	return nil
}

func (c *userCmd) list(ctx context.Context) error {
	// The command line manages every account, administrators of the whole
	// tree included.
	users, err := c.store.ListUsers(ctx, weijian.ScopeAll(), weijian.UserFilter{Everyone: true})
	if err != nil {
		return err
	}
	rows := [][]string{{"用户名 USER", "姓名 NAME", "启用 ACTIVE", "角色 ROLES", "最近登录 LAST LOGIN"}}
	for _, u := range users {
		last := "-"
		if !u.LastLoginAt.IsZero() {
			last = u.LastLoginAt.In(chinaTime).Format("2006-01-02 15:04")
		}
		rows = append(rows, []string{u.Username, u.DisplayName, yesNo(u.Active), grantsText(u.Grants), last})
	}
	writeColumns(c.env.stdout, rows)
	return nil
}

// writeColumns writes rows as aligned columns, two spaces apart, padding by
// display width (displayWidth: a Chinese character takes two columns of a
// terminal, which text/tabwriter, counting runes, does not know).
func writeColumns(w io.Writer, rows [][]string) {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(cell))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		for i, cell := range row {
			if i < len(row)-1 {
				cell = padRight(cell, widths[i]+2)
			}
			b.WriteString(cell)
		}
		fmt.Fprintln(w, b.String())
	}
}
