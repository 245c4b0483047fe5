package report

import "github.com/weijian-health/weijian/internal/period"

func mustDate(s string) period.Date {
	d, err := period.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}
