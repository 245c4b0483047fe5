package check

// View is a Result as the JSON of the command line and of the API show
// it: messages in one language, positions flattened.
type View struct {
	File      string         `json:"file,omitempty"`
	Encoding  string         `json:"encoding"`
	Converted bool           `json:"converted"`
	Live      bool           `json:"live"`
	LiveNote  string         `json:"live_note"`
	Summary   map[string]int `json:"summary"` // figures, errors, warnings, notes
	Findings  []FindingView  `json:"findings"`
	Figures   []Figure       `json:"figures"`
}

// FindingView is a Finding in one language.
type FindingView struct {
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	Offset    int    `json:"offset"`
	EndOffset int    `json:"end_offset"`
	Quote     string `json:"quote"`
	Message   string `json:"message"`
	Fix       string `json:"fix,omitempty"`
}

// View renders r in lang for the input in.
func (r *Result) View(in *Input, lang string) View {
	v := View{Encoding: in.Encoding, Converted: r.Converted, Live: r.Live, LiveNote: r.LiveNote().In(lang),
		Figures: r.Figures, Findings: []FindingView{},
		Summary: map[string]int{"figures": len(r.Figures), "errors": r.Count(Error), "warnings": r.Count(Warning), "notes": r.Count(Note)}}
	if v.Figures == nil {
		v.Figures = []Figure{}
	}
	for _, f := range r.Findings {
		v.Findings = append(v.Findings, FindingView{Rule: f.Rule, Severity: f.Severity.String(), Line: f.Pos.Line,
			Column: f.Pos.Column, Offset: f.Pos.Offset, EndOffset: f.End.Offset, Quote: f.Quote,
			Message: f.Msg.In(lang), Fix: f.Fix.In(lang)})
	}
	return v
}
