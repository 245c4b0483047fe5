package weijian

import (
	"errors"
	"fmt"

	"github.com/weijian-health/weijian/internal/ident"
)

// divisionLevels maps the built-in area levels to the level a 12-digit
// division code encodes. A level not listed (one a deployment adds) is not
// checked against the code's structure.
var divisionLevels = map[string]ident.Level{
	LevelProvince: ident.LevelProvince,
	LevelCity:     ident.LevelPrefecture,
	LevelCounty:   ident.LevelCounty,
	LevelTown:     ident.LevelTownship,
	LevelVillage:  ident.LevelVillage,
}

// identText turns an ident error into a Text.
func identText(err error) Text {
	var ie *ident.Error
	if errors.As(err, &ie) {
		return T(ie.ZH, ie.EN)
	}
	return T(err.Error(), err.Error())
}

// CheckDivisionCode checks that code is a well-formed 12-digit 统计用区划代码
// of the given level (DOMAIN.md §5.2). The message says what is wrong.
func CheckDivisionCode(code, level string) (Text, bool) {
	if len(code) != 12 {
		return T(fmt.Sprintf("区划代码应为12位数字（统计用区划代码），实际为%d位", len([]rune(code))),
			fmt.Sprintf("a division code has 12 digits, got %d characters", len([]rune(code)))), false
	}
	d, err := ident.ParseDivision(code)
	if err != nil {
		return identText(err), false
	}
	want, known := divisionLevels[level]
	if known && d.Level() != want {
		return T(fmt.Sprintf("代码%s是%s代码，与级别“%s”不符", code, d.Level().Label("zh"), level),
			fmt.Sprintf("code %s is a %s code, not a %s", code, d.Level(), level)), false
	}
	return Text{}, true
}

// CheckDivisionParent checks that the division code of a unit lies under
// its parent's code: 320685100000 (海安镇) under 320685000000 (海安市). A
// parent whose code is not a division code (a level a deployment added)
// is not checked.
func CheckDivisionParent(code, parentCode string) (Text, bool) {
	d, err1 := ident.ParseDivision(code)
	p, err2 := ident.ParseDivision(parentCode)
	if err1 != nil || err2 != nil || len(parentCode) != 12 {
		return Text{}, true
	}
	if !p.IsAncestorOf(d) {
		return T(fmt.Sprintf("代码%s与上级代码%s不匹配：下级代码应以上级代码的前%d位“%s”开头", code, parentCode, len(p.Prefix()), p.Prefix()),
			fmt.Sprintf("code %s does not lie under its parent %s: it should start with %q", code, parentCode, p.Prefix())), false
	}
	return Text{}, true
}

// CheckUSCC checks a 统一社会信用代码 (GB 32100-2015): characters, the
// registration authority and category, the division code, and both check
// characters.
func CheckUSCC(code string) (Text, bool) {
	if _, err := ident.ParseCreditCode(code); err != nil {
		return identText(err), false
	}
	return Text{}, true
}
