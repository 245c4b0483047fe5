package weijian

import "strings"

// Scope is the set of org-unit subtrees a caller may read. Every store read
// of org-unit-bound data takes one. The zero Scope sees nothing; ScopeAll
// sees everything (command-line operations and national administrators).
type Scope struct {
	all   bool
	paths []string // materialised paths of the subtree roots
}

// ScopeAll returns the scope that sees the whole tree.
func ScopeAll() Scope { return Scope{all: true} }

// ScopeOf returns the scope made of the subtrees at the given paths.
// Paths nested in another are dropped.
func ScopeOf(paths ...string) Scope {
	var keep []string
	for _, p := range paths {
		if p == "" {
			continue
		}
		nested := false
		for _, q := range paths {
			if q != p && q != "" && strings.HasPrefix(p, q) {
				nested = true
				break
			}
		}
		if !nested && !contains(keep, p) {
			keep = append(keep, p)
		}
	}
	return Scope{paths: keep}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// All reports whether the scope is unrestricted.
func (s Scope) All() bool { return s.all }

// Paths returns the subtree roots of a restricted scope.
func (s Scope) Paths() []string { return s.paths }

// Empty reports whether the scope sees nothing.
func (s Scope) Empty() bool { return !s.all && len(s.paths) == 0 }

// Covers reports whether the unit at path lies inside the scope (in one of
// its subtrees): data bound to it may be read.
func (s Scope) Covers(path string) bool {
	if s.all {
		return true
	}
	for _, p := range s.paths {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// CanSeeUnit reports whether the unit at path may be shown: it is covered,
// or it is an ancestor of a scope root (shown for orientation: a township
// user sees the names of its county and province, not their data).
func (s Scope) CanSeeUnit(path string) bool {
	if s.Covers(path) {
		return true
	}
	for _, p := range s.paths {
		if strings.HasPrefix(p, path) {
			return true
		}
	}
	return false
}

// PathRange returns the half-open string range [lo, hi) holding path and
// every path below it. Comparing against a range (not LIKE) uses a plain
// index on every database. Paths end in "/", and "0" follows "/" in byte
// order, so hi is the path with its last "/" replaced by "0".
func PathRange(path string) (lo, hi string) {
	return path, path[:len(path)-1] + "0"
}
