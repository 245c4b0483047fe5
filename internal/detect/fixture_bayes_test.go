package detect

func init() {
	runners["bayes"] = runner{
		run: func(s Series, rng []int, c *fixtureControl) (*Result, error) {
			ctl := DefaultBayesControl()
			ctl.Range = rng
			ctl.B = c.Int("b")
			ctl.W = c.Int("w")
			ctl.ActY = c.Bool("actY")
			ctl.Alpha = c.Float("alpha")
			return Bayes(s, ctl)
		},
	}
}
