package weijian

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error for the layers above: the web adapter maps each
// kind to one HTTP status, the CLI to one exit message. The set is closed.
type Kind uint8

const (
	KindInternal        Kind = iota // a bug or an unavailable dependency; details are logged, not shown
	KindInvalid                     // the input breaks a rule; the message says which
	KindNotFound                    // the thing asked for does not exist (or is outside the caller's scope)
	KindConflict                    // the request clashes with stored state (duplicate, stale version)
	KindForbidden                   // the caller may not do this
	KindUnauthenticated             // no valid session or credentials
)

var kindNames = [...]string{"internal", "invalid", "not_found", "conflict", "forbidden", "unauthenticated"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Error is the error type of the domain. Msg is what a user may read; Err
// is the wrapped cause, which may hold internal details and is only logged.
type Error struct {
	Kind   Kind
	Msg    Text
	Err    error
	Issues []Issue // row/field-level problems of an invalid input, if any
}

// Issue is one problem found in an input: where (row, field), which rule,
// and a message. Row is 1-based as a spreadsheet user counts it (the
// header is row 1 in a file with a header); 0 when not row-bound.
type Issue struct {
	Row   int    `json:"row,omitempty"`
	Field string `json:"field,omitempty"`
	Value string `json:"value,omitempty"`
	Rule  string `json:"rule"`
	Msg   Text   `json:"message"`
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Msg.In("en"))
	if len(e.Issues) > 0 {
		fmt.Fprintf(&b, " (%s; first: %s)", Plural(len(e.Issues), "problem", "problems"), e.Issues[0].String("en"))
	}
	if e.Err != nil {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// String renders the issue in lang, naming its row and field.
func (i Issue) String(lang string) string {
	var b strings.Builder
	if i.Row > 0 {
		if lang == "en" {
			fmt.Fprintf(&b, "row %d", i.Row)
		} else {
			fmt.Fprintf(&b, "第%d行", i.Row)
		}
	}
	if i.Field != "" {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		if lang == "en" {
			fmt.Fprintf(&b, "field %s", i.Field)
		} else {
			fmt.Fprintf(&b, "字段 %s", i.Field)
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(i.Msg.In(lang))
	if i.Value != "" {
		if lang == "en" {
			fmt.Fprintf(&b, " (value %q)", i.Value)
		} else {
			fmt.Fprintf(&b, "（值 %q）", i.Value)
		}
	}
	return b.String()
}

// E builds an error of kind k with a user message.
func E(k Kind, msg Text) *Error { return &Error{Kind: k, Msg: msg} }

// Wrap builds an error of kind k with a user message around a cause.
func Wrap(k Kind, msg Text, err error) *Error { return &Error{Kind: k, Msg: msg, Err: err} }

// Invalid builds a KindInvalid error with its issues.
func Invalid(msg Text, issues ...Issue) *Error {
	return &Error{Kind: KindInvalid, Msg: msg, Issues: issues}
}

// NotFound builds a KindNotFound error naming what was looked for.
func NotFound(what Text) *Error {
	return &Error{Kind: KindNotFound, Msg: T("未找到"+what.ZH, what.EN+" not found")}
}

// ErrorKind returns the kind of the first *Error in err's chain, or
// KindInternal when there is none.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// ErrorMessage returns the user message of err in lang. Errors that are not
// *Error, and internal ones, get a generic message: their details are for
// the log, not for the user.
func ErrorMessage(err error, lang string) string {
	var e *Error
	if !errors.As(err, &e) || e.Kind == KindInternal && e.Msg == (Text{}) {
		return T("系统内部错误，请稍后重试；如持续出现请联系管理员。",
			"Internal error; please try again later, and contact your administrator if it persists.").In(lang)
	}
	return e.Msg.In(lang)
}

// ErrorIssues returns the row/field issues carried by err, if any.
func ErrorIssues(err error) []Issue {
	var e *Error
	if errors.As(err, &e) {
		return e.Issues
	}
	return nil
}

// Clip shortens a value quoted in a message to 100 characters, so that a
// pathological cell is not echoed back whole.
func Clip(s string) string {
	r := []rune(s)
	if len(r) <= 100 {
		return s
	}
	return string(r[:100]) + "…"
}
