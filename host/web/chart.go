package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"
)

// chart draws the recent runs' durations and start lateness as an inline
// SVG bar chart, oldest on the left, each bar scaled to the longest: a
// glance shows a job getting slower or starting late. No script needed.
func chart(runs []Run) template.HTML {
	if len(runs) == 0 {
		return ""
	}
	n := min(len(runs), 50)
	longest := time.Duration(1)
	for _, r := range runs[:n] {
		longest = max(longest, r.End.Sub(r.Start), r.Lateness)
	}
	const width, height = 500.0, 120.0
	bar := width / float64(n)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" preserveAspectRatio="none" role="img" aria-label="Duration (blue) and start lateness (amber) of the last %d runs, longest %s">`,
		width, height+4, n, formatDuration(longest))
	for i := range n {
		r := runs[n-1-i]
		x := float64(i) * bar
		dh := height * float64(r.End.Sub(r.Start)) / float64(longest)
		lh := height * float64(r.Lateness) / float64(longest)
		fmt.Fprintf(&b, `<rect class="dur" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: ran %s</title></rect>`,
			x+bar*0.1, height-dh, bar*0.4, dh+1, r.Start.UTC().Format(time.DateTime), formatDuration(r.End.Sub(r.Start)))
		fmt.Fprintf(&b, `<rect class="late" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: started %s late</title></rect>`,
			x+bar*0.5, height-lh, bar*0.4, lh+1, r.Start.UTC().Format(time.DateTime), formatDuration(r.Lateness))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
