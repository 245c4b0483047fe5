package web

import (
	"bytes"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ingest"
	"github.com/weijian-health/weijian/internal/tabular"
)

// table is a list ready for export: a sheet name, a header and rows.
// Codes go in as strings (to keep their digits), counts as numbers.
type table struct {
	Sheet  string
	Header []string
	Rows   [][]any
}

// exportPageSize is how many units an export reads per store call (the
// store returns at most 10,000 at once); an export pages through them all.
// A variable so that a test can page with a small list.
var exportPageSize = 5000

// export writes t as an XLSX (the default) or CSV download named after
// name (without extension), as ?format= asks.
func (s *Server) export(w http.ResponseWriter, r *http.Request, name string, t table) error {
	format := r.URL.Query().Get("format")
	var b bytes.Buffer
	var ctype string
	switch format {
	case "", "xlsx":
		format, ctype = "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		if err := tabular.WriteXLSX(&b, sheetName(t.Sheet), t.Header, t.Rows); err != nil {
			return err
		}
	case "csv":
		ctype = "text/csv; charset=utf-8"
		if err := tabular.WriteCSV(&b, t.Header, t.Rows); err != nil {
			return err
		}
	default:
		return weijian.Invalid(weijian.T("导出格式应为 xlsx 或 csv", "the export format is xlsx or csv"))
	}
	filename := name + "-" + s.now().In(chinaTime).Format("20060102") + "." + format
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	h.Set("Cache-Control", "no-store")
	_, err := w.Write(b.Bytes())
	return err
}

// sheetName keeps a sheet name within Excel's rules: at most 31
// characters, none of []:*?/\.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, s)
	if rs := []rune(s); len(rs) > 31 {
		s = string(rs[:31])
	}
	if s == "" {
		return "Sheet1"
	}
	return s
}

// exportLinks are the query strings of the XLSX and CSV exports of a list
// shown with query q (the list's filter).
type exportLinks struct{ XLSX, CSV string }

func exportQuery(path string, q url.Values) exportLinks {
	x, c := cloneValues(q), cloneValues(q)
	x.Set("format", "xlsx")
	c.Set("format", "csv")
	for _, v := range []url.Values{x, c} {
		v.Del("page")
		v.Del("ok")
	}
	return exportLinks{path + "?" + x.Encode(), path + "?" + c.Encode()}
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// unitExport is the export of a unit list in the org-unit import's
// columns — code, name, level, the parent's code, type, USCC, start date —
// so that an exported file, edited in Excel, imports back; the parent's
// name, the number of children and (withPop) the population follow for
// the reader, and the import ignores them.
func (s *Server) unitExport(r *http.Request, n *names, rows []unitRow, withPop bool) table {
	lang := info(r).lang
	keys := []string{"code", "name", "level", "parent_code", "type", "uscc", "valid_from", "parent_name", "children"}
	if withPop {
		keys = append(keys, "population")
	}
	t := table{Sheet: s.msg(r, "export.orgunits"), Header: ingest.OrgUnitHeader(lang, keys...)}
	parents := map[int64]*weijian.OrgUnit{}
	for _, u := range rows {
		var pcode, pname, typ string
		if p := s.parentOf(r, u.OrgUnit, parents); p != nil {
			pcode, pname = p.Code, p.Name
		}
		if u.IsFacility() {
			typ = n.typeName(u.FacilityType, lang)
		}
		row := []any{u.Code, u.Name, n.levelName(u.Level, lang), pcode, typ, u.USCC, formatDate(u.ValidFrom), pname, u.ChildCount}
		if withPop {
			row = append(row, popCell(u))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// parentOf returns u's parent (nil for a root or one the user cannot
// see), reading each parent once.
func (s *Server) parentOf(r *http.Request, u *weijian.OrgUnit, cache map[int64]*weijian.OrgUnit) *weijian.OrgUnit {
	if u.ParentID == 0 {
		return nil
	}
	p, ok := cache[u.ParentID]
	if !ok {
		p, _ = s.store.OrgUnitByID(r.Context(), unitScope(r), u.ParentID)
		cache[u.ParentID] = p
	}
	return p
}

// populationExport is the population stored for a unit and the units
// below it in a year, one row per unit, sex and age band in the
// population import's long shape: it imports back unchanged.
func (s *Server) populationExport(r *http.Request, rows []weijian.PopulationRow) table {
	lang := info(r).lang
	t := table{Sheet: s.msg(r, "nav.population"),
		Header: ingest.PopulationHeader(lang, "unit_code", "unit_name", "year", "sex", "age", "count")}
	sexes := map[int]weijian.Text{weijian.SexMale: weijian.T("男", "male"), weijian.SexFemale: weijian.T("女", "female"), 0: weijian.T("合计", "total")}
	for _, p := range rows {
		t.Rows = append(t.Rows, []any{p.UnitCode, p.UnitName, p.Year, sexes[p.Sex].In(lang), p.Age.Label(lang), p.Count})
	}
	return t
}
