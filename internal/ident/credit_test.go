package ident

import (
	"strings"
	"testing"
)

// Hand-checked codes. Values: digits 0–9, then A=10 … H=17, J=18, K=19,
// L=20, M=21, N=22, P=23, Q=24, R=25, T=26, U=27, W=28, X=29, Y=30.
// Weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28; C18 = 31 − S mod 31.
//
//	91350100M000100Y43 (a widely quoted sample; 工商/企业, 福州市 350100)
//	  组织机构代码 M000100Y4: GB 11714 values M=22, Y=34 (A=10 … Z=35),
//	  22·3+0+0+0+1·5+0+0+34·2 = 139; 139 mod 11 = 7; 11 − 7 = 4 ✓
//	  S = 9·1+1·3+3·9+5·27+0+1·26+0+0+21·20+0+0+0+1·8+0+0+30·30+4·28
//	    = 9+3+27+135+26+420+8+900+112 = 1640; 1640 mod 31 = 28; 31 − 28 = 3 ✓
//	123405241234567887 (made up: 机构编制/事业单位, 340524, body 12345678)
//	  org: 1·3+2·7+3·9+4·10+5·5+6·8+7·4+8·2 = 201; 201 mod 11 = 3; 11 − 3 = 8
//	  S = 1+6+27+108+0+130+32+68+20+58+75+52+40+144+70+240+224 = 1295;
//	  1295 mod 31 = 24; 31 − 24 = 7
func TestParseCreditCodeValid(t *testing.T) {
	tests := []struct {
		in, want, kind, division, org string
	}{
		{"91350100M000100Y43", "91350100M000100Y43", "工商/企业", "350100", "M000100Y4"},
		{"91350100m000100y43", "91350100M000100Y43", "工商/企业", "350100", "M000100Y4"},
		{" 123405241234567887 ", "123405241234567887", "机构编制/事业单位", "340524", "123456788"},
	}
	for _, tt := range tests {
		c, err := ParseCreditCode(tt.in)
		if err != nil {
			t.Errorf("ParseCreditCode(%q): %v", tt.in, err)
			continue
		}
		got := [4]string{c.String(), c.Kind().Label("zh"), c.DivisionCode(), c.OrgCode()}
		if want := [4]string{tt.want, tt.kind, tt.division, tt.org}; got != want {
			t.Errorf("ParseCreditCode(%q) = %v, want %v", tt.in, got, want)
		}
	}
}

func TestParseCreditCodeInvalid(t *testing.T) {
	valid := "123405241234567887"
	tests := []struct {
		in, rule, zh string
	}{
		{"", RuleLength, "应为18位，实际为0位"},
		{valid[:17], RuleLength, "实际为17位"},
		{"1234O5241234567887", RuleCharset, "第5位“O”无效"},
		{"12340524123456788I", RuleCharset, "第18位“I”无效"},
		{"12340524中234567887", RuleCharset, "第9位“中”无效"},
		{"B23405241234567887", RuleAuthority, "登记管理部门代码“B”无效：应为1–9、A、N或Y"},
		{"14340524123456788" + "7", RuleCategory, "机构类别代码“4”对登记管理部门“机构编制”无效：应为1/2/3/9"},
		{"Y2340524123456788" + "7", RuleCategory, "应为1"},
		{"94340524123456788" + "7", RuleCategory, "应为1/2/3"},
		{"12990524123456788" + "7", RuleDivision, "登记管理机关行政区划码“990524”无效"},
		{"12340024123456788" + "7", RuleDivision, "结构错误"},
		{"123405241234567897", RuleOrgChecksum, "主体标识码（组织机构代码）123456789校验码错误：第17位应为8"},
		{"123405241234567880", RuleChecksum, "校验码错误：应为7"},
		{"91350100M000100Y44", RuleChecksum, "应为3"},
	}
	for _, tt := range tests {
		_, err := ParseCreditCode(tt.in)
		checkError(t, "ParseCreditCode("+tt.in+")", err, FieldCreditCode, tt.rule, tt.zh)
	}
}

func TestNationalDivision(t *testing.T) {
	c, err := GenerateCreditCode("12", "100000", 40000062)
	if err != nil {
		t.Fatal(err)
	}
	if c.DivisionCode() != "100000" {
		t.Errorf("DivisionCode = %s", c.DivisionCode())
	}
}

func TestGenerateCreditCode(t *testing.T) {
	for _, k := range Kinds() {
		c, err := GenerateCreditCode(k.Code, "340524", 1)
		if err != nil || c.Kind() != k {
			t.Errorf("GenerateCreditCode(%s) = %v (%v), %v", k.Code, c, c.Kind(), err)
		}
	}
	tests := []struct {
		kind, div string
		seq       int
		rule      string
	}{
		{"12", "340524", 100_000_000, RuleSequence},
		{"12", "340524", -1, RuleSequence},
		{"1", "340524", 1, RuleLength},
		{"12", "3405241", 1, RuleLength},
		{"1O", "340524", 1, RuleCharset},
		{"14", "340524", 1, RuleCategory},
		{"12", "990524", 1, RuleDivision},
	}
	for _, tt := range tests {
		_, err := GenerateCreditCode(tt.kind, tt.div, tt.seq)
		checkError(t, "GenerateCreditCode("+tt.kind+", "+tt.div+")", err, FieldCreditCode, tt.rule, "")
	}
}

func TestCreditCodeCheckChar(t *testing.T) {
	if c, err := CreditCodeCheckChar("91350100M000100Y4"); err != nil || c != '3' {
		t.Errorf("CreditCodeCheckChar = %c, %v", c, err)
	}
	_, err := CreditCodeCheckChar("91350100M000100Y")
	checkError(t, "CreditCodeCheckChar(16)", err, FieldCreditCode, RuleLength, "实际为16位")
	_, err = CreditCodeCheckChar("91350100M000100Z4")
	checkError(t, "CreditCodeCheckChar(Z)", err, FieldCreditCode, RuleCharset, "第16位“Z”")
}

func TestKinds(t *testing.T) {
	ks := Kinds()
	if len(ks) != 36 {
		t.Errorf("%d kinds, want 36", len(ks))
	}
	k, ok := KindOf("12")
	if !ok || k.Label("zh") != "机构编制/事业单位" || k.Label("en") != "institutional establishment / public institution" {
		t.Errorf("KindOf(12) = %+v", k)
	}
	for _, bad := range []string{"", "1", "123", "14", "Z1", "94"} {
		if _, ok := KindOf(bad); ok {
			t.Errorf("KindOf(%q) succeeded", bad)
		}
	}
	if (Kind{}).Label("zh") != "" {
		t.Error("zero Kind has a label")
	}
}

func TestZeroCreditCode(t *testing.T) {
	var c CreditCode
	if !c.IsZero() || c.String() != "" || c.Kind() != (Kind{}) || c.DivisionCode() != "" || c.OrgCode() != "" {
		t.Error("the zero CreditCode is not empty")
	}
}

func TestParseOrgCode(t *testing.T) {
	for in, want := range map[string]string{
		"M000100Y4":  "M000100Y4",
		"m000100y-4": "M000100Y4",
		"12345678-8": "123456788",
	} {
		if got, err := ParseOrgCode(in); err != nil || got != want {
			t.Errorf("ParseOrgCode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	tests := []struct{ in, rule, zh string }{
		{"12345678", RuleLength, "实际为8位"},
		{"1234567-88", RuleLength, "实际为10位"},
		{"1234567#8", RuleCharset, "第8位“#”无效"},
		{"12345678Y", RuleCharset, "第9位“Y”无效"},
		{"123456789", RuleOrgChecksum, "校验码错误：应为8"},
	}
	for _, tt := range tests {
		_, err := ParseOrgCode(tt.in)
		checkError(t, "ParseOrgCode("+tt.in+")", err, FieldOrgCode, tt.rule, tt.zh)
	}
}

// TestOrgCheckCharEnds covers the two special values: 10 → X, 11 → 0.
func TestOrgCheckCharEnds(t *testing.T) {
	seen := map[byte]bool{}
	for n := range 200 {
		body := strings.Repeat("0", 5) + string(rune('0'+n/100)) + string(rune('0'+n/10%10)) + string(rune('0'+n%10))
		c, err := OrgCodeCheckChar(body)
		if err != nil {
			t.Fatal(err)
		}
		seen[c] = true
	}
	if !seen['X'] || !seen['0'] || len(seen) != 11 {
		t.Errorf("check characters seen: %d, want all 11 (0–9, X)", len(seen))
	}
}
