package programme

import (
	"fmt"
	"math"

	"github.com/weijian-health/weijian/internal/period"
)

// evalCall evaluates a built-in function. present() is the only function
// that looks at an unknown argument; the others are unknown when any
// argument is.
func evalCall(n callNode, env Env) (any, error) {
	args := make([]any, len(n.args))
	for i, a := range n.args {
		v, err := eval(a, env)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	if n.fn == "present" {
		return present(args[0]), nil
	}
	for _, a := range args {
		if a == nil {
			return nil, nil
		}
	}
	switch n.fn {
	case "round":
		return callRound(args)
	case "min", "max", "abs", "floor":
		return callNumeric(n.fn, args)
	case "days", "years", "months":
		return callSpan(n.fn, args)
	case "date":
		s, ok := args[0].(string)
		if !ok {
			return nil, fmt.Errorf("date() needs text")
		}
		d, err := period.ParseDate(s)
		if err != nil {
			return nil, err
		}
		return d, nil
	case "count":
		if l, ok := args[0].([]any); ok {
			return float64(len(l)), nil
		}
		return nil, fmt.Errorf("count() needs a list")
	}
	return nil, fmt.Errorf("unknown function %q", n.fn)
}

func present(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case string:
		return v != ""
	case []any:
		return len(v) > 0
	}
	return true
}

func callRound(args []any) (any, error) {
	x, ok1 := args[0].(float64)
	d, ok2 := args[1].(float64)
	if !ok1 || !ok2 || d < 0 || d > 6 {
		return nil, fmt.Errorf("round() needs a number and 0–6 decimals")
	}
	p := math.Pow(10, math.Trunc(d))
	if r := math.Round(x*p) / p; !math.IsInf(r, 0) && !math.IsNaN(r) {
		return r, nil
	}
	return x, nil // too large to have decimals left to round
}

func callNumeric(fn string, args []any) (any, error) {
	var best float64
	for i, a := range args {
		x, ok := a.(float64)
		if !ok {
			return nil, fmt.Errorf("%s() needs numbers", fn)
		}
		switch {
		case fn == "abs":
			return math.Abs(x), nil
		case fn == "floor":
			return math.Floor(x), nil
		case i == 0, fn == "min" && x < best, fn == "max" && x > best:
			best = x
		}
	}
	return best, nil
}

// callSpan returns the whole days, months or years from the first date to
// the second (negative when the second is earlier).
func callSpan(fn string, args []any) (any, error) {
	a, ok1 := args[0].(period.Date)
	b, ok2 := args[1].(period.Date)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("%s() needs two dates", fn)
	}
	switch fn {
	case "days":
		return float64(b.DaysSince(a)), nil
	case "months":
		return float64(monthsBetween(a, b)), nil
	}
	return float64(monthsBetween(a, b) / 12), nil
}

// monthsBetween returns the completed months from a to b (a ≤ b), or the
// negated count from b to a.
func monthsBetween(a, b period.Date) int {
	if b.Before(a) {
		return -monthsBetween(b, a)
	}
	m := (b.Year-a.Year)*12 + int(b.Month) - int(a.Month)
	if b.Day < a.Day && !(b.Day == daysInMonth(b) && a.Day > b.Day) {
		m--
	}
	return m
}

func daysInMonth(d period.Date) int {
	return period.NewDate(d.Year, d.Month+1, 1).AddDays(-1).Day
}

// AgeYears returns the completed years of life at date d of someone born
// on birth (a person born on 29 February turns a year older on 28 February).
func AgeYears(birth, d period.Date) int { return monthsBetween(birth, d) / 12 }

// AgeMonths returns the completed months of life at d.
func AgeMonths(birth, d period.Date) int { return monthsBetween(birth, d) }
