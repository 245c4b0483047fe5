package ingest

import (
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/tabular"
)

var populationColumns = []column{
	{"unit_code", []string{"代码", "code", "区划代码", "单位代码", "统计用区划代码"}, true},
	{"year", []string{"年份", "年度"}, true},
	{"age", []string{"年龄组", "年龄", "age_band"}, false},
	{"sex", []string{"性别"}, false},
	{"count", []string{"人数", "人口", "人口数", "population"}, false},
	{"male", []string{"男", "男性"}, false},
	{"female", []string{"女", "女性"}, false},
	{"total", []string{"合计", "总计"}, false},
	{"unit_name", []string{"名称", "单位名称", "name"}, false}, // for the reader; ignored
}

// PopulationHeader is the header of the population columns keys, as an
// export writes it so that the file imports back.
func PopulationHeader(lang string, keys ...string) []string {
	return header(populationColumns, lang, keys)
}

// Population reads population rows in one of two shapes:
//
//	long: unit_code,year,sex,age,count      (sex 1/2/0 or 男/女/合计)
//	wide: unit_code,year,age,male,female[,total]  (one row per age band)
//
// A wide table's total column (合计) gives a both-sexes row, which the
// import checks against male + female.
// A missing age column means all ages; a missing sex column in the long
// shape means both sexes (sex 0). A row with a malformed cell is left out
// of the rows returned and reported in the error; see CellIssues.
func Population(t *tabular.Table) ([]weijian.PopulationRow, error) {
	idx, err := columns(t, populationColumns)
	if err != nil {
		return nil, err
	}
	wide := idx["male"] >= 0 && idx["female"] >= 0
	if !wide && idx["count"] < 0 {
		return nil, weijian.Invalid(weijian.T(
			"缺少人数列：长表请提供 sex,count（性别、人数）列，宽表请提供 male,female（男、女）列",
			"no count column: give sex,count for a long table or male,female for a wide one"))
	}
	var is issues
	var rows []weijian.PopulationRow
	for _, tr := range t.Rows {
		before := len(is)
		base := weijian.PopulationRow{Line: tr.Line, UnitCode: widen(tr.Get(idx["unit_code"])), AgeText: tr.Get(idx["age"])}
		base.Year = intCell(tr, idx["year"], "year", &is)
		age, err := weijian.ParseAgeBand(base.AgeText)
		if idx["age"] >= 0 && base.AgeText == "" {
			// A missing column means all ages; an empty cell is a mistake.
			is.add(tr.Line, "age", "", "required", weijian.T("年龄组不能为空（全年龄请写“合计”）", "age band is empty (write total for all ages)"))
		} else if err != nil {
			is.add(tr.Line, "age", base.AgeText, "bad_age_band", weijian.T(weijian.ErrorMessage(err, "zh"), weijian.ErrorMessage(err, "en")))
		}
		base.Age = age
		if base.UnitCode == "" {
			is.add(tr.Line, "unit_code", "", "code_required", weijian.T("单位代码不能为空", "unit code is required"))
		}
		var got []weijian.PopulationRow
		if wide {
			m, f := base, base
			m.Sex, m.Count = weijian.SexMale, int64(intCell(tr, idx["male"], "male", &is))
			f.Sex, f.Count = weijian.SexFemale, int64(intCell(tr, idx["female"], "female", &is))
			got = []weijian.PopulationRow{m, f}
			if idx["total"] >= 0 {
				// Checked against male + female by the import, not stored.
				t := base
				t.Count = int64(intCell(tr, idx["total"], "total", &is))
				got = append(got, t)
			}
		} else {
			base.Sex = sexCell(tr, idx["sex"], &is)
			base.Count = int64(intCell(tr, idx["count"], "count", &is))
			got = []weijian.PopulationRow{base}
		}
		if len(is) == before {
			rows = append(rows, got...)
		}
	}
	return rows, is.err(weijian.T("人口数据", "population"))
}

// intCell reads a required non-negative whole number ("12,345" allowed).
func intCell(r tabular.Row, i int, field string, is *issues) int {
	v := r.Get(i)
	n, err := strconv.Atoi(strings.ReplaceAll(v, ",", ""))
	switch {
	case v == "":
		is.add(r.Line, field, "", "required", weijian.T("不能为空", "required"))
	case err != nil:
		is.add(r.Line, field, v, "not_integer", weijian.T("应为整数", "must be a whole number"))
	case n < 0:
		is.add(r.Line, field, v, "negative", weijian.T("不能为负数", "cannot be negative"))
	}
	return n
}

var sexAliases = map[string]int{
	"1": 1, "男": 1, "男性": 1, "m": 1, "male": 1,
	"2": 2, "女": 2, "女性": 2, "f": 2, "female": 2,
	"0": 0, "合计": 0, "全部": 0, "both": 0, "total": 0, "all": 0,
}

func sexCell(r tabular.Row, i int, is *issues) int {
	if i < 0 {
		return 0 // no sex column: both sexes
	}
	v := r.Get(i)
	if v == "" {
		is.add(r.Line, "sex", "", "required", weijian.T("性别不能为空（男女合计请写 0 或“合计”）", "sex is empty (write 0 or total for both)"))
		return 0
	}
	s, ok := sexAliases[strings.ToLower(v)]
	if !ok {
		is.add(r.Line, "sex", v, "bad_sex", weijian.T("性别应为 1/男、2/女 或 0/合计", "sex must be 1/male, 2/female or 0/both"))
	}
	return s
}
