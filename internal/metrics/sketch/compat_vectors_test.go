package sketch

import "math"

// v1Vectors are the sketches whose version-1 encodings are kept in
// testdata/v1-encodings.txt.
func v1Vectors() []struct {
	name  string
	build func(s *Sketch)
} {
	return []struct {
		name  string
		build func(s *Sketch)
	}{
		{"empty", func(*Sketch) {}},
		{"one-value", func(s *Sketch) { s.Add(42, 1) }},
		{"10-to-100", func(s *Sketch) {
			for v := 10; v <= 100; v += 10 {
				s.Add(float64(v), 1)
			}
		}},
		{"zeros-and-fractional-counts", func(s *Sketch) {
			s.Add(0, 3)
			s.Add(1.5, 2.25)
			for i := range 50 {
				s.Add(float64(i*i+1), 1)
			}
		}},
		{"negative", func(s *Sketch) { s.Add(5, 1); s.Add(-1, 1) }},
		{"only-zeros", func(s *Sketch) { s.Add(0, 4) }},
		{"latencies-1000", func(s *Sketch) {
			for _, v := range latencies(1000) {
				s.Add(v, 1)
			}
		}},
		{"collapsed", func(s *Sketch) {
			for e := -200.0; e <= 200; e += 0.5 {
				s.Add(math.Pow(10, e), 1)
			}
		}},
	}
}
