package ident

import (
	"encoding/json"
	"testing"
)

func TestTextRoundTrips(t *testing.T) {
	type record struct {
		Org      CreditCode `json:"org"`
		Division Division   `json:"division"`
		Empty    Division   `json:"empty"`
	}
	c, _ := ParseCreditCode("91350100M000100Y43")
	d, _ := ParseDivision("442000001000")
	b, err := json.Marshal(record{Org: c, Division: d})
	if err != nil || string(b) != `{"org":"91350100M000100Y43","division":"442000001000","empty":""}` {
		t.Fatalf("json.Marshal = %s, %v", b, err)
	}
	var back record
	if err := json.Unmarshal(b, &back); err != nil || back.Org != c || back.Division != d || !back.Empty.IsZero() {
		t.Errorf("json.Unmarshal = %+v, %v", back, err)
	}
	for _, bad := range []string{`{"org":"91350100M000100Y44"}`, `{"division":"990000"}`} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("json.Unmarshal(%s) succeeded", bad)
		}
	}
	if err := json.Unmarshal([]byte(`{"org":""}`), &back); err != nil || !back.Org.IsZero() {
		t.Errorf(`empty org = %v, %v`, back.Org, err)
	}
}
