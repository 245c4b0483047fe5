package detect

// Fixture runners for farrington and farringtonFlexible (see fixture_test.go).

func init() {
	runners["farrington"] = runner{
		compare: []string{"trend", "expected", "pvalue_q"},
		run: func(s Series, rng []int, c *fixtureControl) (*Result, error) {
			ctl := FarringtonControl{
				Range:      rng,
				B:          c.Int("b"),
				W:          c.Int("w"),
				Reweight:   c.Bool("reweight"),
				Trend:      c.Bool("trend"),
				Alpha:      c.Float("alpha"),
				Limit54:    fixtureLimit54(c),
				PowerTrans: PowerTrans(c.String("powertrans")),
			}
			c.Expect("verbose", "false")
			c.Expect("plot", "false")
			c.Expect("fitFun", `"algo.farrington.fitGLM.fast"`)
			return Farrington(s, ctl)
		},
	}
	runners["farringtonFlexible"] = runner{
		compare: []string{"expected", "score", "pvalue", "mu0Vector", "phiVector", "trendVector", "trend"},
		run: func(s Series, rng []int, c *fixtureControl) (*Result, error) {
			ctl := FlexibleControl{
				Range:                rng,
				B:                    c.Int("b"),
				W:                    c.Int("w"),
				Reweight:             c.Bool("reweight"),
				WeightsThreshold:     c.Float("weightsThreshold"),
				Alpha:                c.Float("alpha"),
				Trend:                c.Bool("trend"),
				PThresholdTrend:      c.Float("pThresholdTrend"),
				Limit54:              fixtureLimit54(c),
				PowerTrans:           PowerTrans(c.String("powertrans")),
				NoPeriods:            c.Int("noPeriods"),
				PastWeeksNotIncluded: c.Int("pastWeeksNotIncluded"),
				ThresholdMethod:      ThresholdMethod(c.String("thresholdMethod")),
			}
			c.Expect("verbose", "false")
			c.Expect("glmWarnings", "true")
			c.Expect("populationOffset", "false")
			c.Expect("fitFun", `"algo.farrington.fitGLM.flexible"`)
			return FarringtonFlexible(s, ctl)
		},
	}
}

// fixtureLimit54 reads limit54 = c(cases, period).
func fixtureLimit54(c *fixtureControl) [2]int {
	c.t.Helper()
	l := c.Floats("limit54")
	if len(l) != 2 || l[0] != float64(int(l[0])) || l[1] != float64(int(l[1])) {
		c.t.Fatalf("control limit54 = %v: want two integers", l)
	}
	return [2]int{int(l[0]), int(l[1])}
}
