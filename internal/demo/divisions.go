package demo

import (
	"bytes"
	"embed"
	"fmt"
	"slices"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ident"
	"github.com/weijian-health/weijian/internal/ingest"
	"github.com/weijian-health/weijian/internal/tabular"
)

// The division files are embedded so that a fresh clone builds the demo
// with nothing else on disk; data/SOURCES.md says where they come from.
//
//go:embed data/*.csv
var dataFS embed.FS

// tree is a county's division tree as the demo uses it.
type tree struct {
	Ancestors []weijian.OrgUnitRow // province, city, the county itself last (中山市: province, city)
	County    weijian.OrgUnitRow
	Towns     []*town
}

// town is a township-level unit (街道, 镇, 乡 or a township-like unit).
type town struct {
	Row      weijian.OrgUnitRow
	Type     ident.TownshipType
	Urban    bool // a 街道, or a town the profile names as an urban core
	Villages []*village
}

// village is a village-level unit (居委会 or 村委会).
type village struct {
	Row  weijian.OrgUnitRow
	Type ident.VillageType
	Seat bool // the town's first residents' committee: the town seat
	Town *town
}

// Residential reports whether v is a residents' committee (居委会, a
// community) rather than a villagers' committee.
func (v *village) Residential() bool {
	return v.Type == ident.ResidentsCommittee || v.Type == ident.ResidentsLike
}

// loadTree reads the county's embedded division file through the same
// reader as `weijian import orgunits`.
func loadTree(c *county) (*tree, error) {
	b, err := dataFS.ReadFile("data/" + c.File)
	if err != nil {
		return nil, fmt.Errorf("demo data %s: %w", c.File, err)
	}
	tb, err := tabular.Read(c.File, bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("demo data %s: %w", c.File, err)
	}
	rows, err := ingest.OrgUnits(tb)
	if err != nil {
		return nil, fmt.Errorf("demo data %s: %w", c.File, err)
	}
	return buildTree(c, rows)
}

func buildTree(c *county, rows []weijian.OrgUnitRow) (*tree, error) {
	t := &tree{}
	towns := map[string]*town{}
	for _, r := range rows {
		switch {
		case r.Code == c.unitCode():
			t.County = r
		case r.Level == weijian.LevelTown:
			d, err := ident.ParseDivision(r.Code)
			if err != nil {
				return nil, err
			}
			tw := &town{Row: r, Type: d.TownshipType()}
			tw.Urban = tw.Type == ident.Subdistrict || slices.Contains(c.UrbanTowns, r.Name)
			towns[r.Code] = tw
			t.Towns = append(t.Towns, tw)
		case r.Level == weijian.LevelVillage:
		default:
			t.Ancestors = append(t.Ancestors, r)
		}
	}
	for _, r := range rows {
		if r.Level != weijian.LevelVillage {
			continue
		}
		tw := towns[r.ParentCode]
		d, err := ident.ParseDivision(r.Code)
		if tw == nil || err != nil {
			return nil, fmt.Errorf("demo data %s: village %s has no town in the file", c.File, r.Code)
		}
		v := &village{Row: r, Type: d.VillageType(), Town: tw}
		tw.Villages = append(tw.Villages, v)
	}
	for _, tw := range t.Towns {
		for _, v := range tw.Villages {
			if v.Residential() {
				v.Seat = true
				break
			}
		}
	}
	if t.County.Code == "" {
		return nil, fmt.Errorf("demo data %s: county %s not in the file", c.File, c.unitCode())
	}
	t.Ancestors = append(t.Ancestors, t.County) // the county last
	return t, nil
}

// villages returns every village in file order.
func (t *tree) villages() []*village {
	var out []*village
	for _, tw := range t.Towns {
		out = append(out, tw.Villages...)
	}
	return out
}

// popUnits returns the codes that hold population rows: every village,
// and any town without villages (so that no area is left out).
func (t *tree) popUnits() []popUnit {
	var out []popUnit
	for _, tw := range t.Towns {
		if len(tw.Villages) == 0 {
			out = append(out, popUnit{Code: tw.Row.Code, Town: tw})
		}
		for _, v := range tw.Villages {
			out = append(out, popUnit{Code: v.Row.Code, Town: tw, Village: v})
		}
	}
	return out
}

// popUnit is an area that holds population rows.
type popUnit struct {
	Code    string
	Town    *town
	Village *village // nil for a town without villages
}

// shortName strips the committee suffix from a village name:
// 新林村委会 → 新林村, 中坝社区居委会 → 中坝社区, 三里闸居委会 → 三里闸.
func shortName(name string) string {
	for _, suf := range []string{"村民委员会", "居民委员会", "村委会", "居委会", "委员会"} {
		if s, ok := strings.CutSuffix(name, suf); ok {
			if suf == "村民委员会" || suf == "村委会" {
				return s + "村"
			}
			return s
		}
	}
	return name
}
