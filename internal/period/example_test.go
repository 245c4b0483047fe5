package period_test

import (
	"fmt"

	"github.com/weijian-health/weijian/internal/period"
)

func ExampleParse() {
	for _, s := range []string{"2024Q2", "2024年上半年", "2020W53", "2024年6月30日"} {
		p, err := period.Parse(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%-10s %-8s %s .. %s  %s | %s\n", p, p.Type(), p.Start(), p.End(), p.Label("zh"), p.Label("en"))
	}
	// Output:
	// 2024Q2     quarter  2024-04-01 .. 2024-06-30  2024年第二季度 | Q2 2024
	// 2024H1     half-year 2024-01-01 .. 2024-06-30  2024年上半年 | H1 2024
	// 2020W53    week     2020-12-28 .. 2021-01-03  2020年第53周 | Week 53, 2020
	// 2024-06-30 day      2024-06-30 .. 2024-06-30  2024年6月30日 | 30 June 2024
}

func ExampleParse_error() {
	_, err := period.Parse("2024Q5")
	fmt.Println(err)
	// Output:
	// period: cannot parse "2024Q5": quarter 5 of 2024 does not exist (want 1–4); accepted forms: 2024, 2024H1, 2024Q2, 2024-06, 2024W23 (or 2024-W23), 2024-06-30, 2024年, 2024年上半年, 2024年第二季度, 2024年6月, 2024年第23周, 2024年6月30日
}

func ExampleOf() {
	d := period.NewDate(2024, 12, 30)
	fmt.Println(period.Of(period.Week, d), period.Of(period.Month, d), period.Of(period.Year, d))
	// Output: 2025W01 2024-12 2024
}

func ExampleSpan_Within() {
	h1, _ := period.Parse("2024H1")
	for _, m := range h1.Span().Within(period.Month) {
		fmt.Print(m.Label("zh"), " ")
	}
	fmt.Println()
	// Output: 2024年1月 2024年2月 2024年3月 2024年4月 2024年5月 2024年6月
}

func ExampleYearToDate() {
	asOf := period.NewDate(2024, 8, 15)
	fmt.Println(period.YearToDate(asOf), period.AsOfLabel(asOf, "zh"))
	fmt.Println(period.ToDate(period.Quarter, asOf), period.AsOfLabel(asOf, "en"))
	// Output:
	// 2024-01-01/2024-08-15 截至2024年8月15日
	// 2024-07-01/2024-08-15 as of 15 August 2024
}

// 序时进度 of the year 2024 at the end of June, by the three conventions.
func ExamplePacer() {
	year, _ := period.Parse("2024")
	asOf := period.NewDate(2024, 6, 30)
	// A seasonal plan: triple weight for the spring months March–May.
	seasonal, _ := period.NewCurve([12]float64{1, 1, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1})
	for _, c := range []struct {
		name  string
		pacer period.Pacer
	}{{"by days", period.ByDays{}}, {"by months", period.ByMonths{}}, {"seasonal", seasonal}} {
		fmt.Printf("%-9s %.2f%%\n", c.name, 100*c.pacer.Pace(year, asOf))
	}
	// Output:
	// by days   49.73%
	// by months 50.00%
	// seasonal  66.67%
}
