package period

import "testing"

func TestLabel(t *testing.T) {
	tests := []struct{ p, zh, en string }{
		{"2024", "2024年", "2024"},
		{"2024H1", "2024年上半年", "H1 2024"},
		{"2024H2", "2024年下半年", "H2 2024"},
		{"2024Q2", "2024年第二季度", "Q2 2024"},
		{"2024Q4", "2024年第四季度", "Q4 2024"},
		{"2024-06", "2024年6月", "June 2024"},
		{"2024W23", "2024年第23周", "Week 23, 2024"},
		{"2025W01", "2025年第1周", "Week 1, 2025"},
		{"2024-06-30", "2024年6月30日", "30 June 2024"},
	}
	for _, tt := range tests {
		p := mustParse(t, tt.p)
		for lang, want := range map[string]string{"zh": tt.zh, "zh-CN": tt.zh, "": tt.zh, "en": tt.en, "en-GB": tt.en, "EN": tt.en, "en_US": tt.en, "eng": tt.zh} {
			if got := p.Label(lang); got != want {
				t.Errorf("%v.Label(%q) = %q, want %q", p, lang, got, want)
			}
		}
		if back, err := Parse(tt.zh); err != nil || back != p {
			t.Errorf("Parse(%q) = %v, %v; want %v", tt.zh, back, err, p)
		}
	}
	if got := (Period{}).Label(LangZH); got != "" {
		t.Errorf("zero Period label = %q", got)
	}
}

func TestAsOfLabel(t *testing.T) {
	d := Date{2024, 6, 30}
	if got := AsOfLabel(d, LangZH); got != "截至2024年6月30日" {
		t.Errorf("zh = %q", got)
	}
	if got := AsOfLabel(d, LangEN); got != "as of 30 June 2024" {
		t.Errorf("en = %q", got)
	}
}
