package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/auth"
)

// tokenFlags are the flags of the token subcommands of weijian user.
type tokenFlags struct {
	name     string
	days     int
	readOnly bool
	id       int64
}

func (f *tokenFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.name, "token-name", "", "token-create: a name to recognise the token by")
	fs.IntVar(&f.days, "days", auth.TokenDefaultDays, "token-create: days the token is valid (1–365)")
	fs.BoolVar(&f.readOnly, "read-only", false, "token-create: the token may only read")
	fs.Int64Var(&f.id, "id", 0, "token-revoke: the token's id (see user tokens)")
}

// tokenCmd creates, lists or revokes the personal access tokens of a user
// (for the operator of the database; users make their own on the account
// page). A created token is printed once.
func (c *userCmd) tokenCmd(ctx context.Context, sub, name string) error {
	u, err := c.user(ctx, name)
	if err != nil {
		return err
	}
	switch sub {
	case "token-create":
		token, t, err := c.authSvc.CreateToken(ctx, u, auth.NewToken{Name: c.token.name, Days: c.token.days,
			ReadOnly: c.token.readOnly}, weijian.AuditEntry{Actor: weijian.ActorCLI})
		if err != nil {
			return err
		}
		fmt.Fprintf(c.env.stdout, "已为 %s 创建令牌 #%d created token #%d for %s, valid until %s%s\n", u.Username, t.ID, t.ID,
			u.Username, t.ExpiresAt.In(chinaTime).Format("2006-01-02"), map[bool]string{true: " (read-only)"}[t.ReadOnly])
		fmt.Fprintf(c.env.stdout, "%s\n（仅显示这一次 — shown once; use as: Authorization: Bearer TOKEN）\n", token)
		return nil
	case "tokens":
		ts, err := c.store.Tokens(ctx, u.ID)
		if err != nil {
			return err
		}
		rows := [][]string{{"ID", "名称 NAME", "只读 READ-ONLY", "到期 EXPIRES", "最近使用 LAST USED"}}
		for _, t := range ts {
			last := "-"
			if !t.LastUsedAt.IsZero() {
				last = t.LastUsedAt.In(chinaTime).Format("2006-01-02 15:04")
			}
			rows = append(rows, []string{fmt.Sprint(t.ID), t.Name, yesNo(t.ReadOnly),
				t.ExpiresAt.In(chinaTime).Format("2006-01-02"), last})
		}
		writeColumns(c.env.stdout, rows)
		return nil
	}
	if c.token.id <= 0 {
		return usageError("user token-revoke needs --id ID (see weijian user tokens %s)", name)
	}
	if err := c.authSvc.RevokeToken(ctx, u, c.token.id, weijian.AuditEntry{Actor: weijian.ActorCLI}); err != nil {
		return err
	}
	fmt.Fprintf(c.env.stdout, "已吊销 %s 的令牌 #%d revoked token #%d of %s\n", u.Username, c.token.id, c.token.id, u.Username)
	return nil
}

// yesNo is 是/否 with the English word.
func yesNo(b bool) string {
	if b {
		return "是 yes"
	}
	return "否 no"
}
