package detect

import (
	"slices"
	"strconv"
	"strings"
)

// methodTable lists every method with its string parameters; the defaults
// are R's (DefaultXControl) written out.
func methodTable() []Method {
	ms := []Method{
		earsMethod(C1), earsMethod(C2), earsMethod(C3), earsCMethod(),
		{
			Name:  "cusum",
			Title: "CUSUM of standardised counts (Rossi et al. 1999; R algo.cusum)",
			Params: []Param{
				{"k", "1.04", "reference value k"},
				{"h", "2.26", "decision interval h (alarm when the CUSUM ≥ h)"},
				{"m", "mean", `in-control mean: "mean" (of the counts before the range), a number, or "glm" (seasonal Poisson GLM)`},
				{"trans", "standard", "transform: standard, rossi, anscombe, anscombe2nd, pearsonNegBin, none"},
				{"alpha", "0.1", "negative-binomial dispersion for pearsonNegBin"},
			},
			run: runCUSUM,
		},
		{
			Name:  "glrnb",
			Title: "GLR CUSUM for a rise in a Poisson/negative-binomial mean (Höhle & Paul 2008; R algo.glrnb)",
			Params: []Param{
				{"c.ARL", "5", "alarm threshold on the GLR statistic"},
				{"S", "1", "harmonics of the in-control GLM"},
				{"trend", "false", "linear trend in the in-control GLM"},
				{"alpha", "0", "negative-binomial dispersion (0 = Poisson)"},
				{"ret", "value", `upper bound reported: "value" (the statistic) or "cases" (cases needed for an alarm)`},
				{"xMax", "10000", `search limit of ret = "cases" (negative binomial)`},
			},
			run: runGLRNB,
		},
		{
			Name:  "bayes",
			Title: "Bayes system: negative-binomial posterior predictive (Riebler 2004; R algo.bayes)",
			Params: []Param{
				{"b", "0", "years back"},
				{"w", "6", "half window (weeks, days …) around the same point in past years"},
				{"actY", "true", "also use the w most recent counts"},
				{"alpha", "0.05", "one-sided level of the bound"},
			},
			run: runBayes,
		},
		{
			Name:   "cidarsFixed",
			Title:  "CIDARS fixed threshold: a signal at every count ≥ threshold (single-case diseases)",
			Params: []Param{{"threshold", "1", "count that triggers a signal"}},
			run:    runFixed,
		},
		{
			Name:  "cidarsMPM",
			Title: "CIDARS moving percentile method: current 7-day count vs a percentile of past years' blocks",
			Params: []Param{
				{"percentile", "50", "threshold Px, 0 < x < 100 (Sun et al. 2011: P50 … P90 by disease)"},
				{"years", "3", "years of history"},
				{"adjacent", "2", "blocks taken on each side of the same period in each year"},
				{"block", "0", "block length in observations (0: 7 for daily data, 1 for weekly/monthly)"},
			},
			run: runMPM,
		},
	}
	return append(ms, farringtonMethods()...)
}

func earsMethod(m EARSMethod) Method {
	d := DefaultEARSControl(m)
	return Method{
		Name:  "ears" + string(m),
		Title: "EARS " + string(m) + " (Hutwagner et al. 2003; R earsC)",
		Params: []Param{
			{"baseline", strconv.Itoa(d.Baseline), "number of reference counts (≥ 3)"},
			{"alpha", strconv.FormatFloat(d.Alpha, 'g', -1, 64), "one-sided level of the bound"},
			{"minSigma", "0", "lower bound on the standard deviation"},
		},
		run: func(s Series, rng []int, p *paramReader) (*Result, error) {
			ctl := EARSControl{Method: m, Range: rng, Baseline: p.Int("baseline"), Alpha: p.Float("alpha"), MinSigma: p.Float("minSigma")}
			if p.err != nil {
				return nil, p.err
			}
			return EARS(s, ctl)
		},
	}
}

// earsCMethod is R's earsC with the method as a parameter; alpha defaults
// by method as in R (0.001 for C1/C2, 0.025 for C3).
func earsCMethod() Method {
	m := earsMethod(C1)
	m.Name, m.Title = "earsC", "EARS C1, C2 or C3 chosen by the method parameter (R earsC)"
	m.Params = append([]Param{{"method", "C1", "C1, C2 or C3"}}, m.Params...)
	m.Params[2] = Param{"alpha", "", "one-sided level of the bound (default 0.001 for C1/C2, 0.025 for C3)"}
	m.run = func(s Series, rng []int, p *paramReader) (*Result, error) {
		ctl := DefaultEARSControl(EARSMethod(p.String("method")))
		ctl.Range, ctl.Baseline, ctl.MinSigma = rng, p.Int("baseline"), p.Float("minSigma")
		if p.String("alpha") != "" {
			ctl.Alpha = p.Float("alpha")
		}
		if p.err != nil {
			return nil, p.err
		}
		return EARS(s, ctl)
	}
	return m
}

func runCUSUM(s Series, rng []int, p *paramReader) (*Result, error) {
	ctl := CUSUMControl{Range: rng, K: p.Float("k"), H: p.Float("h"), Trans: CUSUMTransform(p.String("trans")), Alpha: p.Float("alpha")}
	switch m := strings.ToLower(p.String("m")); m {
	case "mean", "null", "":
		ctl.Mean = MeanHistory
	case "glm":
		ctl.Mean = MeanGLM
	default:
		ctl.Mean, ctl.M = MeanFixed, p.Float("m")
	}
	if p.err != nil {
		return nil, p.err
	}
	return CUSUM(s, ctl)
}

func runGLRNB(s Series, rng []int, p *paramReader) (*Result, error) {
	ctl := GLRNBControl{Range: rng, CARL: p.Float("c.ARL"), S: p.Int("S"), Trend: p.Bool("trend"),
		Alpha: p.Float("alpha"), Ret: GLRReturn(p.String("ret")), XMax: p.Float("xMax")}
	if p.err != nil {
		return nil, p.err
	}
	return GLRNB(s, ctl)
}

func runBayes(s Series, rng []int, p *paramReader) (*Result, error) {
	ctl := BayesControl{Range: rng, B: p.Int("b"), W: p.Int("w"), ActY: p.Bool("actY"), Alpha: p.Float("alpha")}
	if p.err != nil {
		return nil, p.err
	}
	return Bayes(s, ctl)
}

func runFixed(s Series, rng []int, p *paramReader) (*Result, error) {
	ctl := FixedControl{Range: rng, Threshold: p.Float("threshold")}
	if p.err != nil {
		return nil, p.err
	}
	return CIDARSFixed(s, ctl)
}

func runMPM(s Series, rng []int, p *paramReader) (*Result, error) {
	ctl := MPMControl{Range: rng, Percentile: p.Float("percentile"), Years: p.Int("years"),
		Adjacent: p.Int("adjacent"), Block: p.Int("block")}
	if p.err != nil {
		return nil, p.err
	}
	return CIDARSMPM(s, ctl)
}

// farringtonMethods lists farrington (Farrington et al. 1996) and
// farringtonFlexible (Noufaily et al. 2013), implemented in farrington.go
// and farrington_flexible.go.
func farringtonMethods() []Method {
	f, x := DefaultFarringtonControl(), DefaultFlexibleControl()
	common := []Param{
		{"b", strconv.Itoa(f.B), "years back"},
		{"w", strconv.Itoa(f.W), "half window around the same week in past years"},
		{"reweight", "true", "down-weight past outbreaks in the baseline"},
		{"trend", "true", "allow a linear time trend (kept only if significant)"},
		{"alpha", "0.05", "level of the bound (two-sided in farrington, one-sided in farringtonFlexible)"},
		{"limit54", "5,4", "no alarm unless the last 4 periods (current included) have ≥ 5 cases: cases,periods"},
		{"powertrans", string(f.PowerTrans), "power transformation: 2/3, 1/2 or none"},
	}
	flexible := slices.Clone(common)
	flexible[0].Default = strconv.Itoa(x.B)
	flexible = append(flexible,
		Param{"weightsThreshold", "2.58", "Anscombe residual above which a count is down-weighted"},
		Param{"pThresholdTrend", "0.05", "the trend is kept if its p-value is below this"},
		Param{"noPeriods", "1", "levels of the seasonal factor (Noufaily: 10; 1 = classic windows)"},
		Param{"pastWeeksNotIncluded", "", "most recent periods left out of the fit (default: w; Noufaily: 26)"},
		Param{"thresholdMethod", string(x.ThresholdMethod), "delta, nbPlugin or muan"},
	)
	return []Method{
		{Name: "farrington", Title: "Farrington et al. 1996 quasi-Poisson GLM (R farrington)", Params: common, run: runFarrington},
		{Name: "farringtonFlexible", Title: "improved Farrington, Noufaily et al. 2013 (R farringtonFlexible)", Params: flexible, run: runFlexible},
	}
}

// limit54 reads "cases,periods".
func (p *paramReader) limit54() [2]int {
	l := p.Ints("limit54")
	if len(l) != 2 {
		p.fail("limit54", p.value("limit54"), "two integers: cases,periods")
		return [2]int{}
	}
	return [2]int{l[0], l[1]}
}

func runFarrington(s Series, rng []int, p *paramReader) (*Result, error) {
	ctl := FarringtonControl{Range: rng, B: p.Int("b"), W: p.Int("w"), Reweight: p.Bool("reweight"),
		Trend: p.Bool("trend"), Alpha: p.Float("alpha"), Limit54: p.limit54(), PowerTrans: PowerTrans(p.String("powertrans"))}
	if p.err != nil {
		return nil, p.err
	}
	return Farrington(s, ctl)
}

func runFlexible(s Series, rng []int, p *paramReader) (*Result, error) {
	ctl := FlexibleControl{Range: rng, B: p.Int("b"), W: p.Int("w"), Reweight: p.Bool("reweight"),
		WeightsThreshold: p.Float("weightsThreshold"), Alpha: p.Float("alpha"), Trend: p.Bool("trend"),
		PThresholdTrend: p.Float("pThresholdTrend"), Limit54: p.limit54(), PowerTrans: PowerTrans(p.String("powertrans")),
		NoPeriods: p.Int("noPeriods"), ThresholdMethod: ThresholdMethod(p.String("thresholdMethod"))}
	ctl.PastWeeksNotIncluded = ctl.W // R: NULL means w
	if p.String("pastWeeksNotIncluded") != "" {
		ctl.PastWeeksNotIncluded = p.Int("pastWeeksNotIncluded")
	}
	if p.err != nil {
		return nil, p.err
	}
	return FarringtonFlexible(s, ctl)
}
