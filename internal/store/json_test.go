package store

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/holdspace/holdspace/internal/program"
)

// TestFromJSON checks that stored lists, the empty ones included, decode
// as json.Unmarshal decodes them: an empty list is an empty slice, not
// nil, and replaces what was there.
func TestFromJSON(t *testing.T) {
	for _, s := range []string{`[]`, `["a","b"]`, `[[540,1020]]`} {
		for _, fresh := range []func() any{
			func() any { return &[]string{"old"} },
			func() any { var v []string; return &v },
			func() any { return &[]program.Interval{{1, 2}} },
			func() any { var v []program.Interval; return &v },
		} {
			got, want := fresh(), fresh()
			errGot, errWant := fromJSON(s, got), json.Unmarshal([]byte(s), want)
			if (errGot == nil) != (errWant == nil) || !reflect.DeepEqual(got, want) {
				t.Errorf("fromJSON(%s) into %T: %#v (%v), want %#v (%v)", s, got, got, errGot, want, errWant)
			}
		}
	}
}
