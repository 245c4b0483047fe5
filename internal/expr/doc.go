// Package expr is the indicator language: the small expression language in
// which an indicator's numerator and denominator, a programme indicator's
// person rule and a data set's validation rule are written.
//
// It is its own parser rather than a general expression library (the
// project's DEPENDENCIES.md lists expr-lang/expr and cel-go) because the
// language's values are references resolved against the data — data
// element sums with disaggregation filters, population, other indicators,
// persons meeting a rule — that must be known when a definition is
// loaded (file, line and column of every error), that analytics must be
// able to list (to fetch them in one query per cell set) and that must
// compile to SQL for per-person rules; a general evaluator hides all three.
//
// # Grammar
//
//	expr    = or
//	or      = and { "or" and }
//	and     = not { "and" not }
//	not     = "not" not | compare
//	compare = sum [ ("=" | "!=" | "<" | "<=" | ">" | ">=") sum ]
//	sum     = product { ("+" | "-") product }
//	product = unary { ("*" | "/") unary }
//	unary   = "-" unary | primary
//	primary = number | string | "true" | "false" | ref | call | field | "(" expr ")"
//	ref     = "#{" name { ";" filter } "}"     data element sum, e.g. #{tuoyu.places; type=public}
//	        | "pop{" [ filter { ";" filter } ] "}"   population, e.g. pop{sex=F; age=65+}
//	        | "I{" name "}"                   another indicator's value
//	        | "C{" name "}"                   a constant
//	filter  = name "=" value { "," value }    a disaggregation and the options it keeps
//	call    = name "(" [ expr { "," expr } ] ")"
//	field   = name                            a field of the row a rule is evaluated on
//
// Names are ASCII letters, digits, '_' and '.'; filter values may also be
// Chinese ("#{peixun.renci; 类型=线上}") and '+' or '-' ranges ("65+",
// "0-6"). Comments run from "//" to the end of the line.
//
// # Functions
//
//	if(cond, a, b)         a when cond holds, else b
//	min(a, b, …) max(…)    the least or greatest value that has data
//	coalesce(a, b, …)      the first value that has data
//	abs(x) round(x, n)     absolute value; half-up rounding to n places
//	ytd(x)                 x over the year to date of the period asked for
//	last_year(x)           x over the same period a year earlier
//	persons(p, rule)       persons enrolled in programme p in the period
//	                       whose year status meets rule (a row rule over
//	                       the programme's status fields)
//	events(s, rule)        events of programme stage s in the period that
//	                       meet rule (a row rule over the stage's fields)
//	reports(d)             reports of data set d received in the period from
//	                       the units under the one asked that report it (a
//	                       zero report counts)
//	reports_on_time(d)     those received by the data set's due day
//	reports_expected(d)    reporting units × d's periods in the period
//
// # Values
//
// An expression is a number or a boolean. A value may have no data (a
// data element nobody reported, a division by zero): it propagates through
// arithmetic and comparisons, so that a figure with no data is shown as
// such, never as 0; min, max and coalesce skip it.
//
// # Evaluation
//
// Eval walks a tree for one query, asking a Resolver for each reference.
// Compile turns a checked tree into Go closures once, with every
// reference and data call bound by a Binder to a function of the
// caller's own point type (the indicator engine binds them to what a run
// has read, kept in slices by unit and span index), for a formula
// evaluated over many cells: a grid of 225,900 cells then walks no tree
// and looks nothing up by name. The two give the same values, reasons
// and errors and ask for the same references in the same order; the
// tests hold them to it on examples, random trees and the fuzz corpus.
package expr
