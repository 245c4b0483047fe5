package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// asset is one static file, served under a name that carries a hash of
// its content ("echarts.min.3f2a1b9c.js") so that it can be cached for a
// year and a new version is fetched as soon as it changes.
type asset struct {
	name   string // file name, "echarts.min.js"
	hashed string // "echarts.min.3f2a1b9c.js"
	ctype  string
	data   []byte
	gz     []byte // gzip-compressed data, when it pays
}

// assetSet holds every file under assets/ by its plain and hashed names.
type assetSet struct {
	byName map[string]*asset
	byURL  map[string]*asset // hashed name → asset
}

// loadAssets reads assets/ (vendor files included) from fsys. With
// compress, files worth it are gzipped once here.
func loadAssets(fsys fs.FS, compress bool) (*assetSet, error) {
	set := &assetSet{byName: map[string]*asset{}, byURL: map[string]*asset{}}
	err := fs.WalkDir(fsys, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		a := newAsset(path.Base(p), data, compress)
		set.byName[a.name], set.byURL[a.hashed] = a, a
		return nil
	})
	return set, err
}

func newAsset(name string, data []byte, compress bool) *asset {
	sum := sha256.Sum256(data)
	ext := path.Ext(name)
	a := &asset{name: name, data: data, hashed: strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext}
	a.ctype = mime.TypeByExtension(ext)
	if a.ctype == "" {
		a.ctype = "text/plain; charset=utf-8"
	}
	if compress && len(data) > 1024 && (ext == ".js" || ext == ".css") {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(data)
		zw.Close()
		a.gz = b.Bytes()
	}
	return a
}

// URL returns the content-hashed URL of the named asset.
func (set *assetSet) URL(name string) string {
	if a, ok := set.byName[name]; ok {
		return "/assets/" + a.hashed
	}
	return "/assets/" + name
}

// startTime stands in for the modification time of embedded files.
var startTime = time.Now()

// serveAsset serves GET /assets/{file}. A hashed name is cached for a year;
// a plain name (for people and scripts) must be revalidated.
func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request) error {
	res, err := s.resources(r)
	if err != nil {
		return err
	}
	file := r.PathValue("file")
	a, hashed := res.assets.byURL[file]
	if !hashed {
		if a = res.assets.byName[file]; a == nil {
			return notFound(w, r)
		}
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Vary", "Accept-Encoding")
	switch {
	case s.cfg.Dev:
		h.Set("Cache-Control", "no-store")
	case hashed:
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	default:
		h.Set("Cache-Control", "no-cache")
	}
	data, etag := a.data, a.hashed
	if a.gz != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		data, etag = a.gz, a.hashed+".gz"
	}
	h.Set("ETag", `"`+etag+`"`)
	http.ServeContent(w, r, "", startTime, bytes.NewReader(data))
	return nil
}
