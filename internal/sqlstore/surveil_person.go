package sqlstore

import (
	"context"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/surveil"
)

// A case report is linked to the resident of its county whose 居民身份证
// number it carries (person.doc_type 01, not merged into another record):
// on every write of the card, and for cards stored before the resident
// was registered by LinkPersons (the daily run calls it).

// linkPersons sets PersonID on each card from its ID number (0 when no
// resident of the card's county has it).
func (s *Store) linkPersons(ctx context.Context, tx *Tx, cards []*surveil.CaseReport) error {
	byCounty := map[string][]any{}
	for _, r := range cards {
		r.PersonID = 0
		if r.IDNumber != "" {
			byCounty[r.CountyCode] = append(byCounty[r.CountyCode], strings.ToUpper(r.IDNumber))
		}
	}
	ids := map[[2]string]int64{}
	for county, nums := range byCounty {
		for start := 0; start < len(nums); start += 500 {
			chunk := nums[start:min(start+500, len(nums))]
			type hit struct {
				num string
				id  int64
			}
			rows, err := tx.Query(ctx, `SELECT doc_number, id FROM person WHERE county_code = ? AND doc_type = ?
				AND merged_into IS NULL AND doc_number IN (`+placeholders(len(chunk))+")",
				append([]any{county, string(weijian.DocIDCard)}, chunk...)...)
			hits, err := collect(rows, err, func(sc rowScanner) (h hit, err error) {
				return h, sc.Scan(&h.num, &h.id)
			})
			if err != nil {
				return err
			}
			for _, h := range hits {
				ids[[2]string{county, h.num}] = h.id
			}
		}
	}
	for _, r := range cards {
		if r.IDNumber != "" {
			r.PersonID = ids[[2]string{r.CountyCode, strings.ToUpper(r.IDNumber)}]
		}
	}
	return nil
}

// LinkPersons links the county's unlinked cards that carry the ID number
// of one of its residents; it returns how many it linked.
func (s *Store) LinkPersons(ctx context.Context, county string) (int, error) {
	res, err := s.exec(ctx, `UPDATE case_report SET person_id = (SELECT p.id FROM person p
		WHERE p.county_code = case_report.county_code AND p.doc_type = ? AND p.doc_number = upper(case_report.id_number)
		AND p.merged_into IS NULL)
		WHERE county_code = ? AND person_id IS NULL AND id_number <> '' AND EXISTS (SELECT 1 FROM person p
		WHERE p.county_code = case_report.county_code AND p.doc_type = ? AND p.doc_number = upper(case_report.id_number)
		AND p.merged_into IS NULL)`, string(weijian.DocIDCard), county, string(weijian.DocIDCard))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
