package detect

func init() {
	runners["glrnb"] = runner{
		compare: []string{"mu0"},
		run: func(s Series, rng []int, c *fixtureControl) (*Result, error) {
			ctl := DefaultGLRNBControl()
			ctl.Range = rng
			ctl.CARL = c.Float("c.ARL")
			mu0 := c.Sub("mu0")
			ctl.S = mu0.Int("S")
			ctl.Trend = mu0.Bool("trend")
			mu0.Expect("refit", "false")
			ctl.Alpha = c.Float("alpha")
			c.Expect("Mtilde", "1")
			c.Expect("M", "-1")
			c.Expect("change", `"intercept"`)
			c.Expect("theta", "null")
			c.Expect("dir", `"inc"`)
			ctl.Ret = GLRReturn(c.String("ret"))
			ctl.XMax = c.Float("xMax")
			return GLRNB(s, ctl)
		},
	}
}
