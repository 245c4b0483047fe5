package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
)

// userFormPage is the form to create an account.
type userFormPage struct {
	basePage
	Form  userForm
	Error formError
}

// userForm holds what the form shows (and what was typed, after an error).
type userForm struct {
	Username, DisplayName, Phone string
	Typed                        bool // the admin types the password instead of generating one
	Grants                       []grantRow
}

// grantRow is one role-and-unit line of a form.
type grantRow struct {
	Unit     string // code, or what was typed
	UnitName string // the name of a stored grant's unit
	Roles    []option
}

// formError is an error shown above a form, with its issues.
type formError struct {
	Message string
	Issues  []string
}

// formErrorOf turns a user-facing error into a formError, or returns the
// error itself when it is not for the user (internal).
func formErrorOf(err error, lang string) (formError, error) {
	if weijian.ErrorKind(err) == weijian.KindInternal {
		return formError{}, err
	}
	fe := formError{Message: weijian.ErrorMessage(err, lang)}
	for _, is := range weijian.ErrorIssues(err) {
		fe.Issues = append(fe.Issues, is.Msg.In(lang))
	}
	return fe, nil
}

// renderFormError renders the page with err said above its form (into
// *fe), or returns err itself when it is not for the user (internal).
func (s *Server) renderFormError(w http.ResponseWriter, r *http.Request, status int, name string, page any, fe *formError, err error) error {
	f, ierr := formErrorOf(err, info(r).lang)
	if ierr != nil {
		return ierr
	}
	*fe = f
	return s.render(w, r, status, name, page)
}

// grantRows are the lines of a grants form: the given grants and blank
// lines to add more (at least three lines in all).
func grantRows(gs []grantInput, lang string) []grantRow {
	rows := make([]grantRow, 0, len(gs)+2)
	for _, g := range gs {
		rows = append(rows, grantRow{Unit: g.OrgUnit, UnitName: g.name, Roles: roleOptions(lang, string(g.Role))})
	}
	for len(rows) < max(3, len(gs)+1) {
		rows = append(rows, grantRow{Roles: roleOptions(lang, "")})
	}
	return rows
}

// formGrants reads the role/unit lines of a posted form, skipping blank ones.
func formGrants(r *http.Request) []grantInput {
	roles, units := r.PostForm["role"], r.PostForm["unit"]
	var out []grantInput
	for i, role := range roles {
		unit := ""
		if i < len(units) {
			unit = strings.TrimSpace(units[i])
		}
		if role != "" || unit != "" {
			out = append(out, grantInput{Role: weijian.Role(role), OrgUnit: unit})
		}
	}
	return out
}

func grantInputs(gs []weijian.Grant) []grantInput {
	out := make([]grantInput, len(gs))
	for i, g := range gs {
		out[i] = grantInput{Role: g.Role, OrgUnit: g.OrgUnitCode, name: g.OrgUnitName}
	}
	return out
}

func (s *Server) newUserForm(w http.ResponseWriter, r *http.Request) error {
	p := &userFormPage{basePage: s.base(r, "users", s.msg(r, "user.new")),
		Form: userForm{Grants: grantRows(nil, info(r).lang)}}
	return s.render(w, r, http.StatusOK, "user_new", p)
}

func (s *Server) createUserForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return weijian.Invalid(weijian.T("表单无法解析", "the form could not be read"))
	}
	in := userInput{Username: r.PostForm.Get("username"), DisplayName: r.PostForm.Get("displayName"),
		Phone: r.PostForm.Get("phone"), Grants: formGrants(r)}
	typed := r.PostForm.Get("pwmode") == "typed"
	if typed {
		in.Password = r.PostForm.Get("password")
		if in.Password == "" {
			in.Password = " " // an empty typed password fails the policy, not silently generated
		}
	}
	u, pw, err := s.createUser(r, in)
	if err != nil {
		return s.userFormError(w, r, in, typed, err)
	}
	if pw == "" {
		return redirect(w, r, "/users/"+strconv.FormatInt(u.ID, 10)+"?ok=created")
	}
	p := &passwordPage{basePage: s.base(r, "users", s.msg(r, "user.passwordShown")), Target: u, Password: pw, Created: true}
	return s.render(w, r, http.StatusCreated, "user_password", p)
}

func (s *Server) userFormError(w http.ResponseWriter, r *http.Request, in userInput, typed bool, err error) error {
	fe, err := formErrorOf(err, info(r).lang)
	if err != nil {
		return err
	}
	p := &userFormPage{basePage: s.base(r, "users", s.msg(r, "user.new")), Error: fe,
		Form: userForm{Username: in.Username, DisplayName: in.DisplayName, Phone: in.Phone, Typed: typed,
			Grants: grantRows(in.Grants, info(r).lang)}}
	return s.render(w, r, http.StatusUnprocessableEntity, "user_new", p)
}
