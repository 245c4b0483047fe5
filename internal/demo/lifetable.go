package demo

import "math"

// MaxAge is the open top age group: 100 and over.
const MaxAge = 100

// ages is the number of age groups: single years 0–99 and 100+.
const ages = MaxAge + 1

// Mortality is a Gompertz–Makeham law with a plateau, one per sex:
//
//	μ(x) = Makeham + A·e^(B·x)    (x ≥ 5),   q(x) = min(1 − e^(−μ(x+½)), QMax)
//
// with fixed values below age 5. The parameters were fitted by hand to
// China's 2020 period life table as it is commonly quoted (q60 ≈ 0.0115
// male, 0.0055 female; q80 ≈ 0.075 / 0.050; q90 ≈ 0.19 / 0.16), which
// gives a life expectancy at birth of about 78 years for men and 84 for
// women, close to Jiangsu's. Mortality is held constant over the
// projection (no improvement, no COVID-19 excess in 2022–23).
type mortality struct {
	q0, q1to4, makeham, a, b, qmax float64
}

var (
	maleMortality   = mortality{q0: 0.0032, q1to4: 0.0003, makeham: 0.0005, a: 3.5e-5, b: 0.0935, qmax: 0.5}
	femaleMortality = mortality{q0: 0.0028, q1to4: 0.00025, makeham: 0.0002, a: 6.5e-6, b: 0.110, qmax: 0.5}
)

// q returns the probability of dying within a year at completed age x
// (x = MaxAge stands for the open group 100+).
func (m mortality) q(x int) float64 {
	switch {
	case x == 0:
		return m.q0
	case x < 5:
		return m.q1to4
	}
	mu := m.makeham + m.a*math.Exp(m.b*(float64(x)+0.5))
	return min(1-math.Exp(-mu), m.qmax)
}

// survival returns the probability of reaching exact age x from birth.
func (m mortality) survival(x int) float64 {
	s := 1.0
	for a := range x {
		s *= 1 - m.q(a)
	}
	return s
}

// lifeExpectancy returns e0 (for the README and a test).
func (m mortality) lifeExpectancy() float64 {
	e, s := 0.0, 1.0
	for a := 0; a < 130; a++ {
		next := s * (1 - m.q(a))
		e += (s + next) / 2
		s = next
	}
	return e
}

func mortalityOf(sex int) mortality {
	if sex == 0 {
		return maleMortality
	}
	return femaleMortality
}

// fertilityShape returns the share of a lifetime's births at each age
// 15–49 (summing to 1): a gamma-like curve with its mode at 28 and mean
// age at birth near 29.5, the shape of China's 2020 age-specific
// fertility.
func fertilityShape() [ages]float64 {
	var f [ages]float64
	var sum float64
	for a := 15; a <= 49; a++ {
		x := float64(a) - 14
		f[a] = math.Pow(x, 5) * math.Exp(-x/2.6)
		sum += f[a]
	}
	for a := range f {
		f[a] /= sum
	}
	return f
}

// sexRatioAtBirth is the number of boys per girl born (China 2020: 111.3
// per 100; Jiangsu about the same).
const sexRatioAtBirth = 1.11
