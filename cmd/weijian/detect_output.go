package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/detect"
)

// detectRow is one evaluated period of the output.
type detectRow struct {
	Period     string   `json:"period"`
	Count      *float64 `json:"count"`
	BlockCount *float64 `json:"block_count,omitempty"` // cidarsMPM: the 7-day count compared
	UpperBound *float64 `json:"upper_bound"`           // glrnb: its statistic (see detectHeader)
	Alarm      *bool    `json:"alarm"`
}

func detectRows(cs *countSeries, res *detect.Result) []detectRow {
	rows := make([]detectRow, len(res.Points))
	for i, p := range res.Points {
		rows[i] = detectRow{Period: cs.periods[p.Index].label(), Count: num(p.Observed), UpperBound: num(p.UpperBound)}
		if res.BlockCount != nil {
			rows[i].BlockCount = num(res.BlockCount[i])
		}
		if p.Alarm != detect.AlarmNA {
			al := p.Alarm == detect.Alarmed
			rows[i].Alarm = &al
		}
	}
	return rows
}

// jsonPoints are the rows as JSON objects keyed by the header's names
// (null for NA).
func jsonPoints(header []string, rows []detectRow) []map[string]any {
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		vals := []any{r.Period, r.Count, r.UpperBound, r.Alarm}
		if len(header) == 5 {
			vals = []any{r.Period, r.Count, r.BlockCount, r.UpperBound, r.Alarm}
		}
		out[i] = map[string]any{}
		for j, h := range header {
			out[i][h] = vals[j]
		}
	}
	return out
}

// num is v, or nil for NA (JSON null).
func num(v float64) *float64 {
	if math.IsNaN(v) {
		return nil
	}
	return &v
}

func writeDetectResult(w io.Writer, a *detectArgs, cs *countSeries, res *detect.Result) error {
	rows := detectRows(cs, res)
	switch a.format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Method   string            `json:"method"`
			Freq     int               `json:"freq"`
			Params   map[string]string `json:"params"`
			Points   []map[string]any  `json:"points"`
			Warnings []string          `json:"warnings,omitempty"`
		}{a.method, cs.series.Freq, a.params, jsonPoints(detectHeader(a, res.BlockCount != nil), rows), res.Warnings})
	case "csv":
		return writeDetectCSV(w, detectHeader(a, res.BlockCount != nil), rows)
	}
	return writeDetectTable(w, a, res.BlockCount != nil, rows)
}

// detectHeader names the output columns for what they hold: the bound
// column is glrnb's GLR statistic unless ret = "cases" asks for the count
// that would raise an alarm.
func detectHeader(a *detectArgs, block bool) []string {
	bound := "upper_bound"
	if a.method == "glrnb" && a.params["ret"] != "cases" {
		bound = "glr_statistic"
	}
	if block {
		return []string{"period", "count", "block_count", bound, "alarm"}
	}
	return []string{"period", "count", bound, "alarm"}
}

func writeDetectCSV(w io.Writer, header []string, rows []detectRow) error {
	block := len(header) == 5
	cw := csv.NewWriter(w)
	_ = cw.Write(header)
	for _, r := range rows {
		rec := []string{r.Period, fmtNum(r.Count, -1)}
		if block {
			rec = append(rec, fmtNum(r.BlockCount, -1))
		}
		rec = append(rec, fmtNum(r.UpperBound, -1), fmtAlarm(r.Alarm, "1", "0"))
		_ = cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

func writeDetectTable(w io.Writer, a *detectArgs, block bool, rows []detectRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.Join(detectHeader(a, block), "\t")+"\t")
	alarms := 0
	for _, r := range rows {
		rec := []string{r.Period, fmtNum(r.Count, -1)}
		if block {
			rec = append(rec, fmtNum(r.BlockCount, -1))
		}
		rec = append(rec, fmtNum(r.UpperBound, 2), fmtAlarm(r.Alarm, "ALARM", "-"))
		fmt.Fprintln(tw, strings.Join(rec, "\t")+"\t")
		if r.Alarm != nil && *r.Alarm {
			alarms++
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%s：评估 %d 个时段，报警 %d 次 / %s evaluated, %s\n", a.method, len(rows), alarms,
		weijian.Plural(len(rows), "period", "periods"), weijian.Plural(alarms, "alarm", "alarms"))
	return err
}

// fmtNum formats a number with prec decimals (−1: as many as needed), NA
// for nil.
func fmtNum(v *float64, prec int) string {
	if v == nil {
		return "NA"
	}
	if *v == math.Trunc(*v) && math.Abs(*v) < 1e15 {
		return strconv.FormatFloat(*v, 'f', 0, 64)
	}
	return strconv.FormatFloat(*v, 'f', prec, 64)
}

func fmtAlarm(a *bool, yes, no string) string {
	switch {
	case a == nil:
		return "NA"
	case *a:
		return yes
	}
	return no
}

// detectUsage prints the help of "weijian detect", with every method and
// its parameters from the detect package.
func detectUsage(w io.Writer) {
	fmt.Fprint(w, `weijian detect — 对病例数序列运行预警算法 / run an outbreak-detection method on a count series

Usage:
  weijian detect --method METHOD [--PARAM VALUE …] [--freq 52|12|365|7]
                 [--range last:N|A:B|PERIOD:PERIOD] [--format table|csv|json] FILE

FILE is a .csv (UTF-8, or GBK as saved by Excel/WPS) or .xlsx (first sheet)
with two columns: the period and the number of cases. A header row is
optional. Periods are ISO weeks (2024W23, 2024-W23, 2024年第23周), months
(2024-06, 2024年6月) or dates (2024-06-30, 2024/6/30, 2024年6月30日; in
XLSX also real date cells). Every period from the first to the last must be
present once, in time order: enter 0 for a period without cases and NA (or
leave the cell empty) when the count is unknown. Counts must be whole
numbers ≥ 0. Problems are reported with the row number.

  --method    the method (list below)
  --freq      observations per year; by default 52 for weeks, 12 for months,
              365 for dates. With dates, 52 means one date per week and 12
              one per month; 7 means daily data with a weekly cycle.
  --range     the periods to evaluate (default: every period with enough
              history): last:52 = the last 52; 2024W01:2024W52 or 2024W01:
              = from/to those periods; 300:364 = rows by position (1 = first).
  --format    table (default), csv or json. Output per evaluated period:
              period, count, upper_bound (threshold) and alarm; glrnb gives
              its GLR statistic in a column glr_statistic instead (or, with
              --ret cases, the upper_bound: cases needed for an alarm).
  --method    given twice for earsC: --method earsC --method C2 runs EARS C2.
  --PARAM V   a parameter of the method, named as in R's surveillance package.

An alarm means the count is above the upper bound (CIDARS fixed threshold:
at or above it; cusum and glrnb: the CUSUM or GLR statistic reached its
limit; cusum's bound, and glrnb's with --ret cases, is the count that would
have raised the alarm). An alarm is a
signal to verify, not a confirmed outbreak.

Methods and parameters (defaults in brackets):
`)
	for _, m := range detect.Methods() {
		fmt.Fprintf(w, "\n  %s — %s\n", m.Name, m.Title)
		for _, p := range m.Params {
			def := p.Default
			if def == "" {
				def = "auto"
			}
			fmt.Fprintf(w, "      --%-20s %s [%s]\n", p.Name, p.Doc, def)
		}
	}
	fmt.Fprint(w, `
Examples:
  weijian detect --method farringtonFlexible --b 5 --w 3 --range last:52 hfmd_weekly.csv
  weijian detect --method earsC3 --format csv influenza_daily.xlsx
  weijian detect --method cidarsMPM --percentile 80 --range 2025-06-01: mumps_daily.csv
  weijian detect --method cidarsFixed cholera_daily.csv
  weijian detect --method earsC --method C2 --baseline 7 influenza_daily.csv
`)
}
