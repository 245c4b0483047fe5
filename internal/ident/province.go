package ident

// Province is a province-level division: its two-digit code and name.
type Province struct {
	Code string
	Name string
}

// provinces are the 31 provinces, autonomous regions and municipalities
// of the mainland and 台湾 71, 香港 81, 澳门 82 (GB/T 2260).
var provinces = [...]Province{
	{"11", "北京市"}, {"12", "天津市"}, {"13", "河北省"}, {"14", "山西省"}, {"15", "内蒙古自治区"},
	{"21", "辽宁省"}, {"22", "吉林省"}, {"23", "黑龙江省"},
	{"31", "上海市"}, {"32", "江苏省"}, {"33", "浙江省"}, {"34", "安徽省"}, {"35", "福建省"},
	{"36", "江西省"}, {"37", "山东省"},
	{"41", "河南省"}, {"42", "湖北省"}, {"43", "湖南省"}, {"44", "广东省"}, {"45", "广西壮族自治区"},
	{"46", "海南省"},
	{"50", "重庆市"}, {"51", "四川省"}, {"52", "贵州省"}, {"53", "云南省"}, {"54", "西藏自治区"},
	{"61", "陕西省"}, {"62", "甘肃省"}, {"63", "青海省"}, {"64", "宁夏回族自治区"}, {"65", "新疆维吾尔自治区"},
	{"71", "台湾省"}, {"81", "香港特别行政区"}, {"82", "澳门特别行政区"},
}

// Provinces lists the 34 province-level codes that ParseDivision accepts,
// in code order: the 31 of the mainland (11–65), 台湾 71, 香港 81, 澳门 82.
func Provinces() []Province { return append([]Province(nil), provinces[:]...) }

// ProvinceName returns the name of the two-digit province code, such as
// "江苏省" for "32".
func ProvinceName(code string) (string, bool) {
	for _, p := range provinces {
		if p.Code == code {
			return p.Name, true
		}
	}
	return "", false
}
