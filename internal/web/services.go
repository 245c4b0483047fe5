package web

import (
	"fmt"
	"sort"
	"strings"

	"github.com/weijian-health/weijian"
)

// programmeNames names the programmes until the metadata catalogue is
// wired in (then the catalogue's names win).
var programmeNames = map[string]weijian.Text{
	"hypertension":  weijian.T("高血压患者健康管理", "Hypertension management"),
	"diabetes":      weijian.T("2型糖尿病患者健康管理", "Type 2 diabetes management"),
	"elderly":       weijian.T("老年人健康管理", "Older people's health management"),
	"child_health":  weijian.T("0–6岁儿童健康管理", "Child health 0–6"),
	"family_doctor": weijian.T("家庭医生签约", "Family-doctor contracts"),
}

func (s *Server) programmeName(code, lang string) string {
	if t, ok := programmeNames[code]; ok {
		return t.In(lang)
	}
	return code
}

func (s *Server) stageName(programme, stage, lang string) string {
	return stage
}

// summarize renders an event's values in one line: "sbp 150, dbp 92".
func (s *Server) summarize(e *weijian.Event, lang string) string {
	keys := make([]string, 0, len(e.Values))
	for k := range e.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %v", k, e.Values[k]))
	}
	return strings.Join(parts, "，")
}

// serviceLinks are the forms a recorder may open for the person.
func (s *Server) serviceLinks(p *weijian.Person, lang string) []serviceLink {
	return nil
}
