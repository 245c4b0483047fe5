package weijian

import (
	"fmt"
	"sort"
)

// ImportFailure is the error of an import that found problems: every
// issue with its row, a count (more are those beyond MaxIssues), and the
// assurance that nothing was written.
func ImportFailure(issues []Issue, more int) error {
	n := len(issues) + more
	return Invalid(T(fmt.Sprintf("导入未执行：发现%d处问题，请修改文件后重新导入（未写入任何数据）", n),
		fmt.Sprintf("nothing imported: %s found; fix the file and import it again (nothing was written)", Plural(n, "problem", "problems"))), issues...)
}

// issueList collects an import's problems, up to MaxIssues; more are
// counted.
type issueList struct {
	list []Issue
	more int
}

func (l *issueList) add(row int, field, value, rule string, msg Text) {
	if len(l.list) >= MaxIssues {
		l.more++
		return
	}
	l.list = append(l.list, Issue{Row: row, Field: field, Value: Clip(value), Rule: rule, Msg: msg})
}

func (l *issueList) failure() error { return ImportFailure(l.list, l.more) }

// WithPriorIssues adds the problems found before an import's own checks
// (ImportOptions.Issues: malformed cells found while reading the file) to
// err, the result of those checks, so that the user sees every kind of
// problem in one report, ordered by row. An error that is not about the
// input (a lost connection) is returned as it is.
func WithPriorIssues(err error, prior []Issue) error {
	if len(prior) == 0 || err != nil && ErrorKind(err) != KindInvalid {
		return err
	}
	all := append(append([]Issue(nil), prior...), ErrorIssues(err)...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Row < all[j].Row })
	more := 0
	if len(all) > MaxIssues {
		more, all = len(all)-MaxIssues, all[:MaxIssues]
	}
	return ImportFailure(all, more)
}

// Plural writes n with the English noun in the right number: "1 problem",
// "2 problems". (Chinese needs no plural.)
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
