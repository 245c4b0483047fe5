package programme

import (
	"strconv"
	"time"
)

func itoa(n int) string { return strconv.Itoa(n) }

func timeMonth(n int) time.Month { return time.Month(n) }
