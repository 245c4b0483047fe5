package web

import (
	"context"

	"github.com/weijian-health/weijian"
)

// names resolves level and facility-type keys to their names.
type names struct {
	levels []weijian.Level
	types  []weijian.FacilityType
	level  map[string]weijian.Level
	ftype  map[string]weijian.FacilityType
}

func (s *Server) names(ctx context.Context) (*names, error) {
	ls, err := s.store.Levels(ctx)
	if err != nil {
		return nil, err
	}
	ts, err := s.store.FacilityTypes(ctx)
	if err != nil {
		return nil, err
	}
	n := &names{levels: ls, types: ts, level: map[string]weijian.Level{}, ftype: map[string]weijian.FacilityType{}}
	for _, l := range ls {
		n.level[l.Key] = l
	}
	for _, t := range ts {
		n.ftype[t.Key] = t
	}
	return n, nil
}

// levelName is the name of a level key in lang.
func (n *names) levelName(key, lang string) string {
	if l, ok := n.level[key]; ok {
		return l.Name.In(lang)
	}
	return key
}

// typeName is the name of a facility type key in lang.
func (n *names) typeName(key, lang string) string {
	if t, ok := n.ftype[key]; ok {
		return t.Name.In(lang)
	}
	return key
}

// kind is what a unit is: its level, or for a facility its type.
func (n *names) kind(u *weijian.OrgUnit, lang string) string {
	if u.IsFacility() && u.FacilityType != "" {
		return n.typeName(u.FacilityType, lang)
	}
	return n.levelName(u.Level, lang)
}

// option is an entry of a <select>.
type option struct {
	Value, Label string
	Selected     bool
}

func (n *names) levelOptions(lang, selected string) []option {
	out := make([]option, len(n.levels))
	for i, l := range n.levels {
		out[i] = option{l.Key, l.Name.In(lang), l.Key == selected}
	}
	return out
}

func (n *names) typeOptions(lang, selected string) []option {
	out := make([]option, len(n.types))
	for i, t := range n.types {
		out[i] = option{t.Key, t.Name.In(lang), t.Key == selected}
	}
	return out
}
