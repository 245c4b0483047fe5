package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ingest"
	"github.com/weijian-health/weijian/internal/tabular"
)

// An exported list, edited in Excel and imported again, changes exactly
// the edited cell: the org-unit list, a unit's children and a unit's
// population, as CSV and as XLSX, in Chinese and in English.
func TestExportsImportBack(t *testing.T) {
	for _, format := range []string{"csv", "xlsx"} {
		for _, lang := range []string{"zh", "en"} {
			t.Run(format+"/"+lang, func(t *testing.T) {
				e := newEnv(t)
				c := e.login(t, "admin")
				if lang == "en" {
					c.post("/lang", url.Values{"lang": {"en"}, "next": {"/"}})
				}
				get := func(path string) *tabular.Table {
					t.Helper()
					res, body := c.get(path + "&format=" + format)
					wantStatus(t, res, body, http.StatusOK)
					tb, err := tabular.Read("export."+format, strings.NewReader(body))
					if err != nil || len(tb.Rows) == 0 {
						t.Fatalf("%s: %v, %d rows", path, err, len(tb.Rows))
					}
					if first := map[string]string{"zh": "代码", "en": "code"}[lang]; strings.TrimPrefix(tb.Header[0], "unit_") != first {
						t.Errorf("%s: header %v, want it to start with %s", path, tb.Header, first)
					}
					return tb
				}
				for _, path := range []string{"/orgunits/export?under=" + codeHaian, "/orgunits/export?q=", "/orgunits/" + codeHaianZhen + "/children/export?x=1"} {
					tb := get(path)
					want := weijian.ImportSummary{Rows: len(tb.Rows), Unchanged: len(tb.Rows)}
					if sum := e.importUnits(t, tb, format); sum != want {
						t.Errorf("%s as exported: %+v, want %+v", path, sum, want)
					}
					tb.Rows[1].Cells[1] += "（新）" // rename the second unit
					want = weijian.ImportSummary{Rows: len(tb.Rows), Updated: 1, Unchanged: len(tb.Rows) - 1}
					if sum := e.importUnits(t, tb, format); sum != want {
						t.Errorf("%s with one name edited: %+v, want %+v", path, sum, want)
					}
					if u, err := e.store.OrgUnit(ctx, weijian.ScopeAll(), tb.Rows[1].Get(0)); err != nil || u.Name != tb.Rows[1].Get(1) {
						t.Errorf("%s: the renamed unit is %+v %v", path, u, err)
					}
					// The exported start date restates when the unit began; the
					// rename takes effect at the import, keeping the old name's history.
					h, err := e.store.OrgUnitHistory(ctx, weijian.ScopeAll(), tb.Rows[1].Get(0))
					if err != nil || len(h) != 2 || formatDate(h[0].ValidFrom) != tb.Rows[1].Get(6) || !h[1].ValidFrom.After(h[0].ValidFrom) {
						t.Errorf("%s: history after the rename %+v %v", path, h, err)
					}
				}
				tb := get("/population/export?unit=" + codeHaianZhen + "&year=2024")
				want := weijian.ImportSummary{Rows: len(tb.Rows), Unchanged: len(tb.Rows)}
				if sum := e.importPopulation(t, tb, format); sum != want {
					t.Errorf("population as exported: %+v, want %+v", sum, want)
				}
				// Add 7 to the first count of a village (not 海安镇's own).
				i := 0
				for tb.Rows[i].Get(0) == codeHaianZhen {
					i++
				}
				n, _ := strconv.Atoi(tb.Rows[i].Get(5))
				tb.Rows[i].Cells[5] = strconv.Itoa(n + 7)
				cells := 0 // the village's rows: its unit-year is replaced
				for _, r := range tb.Rows {
					if r.Get(0) == tb.Rows[i].Get(0) {
						cells++
					}
				}
				want = weijian.ImportSummary{Rows: len(tb.Rows), Updated: cells, Unchanged: len(tb.Rows) - cells}
				if sum := e.importPopulation(t, tb, format); sum != want {
					t.Errorf("population with one count edited: %+v, want %+v", sum, want)
				}
				p, err := e.store.Population(ctx, weijian.ScopeAll(), weijian.PopulationQuery{UnitCode: codeHaianZhen, Year: 2024})
				if err != nil || p.BelowTotal != e.seed.haianBelow+7 {
					t.Errorf("海安镇's villages now sum to %d, want %d (%v)", p.BelowTotal, e.seed.haianBelow+7, err)
				}
			})
		}
	}
}

// resave writes tb as Excel would save it, in format, and reads it back.
func resave(t *testing.T, tb *tabular.Table, format string) *tabular.Table {
	t.Helper()
	rows := make([][]any, len(tb.Rows))
	for i, r := range tb.Rows {
		for _, c := range r.Cells {
			rows[i] = append(rows[i], c)
		}
	}
	var b bytes.Buffer
	var err error
	if format == "xlsx" {
		err = tabular.WriteXLSX(&b, "Sheet1", tb.Header, rows)
	} else {
		err = tabular.WriteCSV(&b, tb.Header, rows)
	}
	if err != nil {
		t.Fatal(err)
	}
	out, err := tabular.Read("edited."+format, &b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (e *testEnv) importUnits(t *testing.T, tb *tabular.Table, format string) weijian.ImportSummary {
	t.Helper()
	rows, err := ingest.OrgUnits(resave(t, tb, format))
	return mustImport(t, err, func() (weijian.ImportSummary, error) {
		return e.store.ImportOrgUnits(ctx, weijian.ScopeAll(), rows, weijian.ImportOptions{})
	})
}

func (e *testEnv) importPopulation(t *testing.T, tb *tabular.Table, format string) weijian.ImportSummary {
	t.Helper()
	rows, err := ingest.Population(resave(t, tb, format))
	return mustImport(t, err, func() (weijian.ImportSummary, error) {
		return e.store.ImportPopulation(ctx, weijian.ScopeAll(), rows, weijian.ImportOptions{})
	})
}

// mustImport runs an import of rows read with error readErr, failing the
// test on any problem.
func mustImport(t *testing.T, readErr error, run func() (weijian.ImportSummary, error)) weijian.ImportSummary {
	t.Helper()
	if readErr != nil {
		t.Fatalf("read: %v", readErr)
	}
	sum, err := run()
	if err != nil {
		t.Fatalf("import: %s", weijian.ErrorMessage(err, "zh")+issueList(err))
	}
	return sum
}

func issueList(err error) string {
	var b strings.Builder
	for _, is := range weijian.ErrorIssues(err) {
		b.WriteString("\n  " + is.String("zh"))
	}
	return b.String()
}
