package weijian_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/weijian-health/weijian"
)

func TestScope(t *testing.T) {
	sc := weijian.ScopeOf("/1/5/", "/1/5/9/", "/1/7/")
	if diff := cmp.Diff([]string{"/1/5/", "/1/7/"}, sc.Paths()); diff != "" {
		t.Errorf("nested paths not dropped (-want +got):\n%s", diff)
	}
	for path, want := range map[string][2]bool{ // covers, can see
		"/1/5/":    {true, true},
		"/1/5/12/": {true, true},
		"/1/":      {false, true}, // an ancestor: shown, not covered
		"/1/50/":   {false, false},
		"/2/":      {false, false},
	} {
		if got := [2]bool{sc.Covers(path), sc.CanSeeUnit(path)}; got != want {
			t.Errorf("%s: covers, sees = %v, want %v", path, got, want)
		}
	}
	if !weijian.ScopeAll().Covers("/9/") || !(weijian.Scope{}).Empty() {
		t.Error("ScopeAll must cover everything and the zero Scope nothing")
	}
	lo, hi := weijian.PathRange("/1/5/")
	for _, p := range []string{"/1/5/", "/1/5/0/", "/1/5/99999/3/"} {
		if p < lo || p >= hi {
			t.Errorf("%s outside [%s, %s)", p, lo, hi)
		}
	}
	for _, p := range []string{"/1/50/", "/1/6/", "/1/4/"} {
		if p >= lo && p < hi {
			t.Errorf("%s inside [%s, %s)", p, lo, hi)
		}
	}
}

func TestAgeBands(t *testing.T) {
	for in, want := range map[string]weijian.AgeBand{
		"0-4": {0, 5}, "0～4": {0, 5}, "85+": {85, weijian.AgeOpen}, "85岁及以上": {85, weijian.AgeOpen},
		"3": {3, 4}, "3岁": {3, 4}, "": weijian.AllAges, "合计": weijian.AllAges, "15至64": {15, 65},
	} {
		got, err := weijian.ParseAgeBand(in)
		if err != nil || got != want {
			t.Errorf("ParseAgeBand(%q) = %v, %v; want %v", in, got, err, want)
		}
		if in == "0-4" || in == "85+" || in == "3" {
			if got.String() != in {
				t.Errorf("%v.String() = %q, want %q", got, got.String(), in)
			}
		}
	}
	for _, bad := range []string{"a", "5-3", "-1", "300", "x+"} {
		if _, err := weijian.ParseAgeBand(bad); weijian.ErrorKind(err) != weijian.KindInvalid {
			t.Errorf("ParseAgeBand(%q): err %v, want invalid", bad, err)
		}
	}
	if l := (weijian.AgeBand{65, weijian.AgeOpen}).Label("zh"); l != "65岁及以上" {
		t.Errorf("label %q", l)
	}
}

func TestErrorRendering(t *testing.T) {
	err := weijian.Invalid(weijian.T("导入未执行", "nothing imported"),
		weijian.Issue{Row: 7, Field: "code", Value: "123", Rule: "bad", Msg: weijian.T("代码错误", "bad code")})
	if got := err.Issues[0].String("zh"); got != `第7行, 字段 code: 代码错误（值 "123"）` {
		t.Errorf("zh issue: %s", got)
	}
	if got := err.Error(); !strings.Contains(got, "row 7, field code: bad code") {
		t.Errorf("Error() = %s", got)
	}
	if m := weijian.ErrorMessage(errPlain{}, "zh"); !strings.Contains(m, "系统内部错误") {
		t.Errorf("a plain error must not leak its text: %q", m)
	}
}

type errPlain struct{}

func (errPlain) Error() string { return "pq: password authentication failed for user secret" }
