package sqlstore_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

func TestUsers(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		importFile(t, s, "jiangsu_nantong_haian_320685_2021.csv")
		admin := &weijian.User{Username: "Admin", DisplayName: "管理员", Active: true, PasswordHash: "h",
			Grants: []weijian.Grant{{Role: weijian.RoleCountyAdmin, OrgUnitCode: "320685000000"}}}
		if err := s.CreateUser(ctx, admin); err != nil {
			t.Fatal(err)
		}
		dup := &weijian.User{Username: "admin", DisplayName: "x", PasswordHash: "h"}
		if err := s.CreateUser(ctx, dup); weijian.ErrorKind(err) != weijian.KindConflict {
			t.Errorf("duplicate username (other case): err %v, want conflict", err)
		}
		town := &weijian.User{Username: "wsy", DisplayName: "卫生院", Active: true, PasswordHash: "h",
			Grants: []weijian.Grant{{Role: weijian.RoleTownshipStaff, OrgUnitCode: "320685101000"}}}
		if err := s.CreateUser(ctx, town); err != nil {
			t.Fatal(err)
		}
		bad := &weijian.User{Username: "x", PasswordHash: "h", Grants: []weijian.Grant{{Role: "boss"}}}
		if err := s.CreateUser(ctx, bad); weijian.ErrorKind(err) != weijian.KindInvalid {
			t.Errorf("unknown role: err %v, want invalid", err)
		}
		if _, err := s.UserByName(ctx, "x"); weijian.ErrorKind(err) != weijian.KindNotFound {
			t.Errorf("a user whose grants failed must not be stored: %v", err)
		}
		got, err := s.UserByName(ctx, "ADMIN")
		if err != nil || got.ID != admin.ID || len(got.Grants) != 1 || got.Grants[0].OrgUnitName != "海安市" {
			t.Fatalf("UserByName = %+v, %v", got, err)
		}
		if sc := got.ScopeFor(weijian.PermManageUsers); !sc.Covers(got.Grants[0].OrgUnitPath + "9/") {
			t.Errorf("admin scope %v does not cover below its county", sc)
		}
		// The township user is listed for a county admin; the admin is
		// not listed for a scope limited to 城东镇.
		cd, _ := s.OrgUnit(ctx, all, "320685101000")
		list, err := s.ListUsers(ctx, weijian.ScopeOf(cd.Path), weijian.UserFilter{})
		if err != nil || len(list) != 1 || list[0].Username != "wsy" {
			t.Errorf("users in 城东镇's scope = %v %v, want only wsy", list, err)
		}
		// A user granted both inside 城东镇 and over the county belongs to
		// the county's administrators, not 城东镇's.
		multi := &weijian.User{Username: "multi", DisplayName: "两级", Active: true, PasswordHash: "h",
			Grants: []weijian.Grant{{Role: weijian.RoleTownshipStaff, OrgUnitCode: "320685101000"},
				{Role: weijian.RoleCountyAnalyst, OrgUnitCode: "320685000000"}}}
		if err := s.CreateUser(ctx, multi); err != nil {
			t.Fatal(err)
		}
		list, _ = s.ListUsers(ctx, weijian.ScopeOf(cd.Path), weijian.UserFilter{})
		if len(list) != 1 || list[0].Username != "wsy" {
			t.Errorf("users 城东镇's administrator manages = %v, want only wsy", list)
		}
		s.Audit(ctx, weijian.AuditEntry{UserID: multi.ID, Actor: "multi", Action: "login"})
		s.Audit(ctx, weijian.AuditEntry{UserID: town.ID, Actor: "wsy", Action: "login"})
		if log, _ := s.AuditLog(ctx, weijian.ScopeOf(cd.Path), weijian.AuditFilter{Action: "login"}); len(log) != 1 || log[0].Actor != "wsy" {
			t.Errorf("audit seen by 城东镇's administrator = %v, want wsy's entry only", log)
		}
		list, _ = s.ListUsers(ctx, all, weijian.UserFilter{Role: weijian.RoleTownshipStaff})
		if len(list) != 2 {
			t.Errorf("filter by role: %d users, want 1", len(list))
		}
		// Another administrator first: the last one cannot be deactivated.
		if err := s.CreateUser(ctx, &weijian.User{Username: "admin2", DisplayName: "管理员2", Active: true, PasswordHash: "h",
			Grants: []weijian.Grant{{Role: weijian.RoleCountyAdmin, OrgUnitCode: "320685000000"}}}); err != nil {
			t.Fatal(err)
		}
		got.DisplayName, got.Active = "县管理员", false
		if err := s.UpdateUser(ctx, got); err != nil {
			t.Fatal(err)
		}
		if err := s.SetGrants(ctx, got.ID, []weijian.Grant{{Role: weijian.RoleCountyAnalyst}}); err != nil {
			t.Fatal(err)
		}
		again, _ := s.UserByID(ctx, got.ID)
		if again.Active || again.DisplayName != "县管理员" || len(again.Grants) != 1 || again.Grants[0].OrgUnitCode != "" {
			t.Errorf("after update: %+v", again)
		}
		if n, _ := s.CountUsers(ctx); n != 4 {
			t.Errorf("CountUsers = %d, want 4", n)
		}
	})
}

func TestSessionsThrottleAudit(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		u := &weijian.User{Username: "u", DisplayName: "u", Active: true, PasswordHash: "h"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 23, 8, 0, 0, 123456000, time.UTC)
		ss := weijian.Session{ID: "abc", UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := s.CreateSession(ctx, ss); err != nil {
			t.Fatal(err)
		}
		got, err := s.SessionByID(ctx, "abc")
		if err != nil || !got.ExpiresAt.Equal(ss.ExpiresAt) || !got.CreatedAt.Equal(now) {
			t.Errorf("session = %+v %v", got, err)
		}
		if n, _ := s.DeleteExpiredSessions(ctx, now.Add(30*time.Minute)); n != 0 {
			t.Errorf("deleted %d live sessions", n)
		}
		if n, _ := s.DeleteExpiredSessions(ctx, now.Add(2*time.Hour)); n != 1 {
			t.Errorf("deleted %d expired sessions, want 1", n)
		}
		if _, err := s.SessionByID(ctx, "abc"); weijian.ErrorKind(err) != weijian.KindUnauthenticated {
			t.Errorf("deleted session: %v", err)
		}
		for i := 1; i <= 3; i++ {
			th, err := s.RecordLoginFailure(ctx, "Ghost", now.Add(time.Duration(i)*time.Minute), 15*time.Minute)
			if err != nil || th.Failures != i || !th.FirstAt.Equal(now.Add(time.Minute)) {
				t.Fatalf("failure %d: %+v %v", i, th, err)
			}
		}
		// A failure after the window starts a new count.
		th, err := s.RecordLoginFailure(ctx, "ghost", now.Add(time.Hour), 15*time.Minute)
		if err != nil || th.Failures != 1 || !th.FirstAt.Equal(now.Add(time.Hour)) {
			t.Errorf("after the window: %+v %v", th, err)
		}
		if err := s.LockLogin(ctx, "GHOST", now.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		back, err := s.Throttle(ctx, "ghost")
		if err != nil || back.Failures != 0 || !back.LockedUntil.Equal(now.Add(2*time.Hour)) {
			t.Errorf("throttle = %+v %v", back, err)
		}
		if n, _ := s.DeleteStaleThrottles(ctx, now.Add(90*time.Minute)); n != 0 {
			t.Errorf("deleted a throttle that still locks")
		}
		if n, _ := s.DeleteStaleThrottles(ctx, now.Add(3*time.Hour)); n != 1 {
			t.Errorf("stale throttle not deleted")
		}
		s.RecordLoginFailure(ctx, "ghost", now, time.Minute)
		s.ClearThrottle(ctx, "GHOST")
		if back, _ := s.Throttle(ctx, "ghost"); back.Failures != 0 || !back.LockedUntil.IsZero() {
			t.Errorf("cleared throttle = %+v", back)
		}
		s.Audit(ctx, weijian.AuditEntry{At: now, UserID: u.ID, Actor: "u", Action: "login", IP: "127.0.0.1"})
		log, err := s.AuditLog(ctx, all, weijian.AuditFilter{Query: "127.0", Limit: 10})
		if err != nil || len(log) != 1 || log[0].Action != "login" || !log[0].At.Equal(now) {
			t.Errorf("audit log = %+v %v", log, err)
		}
	})
}

func TestBackup(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		importFile(t, s, "jiangsu_nantong_haian_320685_2021.csv")
		dest := filepath.Join(t.TempDir(), "backup")
		if err := s.Backup(ctx, dest); err != nil {
			t.Fatal(err)
		}
		if err := s.Backup(ctx, dest); weijian.ErrorKind(err) != weijian.KindConflict {
			t.Errorf("second backup to the same file: %v, want conflict", err)
		}
		if s.Dialect() != "sqlite" {
			if st, err := os.Stat(dest); err != nil || st.Size() < 1000 {
				t.Errorf("pg_dump archive: %v %v", st, err)
			}
			return
		}
		copy, err := sqlstore.Open(ctx, dest, sqltest.Options{NoMigrate: true})
		if err != nil {
			t.Fatal(err)
		}
		defer copy.Close()
		kids, err := copy.Children(ctx, all, "320685000000")
		if err != nil || len(kids) != 11 {
			t.Errorf("backup copy: %d towns, %v; want 11", len(kids), err)
		}
	})
}
