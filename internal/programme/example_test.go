package programme_test

import (
	"fmt"

	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/programme"
)

func Example() {
	cat, err := programme.LoadBuiltin()
	if err != nil {
		panic(err) // a metadata error: file:line:column: field: message
	}
	cat.SetToday(func() period.Date { return period.NewDate(2024, 12, 31) })
	htn, _ := cat.Programme("hypertension")
	followup, _ := htn.Stage("followup")

	person := programme.PersonFacts{Sex: "1", BirthDate: period.NewDate(1950, 3, 10), VillageCode: "320621100201"}
	enr := programme.Enrollment{Date: period.NewDate(2024, 1, 5)}
	values := map[string]any{"method": "门诊", "sbp": "400", "dbp": "95", "drug_compliance": "1", "followup_class": "2"}
	_, _, errs := followup.CheckEvent(person, enr, values, period.NewDate(2024, 3, 1))
	for _, e := range errs {
		fmt.Printf("%s %s %s: %s\n", e.Field, e.Value, e.Rule, e.Msg.ZH)
	}

	values["sbp"] = "152"
	stored, derived, _ := followup.CheckEvent(person, enr, values, period.NewDate(2024, 3, 1))
	fmt.Println("血压控制:", derived["bp_controlled"])

	for k, v := range derived { // the store keeps both
		stored[k] = v
	}
	events := []programme.EventRef{{Stage: "followup", Date: period.NewDate(2024, 3, 1), Values: stored}}
	for _, it := range htn.Due(person, enr, events, period.NewDate(2024, 3, 10)) {
		fmt.Println(it.What.ZH, it.Date, it.Deadline, it.Due, it.Overdue)
	}
	// Output:
	// sbp 400 max: 收缩压不能大于300mmHg
	// 血压控制: false
	// 2024年年度健康体检 2024-01-05 2024-12-31 true false
	// 血压控制不满意或有药物不良反应，2周内随访 2024-03-01 2024-03-15 true false
}
