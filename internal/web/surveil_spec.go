package web

import (
	"net/http"

	"github.com/weijian-health/weijian/internal/surveil"
)

type specificityPage struct {
	basePage
	Eval  *surveil.Evaluation
	Names map[string]string
}

// specificityPage shows how each detection method did on the demo
// county's history with injected outbreaks (surveil.Evaluate).
func (s *Server) specificityPage(w http.ResponseWriter, r *http.Request) error {
	home, err := s.homeUnit(r)
	if err != nil {
		return err
	}
	p := &specificityPage{basePage: s.base(r, "sv.specificity", s.msg(r, "sv.specificity"))}
	if len(home.Code) >= 6 {
		if p.Eval, err = s.sv.Evaluate(r.Context(), home.Code[:6], today(s.now())); err != nil {
			return err
		}
		p.Names = map[string]string{}
		for _, d := range p.Eval.Diseases {
			p.Names[d.Disease] = s.itemName(r, d.Disease)
		}
	}
	return s.render(w, r, http.StatusOK, "sv_specificity", p)
}
