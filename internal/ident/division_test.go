package ident

import (
	"testing"
)

func TestParseDivision(t *testing.T) {
	tests := []struct {
		in, code, prefix, parent string
		level                    Level
		town                     TownshipType
		village                  VillageType
	}{
		{"320000", "320000000000", "32", "", LevelProvince, 0, 0},
		{"320100", "320100000000", "3201", "320000000000", LevelPrefecture, 0, 0},
		{"320102", "320102000000", "320102", "320100000000", LevelCounty, 0, 0},
		{"110101", "110101000000", "110101", "110100000000", LevelCounty, 0, 0}, // 北京 01 = 市辖区
		{"429004", "429004000000", "429004", "429000000000", LevelCounty, 0, 0}, // 仙桃, 省直辖县级
		{"220581102000", "220581102000", "220581102", "220581000000", LevelTownship, Town, 0},
		{"220581102201", "220581102201", "220581102201", "220581102000", LevelVillage, Town, VillagersCommittee},
		{"320102001001", "320102001001", "320102001001", "320102001000", LevelVillage, Subdistrict, ResidentsCommittee},
		{"340524203450", "340524203450", "340524203450", "340524203000", LevelVillage, Township, ResidentsLike},
		{"340524450550", "340524450550", "340524450550", "340524450000", LevelVillage, TownshipLike, VillagersLike},
		{"340524650999", "340524650999", "340524650999", "340524650000", LevelVillage, TownshipTypeUnknown, VillageTypeUnknown},
		{"442000001000", "442000001000", "442000001", "442000000000", LevelTownship, Subdistrict, 0}, // 中山: no county
		{"442000101201", "442000101201", "442000101201", "442000101000", LevelVillage, Town, VillagersCommittee},
		{"441900", "441900000000", "4419", "440000000000", LevelPrefecture, 0, 0}, // 东莞
		{" ４４２０００１０１２０１ ", "442000101201", "442000101201", "442000101000", LevelVillage, Town, VillagersCommittee},
		{"810000", "810000000000", "81", "", LevelProvince, 0, 0},
	}
	for _, tt := range tests {
		d, err := ParseDivision(tt.in)
		if err != nil {
			t.Errorf("ParseDivision(%q): %v", tt.in, err)
			continue
		}
		parent, ok := d.Parent()
		if ok != (tt.parent != "") {
			t.Errorf("%s.Parent() ok = %v", d, ok)
		}
		got := [3]string{d.Code(), d.Prefix(), parent.Code()}
		if want := [3]string{tt.code, tt.prefix, tt.parent}; got != want {
			t.Errorf("ParseDivision(%q): code, prefix, parent = %v, want %v", tt.in, got, want)
		}
		if d.Level() != tt.level || d.TownshipType() != tt.town || d.VillageType() != tt.village {
			t.Errorf("ParseDivision(%q): level %v, %v, %v; want %v, %v, %v",
				tt.in, d.Level(), d.TownshipType(), d.VillageType(), tt.level, tt.town, tt.village)
		}
		if ok && !parent.IsAncestorOf(d) {
			t.Errorf("%s is not an ancestor of %s", parent, d)
		}
	}
}

func TestParseDivisionInvalid(t *testing.T) {
	tests := []struct{ in, rule, zh string }{
		{"", RuleLength, "应为6位或12位数字，实际为0位"},
		{"3201", RuleLength, "实际为4位"},
		{"320102001", RuleLength, "实际为9位"},
		{"32010#", RuleCharset, "区划代码第6位“#”不是数字"},
		{"32010２", "", ""}, // full-width: valid, see below
		{"000000", RuleProvince, "省级代码“00”不存在"},
		{"720000", RuleProvince, "省级代码“72”不存在"},
		{"830000", RuleProvince, "“83”"},
		{"320001", RuleStructure, "地级代码为0"},
		{"320000001000", RuleStructure, "地级代码为0"},
		{"110000001000", RuleStructure, "地级代码为0"},
		{"320102000001", RuleStructure, "乡级代码为0"},
		{"442000000001", RuleStructure, "乡级代码为0"},
	}
	for _, tt := range tests {
		_, err := ParseDivision(tt.in)
		if tt.rule == "" {
			if err != nil {
				t.Errorf("ParseDivision(%q): %v", tt.in, err)
			}
			continue
		}
		checkError(t, "ParseDivision("+tt.in+")", err, FieldDivision, tt.rule, tt.zh)
	}
}

func TestAncestry(t *testing.T) {
	d := func(s string) Division {
		t.Helper()
		v, err := ParseDivision(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		a, b string
		want bool
	}{
		{"320000", "320102001001", true},
		{"320100", "320102", true},
		{"320102", "320102", false},
		{"320102001001", "320102", false},
		{"320200", "320102", false},
		{"440000", "442000001000", true},
		{"442000", "442000101201", true},
		{"442000001000", "442000001001", true},
		{"442000001000", "442000101201", false},
	}
	for _, tt := range tests {
		if got := d(tt.a).IsAncestorOf(d(tt.b)); got != tt.want {
			t.Errorf("%s.IsAncestorOf(%s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	if (Division{}).IsAncestorOf(d("320102")) {
		t.Error("the zero Division is an ancestor")
	}
}

func TestDivisionParts(t *testing.T) {
	d, _ := ParseDivision("220581102201")
	want := map[Level]string{LevelProvince: "22", LevelPrefecture: "05", LevelCounty: "81", LevelTownship: "102", LevelVillage: "201"}
	for l, s := range want {
		if got := d.Segment(l); got != s {
			t.Errorf("Segment(%v) = %q, want %q", l, got, s)
		}
	}
	if d.Segment(0) != "" || d.Segment(6) != "" || d.Code6() != "220581" || d.String() != "220581102201" {
		t.Error("Segment/Code6/String are wrong")
	}
	var zero Division
	if !zero.IsZero() || zero.Level() != 0 || zero.Prefix() != "" || zero.Code6() != "" || zero.Segment(LevelProvince) != "" {
		t.Error("the zero Division is not empty")
	}
	if _, ok := zero.Parent(); ok {
		t.Error("the zero Division has a parent")
	}
}

func TestProvinces(t *testing.T) {
	ps := Provinces()
	if len(ps) != 34 {
		t.Errorf("%d provinces, want 34", len(ps))
	}
	for _, p := range ps {
		if _, err := ParseDivision(p.Code + "0000"); err != nil {
			t.Errorf("province %s: %v", p.Code, err)
		}
	}
	ps[0].Name = "changed"
	if n, _ := ProvinceName("11"); n != "北京市" {
		t.Error("Provinces returned the table itself")
	}
	if _, ok := ProvinceName("00"); ok {
		t.Error("ProvinceName(00) succeeded")
	}
}

func TestDivisionLabels(t *testing.T) {
	if LevelTownship.Label("zh") != "乡级" || LevelCounty.String() != "county" || Level(9).String() != "Level(9)" {
		t.Error("level labels are wrong")
	}
	if Town.Label("zh") != "镇" || Subdistrict.String() != "subdistrict" || TownshipType(9).String() != "TownshipType(9)" {
		t.Error("township labels are wrong")
	}
	if VillagersCommittee.Label("zh") != "村委会" || ResidentsCommittee.Label("en-US") != "residents' committee" ||
		VillageType(9).String() != "VillageType(9)" {
		t.Error("village labels are wrong")
	}
}

func TestAncestor(t *testing.T) {
	tests := []struct {
		code  string
		level Level
		want  string // "" for none
	}{
		{"220581102201", LevelProvince, "220000000000"},
		{"220581102201", LevelPrefecture, "220500000000"},
		{"220581102201", LevelCounty, "220581000000"},
		{"220581102201", LevelTownship, "220581102000"},
		{"220581102201", LevelVillage, "220581102201"},
		{"220581102000", LevelVillage, ""},
		{"442000101201", LevelCounty, ""}, // 中山 has no counties
		{"442000101201", LevelPrefecture, "442000000000"},
		{"442000101201", LevelTownship, "442000101000"},
		{"320102", 0, ""},
		{"320102", 6, ""},
	}
	for _, tt := range tests {
		d, _ := ParseDivision(tt.code)
		a, ok := d.Ancestor(tt.level)
		if ok != (tt.want != "") || a.Code() != tt.want {
			t.Errorf("%s.Ancestor(%v) = %q, %v; want %q", tt.code, tt.level, a.Code(), ok, tt.want)
		}
	}
	if _, ok := (Division{}).Ancestor(LevelProvince); ok {
		t.Error("the zero Division has an ancestor")
	}
}
