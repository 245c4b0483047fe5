package ident

import (
	"fmt"
	"strconv"
	"strings"
)

// TownshipType is the kind of a township-level division, read from the
// range of its three-digit segment (GB/T 10114-2003).
type TownshipType uint8

// The township types. TownshipTypeUnknown is for codes above township level
// and for segments outside the ranges below.
const (
	TownshipTypeUnknown TownshipType = iota
	Subdistrict                      // 街道, 001–099
	Town                             // 镇, 100–199
	Township                         // 乡, 200–399
	TownshipLike                     // 类似乡级单位 (政企合一 etc.), 400–599
)

var townshipNames = [...][2]string{
	TownshipTypeUnknown: {"未知", "unknown"},
	Subdistrict:         {"街道", "subdistrict"},
	Town:                {"镇", "town"},
	Township:            {"乡", "township"},
	TownshipLike:        {"类似乡级单位", "township-like unit"},
}

// Label returns the name of t in lang ("zh" or "en").
func (t TownshipType) Label(lang string) string {
	if int(t) >= len(townshipNames) {
		return fmt.Sprintf("TownshipType(%d)", uint8(t))
	}
	return pick(townshipNames[t], lang)
}

// String returns the English name of t.
func (t TownshipType) String() string { return t.Label("en") }

// VillageType is the kind of a village-level division, read from the range
// of its three-digit segment.
type VillageType uint8

// The village types. VillageTypeUnknown is for codes above village level
// and for segments outside the ranges below.
const (
	VillageTypeUnknown VillageType = iota
	ResidentsCommittee             // 居委会, 001–199
	VillagersCommittee             // 村委会, 200–399
	ResidentsLike                  // 类似居委会, 400–499
	VillagersLike                  // 类似村委会, 500–599
)

var villageNames = [...][2]string{
	VillageTypeUnknown: {"未知", "unknown"},
	ResidentsCommittee: {"居委会", "residents' committee"},
	VillagersCommittee: {"村委会", "villagers' committee"},
	ResidentsLike:      {"类似居委会", "residents'-committee-like unit"},
	VillagersLike:      {"类似村委会", "villagers'-committee-like unit"},
}

// Label returns the name of t in lang ("zh" or "en").
func (t VillageType) Label(lang string) string {
	if int(t) >= len(villageNames) {
		return fmt.Sprintf("VillageType(%d)", uint8(t))
	}
	return pick(villageNames[t], lang)
}

// String returns the English name of t.
func (t VillageType) String() string { return t.Label("en") }

// TownshipType returns the kind of township d is or lies in.
func (d Division) TownshipType() TownshipType {
	switch n := d.segmentNumber(LevelTownship); {
	case n >= 1 && n <= 99:
		return Subdistrict
	case n >= 100 && n <= 199:
		return Town
	case n >= 200 && n <= 399:
		return Township
	case n >= 400 && n <= 599:
		return TownshipLike
	}
	return TownshipTypeUnknown
}

// VillageType returns the kind of village d is.
func (d Division) VillageType() VillageType {
	switch n := d.segmentNumber(LevelVillage); {
	case n >= 1 && n <= 199:
		return ResidentsCommittee
	case n >= 200 && n <= 399:
		return VillagersCommittee
	case n >= 400 && n <= 499:
		return ResidentsLike
	case n >= 500 && n <= 599:
		return VillagersLike
	}
	return VillageTypeUnknown
}

// segmentNumber returns d's segment at level l as a number (0 if none).
func (d Division) segmentNumber(l Level) int {
	n, _ := strconv.Atoi(d.Segment(l))
	return n
}

// pick returns names[1] (English) if lang is "en" or a regional form of it
// ("en-GB", "en_US"), else names[0] (Chinese, the platform default).
func pick(names [2]string, lang string) string {
	l := strings.ToLower(lang)
	if l == "en" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_") {
		return names[1]
	}
	return names[0]
}
