package weijian_test

import (
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
)

func TestValidUsername(t *testing.T) {
	for _, name := range []string{"li", "admin", "li.village", "wang_2", "Zhang-San", "0513", strings.Repeat("a", 32)} {
		if err := weijian.ValidUsername(name); err != nil {
			t.Errorf("ValidUsername(%q) = %v, want nil", name, err)
		}
	}
	for _, name := range []string{"", "x", ".li", "_li", "-li", "li wang", "李四", "ｌｉ", "li\n", "li@example.org",
		"li/x", strings.Repeat("a", 33), "admin\x00"} {
		err := weijian.ValidUsername(name)
		if weijian.ErrorKind(err) != weijian.KindInvalid {
			t.Errorf("ValidUsername(%q) = %v, want an invalid error", name, err)
			continue
		}
		if is := weijian.ErrorIssues(err); len(is) != 1 || is[0].Field != "username" || is[0].Rule != "bad_username" {
			t.Errorf("ValidUsername(%q) issues = %+v", name, is)
		}
		if msg := weijian.ErrorMessage(err, "zh"); !strings.Contains(msg, "用户名应为2–32位") {
			t.Errorf("ValidUsername(%q) message %q", name, msg)
		}
	}
}
