package sqlstore_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// addUser creates an active user with the grants ("role@code", code
// empty for the whole tree).
func addUser(t *testing.T, s *sqlstore.Store, name string, grants ...string) *weijian.User {
	t.Helper()
	u := &weijian.User{Username: name, DisplayName: name, Active: true, PasswordHash: "h"}
	for _, g := range grants {
		var role, code string
		if i := slices.Index([]byte(g), '@'); i >= 0 {
			role, code = g[:i], g[i+1:]
		} else {
			role = g
		}
		u.Grants = append(u.Grants, weijian.Grant{Role: weijian.Role(role), OrgUnitCode: code})
	}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	return u
}

func usernames(us []*weijian.User) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.Username)
	}
	return out
}

// An administrator manages users of lower standing or narrower scope:
// never a peer, never itself.
func TestManageableUsers(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		importFile(t, s, "jiangsu_nantong_haian_320685_2021.csv")
		addUser(t, s, "root", "county_admin")
		addUser(t, s, "root2", "county_admin")
		addUser(t, s, "hadmin", "county_admin@320685000000")
		addUser(t, s, "hadmin2", "county_admin@320685000000")
		addUser(t, s, "townadmin", "county_admin@320685101000")
		addUser(t, s, "staff", "township_staff@320685101000")
		addUser(t, s, "analyst", "county_analyst")
		county, _ := s.OrgUnit(ctx, all, "320685000000")
		for _, c := range []struct {
			sc   weijian.Scope
			want []string
		}{
			{all, []string{"analyst", "hadmin", "hadmin2", "staff", "townadmin"}},
			{weijian.ScopeOf(county.Path), []string{"staff", "townadmin"}},
		} {
			got, err := s.ListUsers(ctx, c.sc, weijian.UserFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(usernames(got)) != fmt.Sprint(c.want) {
				t.Errorf("scope %v manages %v, want %v", c.sc, usernames(got), c.want)
			}
		}
	})
}

// No change leaves the system without an active administrator, nor
// without an active administrator of the whole tree when it had one; a
// refused change writes no audit entry.
func TestLastAdministrator(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		importFile(t, s, "jiangsu_nantong_haian_320685_2021.csv")
		root := addUser(t, s, "root", "county_admin")
		hadmin := addUser(t, s, "hadmin", "county_admin@320685000000")
		entry := weijian.AuditEntry{Actor: "cli", Action: weijian.ActionUserGrants, Target: "root"}
		err := s.SetGrants(ctx, root.ID, []weijian.Grant{{Role: weijian.RoleCountyAnalyst, OrgUnitCode: "320685000000"}}, entry)
		if weijian.ErrorKind(err) != weijian.KindConflict {
			t.Errorf("replacing the only whole-tree administrator's role: %v, want conflict", err)
		}
		root.Active = false
		if err := s.UpdateUser(ctx, root, entry); weijian.ErrorKind(err) != weijian.KindConflict {
			t.Errorf("deactivating the only whole-tree administrator: %v, want conflict", err)
		}
		if log, _ := s.AuditLog(ctx, all, weijian.AuditFilter{Query: "cli"}); len(log) != 0 {
			t.Errorf("a refused change left audit entries: %+v", log)
		}
		if back, _ := s.UserByID(ctx, root.ID); !back.Active || back.Grants[0].Role != weijian.RoleCountyAdmin {
			t.Errorf("a refused change was stored: %+v", back)
		}
		// The county administrator may go: the whole-tree one remains.
		hadmin.Active = false
		if err := s.UpdateUser(ctx, hadmin, weijian.AuditEntry{Actor: "cli", Action: weijian.ActionUserDeactivate, Target: "hadmin"}); err != nil {
			t.Fatal(err)
		}
		// With a second whole-tree administrator the first may step down.
		addUser(t, s, "root2", "county_admin")
		if err := s.SetGrants(ctx, root.ID, []weijian.Grant{{Role: weijian.RoleCountyAnalyst}}, entry); err != nil {
			t.Fatal(err)
		}
		log, _ := s.AuditLog(ctx, all, weijian.AuditFilter{Query: "cli"})
		if len(log) != 2 || log[0].Action != weijian.ActionUserGrants || log[1].Action != weijian.ActionUserDeactivate {
			t.Errorf("audit after two changes: %+v", log)
		}
	})
}

// SetPassword stores the hash, ends the sessions, clears the login locks
// of the name from every address and records who did it, in one go;
// Unlock likewise.
func TestSetPasswordAndUnlock(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		root := addUser(t, s, "root", "county_admin")
		u := addUser(t, s, "zhang", "county_analyst")
		now := time.Now()
		s.CreateSession(ctx, weijian.Session{ID: "s1", UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)})
		for _, key := range []string{"zhang", "zhang@192.0.2.1", "@192.0.2.1", "zhangsan@192.0.2.1"} {
			s.RecordLoginFailure(ctx, key, now, time.Hour)
		}
		err := s.SetPassword(ctx, weijian.PasswordChange{UserID: u.ID, Username: "Zhang", Hash: "h2", MustChange: true,
			Audit: weijian.AuditEntry{UserID: root.ID, Actor: "root", Action: weijian.ActionUserPassword, Target: "zhang"}})
		if err != nil {
			t.Fatal(err)
		}
		back, _ := s.UserByID(ctx, u.ID)
		if back.PasswordHash != "h2" || !back.MustChangePassword {
			t.Errorf("after SetPassword: %+v", back)
		}
		if _, err := s.SessionByID(ctx, "s1"); err == nil {
			t.Error("the session survived a password reset")
		}
		for key, want := range map[string]int{"zhang": 0, "zhang@192.0.2.1": 0, "@192.0.2.1": 1, "zhangsan@192.0.2.1": 1} {
			if th, _ := s.Throttle(ctx, key); th.Failures != want {
				t.Errorf("throttle %s: %d failures, want %d", key, th.Failures, want)
			}
		}
		s.RecordLoginFailure(ctx, "zhang@192.0.2.9", now, time.Hour)
		if err := s.Unlock(ctx, "zhang", weijian.AuditEntry{UserID: root.ID, Actor: "root", Action: weijian.ActionUserUnlock, Target: "zhang"}); err != nil {
			t.Fatal(err)
		}
		if th, _ := s.Throttle(ctx, "zhang@192.0.2.9"); th.Failures != 0 {
			t.Error("unlock left the lock of one address")
		}
		log, _ := s.AuditLog(ctx, all, weijian.AuditFilter{})
		if len(log) != 2 || log[0].UserID != root.ID || log[1].UserID != root.ID {
			t.Errorf("the acting administrator is not recorded: %+v", log)
		}
		if err := s.RehashPassword(ctx, u.ID, "h3"); err != nil {
			t.Fatal(err)
		}
		if back, _ := s.UserByID(ctx, u.ID); back.PasswordHash != "h3" || !back.MustChangePassword {
			t.Errorf("after a rehash: %+v", back)
		}
	})
}

// Keyset paging returns every entry once, newest first, also when
// several share a time.
func TestAuditCursor(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range 25 {
			at := base.Add(time.Duration(i/3) * time.Minute) // three entries per minute
			s.Audit(ctx, weijian.AuditEntry{At: at, Actor: "a", Action: "login", Detail: fmt.Sprint(i)})
		}
		var seen []string
		var before *weijian.AuditCursor
		for page := 0; page < 10; page++ {
			log, err := s.AuditLog(ctx, all, weijian.AuditFilter{Limit: 4, Before: before})
			if err != nil {
				t.Fatal(err)
			}
			if len(log) == 0 {
				break
			}
			for _, e := range log {
				seen = append(seen, e.Detail)
			}
			c := log[len(log)-1].Cursor()
			before = &c
		}
		var want []string
		for i := 24; i >= 0; i-- {
			want = append(want, fmt.Sprint(i))
		}
		if fmt.Sprint(seen) != fmt.Sprint(want) {
			t.Errorf("paged entries %v, want %v", seen, want)
		}
	})
}

// A town's administrator sees failed logins under the names of its users,
// and entries about units in its scope or above it (imports), not others.
func TestAuditScope(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		importFile(t, s, "jiangsu_nantong_haian_320685_2021.csv") // audited at the province
		addUser(t, s, "staff", "township_staff@320685101000")
		addUser(t, s, "root", "county_admin")
		town, _ := s.OrgUnit(ctx, all, "320685101000")
		other, _ := s.OrgUnit(ctx, all, "320685100000")
		s.Audit(ctx, weijian.AuditEntry{Actor: "staff", Action: weijian.ActionLoginFailed, Target: "staff", IP: "192.0.2.1"})
		s.Audit(ctx, weijian.AuditEntry{Actor: "root", Action: weijian.ActionLoginFailed, Target: "root", IP: "192.0.2.1"})
		s.Audit(ctx, weijian.AuditEntry{Actor: "cli", Action: weijian.ActionPopulationImport, UnitPath: town.Path})
		s.Audit(ctx, weijian.AuditEntry{Actor: "cli", Action: weijian.ActionPopulationImport, Detail: "other", UnitPath: other.Path})
		log, err := s.AuditLog(ctx, weijian.ScopeOf(town.Path), weijian.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range log {
			got = append(got, e.Action+":"+e.Target+e.Detail)
		}
		want := []string{weijian.ActionPopulationImport + ":", weijian.ActionLoginFailed + ":staff",
			weijian.ActionOrgUnitImport + ":rows=253 inserted=253 updated=0 closed=0 unchanged=0"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("the town's administrator sees %v, want %v", got, want)
		}
	})
}

// Tokens: stored by hash, listed per user, revoked only by their owner,
// uses recorded.
func TestTokens(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		a := addUser(t, s, "a", "county_analyst")
		b := addUser(t, s, "b", "county_analyst")
		now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		tok := &weijian.APIToken{UserID: a.ID, Name: "脚本", Hash: "hash-a", ReadOnly: true, CreatedAt: now, ExpiresAt: now.AddDate(0, 3, 0)}
		if err := s.CreateToken(ctx, tok, weijian.AuditEntry{UserID: a.ID, Actor: "a", Action: weijian.ActionTokenCreate}); err != nil {
			t.Fatal(err)
		}
		got, err := s.TokenByHash(ctx, "hash-a")
		if err != nil || got.ID != tok.ID || got.UserID != a.ID || !got.ReadOnly || !got.ExpiresAt.Equal(tok.ExpiresAt) {
			t.Fatalf("TokenByHash = %+v %v", got, err)
		}
		if _, err := s.TokenByHash(ctx, "nope"); weijian.ErrorKind(err) != weijian.KindNotFound {
			t.Errorf("unknown token: %v", err)
		}
		use := weijian.AuditEntry{UserID: a.ID, Actor: "a", Action: weijian.ActionTokenUse}
		if err := s.TouchToken(ctx, tok.ID, now.Add(time.Hour), &use); err != nil {
			t.Fatal(err)
		}
		list, _ := s.Tokens(ctx, a.ID)
		if len(list) != 1 || !list[0].LastUsedAt.Equal(now.Add(time.Hour)) {
			t.Errorf("tokens of a = %+v", list)
		}
		if list, _ := s.Tokens(ctx, b.ID); len(list) != 0 {
			t.Errorf("b sees a's tokens: %+v", list)
		}
		if err := s.RevokeToken(ctx, b.ID, tok.ID, weijian.AuditEntry{Actor: "b", Action: weijian.ActionTokenRevoke}); weijian.ErrorKind(err) != weijian.KindNotFound {
			t.Errorf("revoking another user's token: %v, want not found", err)
		}
		if err := s.RevokeToken(ctx, a.ID, tok.ID, weijian.AuditEntry{Actor: "a", Action: weijian.ActionTokenRevoke}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenByHash(ctx, "hash-a"); err == nil {
			t.Error("a revoked token still resolves")
		}
		log, _ := s.AuditLog(ctx, all, weijian.AuditFilter{})
		if len(log) != 3 || log[2].Detail != fmt.Sprintf("#%d ", tok.ID) {
			t.Errorf("audit entries %+v, want create (detail naming the token's id), use, revoke", log)
		}
		if err := s.AddDevice(ctx, "dev", a.ID, now, now.AddDate(1, 0, 0)); err != nil {
			t.Fatal(err)
		}
		if uid, err := s.DeviceUser(ctx, "dev", now); err != nil || uid != a.ID {
			t.Errorf("DeviceUser = %d %v", uid, err)
		}
		if _, err := s.DeviceUser(ctx, "dev", now.AddDate(2, 0, 0)); weijian.ErrorKind(err) != weijian.KindNotFound {
			t.Errorf("an expired device: %v", err)
		}
	})
}

// An import is bound to the subtree it wrote: the administrators inside
// or below it see it, those of another town do not.
func TestImportAuditedForItsSubtree(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		importFile(t, s, "jiangsu_nantong_haian_320685_2021.csv")
		county, _ := s.OrgUnit(ctx, all, "320685000000")
		town, _ := s.OrgUnit(ctx, all, "320685101000")
		other, _ := s.OrgUnit(ctx, all, "320685100000")
		rows := []weijian.PopulationRow{{UnitCode: "320685101001", Year: 2024, Sex: weijian.SexMale,
			Age: weijian.AgeBand{From: 0, To: weijian.AgeOpen}, Count: 10}}
		if _, err := s.ImportPopulation(ctx, all, rows, weijian.ImportOptions{Actor: "cli"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			sc   weijian.Scope
			want []string
		}{
			{weijian.ScopeOf(county.Path), []string{weijian.ActionPopulationImport, weijian.ActionOrgUnitImport}},
			{weijian.ScopeOf(town.Path), []string{weijian.ActionPopulationImport, weijian.ActionOrgUnitImport}},
			{weijian.ScopeOf(other.Path), []string{weijian.ActionOrgUnitImport}},
		} {
			log, err := s.AuditLog(ctx, c.sc, weijian.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range log {
				got = append(got, e.Action)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("scope %v sees %v, want %v", c.sc.Paths(), got, c.want)
			}
		}
	})
}
