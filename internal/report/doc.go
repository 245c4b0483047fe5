// Package report writes work summaries (工作总结), quarterly reports and
// epidemic bulletins from live data, and keeps every figure traceable to
// the query and records behind it. (The report checker, which reads
// figures in texts people wrote, is internal/report/check.)
//
// # Templates
//
// A template is a Markdown file with Go text/template placeholders and
// an optional YAML header:
//
//	---
//	title: 半年工作总结
//	description: …
//	periods: [half-year]   # period types accepted (day, week, month, quarter, half-year, year)
//	span: ytd              # ytd: the year of the period cut at the as-of date (截至); period: the period itself
//	---
//	# {{.OrgUnit}}{{.Year}}年上半年卫生健康工作总结
//	{{.AsOf}}，{{summary "htn_standard_rate"}}。
//
// The built-in ones are metadata/reports/*.md (half_year_summary,
// annual_summary, phc_quarterly, epidemic_monthly); `weijian report` also
// takes a file. The Markdown is a subset: headings # to ####, paragraphs,
// "- " items, pipe tables (a short paragraph starting with 表 just before a
// table is its caption) and <!-- comments -->. Government documents number
// their sections in the text (一、（一）1.), and so do the templates.
//
// Parse checks a template when it is loaded: unknown functions and
// indicator codes that are not in the library are errors with the file,
// line and column (Error); an indicator code must be a quoted constant.
//
// # Data
//
// "." is a Data: .OrgUnit (name), .OrgUnitCode, .Period (2024年上半年),
// .PeriodID, .Year, .LastYear, .NextYear, .AsOf (截至2024年6月30日), .Date
// (2024年6月30日), .Month.
//
// # Functions
//
// Each takes an indicator code (CODE) of the library unless said.
//
//	name CODE          the indicator's name: 高血压患者规范管理率
//	value CODE [WORD]  the value with its unit: 88.51% (a count: 4497; WORD after it when there is one: 4497人)
//	num CODE, den CODE the numerator, the denominator: 4497, 5080
//	rate CODE          the value with its counts: 88.51%（4497/5080）
//	stat CODE          name, value and counts: 高血压患者规范管理率88.51%（4497/5080）
//	target CODE [WORD] 任务数4380人 (a count, WORD after the number) or 目标值85% (a rate); 暂无任务数
//	completion CODE    完成率102.67%
//	done CODE [WORD]   完成4497人，任务数4380人，完成率102.67%，超序时进度0.68个百分点
//	pace CODE          超序时进度3.2个百分点 / 慢于序时进度…个百分点 / 达到序时进度
//	yoy CODE, mom CODE 较去年同期提高2.1个百分点 / 较上期增加120，增长5.30% (points for % and ‰)
//	summary CODE       stat, then target, 完成率 and pace when there is a target, then 同比 when known
//	table CODE…        a table of the values by unit (the units below, then the unit itself)
//	detail CODE        one indicator by unit: 分子, 分母, value, 任务数/目标值, 完成率, 序时进度, 排名
//	best CODE [N]      the best units: 城东镇（完成率111.76%）、… (by 完成率 with targets, else by value)
//	worst CODE [N]     the units furthest behind
//	behind [CODE…]     the indicators behind target or pace (default: every indicator the template names)
//	problems [CODE…]   the 存在问题 section drafted from the data, numbered paragraphs: indicators behind
//	                   pace or target with the units furthest behind, rates that fell from a year before,
//	                   late or missing data-set reports, signals not answered in time
//	cases              notifiable-disease cases of the span: kinds, total, top five, 环比 and 同比
//	casetable          cases by disease: this span, the one before, a year before
//	signals            early-warning signals: raised, responded, in time (2 h / 24 h), judged, open
//	quality            报告率 and 及时率 of each data set's reports in the span
//	cndate "YYYY-MM-DD" 2024年6月30日
//
// A figure that cannot be given — no data for the period, a zero
// denominator — prints 暂无数据 (NoData), never 0%.
//
// # Outputs
//
// Template.Render gives a Document: blocks of text in which every figure
// is a Figure (indicator, unit, period, as-of date, kind, unrounded
// value). WriteMarkdown, HTML (every indicator figure an <a> to the
// dashboard of its unit and indicator, with data-api: its analytics query,
// data-records: the persons behind it, and a list of the queries at the
// end), WriteDOCX (the layout of Chinese government documents, see
// WriteDOCX) and WriteXLSX (every table on a sheet, and every figure with
// its query).
//
// # Sources
//
// Figures come from Sources: Figures (the indicator library and the
// analytics grid; LiveFigures adapts analytics.Service.Query), and
// optionally Surveillance and Quality (Live reads case counts, signals and
// data-set completeness from the store). A rendering asks the analytics
// service twice: one grid of every indicator for the unit, one for the
// units below for tables and rankings.
package report
