package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/weijian-health/weijian"
)

// Config sets the login limits and session lifetimes (see "Login limits"
// in docs/design.md for why these three limits).
type Config struct {
	MaxFailures   int           // failed logins of one name from one address before that pair is locked (5)
	FailureWindow time.Duration // failures older than this are forgotten (15 min)
	LockDuration  time.Duration // how long a lock of a name from an address, or of an address, lasts (15 min)
	// MaxAddressFailures failed logins from one address, whatever the
	// names, lock the address (20 in FailureWindow).
	MaxAddressFailures int
	// MaxNameFailures failed logins of one name from all addresses within
	// NameWindow lock the name for every browser that has not logged in
	// to the account before (100 an hour: ASVS 2.2.1), for NameWindow.
	MaxNameFailures int
	NameWindow      time.Duration
	DeviceLifetime  time.Duration // a browser stays known this long after a login (1 year)
	IdleTimeout     time.Duration // a session unused this long ends (30 min)
	MaxSession      time.Duration // a session ends this long after login whatever happens (12 h)
}

// DefaultConfig returns the defaults named in Config.
func DefaultConfig() Config {
	return Config{MaxFailures: 5, FailureWindow: 15 * time.Minute, LockDuration: 15 * time.Minute,
		MaxAddressFailures: 20, MaxNameFailures: 100, NameWindow: time.Hour, DeviceLifetime: 365 * 24 * time.Hour,
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

// LoginRequest is one login attempt: the name and password typed, the
// client's address and the device cookie its browser holds ("" if none).
type LoginRequest struct {
	Username, Password string
	IP                 string
	Device             string
}

// LoginResult is a successful login: the session token to set as a
// cookie, the user, and a new device cookie to set ("" to keep the one
// the browser has).
type LoginResult struct {
	Token  string
	User   *weijian.User
	Device string
}

// limitKeys are the throttle keys of an attempt: the name, the name from
// this address, and the address ("@" is never part of a username).
type limitKeys struct{ name, pair, addr string }

func keysOf(username, ip string) limitKeys {
	n, src := strings.ToLower(username), source(ip)
	return limitKeys{name: n, pair: n + "@" + src, addr: "@" + src}
}

// source is the address a limit counts by: an IPv4 address, or the /64
// network of an IPv6 one (one subscriber usually holds a whole /64, so
// counting single IPv6 addresses would give a guesser 2^64 budgets).
func source(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || a.Unmap().Is4() {
		return ip
	}
	p, err := a.Prefix(64)
	if err != nil {
		return ip
	}
	return p.String()
}

// Login checks a username and password and, when they match, starts a
// session. Failures are limited three ways (Config): by name from one
// address, by address, and by name from everywhere — the last lock is
// passed by a browser that has logged in to the account before, so that a
// stranger cannot lock a user out.
func (s *Service) Login(ctx context.Context, req LoginRequest) (*LoginResult, error) {
	username := strings.TrimSpace(req.Username)
	if len(username) > maxUsername || strings.ContainsFunc(username, isControl) || !utf8.ValidString(username) {
		s.verify(ctx, s.dummy, req.Password)
		return nil, errBadLogin
	}
	keys := keysOf(username, req.IP)
	known := func() bool { return s.knownDevice(ctx, username, req.Device) }
	if err := s.checkLocks(ctx, keys, username, req.IP, known); err != nil {
		return nil, err
	}
	u, ok := s.check(ctx, username, req.Password)
	if !ok {
		return nil, s.fail(ctx, keys, username, req.IP)
	}
	// A parallel attempt may have locked the name while we hashed.
	if err := s.checkLocks(ctx, keys, username, req.IP, known); err != nil {
		return nil, err
	}
	if err := s.store.ClearThrottle(ctx, keys.pair); err != nil {
		return nil, err
	}
	s.rehash(ctx, u, req.Password)
	now := s.now()
	res := &LoginResult{User: u}
	var err error
	if res.Token, err = s.startSession(ctx, u.ID, now); err != nil {
		return nil, err
	}
	if uid, err := s.deviceUser(ctx, req.Device); err != nil || uid != u.ID {
		if res.Device, err = s.newDevice(ctx, u.ID, now); err != nil {
			return nil, err
		}
	}
	if err := s.store.RecordLogin(ctx, u.ID, now); err != nil {
		return nil, err
	}
	s.auditLogin(ctx, u.ID, u.Username, u.Username, weijian.ActionLogin, req.IP)
	return res, nil
}

// checkLocks returns the lock error when the address, the name from this
// address, or the name is locked; the lock of the name is passed when
// known() says the client is known to the account.
func (s *Service) checkLocks(ctx context.Context, keys limitKeys, username, ip string, known func() bool) error {
	now := s.now()
	for _, key := range []string{keys.addr, keys.pair, keys.name} {
		th, err := s.store.Throttle(ctx, key)
		if err != nil {
			return err
		}
		if !th.LockedUntil.After(now) {
			continue
		}
		if key == keys.name && known() {
			continue
		}
		s.auditLogin(ctx, 0, username, s.targetName(ctx, username), weijian.ActionLoginLocked, ip)
		return lockedError(th.LockedUntil, now)
	}
	return nil
}

// knownDevice reports whether the device cookie was issued at a login to
// the account named username.
func (s *Service) knownDevice(ctx context.Context, username, device string) bool {
	uid, err := s.deviceUser(ctx, device)
	if err != nil {
		return false
	}
	u, err := s.store.UserByName(ctx, username)
	return err == nil && u.ID == uid
}

func (s *Service) deviceUser(ctx context.Context, device string) (int64, error) {
	if device == "" {
		return 0, weijian.NotFound(weijian.T("设备", "device"))
	}
	return s.store.DeviceUser(ctx, tokenID(device), s.now())
}

func (s *Service) newDevice(ctx context.Context, userID int64, now time.Time) (string, error) {
	token, err := randomToken()
	if err != nil {
		return "", err
	}
	return token, s.store.AddDevice(ctx, tokenID(token), userID, now, now.Add(s.cfg.DeviceLifetime))
}

// rehash stores a new hash of a correct password whose hash was made with
// weaker parameters than today's; a failure is only logged (the login
// itself succeeded).
func (s *Service) rehash(ctx context.Context, u *weijian.User, pw string) {
	if !NeedsRehash(u.PasswordHash) {
		return
	}
	hash, err := HashPassword(pw)
	if err == nil {
		err = s.store.RehashPassword(ctx, u.ID, hash)
	}
	if err != nil {
		s.log.Error("rehash password", "user", u.Username, "err", err)
	}
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

// targetName is the account a login name refers to (its stored spelling),
// or the name as typed when there is none: the audit entry's target, by
// which a scoped administrator finds attacks on its users.
func (s *Service) targetName(ctx context.Context, username string) string {
	if u, err := s.store.UserByName(ctx, username); err == nil {
		return u.Username
	}
	return username
}

// fail records a failed login under its three keys, locks those past their
// limits, and returns the error to show: the lock when this client is now
// locked out, the wrong-password message otherwise.
func (s *Service) fail(ctx context.Context, keys limitKeys, username, ip string) error {
	now := s.now()
	s.auditLogin(ctx, 0, username, s.targetName(ctx, username), weijian.ActionLoginFailed, ip)
	limits := []struct {
		key    string
		max    int
		window time.Duration
		lock   time.Duration
	}{
		{keys.pair, s.cfg.MaxFailures, s.cfg.FailureWindow, s.cfg.LockDuration},
		{keys.addr, s.cfg.MaxAddressFailures, s.cfg.FailureWindow, s.cfg.LockDuration},
		{keys.name, s.cfg.MaxNameFailures, s.cfg.NameWindow, s.cfg.NameWindow},
	}
	var locked error
	for _, l := range limits {
		th, err := s.store.RecordLoginFailure(ctx, l.key, now, l.window)
		if err != nil {
			return err
		}
		if l.max <= 0 || th.Failures < l.max {
			continue
		}
		until := now.Add(l.lock)
		if err := s.store.LockLogin(ctx, l.key, until); err != nil {
			return err
		}
		if l.key != keys.name && locked == nil {
			locked = lockedError(until, now)
		}
	}
	if locked != nil {
		return locked
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

func (s *Service) auditLogin(ctx context.Context, userID int64, name, target, action, ip string) {
	if err := s.store.Audit(ctx, weijian.AuditEntry{UserID: userID, Actor: name, Target: target, Action: action, IP: ip}); err != nil {
		s.log.Error("audit", "action", action, "err", err)
	}
}

// randomToken returns 32 random bytes, base64url-encoded.
func randomToken() (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

func (s *Service) startSession(ctx context.Context, userID int64, now time.Time) (string, error) {
	token, err := randomToken()
	if err != nil {
		return "", err
	}
	err = s.store.CreateSession(ctx, weijian.Session{ID: tokenID(token), UserID: userID, CreatedAt: now,
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
// one, and ends their sessions. Wrong old passwords count towards the
// login limits, so a stolen session cannot guess the password.
func (s *Service) ChangePassword(ctx context.Context, u *weijian.User, oldPW, newPW, ip string) error {
	keys := keysOf(u.Username, ip)
	// A signed-in user is a known client: only the locks of its address apply.
	if err := s.checkLocks(ctx, keys, u.Username, ip, func() bool { return true }); err != nil {
		return err
	}
	if ok, _ := s.verify(ctx, u.PasswordHash, oldPW); !ok {
		if err := s.fail(ctx, keys, u.Username, ip); err != errBadLogin {
			return err
		}
		return weijian.Invalid(weijian.T("原密码不正确", "the current password is wrong"))
	}
	if oldPW == newPW {
		return weijian.Invalid(weijian.T("新密码不能与原密码相同", "the new password must differ from the current one"))
	}
	return s.SetPassword(ctx, u, newPW, false, weijian.AuditEntry{UserID: u.ID, Actor: u.Username,
		Action: weijian.ActionPasswordChange, IP: ip})
}

// SetPassword sets a user's password after checking the policy; the store
// ends the user's sessions, clears its login locks and records e (its
// Target set to the user) in one transaction. mustChange makes the user
// change it at the next login: pass true whenever someone other than the
// user chose or saw it (a reset, a generated password).
func (s *Service) SetPassword(ctx context.Context, u *weijian.User, pw string, mustChange bool, e weijian.AuditEntry) error {
	if err := CheckPolicy(pw, u.Username); err != nil {
		return err
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return err
	}
	if e.Action == "" {
		e.Action = weijian.ActionUserPassword
	}
	e.Target = u.Username
	return s.store.SetPassword(ctx, weijian.PasswordChange{UserID: u.ID, Username: u.Username, Hash: hash,
		MustChange: mustChange, Audit: e})
}

// Unlock clears the login locks of a name (from every address) and
// records e, whose Actor and UserID say who did it.
func (s *Service) Unlock(ctx context.Context, username string, e weijian.AuditEntry) error {
	e.Action, e.Target = weijian.ActionUserUnlock, username
	return s.store.Unlock(ctx, username, e)
}

// Locked reports whether logins to the name are locked now, from some
// address or everywhere, and until when.
func (s *Service) Locked(ctx context.Context, username string) (time.Time, bool) {
	until, err := s.store.LockedUntil(ctx, username)
	return until, err == nil && until.After(s.now())
}
