package indicator

import (
	"fmt"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/dataset"
)

// MaxAgeBands is the most age bands a request may name.
const MaxAgeBands = 20

// ParseDim reads a disaggregation as a request writes it: a dimension
// ("sex", "age", a data-element category), or "age:" and the age bands
// of the request (ParseAgeBands). bands is nil unless the request named
// them.
func ParseDim(spec string) (dim string, bands []weijian.AgeBand, err error) {
	dim, list, ok := strings.Cut(strings.TrimSpace(spec), ":")
	dim = strings.TrimSpace(dim)
	if !ok {
		return dim, nil, nil
	}
	if dim != "age" {
		return dim, nil, weijian.Invalid(weijian.T(
			fmt.Sprintf("只有年龄（age）可以自定分组，不能写 %q", weijian.Clip(spec)),
			fmt.Sprintf("only age takes bands of its own (age:0-6,7-17,18-64,65-), not %q", weijian.Clip(spec))))
	}
	bands, err = ParseAgeBands(list)
	return dim, bands, err
}

// ParseAgeBands reads the age bands of a request, "0-6,7-17,18-64,65-":
// each band is "a-b" (the ages a to b in completed years, both
// included), "a-" or "a+" (a and over) or "a" (one year of age), the
// bands separated by commas. The rules, each refused with its own
// message:
//   - at least one band and at most MaxAgeBands;
//   - ascending: each band starts after the one before it;
//   - not overlapping: a band starts after the last age of the one
//     before (0-6,6-17 is refused: 6 would be counted twice);
//   - only the last band may be open (follows from the two above).
//
// Bands need not cover every age: 0-6,65- asks for young children and
// the elderly only, and then the options do not add up to the total.
func ParseAgeBands(list string) ([]weijian.AgeBand, error) {
	list = strings.ReplaceAll(list, "，", ",")
	items := strings.Split(list, ",")
	if strings.TrimSpace(list) == "" {
		return nil, badBands(list, "至少写一个年龄组", "give at least one band")
	}
	if len(items) > MaxAgeBands {
		return nil, badBands(list, fmt.Sprintf("最多 %d 个年龄组", MaxAgeBands), fmt.Sprintf("at most %d bands", MaxAgeBands))
	}
	out := make([]weijian.AgeBand, 0, len(items))
	for i, it := range items {
		b, err := parseRequestBand(it)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			prev := out[i-1]
			switch {
			case b.From < prev.From:
				return nil, badBands(list, fmt.Sprintf("年龄组须从小到大排列：%s 排在 %s 之后", b, prev),
					fmt.Sprintf("bands must be in ascending order: %s comes after %s", b, prev))
			case b.From < prev.To:
				return nil, badBands(list, fmt.Sprintf("年龄组不得重叠：%s 与 %s 重叠", prev, b),
					fmt.Sprintf("bands must not overlap: %s and %s overlap", prev, b))
			}
		}
		out = append(out, b)
	}
	return out, nil
}

// parseRequestBand reads one band of a request: "a-b", "a-", "a+", "a".
func parseRequestBand(s string) (weijian.AgeBand, error) {
	t := strings.TrimSpace(s)
	if rest, ok := strings.CutSuffix(t, "-"); ok && rest != "" {
		t = rest + "+"
	}
	b, err := weijian.ParseAgeBand(t)
	if err != nil || t == "" || b == weijian.AllAges && !strings.HasPrefix(t, "0") {
		return b, badBands(s, fmt.Sprintf("年龄组 %q 无法识别：应写作 0-6、65-（65岁及以上）或 3", weijian.Clip(strings.TrimSpace(s))),
			fmt.Sprintf("age band %q not understood: write 0-6, 65- (65 and over) or 3", weijian.Clip(strings.TrimSpace(s))))
	}
	return b, nil
}

func badBands(value, zh, en string) error {
	msg := weijian.T("年龄分组有误："+zh, "age bands: "+en)
	return weijian.Invalid(msg, weijian.Issue{Field: "disagg", Value: weijian.Clip(value), Rule: "age_bands", Msg: weijian.T(zh, en)})
}

// BandsSpec writes bands as a request names them: "0-6,7-17,65+".
func BandsSpec(bands []weijian.AgeBand) string {
	s := make([]string, len(bands))
	for i, b := range bands {
		s[i] = b.String()
	}
	return strings.Join(s, ",")
}

// categoryCodes are the options of a data set's age category that lie in
// band b. An option that b cuts (b = 0-6, the option 0-17) cannot be
// split exactly: refused, naming both.
func categoryCodes(element string, c *dataset.Category, b weijian.AgeBand) ([]string, error) {
	if c == nil {
		return []string{b.String()}, nil
	}
	var out []string
	for _, o := range c.Options {
		ob, err := weijian.ParseAgeBand(o.Code)
		if err != nil {
			return nil, weijian.Invalid(weijian.T(
				fmt.Sprintf("%s 的年龄分类选项 %q 不是年龄组，不能按自定年龄组汇总", element, o.Code),
				fmt.Sprintf("%s: the age option %q is not an age band, so it cannot be summed into bands", element, o.Code)))
		}
		switch {
		case b.Contains(ob):
			out = append(out, o.Code)
		case b.Overlaps(ob):
			return nil, bandCut(b, ob, weijian.T("数据元 "+element+" 按年龄组", "the data element "+element+" reports"))
		}
	}
	if len(out) == 0 {
		return []string{b.String()}, nil // nothing reported in the band
	}
	return out, nil
}

// hasOption reports whether the category has an option coded code.
func hasOption(c *dataset.Category, code string) bool {
	if c == nil {
		return false
	}
	for _, o := range c.Options {
		if o.Code == code {
			return true
		}
	}
	return false
}

// bandCut is the refusal of a requested band that cuts a stored one
// (population, or a data element's age category): the figure cannot be
// split exactly, and is never estimated.
func bandCut(asked, stored weijian.AgeBand, where weijian.Text) error {
	zh := fmt.Sprintf("所请求的年龄组 %s 切分了%s %s，无法精确计算（不做估算）；请选用与其边界一致的年龄组",
		asked.Label("zh"), where.ZH, stored.Label("zh"))
	en := fmt.Sprintf("the requested age band %s cuts the band %s in which %s: it cannot be computed exactly (it is never estimated); choose bands whose bounds are the stored ones",
		asked, stored, where.EN)
	return weijian.Invalid(weijian.T(zh, en), weijian.Issue{Field: "disagg", Value: asked.String(), Rule: "age_band_cut", Msg: weijian.T(zh, en)})
}
