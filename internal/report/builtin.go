package report

import (
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/metadata"
)

// MaxTemplate is the largest template file read.
const MaxTemplate = 1 << 20

// Builtins loads the built-in templates (metadata/reports/*.md), sorted
// by name.
func Builtins(lib *indicator.Library) ([]*Template, error) {
	files, err := fs.Glob(metadata.Reports, "reports/*.md")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []*Template
	for _, f := range files {
		b, err := metadata.Reports.ReadFile(f)
		if err != nil {
			return nil, err
		}
		t, err := Parse("metadata/"+f, string(b), lib)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// Find returns the built-in template named name (its file name without
// .md, or its title).
func Find(list []*Template, name string) *Template {
	for _, t := range list {
		if t.Name == name || t.Title == name {
			return t
		}
	}
	return nil
}

// Load returns the built-in template called name, or else reads the
// template file at that path.
func Load(name string, lib *indicator.Library) (*Template, error) {
	list, err := Builtins(lib)
	if err != nil {
		return nil, err
	}
	if t := Find(list, name); t != nil {
		return t, nil
	}
	if !strings.HasSuffix(name, ".md") && !strings.ContainsAny(name, `/\`) {
		var names []string
		for _, t := range list {
			names = append(names, t.Name+"（"+t.Title+"）")
		}
		return nil, weijian.Invalid(weijian.T("没有名为 "+name+" 的报告模板；内置模板："+strings.Join(names, "、")+"；也可给出模板文件（.md）",
			"no report template named "+name+"; built-in: "+strings.Join(names, ", ")+"; or give a template file (.md)"))
	}
	st, err := os.Stat(name)
	if err != nil {
		return nil, weijian.Wrap(weijian.KindInvalid, weijian.T("无法读取模板文件 "+name, "cannot read the template file "+name), err)
	}
	if st.Size() > MaxTemplate {
		return nil, weijian.Invalid(weijian.T("模板文件过大（上限 1 MB）："+name, "the template file is too large (limit 1 MB): "+name))
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, weijian.Wrap(weijian.KindInvalid, weijian.T("无法读取模板文件 "+name, "cannot read the template file "+name), err)
	}
	return Parse(name, string(b), lib)
}
