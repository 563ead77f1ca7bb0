package account

import (
	"sync"
	"time"
)

// zones holds every time zone loaded so far. time.LoadLocation reads and
// parses the zone's file on every call, and a page that shows a dozen
// times would do so a dozen times; the few hundred IANA zones fit in
// memory for good.
var zones sync.Map // name → *time.Location

// Location returns the IANA time zone tz, loaded once per process. Like
// time.LoadLocation, "" is UTC.
func Location(tz string) (*time.Location, error) {
	if loc, ok := zones.Load(tz); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, err
	}
	zones.Store(tz, loc)
	return loc, nil
}
