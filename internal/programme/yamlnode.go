package programme

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/weijian-health/weijian"
)

// Metadata files are decoded from yaml.Node trees rather than with
// struct tags so that every error names the line of the offending value
// and its path, and an unknown key (a typo) is an error, not ignored.
// go.yaml.in/yaml/v3 is the YAML organisation's maintained continuation of
// the archived gopkg.in/yaml.v3, with the same node API.

// MetadataError is one problem in a metadata file: the file, the line and
// column, the path of the field inside the file, and what is wrong.
type MetadataError struct {
	File   string
	Line   int
	Column int
	Field  string // e.g. stages[followup].fields[sbp].max
	Msg    string
}

func (e *MetadataError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", e.File, e.Line, e.Column, e.Field, e.Msg)
}

// MetadataErrors is every problem found while loading a catalogue.
type MetadataErrors []*MetadataError

func (es MetadataErrors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// decoder collects the errors of one file.
type decoder struct {
	file string
	errs *MetadataErrors
}

func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	e := &MetadataError{File: d.file, Field: path, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	*d.errs = append(*d.errs, e)
}

// obj is a YAML mapping being decoded; done reports the keys not read.
type obj struct {
	d    *decoder
	n    *yaml.Node
	path string
	keys map[string]*yaml.Node
	key  map[string]*yaml.Node // key nodes, for positions of unknown keys
	used map[string]bool
	bad  bool // not a mapping: reported once, no errors for its keys
}

// deref follows a YAML alias (*name) to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 10; i++ {
		n = n.Alias
	}
	return n
}

// at returns the value node of key k for an error position, or the
// mapping itself when k is absent.
func (o *obj) at(k string) *yaml.Node {
	if n := o.keys[k]; n != nil {
		return n
	}
	return o.n
}

func (d *decoder) obj(n *yaml.Node, path string) *obj {
	n = deref(n)
	o := &obj{d: d, n: n, path: path, keys: map[string]*yaml.Node{}, key: map[string]*yaml.Node{}, used: map[string]bool{}}
	if n == nil || n.Kind == 0 {
		return o
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "expected a mapping (key: value lines)")
		o.bad = true
		return o
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if _, dup := o.keys[k]; dup {
			d.errorf(n.Content[i], o.sub(k), "key %q appears twice", k)
		}
		o.keys[k], o.key[k] = deref(n.Content[i+1]), n.Content[i]
	}
	return o
}

func (o *obj) sub(k string) string {
	if o.path == "" {
		return k
	}
	return o.path + "." + k
}

// get returns the value node of key (nil when absent) and marks it read.
func (o *obj) get(k string) *yaml.Node {
	o.used[k] = true
	n := o.keys[k]
	if n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	return n
}

func (o *obj) has(k string) bool { return o.keys[k] != nil }

// done reports every key that was not read: a misspelt key is an error.
func (o *obj) done() {
	var unknown []string
	for k := range o.keys {
		if !o.used[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		o.d.errorf(o.key[k], o.sub(k), "unknown key %q", k)
	}
}

func (o *obj) scalar(k string, required bool) (*yaml.Node, bool) {
	n := o.get(k)
	if n == nil {
		if required && !o.bad {
			o.d.errorf(o.n, o.sub(k), "required key %q is missing", k)
		}
		return nil, false
	}
	if n.Kind != yaml.ScalarNode {
		o.d.errorf(n, o.sub(k), "expected a single value")
		return nil, false
	}
	return n, true
}

func (o *obj) str(k string, required bool) string {
	n, ok := o.scalar(k, required)
	if !ok {
		return ""
	}
	if required && strings.TrimSpace(n.Value) == "" {
		o.d.errorf(n, o.sub(k), "must not be empty")
	}
	return n.Value
}

func (o *obj) boolean(k string) bool {
	n, ok := o.scalar(k, false)
	if !ok {
		return false
	}
	switch n.Value {
	case "true":
		return true
	case "false":
		return false
	}
	o.d.errorf(n, o.sub(k), "expected true or false, found %q", n.Value)
	return false
}

func (o *obj) integer(k string, required bool) int {
	n, ok := o.scalar(k, required)
	if !ok {
		return 0
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil {
		o.d.errorf(n, o.sub(k), "expected a whole number, found %q", n.Value)
	}
	return v
}

func (o *obj) number(k string) *float64 {
	n, ok := o.scalar(k, false)
	if !ok {
		return nil
	}
	v, err := strconv.ParseFloat(n.Value, 64)
	if err != nil {
		o.d.errorf(n, o.sub(k), "expected a number, found %q", n.Value)
		return nil
	}
	return &v
}

// text reads a bilingual text: {zh: …, en: …} or a plain string (Chinese).
func (o *obj) text(k string, required bool) weijian.Text {
	n := o.get(k)
	if n == nil {
		if required && !o.bad {
			o.d.errorf(o.n, o.sub(k), "required key %q is missing", k)
		}
		return weijian.Text{}
	}
	if n.Kind == yaml.ScalarNode {
		return weijian.Text{ZH: n.Value}
	}
	t := o.d.obj(n, o.sub(k))
	out := weijian.Text{ZH: t.str("zh", true), EN: t.str("en", false)}
	t.done()
	return out
}

// list returns the items of a sequence (nil when absent).
func (o *obj) list(k string) []*yaml.Node {
	n := o.get(k)
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		o.d.errorf(n, o.sub(k), "expected a list (lines starting with -)")
		return nil
	}
	items := make([]*yaml.Node, len(n.Content))
	for i, it := range n.Content {
		items[i] = deref(it)
	}
	return items
}

// strs reads a list of scalars, or one scalar as a list of one.
func (o *obj) strs(k string) []string {
	n := o.get(k)
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	var out []string
	for _, it := range o.list(k) {
		if it.Kind != yaml.ScalarNode {
			o.d.errorf(it, o.sub(k), "expected a single value")
			continue
		}
		out = append(out, it.Value)
	}
	return out
}

// expr parses an expression value; names are checked later by the caller.
func (o *obj) expr(k string) (*Expr, *yaml.Node) {
	n, ok := o.scalar(k, false)
	if !ok {
		return nil, nil
	}
	e, err := ParseExpr(n.Value)
	if err != nil {
		o.d.errorf(n, o.sub(k), "expression %q: %v", n.Value, err)
		return nil, nil
	}
	return e, n
}

// age reads an age or offset such as 35y, 28d, 3m, 12w.
func (o *obj) age(k string) *Age {
	n, ok := o.scalar(k, false)
	if !ok {
		return nil
	}
	a, err := ParseAge(n.Value)
	if err != nil {
		o.d.errorf(n, o.sub(k), "%v", err)
		return nil
	}
	return &a
}

// ParseAge parses an age written as a whole number and a unit: 35y, 6m,
// 12w, 28d.
func ParseAge(s string) (Age, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 2 {
		u := AgeUnit(s[len(s)-1:])
		n, err := strconv.Atoi(s[:len(s)-1])
		if err == nil && n >= 0 && (u == Days || u == Weeks || u == Months || u == Years) {
			return Age{N: n, Unit: u}, nil
		}
	}
	return Age{}, fmt.Errorf("age %q is not a whole number followed by d, w, m or y (e.g. 35y, 6m, 28d)", s)
}
