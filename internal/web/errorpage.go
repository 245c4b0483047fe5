package web

import (
	"net/http"

	"github.com/weijian-health/weijian"
)

// errorPage shows an error in the user's language.
type errorPage struct {
	basePage
	Status  int
	Message string
	Issues  []string
	Login   bool // offer the login page
}

// renderError shows the error page, in the full layout for a logged-in
// user. Should the page itself fail, a plain-text message is sent.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, err error) {
	lang := info(r).lang
	base := s.bare(r, "error.title")
	if currentUser(r) != nil {
		base = s.base(r, "", s.msg(r, "error.title"))
	}
	p := &errorPage{basePage: base, Status: status, Message: weijian.ErrorMessage(err, lang),
		Login: status == http.StatusUnauthorized}
	for _, is := range weijian.ErrorIssues(err) {
		p.Issues = append(p.Issues, is.String(lang))
	}
	if rerr := s.render(w, r, status, "error", p); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		http.Error(w, p.Message, status)
	}
}
