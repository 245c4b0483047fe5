package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
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
	store   *sqlstore.Store
	authSvc *auth.Service
}

func runUser(ctx context.Context, env *cmdEnv, args []string) error {
	c := &userCmd{env: env}
	fs := flagSet(env, "user", "user add|passwd|roles|list|unlock|disable|enable [NAME] [flags]", userHelp+roleList())
	dbFlags(fs, env, &c.cfg, "weijian.db")
	fs.Var(&c.grants, "grant", "ROLE@CODE: a role at an org unit (repeatable)")
	fs.StringVar(&c.role, "role", "", "a role (with --scope)")
	fs.StringVar(&c.scope, "scope", "", "org-unit code the --role applies to (default: the whole tree)")
	fs.StringVar(&c.display, "name", "", "display name (default: the username)")
	fs.StringVar(&c.phone, "phone", "", "phone number")
	fs.BoolVar(&c.pwStdin, "password-stdin", false, "read the password from the first line of stdin")
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
		return c.authSvc.Unlock(ctx, name, "cli")
	case "disable", "enable":
		return c.setActive(ctx, name, sub == "enable")
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
	u := &weijian.User{Username: name, DisplayName: orDefault(c.display, name), Phone: c.phone, Active: true,
		PasswordHash: hash, Grants: c.grants}
	if err := c.store.CreateUser(ctx, u); err != nil {
		return err
	}
	if err := c.store.Audit(ctx, weijian.AuditEntry{Actor: "cli", Action: "user.create", Target: name}); err != nil {
		return err
	}
	fmt.Fprintf(c.env.stdout, "已创建用户 created user %s (%s)\n", name, grantsText(u.Grants))
	if generated {
		fmt.Fprintf(c.env.stdout, "初始密码 initial password: %s\n（仅显示这一次，请妥善保管 — shown once, keep it safe）\n", pw)
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

func (c *userCmd) passwd(ctx context.Context, name string) error {
	u, err := c.store.UserByName(ctx, name)
	if err != nil {
		return err
	}
	pw, generated, err := c.password(name)
	if err != nil {
		return err
	}
	if err := c.authSvc.SetPassword(ctx, u, pw, "cli"); err != nil {
		return err
	}
	fmt.Fprintf(c.env.stdout, "已重置 %s 的密码，其所有会话已退出 password reset, sessions ended\n", name)
	if generated {
		fmt.Fprintf(c.env.stdout, "新密码 new password: %s\n（仅显示这一次 — shown once）\n", pw)
	}
	return nil
}

func (c *userCmd) roles(ctx context.Context, name string) error {
	if len(c.grants) == 0 {
		return usageError("user roles needs --grant ROLE@CODE (or --role/--scope)")
	}
	u, err := c.store.UserByName(ctx, name)
	if err != nil {
		return err
	}
	if err := c.store.SetGrants(ctx, u.ID, c.grants); err != nil {
		return err
	}
	if err := c.store.Audit(ctx, weijian.AuditEntry{Actor: "cli", Action: "user.grants", Target: name, Detail: grantsText(c.grants)}); err != nil {
		return err
	}
	fmt.Fprintf(c.env.stdout, "已更新 %s 的角色 roles of %s: %s\n", name, name, grantsText(c.grants))
	return nil
}

func (c *userCmd) setActive(ctx context.Context, name string, active bool) error {
	u, err := c.store.UserByName(ctx, name)
	if err != nil {
		return err
	}
	u.Active = active
	if err := c.store.UpdateUser(ctx, u); err != nil {
		return err
	}
	if !active {
		if err := c.store.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
	}
	return c.store.Audit(ctx, weijian.AuditEntry{Actor: "cli", Action: map[bool]string{true: "user.enable", false: "user.disable"}[active], Target: name})
}

func (c *userCmd) list(ctx context.Context) error {
	users, err := c.store.ListUsers(ctx, weijian.ScopeAll(), weijian.UserFilter{})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "用户名 USER\t姓名 NAME\t状态 ACTIVE\t角色 ROLES\t最近登录 LAST LOGIN")
	for _, u := range users {
		last := "-"
		if !u.LastLoginAt.IsZero() {
			last = u.LastLoginAt.In(chinaTime).Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%s\n", u.Username, u.DisplayName, u.Active, grantsText(u.Grants), last)
	}
	return tw.Flush()
}
