package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/auth"
	"github.com/weijian-health/weijian/internal/ingest"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/tabular"
)

// The tests run the whole server over a real store (SQLite, then
// PostgreSQL: see db_test.go) seeded with the divisions of 海安市, a few
// facilities, population by village, and users.

const testPassword = "Weijian#2024"

// Codes used by the tests.
const (
	codeHaian     = "320685000000" // 海安市, the county
	codeHaianZhen = "320685100000" // 海安镇
	codeChengdong = "320685101000" // 城东镇
	codeNantong   = "320600000000" // 南通市
	codeZhongba   = "320685100001" // 中坝社区居委会, a village of 海安镇
)

type testEnv struct {
	store *sqlstore.Store
	srv   *Server
	ts    *httptest.Server
	logs  *bytes.Buffer
	seed  seeded
}

// seeded is what the seed wrote, for the tests to compare against.
type seeded struct {
	total2024  int64 // population of 海安市 in 2024
	villages   int
	haianZhen  int64 // population of 海安镇 in 2024, its own figure
	haianBelow int64 // the sum of its villages
	users      map[string]int64
}

func newEnv(t *testing.T) *testEnv {
	return newEnvConfig(t, Config{Version: "test"})
}

func newEnvConfig(t *testing.T, cfg Config) *testEnv {
	t.Helper()
	store, sd := seededStore(t)
	e := &testEnv{store: store, logs: &bytes.Buffer{}, seed: sd}
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := New(cfg, Deps{Store: store, Auth: auth.New(store, auth.DefaultConfig(), nil, log), Log: log, Surveil: testSurveil(t, store, log), Reports: testReports(t, store)})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	e.ts = httptest.NewServer(srv)
	t.Cleanup(e.ts.Close)
	return e
}

var ctx = context.Background()

func seed(t *testing.T, s *sqlstore.Store) seeded {
	t.Helper()
	rows := haianRows(t)
	rows = append(rows,
		weijian.OrgUnitRow{Code: "320685000000-JK01", Name: "海安市疾病预防控制中心", Level: weijian.LevelFacility, ParentCode: codeHaian, FacilityType: "cdc"},
		weijian.OrgUnitRow{Code: "320685000000-ZH01", Name: "海安市人民医院", Level: weijian.LevelFacility, ParentCode: codeHaian, FacilityType: "county_hospital"},
		weijian.OrgUnitRow{Code: "320685100000-WSY", Name: "海安镇卫生院", Level: weijian.LevelFacility, ParentCode: codeHaianZhen, FacilityType: "township_hc"},
		weijian.OrgUnitRow{Code: "320685100001-FW01", Name: "中坝社区卫生服务站", Level: weijian.LevelFacility, ParentCode: codeZhongba, FacilityType: "community_station"})
	opt := weijian.ImportOptions{ValidFrom: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), Actor: "test"}
	if _, err := s.ImportOrgUnits(ctx, weijian.ScopeAll(), rows, opt); err != nil {
		t.Fatalf("import org units: %v", err)
	}
	sd, pop := seedPopulation(rows)
	if _, err := s.ImportPopulation(ctx, weijian.ScopeAll(), pop, opt); err != nil {
		t.Fatalf("import population: %v", err)
	}
	sd.users = seedUsers(t, s)
	return sd
}

func haianRows(t *testing.T) []weijian.OrgUnitRow {
	t.Helper()
	f, err := os.Open("../sqlstore/testdata/jiangsu_nantong_haian_320685_2021.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tb, err := tabular.Read("haian.csv", f)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ingest.OrgUnits(tb)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// seedPopulation gives every village a population in 5-year bands for
// 2023 and 2024, and 海安镇 its own 2024 figures: its villages' sums, with
// 1000 more men of 85 and over (so that its page shows the data-quality
// note).
func seedPopulation(rows []weijian.OrgUnitRow) (seeded, []weijian.PopulationRow) {
	var sd seeded
	var out []weijian.PopulationRow
	town := map[weijian.PopulationCell]int64{}
	for i, r := range rows {
		if r.Level != weijian.LevelVillage {
			continue
		}
		sd.villages++
		for _, year := range []int{2023, 2024} {
			for b, band := range fiveYearBands() {
				m := int64(100 + 3*b + i%7 + (year - 2023))
				out = append(out, weijian.PopulationRow{UnitCode: r.Code, Year: year, Sex: weijian.SexMale, Age: band, Count: m},
					weijian.PopulationRow{UnitCode: r.Code, Year: year, Sex: weijian.SexFemale, Age: band, Count: m + 5})
				if year != 2024 {
					continue
				}
				sd.total2024 += 2*m + 5
				if strings.HasPrefix(r.Code, "320685100") {
					sd.haianBelow += 2*m + 5
					town[weijian.PopulationCell{Sex: weijian.SexMale, Age: band}] += m
					town[weijian.PopulationCell{Sex: weijian.SexFemale, Age: band}] += m + 5
				}
			}
		}
	}
	town[weijian.PopulationCell{Sex: weijian.SexMale, Age: weijian.AgeBand{From: 85, To: weijian.AgeOpen}}] += 1000
	for c, n := range town {
		out = append(out, weijian.PopulationRow{UnitCode: codeHaianZhen, Year: 2024, Sex: c.Sex, Age: c.Age, Count: n})
	}
	sd.haianZhen = sd.haianBelow + 1000
	sd.total2024 += 1000 // the town's own figures win in the county's sum
	return sd, out
}

// seedUsers creates: admin (county administrator of the whole tree),
// hadmin (county administrator of 海安市), town (海安镇 staff) and
// reporter (a hospital reporter).
func seedUsers(t *testing.T, s *sqlstore.Store) map[string]int64 {
	t.Helper()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, u := range []*weijian.User{
		{Username: "admin", DisplayName: "系统管理员", Grants: []weijian.Grant{{Role: weijian.RoleCountyAdmin}}},
		{Username: "hadmin", DisplayName: "海安管理员", Grants: []weijian.Grant{{Role: weijian.RoleCountyAdmin, OrgUnitCode: codeHaian}}},
		{Username: "town", DisplayName: "海安镇卫生院", Grants: []weijian.Grant{{Role: weijian.RoleTownshipStaff, OrgUnitCode: codeHaianZhen}}},
		{Username: "reporter", DisplayName: "医院报告", Grants: []weijian.Grant{{Role: weijian.RoleHospitalReporter, OrgUnitCode: codeHaian}}},
	} {
		u.Active, u.PasswordHash = true, hash
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		ids[u.Username] = u.ID
	}
	return ids
}

// client is a browser: it keeps cookies and does not follow redirects.
type client struct {
	t    *testing.T
	c    *http.Client
	base string
}

func (e *testEnv) client(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: e.ts.URL, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login returns a client logged in as user.
func (e *testEnv) login(t *testing.T, user string) *client {
	t.Helper()
	c := e.client(t)
	res, body := c.post("/login", url.Values{"username": {user}, "password": {testPassword}, "next": {"/"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d %s", user, res.StatusCode, body)
	}
	return c
}

func (c *client) do(req *http.Request) (*http.Response, string) {
	c.t.Helper()
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (c *client) get(path string) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// api calls the JSON API, decoding the answer into out (when not nil),
// and returns the status.
func (c *client) api(method, path string, in, out any) int {
	c.t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, body)
	req.Header.Set("Content-Type", "application/json")
	res, text := c.do(req)
	if out != nil {
		if err := json.Unmarshal([]byte(text), out); err != nil {
			c.t.Fatalf("%s %s: %d, not JSON: %v\n%s", method, path, res.StatusCode, err, text)
		}
	}
	return res.StatusCode
}

// wantStatus fails the test unless res has the status.
func wantStatus(t *testing.T, res *http.Response, body string, status int) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d\n%.2000s", res.Request.Method, res.Request.URL.Path, res.StatusCode, status, body)
	}
}

// wantContains fails the test unless body holds every string.
func wantContains(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("body lacks %q\n%.3000s", w, body)
		}
	}
}

// apiErr is the JSON error shape.
type apiErr struct {
	Error apiError `json:"error"`
}

func id(n int64) string { return fmt.Sprint(n) }

func contains(s, sub string) bool { return strings.Contains(s, sub) }
