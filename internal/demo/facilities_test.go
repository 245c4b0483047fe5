package demo

import (
	"slices"
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ident"
)

func TestHaianTree(t *testing.T) {
	tr, err := loadTree(counties["320685"])
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Towns) != 11 || len(tr.villages()) != 239 {
		t.Errorf("%d towns, %d villages; want 11 and 239", len(tr.Towns), len(tr.villages()))
	}
	var names []string
	for _, a := range tr.Ancestors {
		names = append(names, a.Name)
	}
	if strings.Join(names, "") != "江苏省南通市海安市" {
		t.Errorf("ancestors %v", names)
	}
	if tr.Towns[0].Row.Name != "海安镇" || !tr.Towns[0].Urban || tr.Towns[len(tr.Towns)-1].Type != ident.TownshipLike {
		t.Errorf("towns: %+v", tr.Towns[0])
	}
}

// Every county's file loads and every facility it gets is valid: a code of
// the demo's scheme (not a division code), a credit code that passes the
// GB 32100 checks, both unique.
func TestFacilitiesValid(t *testing.T) {
	for _, code := range Counties() {
		b := buildCounty(t, code, 2020, DefaultSeed)
		codes, usccs := map[string]bool{}, map[string]bool{}
		for _, f := range b.facilities {
			if codes[f.Code] || usccs[f.USCC] {
				t.Errorf("%s: duplicate %s / %s", code, f.Code, f.USCC)
			}
			codes[f.Code], usccs[f.USCC] = true, true
			if len(f.Code) > 32 || len(f.Code) == 12 || !strings.HasPrefix(f.Code, f.ParentCode+"-") {
				t.Errorf("%s: bad facility code %q", code, f.Code)
			}
			cc, err := ident.ParseCreditCode(f.USCC)
			if err != nil {
				t.Errorf("%s %s: %v", f.Name, f.USCC, err)
				continue
			}
			if cc.DivisionCode() != b.c.Code {
				t.Errorf("%s: credit code registered in %s", f.Name, cc.DivisionCode())
			}
			if want := creditKind(f.FacilityType, 0); f.FacilityType != "private_hospital" && cc.Kind().Code != want {
				t.Errorf("%s: kind %s, want %s", f.Name, cc.Kind().Code, want)
			}
		}
	}
}

func TestHaianFacilities(t *testing.T) {
	b := buildCounty(t, "320685", 2020, DefaultSeed)
	byType := map[string]int{}
	var names []string
	for _, f := range b.facilities {
		byType[f.FacilityType]++
		names = append(names, f.Name)
	}
	want := map[string]int{"health_commission": 1, "cdc": 1, "supervision": 1, "mch": 1, "county_hospital": 1,
		"tcm_hospital": 1, "specialist_hospital": 2, "private_hospital": 6,
		"township_hc":       10,  // every 镇; the farm has none
		"village_clinic":    136, // every 村委会
		"community_station": 93}  // 103 居委会 less the 10 town seats
	for k, n := range want {
		if byType[k] != n {
			t.Errorf("%s: %d, want %d", k, byType[k], n)
		}
	}
	// 229 village-level facilities; the county's 2021 report counts 226
	// 村卫生室 (社区卫生服务站).
	for _, n := range []string{"海安市人民医院", "海安市中医院", "海安市疾病预防控制中心", "海安市卫生健康委员会",
		"海安市曲塘镇中心卫生院", "海安市白甸镇卫生院", "海安镇钟涵村卫生室", "海安镇新园社区卫生服务站"} {
		if !slices.Contains(names, n) {
			t.Errorf("no facility named %s", n)
		}
	}
}

func TestShortName(t *testing.T) {
	for in, want := range map[string]string{
		"新林村委会": "新林村", "中坝社区居委会": "中坝社区", "三里闸居委会": "三里闸",
		"桂园社区居民委员会": "桂园社区", "渡口村民委员会": "渡口村", "海安农场": "海安农场",
	} {
		if got := shortName(in); got != want {
			t.Errorf("shortName(%s) = %s, want %s", in, got, want)
		}
	}
	if got := communityName("三里闸居委会"); got != "三里闸社区" {
		t.Errorf("communityName = %s", got)
	}
}

func TestUnknownCounty(t *testing.T) {
	if _, err := lookupCounty("110101"); weijian.ErrorKind(err) != weijian.KindInvalid {
		t.Errorf("lookupCounty(110101): %v", err)
	}
	if c, err := lookupCounty("320685000000"); err != nil || c.Name != "海安市" {
		t.Errorf("12-digit code: %v %v", c, err)
	}
}
