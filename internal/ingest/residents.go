package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/tabular"
)

// personColumns are the columns of a resident file, with the headers real
// exports use (身份证号, 姓名, 性别, 出生日期, 现住址 as a village code …).
var personColumns = []column{
	{key: "id_number", names: []string{"身份证号", "身份证号码", "证件号码", "公民身份号码", "idnumber", "doc_number"}},
	{key: "doc_type", names: []string{"证件类型", "证件类别", "doctype"}},
	{key: "name", names: []string{"姓名", "居民姓名"}, required: true},
	{key: "sex", names: []string{"性别", "性别代码"}},
	{key: "birth_date", names: []string{"出生日期", "birthdate", "birthday"}},
	{key: "village", names: []string{"现住址", "现住址代码", "村居代码", "村（居）委会代码", "village_code", "address_code"}, required: true},
	{key: "address", names: []string{"详细地址", "地址", "address_detail"}},
	{key: "phone", names: []string{"联系电话", "电话", "手机号", "手机号码", "mobile", "telephone"}},
	{key: "household", names: []string{"户号", "家庭编号", "household_id"}},
	{key: "source_id", names: []string{"来源编号", "档案编号", "记录编号", "record_id", "sourceid"}},
}

// Persons reads a resident file. Cells that cannot be parsed (a sex that
// is no GB/T 2261.1 code or name, a malformed date) are reported with
// their row; the rules of a person (ID checksum, dates) are the store's.
func Persons(t *tabular.Table) ([]weijian.PersonRow, error) {
	idx, err := columns(t, personColumns)
	if err != nil {
		return nil, err
	}
	xlsx := t.Encoding == "XLSX"
	var is issues
	out := make([]weijian.PersonRow, 0, len(t.Rows))
	for _, r := range t.Rows {
		p := weijian.Person{DocType: weijian.DocType(docTypeCode(r.Get(idx["doc_type"]))), DocNumber: r.Get(idx["id_number"]),
			Name: r.Get(idx["name"]), VillageCode: widen(r.Get(idx["village"])), Address: r.Get(idx["address"]),
			Phone: r.Get(idx["phone"]), Household: r.Get(idx["household"]), SourceID: r.Get(idx["source_id"])}
		if s := r.Get(idx["sex"]); s != "" {
			p.Sex = personSex(s)
			if p.Sex < 0 {
				is.add(r.Line, "sex", s, "code", weijian.T("性别应为 1/男、2/女、0/未知 或 9/未说明", "sex is 1/male, 2/female, 0/unknown or 9/not stated"))
			}
		}
		p.BirthDate = dateCell(r, idx["birth_date"], "birth_date", xlsx, &is)
		out = append(out, weijian.PersonRow{Line: r.Line, Person: p})
	}
	return out, is.err(weijian.T("居民数据", "the residents"))
}

func personSex(s string) int {
	switch strings.TrimSpace(s) {
	case "1", "男", "男性", "M", "m", "male":
		return 1
	case "2", "女", "女性", "F", "f", "female":
		return 2
	case "0", "未知", "未知的性别":
		return 0
	case "9", "未说明", "未说明的性别":
		return 9
	}
	return -1
}

func docTypeCode(s string) string {
	for _, t := range weijian.DocTypes {
		if s == t.Name.ZH {
			return string(t.Code)
		}
	}
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// eventColumns are the fixed columns of an event file; every other
// column is a data element of the stage (its code as the header).
var eventColumns = []column{
	{key: "id_number", names: []string{"身份证号", "身份证号码", "证件号码", "公民身份号码", "idnumber"}, required: true},
	{key: "doc_type", names: []string{"证件类型", "证件类别"}},
	{key: "programme", names: []string{"项目", "项目代码", "program"}, required: true},
	{key: "stage", names: []string{"服务", "服务类型", "阶段"}, required: true},
	{key: "date", names: []string{"日期", "服务日期", "随访日期", "event_date"}, required: true},
	{key: "org_unit", names: []string{"机构", "机构代码", "服务机构", "orgunit", "org_code"}},
	{key: "source_id", names: []string{"来源编号", "记录编号", "record_id"}},
}

// enrollmentColumns are those of an enrollment file: the event columns
// without the stage; the other columns are enrollment attributes.
var enrollmentColumns = func() []column {
	var out []column
	for _, c := range eventColumns {
		if c.key != "stage" {
			out = append(out, c)
		}
	}
	return out
}()

// Events reads an event file: the fixed columns, and one column per data
// element, whose cells are kept as text (numbers as numbers) for the
// programme's own checks.
func Events(t *tabular.Table) ([]weijian.EventRow, error) {
	cells, err := serviceCells(t, eventColumns, weijian.T("服务记录", "the services"))
	out := make([]weijian.EventRow, len(cells))
	for i, c := range cells {
		out[i] = weijian.EventRow{Line: c.line, DocType: c.docType, DocNumber: c.doc, Event: weijian.Event{Programme: c.programme,
			Stage: c.stage, Date: c.date, OrgCode: c.org, SourceID: c.source, Values: c.values}}
	}
	return out, err
}

// Enrollments reads an enrollment file like an event file (没有“服务”列).
func Enrollments(t *tabular.Table) ([]weijian.EnrollmentRow, error) {
	cells, err := serviceCells(t, enrollmentColumns, weijian.T("项目登记", "the enrollments"))
	out := make([]weijian.EnrollmentRow, len(cells))
	for i, c := range cells {
		out[i] = weijian.EnrollmentRow{Line: c.line, DocType: c.docType, DocNumber: c.doc, Enrollment: weijian.Enrollment{
			Programme: c.programme, EnrolledOn: c.date, OrgCode: c.org, SourceID: c.source, Values: c.values}}
	}
	return out, err
}

// serviceRow is one row of an event or enrollment file.
type serviceRow struct {
	line                               int
	docType                            weijian.DocType
	doc, programme, stage, org, source string
	date                               time.Time
	values                             map[string]any
}

func serviceCells(t *tabular.Table, cols []column, what weijian.Text) ([]serviceRow, error) {
	fixed := &tabular.Table{Encoding: t.Encoding}
	var valueCols []int
	for i, h := range t.Header {
		if match(h, cols) != "" {
			fixed.Header = append(fixed.Header, h)
		} else {
			fixed.Header = append(fixed.Header, "")
			valueCols = append(valueCols, i)
		}
	}
	idx, err := columns(fixed, cols)
	if err != nil {
		return nil, err
	}
	xlsx := t.Encoding == "XLSX"
	var is issues
	out := make([]serviceRow, 0, len(t.Rows))
	for _, r := range t.Rows {
		d := dateCell(r, idx["date"], "date", xlsx, &is)
		if d.IsZero() && r.Get(idx["date"]) == "" {
			is.add(r.Line, "date", "", "required", weijian.T("日期必填", "a date is required"))
		}
		c := serviceRow{line: r.Line, docType: weijian.DocType(docTypeCode(r.Get(idx["doc_type"]))), doc: r.Get(idx["id_number"]),
			programme: r.Get(idx["programme"]), date: d, org: r.Get(idx["org_unit"]), source: r.Get(idx["source_id"]),
			values: map[string]any{}}
		if i, ok := idx["stage"]; ok {
			c.stage = r.Get(i)
		}
		for _, col := range valueCols {
			if v := r.Get(col); v != "" && strings.TrimSpace(t.Header[col]) != "" {
				c.values[strings.TrimSpace(t.Header[col])] = cellValue(v)
			}
		}
		out = append(out, c)
	}
	return out, is.err(what)
}

// cellValue keeps a number as a number (what a numeric data element
// expects) and anything else as text.
func cellValue(s string) any {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && (s == "0" || !strings.HasPrefix(s, "0")) {
		return n
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && (!strings.HasPrefix(s, "0") || strings.HasPrefix(s, "0.")) {
		return f
	}
	switch s {
	case "true", "是":
		return true
	case "false", "否":
		return false
	}
	return s
}

// ReadJSON reads a JSON file — an array of objects, or {"rows": […]} —
// into a table whose header is the union of the objects' keys, so that a
// JSON import goes through the same columns and checks as a CSV file.
func ReadJSON(r io.Reader) (*tabular.Table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var rows []map[string]any
	if err := json.Unmarshal(data, &rows); err != nil {
		var wrapped struct {
			Rows []map[string]any `json:"rows"`
		}
		if err2 := json.Unmarshal(data, &wrapped); err2 != nil || wrapped.Rows == nil {
			return nil, weijian.Invalid(weijian.T("JSON 文件应为对象数组："+err.Error(), "a JSON file is an array of objects: "+err.Error()))
		}
		rows = wrapped.Rows
	}
	keys := map[string]bool{}
	for _, o := range rows {
		for k := range o {
			keys[k] = true
		}
	}
	t := &tabular.Table{Encoding: "JSON"}
	for k := range keys {
		t.Header = append(t.Header, k)
	}
	sort.Strings(t.Header)
	for i, o := range rows {
		cells := make([]string, len(t.Header))
		for j, k := range t.Header {
			switch v := o[k].(type) {
			case nil:
			case string:
				cells[j] = v
			case float64:
				cells[j] = strconv.FormatFloat(v, 'f', -1, 64)
			default:
				b, _ := json.Marshal(v)
				cells[j] = string(bytes.Trim(b, `"`))
			}
		}
		t.Rows = append(t.Rows, tabular.Row{Line: i + 1, Cells: cells})
	}
	return t, nil
}

// ReadAny reads a CSV, XLSX or JSON file by its name.
func ReadAny(name string, r io.Reader) (*tabular.Table, error) {
	if strings.HasSuffix(strings.ToLower(name), ".json") {
		return ReadJSON(r)
	}
	t, err := tabular.Read(name, r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return t, nil
}
