package sim

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
	"time"
)

// ChartOptions selects what a chart shows.
type ChartOptions struct {
	Title string
	// From and To restrict the chart to a window (zero: the whole run).
	From, To time.Time
	// Width and Height in pixels (default 960 × 360).
	Width, Height int
}

var seriesColors = []string{"#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2"}

// WriteSVG draws load (as the copies it needs), the oracle's copies and every report's
// copies in service over time as a self-contained SVG. All reports must come from the same
// trace.
func WriteSVG(w io.Writer, reports []*Report, o ChartOptions) error {
	if len(reports) == 0 || len(reports[0].timeline) == 0 {
		return fmt.Errorf("nothing to chart")
	}
	if o.Width == 0 {
		o.Width = 960
	}
	if o.Height == 0 {
		o.Height = 360
	}
	tl := reports[0].timeline
	lo, hi := 0, len(tl)
	if !o.From.IsZero() {
		for lo < hi && tl[lo].Time.Before(o.From.Truncate(time.Minute)) {
			lo++
		}
	}
	if !o.To.IsZero() {
		for hi > lo && !tl[hi-1].Time.Before(o.To) {
			hi--
		}
	}
	if hi <= lo {
		return fmt.Errorf("chart window %s to %s holds no minute of the run", o.From.Format(time.RFC3339), o.To.Format(time.RFC3339))
	}
	const ml, mr, mt, mb = 56, 16, 30, 64
	pw, ph := float64(o.Width-ml-mr), float64(o.Height-mt-mb)
	n := hi - lo
	cols := min(n, int(pw)) // one column per pixel at most; each takes the max of its minutes
	type col struct {
		need, oracle float64
		copies       []float64
	}
	cs := make([]col, cols)
	ymax := 1.0
	for c := range cs {
		a := lo + c*n/cols
		b := lo + (c+1)*n/cols
		if b <= a {
			b = a + 1
		}
		cs[c].copies = make([]float64, len(reports))
		for i := a; i < b; i++ {
			cs[c].need = math.Max(cs[c].need, tl[i].Need)
			cs[c].oracle = math.Max(cs[c].oracle, float64(tl[i].Oracle))
			for r, rep := range reports {
				if i < len(rep.timeline) {
					cs[c].copies[r] = math.Max(cs[c].copies[r], rep.timeline[i].Copies)
				}
			}
		}
		ymax = math.Max(ymax, math.Max(cs[c].need, cs[c].oracle))
		for _, v := range cs[c].copies {
			ymax = math.Max(ymax, v)
		}
	}
	step := niceStep(ymax / 5)
	ymax = math.Ceil(ymax/step) * step
	x := func(c float64) float64 { return ml + c*pw/float64(cols) }
	y := func(v float64) float64 { return mt + ph - v/ymax*ph }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n", o.Width, o.Height, o.Width, o.Height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	title := o.Title
	if title == "" {
		title = "copies needed by the load, oracle copies and copies in service"
	}
	fmt.Fprintf(&b, `<text x="%d" y="18" font-size="13" font-weight="bold">%s</text>`+"\n", ml, html.EscapeString(title))
	// Grid and y labels.
	for v := 0.0; v <= ymax+step/2; v += step {
		fmt.Fprintf(&b, `<line x1="%d" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", ml, ml+pw, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", ml-4, y(v)+4, trimFloat(v))
	}
	fmt.Fprintf(&b, `<text transform="translate(14 %.1f) rotate(-90)" text-anchor="middle">copies</text>`+"\n", mt+ph/2)
	// X labels.
	t0, t1 := tl[lo].Time, tl[hi-1].Time.Add(time.Minute)
	span := t1.Sub(t0)
	layout := "15:04"
	switch {
	case span > 72*time.Hour:
		layout = "01-02"
	case span > 24*time.Hour:
		layout = "01-02 15:04"
	}
	for k := 0; k <= 6; k++ {
		xx := ml + float64(k)*pw/6
		at := t0.Add(time.Duration(float64(span) * float64(k) / 6))
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#999"/>`+"\n", xx, xx, mt+ph, mt+ph+4)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", xx, mt+ph+16, at.UTC().Format(layout))
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">time (UTC), %s to %s</text>`+"\n", ml+pw/2, mt+ph+30,
		t0.UTC().Format("2006-01-02 15:04"), t1.UTC().Format("2006-01-02 15:04"))
	// Load as a filled area.
	var area strings.Builder
	fmt.Fprintf(&area, "M%.1f %.1f", x(0), y(0))
	for c := range cs {
		fmt.Fprintf(&area, " L%.1f %.1f L%.1f %.1f", x(float64(c)), y(cs[c].need), x(float64(c+1)), y(cs[c].need))
	}
	fmt.Fprintf(&area, " L%.1f %.1f Z", x(float64(cols)), y(0))
	fmt.Fprintf(&b, `<path d="%s" fill="#bbb" fill-opacity="0.6" stroke="none"/>`+"\n", area.String())
	line := func(val func(c int) float64, color, dash string, width float64) {
		var p strings.Builder
		for c := range cs {
			cmd := "L"
			if c == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&p, "%s%.1f %.1f L%.1f %.1f ", cmd, x(float64(c)), y(val(c)), x(float64(c+1)), y(val(c)))
		}
		fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="%s" stroke-width="%.1f"%s/>`+"\n", strings.TrimSpace(p.String()), color, width, dash)
	}
	line(func(c int) float64 { return cs[c].oracle }, "#000", ` stroke-dasharray="4 3"`, 1.2)
	for r := range reports {
		line(func(c int) float64 { return cs[c].copies[r] }, seriesColors[r%len(seriesColors)], "", 1.5)
	}
	// Legend, wrapped onto as many rows as it needs below the axis.
	type entry struct {
		label, color, dash string
		fill               bool
	}
	entries := []entry{{"load (copies needed)", "#bbb", "", true}, {"oracle", "#000", ` stroke-dasharray="4 3"`, false}}
	for r, rep := range reports {
		entries = append(entries, entry{rep.Scenario, seriesColors[r%len(seriesColors)], "", false})
	}
	lx, ly := float64(ml), float64(o.Height-14)
	for _, e := range entries {
		wdt := 30 + float64(len([]rune(e.label)))*6
		if lx > ml && lx+wdt > float64(o.Width-mr) {
			lx, ly = ml, ly+14
		}
		if e.fill {
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="18" height="8" fill="%s" fill-opacity="0.6"/>`, lx, ly-7, e.color)
		} else {
			fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="2"%s/>`, lx, lx+18, ly-3, ly-3, e.color, e.dash)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%s</text>`+"\n", lx+22, ly, html.EscapeString(e.label))
		lx += wdt
	}
	// Grow the picture if the legend wrapped.
	height := int(ly) + 14
	out := b.String()
	if height > o.Height {
		out = strings.Replace(out, fmt.Sprintf(`height="%d" viewBox="0 0 %d %d"`, o.Height, o.Width, o.Height),
			fmt.Sprintf(`height="%d" viewBox="0 0 %d %d"`, height, o.Width, height), 1)
	}
	b.Reset()
	b.WriteString(out)
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func niceStep(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return math.Max(m*p, 1)
		}
	}
	return 10 * p
}

func trimFloat(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// WriteHTML writes a self-contained page with the chart and the comparison table.
func WriteHTML(w io.Writer, reports []*Report, o ChartOptions) error {
	var svg, table strings.Builder
	if err := WriteSVG(&svg, reports, o); err != nil {
		return err
	}
	for _, r := range reports {
		if err := r.WriteText(&table); err != nil {
			return err
		}
		table.WriteString("\n")
	}
	if len(reports) > 1 {
		if err := WriteCompare(&table, reports); err != nil {
			return err
		}
	}
	title := o.Title
	if title == "" {
		title = "scaled simulation"
	}
	_, err := fmt.Fprintf(w, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>\n<body style=\"font-family:sans-serif\">\n<h1 style=\"font-size:18px\">%s</h1>\n%s<pre>%s</pre>\n</body></html>\n",
		html.EscapeString(title), html.EscapeString(title), svg.String(), html.EscapeString(table.String()))
	return err
}
