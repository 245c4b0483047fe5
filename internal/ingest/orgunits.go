package ingest

import (
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/tabular"
)

var orgUnitColumns = []column{
	{"code", []string{"代码", "区划代码", "统计用区划代码", "机构代码", "编码"}, true},
	{"name", []string{"名称", "单位名称", "区划名称", "机构名称"}, true},
	{"level", []string{"级别", "层级", "类别"}, true},
	{"parent_code", []string{"上级代码", "上级区划代码", "parent", "所属上级"}, true},
	{"type", []string{"机构类型", "facility_type"}, false},
	{"uscc", []string{"统一社会信用代码", "信用代码"}, false},
	{"valid_from", []string{"启用日期", "生效日期"}, false},
	{"valid_to", []string{"停用日期", "撤销日期"}, false},
	{"successor_code", []string{"并入代码", "承继单位代码"}, false},
	// Columns the web's export adds for the reader; recognised and ignored.
	{"parent_name", []string{"上级名称", "上级单位"}, false},
	{"children", []string{"下级数", "下级单位数"}, false},
	{"population", []string{"常住人口", "人口"}, false},
}

// OrgUnitHeader is the header of the org-unit columns keys, as an export
// writes it so that the file imports back: the Chinese name, or the key
// itself in English.
func OrgUnitHeader(lang string, keys ...string) []string { return header(orgUnitColumns, lang, keys) }

// levelAliases maps the ways people write a level to its key.
var levelAliases = map[string]string{
	"省": weijian.LevelProvince, "省级": weijian.LevelProvince, "自治区": weijian.LevelProvince, "直辖市": weijian.LevelProvince,
	"市": weijian.LevelCity, "地级": weijian.LevelCity, "地级市": weijian.LevelCity, "地区": weijian.LevelCity,
	"州": weijian.LevelCity, "盟": weijian.LevelCity, "prefecture": weijian.LevelCity,
	"县": weijian.LevelCounty, "区": weijian.LevelCounty, "县级": weijian.LevelCounty, "县级市": weijian.LevelCounty,
	"县（区）": weijian.LevelCounty, "旗": weijian.LevelCounty,
	"乡": weijian.LevelTown, "镇": weijian.LevelTown, "街道": weijian.LevelTown, "乡镇": weijian.LevelTown,
	"乡级": weijian.LevelTown, "乡镇（街道）": weijian.LevelTown, "township": weijian.LevelTown,
	"村": weijian.LevelVillage, "社区": weijian.LevelVillage, "村级": weijian.LevelVillage, "居委会": weijian.LevelVillage,
	"村委会": weijian.LevelVillage, "村（社区）": weijian.LevelVillage,
	"机构": weijian.LevelFacility, "医疗机构": weijian.LevelFacility, "卫生机构": weijian.LevelFacility,
}

// facilityAliases maps facility type names to their keys.
var facilityAliases = map[string]string{
	"卫生健康委员会": "health_commission", "卫健委": "health_commission",
	"疾病预防控制中心": "cdc", "疾控中心": "cdc",
	"妇幼保健院": "mch", "妇幼保健所": "mch", "妇幼保健院（所）": "mch",
	"县级综合医院": "county_hospital", "综合医院": "county_hospital", "人民医院": "county_hospital",
	"中医医院": "tcm_hospital", "中医院": "tcm_hospital", "专科医院": "specialist_hospital",
	"民营医院": "private_hospital", "乡镇卫生院": "township_hc", "卫生院": "township_hc",
	"社区卫生服务中心": "community_hc", "社区卫生服务站": "community_station", "村卫生室": "village_clinic",
	"诊所": "clinic", "门诊部": "clinic", "诊所（门诊部）": "clinic", "卫生监督所": "supervision",
	"其他": "other", "其他卫生机构": "other",
}

// OrgUnits reads org-unit rows: code,name,level,parent_code and the
// optional type,uscc,valid_from,valid_to,successor_code. A 6-digit area
// code is widened to 12 digits. Rows are returned even when some cells are
// malformed (a bad date is left zero), so that the import's own checks can
// run on them too: see CellIssues. Codes, names, levels and parents are
// checked by the import's planning (weijian.PlanOrgUnitImport).
func OrgUnits(t *tabular.Table) ([]weijian.OrgUnitRow, error) {
	idx, err := columns(t, orgUnitColumns)
	if err != nil {
		return nil, err
	}
	var is issues
	rows := make([]weijian.OrgUnitRow, 0, len(t.Rows))
	for _, tr := range t.Rows {
		r := weijian.OrgUnitRow{Line: tr.Line, Code: tr.Get(idx["code"]), Name: tr.Get(idx["name"]),
			Level: normLevel(tr.Get(idx["level"])), ParentCode: tr.Get(idx["parent_code"]),
			FacilityType: normFacility(tr.Get(idx["type"])), USCC: strings.ToUpper(tr.Get(idx["uscc"])),
			SuccessorCode: tr.Get(idx["successor_code"])}
		if r.Level != weijian.LevelFacility {
			r.Code, r.ParentCode = widen(r.Code), widen(r.ParentCode)
		} else {
			r.ParentCode = widen(r.ParentCode)
		}
		r.SuccessorCode = widen(r.SuccessorCode)
		xlsx := t.Encoding == "XLSX"
		r.ValidFrom = dateCell(tr, idx["valid_from"], "valid_from", xlsx, &is)
		r.ValidTo = dateCell(tr, idx["valid_to"], "valid_to", xlsx, &is)
		rows = append(rows, r)
	}
	return rows, is.err(weijian.T("区划和机构", "org units"))
}

func normLevel(s string) string {
	if k, ok := levelAliases[s]; ok {
		return k
	}
	return strings.ToLower(s)
}

func normFacility(s string) string {
	if k, ok := facilityAliases[s]; ok {
		return k
	}
	return strings.ToLower(s)
}

// widen turns a 6-digit GB/T 2260 code into its 12-digit form.
func widen(code string) string {
	if len(code) == 6 && strings.Trim(code, "0123456789") == "" {
		return code + "000000"
	}
	return code
}
