package detect

func init() {
	runners["earsC"] = runner{
		run: func(s Series, rng []int, c *fixtureControl) (*Result, error) {
			ctl := DefaultEARSControl(EARSMethod(c.String("method")))
			ctl.Range = rng
			ctl.Baseline = c.Int("baseline")
			ctl.Alpha = c.Float("alpha")
			ctl.MinSigma = c.Float("minSigma")
			return EARS(s, ctl)
		},
	}
}
