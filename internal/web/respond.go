package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/weijian-health/weijian"
)

// handlerFunc is the shape of every handler: it writes a response and
// returns nil, or returns an error for the adapter to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// statusOf is the one table from error kind to HTTP status.
var statusOf = map[weijian.Kind]int{
	weijian.KindInvalid:         http.StatusBadRequest,
	weijian.KindNotFound:        http.StatusNotFound,
	weijian.KindConflict:        http.StatusConflict,
	weijian.KindForbidden:       http.StatusForbidden,
	weijian.KindUnauthenticated: http.StatusUnauthorized,
	weijian.KindInternal:        http.StatusInternalServerError,
}

// serve adapts a handlerFunc to http.Handler, rendering its error.
func (s *Server) serve(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// fail renders err: JSON under /api/, a redirect to the login page for an
// unauthenticated page request, an error page otherwise. Internal errors
// are logged with their details and shown as a generic message.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	kind := weijian.ErrorKind(err)
	status := statusOf[kind]
	if kind == weijian.KindInternal {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	info(r).err = err
	lang := info(r).lang
	htmx := r.Header.Get("HX-Request") == "true"
	switch {
	case isAPI(r):
		writeJSON(w, status, errorBody(err, lang))
	case kind == weijian.KindUnauthenticated && htmx:
		w.Header().Set("HX-Redirect", "/login") // the session ended: htmx loads the login page
		w.WriteHeader(status)
	case kind == weijian.KindUnauthenticated && r.Method == http.MethodGet:
		http.Redirect(w, r, loginURL(r), http.StatusSeeOther)
	case htmx:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, weijian.ErrorMessage(err, lang))
	default:
		s.renderError(w, r, status, err)
	}
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// loginURL is the login page with the current page as the place to return.
func loginURL(r *http.Request) string {
	return "/login?next=" + url.QueryEscape(r.URL.RequestURI())
}

// apiError is the JSON form of an error.
type apiError struct {
	Kind    string     `json:"kind"`
	Message string     `json:"message"`
	Issues  []apiIssue `json:"issues,omitempty"`
}

type apiIssue struct {
	Row     int    `json:"row,omitempty"`
	Field   string `json:"field,omitempty"`
	Value   string `json:"value,omitempty"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

func errorBody(err error, lang string) map[string]apiError {
	e := apiError{Kind: weijian.ErrorKind(err).String(), Message: weijian.ErrorMessage(err, lang)}
	for _, is := range weijian.ErrorIssues(err) {
		e.Issues = append(e.Issues, apiIssue{Row: is.Row, Field: is.Field, Value: is.Value, Rule: is.Rule,
			Message: is.Msg.In(lang)})
	}
	return map[string]apiError{"error": e}
}

// writeJSON writes v as the JSON response body.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// readJSON decodes a request body of at most 1 MiB into v, refusing
// unknown fields.
func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return weijian.Invalid(weijian.T("请求体超过1MB", "request body larger than 1 MiB"))
		}
		return weijian.Invalid(weijian.T("请求体不是有效的JSON："+err.Error(), "the request body is not valid JSON: "+err.Error()))
	}
	return nil
}

// redirect sends a 303 to url (the answer to a successful form POST).
func redirect(w http.ResponseWriter, r *http.Request, url string) error {
	http.Redirect(w, r, url, http.StatusSeeOther)
	return nil
}

// errForbidden is returned when the caller lacks a permission.
var errForbidden = weijian.E(weijian.KindForbidden, weijian.T("您没有权限访问此页面或执行此操作",
	"you do not have permission for this page or action"))

// errLogin is returned when a request needs a session and has none.
var errLogin = weijian.E(weijian.KindUnauthenticated, weijian.T("请先登录", "please log in"))

// notFound answers paths no route matches.
func notFound(w http.ResponseWriter, r *http.Request) error {
	return weijian.NotFound(weijian.T("页面", "page"))
}
