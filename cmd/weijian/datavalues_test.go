package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/weijian-health/weijian/internal/dhis2"
)

// smallCounty creates a database holding 海安市, 海安镇 and its village
// 甲村 (the units of the DHIS2 test mapping) in a temporary directory.
func smallCounty(t *testing.T) (dir, db string) {
	t.Helper()
	dir = t.TempDir()
	db = filepath.Join(dir, "c.db")
	orgs := filepath.Join(dir, "o.csv")
	os.WriteFile(orgs, []byte("code,name,level,parent_code\n320685000000,海安市,county,\n320685100000,海安镇,town,320685000000\n"+
		"320685100201,甲村,village,320685100000\n"), 0o644)
	if _, _, err := runCmd(t, nil, "", "import", "orgunits", "--create", "--db", db, orgs); err != nil {
		t.Fatal(err)
	}
	return dir, db
}

// Import a DHIS2 file through the command line, import it again (nothing
// changes), export the same selection and get the same values back.
func TestDataValuesImportExportCLI(t *testing.T) {
	dir, db := smallCounty(t)
	mapping := "../../internal/dhis2/testdata/mapping.yaml"
	in := "../../internal/dhis2/testdata/values.json"
	out, _, err := runCmd(t, nil, "", "import", "datavalues", "--mapping", mapping, "--db", db, in)
	if err != nil || !strings.Contains(out, "新增 7") {
		t.Fatalf("import: %s %v", out, err)
	}
	out, _, err = runCmd(t, nil, "", "import", "datavalues", "--mapping", mapping, "--db", db, in)
	if err != nil || !strings.Contains(out, "新增 0，更新 0，删除 0，未变 7") {
		t.Fatalf("re-import: %s %v", out, err)
	}
	exp := filepath.Join(dir, "out.json")
	if _, _, err := runCmd(t, nil, "", "export", "datavalues", "--mapping", mapping, "--db", db, "--dataset", "jiankang,tuoyu",
		"--pe", "202401,202402,2024Q1", "--ou", "320685100000", "--children", "-o", exp); err != nil {
		t.Fatal(err)
	}
	keys := func(path string) []string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var vs dhis2.ValueSet
		if err := json.Unmarshal(b, &vs); err != nil {
			t.Fatal(err)
		}
		var k []string
		for _, v := range vs.DataValues {
			k = append(k, v.DataElement+"|"+v.Period+"|"+v.OrgUnit+"|"+v.CategoryOptionCombo+"|"+v.Value)
		}
		sort.Strings(k)
		return k
	}
	if a, b := keys(in), keys(exp); strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("export differs from import:\n%v\n%v", a, b)
	}
	// Without --children only 海安镇's own six values.
	out, _, err = runCmd(t, nil, "", "export", "datavalues", "--mapping", mapping, "--db", db, "--dataset", "jiankang,tuoyu",
		"--pe", "202401,202402,2024Q1", "--ou", "320685100000")
	if err != nil || strings.Count(out, "dataElement") != 6 {
		t.Errorf("export of one unit: %v\n%s", err, out)
	}
	// A bad file names the index, the field and the rule, and stores nothing.
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"dataValues":[{"dataElement":"deLectures1","period":"202403","orgUnit":"ouHaianZhen","value":"2"},
		{"dataElement":"deLectures1","period":"202403","orgUnit":"ouHaianZhen","categoryOptionCombo":"HllvX50cXC0","value":"-1"}]}`), 0o644)
	_, _, err = runCmd(t, nil, "", "import", "datavalues", "--mapping", mapping, "--db", db, bad)
	if msg := formatError(err); !strings.Contains(msg, "dataValues[1].value") || !strings.Contains(msg, "不得小于 0") {
		t.Errorf("bad file: %s", msg)
	}
	out, _, _ = runCmd(t, nil, "", "export", "datavalues", "--mapping", mapping, "--db", db, "--dataset", "jiankang", "--pe", "202403", "--ou", "320685100000")
	if strings.Contains(out, "dataElement") {
		t.Errorf("part of a rejected file was stored:\n%s", out)
	}
}
