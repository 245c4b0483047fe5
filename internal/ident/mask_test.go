package ident

import "testing"

func TestMaskIDNumber(t *testing.T) {
	tests := map[string]string{
		"34052419800101001X":   "340524********001X",
		" 34052419800101001x ": "340524********001X",
		"340524800101001":      "340524*****1001",
		"3405241980":           "**********",
		"":                     "",
		"3405241980010100中X":   "340524********00中X",
	}
	for in, want := range tests {
		if got := MaskIDNumber(in); got != want {
			t.Errorf("MaskIDNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMask(t *testing.T) {
	tests := []struct {
		s          string
		head, tail int
		want       string
	}{
		{"13812345678", 3, 4, "138****5678"},
		{"张三丰", 1, 0, "张**"},
		{"abc", 2, 1, "***"},
		{"abc", -1, 1, "***"},
		{"", 0, 0, ""},
	}
	for _, tt := range tests {
		if got := Mask(tt.s, tt.head, tt.tail); got != tt.want {
			t.Errorf("Mask(%q, %d, %d) = %q, want %q", tt.s, tt.head, tt.tail, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := map[string]string{
		" 34052419800101001x\n": "34052419800101001X",
		"\u3000１２３ＡＢｃ\u3000":    "123ABC",
		"91350100m000100y43":    "91350100M000100Y43",
		"a b":                   "A B",
	}
	for in, want := range tests {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}
