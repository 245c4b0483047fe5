package detect

func init() {
	runners["cusum"] = runner{
		compare: []string{"cusum", "m"},
		run: func(s Series, rng []int, c *fixtureControl) (*Result, error) {
			ctl := DefaultCUSUMControl()
			ctl.Range = rng
			ctl.K = c.Float("k")
			ctl.H = c.Float("h")
			ctl.Trans = CUSUMTransform(c.String("trans"))
			ctl.Alpha = c.Float("alpha")
			switch {
			case c.IsNull("m"):
				ctl.Mean = MeanHistory
			case c.IsString("m"):
				c.Expect("m", `"glm"`)
				ctl.Mean = MeanGLM
			default:
				ctl.Mean, ctl.M = MeanFixed, c.Float("m")
			}
			return CUSUM(s, ctl)
		},
	}
}
