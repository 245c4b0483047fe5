package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/weijian-health/weijian/internal/surveil"
)

type specificityPage struct {
	basePage
	Eval   *surveil.Evaluation
	Names  map[string]string
	Export exportLinks
}

// specificityPage shows how each detection method did on the demo
// county's history with injected outbreaks (surveil.Evaluate).
func (s *Server) specificityPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.specificity(r)
	if err != nil {
		return err
	}
	p.basePage = s.base(r, "sv.specificity", s.msg(r, "sv.specificity"))
	p.Export = exportQuery("/surveillance/specificity/export", r.URL.Query())
	return s.render(w, r, http.StatusOK, "sv_specificity", p)
}

// exportSpecificity exports the evaluation table, one row per disease and method.
func (s *Server) exportSpecificity(w http.ResponseWriter, r *http.Request) error {
	p, err := s.specificity(r)
	if err != nil {
		return err
	}
	t := table{Sheet: s.msg(r, "sv.specificity"), Header: strings.Split(s.msg(r, "sv.specificityExportHeader"), ",")}
	if p.Eval != nil {
		for _, d := range p.Eval.Diseases {
			for _, m := range d.Scores {
				t.Rows = append(t.Rows, []any{p.Names[d.Disease], m.Label, m.Detected, m.Outbreaks, m.FalseSignals,
					fmt.Sprintf("%.1f", m.FalsePer10), m.MedianDelay, yesNo(r, m.Recommended)})
			}
		}
	}
	return s.export(w, r, s.msg(r, "sv.specificity"), t)
}

func (s *Server) specificity(r *http.Request) (*specificityPage, error) {
	home, err := s.homeUnit(r)
	if err != nil {
		return nil, err
	}
	p := &specificityPage{}
	if len(home.Code) >= 6 {
		if p.Eval, err = s.sv.Evaluate(r.Context(), home.Code[:6], today(s.now())); err != nil {
			return nil, err
		}
		p.Names = map[string]string{}
		for _, d := range p.Eval.Diseases {
			p.Names[d.Disease] = s.itemName(r, d.Disease)
		}
	}
	return p, nil
}
