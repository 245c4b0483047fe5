package ident

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/weijian-health/weijian/internal/period"
)

// addresses are valid 6-digit codes for generated IDs and credit codes.
var addresses = []string{"340524", "110105", "442000", "429004", "650102", "810000", "540100", "320102"}

// checkIsError checks that err is an *Error with both messages.
func checkIsError(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Field == "" || e.Rule == "" || e.ZH == "" || e.EN == "" {
		t.Fatalf("error %v is not a complete *Error", err)
	}
}

func FuzzParseIDNumber(f *testing.F) {
	for _, s := range []string{"34052419800101001X", "34052419800101001x", "340524800101001", "", "11010519491231002X",
		"３４０５２４１９８００１０１００１Ｘ", "340524198002300010", "830000199005170079"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseIDNumber(s, today)
		if err != nil {
			checkIsError(t, err)
			return
		}
		n := id.String()
		if len(n) != 18 || n[17] != idCheckChar(n[:17]) || !id.BirthDate().IsValid() || id.BirthDate().After(today) {
			t.Fatalf("ParseIDNumber(%q) = %q is not valid", s, n)
		}
		if again, err := ParseIDNumber(n, today); err != nil || again != id {
			t.Fatalf("re-parse of %q = %v, %v", n, again, err)
		}
		if m := id.Masked(); m[:6] != n[:6] || m[14:] != n[14:] || strings.Count(m, "*") != 8 {
			t.Fatalf("Masked(%q) = %q", n, m)
		}
		if sx := id.Sex(); sx != Male && sx != Female || id.AgeAt(today) < 0 {
			t.Fatalf("%q: sex %v, age %d", n, sx, id.AgeAt(today))
		}
	})
}

// generatedID builds a valid ID from fuzz input.
func generatedID(t *testing.T, addr uint8, day uint32, seq uint16) IDNumber {
	birth := (period.Date{Year: 1900, Month: 1, Day: 1}).AddDays(int(day % 45000))
	id, err := GenerateIDNumber(addresses[int(addr)%len(addresses)], birth, int(seq%1000))
	if err != nil {
		t.Fatalf("GenerateIDNumber: %v", err)
	}
	return id
}

func FuzzIDNumberChecksum(f *testing.F) {
	f.Add(uint8(0), uint32(29219), uint16(1), uint8(17), uint8(3))
	f.Add(uint8(2), uint32(100), uint16(998), uint8(0), uint8(9))
	f.Fuzz(func(t *testing.T, addr uint8, day uint32, seq uint16, pos, delta uint8) {
		id := generatedID(t, addr, day, seq)
		if _, err := ParseIDNumber(id.String(), period.Date{}); err != nil {
			t.Fatalf("generated %s does not validate: %v", id, err)
		}
		b := []byte(id.String())
		i := int(pos) % 18
		b[i] = otherIDChar(b[i], i == 17, delta)
		if b[17] == idCheckChar(string(b[:17])) {
			t.Fatalf("checksum misses the change of %s at %d to %s", id, i+1, b)
		}
		if _, err := ParseIDNumber(string(b), period.Date{}); err == nil {
			t.Fatalf("changed %s → %s validates", id, b)
		}
		if i < 16 && b[i] != b[i+1] { // an adjacent transposition in the body
			c := []byte(id.String())
			c[i], c[i+1] = c[i+1], c[i]
			if c[i] != c[i+1] && c[17] == idCheckChar(string(c[:17])) {
				t.Fatalf("checksum misses the transposition %s → %s", id, c)
			}
		}
	})
}

// otherIDChar returns a character other than c from the digits (and X for
// the check position).
func otherIDChar(c byte, check bool, delta uint8) byte {
	set := decimal
	if check {
		set += "X"
	}
	i := strings.IndexByte(set, c)
	return set[(i+1+int(delta)%(len(set)-1))%len(set)]
}

func FuzzUpgradeIDNumber(f *testing.F) {
	f.Add("340524800101001")
	f.Add("11010549123100")
	f.Fuzz(func(t *testing.T, s string) {
		up, err := UpgradeIDNumber(s)
		if err != nil {
			checkIsError(t, err)
			return
		}
		n := Normalize(s)
		if len(up) != 18 || up[:6] != n[:6] || up[6:8] != "19" || up[8:17] != n[6:] {
			t.Fatalf("UpgradeIDNumber(%q) = %q", s, up)
		}
		var e *Error
		if _, err := ParseIDNumber(up, period.Date{}); errors.As(err, &e) && e.Rule == RuleChecksum {
			t.Fatalf("upgraded %q has a bad checksum", up)
		}
	})
}

func FuzzMaskIDNumber(f *testing.F) {
	f.Add("34052419800101001X")
	f.Add("张三")
	f.Fuzz(func(t *testing.T, s string) {
		n, m := []rune(Normalize(s)), []rune(MaskIDNumber(s))
		if len(n) != len(m) {
			t.Fatalf("MaskIDNumber(%q) = %q changes the length", s, string(m))
		}
		keep := 0
		for i := range m {
			if m[i] != '*' {
				keep++
			}
		}
		if len(n) >= 15 && (string(m[:6]) != string(n[:6]) || string(m[len(m)-4:]) != string(n[len(n)-4:])) ||
			len(n) < 15 && keep != 0 {
			t.Fatalf("MaskIDNumber(%q) = %q", s, string(m))
		}
	})
}

func FuzzParseCreditCode(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "123405241234567887", "121000004000006244", "", "91350100m000100y43"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCreditCode(s)
		if err != nil {
			checkIsError(t, err)
			return
		}
		if again, err := ParseCreditCode(c.String()); err != nil || again != c {
			t.Fatalf("re-parse of %q = %v, %v", c, again, err)
		}
		if org, err := ParseOrgCode(c.OrgCode()); err != nil || org != c.OrgCode() {
			t.Fatalf("org code of %s: %q, %v", c, org, err)
		}
		if c.Kind().Code != c.String()[:2] || len(c.DivisionCode()) != 6 {
			t.Fatalf("parts of %s: %+v, %s", c, c.Kind(), c.DivisionCode())
		}
	})
}

func FuzzCreditCodeChecksum(f *testing.F) {
	f.Add(uint8(1), uint8(0), uint32(12345678), uint8(17), uint8(4))
	f.Add(uint8(20), uint8(3), uint32(0), uint8(8), uint8(29))
	f.Fuzz(func(t *testing.T, kind, addr uint8, seq uint32, pos, delta uint8) {
		ks := Kinds()
		k := ks[int(kind)%len(ks)]
		c, err := GenerateCreditCode(k.Code, addresses[int(addr)%len(addresses)], int(seq%100_000_000))
		if err != nil {
			t.Fatalf("GenerateCreditCode(%s): %v", k.Code, err)
		}
		b := []byte(c.String())
		i := int(pos) % 18
		j := strings.IndexByte(creditChars, b[i])
		b[i] = creditChars[(j+1+int(delta)%30)%31]
		if b[17] == creditCheckChar(string(b[:17])) {
			t.Fatalf("checksum misses the change of %s at %d to %s", c, i+1, b)
		}
		if _, err := ParseCreditCode(string(b)); err == nil {
			t.Fatalf("changed %s → %s validates", c, b)
		}
	})
}

func FuzzParseOrgCode(f *testing.F) {
	f.Add("M000100Y4")
	f.Add("12345678-8")
	f.Fuzz(func(t *testing.T, s string) {
		org, err := ParseOrgCode(s)
		if err != nil {
			checkIsError(t, err)
			return
		}
		if len(org) != 9 || !utf8.ValidString(org) {
			t.Fatalf("ParseOrgCode(%q) = %q", s, org)
		}
		if again, err := ParseOrgCode(org[:8] + "-" + org[8:]); err != nil || again != org {
			t.Fatalf("re-parse of %q = %q, %v", org, again, err)
		}
	})
}

func FuzzParseDivision(f *testing.F) {
	for _, s := range []string{"320102", "442000001000", "220581102201", "110000001000", "810000", "", "12"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDivision(s)
		if err != nil {
			checkIsError(t, err)
			return
		}
		if again, err := ParseDivision(d.Code()); err != nil || again != d {
			t.Fatalf("re-parse of %s = %v, %v", d, again, err)
		}
		padded := d.Prefix() + strings.Repeat("0", 12-len(d.Prefix()))
		if padded != d.Code() {
			t.Fatalf("%s: prefix %s does not pad back", d, d.Prefix())
		}
		checkParents(t, d)
		for l := LevelProvince; l <= d.Level(); l++ {
			if a, ok := d.Ancestor(l); ok && (a.Level() != l || l < d.Level() && !a.IsAncestorOf(d)) {
				t.Fatalf("%s.Ancestor(%v) = %s", d, l, a)
			}
		}
	})
}

// checkParents walks up from d: each parent is a higher-level ancestor,
// and the walk ends at a province.
func checkParents(t *testing.T, d Division) {
	for steps := 0; ; steps++ {
		p, ok := d.Parent()
		if !ok {
			if d.Level() != LevelProvince {
				t.Fatalf("%s (level %v) has no parent", d, d.Level())
			}
			return
		}
		if steps > 4 || p.Level() >= d.Level() || !p.IsAncestorOf(d) || d.IsAncestorOf(p) {
			t.Fatalf("bad parent %s (%v) of %s (%v)", p, p.Level(), d, d.Level())
		}
		if _, err := ParseDivision(p.Code()); err != nil {
			t.Fatalf("parent %s of %s does not parse: %v", p, d, err)
		}
		d = p
	}
}
