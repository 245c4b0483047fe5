package web

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"strings"
)

// langs are the UI languages, the default first.
var langs = []string{"zh", "en"}

// langCookie remembers the language a user picked.
const langCookie = "weijian_lang"

// catalog holds the UI messages: language → key → text. Keys are dotted
// ("nav.orgunits"); a text may hold fmt verbs for its arguments.
type catalog map[string]map[string]string

// loadCatalog reads i18n/<lang>.json for every language and checks that
// they define the same keys, so that no page shows a key to a user.
func loadCatalog(fsys fs.FS) (catalog, error) {
	c := catalog{}
	for _, l := range langs {
		b, err := fs.ReadFile(fsys, "i18n/"+l+".json")
		if err != nil {
			return nil, fmt.Errorf("message catalog: %w", err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("message catalog i18n/%s.json: %w", l, err)
		}
		c[l] = m
	}
	if missing := c.mismatch(); len(missing) > 0 {
		return nil, fmt.Errorf("message catalog: keys not in every language: %s", strings.Join(missing, ", "))
	}
	return c, nil
}

// mismatch lists the keys that some language lacks.
func (c catalog) mismatch() []string {
	var out []string
	for _, l := range langs {
		for k := range c[l] {
			for _, o := range langs {
				if _, ok := c[o][k]; !ok {
					out = append(out, o+":"+k)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// T returns the message key in lang, formatted with args. An unknown key
// comes back bracketed, so that it shows in tests and screenshots.
func (c catalog) T(lang, key string, args ...any) string {
	msg, ok := c[lang][key]
	if !ok {
		return "⟦" + key + "⟧"
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// langOf picks the language of a request: ?lang= on the API, then the
// language cookie, then (for the API only) Accept-Language, then the
// configured default. Pages ignore Accept-Language: the UI is Chinese
// first, whatever the browser's locale, until the user switches.
func (s *Server) langOf(r *http.Request) string {
	if isAPI(r) && validLang(r.URL.Query().Get("lang")) {
		return r.URL.Query().Get("lang")
	}
	if c, err := r.Cookie(langCookie); err == nil && validLang(c.Value) {
		return c.Value
	}
	if isAPI(r) {
		if al := strings.ToLower(r.Header.Get("Accept-Language")); strings.HasPrefix(al, "en") {
			return "en"
		} else if strings.HasPrefix(al, "zh") {
			return "zh"
		}
	}
	return s.cfg.Lang
}

func validLang(l string) bool { return slices.Contains(langs, l) }

// action names an audit-log action ("login.failed") in lang, or returns
// it as it is when the catalog does not know it.
func (c catalog) action(lang, a string) string {
	if msg, ok := c[lang]["action."+a]; ok {
		return msg
	}
	return a
}
