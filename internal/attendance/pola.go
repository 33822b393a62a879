package attendance

import (
	"fmt"
	"strings"
)

// ParseWindow parses a stored schedule window "07:30-16:00" ("" is a day
// off). An end earlier than the start means the window ends the next day.
func ParseWindow(s string) (Window, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Window{}, nil
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return Window{}, fmt.Errorf("%w: window %q is not HH:MM-HH:MM", ErrInvalid, s)
	}
	start, err := ParseClock(strings.TrimSpace(a))
	if err != nil {
		return Window{}, err
	}
	end, err := ParseClock(strings.TrimSpace(b))
	if err != nil {
		return Window{}, err
	}
	if end <= start {
		end += clockDay
	}
	w := Window{Start: start, End: end}
	return w, w.Validate()
}

// WeekFromPola builds a Week from seven stored windows, Sunday first.
func WeekFromPola(pola []string) (Week, error) {
	var w Week
	if len(pola) != 7 {
		return w, fmt.Errorf("%w: a week needs 7 windows, got %d", ErrInvalid, len(pola))
	}
	for i, p := range pola {
		win, err := ParseWindow(p)
		if err != nil {
			return w, err
		}
		w[i] = win
	}
	return w, nil
}
