package modules

import (
	"time"
)

// mysqlTime formats a Unix time (now when not a number) as a UTC DATETIME
// or DATE, as the docs' timestamp and date do.
func mysqlTime(method string, v any) string {
	t := time.Now()
	switch n := v.(type) {
	case int64:
		t = time.Unix(n, 0)
	case float64:
		t = time.Unix(int64(n), 0)
	}
	t = t.UTC()
	if method == "date" {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.DateTime)
}
