package report

import "github.com/weijian-health/weijian/internal/period"

func mustDate(s string) period.Date {
	d, err := period.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

var analytics0 = rateCell("x", "o", 1, 2, nil, nil)

func ptr[T any](x T) *T { return &x }
