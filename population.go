package weijian

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Sex codes follow GB/T 2261.1-2003.
const (
	SexMale   = 1
	SexFemale = 2
)

// AgeOpen is the upper bound of an open age band ("85+").
const AgeOpen = 200

// AgeBand is a half-open range of completed years of age [From, To).
type AgeBand struct {
	From int `json:"from"`
	To   int `json:"to"` // exclusive; AgeOpen for "and over"
}

// AllAges is the band of every age.
var AllAges = AgeBand{0, AgeOpen}

// String formats a band as an import file writes it: "0-4", "85+", "3".
func (b AgeBand) String() string {
	switch {
	case b.To >= AgeOpen:
		return fmt.Sprintf("%d+", b.From)
	case b.To == b.From+1:
		return strconv.Itoa(b.From)
	}
	return fmt.Sprintf("%d-%d", b.From, b.To-1)
}

// Label is the band in lang: "0–4岁", "85岁及以上".
func (b AgeBand) Label(lang string) string {
	en := lang == "en"
	switch {
	case b == AllAges:
		return T("合计", "All ages").In(lang)
	case b.To >= AgeOpen && en:
		return fmt.Sprintf("%d and over", b.From)
	case b.To >= AgeOpen:
		return fmt.Sprintf("%d岁及以上", b.From)
	case en:
		return b.String()
	case b.To == b.From+1:
		return fmt.Sprintf("%d岁", b.From)
	}
	return fmt.Sprintf("%d–%d岁", b.From, b.To-1)
}

// Contains reports whether o lies entirely within b.
func (b AgeBand) Contains(o AgeBand) bool { return o.From >= b.From && o.To <= b.To }

// Overlaps reports whether the bands share an age.
func (b AgeBand) Overlaps(o AgeBand) bool { return b.From < o.To && o.From < b.To }

// ParseAgeBand reads "0-4", "0~4", "0–4", "85+", "85岁及以上", "3", "total"/"合计",
// and the labels Label writes ("0–4岁", "85 and over", "All ages").
func ParseAgeBand(s string) (AgeBand, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "岁"))
	switch strings.ToLower(s) {
	case "", "total", "all", "all ages", "合计", "总计":
		return AllAges, nil
	}
	if rest, ok := strings.CutSuffix(s, " and over"); ok {
		return openBand(rest, s)
	}
	if rest, ok := strings.CutSuffix(s, "+"); ok {
		return openBand(rest, s)
	}
	if rest, ok := strings.CutSuffix(s, "岁及以上"); ok {
		return openBand(rest, s)
	}
	if rest, ok := strings.CutSuffix(s, "及以上"); ok {
		return openBand(rest, s)
	}
	for _, sep := range []string{"-", "~", "～", "–", "—", "至"} {
		if a, b, ok := strings.Cut(s, sep); ok {
			from, err1 := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(a), "岁"))
			to, err2 := strconv.Atoi(strings.TrimSpace(b))
			if err1 != nil || err2 != nil || from < 0 || to < from || to >= AgeOpen {
				return AgeBand{}, badBand(s)
			}
			return AgeBand{from, to + 1}, nil
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n >= AgeOpen {
		return AgeBand{}, badBand(s)
	}
	return AgeBand{n, n + 1}, nil
}

func openBand(from, orig string) (AgeBand, error) {
	n, err := strconv.Atoi(strings.TrimSpace(from))
	if err != nil || n < 0 || n >= AgeOpen {
		return AgeBand{}, badBand(orig)
	}
	return AgeBand{n, AgeOpen}, nil
}

func badBand(s string) error {
	return Invalid(T(
		fmt.Sprintf("年龄组 %q 无法识别：应写作 0-4、85+、3 或 合计", s),
		fmt.Sprintf("age band %q not understood: write 0-4, 85+, 3 or total", s)))
}

// PopulationRow is one stored population count.
type PopulationRow struct {
	Line     int     `json:"-"` // the file row, for messages
	AgeText  string  `json:"-"` // the age band as written in the file, for messages ("" when the file has no age column)
	UnitName string  `json:"-"` // the unit's name, when read for an export (an import ignores it)
	UnitCode string  `json:"unit"`
	Year     int     `json:"year"`
	Sex      int     `json:"sex"` // 1 male, 2 female, 0 both
	Age      AgeBand `json:"age"`
	Count    int64   `json:"count"`
}

// PopulationQuery asks for the population of one unit in one year.
type PopulationQuery struct {
	UnitCode string
	Year     int
	// Bands to report; nil means the stored bands (merged across the subtree).
	Bands []AgeBand
}

// PopulationCell is one count of a population table.
type PopulationCell struct {
	Sex   int     `json:"sex"`
	Age   AgeBand `json:"age"`
	Count int64   `json:"count"`
}

// Population is the population of a unit in a year by sex and age, summed
// up the tree on read.
type Population struct {
	UnitCode string           `json:"unit"`
	Year     int              `json:"year"`
	Total    int64            `json:"total"`
	Male     int64            `json:"male"`
	Female   int64            `json:"female"`
	Cells    []PopulationCell `json:"cells"`
	// Source says where the figures come from: "own" (stored for the unit
	// itself), "below" (summed from the units below it), or "" (none).
	Source string `json:"source"`
	// BelowTotal is the total summed from the units below when the unit
	// has figures of its own and the two disagree (the own figures win);
	// 0 otherwise. The UI shows it as a data-quality note.
	BelowTotal int64 `json:"belowTotal,omitempty"`
	// MixedBands is set when the units summed store overlapping age bands
	// (say one by age and one a total): Cells is then empty.
	MixedBands bool `json:"mixedBands,omitempty"`
	// Coverage says how many of the areas below the unit the figures
	// include (coveredUnits of expectedUnits).
	Coverage
}

// ChildPopulation is the total population of one child unit and how
// complete it is.
type ChildPopulation struct {
	Total int64
	Coverage
}

// PopulationStore keeps population denominators.
type PopulationStore interface {
	ImportPopulation(ctx context.Context, sc Scope, rows []PopulationRow, opt ImportOptions) (ImportSummary, error)
	Population(ctx context.Context, sc Scope, q PopulationQuery) (*Population, error)
	// ChildPopulations returns the total population of each child of the
	// unit in the year (summed up their subtrees), keyed by child code.
	ChildPopulations(ctx context.Context, sc Scope, code string, year int) (map[string]ChildPopulation, error)
	PopulationYears(ctx context.Context, sc Scope, code string) ([]int, error)
	// PopulationRows returns the rows stored for the unit and every unit
	// below it in the year, as an import would give them (UnitName set),
	// ordered by unit, age band and sex: an export that imports back.
	PopulationRows(ctx context.Context, sc Scope, code string, year int) ([]PopulationRow, error)
	// PopulationCoverage returns, for each year with figures in the unit's
	// subtree (latest first), how complete the unit's figures are.
	PopulationCoverage(ctx context.Context, sc Scope, code string) ([]YearCoverage, error)
}
