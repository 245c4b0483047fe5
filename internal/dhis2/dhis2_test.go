package dhis2_test

import (
	"context"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/dataset"
	"github.com/weijian-health/weijian/internal/dhis2"
	"github.com/weijian-health/weijian/internal/ingest"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
	"github.com/weijian-health/weijian/internal/tabular"
)

var ctx = context.Background()

func setup(t *testing.T) (*dataset.Catalog, *dhis2.Mapping) {
	t.Helper()
	cat, err := dataset.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("testdata/mapping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := dhis2.ParseMapping("mapping.yaml", b, cat)
	if err != nil {
		t.Fatal(err)
	}
	return cat, m
}

func TestPeriods(t *testing.T) {
	for dh, ours := range map[string]string{"202401": "2024-01", "202412": "2024-12", "2024Q1": "2024Q1", "2024": "2024"} {
		p, err := dhis2.ToPeriod(dh)
		if err != nil || period.Format(p) != ours || dhis2.FromPeriod(p) != dh {
			t.Errorf("%s → %v %v → %s; want %s and back", dh, p, err, dhis2.FromPeriod(p), ours)
		}
	}
	for _, bad := range []string{"202413", "2024W3", "20240101", "x"} {
		if _, err := dhis2.ToPeriod(bad); err == nil {
			t.Errorf("period %q accepted", bad)
		}
	}
}

func TestMappingErrors(t *testing.T) {
	cat, _ := dataset.Builtin()
	_, err := dhis2.ParseMapping("m.yaml", []byte(`dataElements:
  - {uid: deLectures1, dataset: jiankang, element: nosuch}
  - {uid: short, dataset: nosuch, element: x}
orgUnits:
  - {uid: ouHaianZhen, code: "1"}
  - {uid: ouHaianZhen, code: "2"}
`), cat)
	if err == nil {
		t.Fatal("bad mapping accepted")
	}
	for _, want := range []string{"dataElements[0].element", "dataElements[1].uid", "dataElements[1].dataset", "orgUnits[1].uid: ouHaianZhen appears twice"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
}

// Every bad row is reported with its index in dataValues, the DHIS2 field
// and the rule; nothing is returned.
func TestImportRowErrors(t *testing.T) {
	cat, m := setup(t)
	vs, err := dhis2.Decode([]byte(`{"period": "202401", "dataValues": [
		{"dataElement": "deLectures1", "orgUnit": "ouHaianZhen", "value": 3},
		{"dataElement": "deUnknown01", "orgUnit": "ouHaianZhen", "value": "1"},
		{"dataElement": "deLectures1", "orgUnit": "ouHaianZhen", "period": "2024Q1", "value": "1"},
		{"dataElement": "deLectures1", "orgUnit": "ouJiaCun001", "value": "1.5"},
		{"dataElement": "deLectures1", "orgUnit": "ouJiaCun001", "categoryOptionCombo": "cocPublic01", "value": "1"}
	]}`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Import(vs, cat)
	e, ok := err.(*weijian.Error)
	if !ok {
		t.Fatalf("err = %v", err)
	}
	var got []string
	for _, is := range e.Issues {
		got = append(got, is.Field+"/"+is.Rule)
	}
	// Mapping problems are found first; value checks run once all rows map.
	if want := []string{"dataValues[1].dataElement/mapping"}; !cmp.Equal(got, want) {
		t.Errorf("issues %v, want %v", got, want)
	}
	vs.DataValues = append(vs.DataValues[:1], vs.DataValues[2:]...)
	_, err = m.Import(vs, cat)
	got = nil
	for _, is := range err.(*weijian.Error).Issues {
		got = append(got, is.Field+"/"+is.Rule)
	}
	if want := []string{"dataValues[1].period/period", "dataValues[2].value/int", "dataValues[3].categoryOptionCombo/combo"}; !cmp.Equal(got, want) {
		t.Errorf("issues %v, want %v", got, want)
	}
}

func orgRows(t *testing.T, text string) []weijian.OrgUnitRow {
	t.Helper()
	tb, err := tabular.Read("x.csv", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ingest.OrgUnits(tb)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// Import into the store, export the same selection, and get the same
// values back; a second import changes nothing.
func TestRoundTrip(t *testing.T) {
	cat, m := setup(t)
	b, err := os.ReadFile("testdata/values.json")
	if err != nil {
		t.Fatal(err)
	}
	in, err := dhis2.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		rows := "code,name,level,parent_code\n320000000000,江苏省,province,\n320600000000,南通市,city,320000000000\n" +
			"320685000000,海安市,county,320600000000\n320685100000,海安镇,town,320685000000\n320685100201,甲村,village,320685100000\n"
		if _, err := s.ImportOrgUnits(ctx, weijian.ScopeAll(), orgRows(t, rows), weijian.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		vals, err := m.Import(in, cat)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := s.SaveDataValues(ctx, weijian.ScopeAll(), "dhis2", vals)
		if err != nil || sum.Inserted != 7 {
			t.Fatalf("import: %+v %v", sum, err)
		}
		sum, err = s.SaveDataValues(ctx, weijian.ScopeAll(), "dhis2", vals)
		if err != nil || sum.Unchanged != 7 {
			t.Fatalf("re-import: %+v %v, want 7 unchanged", sum, err)
		}
		var stored []weijian.DataValue
		for _, ds := range []string{"jiankang", "tuoyu"} {
			v, err := s.DataValues(ctx, weijian.ScopeAll(), weijian.DataValueFilter{DataSet: ds})
			if err != nil {
				t.Fatal(err)
			}
			stored = append(stored, v...)
		}
		out, err := m.Export(stored)
		if err != nil {
			t.Fatal(err)
		}
		key := func(v dhis2.Value) string {
			return v.DataElement + v.Period + v.OrgUnit + v.CategoryOptionCombo + "=" + v.Value
		}
		var want, got []string
		for _, v := range in.DataValues {
			want = append(want, key(v))
		}
		for _, v := range out.DataValues {
			got = append(got, key(v))
			if v.StoredBy != "dhis2" || v.LastUpdated == "" {
				t.Errorf("exported value %+v lacks storedBy/lastUpdated", v)
			}
		}
		sort.Strings(want)
		sort.Strings(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("round trip differs (-in +out):\n%s", diff)
		}
	})
}

func TestExportNeedsMapping(t *testing.T) {
	_, m := setup(t)
	_, err := m.Export([]weijian.DataValue{{DataSet: "aiguo", Element: "toilets", UnitCode: "320685100000", Period: "2024-01", Value: "3"}})
	if err == nil || !strings.Contains(err.Error(), "aiguo.toilets") {
		t.Errorf("export of an unmapped element: %v", err)
	}
}
