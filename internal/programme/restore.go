package programme

import (
	"strings"

	"github.com/weijian-health/weijian/internal/period"
)

// Restore gives values read back from storage (JSON: numbers as float64,
// dates as text) the types CheckEvent returned: int64 for int fields,
// period.Date for dates, []string for multiple choices, and the same for
// derived values. Unknown keys and values that no longer parse are kept
// as they are. Schedules and statuses restore event values themselves, so
// callers need this only to show or compare stored values.
func (f *Form) Restore(stored map[string]any) map[string]any {
	out := make(map[string]any, len(stored))
	for k, v := range stored {
		out[k] = f.restoreValue(k, v)
	}
	return out
}

// restoreValue restores one stored value of field or derived value k.
func (f *Form) restoreValue(k string, v any) any {
	if fd, ok := f.Field(k); ok {
		if x, err := fd.parse(v); err == nil && x != nil {
			return x
		}
		return v
	}
	for _, dv := range f.Derived {
		if dv.Code == k {
			return dv.restore(v)
		}
	}
	return v
}

func (dv *Derived) restore(v any) any {
	switch dv.Type {
	case Int:
		if x, ok := parseInt(v); ok {
			return x
		}
	case Number:
		if x, ok := parseFloat(v); ok {
			return x
		}
	case Date:
		if d, ok := parseDate(v); ok {
			return d
		}
	case Bool:
		if b, ok := parseBool(v); ok {
			return b
		}
	}
	return v
}

// CheckRepeat returns an error when an event of a stage that is not
// repeatable is recorded while others exist (existing counts the person's
// stored events of the stage in this enrollment, the edited one excluded).
func (s *Stage) CheckRepeat(existing int) []FieldError {
	if s.Repeatable || existing == 0 {
		return nil
	}
	return []FieldError{fieldErr("stage", s.Code, "not_repeatable",
		s.Name.ZH+"每个入组只能记录一次，已有记录", s.Name.In("en")+" is recorded once per enrollment and is already recorded")}
}

// FieldFor finds the field a spreadsheet column header names: its code, its
// Chinese or English label, or the label followed by the unit in brackets
// (收缩压(mmHg), 收缩压（mmHg）), as exports write them.
func (f *Form) FieldFor(header string) (*Field, bool) {
	h := strings.TrimSpace(header)
	if i := strings.IndexAny(h, "(（"); i > 0 {
		h = strings.TrimSpace(h[:i])
	}
	for _, fd := range f.Fields() {
		if h == fd.Code || h == fd.Label.ZH || fd.Label.EN != "" && strings.EqualFold(h, fd.Label.EN) {
			return fd, true
		}
	}
	return nil, false
}

// dateOf reads a date stored as period.Date or as text.
func dateOf(v any) (period.Date, bool) {
	d, ok := parseDate(v)
	return d, ok && d.IsValid()
}
