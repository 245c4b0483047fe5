package dataset_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/dataset"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/ingest"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
	"github.com/weijian-health/weijian/internal/tabular"
)

// env checks data references against the catalog; it has no row sources.
type env struct{ cat *dataset.Catalog }

func (e env) CheckRef(r *expr.Ref) error { return e.cat.CheckDataRef(r) }
func (e env) RowFields(string, string) (map[string]expr.Type, error) {
	return nil, errors.New("no row sources in this test")
}

const (
	zhen = "320685100000" // 海安镇
	jia  = "320685100201" // 甲村
	yi   = "320685100202" // 乙村
)

func TestResolverAnswersDataReferences(t *testing.T) {
	ctx := context.Background()
	cat, err := dataset.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		tb, _ := tabular.Read("o.csv", strings.NewReader("code,name,level,parent_code\n320685000000,海安市,county,\n"+
			zhen+",海安镇,town,320685000000\n"+jia+",甲村,village,"+zhen+"\n"+yi+",乙村,village,"+zhen+"\n"))
		rows, err := ingest.OrgUnits(tb)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportOrgUnits(ctx, weijian.ScopeAll(), rows, weijian.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		v := func(set, el, unit, pe, combo, val string) weijian.DataValue {
			return weijian.DataValue{DataSet: set, Element: el, UnitCode: unit, Period: pe, Combo: combo, Value: val}
		}
		vals := []weijian.DataValue{
			v("jiankang", "participants", jia, "2024-01", "sex=F;age=65+", "10"),
			v("jiankang", "participants", jia, "2024-01", "sex=M;age=65+", "7"),
			v("jiankang", "participants", jia, "2024-01", "sex=F;age=0-17", "3"),
			v("jiankang", "participants", yi, "2024-01", "sex=F;age=65+", "5"),
			v("jiankang", "participants", jia, "2024-02", "sex=F;age=65+", "4"),
			v("jiankang", "participants", yi, "2024-04", "sex=F;age=65+", "100"),
			v("tuoyu", "places", jia, "2024Q1", "type=public", "50"),
			v("tuoyu", "places", jia, "2024Q2", "type=public", "60"),
			v("tuoyu", "places", yi, "2024Q2", "type=private", "30"),
		}
		if _, err := s.SaveDataValues(ctx, weijian.ScopeAll(), "t", vals); err != nil {
			t.Fatal(err)
		}
		rv := &dataset.Resolver{Catalog: cat, Store: s, Scope: weijian.ScopeAll()}
		span := func(pe string) period.Span {
			p, err := period.Parse(pe)
			if err != nil {
				t.Fatal(err)
			}
			return p.Span()
		}
		for _, c := range []struct {
			src, unit, pe string
			want          float64
			null          bool
		}{
			// 海安镇 in 2024Q1: 甲村 10 (Jan) + 4 (Feb) + 乙村 5 (Jan) = 19; April's 100 is outside.
			{"#{jiankang.participants; sex=F; age=65+}", zhen, "2024Q1", 19, false},
			// 甲村 in January, 65+ of both sexes: 10 + 7 = 17; all: 10 + 7 + 3 = 20.
			{"#{jiankang.participants; age=65+}", jia, "2024-01", 17, false},
			{"#{jiankang.participants}", jia, "2024-01", 20, false},
			// 10 / 20 × 100 = 50.
			{"#{jiankang.participants; sex=F; age=65+} / #{jiankang.participants} * 100", jia, "2024-01", 50, false},
			// A stock: the latest quarter with data, Q2: 60 + 30 = 90 (not 50 + 60 + 30).
			{"#{tuoyu.places}", zhen, "2024", 90, false},
			{"#{tuoyu.places; type=public}", zhen, "2024", 60, false},
			{"#{jiankang.lectures}", zhen, "2024", 0, true}, // nobody reported
			{"#{tuoyu.places}", zhen, "2024-01", 0, true},   // a month holds no whole quarter
		} {
			n, err := expr.Parse(c.src)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := expr.Check(n, env{cat}, expr.TNumber); err != nil {
				t.Fatalf("%s: %v", c.src, err)
			}
			got, err := expr.Eval(ctx, n, rv, expr.Query{Unit: c.unit, Span: span(c.pe)})
			if err != nil {
				t.Fatalf("%s: %v", c.src, err)
			}
			if got.Null != c.null || !c.null && got.Num != c.want {
				t.Errorf("%s at %s in %s = %+v, want %v (no data: %t)", c.src, c.unit, c.pe, got, c.want, c.null)
			}
		}
		// A user scoped to 乙村 cannot read 甲村.
		yiUnit, _ := s.OrgUnit(ctx, weijian.ScopeAll(), yi)
		scoped := &dataset.Resolver{Catalog: cat, Store: s, Scope: weijian.ScopeOf(yiUnit.Path)}
		n, _ := expr.Parse("#{jiankang.participants}")
		if _, err := expr.Eval(ctx, n, scoped, expr.Query{Unit: jia, Span: span("2024-01")}); weijian.ErrorKind(err) != weijian.KindNotFound {
			t.Errorf("out-of-scope unit: %v", err)
		}
	})
}

func TestCheckDataRef(t *testing.T) {
	cat, _ := dataset.Builtin()
	for src, want := range map[string]string{
		"#{jiankang.participants; sex=X}": `"X" is not an option of sex`,
		"#{jiankang.lectures; sex=F}":     "has no disaggregation",
		"#{nosuch.x}":                     "no data set",
		"#{jiankang.nosuch}":              "has no element",
	} {
		n, err := expr.Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		_, err = expr.Check(n, env{cat}, expr.TNumber)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error with %q", src, err, want)
		}
	}
}

// A sum over periods does not depend on the order the values come in or
// on map order: the months are added in period order, so the same values
// give the same last digit every time (0.1 + 0.2 + 0.3 in floating point
// is 0.6000000000000001 one way round and 0.6 another).
func TestSumAddsPeriodsInOrder(t *testing.T) {
	cat, err := dataset.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	n, err := expr.Parse("#{touzi.amount}")
	if err != nil {
		t.Fatal(err)
	}
	ref := n.(*expr.Ref)
	var vals []weijian.DataValue
	want := 0.0
	for i, x := range []float64{0.1, 0.2, 0.3, 0.7, 1.1, 2.3, 0.01, 5.5, 0.03, 3.3, 0.9, 0.07} {
		pe := fmt.Sprintf("2024-%02d", i+1)
		vals = append(vals, weijian.DataValue{DataSet: "touzi", Element: "amount", UnitCode: "320685000000",
			Period: pe, Combo: "kind=it", Value: strconv.FormatFloat(x, 'f', -1, 64)})
		want += x
	}
	for range 50 {
		got, err := cat.Sum(ref, vals)
		if err != nil {
			t.Fatal(err)
		}
		if got.Num != want {
			t.Fatalf("sum %v, want %v (January to December, in order)", got.Num, want)
		}
	}
}
