package demo

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/weijian-health/weijian"
)

// DefaultCounty is the county the demo loads unless told otherwise.
const DefaultCounty = "320685"

// county is everything the generator knows about one county: its 2020
// census figures (or an estimate, said so in Note), the assumptions that
// fill the gaps, and the names of its county-level health institutions.
// Every figure carries its source in a comment; README.md explains them.
type county struct {
	Code, Name string
	File       string // division file under data/
	Edition    int    // NBS edition year of the division codes

	Total      int64   // 2020 census resident population (常住人口)
	Male       int64   // 0: derived from SexRatio
	SexRatio   float64 // males per 100 females, when Male is 0
	Share0to14 float64 // percent of Total aged 0–14
	Share60    float64 // percent aged 60 and over
	Share65    float64 // percent aged 65 and over

	// TFR is the total fertility rate of 2021; later years follow the
	// national trend (tfrTrend).
	TFR float64
	// Migration is the net number of people moving in each year (negative:
	// out), spread over ages 20–39.
	Migration int64
	// YoungAdults is the size of the 20–39 cohorts relative to what births
	// and survival alone would give (see youngAdults).
	YoungAdults float64

	UrbanTowns  []string           // towns (镇) that are urban cores: their communities are large and young
	TownWeights map[string]float64 // relative town sizes where known (中山市); else village heuristics only
	CentreTowns []string           // towns whose health centre is a 中心卫生院

	// Neighbours are the 6-digit codes of neighbouring counties, the
	// address codes of ID numbers of people first registered there. A
	// birth date has 500 sequence numbers per sex (GB 11643); in a county
	// enlarged many times (Options.Scale) the people born on one day
	// overflow them, and the next ones get a neighbour's code.
	Neighbours []string

	Commission string // name of the county health commission (or bureau)
	Hospitals  []facilitySpec
	Private    []string // private hospitals (illustrative names)

	Note weijian.Text // where the figures come from, for the summary and the README
}

// facilitySpec is one county-level institution.
type facilitySpec struct {
	Name, Type, Mark string // Mark: the two letters of its code (see facilityCode)
}

// counties lists the counties the demo can build, keyed by 6-digit code.
var counties = map[string]*county{
	"320685": {
		Code: "320685", Name: "海安市", File: "jiangsu_nantong_haian_320685_2021.csv", Edition: 2021,
		// 海安市统计局 七普公报 第一号/第二号 (2021-05-28): 874,334; male
		// 434,264; female 440,070 (population.csv).
		Total: 874334, Male: 434264,
		// 60+ 32.54%, 65+ 24.84%: 南通市统计局 分地区人口年龄构成 as quoted
		// by https://allhot.net/finance/161394. 0–14 is not published in
		// the sources found: 8.5% is derived from the births the county
		// reports (1,483 live births in 2021H1, shared/data/reports 000,
		// about 3,200 a year) and the national cohort shape; 启东 has
		// 9.45% and 海门 10.9% (their 七普 bulletins).
		Share0to14: 8.5, Share60: 32.54, Share65: 24.84,
		// TFR calibrated to those births; net migration assumed (海安 still
		// grew by 7,997 in 2010–20 despite natural decrease); young adults
		// thinned by their moves to the cities.
		TFR: 0.76, Migration: 3000, YoungAdults: 0.8,
		UrbanTowns:  []string{"海安镇", "城东镇"},
		CentreTowns: []string{"城东镇", "曲塘镇", "李堡镇", "南莫镇"},
		// 如东县, 如皋市, 启东市, 南通市通州区.
		Neighbours: []string{"320623", "320682", "320681", "320612"},
		Commission: "海安市卫生健康委员会",
		// The county-level units named in 海安市卫健委's 2021H1 report.
		Hospitals: []facilitySpec{
			{"海安市疾病预防控制中心", "cdc", "JK"},
			{"海安市卫生监督所", "supervision", "JD"},
			{"海安市妇幼保健计划生育服务中心", "mch", "FY"},
			{"海安市人民医院", "county_hospital", "ZH"},
			{"海安市中医院", "tcm_hospital", "ZY"},
			{"海安市第三人民医院", "specialist_hospital", "ZK"},
			{"海安市皮肤病医院", "specialist_hospital", "ZK"},
		},
		// The report counts 6 private hospitals; these names are made up.
		Private: []string{"海安仁济医院", "海安康华医院", "海安东方医院", "海安博爱医院", "海安济民医院", "海安同仁医院"},
		Note: weijian.T("2020年七普常住人口874,334人（男434,264、女440,070）；60岁及以上32.54%、65岁及以上24.84%（南通市统计局）；0–14岁8.5%为按出生数推算",
			"2020 census 874,334 (434,264 male, 440,070 female); 60+ 32.54%, 65+ 24.84% (Nantong statistics bureau); 0–14 at 8.5% derived from reported births"),
	},
	"430422": {
		Code: "430422", Name: "衡南县", File: "hunan_hengyang_hengnan_430422_2021.csv", Edition: 2021,
		// Census total (population.csv). No age or sex figures for the
		// county were found: Hunan's 七普 figures are used (sex ratio
		// 104.77; 0–14 19.52%, 60+ 19.88%, 65+ 14.81%; 湖南省统计局 via
		// https://m.bbaqw.com/news/zh/2345.htm).
		Total: 796327, SexRatio: 104.77, Share0to14: 19.52, Share60: 19.88, Share65: 14.81,
		TFR: 1.4, Migration: -6000, YoungAdults: 0.7,
		UrbanTowns: []string{},
		// 衡阳县, 衡山县, 耒阳市, 常宁市.
		Neighbours: []string{"430421", "430423", "430481", "430482"},
		Commission: "衡南县卫生健康局",
		Hospitals: []facilitySpec{
			{"衡南县疾病预防控制中心", "cdc", "JK"},
			{"衡南县卫生计生综合监督执法局", "supervision", "JD"},
			{"衡南县妇幼保健计划生育服务中心", "mch", "FY"},
			{"衡南县人民医院", "county_hospital", "ZH"},
			{"衡南县中医医院", "tcm_hospital", "ZY"},
		},
		Private: []string{"衡南仁和医院", "衡南康泰医院", "衡南华康医院"},
		Note: weijian.T("2020年七普常住人口796,327人；性别比和年龄构成用湖南省七普数据（县级数据未找到）",
			"2020 census 796,327; sex ratio and age shares are Hunan's (county figures not found)"),
	},
	"442000": {
		Code: "442000", Name: "中山市", File: "guangdong_zhongshan_442000_2021.csv", Edition: 2021,
		// 中山市 七普公报 第一号/第三号 and 中山日报 (population.csv):
		// 4,418,060; male 2,383,175; 0–14 15.69%, 60+ 8.87%. 65+ is not in
		// the sources: 6.0% assumed (Guangdong's 65+/60+ ratio of about
		// 0.69 applied to 8.87%).
		Total: 4418060, Male: 2383175, Share0to14: 15.69, Share60: 8.87, Share65: 6.0,
		TFR: 1.15, Migration: 30000, YoungAdults: 1.4,
		// 2021 year-end resident estimates by town / 统筹区 (中山市统计局
		// via maigoo.com, population.csv), used as relative town sizes.
		TownWeights: map[string]float64{
			"小榄镇": 790454, "坦洲镇": 387157, "石岐街道": 260394, "三乡镇": 236964, "古镇镇": 233502,
			"沙溪镇": 227517, "东区街道": 216792, "东凤镇": 204258, "横栏镇": 204008, "黄圃镇": 189052,
			"南头镇": 160349, "港口镇": 141030, "西区街道": 134428, "三角镇": 126763, "南朗街道": 114049,
			"大涌镇": 99627, "板芙镇": 96513, "南区街道": 91146, "阜沙镇": 73864, "五桂山街道": 46227,
			"神湾镇": 39184, "中山港街道": 262415, "民众街道": 131207, // 火炬统筹区 393,622 split 2:1
		},
		UrbanTowns: []string{"小榄镇"},
		// 佛山市顺德区, 广州市南沙区, 珠海市香洲区, 江门市新会区.
		Neighbours: []string{"440606", "440115", "440402", "440705"},
		Commission: "中山市卫生健康局",
		Hospitals: []facilitySpec{
			{"中山市疾病预防控制中心", "cdc", "JK"},
			{"中山市卫生监督所", "supervision", "JD"},
			{"中山市博爱医院", "mch", "FY"},
			{"中山市人民医院", "county_hospital", "ZH"},
			{"中山市中医院", "tcm_hospital", "ZY"},
			{"中山市第三人民医院", "specialist_hospital", "ZK"},
		},
		Private: []string{"中山仁和医院", "中山康华医院", "中山同济医院", "中山博济医院", "中山华安医院", "中山济群医院"},
		Note: weijian.T("2020年七普常住人口4,418,060人（男2,383,175、女2,034,885）；0–14岁15.69%、60岁及以上8.87%；65岁及以上6.0%为假设",
			"2020 census 4,418,060 (2,383,175 male, 2,034,885 female); 0–14 15.69%, 60+ 8.87%; 65+ 6.0% assumed"),
	},
	"340272": {
		Code: "340272", Name: "三山经济开发区", File: "anhui_wuhu_sanshan_340272_2023.csv", Edition: 2023,
		// No census figure was found for the zone (created from the former
		// 三山区, about 15万 in 2015). Estimate: 110,000. Its 2024 work
		// summary (shared/data/reports 001) reports an infant mortality of
		// 2.76‰, which fits 2 deaths in about 725 live births, i.e. some
		// 110,000 people at Anhui's birth rate of about 6.5‰. Age shares:
		// Anhui at the end of 2022 (0–14 18.02%, 60+ 19.85%, 65+ 15.80%,
		// 安徽省统计局); sex ratio 104 assumed.
		Total: 110000, SexRatio: 104, Share0to14: 18.02, Share60: 19.85, Share65: 15.80,
		TFR: 1.05, Migration: 0, YoungAdults: 1.0,
		UrbanTowns: []string{},
		// 芜湖市鸠江区, 镜湖区, 弋江区, 南陵县.
		Neighbours: []string{"340207", "340202", "340209", "340223"},
		Commission: "芜湖三山经济开发区医疗卫生局",
		Hospitals: []facilitySpec{
			{"三山经济开发区疾病预防控制中心", "cdc", "JK"},
			{"三山经济开发区人民医院", "county_hospital", "ZH"},
		},
		Private: []string{"三山康复医院"},
		Note: weijian.T("无七普数据：常住人口110,000人为估计值（见说明）；年龄构成用安徽省2022年末数据",
			"no census figure: 110,000 residents is an estimate (see README); age shares are Anhui's at the end of 2022"),
	},
}

// lookupCounty returns the profile of a 6- or 12-digit county code.
func lookupCounty(code string) (*county, error) {
	code = strings.TrimSpace(code)
	if len(code) == 12 && strings.HasSuffix(code, "000000") {
		code = code[:6]
	}
	if c, ok := counties[code]; ok {
		return c, nil
	}
	return nil, weijian.Invalid(weijian.T(
		fmt.Sprintf("演示县 %q 不可用：可选 %s", code, strings.Join(Counties(), "、")),
		fmt.Sprintf("no demo county %q: choose one of %s", code, strings.Join(Counties(), ", "))))
}

// Counties lists the codes of the counties the demo can build.
func Counties() []string {
	var out []string
	for k := range counties {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// CountyName returns the name of a demo county ("" if unknown).
func CountyName(code string) string {
	if c, err := lookupCounty(code); err == nil {
		return c.Name
	}
	return ""
}

// unitCode is the county's 12-digit division code.
func (c *county) unitCode() string { return c.Code + "000000" }

// enlarged returns the profile of a county f times as large (f > 1): its
// census totals and net migration times f, rounded, every share, rate and
// relative size as they are. The projection then gives f times the
// people, births and deaths with the same age structure and rates, up to
// rounding. The Note says so.
func (c *county) enlarged(f float64) *county {
	e := *c
	e.Total = roundHalfUp(float64(c.Total) * f)
	if c.Male > 0 {
		e.Male = roundHalfUp(float64(c.Male) * f)
	}
	e.Migration = roundHalfUp(math.Abs(float64(c.Migration)) * f)
	if c.Migration < 0 {
		e.Migration = -e.Migration
	}
	e.Note = weijian.T(
		fmt.Sprintf("放大%g倍的%s（仅供性能测量，并非真实县）：人口、出生、死亡、迁移和报表总量均为原来的%g倍，各项比率不变。原始依据：%s", f, c.Name, f, c.Note.ZH),
		fmt.Sprintf("%s enlarged %g times (for measuring only, not a real county): population, births, deaths, migration and report totals ×%g, every rate as it was. Based on: %s", c.Name, f, f, c.Note.EN))
	return &e
}

// sexTotals returns the male and female totals.
func (c *county) sexTotals() (male, female int64) {
	if c.Male > 0 {
		return c.Male, c.Total - c.Male
	}
	male = roundHalfUp(float64(c.Total) * c.SexRatio / (100 + c.SexRatio))
	return male, c.Total - male
}
