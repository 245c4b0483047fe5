package weijian

import (
	"fmt"
	"strings"
)

// popIssues collects the problems of a population import.
type popIssues struct{ issueList }

func (is *popIssues) add(r PopulationRow, field, value, rule string, msg Text) {
	is.issueList.add(r.Line, field, value, rule, msg)
}

// checkTotals checks the rows of one unit-year and returns those to store.
//
// A row that covers other rows — a 合计 (both sexes) row beside 男 and 女
// rows of the same age band, or an all-ages row beside a sex's age bands —
// is a total: its parts (the rows that cover nothing else) must tile it
// exactly and sum to it; it is then checked, counted in totals and not
// stored, since the parts hold the same people. Parts that repeat or cross
// one another, and totals with missing or straddling parts, are refused
// naming both rows. Messages quote the age band as the file wrote it.
func (is *popIssues) checkTotals(rows []PopulationRow) (parts []PopulationRow, totals int) {
	rows = is.dropDuplicates(rows)
	leaf := make([]bool, len(rows))
	for i, a := range rows {
		leaf[i] = true
		for j, b := range rows {
			if i != j && covers(a, b) {
				leaf[i] = false
				break
			}
		}
	}
	for i, a := range rows {
		if !leaf[i] {
			continue
		}
		for j := 0; j < i; j++ {
			if leaf[j] && clash(rows[j], a) {
				is.overlap(rows[j], a)
				break
			}
		}
		parts = append(parts, a)
	}
	for i, t := range rows {
		if !leaf[i] {
			is.checkTotal(t, parts)
			totals++
		}
	}
	return parts, totals
}

// dropDuplicates reports a row repeating an earlier row's sex and age
// band, and leaves it out.
func (is *popIssues) dropDuplicates(rows []PopulationRow) []PopulationRow {
	first := map[cellKey]PopulationRow{}
	out := rows[:0:0]
	for _, r := range rows {
		k := cellKey{r.Sex, r.Age}
		if f, dup := first[k]; dup {
			is.add(r, "age", r.AgeText, "duplicate", T(
				fmt.Sprintf("与第%d行重复：同一单位、年份的同一性别和年龄组只能有一行", f.Line),
				fmt.Sprintf("repeats row %d: one row per unit, year, sex and age band", f.Line)))
			continue
		}
		first[k] = r
		out = append(out, r)
	}
	return out
}

// checkTotal checks a total against the parts it covers.
func (is *popIssues) checkTotal(t PopulationRow, parts []PopulationRow) {
	var area, sum int64
	var lines []string
	for _, p := range parts {
		switch {
		case covers(t, p):
			area += cellArea(p)
			sum += p.Count
			lines = append(lines, fmt.Sprint(p.Line))
		case clash(t, p):
			is.overlap(p, t)
			return
		}
	}
	if area != cellArea(t) {
		// Parts are missing (a 合计 with only 男): not a total that can be
		// checked, so it counts some people twice.
		is.add(t, "age", t.AgeText, "overlap", T(
			fmt.Sprintf("与第%s行重叠：本行若是合计，须同时给出它的全部分项（男和女，或覆盖整个年龄组的各年龄组）", lines[0]),
			fmt.Sprintf("overlaps row %s: a total row needs all its parts beside it (male and female, or age bands covering its whole band)", lines[0])))
		return
	}
	if sum != t.Count {
		is.add(t, "count", fmt.Sprint(t.Count), "total_mismatch", T(
			fmt.Sprintf("合计%d与分项之和%d不符（第%s行）", t.Count, sum, strings.Join(lines, "、")),
			fmt.Sprintf("the total %d is not the sum %d of its parts (rows %s)", t.Count, sum, strings.Join(lines, ", "))))
	}
}

// overlap reports the later of two rows that count some people twice.
func (is *popIssues) overlap(a, b PopulationRow) {
	if a.Line > b.Line {
		a, b = b, a
	}
	is.add(b, "age", b.AgeText, "overlap", T(
		fmt.Sprintf("与第%d行重叠：同一单位、年份的性别和年龄组不能重复或交叉（合计行须与它的全部分项并列）", a.Line),
		fmt.Sprintf("overlaps row %d: the same unit and year cannot repeat or cross a sex and age band (a total row stands beside all its parts)", a.Line)))
}

// clash reports whether two rows of one unit-year count the same people:
// overlapping ages for the same sex, or for "both sexes" and one sex.
func clash(a, b PopulationRow) bool {
	sameSex := a.Sex == b.Sex || a.Sex == 0 || b.Sex == 0
	return sameSex && a.Age.Overlaps(b.Age)
}

// covers reports whether row a holds all the people of a different row b.
func covers(a, b PopulationRow) bool {
	return (a.Sex == 0 || a.Sex == b.Sex) && a.Age.Contains(b.Age) && (a.Sex != b.Sex || a.Age != b.Age)
}

// cellArea is the size of a row's sex × age rectangle (both sexes count
// twice), so that parts that do not overlap tile a total exactly when
// their areas add up to its.
func cellArea(r PopulationRow) int64 {
	n := int64(r.Age.To - r.Age.From)
	if r.Sex == 0 {
		return 2 * n
	}
	return n
}
