package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/weijian-health/weijian"
)

// Config sets lockout and session lifetimes.
type Config struct {
	MaxFailures   int           // failed logins before a lockout (5)
	FailureWindow time.Duration // failures older than this are forgotten (15 min)
	LockDuration  time.Duration // how long a lockout lasts (15 min)
	IdleTimeout   time.Duration // a session unused this long ends (30 min)
	MaxSession    time.Duration // a session ends this long after login whatever happens (12 h)
}

// DefaultConfig returns the defaults named in Config.
func DefaultConfig() Config {
	return Config{MaxFailures: 5, FailureWindow: 15 * time.Minute, LockDuration: 15 * time.Minute,
		IdleTimeout: 30 * time.Minute, MaxSession: 12 * time.Hour}
}

// Service logs users in and out and resolves session tokens.
type Service struct {
	store weijian.UserStore
	cfg   Config
	now   func() time.Time
	log   *slog.Logger
	dummy string // a hash to verify against when the user does not exist
	// hashing bounds concurrent argon2 work (19 MiB each), so a flood of
	// login attempts cannot exhaust memory.
	hashing chan struct{}
}

// maxConcurrentHashes is how many password checks run at once.
const maxConcurrentHashes = 4

// maxUsername bounds a login name; longer ones are refused before any
// database write (with the same message as a wrong password).
const maxUsername = 64

// New returns a Service over store. now may be nil (time.Now).
func New(store weijian.UserStore, cfg Config, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	dummy, _ := HashPassword(GeneratePassword())
	return &Service{store: store, cfg: cfg, now: now, log: log, dummy: dummy,
		hashing: make(chan struct{}, maxConcurrentHashes)}
}

// Both messages are the same whether or not the account exists, so that a
// login form cannot be used to find out which names are taken.
var (
	errBadLogin = weijian.E(weijian.KindUnauthenticated, weijian.T("用户名或密码错误", "wrong username or password"))
)

func lockedError(until time.Time, now time.Time) error {
	mins := int(until.Sub(now).Minutes()) + 1
	return weijian.E(weijian.KindUnauthenticated, weijian.T(
		fmt.Sprintf("登录失败次数过多，已暂时锁定，请%d分钟后再试；如忘记密码请联系管理员重置", mins),
		fmt.Sprintf("too many failed logins: locked, try again in %d minutes, or ask an administrator to reset the password", mins)))
}

// Login checks a username and password and, when they match, starts a
// session and returns its token (to be set as a cookie) and the user.
func (s *Service) Login(ctx context.Context, username, password, ip string) (string, *weijian.User, error) {
	username = strings.TrimSpace(username)
	if len(username) > maxUsername || strings.ContainsFunc(username, isControl) || !utf8.ValidString(username) {
		s.verify(ctx, s.dummy, password)
		return "", nil, errBadLogin
	}
	now := s.now()
	th, err := s.store.Throttle(ctx, username)
	if err != nil {
		return "", nil, err
	}
	if th.LockedUntil.After(now) {
		s.auditLogin(ctx, 0, username, "login.locked", ip)
		return "", nil, lockedError(th.LockedUntil, now)
	}
	u, ok := s.check(ctx, username, password)
	if !ok {
		return "", nil, s.fail(ctx, username, ip)
	}
	// A parallel attempt may have locked the name while we hashed.
	if th, err = s.store.Throttle(ctx, username); err != nil {
		return "", nil, err
	} else if th.LockedUntil.After(s.now()) {
		return "", nil, lockedError(th.LockedUntil, s.now())
	}
	if err := s.store.ClearThrottle(ctx, username); err != nil {
		return "", nil, err
	}
	token, err := s.startSession(ctx, u.ID, now)
	if err != nil {
		return "", nil, err
	}
	if err := s.store.RecordLogin(ctx, u.ID, now); err != nil {
		return "", nil, err
	}
	s.auditLogin(ctx, u.ID, u.Username, "login", ip)
	return token, u, nil
}

// check returns the active user whose password matches. It spends the same
// time when the user does not exist.
func (s *Service) check(ctx context.Context, username, password string) (*weijian.User, bool) {
	u, err := s.store.UserByName(ctx, username)
	if err != nil {
		s.verify(ctx, s.dummy, password)
		return nil, false
	}
	ok, err := s.verify(ctx, u.PasswordHash, password)
	if err != nil {
		s.log.Error("bad password hash", "user", u.Username, "err", err)
	}
	return u, ok && u.Active
}

// fail records a failed login and returns the error to show.
func (s *Service) fail(ctx context.Context, username, ip string) error {
	now := s.now()
	th, err := s.store.RecordLoginFailure(ctx, username, now, s.cfg.FailureWindow)
	if err != nil {
		return err
	}
	s.auditLogin(ctx, 0, th.Username, "login.failed", ip)
	if th.Failures >= s.cfg.MaxFailures {
		until := now.Add(s.cfg.LockDuration)
		if err := s.store.LockLogin(ctx, username, until); err != nil {
			return err
		}
		return lockedError(until, now)
	}
	return errBadLogin
}

// verify checks a password against a hash, waiting for a hashing slot.
func (s *Service) verify(ctx context.Context, hash, pw string) (bool, error) {
	select {
	case s.hashing <- struct{}{}:
		defer func() { <-s.hashing }()
	case <-ctx.Done():
		return false, ctx.Err()
	}
	return VerifyPassword(hash, pw)
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func (s *Service) auditLogin(ctx context.Context, userID int64, name, action, ip string) {
	if err := s.store.Audit(ctx, weijian.AuditEntry{UserID: userID, Actor: name, Action: action, IP: ip}); err != nil {
		s.log.Error("audit", "action", action, "err", err)
	}
}

func (s *Service) startSession(ctx context.Context, userID int64, now time.Time) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	err := s.store.CreateSession(ctx, weijian.Session{ID: tokenID(token), UserID: userID, CreatedAt: now,
		LastSeenAt: now, ExpiresAt: now.Add(s.cfg.MaxSession)})
	return token, err
}

// tokenID is what the database keeps of a token: its SHA-256. A leaked
// database therefore holds no usable session.
func tokenID(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

var errExpired = weijian.E(weijian.KindUnauthenticated, weijian.T("登录已超时，请重新登录", "your session has expired: log in again"))

// Authenticate resolves a session token to its user, ending the session if
// it has been idle too long or passed its maximum age.
func (s *Service) Authenticate(ctx context.Context, token string) (*weijian.User, error) {
	if token == "" {
		return nil, errExpired
	}
	id := tokenID(token)
	ss, err := s.store.SessionByID(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if now.After(ss.ExpiresAt) || now.Sub(ss.LastSeenAt) > s.cfg.IdleTimeout {
		return nil, s.endSession(ctx, id)
	}
	u, err := s.store.UserByID(ctx, ss.UserID)
	if err != nil || !u.Active {
		return nil, s.endSession(ctx, id)
	}
	// Writing on every request would serialise reads on SQLite: a minute's
	// precision is plenty for a 30-minute idle limit.
	if now.Sub(ss.LastSeenAt) > time.Minute {
		if err := s.store.TouchSession(ctx, id, now); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// endSession deletes an expired session and returns errExpired (or the
// storage error).
func (s *Service) endSession(ctx context.Context, id string) error {
	if err := s.store.DeleteSession(ctx, id); err != nil {
		return err
	}
	return errExpired
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.store.DeleteSession(ctx, tokenID(token))
}

// ChangePassword lets a user replace their own password, checking the old
// one, and ends their other sessions. Wrong old passwords count towards the
// login lockout, so a stolen session cannot guess the password.
func (s *Service) ChangePassword(ctx context.Context, u *weijian.User, oldPW, newPW string) error {
	th, err := s.store.Throttle(ctx, u.Username)
	if err != nil {
		return err
	}
	if th.LockedUntil.After(s.now()) {
		return lockedError(th.LockedUntil, s.now())
	}
	if ok, _ := s.verify(ctx, u.PasswordHash, oldPW); !ok {
		if err := s.fail(ctx, u.Username, ""); err != errBadLogin {
			return err
		}
		return weijian.Invalid(weijian.T("原密码不正确", "the current password is wrong"))
	}
	return s.SetPassword(ctx, u, newPW, u.Username)
}

// SetPassword sets a user's password after checking the policy, ends the
// user's sessions and clears any lockout.
func (s *Service) SetPassword(ctx context.Context, u *weijian.User, pw, actor string) error {
	if err := CheckPolicy(pw, u.Username); err != nil {
		return err
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return err
	}
	if err := s.store.SetPassword(ctx, u.ID, hash); err != nil {
		return err
	}
	if err := s.store.DeleteUserSessions(ctx, u.ID); err != nil {
		return err
	}
	if err := s.store.ClearThrottle(ctx, u.Username); err != nil {
		return err
	}
	return s.store.Audit(ctx, weijian.AuditEntry{Actor: actor, Action: "user.password", Target: u.Username})
}

// Unlock clears a lockout.
func (s *Service) Unlock(ctx context.Context, username, actor string) error {
	if err := s.store.ClearThrottle(ctx, username); err != nil {
		return err
	}
	return s.store.Audit(ctx, weijian.AuditEntry{Actor: actor, Action: "user.unlock", Target: username})
}
