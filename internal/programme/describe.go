package programme

import (
	"strings"

	"github.com/weijian-health/weijian"
)

// Describe renders the eligibility for people: 35岁及以上；女性；辖区常住居民.
func (e Eligibility) Describe() weijian.Text {
	var zh, en []string
	switch {
	case e.MinAge != nil && e.MaxAge != nil:
		zh = append(zh, e.MinAge.Label("zh")+"～"+e.MaxAge.Label("zh"))
		en = append(en, "aged "+e.MinAge.Label("en")+" to "+e.MaxAge.Label("en"))
	case e.MinAge != nil:
		zh = append(zh, e.MinAge.Label("zh")+"及以上")
		en = append(en, "aged "+e.MinAge.Label("en")+" or more")
	case e.MaxAge != nil:
		zh = append(zh, e.MaxAge.Label("zh")+"及以下")
		en = append(en, "aged "+e.MaxAge.Label("en")+" or less")
	}
	if len(e.Sex) > 0 {
		var z, n []string
		for _, s := range e.Sex {
			z = append(z, strings.TrimSuffix(sexCodes[s], "性"))
			n = append(n, map[string]string{"0": "unknown sex", "1": "male", "2": "female", "9": "unstated sex"}[s])
		}
		zh = append(zh, strings.Join(z, "、")+"性")
		en = append(en, strings.Join(n, " or "))
	}
	switch e.Residence {
	case "village":
		zh, en = append(zh, "现住址在辖区内"), append(en, "living in the area")
	case "permanent":
		zh, en = append(zh, "辖区常住居民"), append(en, "permanent residents")
	}
	if len(zh) == 0 {
		return weijian.T("不限", "anyone")
	}
	return weijian.T(strings.Join(zh, "；"), strings.Join(en, "; "))
}

var periodZH = map[string]string{"month": "每月", "quarter": "每季度", "half-year": "每半年", "year": "每年"}

// Describe renders the schedule for people: 每季度1次, 每3年1次,
// 乳腺癌初筛异常后1月内.
func (sc *Schedule) Describe(p *Programme) weijian.Text {
	switch sc.Kind {
	case "period":
		t := sc.Period.String()
		return weijian.T(periodZH[t]+"1次", "once a "+t)
	case "interval":
		return weijian.T("每"+sc.Every.Span("zh")+"1次", "every "+sc.Every.Span("en"))
	case "windows":
		var zh, en []string
		for _, w := range sc.Windows {
			zh, en = append(zh, w.Label.ZH), append(en, w.Label.In("en"))
		}
		return weijian.T(strings.Join(zh, "；"), strings.Join(en, "; "))
	case "after":
		var zh, en []string
		for _, code := range sc.After.Stages {
			if s, ok := p.Stage(code); ok {
				zh, en = append(zh, s.Name.ZH), append(en, s.Name.In("en"))
			}
		}
		cond := "后"
		if sc.After.When != nil {
			cond = "结果需要时"
		}
		return weijian.T(strings.Join(zh, "或")+cond+sc.After.Within.Span("zh")+"内",
			"within "+sc.After.Within.Span("en")+" of "+strings.Join(en, " or ")+" when its result calls for it")
	}
	return weijian.Text{}
}
