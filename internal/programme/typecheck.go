package programme

import "fmt"

// kind is the type of a rule expression as the loader checks it.
type kind string

const (
	kAny    kind = "" // null, or not known until run time
	kNumber kind = "number"
	kText   kind = "text"
	kBool   kind = "true/false"
	kDate   kind = "date"
	kList   kind = "list"
)

var kindOf = map[Type]kind{Int: kNumber, Number: kNumber, Text: kText, Date: kDate, Bool: kBool, Options: kText}

// typeCheck infers the kind of n and reports the mistakes that would
// otherwise surface only as a rule error while a user enters data: an
// option code compared with a number, arithmetic on text, a date compared
// with a number, a function given the wrong kinds.
func typeCheck(n node, names nameScope) (kind, error) {
	switch n := n.(type) {
	case litNode:
		return literalKind(n.v), nil
	case identNode:
		k, _ := names(string(n))
		return k, nil
	case listNode:
		for _, x := range n {
			if _, err := typeCheck(x, names); err != nil {
				return kAny, err
			}
		}
		return kList, nil
	case unaryNode:
		want := map[string]kind{"!": kBool, "-": kNumber}[n.op]
		return want, expectKind(n.x, names, n.op, want)
	case binNode:
		return checkBinary(n, names)
	case condNode:
		if err := expectKind(n.c, names, "?:", kBool); err != nil {
			return kAny, err
		}
		a, err := typeCheck(n.a, names)
		if err != nil {
			return kAny, err
		}
		b, err := typeCheck(n.b, names)
		if err != nil || a != b && a != kAny && b != kAny {
			return kAny, firstErr(err, fmt.Errorf("the two branches of ?: give %s and %s", a, b))
		}
		return max(a, b), nil
	case callNode:
		return checkCall(n, names)
	}
	return kAny, nil
}

func literalKind(v any) kind {
	switch v.(type) {
	case float64:
		return kNumber
	case string:
		return kText
	case bool:
		return kBool
	}
	return kAny
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// expectKind checks that x has kind want (or one not known until run time).
func expectKind(x node, names nameScope, op string, want kind) error {
	k, err := typeCheck(x, names)
	if err == nil && k != kAny && k != want {
		return fmt.Errorf("%s needs %s, not %s", op, want, k)
	}
	return err
}

func checkBinary(n binNode, names nameScope) (kind, error) {
	l, err := typeCheck(n.l, names)
	if err != nil {
		return kAny, err
	}
	r, err := typeCheck(n.r, names)
	if err != nil {
		return kAny, err
	}
	known := l != kAny && r != kAny
	switch n.op {
	case "&&", "||":
		if l != kAny && l != kBool || r != kAny && r != kBool {
			return kAny, fmt.Errorf("%s needs true/false on both sides, not %s and %s", n.op, l, r)
		}
		return kBool, nil
	case "==", "!=":
		if known && l != r {
			return kAny, fmt.Errorf("%s compares %s with %s (an option code is text: write '1', not 1)", n.op, l, r)
		}
		return kBool, nil
	case "<", "<=", ">", ">=":
		if known && (l != r || l == kBool || l == kList) {
			return kAny, fmt.Errorf("%s cannot order %s and %s", n.op, l, r)
		}
		return kBool, nil
	case "in":
		if r != kAny && r != kList {
			return kAny, fmt.Errorf("the right side of in is %s, not a list", r)
		}
		return kBool, checkListItems(n, l, names)
	}
	if l != kAny && l != kNumber || r != kAny && r != kNumber {
		return kAny, fmt.Errorf("%s needs numbers, not %s and %s", n.op, l, r)
	}
	return kNumber, nil
}

// checkListItems checks x in [a, b] literals against the kind of x.
func checkListItems(n binNode, l kind, names nameScope) error {
	items, ok := n.r.(listNode)
	if !ok || l == kAny {
		return nil
	}
	for _, it := range items {
		if k, _ := typeCheck(it, names); k != kAny && k != l {
			return fmt.Errorf("in looks for %s among %s items (an option code is text: write '1', not 1)", l, k)
		}
	}
	return nil
}

var callArgs = map[string]kind{
	"round": kNumber, "min": kNumber, "max": kNumber, "abs": kNumber, "floor": kNumber,
	"days": kDate, "months": kDate, "years": kDate, "date": kText, "count": kList,
}

var callResult = map[string]kind{
	"present": kBool, "round": kNumber, "min": kNumber, "max": kNumber, "abs": kNumber, "floor": kNumber,
	"days": kNumber, "months": kNumber, "years": kNumber, "date": kDate, "count": kNumber,
}

func checkCall(n callNode, names nameScope) (kind, error) {
	want := callArgs[n.fn]
	for _, a := range n.args {
		if want == kAny {
			if _, err := typeCheck(a, names); err != nil {
				return kAny, err
			}
			continue
		}
		if err := expectKind(a, names, n.fn+"()", want); err != nil {
			return kAny, err
		}
	}
	return callResult[n.fn], nil
}
