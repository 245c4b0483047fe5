package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/detect"
)

// detectArgs is the parsed command line of "weijian detect".
type detectArgs struct {
	method    string
	methods   []string // every --method given; see pickMethod
	freq      int
	rangeSpec string
	format    string
	file      string
	params    map[string]string // method parameters, by R's names
	help      bool
}

// runDetect is "weijian detect": it reads a count series from a CSV or XLSX
// file, runs one detection method on it and prints, per evaluated period,
// the count, the upper bound and the alarm.
func runDetect(args []string, stdout, stderr io.Writer) error {
	a, err := parseDetectArgs(args)
	if err != nil {
		return err
	}
	if a.help {
		detectUsage(stdout)
		return nil
	}
	f, err := os.Open(a.file)
	if err != nil {
		return weijian.Wrap(weijian.KindInvalid, weijian.T("无法打开输入文件 "+a.file, "cannot open the input file "+a.file), err)
	}
	defer f.Close()
	cs, err := readCountSeries(a.file, f, a.freq)
	if err != nil {
		return err
	}
	params := map[string]string{}
	for k, v := range a.params {
		params[k] = v
	}
	if a.rangeSpec != "" {
		if params["range"], err = cs.rangeParam(a.rangeSpec); err != nil {
			return err
		}
	}
	res, err := detect.Run(a.method, cs.series, params)
	if err != nil {
		return methodError(a.method, err)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	return writeDetectResult(stdout, a, cs, res)
}

// parseDetectArgs reads the flags. Flags other than --method, --freq,
// --range and --format are method parameters (--b 5 --alpha 0.05); both
// "--name value" and "--name=value" work, with one or two dashes.
func parseDetectArgs(args []string) (*detectArgs, error) {
	a := &detectArgs{format: "table", params: map[string]string{}}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "-h" || arg == "--help" || arg == "-help" {
			a.help = true
			continue
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			if a.file != "" {
				return nil, usageError("detect: one input file, got %q and %q", a.file, arg)
			}
			a.file = arg
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if !hasValue {
			if i+1 >= len(args) {
				return nil, usageError("detect: flag --%s needs a value", name)
			}
			i++
			value = args[i]
		}
		if err := a.set(name, value); err != nil {
			return nil, err
		}
	}
	if a.help {
		return a, nil
	}
	if err := a.pickMethod(); err != nil {
		return nil, err
	}
	switch {
	case a.method == "":
		return nil, usageError("detect: --method is required (see weijian detect --help)")
	case a.file == "":
		return nil, usageError("detect: no input file (a .csv or .xlsx with columns period, count)")
	}
	return a, nil
}

func (a *detectArgs) set(name, value string) error {
	switch name {
	case "method":
		a.methods = append(a.methods, value)
	case "freq":
		f, err := strconv.Atoi(value)
		if err != nil {
			return usageError("detect: --freq %q: want 52, 12, 365 or 7", value)
		}
		a.freq = f
	case "range":
		a.rangeSpec = value
	case "format":
		if value != "table" && value != "csv" && value != "json" {
			return usageError("detect: --format %q: want table, csv or json", value)
		}
		a.format = value
	case "":
		return usageError("detect: empty flag name")
	default:
		if _, dup := a.params[name]; dup {
			return usageError("detect: --%s given twice", name)
		}
		a.params[name] = value
	}
	return nil
}

// pickMethod sorts out --method, which names the detection method and is
// also a parameter of some methods (R's earsC: method = "C1", "C2" or
// "C3"): "--method earsC --method C2", in either order, runs earsC with
// method C2.
func (a *detectArgs) pickMethod() error {
	var params []string
	for _, v := range a.methods {
		if _, ok := detect.LookupMethod(v); ok && a.method == "" {
			a.method = v
		} else {
			params = append(params, v)
		}
	}
	switch {
	case a.method == "" && len(params) > 0:
		a.method, params = params[0], params[1:] // unknown: detect.Run names it
	}
	if len(params) == 0 {
		return nil
	}
	m, _ := detect.LookupMethod(a.method)
	hasParam := false
	for _, p := range m.Params {
		hasParam = hasParam || p.Name == "method"
	}
	if !hasParam || len(params) > 1 {
		return usageError("detect: --method given %d times (%s): one detection method at a time; only earsC takes a second --method (C1, C2 or C3)",
			len(a.methods), strings.Join(a.methods, ", "))
	}
	a.params["method"] = params[0]
	return nil
}

var reRowRange = regexp.MustCompile(`^\d+:\d+$`)

// rangeParam turns --range into detect's range parameter: "last:N" and
// row ranges "A:B" pass through; "P1:P2" or "P1:" (period labels as in
// the file) become the positions of those periods.
func (cs *countSeries) rangeParam(spec string) (string, error) {
	if strings.HasPrefix(spec, "last:") || reRowRange.MatchString(spec) {
		return spec, nil
	}
	from, to, ok := strings.Cut(spec, ":")
	if !ok {
		return "", usageError("detect: --range %q: want last:N, A:B (positions) or PERIOD:PERIOD", spec)
	}
	a, err := cs.position(from)
	if err != nil {
		return "", err
	}
	b := len(cs.periods)
	if strings.TrimSpace(to) != "" {
		if b, err = cs.position(to); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%d:%d", a, b), nil
}

// position is the 1-based position of the period labelled s.
func (cs *countSeries) position(s string) (int, error) {
	p, err := parsePeriod(s, false)
	if err != nil {
		return 0, usageError("detect: --range: %v", err)
	}
	for i, q := range cs.periods {
		if q.kind == p.kind && q.day.Equal(p.day) {
			return i + 1, nil
		}
	}
	return 0, usageError("detect: --range: period %s is not in the file", p.label())
}

// methodError turns an error of detect.Run into a message in Chinese and
// English; the method's own wording (close to R's) follows as the detail.
func methodError(method string, err error) error {
	detail := reRNote.ReplaceAllString(err.Error(), "")
	if errors.Is(err, detect.ErrTooShort) {
		return weijian.Wrap(weijian.KindInvalid, weijian.T(
			fmt.Sprintf("序列太短：%s 方法在所评估的时段之前需要更多历史数据。请用 --range 只评估较晚的时段（如 last:10），或提供更长的序列。（%s）", method, detail),
			fmt.Sprintf("the series is too short: %s needs more history before the periods evaluated. Evaluate later periods with --range (e.g. last:10), or give a longer series. (%s)", method, detail)), err)
	}
	return weijian.Wrap(weijian.KindInvalid, weijian.T(
		fmt.Sprintf("无法运行预警方法 %s：参数或数据不符合该方法的要求（%s）", method, detail),
		fmt.Sprintf("cannot run %s: a parameter or the data does not suit the method (%s)", method, detail)), err)
}

// reRNote matches the "(R: …)" notes that tie a message to R's own error.
var reRNote = regexp.MustCompile(`\s*\(R: [^)]*\)`)
