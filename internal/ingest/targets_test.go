package ingest

import (
	"testing"

	"github.com/weijian-health/weijian"
)

// English headers; values in 万, with a % sign and with separators; a
// 6-digit county code widened; bad cells reported by row and field.
func TestTargets(t *testing.T) {
	rows, err := Targets(table(t, "indicator,unit_code,year,value\ncervical_screened,320685,2021,4.83万\n"+
		"htn_standard_rate,320685100000,2024,65%\nbreast_screened,320685100000,2024,\"1,200\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []weijian.Target{
		{Line: 2, Indicator: "cervical_screened", UnitCode: "320685000000", Year: 2021, Value: 48300, Method: weijian.TargetImported},
		{Line: 3, Indicator: "htn_standard_rate", UnitCode: "320685100000", Year: 2024, Value: 65, Method: weijian.TargetImported},
		{Line: 4, Indicator: "breast_screened", UnitCode: "320685100000", Year: 2024, Value: 1200, Method: weijian.TargetImported},
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], want[i])
		}
	}
	_, err = Targets(table(t, "指标,机构代码,年度,目标值\nx,320685100000,二〇二四,5\n,320685100000,2024,-3\n"))
	is, err := CellIssues(err)
	if err != nil || len(is) != 3 || is[0].Field != "year" || is[1].Field != "indicator" || is[2].Field != "value" {
		t.Errorf("bad cells: %+v %v", is, err)
	}
	if _, err := Targets(table(t, "指标,年度,目标值\nx,2024,5\n")); err == nil {
		t.Error("a file without 机构代码 was read")
	}
}
