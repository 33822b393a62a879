package components

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"io"
	"sync"

	"github.com/a-h/templ"
)

// SharedBarChart is BarChart for a chart that many people see alike (the
// regency-wide charts of the verifikator and superadmin homes: 40 OPDs,
// several parts per bar). Its drawing is kept by content: the key is the
// SHA-256 of every field of c, so a chart is drawn again exactly when
// something it shows differs, and what a page shows is byte for byte what
// BarChart would draw for it now. Nothing is kept by time; a chart that
// changes with every view simply misses.
func SharedBarChart(c Chart) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		k := c.key()
		if b, ok := sharedCharts.get(k); ok {
			_, err := w.Write(b)
			return err
		}
		var buf bytes.Buffer
		if err := BarChart(c).Render(ctx, &buf); err != nil {
			return err
		}
		sharedCharts.put(k, buf.Bytes())
		_, err := w.Write(buf.Bytes())
		return err
	})
}

// sharedChartsMax bounds the drawings kept: a home page shows four shared
// charts, and a month's figures change a few times an hour, so a few dozen
// is plenty; when full, the whole set is dropped and drawn again as asked.
const sharedChartsMax = 64

var sharedCharts = chartMemo{m: map[[sha256.Size]byte][]byte{}}

type chartMemo struct {
	mu sync.Mutex
	m  map[[sha256.Size]byte][]byte
}

func (m *chartMemo) get(k [sha256.Size]byte) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.m[k]
	return b, ok
}

func (m *chartMemo) put(k [sha256.Size]byte, b []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.m) >= sharedChartsMax {
		clear(m.m)
	}
	m.m[k] = bytes.Clone(b)
}

// key is the SHA-256 of every field of c, each string length-prefixed and
// each list counted, so no two different charts share one
// (TestChartKeyCoversEveryField changes each field in turn).
func (c Chart) key() [sha256.Size]byte {
	h := sha256.New()
	for _, s := range []string{c.ID, c.Title, c.Unit, c.Note} {
		keyString(h, s)
	}
	keyInt(h, int64(len(c.Legend)))
	for _, l := range c.Legend {
		keyString(h, l)
	}
	keyInt(h, int64(len(c.Bars)))
	for _, b := range c.Bars {
		keyString(h, b.Label)
		keyInt(h, b.Value)
		keyString(h, b.Text)
		keyInt(h, int64(len(b.Parts)))
		for _, p := range b.Parts {
			keyInt(h, p.Value)
			keyString(h, p.Text)
		}
	}
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

func keyInt(h hash.Hash, n int64) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(n))
	h.Write(b[:])
}

func keyString(h hash.Hash, s string) {
	keyInt(h, int64(len(s)))
	io.WriteString(h, s)
}
