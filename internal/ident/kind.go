package ident

import "strings"

// Kind is a registration authority and category pair of GB 32100-2015, the
// first two characters of a 统一社会信用代码.
type Kind struct {
	Code        string // "12"
	AuthorityZH string // "机构编制"
	AuthorityEN string // "institutional establishment"
	CategoryZH  string // "事业单位"
	CategoryEN  string // "public institution"
}

// Label returns "机构编制/事业单位" (zh) or "institutional establishment /
// public institution" (en).
func (k Kind) Label(lang string) string {
	if k.Code == "" {
		return ""
	}
	return pick([2]string{k.AuthorityZH + "/" + k.CategoryZH, k.AuthorityEN + " / " + k.CategoryEN}, lang)
}

type category struct {
	code   byte
	zh, en string
}

type authority struct {
	code   byte
	zh, en string
	cats   []category
}

// other is the catch-all category 9 of most authorities.
var other = category{'9', "其他", "other"}

// authorities is the table of GB 32100-2015 (as amended: A and N were added
// in 2017–2018). DOMAIN.md §5.3 lists only 1, 5, 9 and Y; the others come
// from the standard's table as quoted by several independent validators.
var authorities = []authority{
	{'1', "机构编制", "institutional establishment", []category{
		{'1', "机关", "government organ"}, {'2', "事业单位", "public institution"},
		{'3', "中央编办直接管理机构编制的群众团体", "mass organisation under the central establishment office"}, other}},
	{'2', "外交", "foreign affairs", []category{{'1', "外国常驻新闻机构", "resident foreign news agency"}, other}},
	{'3', "司法行政", "judicial administration", []category{
		{'1', "律师执业机构", "law firm"}, {'2', "公证处", "notary office"},
		{'3', "基层法律服务所", "grassroots legal service office"}, {'4', "司法鉴定机构", "forensic appraisal institution"},
		{'5', "仲裁委员会", "arbitration commission"}, other}},
	{'4', "文化", "culture", []category{{'1', "外国在华文化中心", "foreign cultural centre"}, other}},
	{'5', "民政", "civil affairs", []category{
		{'1', "社会团体", "social organisation"}, {'2', "民办非企业单位", "private non-enterprise unit"},
		{'3', "基金会", "foundation"}, other}},
	{'6', "旅游", "tourism", []category{
		{'1', "外国旅游部门常驻代表机构", "resident office of a foreign tourism authority"},
		{'2', "港澳台地区旅游部门常驻内地（大陆）代表机构", "resident office of a Hong Kong, Macao or Taiwan tourism authority"}, other}},
	{'7', "宗教", "religious affairs", []category{
		{'1', "宗教活动场所", "place of religious activity"}, {'2', "宗教院校", "religious school"}, other}},
	{'8', "工会", "trade unions", []category{{'1', "基层工会", "grassroots trade union"}, other}},
	{'9', "工商", "industry and commerce", []category{
		{'1', "企业", "enterprise"}, {'2', "个体工商户", "individual business"},
		{'3', "农民专业合作社", "farmers' cooperative"}}},
	{'A', "中央军委改革和编制办公室", "CMC reform and establishment office", []category{
		{'1', "军队事业单位", "military public institution"}, other}},
	{'N', "农业", "agriculture", []category{
		{'1', "组级集体经济组织", "group-level collective economic organisation"},
		{'2', "村级集体经济组织", "village-level collective economic organisation"},
		{'3', "乡镇级集体经济组织", "township-level collective economic organisation"}, other}},
	{'Y', "其他", "other", []category{{'1', "其他", "other"}}},
}

// authorityOf finds an authority by its code.
func authorityOf(code byte) (authority, bool) {
	for _, a := range authorities {
		if a.code == code {
			return a, true
		}
	}
	return authority{}, false
}

// category finds a category of a by its code.
func (a authority) category(code byte) (category, bool) {
	for _, c := range a.cats {
		if c.code == code {
			return c, true
		}
	}
	return category{}, false
}

// codes lists the category codes of a, as "1/2/3/9".
func (a authority) codes() string {
	parts := make([]string, len(a.cats))
	for i, c := range a.cats {
		parts[i] = string(c.code)
	}
	return strings.Join(parts, "/")
}

// KindOf describes a two-character kind such as "12".
func KindOf(code string) (Kind, bool) {
	if len(code) != 2 {
		return Kind{}, false
	}
	a, ok := authorityOf(code[0])
	if !ok {
		return Kind{}, false
	}
	c, ok := a.category(code[1])
	if !ok {
		return Kind{}, false
	}
	return Kind{Code: code, AuthorityZH: a.zh, AuthorityEN: a.en, CategoryZH: c.zh, CategoryEN: c.en}, true
}

// Kinds lists every authority and category pair that ParseCreditCode
// accepts, in code order.
func Kinds() []Kind {
	var ks []Kind
	for _, a := range authorities {
		for _, c := range a.cats {
			k, _ := KindOf(string([]byte{a.code, c.code}))
			ks = append(ks, k)
		}
	}
	return ks
}
