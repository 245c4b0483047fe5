package programme

import (
	"maps"
	"slices"
	"strconv"
	"time"
)

func itoa(n int) string { return strconv.Itoa(n) }

func timeMonth(n int) time.Month { return time.Month(n) }

func sortedMapKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
