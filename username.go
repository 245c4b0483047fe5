package weijian

import "regexp"

// usernameRE is the shape of a login name: 2–32 ASCII letters, digits,
// dots, underscores or hyphens, starting with a letter or digit. Names
// are unique regardless of case (the store compares them lowered).
var usernameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$`)

// ValidUsername checks the name of a new account; the web forms, the API
// and the command line all use it. The error is KindInvalid, with one
// issue on the field "username".
func ValidUsername(name string) error {
	if usernameRE.MatchString(name) {
		return nil
	}
	msg := T("用户名应为2–32位英文字母、数字或 . _ -，且以字母或数字开头",
		"a username has 2–32 ASCII letters, digits or . _ -, starting with a letter or digit")
	return Invalid(msg, Issue{Field: "username", Value: name, Rule: "bad_username", Msg: msg})
}
