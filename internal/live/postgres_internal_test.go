package live

import "testing"

func TestParsePayload(t *testing.T) {
	for _, tc := range []struct {
		payload string
		room    string
		version int64
		ok      bool
	}{
		{"7 0190f5a2-7c1e-7d4b-9e2a-1c2d3e4f5a6b", "0190f5a2-7c1e-7d4b-9e2a-1c2d3e4f5a6b", 7, true},
		{"12 room with spaces", "room with spaces", 12, true},
		{"7", "", 0, false},
		{"7 ", "", 0, false},
		{"x room", "", 0, false},
		{"", "", 0, false},
		{" room", "", 0, false},
	} {
		room, version, ok := parsePayload(tc.payload)
		if room != tc.room || version != tc.version || ok != tc.ok {
			t.Errorf("parsePayload(%q) = %q, %d, %v; want %q, %d, %v", tc.payload, room, version, ok, tc.room, tc.version, tc.ok)
		}
	}
}

// FuzzParsePayload checks that every payload Notify sends reads back as
// sent, and that no payload makes the listener panic.
func FuzzParsePayload(f *testing.F) {
	f.Add("a", int64(1))
	f.Add("room with spaces", int64(-3))
	f.Fuzz(func(t *testing.T, room string, version int64) {
		parsePayload(room)
		if room == "" {
			return
		}
		gotRoom, gotVersion, ok := parsePayload(payload(room, version))
		if !ok || gotRoom != room || gotVersion != version {
			t.Errorf("round trip of %q, %d gave %q, %d, %v", room, version, gotRoom, gotVersion, ok)
		}
	})
}
