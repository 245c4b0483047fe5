package sqlstore_test

import (
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// Searches take "_", "%" and "\" literally: "zhang_san" finds zhang_san
// and not zhangxsan, "%" finds only text holding a "%".
func TestSearchEscapesWildcards(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		for _, name := range []string{"zhang_san", "zhangxsan", "li%si", `wang\wu`} {
			u := &weijian.User{Username: name, DisplayName: name, Active: true, PasswordHash: "h"}
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			if err := s.Audit(ctx, weijian.AuditEntry{Actor: "admin", Action: "user.create", Target: name}); err != nil {
				t.Fatal(err)
			}
		}
		for q, want := range map[string]string{"zhang_san": "zhang_san", "G_S": "zhang_san", "%": "li%si",
			`g\w`: `wang\wu`, "x": "zhangxsan"} {
			users, err := s.ListUsers(ctx, all, weijian.UserFilter{Query: q})
			if err != nil || len(users) != 1 || users[0].Username != want {
				t.Errorf("ListUsers(%q) = %v %v, want only %s", q, users, err, want)
			}
			log, err := s.AuditLog(ctx, all, weijian.AuditFilter{Query: q})
			if err != nil || len(log) != 1 || log[0].Target != want {
				t.Errorf("AuditLog(%q) = %+v %v, want only the entry about %s", q, log, err, want)
			}
		}
		importFile(t, s, "jiangsu_nantong_haian_320685_2021.csv")
		for _, q := range []string{"%", "_", "海安_"} {
			if _, n, err := s.SearchOrgUnits(ctx, all, weijian.OrgUnitFilter{Query: q}); err != nil || n != 0 {
				t.Errorf("SearchOrgUnits(%q) = %d units, %v; want none", q, n, err)
			}
		}
		if _, n, err := s.SearchOrgUnits(ctx, all, weijian.OrgUnitFilter{Query: "海安镇"}); err != nil || n == 0 {
			t.Errorf("SearchOrgUnits(海安镇) = %d, %v", n, err)
		}
	})
}
