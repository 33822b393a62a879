package attendance

import (
	"fmt"
	"strconv"
)

// Band is a late-arrival (TL) or early-leave (PSW) band: BandNone or 1 to 4.
type Band uint8

// Band values.
const (
	// BandNone is no band: on time, or not judged.
	BandNone Band = iota
	// Band1 is TL1/PSW1 (demo 1-30 minutes).
	Band1
	// Band2 is TL2/PSW2 (demo 31-60 minutes).
	Band2
	// Band3 is TL3/PSW3 (demo 61-90 minutes).
	Band3
	// Band4 is TL4/PSW4: beyond the third edge, or the time is missing.
	Band4
)

// String returns "1" to "4", or "" for BandNone.
func (b Band) String() string {
	if b == BandNone {
		return ""
	}
	return strconv.Itoa(int(b))
}

// Bands holds, from the TPP rule set, the upper edges in whole minutes
// (inclusive) of bands 1, 2 and 3 for late arrival (Late, TL) and early leave
// (Early, PSW). One minute up to Late[0] is TL1, up to Late[1] TL2, up to
// Late[2] TL3, anything longer (or no time in at all) TL4; PSW likewise.
type Bands struct {
	Late  [3]int
	Early [3]int
}

// DemoBands returns the demo rule set's bands (SPEC §4.4): 1-30, 31-60, 61-90
// and more than 90 minutes, for both TL and PSW.
func DemoBands() Bands {
	return Bands{Late: [3]int{30, 60, 90}, Early: [3]int{30, 60, 90}}
}

// Validate reports an error unless both edge lists rise strictly from at least
// one minute and stay within a day.
func (b Bands) Validate() error {
	for _, e := range [2]struct {
		name  string
		edges [3]int
	}{{"late", b.Late}, {"early", b.Early}} {
		if e.edges[0] < 1 || e.edges[0] >= e.edges[1] || e.edges[1] >= e.edges[2] || e.edges[2] > 24*60 {
			return fmt.Errorf("%w: %s band edges %v must rise strictly from 1 minute", ErrInvalid, e.name, e.edges)
		}
	}
	return nil
}

// LateBand returns the TL band for minutes late (0 or less is BandNone).
func (b Bands) LateBand(minutes int) Band { return bandOf(b.Late, minutes) }

// EarlyBand returns the PSW band for minutes left early (0 or less is BandNone).
func (b Bands) EarlyBand(minutes int) Band { return bandOf(b.Early, minutes) }

func bandOf(edges [3]int, minutes int) Band {
	switch {
	case minutes <= 0:
		return BandNone
	case minutes <= edges[0]:
		return Band1
	case minutes <= edges[1]:
		return Band2
	case minutes <= edges[2]:
		return Band3
	}
	return Band4
}
