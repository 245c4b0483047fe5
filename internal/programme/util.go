package programme

import (
	"sort"
	"strconv"
	"time"
)

func itoa(n int) string { return strconv.Itoa(n) }

func timeMonth(n int) time.Month { return time.Month(n) }

func sortedMapKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
