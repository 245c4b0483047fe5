package ident_test

import (
	"errors"
	"fmt"

	"github.com/weijian-health/weijian/internal/ident"
	"github.com/weijian-health/weijian/internal/period"
)

func ExampleParseIDNumber() {
	today := period.NewDate(2024, 6, 30)
	id, err := ident.ParseIDNumber(" 34052419800101001x", today)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(id.Masked(), id.AddressCode(), id.BirthDate(), id.Sex().Label("zh"), id.AgeAt(today))
	// Output: 340524********001X 340524 1980-01-01 男性 44
}

// The UI shows the Chinese message of an *Error; the API and the logs use
// the rule code and the English one.
func ExampleError() {
	_, err := ident.ParseIDNumber("340524198001010010", period.NewDate(2024, 6, 30))
	var e *ident.Error
	if errors.As(err, &e) {
		fmt.Println(e.Rule)
		fmt.Println(e.ZH)
		fmt.Println(e.EN)
	}
	// Output:
	// checksum
	// 校验码错误：应为X
	// wrong check character: want X, got 0
}

func ExampleUpgradeIDNumber() {
	fmt.Println(ident.UpgradeIDNumber("340524800101001"))
	// Output: 34052419800101001X <nil>
}

func ExampleParseCreditCode() {
	c, err := ident.ParseCreditCode("91350100M000100Y43")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Kind().Label("zh"), c.DivisionCode(), c.OrgCode())
	// Output: 工商/企业 350100 M000100Y4
}

// Demo data: the credit code of a public health institution (kind "12")
// registered in county 340524.
func ExampleGenerateCreditCode() {
	c, _ := ident.GenerateCreditCode("12", "340524", 12345678)
	fmt.Println(c, c.Kind().Label("en"))
	// Output: 123405241234567887 institutional establishment / public institution
}

func ExampleParseDivision() {
	for _, s := range []string{"220581102201", "442000001000"} {
		d, _ := ident.ParseDivision(s)
		parent, _ := d.Parent()
		fmt.Println(d, d.Level(), d.TownshipType().Label("zh"), d.VillageType().Label("zh"), d.Prefix(), parent)
	}
	// Output:
	// 220581102201 village 镇 村委会 220581102201 220581102000
	// 442000001000 township 街道 未知 442000001 442000000000
}
