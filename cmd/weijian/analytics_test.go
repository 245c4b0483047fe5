package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Targets imported from a file with Chinese headers (an indicator named
// by its name, another by its code), imported again (nothing changes), a
// bad file refused whole; then `weijian analytics` over the real engine:
// 海安镇 held 3 lectures in January 2024 and its village 甲村 1 in
// February, so to 30 June 2024 it has 4 of its 任务数 10: 完成率 40%,
// against a pace of 182/366 = 49.73%: 9.73 points behind (慢序时).
func TestAnalyticsAndTargetsCLI(t *testing.T) {
	dir, db := smallCounty(t)
	if _, _, err := runCmd(t, nil, "", "import", "datavalues", "--mapping", "../../internal/dhis2/testdata/mapping.yaml",
		"--db", db, "../../internal/dhis2/testdata/values.json"); err != nil {
		t.Fatal(err)
	}
	targets := filepath.Join(dir, "t.csv")
	os.WriteFile(targets, []byte("指标,机构代码,年度,目标值,备注\n健康教育讲座场次,320685100000,2024,10,\nhealth_lectures,320685000000,2024,\"1,000\",全市\n"), 0o644)
	out, _, err := runCmd(t, nil, "", "import", "targets", "--db", db, targets)
	if err != nil || !strings.Contains(out, "新增 2") {
		t.Fatalf("import targets: %s %v", out, err)
	}
	out, _, err = runCmd(t, nil, "", "import", "targets", "--db", db, targets)
	if err != nil || !strings.Contains(out, "新增 0，更新 0，停用 0，未变 2") {
		t.Fatalf("re-import targets: %s %v", out, err)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("indicator,unit_code,year,value\nhealth_lectures,320685100000,2024,12\nno_such,320685100000,2024,5\n"+
		"health_lectures,320685999999,2024,5\nhealth_lectures,320685100201,2024,abc\n"), 0o644)
	_, _, err = runCmd(t, nil, "", "import", "targets", "--db", db, bad)
	msg := formatError(err)
	for _, want := range []string{"第3行", "indicator", "第4行", "orgUnit", "第5行", "value"} {
		if !strings.Contains(msg, want) {
			t.Errorf("bad file: the error lacks %q:\n%s", want, msg)
		}
	}
	out, _, err = runCmd(t, nil, "", "analytics", "--db", db, "--indicator", "health_lectures", "--ou", "320685100000",
		"--pe", "2024,2024-01", "--as-of", "2024-06-30")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := []string{
		"indicator,indicator_name,unit,ou,ou_name,pe,numerator,denominator,value,raw,target,completion,pace,pace_gap,pace_flag,rank,yoy,mom,coverage,no_data",
		"health_lectures,健康教育讲座场次,count,320685100000,海安镇,2024,4,,4,4,10,40,49.73,-9.73,behind,,",
		"health_lectures,健康教育讲座场次,count,320685100000,海安镇,2024-01,3,,3,3,10,30,8.47,21.53,ahead,,",
	}
	if len(lines) != 3 {
		t.Fatalf("analytics printed:\n%s", out)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d:\n got %s\nwant %s…", i+1, lines[i], w)
		}
	}
	if _, _, err := runCmd(t, nil, "", "analytics", "--db", db, "--indicator", "health_lectures", "--ou", "320685100000", "--pe", "2024Q5"); err == nil ||
		!strings.Contains(formatError(err), "pe") {
		t.Errorf("bad --pe: %v", err)
	}
	// By sex: 海安镇's health-education participants of January 2024 are
	// 40 boys (0–17) and 61 women (65+), one row per option.
	out, _, err = runCmd(t, nil, "", "analytics", "--db", db, "--indicator", "health_education_participants", "--ou", "320685100000",
		"--pe", "2024-01", "--as-of", "2024-06-30", "--disagg", "sex")
	if err != nil {
		t.Fatal(err)
	}
	lines = strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "indicator,indicator_name,unit,ou,ou_name,pe,option,option_name,numerator,") ||
		!strings.Contains(lines[1], ",2024-01,M,男,40,") || !strings.Contains(lines[2], ",2024-01,F,女,61,") {
		t.Errorf("analytics --disagg sex printed:\n%s", out)
	}
	// Bands of one's own: 0-17 the boys, 18+ the women of 65+ (the data
	// set's 18-64 and 65+ summed); 0-6 cuts the reported 0-17, refused.
	out, _, err = runCmd(t, nil, "", "analytics", "--db", db, "--indicator", "health_education_participants", "--ou", "320685100000",
		"--pe", "2024-01", "--as-of", "2024-06-30", "--disagg", "age:0-17,18-")
	if err != nil {
		t.Fatal(err)
	}
	lines = strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], ",2024-01,0-17,0–17岁,40,") || !strings.Contains(lines[2], ",2024-01,18+,18岁及以上,61,") {
		t.Errorf("analytics --disagg age:0-17,18- printed:\n%s", out)
	}
	for spec, says := range map[string]string{"age:0-6,7-": "0-17", "age:18-,0-17": "ascending"} {
		if _, _, err := runCmd(t, nil, "", "analytics", "--db", db, "--indicator", "health_education_participants", "--ou", "320685100000",
			"--pe", "2024-01", "--disagg", spec); err == nil || !strings.Contains(formatError(err), says) {
			t.Errorf("--disagg %s: %v, want an error saying %q", spec, err, says)
		}
	}
	if _, _, err := runCmd(t, nil, "", "analytics", "--db", db, "--indicator", "health_lectures", "--ou", "320685100000",
		"--pe", "2024", "--disagg", "sex"); err == nil || !strings.Contains(formatError(err), "health_lectures") || !strings.Contains(formatError(err), "sex") {
		t.Errorf("health_lectures --disagg sex: %v, want an error naming both", err)
	}
}
