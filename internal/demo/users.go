package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/auth"
)

// AdminUser is the username of the demo's administrator; its presence
// marks a finished demo database (users are created last).
const AdminUser = "admin"

// Credential is a demo account as printed once after generation. The
// password exists only here, in memory: the store keeps its argon2id hash.
type Credential struct {
	Username    string
	DisplayName string
	Role        weijian.Role
	UnitCode    string
	UnitName    string
	Password    string // "" when the account already existed and was left alone
	Existed     bool
}

// userSpec is one demo account: who it is and where its role applies.
type userSpec struct {
	username, displayName string
	role                  weijian.Role
	unit                  func(*tree, []weijian.OrgUnitRow) weijian.OrgUnitRow
}

// demoUsers are one account per built-in role, each granted where such a
// person works: the administrator, analyst and CDC staff at the county,
// township staff at the first town (海安镇), a village doctor at the first
// villagers' committee with a clinic, a hospital reporter at the county
// hospital.
var demoUsers = []userSpec{
	{AdminUser, "卫健委管理员", weijian.RoleCountyAdmin, countyUnit},
	{"analyst", "陈静（统计分析）", weijian.RoleCountyAnalyst, countyUnit},
	{"cdc", "周建国（疾控中心）", weijian.RoleCDCStaff, countyUnit},
	{"township", "李海燕（卫生院）", weijian.RoleTownshipStaff, firstTown},
	{"village", "张德福（村医）", weijian.RoleVillageDoctor, firstVillage},
	{"hospital", "刘敏（医院防保科）", weijian.RoleHospitalReporter, countyHospital},
}

// Usernames are the demo accounts' usernames.
func Usernames() []string {
	out := make([]string, len(demoUsers))
	for i, u := range demoUsers {
		out[i] = u.username
	}
	return out
}

func countyUnit(t *tree, _ []weijian.OrgUnitRow) weijian.OrgUnitRow { return t.County }

func firstTown(t *tree, _ []weijian.OrgUnitRow) weijian.OrgUnitRow { return t.Towns[0].Row }

func firstVillage(t *tree, _ []weijian.OrgUnitRow) weijian.OrgUnitRow {
	for _, tw := range t.Towns {
		for _, v := range tw.Villages {
			if !v.Residential() {
				return v.Row
			}
		}
	}
	return t.Towns[0].Villages[0].Row
}

func countyHospital(t *tree, fac []weijian.OrgUnitRow) weijian.OrgUnitRow {
	for _, f := range fac {
		if f.FacilityType == "county_hospital" {
			return f
		}
	}
	return t.County
}

// checkPassword checks a fixed demo password against the policy for every
// demo username.
func checkPassword(pw string) error {
	for _, u := range demoUsers {
		if err := auth.CheckPolicy(pw, u.username); err != nil {
			return weijian.Wrap(weijian.KindInvalid, weijian.T(
				"WEIJIAN_DEMO_PASSWORD 不符合密码规则（用户 "+u.username+"）："+weijian.ErrorMessage(err, "zh"),
				"WEIJIAN_DEMO_PASSWORD breaks the password policy (user "+u.username+"): "+weijian.ErrorMessage(err, "en")), err)
		}
	}
	return nil
}

// newPassword returns a random policy-compliant password for username.
func newPassword(username string) string {
	for {
		pw := auth.GeneratePassword()
		if auth.CheckPolicy(pw, username) == nil {
			return pw
		}
	}
}

// createUsers creates the demo accounts that do not exist yet, each with
// opt.Password or a fresh random password.
func createUsers(ctx context.Context, st Store, t *tree, fac []weijian.OrgUnitRow, password string) ([]Credential, error) {
	var out []Credential
	for _, spec := range demoUsers {
		unit := spec.unit(t, fac)
		cred := Credential{Username: spec.username, DisplayName: spec.displayName, Role: spec.role,
			UnitCode: unit.Code, UnitName: unit.Name}
		if _, err := st.UserByName(ctx, spec.username); err == nil {
			cred.Existed = true
			out = append(out, cred)
			continue
		} else if weijian.ErrorKind(err) != weijian.KindNotFound {
			return nil, err
		}
		cred.Password = password
		if cred.Password == "" {
			cred.Password = newPassword(spec.username)
		}
		hash, err := auth.HashPassword(cred.Password)
		if err != nil {
			return nil, err
		}
		// A generated password is printed for whoever ran the demo: it is
		// changed at the first login. WEIJIAN_DEMO_PASSWORD is for
		// automation and stays.
		u := &weijian.User{Username: spec.username, DisplayName: spec.displayName, Active: true, PasswordHash: hash,
			Grants: []weijian.Grant{{Role: spec.role, OrgUnitCode: unit.Code}}, MustChangePassword: password == ""}
		if err := st.CreateUser(ctx, u); err != nil {
			var we *weijian.Error
			if errors.As(err, &we) && we.Kind == weijian.KindConflict {
				cred.Existed, cred.Password = true, ""
				out = append(out, cred)
				continue
			}
			return nil, fmt.Errorf("create demo user %s: %w", spec.username, err)
		}
		out = append(out, cred)
	}
	return out, nil
}
