package ident

import (
	"errors"
	"strings"
	"testing"

	"github.com/weijian-health/weijian/internal/period"
)

var today = period.Date{Year: 2024, Month: 6, Day: 30}

// Hand-checked numbers. S = Σ aᵢ·Wᵢ with W = 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
// and the check character is "10X98765432"[S mod 11].
//
//	34052419800101001X (DOMAIN.md §5.1)
//	  3·7+4·9+0·10+5·5+2·8+4·4+1·2+9·1+8·6+0·3+0·7+1·9+0·10+1·5+0·8+0·4+1·2
//	  = 21+36+0+25+16+16+2+9+48+0+0+9+0+5+0+0+2 = 189; 189 mod 11 = 2 → X
//	11010519491231002X (the example of GB 11643-1999)
//	  7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 → X
//	440524188001010014 (the other example of the standard, born 1880)
//	  28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195; 195 mod 11 = 8 → 4
//	442000200001011239 (中山, a city without counties; made up)
//	  28+36+20+0+0+0+4+0+0+0+0+9+0+5+8+8+6 = 124; 124 mod 11 = 3 → 9
func TestParseIDNumberValid(t *testing.T) {
	tests := []struct {
		in, want string
		birth    period.Date
		sex      Sex
		age      int
	}{
		{"34052419800101001X", "34052419800101001X", period.Date{Year: 1980, Month: 1, Day: 1}, Male, 44},
		{"11010519491231002X", "11010519491231002X", period.Date{Year: 1949, Month: 12, Day: 31}, Female, 74},
		{"440524188001010014", "440524188001010014", period.Date{Year: 1880, Month: 1, Day: 1}, Male, 144},
		{"442000200001011239", "442000200001011239", period.Date{Year: 2000, Month: 1, Day: 1}, Male, 24},
		{" 34052419800101001x ", "34052419800101001X", period.Date{Year: 1980, Month: 1, Day: 1}, Male, 44},
		{"３４０５２４１９８００１０１００１ｘ", "34052419800101001X", period.Date{Year: 1980, Month: 1, Day: 1}, Male, 44},
		{"\u300034052419800101001X\t", "34052419800101001X", period.Date{Year: 1980, Month: 1, Day: 1}, Male, 44},
		{"340524800101001", "34052419800101001X", period.Date{Year: 1980, Month: 1, Day: 1}, Male, 44}, // 15 → 18
	}
	for _, tt := range tests {
		id, err := ParseIDNumber(tt.in, today)
		if err != nil {
			t.Errorf("ParseIDNumber(%q): %v", tt.in, err)
			continue
		}
		if id.String() != tt.want || id.BirthDate() != tt.birth || id.Sex() != tt.sex || id.AgeAt(today) != tt.age {
			t.Errorf("ParseIDNumber(%q) = %s, %v, %v, age %d; want %s, %v, %v, %d",
				tt.in, id, id.BirthDate(), id.Sex(), id.AgeAt(today), tt.want, tt.birth, tt.sex, tt.age)
		}
		if id.AddressCode() != tt.want[:6] {
			t.Errorf("AddressCode(%s) = %s", id, id.AddressCode())
		}
	}
}

func TestParseIDNumberInvalid(t *testing.T) {
	tests := []struct {
		in, rule, zh string
	}{
		{"", RuleLength, "应为18位（旧号码15位），实际为0位"},
		{"34052419800101001", RuleLength, "实际为17位"},
		{"34052419800101001XX", RuleLength, "实际为19位"},
		{"3405241980010100 X", RuleCharset, "第17位“ ”无效：前17位应为数字"},
		{"34052419800101001Y", RuleCharset, "第18位“Y”无效"},
		{"3405241980010100中X", RuleCharset, "第17位“中”无效"},
		{"34052419800101001-", RuleCharset, "第18位“-”无效"},
		{"34052a800101001", RuleCharset, "15位号码应全为数字"},
		{"000000198001010010", RuleAddress, "省级代码“00”不存在"},
		{"990524198001010010", RuleAddress, "地址码“990524”无效"},
		{"340024198001010010", RuleAddress, "地级代码为0"},
		{"340524198002300010", RuleBirthDate, "出生日期码“19800230”不是有效日期"},
		{"340524190002290010", RuleBirthDate, "19000229"}, // 1900 is not a leap year
		{"340524170001010010", RuleBirthDate, "17000101"},
		{"340524202501010010", RuleFutureBirth, "出生日期2025年1月1日晚于当前日期2024年6月30日"},
		{"340524198001010010", RuleChecksum, "校验码错误：应为X"},
		{"340524198001010011", RuleChecksum, "校验码错误：应为X"},
		{"11010519491231002X0", RuleLength, "实际为19位"},
	}
	for _, tt := range tests {
		_, err := ParseIDNumber(tt.in, today)
		checkError(t, "ParseIDNumber("+tt.in+")", err, FieldIDNumber, tt.rule, tt.zh)
	}
}

// checkError checks an *Error's field, rule and Chinese message.
func checkError(t *testing.T, call string, err error, field, rule, zh string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("%s error = %v, want an *Error", call, err)
		return
	}
	if e.Field != field || e.Rule != rule || !strings.Contains(e.ZH, zh) || e.EN == "" {
		t.Errorf("%s = %s/%s %q (%q), want %s/%s containing %q", call, e.Field, e.Rule, e.ZH, e.EN, field, rule, zh)
	}
	if !strings.HasPrefix(e.Error(), field+": ") {
		t.Errorf("%s Error() = %q", call, e.Error())
	}
}

func TestIDEnglishMessages(t *testing.T) {
	_, err := ParseIDNumber("340524198001010010", today)
	if got := err.Error(); got != "id_number: wrong check character: want X, got 0" {
		t.Errorf("Error() = %q", got)
	}
}

func TestFutureCheckSkippedForZeroToday(t *testing.T) {
	id, err := GenerateIDNumber("340524", period.Date{Year: 2090, Month: 1, Day: 1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseIDNumber(id.String(), period.Date{}); err != nil {
		t.Errorf("with no today: %v", err)
	}
	if _, err := ParseIDNumber(id.String(), today); err == nil {
		t.Error("a 2090 birth date passed with today = 2024-06-30")
	}
}

func TestResidencePermits(t *testing.T) {
	for _, addr := range []string{"810000", "820000", "830000"} {
		id, err := GenerateIDNumber(addr, period.Date{Year: 1990, Month: 5, Day: 17}, 7)
		if err != nil {
			t.Errorf("GenerateIDNumber(%s): %v", addr, err)
			continue
		}
		if _, err := ParseIDNumber(id.String(), today); err != nil {
			t.Errorf("ParseIDNumber(%s): %v", id, err)
		}
	}
	if _, err := ParseDivision("830000"); err == nil {
		t.Error("830000 is a residence-permit code, not a province")
	}
}

func TestIDNumberCheckChar(t *testing.T) {
	tests := map[string]byte{
		"34052419800101001": 'X',
		"11010519491231002": 'X',
		"44052418800101001": '4',
		"44200020000101123": '9',
	}
	for body, want := range tests {
		if got, err := IDNumberCheckChar(body); err != nil || got != want {
			t.Errorf("IDNumberCheckChar(%s) = %c, %v; want %c", body, got, err, want)
		}
	}
	_, err := IDNumberCheckChar("3405241980010100")
	checkError(t, "IDNumberCheckChar(16 digits)", err, FieldIDNumber, RuleLength, "实际为16位")
	_, err = IDNumberCheckChar("3405241980010100A")
	checkError(t, "IDNumberCheckChar(letter)", err, FieldIDNumber, RuleCharset, "第17位“A”不是数字")
}

func TestUpgradeIDNumber(t *testing.T) {
	if got, err := UpgradeIDNumber("340524800101001"); err != nil || got != "34052419800101001X" {
		t.Errorf("UpgradeIDNumber = %q, %v", got, err)
	}
	_, err := UpgradeIDNumber("34052419800101001X")
	checkError(t, "UpgradeIDNumber(18)", err, FieldIDNumber, RuleLength, "实际为18位")
	_, err = UpgradeIDNumber("34052480010100X")
	checkError(t, "UpgradeIDNumber(X)", err, FieldIDNumber, RuleCharset, "第15位“X”")
}

func TestAgeAt(t *testing.T) {
	leap, _ := GenerateIDNumber("340524", period.Date{Year: 2000, Month: 2, Day: 29}, 1)
	tests := []struct {
		d    period.Date
		want int
	}{
		{period.Date{Year: 2000, Month: 2, Day: 29}, 0},
		{period.Date{Year: 2001, Month: 2, Day: 28}, 0},
		{period.Date{Year: 2001, Month: 3, Day: 1}, 1},
		{period.Date{Year: 2004, Month: 2, Day: 29}, 4},
		{period.Date{Year: 2024, Month: 6, Day: 30}, 24},
		{period.Date{Year: 1999, Month: 12, Day: 31}, -1},
	}
	for _, tt := range tests {
		if got := leap.AgeAt(tt.d); got != tt.want {
			t.Errorf("AgeAt(%v) = %d, want %d", tt.d, got, tt.want)
		}
	}
}

func TestGenerateIDNumber(t *testing.T) {
	birth := period.Date{Year: 1985, Month: 7, Day: 9}
	for seq, sex := range map[int]Sex{0: Female, 1: Male, 998: Female, 999: Male} {
		id, err := GenerateIDNumber("320102", birth, seq)
		if err != nil || id.Sex() != sex || id.BirthDate() != birth || id.AddressCode() != "320102" {
			t.Errorf("GenerateIDNumber(seq %d) = %v (%v), %v", seq, id, id.Sex(), err)
		}
	}
	bad := []struct {
		addr  string
		birth period.Date
		seq   int
		rule  string
	}{
		{"320102", birth, 1000, RuleSequence},
		{"320102", birth, -1, RuleSequence},
		{"32010", birth, 1, RuleAddress},
		{"3201020", birth, 1, RuleAddress},
		{"990102", birth, 1, RuleAddress},
		{"320102", period.Date{Year: 1799, Month: 1, Day: 1}, 1, RuleBirthDate},
		{"320102", period.Date{Year: 1985, Month: 2, Day: 30}, 1, RuleBirthDate},
	}
	for _, tt := range bad {
		_, err := GenerateIDNumber(tt.addr, tt.birth, tt.seq)
		checkError(t, "GenerateIDNumber", err, FieldIDNumber, tt.rule, "")
	}
}

func TestZeroIDNumber(t *testing.T) {
	var id IDNumber
	if !id.IsZero() || id.String() != "" || id.AddressCode() != "" || !id.BirthDate().IsZero() || id.Sex() != SexUnknown || id.Masked() != "" {
		t.Error("the zero IDNumber is not empty")
	}
}

func TestSexLabels(t *testing.T) {
	tests := []struct {
		s      Sex
		zh, en string
	}{
		{SexUnknown, "未知的性别", "unknown"}, {Male, "男性", "male"}, {Female, "女性", "female"},
		{SexUnstated, "未说明的性别", "not stated"}, {Sex(5), "Sex(5)", "Sex(5)"},
	}
	for _, tt := range tests {
		if tt.s.Label("zh") != tt.zh || tt.s.Label("en") != tt.en || tt.s.String() != tt.en {
			t.Errorf("Sex %d labels = %q, %q", uint8(tt.s), tt.s.Label("zh"), tt.s.Label("en"))
		}
	}
}
