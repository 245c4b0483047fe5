package period

import (
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"2024", "2024H1", "2024Q2", "2024-06", "2024W23", "2024-W23", "2020W53", "2024-06-30",
		"2024年", "2024年上半年", "2024年第二季度", "2024年6月", "2024年第23周", "2024年6月30日",
		"", "0000", "9999-12-31", "2024Q", "2024年第季度", "２０２４年",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			if !p.IsZero() {
				t.Fatalf("Parse(%q) failed but returned %v", s, p)
			}
			return
		}
		checkRoundTrips(t, p)
	})
}

// checkRoundTrips checks the invariants of a valid period.
func checkRoundTrips(t *testing.T, p Period) {
	t.Helper()
	canon := Format(p)
	if back, err := Parse(canon); err != nil || back != p {
		t.Fatalf("Parse(Format(%v)) = %v, %v", canon, back, err)
	}
	zh := p.Label(LangZH)
	if back, err := Parse(zh); p.Year() >= 1000 && (err != nil || back != p) {
		t.Fatalf("Parse(%q) = %v, %v; want %v", zh, back, err, canon)
	}
	if q, err := New(p.Type(), p.Year(), p.Index()); err != nil || q != p {
		t.Fatalf("New(%v, %d, %d) = %v, %v; want %v", p.Type(), p.Year(), p.Index(), q, err, canon)
	}
	if !utf8.ValidString(p.Label(LangEN)) {
		t.Fatalf("invalid English label for %v", canon)
	}
}

func FuzzOf(f *testing.F) {
	f.Add(int32(0), uint8(2))
	f.Add(int32(18627), uint8(2)) // 2020-12-31
	f.Add(int32(-719162), uint8(6))
	f.Fuzz(func(t *testing.T, n int32, typ uint8) {
		d := fromDayNumber(int(n)%2900000 + 2000) // stays within years 1–9999
		p := Of(Type(typ%6+1), d)
		if !p.Contains(d) || p.Start().After(d) || p.End().Before(d) {
			t.Fatalf("Of(%v, %v) = %v .. %v", p.Type(), d, p.Start(), p.End())
		}
		if p.Next().Prev() != p || p.Prev().Next() != p {
			t.Fatalf("Next/Prev of %v do not invert", p)
		}
		if p.Next().Start() != p.End().AddDays(1) {
			t.Fatalf("%v and %v are not adjacent", p, p.Next())
		}
		if p.Year() >= minYear && p.Year() <= maxYear {
			checkRoundTrips(t, p)
		}
	})
}

func FuzzPace(f *testing.F) {
	f.Add("2024", int32(182), int32(1))
	f.Add("2024Q2", int32(10), int32(40))
	f.Fuzz(func(t *testing.T, s string, offset, step int32) {
		p, err := Parse(s)
		if err != nil {
			return
		}
		d := p.Start().AddDays(int(offset % 800))
		later := d.AddDays(int(step%400+400) % 400)
		w := [12]float64{1, 0, 3, 0, 0, 2, 5, 0, 0, 1, 1, 0}
		c, _ := NewCurve(w)
		for _, pc := range []Pacer{ByDays{}, ByMonths{}, c} {
			a, b := pc.Pace(p, d), pc.Pace(p, later)
			if a < 0 || b > 1 || a > b {
				t.Fatalf("%T.Pace(%v): %v at %v, %v at %v", pc, p, a, d, b, later)
			}
			if (d.Before(p.Start()) && a != 0) || (!d.Before(p.End()) && a != 1) {
				t.Fatalf("%T.Pace(%v, %v) = %v outside the period", pc, p, d, a)
			}
		}
	})
}
