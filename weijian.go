// Package weijian holds the core of the Weijian county health data platform:
// the domain types (org units, population, users, roles and scope), the
// error kinds every layer speaks, and the small store interfaces that the
// SQL store implements and the web layer consumes.
//
// This package imports neither database/sql nor net/http (a test enforces
// it): storage lives in internal/sqlstore, HTTP in internal/web, and
// cmd/weijian wires them together.
package weijian

// Text is a user-facing message in both UI languages. Simplified Chinese is
// the default; English is the second language.
type Text struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// In returns the text in lang ("en" or anything else for Chinese).
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	if t.ZH == "" {
		return t.EN
	}
	return t.ZH
}

// T builds a Text from its Chinese and English forms.
func T(zh, en string) Text { return Text{ZH: zh, EN: en} }
