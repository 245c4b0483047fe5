package detect

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Method describes one detection method for callers that choose it by name
// (the CLI, the surveillance service): its parameters as strings, with R's
// names and defaults.
type Method struct {
	Name   string  // R's name: earsC1, cusum, glrnb, …
	Title  string  // one line for listings
	Params []Param // accepted parameters besides "range"
	run    func(s Series, rng []int, p *paramReader) (*Result, error)
}

// Param is one string parameter of a Method.
type Param struct {
	Name    string
	Default string
	Doc     string
}

// Methods returns every method, sorted by name.
func Methods() []Method {
	ms := methodTable()
	slices.SortFunc(ms, func(a, b Method) int { return strings.Compare(a.Name, b.Name) })
	return ms
}

// LookupMethod returns the method called name.
func LookupMethod(name string) (Method, bool) {
	for _, m := range methodTable() {
		if m.Name == name {
			return m, true
		}
	}
	return Method{}, false
}

// Run runs the method called name on s with parameters given as strings
// (names as R's control list, e.g. "b", "w", "alpha", "c.ARL"; values as
// R would print them: 5, 0.05, TRUE/true, "2/3", "5,4" for limit54). A
// missing parameter takes R's default. An unknown method, an unknown
// parameter or a bad value is an ErrInvalidControl naming it.
func Run(name string, s Series, params map[string]string) (*Result, error) {
	m, ok := LookupMethod(name)
	if !ok {
		names := make([]string, 0)
		for _, m := range Methods() {
			names = append(names, m.Name)
		}
		return nil, invalidControl("unknown method %q (known: %s)", name, strings.Join(names, ", "))
	}
	return m.Run(s, params)
}

// Run runs m; see the package-level Run.
func (m Method) Run(s Series, params map[string]string) (*Result, error) {
	p := &paramReader{method: m, raw: params, used: map[string]bool{}}
	rng, err := parseRange(params["range"], len(s.Observed))
	p.used["range"] = true
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.Name, err)
	}
	if err := p.checkKnown(); err != nil {
		return nil, err
	}
	res, err := m.run(s, rng, p)
	if p.err != nil {
		return nil, p.err
	}
	return res, err
}

// parseRange turns "last:N" or "A:B" (1-based, inclusive) into 0-based
// indices; "" gives nil (the method's default).
func parseRange(v string, n int) ([]int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	a, b, ok := strings.Cut(v, ":")
	if !ok {
		return nil, invalidControl("range %q: want last:N or A:B", v)
	}
	if a == "last" {
		k, err := strconv.Atoi(b)
		if err != nil || k < 1 {
			return nil, invalidControl("range %q: N must be a positive integer", v)
		}
		if k > n {
			return nil, wrapKind(ErrTooShort, "range %q: the series has only %d points", v, n)
		}
		return indexRange(n-k, n), nil
	}
	from, err1 := strconv.Atoi(a)
	to, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || from < 1 || to < from {
		return nil, invalidControl("range %q: want 1 ≤ A ≤ B", v)
	}
	if to > n {
		return nil, invalidControl("range %q: the series has only %d points", v, n)
	}
	return indexRange(from-1, to), nil
}

// paramReader reads string parameters into typed values, keeping the
// first error.
type paramReader struct {
	method Method
	raw    map[string]string
	used   map[string]bool
	err    error
}

func (p *paramReader) checkKnown() error {
	for _, k := range sortedParamKeys(p.raw) {
		if k == "range" {
			continue
		}
		known := false
		for _, q := range p.method.Params {
			known = known || q.Name == k
		}
		if !known {
			names := make([]string, len(p.method.Params))
			for i, q := range p.method.Params {
				names[i] = q.Name
			}
			return invalidControl("%s: unknown parameter %q (known: %s)", p.method.Name, k, strings.Join(names, ", "))
		}
	}
	return nil
}

func sortedParamKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// value returns the raw value of name, or its declared default.
func (p *paramReader) value(name string) string {
	if v, ok := p.raw[name]; ok {
		return strings.TrimSpace(v)
	}
	for _, q := range p.method.Params {
		if q.Name == name {
			return q.Default
		}
	}
	if p.err == nil { // a bug in methodTable, caught by TestMethodDefaults
		p.err = fmt.Errorf("detect: parameter %s not declared for %s", name, p.method.Name)
	}
	return ""
}

func (p *paramReader) fail(name, v, want string) {
	if p.err == nil {
		p.err = invalidControl("%s: parameter %s = %q: want %s", p.method.Name, name, v, want)
	}
}

func (p *paramReader) Float(name string) float64 {
	v := p.value(name)
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		p.fail(name, v, "a number")
	}
	return f
}

func (p *paramReader) Int(name string) int {
	v := p.value(name)
	i, err := strconv.Atoi(v)
	if err != nil {
		p.fail(name, v, "an integer")
	}
	return i
}

func (p *paramReader) Bool(name string) bool {
	v := p.value(name)
	switch strings.ToLower(v) {
	case "true", "t", "yes", "1":
		return true
	case "false", "f", "no", "0":
		return false
	}
	p.fail(name, v, "true or false")
	return false
}

// Ints reads a comma-separated list of integers (e.g. limit54 = "5,4").
func (p *paramReader) Ints(name string) []int {
	v := p.value(name)
	var out []int
	for _, f := range strings.Split(v, ",") {
		i, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			p.fail(name, v, "comma-separated integers")
			return nil
		}
		out = append(out, i)
	}
	return out
}

func (p *paramReader) String(name string) string { return p.value(name) }
