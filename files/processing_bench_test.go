package files_test

import (
	"testing"

	"github.com/chatapi/chatapi/files"
)

// BenchmarkProcess measures the thumbnail of one 12-megapixel (4000×3000)
// opaque PNG on the local backend and SQLite: read, header check, decode,
// scale to 320×240, encode, put and record.
func BenchmarkProcess(b *testing.B) {
	f := newFixture(b)
	svc := files.New(f.st, f.backend, files.Config{})
	data := encoded(b, "png", 4000, 3000, false)
	for b.Loop() {
		b.StopTimer()
		up := f.complete(b, svc, "image/png", data)
		b.StartTimer()
		if err := svc.Process(b.Context(), discard{}, f.tenant, up); err != nil {
			b.Fatal(err)
		}
	}
}
