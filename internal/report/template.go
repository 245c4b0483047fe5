package report

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// Template is a report template: Markdown with Go template placeholders
// (see doc.go for the functions), loaded and checked against the
// indicator library.
type Template struct {
	Name        string // file name without .md
	Title       string // 半年工作总结
	Description string
	File        string // for messages
	PeriodTypes []period.Type
	Span        string // SpanYTD or SpanPeriod
	tmpl        *template.Template
	codes       []string // indicators the template names, in order of first use
	unitCodes   []string // those of them shown by unit (tables, best, worst)
	lib         *indicator.Library
	body        string // the template text, for columns
	allByUnit   bool   // behind or problems over every indicator: all are asked by unit
}

// How a template's figures cover time.
const (
	SpanYTD    = "ytd"    // the year of the period, cut at the as-of date (截至…): work summaries
	SpanPeriod = "period" // the period itself (a month, a quarter): 月报, 季报
)

// header is a template's front matter.
type header struct {
	Title       string   `yaml:"title"`
	Description string   `yaml:"description"`
	Periods     []string `yaml:"periods"`
	Span        string   `yaml:"span"`
}

// Error is a mistake in a template, with its place.
type Error struct {
	File      string
	Line, Col int // 1-based; 0 when unknown
	Msg       weijian.Text
}

func (e *Error) Error() string { return e.String("en") }

// String formats the error as FILE:LINE:COL: message in lang.
func (e *Error) String(lang string) string {
	pos := e.File
	if e.Line > 0 {
		pos += ":" + strconv.Itoa(e.Line)
		if e.Col > 0 {
			pos += ":" + strconv.Itoa(e.Col)
		}
	}
	return pos + ": " + e.Msg.In(lang)
}

// asInvalid wraps a template error as the domain's invalid-input error.
func asInvalid(e *Error) error {
	return weijian.Wrap(weijian.KindInvalid, weijian.T("报告模板有误："+e.String("zh"), "error in the report template: "+e.String("en")), e)
}

// Parse reads a template from src. file names it in messages. Every
// indicator code the template names must be in lib; every function must
// be one of the documented set.
func Parse(file, src string, lib *indicator.Library) (*Template, error) {
	name := strings.TrimSuffix(baseName(file), ".md")
	h, body, herr := splitHeader(file, src)
	if herr != nil {
		return nil, asInvalid(herr)
	}
	t := &Template{Name: name, Title: h.Title, Description: h.Description, File: file, Span: h.Span, lib: lib}
	if t.Title == "" {
		t.Title = name
	}
	if serr := t.setHeader(h); serr != nil {
		return nil, asInvalid(serr)
	}
	tm, perr := template.New(name).Option("missingkey=error").Funcs(stubFuncs()).Parse(body)
	if perr != nil {
		return nil, asInvalid(parseError(file, body, perr))
	}
	t.tmpl, t.body = tm, body
	if werr := t.walk(tm.Tree.Root); werr != nil {
		return nil, asInvalid(werr)
	}
	return t, nil
}

func baseName(file string) string {
	if i := strings.LastIndexAny(file, `/\`); i >= 0 {
		return file[i+1:]
	}
	return file
}

// splitHeader takes the YAML front matter off src, leaving blank lines in
// its place so the template's line numbers stay those of the file.
func splitHeader(file, src string) (header, string, *Error) {
	var h header
	src = strings.TrimPrefix(src, "\uFEFF")
	if !strings.HasPrefix(src, "---\n") && !strings.HasPrefix(src, "---\r\n") {
		return h, src, nil
	}
	lines := strings.SplitAfter(src, "\n")
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "---" {
			if err := yaml.Unmarshal([]byte(strings.Join(lines[1:i], "")), &h); err != nil {
				return h, "", &Error{File: file, Line: 2, Msg: weijian.T("模板头（YAML）无法解析："+err.Error(), "cannot read the template header (YAML): "+err.Error())}
			}
			return h, strings.Repeat("\n", i+1) + strings.Join(lines[i+1:], ""), nil
		}
	}
	return h, "", &Error{File: file, Line: 1, Msg: weijian.T("模板头缺少结束行 ---", "the template header has no closing ---")}
}

func (t *Template) setHeader(h header) *Error {
	switch t.Span {
	case "":
		t.Span = SpanYTD
	case SpanYTD, SpanPeriod:
	default:
		return &Error{File: t.File, Line: 1, Msg: weijian.T("span 须为 ytd 或 period："+t.Span, "span must be ytd or period: "+t.Span)}
	}
	for _, p := range h.Periods {
		pt, err := period.ParseType(p)
		if err != nil {
			return &Error{File: t.File, Line: 1, Msg: weijian.T("未知的期间类型："+p, "unknown period type: "+p)}
		}
		t.PeriodTypes = append(t.PeriodTypes, pt)
	}
	return nil
}

var (
	parseErrRE = regexp.MustCompile(`^template: [^:]*:(\d+):(?:(\d+):)? ?(.*)$`)
	quotedRE   = regexp.MustCompile(`"([^"]+)"`)
)

// parseError turns text/template's parse error into an Error with the
// line and, where the message names the culprit, its column.
func parseError(file, body string, err error) *Error {
	msg := err.Error()
	m := parseErrRE.FindStringSubmatch(msg)
	if m == nil {
		return &Error{File: file, Msg: weijian.T(msg, msg)}
	}
	line, _ := strconv.Atoi(m[1])
	col, _ := strconv.Atoi(m[2])
	text := m[3]
	if col == 0 {
		col = columnOf(body, line, text)
	}
	zh := text
	if strings.Contains(text, "not defined") {
		if q := quotedRE.FindStringSubmatch(text); q != nil {
			zh = "未知的函数 " + q[1] + "（可用的函数见模板说明）"
		}
	}
	return &Error{File: file, Line: line, Col: col, Msg: weijian.T(zh, text)}
}

// runeColumn turns a 0-based byte offset on line into a 1-based column
// in characters.
func runeColumn(body string, line, b int) int {
	lines := strings.Split(body, "\n")
	if line < 1 || line > len(lines) || b > len(lines[line-1]) {
		return b + 1
	}
	return utf8.RuneCountInString(lines[line-1][:b]) + 1
}

// columnOf finds the column (in characters) on line of the name quoted in
// msg, or of the line's first action.
func columnOf(body string, line int, msg string) int {
	lines := strings.Split(body, "\n")
	if line < 1 || line > len(lines) {
		return 0
	}
	l := lines[line-1]
	i := -1
	if q := quotedRE.FindStringSubmatch(msg); q != nil {
		i = strings.Index(l, q[1])
	}
	if i < 0 {
		i = strings.Index(l, "{{")
	}
	if i < 0 {
		return 0
	}
	return utf8.RuneCountInString(l[:i]) + 1
}

// nodeError is an Error at a parse-tree node.
func (t *Template) nodeError(n parse.Node, zh, en string) *Error {
	loc, _ := t.tmpl.ErrorContext(n)
	e := &Error{File: t.File, Msg: weijian.T(zh, en)}
	if parts := strings.Split(loc, ":"); len(parts) >= 3 {
		e.Line, _ = strconv.Atoi(parts[len(parts)-2])
		b, _ := strconv.Atoi(parts[len(parts)-1]) // a byte offset from 0
		e.Col = runeColumn(t.body, e.Line, b)
	}
	return e
}

// walk checks every call of a figure function: its indicator codes must
// be string constants naming indicators of the library. It records the
// codes for one query before rendering.
func (t *Template) walk(n parse.Node) *Error {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := t.walk(c); err != nil {
				return err
			}
		}
	case *parse.ActionNode:
		return t.walk(n.Pipe)
	case *parse.IfNode:
		return t.walkBranch(&n.BranchNode)
	case *parse.RangeNode:
		return t.walkBranch(&n.BranchNode)
	case *parse.WithNode:
		return t.walkBranch(&n.BranchNode)
	case *parse.TemplateNode:
		return t.walk(n.Pipe)
	case *parse.PipeNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Cmds {
			if err := t.command(c); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *Template) walkBranch(b *parse.BranchNode) *Error {
	for _, n := range []parse.Node{b.Pipe, b.List, b.ElseList} {
		if n == nil || (n == (*parse.ListNode)(nil)) {
			continue
		}
		if err := t.walk(n); err != nil {
			return err
		}
	}
	return nil
}

func (t *Template) command(c *parse.CommandNode) *Error {
	for _, a := range c.Args {
		if p, ok := a.(*parse.PipeNode); ok {
			if err := t.walk(p); err != nil {
				return err
			}
		}
	}
	id, ok := c.Args[0].(*parse.IdentifierNode)
	if !ok {
		return nil
	}
	spec, ok := funcSpecs[id.Ident]
	if !ok || spec.codes == codesNone {
		return nil
	}
	args := c.Args[1:]
	if len(args) == 0 && spec.codes == codesFirst {
		return t.nodeError(c, id.Ident+" 需要指标代码", id.Ident+" needs an indicator code")
	}
	if spec.codes == codesFirst {
		args = args[:1]
	}
	for _, a := range args {
		s, ok := a.(*parse.StringNode)
		if !ok {
			if spec.codes == codesAll {
				continue // a count (best "x" 3) or a pipeline: checked when rendering
			}
			return t.nodeError(a, id.Ident+" 的指标代码须为带引号的字符串", "the indicator code of "+id.Ident+" must be a quoted string")
		}
		if t.lib == nil || t.lib.Get(s.Text) == nil {
			return t.nodeError(a, "未知的指标："+s.Text, "unknown indicator: "+s.Text)
		}
		t.codes = addCode(t.codes, s.Text)
		if spec.byUnit {
			t.unitCodes = addCode(t.unitCodes, s.Text)
		}
	}
	return nil
}

func addCode(list []string, code string) []string {
	for _, c := range list {
		if c == code {
			return list
		}
	}
	return append(list, code)
}

// Codes returns the indicator codes the template names.
func (t *Template) Codes() []string { return t.codes }

// AcceptsPeriod tells whether p is of a type the template is written for.
func (t *Template) AcceptsPeriod(p period.Period) bool {
	if len(t.PeriodTypes) == 0 {
		return true
	}
	for _, pt := range t.PeriodTypes {
		if p.Type() == pt {
			return true
		}
	}
	return false
}

func (t *Template) String() string { return fmt.Sprintf("%s (%s)", t.Title, t.File) }
