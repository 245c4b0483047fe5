// Package programme is the metadata layer of tracked programmes (项目): the
// 基本公卫 and maternal/child services a county gives its residents —
// hypertension and diabetes follow-ups, screenings, checks, doses,
// contracts. It holds no data and touches no database: it reads programme
// definitions from YAML files, checks them, and answers questions about
// records that the store and the web layer ask.
//
// # Model
//
// A programme (one YAML file, metadata/programmes/<code>.yaml; a later
// version is <code>@N.yaml) has a version and a valid-from date, an
// eligibility (age range at the enrollment date, sex as GB/T 2261.1
// codes, residence), enrollment attributes, and stages (kinds of event:
// a follow-up, a check, a screening step, a dose), each repeatable or not.
// Attributes and stage data are forms: sections of typed fields (int,
// number, text, date, bool, option) with units, ranges and option sets
// (code tables; shared ones in optionsets/*.yaml, each naming the standard
// it follows), plus cross-field checks and derived values.
//
// # Rules
//
// Fields may carry show_when and required_when, forms carry checks
// (an expression that must not be false, shown at one field) and derived
// values (BMI, 血压控制). The expression language is small:
//
//	literals     120  6.5  'text'  "text"  true  false  null  ['1', '2']
//	names        sbp  enrollment.diagnosis_date  person.age  person.age_months
//	             person.age_days  person.sex  person.birth_date
//	             event_date  enrollment_date
//	operators    ! -x  * /  + -  == != < <= > >= in  &&  ||  c ? a : b
//	functions    present(x) round(x, n) min(…) max(…) abs(x) count(list)
//	             days(d1, d2) months(d1, d2) years(d1, d2) date('2024-01-01')
//
// A name is a field or derived value of the same form; a stage's rules may
// also read the enrollment's attributes as enrollment.<code>. An unanswered
// field is null. == and != treat null as a value (a blank field equals null
// and no code; null in a list is false), while ordering and arithmetic with
// null give null, so a check such as sbp > dbp over a blank field neither
// passes nor fails; && and || follow three-valued logic (false && null is
// false, true || null is true). A check fails only when it is false; a
// field is required_when the condition is true, and allowed only when
// show_when is true. A yes/no field left blank is false (no), as on the
// paper forms, and a "no" in a field that does not apply is dropped. Every
// name and the kinds of every operation are checked when the file is
// loaded: drug_compliance == 1 is refused there, since an option code is
// text ('1').
//
// # Schedules and status
//
// A stage may have a schedule (see Schedule): one event per calendar
// period, an interval after the last event, windows from an anchor (age,
// pregnancy, delivery) or a follow-up after a positive finding.
// Programme.Due turns the schedules and a person's events into work-list
// items (due, overdue, deadline). Programme.YearStatus computes the small
// per-person-per-year record (counts, last readings, 规范管理, controlled)
// that the store keeps on every write, so that indicators need not scan
// events; the status items are declared in the file (see StatusItem).
//
// # Forms
//
// Programme.Layout gives what a generated form or the API needs (labels
// in both languages, sections, option lists, units, steps, help, the
// show/required conditions); Stage.FieldStates evaluates the conditions
// for the answers so far; Form.FieldFor maps an import column header
// (code, Chinese or English label, with or without the unit) to a field.
//
// # Errors
//
// A metadata error (MetadataError) names the file, line, column and the
// path of the field. An input error (FieldError) names the field, the
// value given, the rule broken and a message in Chinese and English.
package programme
