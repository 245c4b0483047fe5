package auth

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/weijian-health/weijian"
)

// Personal access tokens for the JSON API. A user creates them for
// themselves; a token acts with the user's own grants (read at each use,
// so a role taken away is gone from its tokens too), optionally read-only,
// until it expires or is revoked. Only the SHA-256 of a token is stored.
//
// Uses are audited as follows: every call that may change something
// (any method but GET and HEAD) writes an entry, refused or not; reads update the token's
// last use and write one entry per token per hour (TokenAuditEvery), so
// that a script polling every minute does not fill the log while who used
// which token, when and from where stays on record.

// TokenPrefix starts every token, so that a leaked one is easy to find in
// logs and code (secret scanners look for such prefixes).
const TokenPrefix = "wjt_"

// Token lifetimes, in days.
const (
	TokenDefaultDays = 90
	TokenMaxDays     = 365
)

// TokenAuditEvery is how often a read through a token is audited.
const TokenAuditEvery = time.Hour

// NewToken is a token request: a name to recognise it by, its lifetime in
// days (0: TokenDefaultDays) and whether it may only read.
type NewToken struct {
	Name     string
	Days     int
	ReadOnly bool
}

// CreateToken creates a token for u and returns it (to show once) with its
// record. e says who asked and from where (its Action and Target are set).
func (s *Service) CreateToken(ctx context.Context, u *weijian.User, in NewToken, e weijian.AuditEntry) (string, *weijian.APIToken, error) {
	in.Name = strings.TrimSpace(in.Name)
	if in.Days == 0 {
		in.Days = TokenDefaultDays
	}
	var issues []weijian.Issue
	if n := utf8.RuneCountInString(in.Name); n == 0 || n > 50 {
		issues = append(issues, weijian.Issue{Field: "name", Value: in.Name, Rule: "bad_token_name",
			Msg: weijian.T("令牌名称不能为空，且不超过50个字", "a token name has 1–50 characters")})
	}
	if in.Days < 1 || in.Days > TokenMaxDays {
		issues = append(issues, weijian.Issue{Field: "days", Rule: "bad_token_days",
			Msg: weijian.T("有效期应为1至365天", "a token lasts 1 to 365 days")})
	}
	if len(issues) > 0 {
		return "", nil, weijian.Invalid(weijian.T("令牌设置有误", "the token settings are not valid"), issues...)
	}
	raw, err := randomToken()
	if err != nil {
		return "", nil, err
	}
	token := TokenPrefix + raw
	now := s.now()
	t := &weijian.APIToken{UserID: u.ID, Name: in.Name, Hash: tokenID(token), ReadOnly: in.ReadOnly,
		CreatedAt: now, ExpiresAt: now.AddDate(0, 0, in.Days)}
	e.Action, e.Target = weijian.ActionTokenCreate, u.Username
	e.Detail = tokenDetail(t)
	if err := s.store.CreateToken(ctx, t, e); err != nil {
		return "", nil, err
	}
	return token, t, nil
}

// RevokeToken deletes a token of u; e as for CreateToken.
func (s *Service) RevokeToken(ctx context.Context, u *weijian.User, id int64, e weijian.AuditEntry) error {
	e.Action, e.Target, e.Detail = weijian.ActionTokenRevoke, u.Username, "#"+itoa(id)
	return s.store.RevokeToken(ctx, u.ID, id, e)
}

// tokenDetail describes a new token for the audit log (the store puts
// "#id " before it once the id is known).
func tokenDetail(t *weijian.APIToken) string {
	d := t.Name + " until " + t.ExpiresAt.Format("2006-01-02")
	if t.ReadOnly {
		d += " read-only"
	}
	return d
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

var errBadToken = weijian.E(weijian.KindUnauthenticated, weijian.T("访问令牌无效、已过期或已吊销", "the access token is invalid, expired or revoked"))

var errReadOnly = weijian.E(weijian.KindForbidden, weijian.T("只读令牌不能修改数据", "a read-only token cannot change anything"))

// TokenRequest is one API call made with a token.
type TokenRequest struct {
	Token        string
	Method, Path string
	IP           string
}

// AuthenticateToken resolves a bearer token to its active user, refusing
// a write through a read-only token, and records the use (see above).
func (s *Service) AuthenticateToken(ctx context.Context, req TokenRequest) (*weijian.User, *weijian.APIToken, error) {
	if !strings.HasPrefix(req.Token, TokenPrefix) {
		return nil, nil, errBadToken
	}
	t, err := s.store.TokenByHash(ctx, tokenID(req.Token))
	if weijian.ErrorKind(err) == weijian.KindNotFound {
		return nil, nil, errBadToken
	} else if err != nil {
		return nil, nil, err
	}
	now := s.now()
	if !now.Before(t.ExpiresAt) {
		return nil, nil, errBadToken
	}
	u, err := s.store.UserByID(ctx, t.UserID)
	if err != nil || !u.Active {
		return nil, nil, errBadToken
	}
	read := req.Method == "GET" || req.Method == "HEAD"
	var e *weijian.AuditEntry
	if !read || now.Sub(t.LastUsedAt) >= TokenAuditEvery {
		e = &weijian.AuditEntry{UserID: u.ID, Actor: u.Username, Action: weijian.ActionTokenUse, Target: u.Username,
			Detail: "#" + itoa(t.ID) + " " + t.Name + ": " + req.Method + " " + req.Path, IP: req.IP}
	}
	if t.ReadOnly && !read {
		e.Detail += " (refused: read-only)"
		if err := s.store.TouchToken(ctx, t.ID, now, e); err != nil {
			return nil, nil, err
		}
		return nil, nil, errReadOnly
	}
	if e != nil || now.Sub(t.LastUsedAt) >= time.Minute {
		if err := s.store.TouchToken(ctx, t.ID, now, e); err != nil {
			return nil, nil, err
		}
	}
	return u, t, nil
}
