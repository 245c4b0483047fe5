package auth_test

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/auth"
	"golang.org/x/crypto/argon2"
)

func locked(err error) bool { return strings.Contains(weijian.ErrorMessage(err, "zh"), "锁定") }

// A stranger's wrong passwords lock the name from the stranger's address
// only: the user, from its own address, still logs in (issue 11 item 2).
func TestStrangerCannotLockUserOut(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		for range 5 {
			login(f, "zhang", "guess", "198.51.100.7")
		}
		if _, err := login(f, "zhang", "Right#pass1", "198.51.100.7"); !locked(err) {
			t.Errorf("the guessing address with the right password: %v, want locked", err)
		}
		if _, err := login(f, "zhang", "Right#pass1", "10.0.0.1"); err != nil {
			t.Errorf("the user from its own address: %v, want a login", err)
		}
		if _, ok := f.svc.Locked(ctx, "zhang"); !ok {
			t.Error("Locked does not report the lock from one address (the administrator's unlock button)")
		}
	})
}

// One address spraying many names runs out of its budget: after 20
// failures it is locked for every name, and others are not.
func TestAddressBudget(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		for i := range 20 {
			login(f, fmt.Sprintf("user%d", i), "Password#1", "198.51.100.7")
		}
		if _, err := login(f, "zhang", "Right#pass1", "198.51.100.7"); !locked(err) {
			t.Errorf("a sprayer's address: %v, want locked", err)
		}
		if _, err := login(f, "zhang", "Right#pass1", "10.0.0.1"); err != nil {
			t.Errorf("another address: %v", err)
		}
	})
}

// Failures of one name from many addresses (a distributed guessing run)
// lock the name for every browser except one that logged in to the account
// before (its device cookie).
func TestNameLockPassedByKnownDevice(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		first, err := f.svc.Login(ctx, auth.LoginRequest{Username: "zhang", Password: "Right#pass1", IP: "10.0.0.1"})
		if err != nil || first.Device == "" {
			t.Fatalf("first login: device %q, %v", first.Device, err)
		}
		again, err := f.svc.Login(ctx, auth.LoginRequest{Username: "zhang", Password: "Right#pass1", IP: "10.0.0.1", Device: first.Device})
		if err != nil || again.Device != "" {
			t.Errorf("a known device gets a new cookie (%q) or fails: %v", again.Device, err)
		}
		for i := range 100 {
			login(f, "zhang", "guess", fmt.Sprintf("203.0.113.%d", i))
		}
		if _, err := login(f, "zhang", "Right#pass1", "10.0.0.2"); !locked(err) {
			t.Errorf("an unknown browser after 100 failures from everywhere: %v, want locked", err)
		}
		if _, err := f.svc.Login(ctx, auth.LoginRequest{Username: "zhang", Password: "Right#pass1", IP: "10.0.0.2", Device: first.Device}); err != nil {
			t.Errorf("the user's own browser: %v, want a login", err)
		}
		if _, ok := f.svc.Locked(ctx, "zhang"); !ok {
			t.Error("Locked does not report the lock of the name")
		}
		if err := f.svc.Unlock(ctx, "zhang", weijian.AuditEntry{Actor: "cli"}); err != nil {
			t.Fatal(err)
		}
		if _, err := login(f, "zhang", "Right#pass1", "10.0.0.2"); err != nil {
			t.Errorf("after an unlock: %v", err)
		}
	})
}

// A failed login names the account it was aimed at (its stored spelling),
// so that the account's administrator sees it.
func TestFailedLoginNamesTarget(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		login(f, "ZHANG", "guess", "198.51.100.7")
		log, err := f.store.AuditLog(ctx, weijian.ScopeAll(), weijian.AuditFilter{Action: weijian.ActionLoginFailed})
		if err != nil || len(log) != 1 || log[0].Target != "zhang" || log[0].IP != "198.51.100.7" {
			t.Errorf("login.failed entries %+v %v, want one with target zhang", log, err)
		}
	})
}

// Common passwords and their usual variations are refused.
func TestPolicyRefusesCommonPasswords(t *testing.T) {
	for pw, ok := range map[string]bool{
		"Password1":       false,
		"P@ssw0rd!":       false,
		"Qwerty123!":      false,
		"woaini1314A":     false,
		"1qaz2wsx!Q":      false,
		"Abc123456!":      false,
		"Aaaaaaa1!":       false,
		"12345678aA":      false,
		"Lishi-Tong2024!": true,
		"Zh4ng-2024!x":    false, // the username in look-alike digits
		"Haian-Demo-2026": true,
		"lake-Copper-77":  true,
		"E2e#Weijian2026": true, // the browser test's password
	} {
		err := auth.CheckPolicy(pw, "zhang")
		if (err == nil) != ok {
			t.Errorf("CheckPolicy(%q) = %v, want ok=%v", pw, err, ok)
		}
	}
}

// A login with a hash of weaker parameters stores a new hash with today's.
func TestRehashOnLogin(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		salt := make([]byte, 16)
		rand.Read(salt)
		key := argon2.IDKey([]byte("Right#pass1"), salt, 1, 8*1024, 1, 32)
		b64 := base64.RawStdEncoding
		weak := fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, 8*1024, 1, 1, b64.EncodeToString(salt), b64.EncodeToString(key))
		if err := f.store.RehashPassword(ctx, f.user.ID, weak); err != nil {
			t.Fatal(err)
		}
		if !auth.NeedsRehash(weak) {
			t.Fatal("NeedsRehash misses a weaker hash")
		}
		if _, err := login(f, "zhang", "Right#pass1", ""); err != nil {
			t.Fatal(err)
		}
		u, _ := f.store.UserByID(ctx, f.user.ID)
		if auth.NeedsRehash(u.PasswordHash) || u.PasswordHash == weak {
			t.Errorf("hash after login %q, want today's parameters", u.PasswordHash)
		}
		if ok, _ := auth.VerifyPassword(u.PasswordHash, "Right#pass1"); !ok {
			t.Error("the new hash does not verify the password")
		}
	})
}

// IPv6 addresses of one /64 share one budget.
func TestIPv6NetworkCountsAsOneSource(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		for i := range 5 {
			login(f, "zhang", "guess", fmt.Sprintf("2001:db8:1:2::%x", i+1))
		}
		if _, err := login(f, "zhang", "Right#pass1", "2001:db8:1:2::ff"); !locked(err) {
			t.Errorf("another address of the guessing /64: %v, want locked", err)
		}
		if _, err := login(f, "zhang", "Right#pass1", "2001:db8:1:3::1"); err != nil {
			t.Errorf("another /64: %v", err)
		}
	})
}
