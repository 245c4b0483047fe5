package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ident"
)

// Facility codes are the demo's own scheme, not division codes (which a
// facility may not use): the 12-digit code of the area the facility sits
// in, a hyphen, two letters for its kind and a two-digit number.
//
//	320685000000-ZH01   海安市人民医院 (综合医院 under the county)
//	320685102000-WS01   海安市曲塘镇中心卫生院 (卫生院 under 曲塘镇)
//	320685102201-CS01   a 村卫生室 under the villagers' committee 320685102201
//
// Marks: WJ 卫健委, JK 疾控, JD 卫生监督, FY 妇幼, ZH 综合医院, ZY 中医医院,
// ZK 专科医院, MY 民营医院, WS 乡镇卫生院, SQ 社区卫生服务中心, FW 社区卫生服务站,
// CS 村卫生室. A real deployment imports its own codes (e.g. the 22-character
// 医疗卫生机构代码) instead.
func facilityCode(area, mark string, n int) string {
	return fmt.Sprintf("%s-%s%02d", area, mark, n)
}

// creditKind is the first two characters of a facility's 统一社会信用代码
// (GB 32100-2015): 11 a government organ (the health commission), 12 a
// public institution (事业单位: hospitals, CDC, health centres and the
// stations they run), 52 a private non-enterprise unit (民办非企业单位: the
// demo's village clinics and non-profit private hospitals), 91 an
// enterprise (for-profit private hospitals).
func creditKind(facilityType string, n int) string {
	switch facilityType {
	case "health_commission":
		return "11"
	case "village_clinic":
		return "52"
	case "private_hospital":
		if n%2 == 0 {
			return "91"
		}
		return "52"
	}
	return "12"
}

// facilityBuilder makes facility rows with unique codes and credit codes.
type facilityBuilder struct {
	c     *county
	rng   *rand.Rand
	seqs  map[int]bool
	count map[string]int // per area and mark, for numbering
	rows  []weijian.OrgUnitRow
}

func (b *facilityBuilder) add(parent, name, typ, mark string) error {
	key := parent + mark
	b.count[key]++
	seq := b.uniqueSeq()
	cc, err := ident.GenerateCreditCode(creditKind(typ, len(b.rows)), b.c.Code, seq)
	if err != nil {
		return fmt.Errorf("credit code for %s: %w", name, err)
	}
	b.rows = append(b.rows, weijian.OrgUnitRow{Code: facilityCode(parent, mark, b.count[key]), Name: name,
		Level: weijian.LevelFacility, ParentCode: parent, FacilityType: typ, USCC: cc.String()})
	return nil
}

// uniqueSeq draws the 8-digit body of an organisation code.
func (b *facilityBuilder) uniqueSeq() int {
	for {
		s := 10_000_000 + b.rng.IntN(89_999_999)
		if !b.seqs[s] {
			b.seqs[s] = true
			return s
		}
	}
}

// facilities returns the county's health facilities: the county-level
// institutions of its profile and its private hospitals under the county;
// a 卫生院 in every 镇 and 乡 (a 中心卫生院 where the profile says so) and a
// 社区卫生服务中心 in every 街道, under the town; a 村卫生室 in every
// villagers' committee and a 社区卫生服务站 in every residents' committee
// except the town seat, which its town's centre serves directly.
// Township-like units (farms, prisons) get no centre of their own.
func facilities(c *county, t *tree, rng *rand.Rand) ([]weijian.OrgUnitRow, error) {
	b := &facilityBuilder{c: c, rng: rng, seqs: map[int]bool{}, count: map[string]int{}}
	top := c.unitCode()
	specs := append([]facilitySpec{{c.Commission, "health_commission", "WJ"}}, c.Hospitals...)
	for _, p := range c.Private {
		specs = append(specs, facilitySpec{p, "private_hospital", "MY"})
	}
	for _, s := range specs {
		if err := b.add(top, s.Name, s.Type, s.Mark); err != nil {
			return nil, err
		}
	}
	for _, tw := range t.Towns {
		centre := townCentre(c, tw)
		if centre.Name != "" {
			if err := b.add(tw.Row.Code, centre.Name, centre.Type, centre.Mark); err != nil {
				return nil, err
			}
		}
		for _, v := range tw.Villages {
			if v.Seat && centre.Name != "" {
				continue
			}
			name, typ, mark := tw.Row.Name+shortName(v.Row.Name)+"卫生室", "village_clinic", "CS"
			if v.Residential() {
				name, typ, mark = tw.Row.Name+communityName(v.Row.Name)+"卫生服务站", "community_station", "FW"
			}
			if err := b.add(v.Row.Code, name, typ, mark); err != nil {
				return nil, err
			}
		}
	}
	return b.rows, nil
}

// townCentre names the health centre of a town (none for township-like
// units).
func townCentre(c *county, tw *town) facilitySpec {
	switch tw.Type {
	case ident.Subdistrict:
		return facilitySpec{c.Name + tw.Row.Name + "社区卫生服务中心", "community_hc", "SQ"}
	case ident.Town, ident.Township:
		suffix := "卫生院"
		if slices.Contains(c.CentreTowns, tw.Row.Name) {
			suffix = "中心卫生院"
		}
		return facilitySpec{c.Name + tw.Row.Name + suffix, "township_hc", "WS"}
	}
	return facilitySpec{}
}

// communityName is a residents' committee's short name ending in 社区:
// 中坝社区居委会 → 中坝社区, 三里闸居委会 → 三里闸社区.
func communityName(name string) string {
	s := shortName(name)
	if !strings.HasSuffix(s, "社区") {
		s += "社区"
	}
	return s
}
