package detect

import (
	"errors"
	"math"

	"github.com/weijian-health/weijian/internal/stats"
)

// The seasonal GLMs that give cusum (m = "glm") and glrnb (mu0) their
// in-control means. Both are fitted to the counts before the range.

// appendSeasonalRow appends one row of log μ = β₀ [+ β₁t] + Σ_{s=1}^{S}
// γ_s cos(2sπt/f) + δ_s sin(2sπt/f) to dst, written with R's operation
// order (cos(2*s*pi/p*t)) so the design matches glm's to the last bit.
func appendSeasonalRow(dst []float64, t float64, f, harmonics int, trend bool) []float64 {
	dst = append(dst, 1)
	if trend {
		dst = append(dst, t)
	}
	for s := 1; s <= harmonics; s++ {
		w := 2 * float64(s) * math.Pi / float64(f)
		dst = append(dst, math.Cos(w*t), math.Sin(w*t))
	}
	return dst
}

// trainingRows returns the training counts and their 1-based indices: y[0]
// … y[t₁−1] for a range starting at t₁ (0-based). QUIRK (R's 1:(t₁−1) with
// t₁ = 1 is c(1, 0), and data.frame recycles y[c(1, 0)] = y[1]): a range
// starting at 0 trains on the two rows (y[0], t = 1) and (y[0], t = 0).
func trainingRows(y []float64, t1 int) (ys, ts []float64) {
	if t1 == 0 {
		return []float64{y[0], y[0]}, []float64{1, 0}
	}
	ys, ts = make([]float64, t1), make([]float64, t1)
	for i := range ys {
		ys[i], ts[i] = y[i], float64(i+1)
	}
	return ys, ts
}

// seasonalGLM is one fitted seasonal model.
type seasonalGLM struct {
	fit      *stats.GLMFit
	freq, h  int
	trend    bool
	tOffset  float64 // added to the 1-based index to get the model's t
	warnings []string
}

// fitSeasonalGLM fits the seasonal GLM to the counts before rng[0] (NA rows
// dropped, as glm's na.omit), with the 1-based index plus tOffset as t.
func fitSeasonalGLM(s Series, rng []int, h int, trend bool, tOffset float64, opt stats.GLMOptions) (*seasonalGLM, error) {
	ys, ts := trainingRows(s.Observed, rng[0])
	m := &seasonalGLM{freq: s.Freq, h: h, trend: trend, tOffset: tOffset}
	width := 1 + 2*h
	if trend {
		width++
	}
	rows, resp := make([]float64, 0, len(ys)*width), make([]float64, 0, len(ys))
	for i, v := range ys {
		if IsNA(v) {
			continue
		}
		rows = appendSeasonalRow(rows, ts[i]+tOffset, s.Freq, h, trend)
		resp = append(resp, v)
	}
	if len(resp) == 0 {
		return nil, tooShort("no count before index %d to fit the in-control mean", rng[0])
	}
	p := width
	fit, err := stats.FitGLMRows(rows, len(resp), p, resp, opt)
	if err != nil {
		if errors.Is(err, stats.ErrGLM) {
			return nil, wrapKind(ErrInvalidSeries, "in-control GLM: %v", err)
		}
		return nil, err
	}
	m.fit = fit
	if !fit.Converged {
		m.warnings = append(m.warnings, "glm.fit: algorithm did not converge")
	}
	if fit.Rank < p {
		m.warnings = append(m.warnings, "prediction from a rank-deficient fit may be misleading")
	}
	return m, nil
}

// predict returns exp(η) floored at ε (R's log-link inverse) at the 1-based
// index t; row is scratch for the design row.
func (m *seasonalGLM) predict(t float64, row []float64) float64 {
	row = appendSeasonalRow(row[:0], t+m.tOffset, m.freq, m.h, m.trend)
	eta := 0.0
	for j, b := range m.fit.Coef {
		if !math.IsNaN(b) {
			eta += row[j] * b
		}
	}
	return math.Max(math.Exp(eta), 2.220446049250313e-16)
}

func (m *seasonalGLM) predictRange(rng []int) []float64 {
	out := make([]float64, len(rng))
	row := make([]float64, 0, len(m.fit.Coef))
	for i, t := range rng {
		out[i] = m.predict(float64(t+1), row)
	}
	return out
}

// cusumGLMMean is R's m = "glm" of algo.cusum: a Poisson GLM with one
// harmonic and t = start[2] + index − 1 (index 1-based).
func cusumGLMMean(s Series, rng []int) ([]float64, []string, error) {
	m, err := fitSeasonalGLM(s, rng, 1, false, float64(s.Start[1]-1), stats.GLMOptions{Family: stats.Poisson})
	if err != nil {
		return nil, nil, err
	}
	return m.predictRange(rng), m.warnings, nil
}

// glrMu0 is mu0 = list(S, trend, refit = FALSE) of algo.glrnb: Poisson for
// α = 0, else negative binomial with θ = 1/α; t is the 1-based index.
func glrMu0(s Series, rng []int, ctl GLRNBControl) ([]float64, []string, error) {
	opt := stats.GLMOptions{Family: stats.Poisson}
	if ctl.Alpha > 0 {
		opt = stats.GLMOptions{Family: stats.NegBinomial, Theta: 1 / ctl.Alpha}
	}
	m, err := fitSeasonalGLM(s, rng, ctl.S, ctl.Trend, 0, opt)
	if err != nil {
		return nil, nil, err
	}
	return m.predictRange(rng), m.warnings, nil
}
