package sqlstore

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// encodeValues is the stored JSON of an event's or enrollment's values.
// Bulk imports and the demo encode millions of these small maps; the
// common case (text without characters JSON escapes, integers, plain
// floats, booleans) is written directly, byte for byte what json.Marshal
// writes, and anything else goes through json.Marshal.
func encodeValues(v map[string]any) string {
	if len(v) == 0 {
		return "{}"
	}
	if s, ok := encodeFlat(v); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "{}" // values come from JSON or from the form parser: always encodable
	}
	return string(b)
}

// appendValues appends encodeValues(v) to b.
func appendValues(b []byte, v map[string]any) []byte {
	if len(v) == 0 {
		return append(b, "{}"...)
	}
	if out, ok := appendFlat(b, v); ok {
		return out
	}
	return append(b, encodeValues(v)...)
}

// encodeFlat writes v as json.Marshal would (keys sorted), or reports
// false for a value it does not handle.
func encodeFlat(v map[string]any) (string, bool) {
	b, ok := appendFlat(make([]byte, 0, 24*len(v)), v)
	return string(b), ok
}

// appendFlat appends encodeFlat(v) to b, or reports false (b as it was).
func appendFlat(b []byte, v map[string]any) ([]byte, bool) {
	var keyBuf [16]string
	keys := keyBuf[:0]
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	start := len(b)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = appendPlainString(b, k); !ok {
			return b[:start], false
		}
		b, ok = append(b, ':'), false
		switch x := v[k].(type) {
		case string:
			b, ok = appendPlainString(b, x)
		case int:
			b, ok = strconv.AppendInt(b, int64(x), 10), true
		case int64:
			b, ok = strconv.AppendInt(b, x, 10), true
		case bool:
			b, ok = strconv.AppendBool(b, x), true
		case nil:
			b, ok = append(b, "null"...), true
		case float64:
			// json.Marshal switches to exponents outside [1e-6, 1e21).
			if a := math.Abs(x); x == 0 || a >= 1e-6 && a < 1e21 {
				b, ok = strconv.AppendFloat(b, x, 'f', -1, 64), true
			}
		}
		if !ok {
			return b[:start], false
		}
	}
	return append(b, '}'), true
}

// appendPlainString quotes s when json.Marshal would copy it unchanged:
// valid UTF-8 without control characters, quotes, backslashes, <, >, &,
// U+2028 or U+2029.
func appendPlainString(b []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return b, false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || r == '\u2028' || r == '\u2029' {
			return b, false
		}
		i += size
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), true
}
