package ident

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Level is the administrative level of a division code.
type Level uint8

// The levels, from the top. The zero Level is none.
const (
	LevelProvince   Level = iota + 1 // 省级: 省, 自治区, 直辖市
	LevelPrefecture                  // 地级: 地级市, 地区, 自治州, 盟
	LevelCounty                      // 县级: 市辖区, 县, 县级市, 旗
	LevelTownship                    // 乡级: 街道, 镇, 乡
	LevelVillage                     // 村级: 居委会, 村委会
)

var levelNames = [...][2]string{
	LevelProvince:   {"省级", "province"},
	LevelPrefecture: {"地级", "prefecture"},
	LevelCounty:     {"县级", "county"},
	LevelTownship:   {"乡级", "township"},
	LevelVillage:    {"村级", "village"},
}

// String returns the English name of l, such as "county".
func (l Level) String() string { return l.Label("en") }

// Label returns the name of l in lang: "县级" (zh) or "county" (en).
func (l Level) Label(lang string) string {
	if l < LevelProvince || l > LevelVillage {
		return fmt.Sprintf("Level(%d)", uint8(l))
	}
	return pick(levelNames[l], lang)
}

// segEnd is the end of each level's segment in a 12-digit code: province
// 1–2, prefecture 3–4, county 5–6, township 7–9, village 10–12.
var segEnd = [...]int{LevelProvince: 2, LevelPrefecture: 4, LevelCounty: 6, LevelTownship: 9, LevelVillage: 12}

// Division is a 12-digit 统计用区划代码 (a 6-digit GB/T 2260 code is the
// same code with six zeros added). The zero Division is none.
//
// Its level is that of its last non-zero segment. A zero segment above a
// non-zero one is malformed, with one exception: a zero county segment
// under a non-zero prefecture is allowed above a township, because the
// prefecture-level cities without counties (中山 4420, 东莞 4419, 儋州 4604,
// 嘉峪关 6202) put their townships straight under the city. Such a code, as
// 442000001000, is a township whose Parent is the city 442000000000.
type Division struct {
	code string
}

// ParseDivision reads a 6- or 12-digit division code, normalised first
// (see Normalize). It checks the digits, the province (see Provinces) and
// the structure of the segments; it does not check that the division
// exists, which needs the yearly code table.
func ParseDivision(s string) (Division, error) {
	n := Normalize(s)
	if err := checkDivisionFormat(n); err != nil {
		return Division{}, err
	}
	if len(n) == 6 {
		n += "000000"
	}
	if err := checkDivisionStructure(n); err != nil {
		return Division{}, err
	}
	return Division{code: n}, nil
}

// checkDivisionFormat checks the length and the digits.
func checkDivisionFormat(s string) error {
	if n := utf8.RuneCountInString(s); n != 6 && n != 12 {
		return newError(FieldDivision, RuleLength,
			fmt.Sprintf("区划代码应为6位或12位数字，实际为%d位", n),
			fmt.Sprintf("a division code has 6 or 12 digits, got %d characters", n))
	}
	if pos, c := firstBad(s, decimal); pos > 0 {
		return newError(FieldDivision, RuleCharset,
			fmt.Sprintf("区划代码第%d位“%s”不是数字", pos, c),
			fmt.Sprintf("character %d (%q) of the division code is not a digit", pos, c))
	}
	return nil
}

// checkDivisionStructure checks the province and the zero segments of a
// 12-digit code.
func checkDivisionStructure(code string) error {
	if _, ok := ProvinceName(code[:2]); !ok {
		return newError(FieldDivision, RuleProvince,
			fmt.Sprintf("区划代码%s的省级代码“%s”不存在", code, code[:2]),
			fmt.Sprintf("division code %s has an unknown province code %q", code, code[:2]))
	}
	level := levelOf(code)
	for l := LevelPrefecture; l < level; l++ {
		if isZero(segment(code, l)) && (l != LevelCounty || level < LevelTownship) {
			return newError(FieldDivision, RuleStructure,
				fmt.Sprintf("区划代码%s结构错误：%s代码为0，其下级代码不能非0", code, l.Label("zh")),
				fmt.Sprintf("division code %s is malformed: its %s segment is zero but a lower one is not", code, l))
		}
	}
	return nil
}

// levelOf returns the level of the last non-zero segment of a 12-digit code.
func levelOf(code string) Level {
	for l := LevelVillage; l > LevelProvince; l-- {
		if !isZero(segment(code, l)) {
			return l
		}
	}
	return LevelProvince
}

// segment returns the digits of level l in a 12-digit code.
func segment(code string, l Level) string { return code[segEnd[l-1]:segEnd[l]] }

// isZero reports whether s is all '0'.
func isZero(s string) bool { return strings.Trim(s, "0") == "" }

// IsZero reports whether d is the zero Division.
func (d Division) IsZero() bool { return d.code == "" }

// Code returns the 12-digit code.
func (d Division) Code() string { return d.code }

// String returns the 12-digit code.
func (d Division) String() string { return d.code }

// Code6 returns the first six digits, the GB/T 2260 code of the county (or
// higher division) that d lies in.
func (d Division) Code6() string { return d.code[:min(6, len(d.code))] }

// Level returns the level of d.
func (d Division) Level() Level {
	if d.IsZero() {
		return 0
	}
	return levelOf(d.code)
}

// Segment returns the digits of d's segment at level l ("01" for the
// prefecture of 320100000000), or "" for a level that does not exist.
func (d Division) Segment(l Level) string {
	if d.IsZero() || l < LevelProvince || l > LevelVillage {
		return ""
	}
	return segment(d.code, l)
}

// Prefix returns the significant digits of d: 2, 4, 6, 9 or 12 digits for
// a province, prefecture, county, township or village. Every division under
// d has a code that starts with it, so a subtree is a prefix query.
func (d Division) Prefix() string {
	if d.IsZero() {
		return ""
	}
	return d.code[:segEnd[d.Level()]]
}

// Parent returns the division directly above d, and false for a province
// (or the zero Division). The parent of 中山's township 442000001000 is the
// city 442000000000: there is no county between them.
func (d Division) Parent() (Division, bool) {
	l := d.Level()
	if l <= LevelProvince {
		return Division{}, false
	}
	cut := segEnd[l-1]
	return Division{code: d.code[:cut] + strings.Repeat("0", 12-cut)}, true
}

// Ancestor returns the division at level l that d lies in (d itself if l
// is d's level), for rolling villages up to their township or county. It
// returns false if l is below d's level, or if d has no division at that
// level: the townships of 中山 (442000001000) have no county.
func (d Division) Ancestor(l Level) (Division, bool) {
	if d.IsZero() || l < LevelProvince || l > d.Level() {
		return Division{}, false
	}
	code := d.code[:segEnd[l]] + strings.Repeat("0", 12-segEnd[l])
	if l > LevelProvince && isZero(segment(code, l)) {
		return Division{}, false
	}
	return Division{code: code}, true
}

// IsAncestorOf reports whether e lies strictly under d.
func (d Division) IsAncestorOf(e Division) bool {
	return !d.IsZero() && d.Level() < e.Level() && strings.HasPrefix(e.code, d.Prefix())
}

// MarshalText returns the 12-digit code ("" for the zero Division).
func (d Division) MarshalText() ([]byte, error) { return []byte(d.code), nil }

// UnmarshalText parses a code as ParseDivision does; "" gives the zero
// Division.
func (d *Division) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Division{}
		return nil
	}
	v, err := ParseDivision(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
