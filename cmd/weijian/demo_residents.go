package main

import (
	"fmt"
	"io"
	"strconv"

	"github.com/weijian-health/weijian/internal/demo"
)

// demoScale is the --scale default: WEIJIAN_DEMO_SCALE when set (tests,
// the browser test, benchmarks), else the whole population.
func demoScale(env *cmdEnv) float64 {
	if v := env.getenv("WEIJIAN_DEMO_SCALE"); v != "" {
		if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= demo.MaxScale {
			return f
		}
	}
	return 1
}

// printResidentSummary prints the resident step: persons, services per
// programme and the generated rates beside their targets.
func printResidentSummary(w io.Writer, r demo.ResidentSummary) {
	if r.Persons == 0 {
		return
	}
	fmt.Fprintf(w, "居民 Residents: %s（在世 alive %s，死亡 dead %s），户 households %s；项目登记 enrollments %s，服务记录 services %s（%.1f 秒 s）\n",
		thousands(int64(r.Persons)), thousands(int64(r.Alive)), thousands(int64(r.Dead)), thousands(int64(r.Households)),
		thousands(int64(r.Enrollments)), thousands(int64(r.Events)), r.Elapsed.Seconds())
	fmt.Fprintf(w, "  %-28s %10s %10s %10s\n", "programme 项目", "persons", "enrolled", "services")
	for _, p := range r.Programmes {
		fmt.Fprintf(w, "  %-28s %10s %10s %10s\n", p.Code, thousands(int64(p.Persons)), thousands(int64(p.EnrolledPersons)), thousands(int64(p.Events)))
	}
	fmt.Fprintln(w, "  生成的比率 Generated rates (target):")
	for _, x := range r.Rates {
		pct := 0.0
		if x.Den > 0 {
			pct = float64(x.Num) * 100 / float64(x.Den)
		}
		fmt.Fprintf(w, "  %s %s/%s = %.2f%%（目标 target %.2f%%）\n", x.Name.ZH, thousands(int64(x.Num)), thousands(int64(x.Den)), pct, x.TargetPct)
	}
}
