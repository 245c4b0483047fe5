package auth_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/auth"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

var ctx = context.Background()

func TestHashAndVerify(t *testing.T) {
	h, err := auth.HashPassword("Weijian#2026")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not a PHC argon2id string with our parameters", h)
	}
	if ok, err := auth.VerifyPassword(h, "Weijian#2026"); !ok || err != nil {
		t.Errorf("right password: %v %v", ok, err)
	}
	if ok, _ := auth.VerifyPassword(h, "weijian#2026"); ok {
		t.Error("wrong password verified")
	}
	h2, _ := auth.HashPassword("Weijian#2026")
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	if _, err := auth.VerifyPassword("$2a$10$bcrypt", "x"); err == nil {
		t.Error("a malformed hash verified without error")
	}
}

func TestPolicy(t *testing.T) {
	for pw, ok := range map[string]bool{
		"short1A":                 false, // 7 characters
		"alllowercase":            false, // one class
		"lowerUPPER":              false, // two classes
		"lowerUPPER1":             true,
		"lower-case-1":            true,  // lower, symbol, digit
		"卫健平台abc123":              true,  // letters (Chinese count as "other"), lower, digit
		"Admin@2026":              false, // contains the username
		strings.Repeat("aA1", 50): false, // over 128
	} {
		err := auth.CheckPolicy(pw, "admin")
		if (err == nil) != ok {
			t.Errorf("CheckPolicy(%q) = %v, want ok=%v", pw, err, ok)
		}
	}
	for range 20 {
		if pw := auth.GeneratePassword(); auth.CheckPolicy(pw, "admin") != nil {
			t.Errorf("generated password %q fails the policy", pw)
		}
	}
}

type fixture struct {
	store *sqlstore.Store
	svc   *auth.Service
	clock *sqltest.Clock
	user  *weijian.User
}

func setup(t *testing.T, s *sqlstore.Store, clock *sqltest.Clock) *fixture {
	h, _ := auth.HashPassword("Right#pass1")
	u := &weijian.User{Username: "zhang", DisplayName: "张医生", Active: true, PasswordHash: h}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	return &fixture{store: s, svc: auth.New(s, auth.DefaultConfig(), clock.Now, nil), clock: clock, user: u}
}

func login(f *fixture, name, pw, ip string) (*auth.LoginResult, error) {
	return f.svc.Login(ctx, auth.LoginRequest{Username: name, Password: pw, IP: ip})
}

func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	clock := &sqltest.Clock{T: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	sqltest.Each(t, sqltest.Options{Now: clock.Now}, func(t *testing.T, s *sqlstore.Store) {
		fn(t, setup(t, s, clock))
	})
}

func TestLoginAndLockout(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		res, err := login(f, "ZHANG", "Right#pass1", "10.0.0.1")
		if err != nil || res.Token == "" || res.User.ID != f.user.ID {
			t.Fatalf("login: %v", err)
		}
		if got, err := f.svc.Authenticate(ctx, res.Token); err != nil || got.ID != res.User.ID {
			t.Errorf("authenticate: %v", err)
		}
		var msgs []string
		for i := range 5 {
			_, err := login(f, "zhang", "wrong", "10.0.0.1")
			if weijian.ErrorKind(err) != weijian.KindUnauthenticated {
				t.Fatalf("attempt %d: %v", i, err)
			}
			msgs = append(msgs, weijian.ErrorMessage(err, "zh"))
		}
		if msgs[0] != "用户名或密码错误" || !strings.Contains(msgs[4], "锁定") {
			t.Errorf("messages %q: want the generic one, then the lockout on the 5th failure", msgs)
		}
		if _, err := login(f, "zhang", "Right#pass1", "10.0.0.1"); !strings.Contains(weijian.ErrorMessage(err, "zh"), "锁定") {
			t.Errorf("right password while locked: %v, want the lockout", err)
		}
		f.clock.Advance(16 * time.Minute)
		if _, err := login(f, "zhang", "Right#pass1", "10.0.0.1"); err != nil {
			t.Errorf("after the lockout expires: %v", err)
		}
	})
}

// An unknown name gets exactly the messages a real one gets, lockout
// included: the form does not tell which accounts exist.
func TestLoginDoesNotRevealUsers(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		seq := func(name string) []string {
			var out []string
			for range 6 {
				_, err := login(f, name, "nope", "")
				out = append(out, weijian.ErrorMessage(err, "zh"))
			}
			return out
		}
		real, ghost := seq("zhang"), seq("nobody")
		if strings.Join(real, "|") != strings.Join(ghost, "|") {
			t.Errorf("messages differ:\nreal  %q\nghost %q", real, ghost)
		}
	})
}

func TestSessionExpiry(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		res, err := login(f, "zhang", "Right#pass1", "")
		if err != nil {
			t.Fatal(err)
		}
		token := res.Token
		for range 35 { // active use keeps it alive past the idle limit...
			f.clock.Advance(20 * time.Minute)
			if _, err := f.svc.Authenticate(ctx, token); err != nil {
				t.Fatalf("active session ended early at %v: %v", f.clock.T, err)
			}
		} // ...until the 12-hour maximum.
		f.clock.Advance(21 * time.Minute)
		if _, err := f.svc.Authenticate(ctx, token); err == nil {
			t.Error("session outlived its maximum age")
		}
		res, _ = login(f, "zhang", "Right#pass1", "")
		token = res.Token
		f.clock.Advance(31 * time.Minute)
		if _, err := f.svc.Authenticate(ctx, token); weijian.ErrorKind(err) != weijian.KindUnauthenticated {
			t.Errorf("idle session: %v, want unauthenticated", err)
		}
		if _, err := f.svc.Authenticate(ctx, "forged"); weijian.ErrorKind(err) != weijian.KindUnauthenticated {
			t.Errorf("forged token: %v", err)
		}
	})
}

func TestPasswordChangeEndsSessionsAndInactiveUsersCannotLogIn(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		res, _ := login(f, "zhang", "Right#pass1", "")
		u := res.User
		if err := f.svc.ChangePassword(ctx, u, "bad old", "New#pass22", ""); weijian.ErrorKind(err) != weijian.KindInvalid {
			t.Errorf("wrong old password: %v", err)
		}
		if err := f.svc.ChangePassword(ctx, u, "Right#pass1", "weak", ""); weijian.ErrorKind(err) != weijian.KindInvalid {
			t.Errorf("weak new password: %v", err)
		}
		if err := f.svc.ChangePassword(ctx, u, "Right#pass1", "New#pass22", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(ctx, res.Token); err == nil {
			t.Error("session survived a password change")
		}
		u.Active = false
		f.store.UpdateUser(ctx, u)
		if _, err := login(f, "zhang", "New#pass22", ""); weijian.ErrorMessage(err, "zh") != "用户名或密码错误" {
			t.Errorf("inactive user: %v", err)
		}
	})
}

// Parallel wrong passwords all count: the lockout cannot be raced.
func TestParallelFailuresLock(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		var wg sync.WaitGroup
		for range 12 {
			wg.Go(func() { login(f, "zhang", "wrong", "") })
		}
		wg.Wait()
		th, err := f.store.Throttle(ctx, "zhang@")
		if err != nil || !th.LockedUntil.After(f.clock.T) {
			t.Errorf("after 12 parallel failures: %+v %v, want locked", th, err)
		}
		if _, err := login(f, "zhang", "Right#pass1", ""); err == nil {
			t.Error("the right password logged in during the lockout")
		}
	})
}

// A flood of huge names writes nothing.
func TestLongUsernameRefusedWithoutWrites(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		long := strings.Repeat("x", 10000)
		_, err := login(f, long, "pw", "")
		if weijian.ErrorMessage(err, "zh") != "用户名或密码错误" {
			t.Errorf("long name: %v", err)
		}
		if th, _ := f.store.Throttle(ctx, long); th.Failures != 0 {
			t.Error("a throttle row was written for an over-long name")
		}
	})
}

// Wrong old passwords on the change form count towards the lockout.
func TestChangePasswordIsThrottled(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		var last error
		for range 5 {
			last = f.svc.ChangePassword(ctx, f.user, "guess", "New#pass22", "")
		}
		if !strings.Contains(weijian.ErrorMessage(last, "zh"), "锁定") {
			t.Errorf("5th wrong old password: %v, want the lockout", last)
		}
	})
}
