package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
)

// The templates, messages, assets and the OpenAPI file are always embedded;
// with Config.Dev they are read from Config.DevDir instead, on every
// request, so that an edit shows on reload.
//
//go:embed templates i18n assets openapi.yaml
var embedded embed.FS

// resources are the loaded templates, messages and assets.
type resources struct {
	cat     catalog
	assets  *assetSet
	pages   map[string]map[string]*template.Template // lang → page → template set
	frags   map[string]*template.Template            // lang → the shared templates (fragments)
	openapi []byte
}

func (s *Server) resourceFS() fs.FS {
	if s.cfg.Dev {
		return os.DirFS(s.cfg.DevDir)
	}
	return embedded
}

// resources returns the loaded resources: loaded once, or in Dev mode
// once per request (so that an edit shows on the next reload).
func (s *Server) resources(r *http.Request) (*resources, error) {
	if s.res != nil {
		return s.res, nil
	}
	ri := info(r)
	if ri.res == nil {
		res, err := loadResources(s.resourceFS(), false)
		if err != nil {
			return nil, err
		}
		ri.res = res
	}
	return ri.res, nil
}

func loadResources(fsys fs.FS, compress bool) (*resources, error) {
	res := &resources{pages: map[string]map[string]*template.Template{}, frags: map[string]*template.Template{}}
	var err error
	if res.cat, err = loadCatalog(fsys); err != nil {
		return nil, err
	}
	if res.assets, err = loadAssets(fsys, compress); err != nil {
		return nil, fmt.Errorf("assets: %w", err)
	}
	if res.openapi, err = fs.ReadFile(fsys, "openapi.yaml"); err != nil {
		return nil, err
	}
	for _, l := range langs {
		if err := res.parse(fsys, l); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// parse builds, for one language, the shared set (templates/*.html) and
// one set per page (the shared set plus templates/pages/<page>.html).
func (res *resources) parse(fsys fs.FS, lang string) error {
	base, err := template.New("").Funcs(res.funcs(lang)).ParseFS(fsys, "templates/*.html")
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	res.frags[lang] = base
	res.pages[lang] = map[string]*template.Template{}
	files, err := fs.Glob(fsys, "templates/pages/*.html")
	if err != nil {
		return err
	}
	for _, f := range files {
		t, err := template.Must(base.Clone()).ParseFS(fsys, f)
		if err != nil {
			return fmt.Errorf("templates: %w", err)
		}
		res.pages[lang][strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return nil
}

// render writes the page template with data (a typed page struct). The
// page is rendered into a buffer first, so that a template error gives a
// clean error page, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) error {
	res, err := s.resources(r)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := res.execPage(&b, info(r).lang, page, data); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err = w.Write(b.Bytes())
	return err
}

func (res *resources) execPage(w io.Writer, lang, page string, data any) error {
	t, ok := res.pages[lang][page]
	if !ok {
		return fmt.Errorf("no page template %q", page)
	}
	if err := t.ExecuteTemplate(w, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	return nil
}

// renderFragment writes one shared template (an htmx fragment).
func (s *Server) renderFragment(w http.ResponseWriter, r *http.Request, name string, data any) error {
	res, err := s.resources(r)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := res.frags[info(r).lang].ExecuteTemplate(&b, name, data); err != nil {
		return fmt.Errorf("render fragment %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(b.Bytes())
	return err
}

// msg returns a catalog message in the request's language.
func (s *Server) msg(r *http.Request, key string, args ...any) string {
	res, err := s.resources(r)
	if err != nil {
		return key
	}
	return res.cat.T(info(r).lang, key, args...)
}
