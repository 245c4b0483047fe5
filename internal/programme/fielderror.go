package programme

import (
	"fmt"

	"github.com/weijian-health/weijian"
)

// FieldError is one problem with one input field: which field, the value
// given, the rule it breaks, and a message for display at the field
// (Chinese first, English available).
//
// Rules: required, type, min, max, length, option, unknown_field,
// not_applicable, check:<code> (a cross-field check of the form),
// eligibility_age, eligibility_sex, eligibility_residence, before_birth,
// before_enrollment, after_enrollment_end, after_death, future,
// not_repeatable, date_min, date_max, and rule_error (a rule that failed
// to evaluate: a bug in a metadata file that the load-time checks missed).
type FieldError struct {
	Field string       `json:"field"`
	Value string       `json:"value,omitempty"`
	Rule  string       `json:"rule"`
	Msg   weijian.Text `json:"message"`
}

func (e FieldError) Error() string {
	if e.Value != "" {
		return fmt.Sprintf("%s: %s (value %q, rule %s)", e.Field, e.Msg.In("en"), e.Value, e.Rule)
	}
	return fmt.Sprintf("%s: %s (rule %s)", e.Field, e.Msg.In("en"), e.Rule)
}

// Issue converts the error to the domain's row/field issue (row 0: not
// bound to a row; an import sets it).
func (e FieldError) Issue(row int) weijian.Issue {
	return weijian.Issue{Row: row, Field: e.Field, Value: e.Value, Rule: e.Rule, Msg: e.Msg}
}

// Issues converts a list of field errors for one row.
func Issues(row int, errs []FieldError) []weijian.Issue {
	out := make([]weijian.Issue, len(errs))
	for i, e := range errs {
		out[i] = e.Issue(row)
	}
	return out
}

// fieldErr builds a FieldError quoting value (clipped to 100 characters).
func fieldErr(field string, value any, rule string, zh, en string) FieldError {
	return FieldError{Field: field, Value: quote(value), Rule: rule, Msg: weijian.T(zh, en)}
}

func quote(v any) string {
	if v == nil {
		return ""
	}
	s := fmt.Sprint(v)
	if r := []rune(s); len(r) > 100 {
		s = string(r[:100]) + "…"
	}
	return s
}
