package check

// Input is a decoded report.
type Input struct {
	Text     string
	Encoding string
}

func Decode(b []byte, name string) (*Input, error) { return &Input{Text: string(b), Encoding: "UTF-8"}, nil }
