package circle

// Role is a part a member plays in one meeting.
type Role string

const (
	Facilitator Role = "facilitator"
	Timekeeper  Role = "timekeeper"
)

// Rotate gives each upcoming meeting whose roles the circle has not chosen
// the members who held each role least recently — never before counts as
// longest ago; ties go to whoever held the other role less recently, then
// to the earlier member in members — so the roles go round (from a fresh
// start, everyone takes each role before anyone takes it twice) and
// nobody's turn gets in the way of their learning for long.
// history is the circle's past meetings, oldest first; upcoming is in
// order and is returned with its roles filled in. A chosen role held by
// someone no longer in the circle goes back to the rotation.
func Rotate(members []string, history, upcoming []Meeting) []Meeting {
	if len(members) == 0 {
		return upcoming
	}
	in := make(map[string]bool, len(members))
	for _, m := range members {
		in[m] = true
	}
	// last[role][member] is the index of the latest meeting in which the
	// member held the role.
	last := map[Role]map[string]int{Facilitator: {}, Timekeeper: {}}
	n := 0
	note := func(m Meeting) {
		if m.Status == Cancelled {
			return
		}
		n++
		if m.FacilitatorID != "" {
			last[Facilitator][m.FacilitatorID] = n
		}
		if m.TimekeeperID != "" {
			last[Timekeeper][m.TimekeeperID] = n
		}
	}
	for _, m := range history {
		note(m)
	}
	other := map[Role]Role{Facilitator: Timekeeper, Timekeeper: Facilitator}
	pick := func(role Role, except string) string {
		best, bestAt, bestOther := "", 0, 0
		for _, m := range members {
			if m == except && len(members) > 1 {
				continue
			}
			at, otherAt := last[role][m], last[other[role]][m]
			if best == "" || at < bestAt || (at == bestAt && otherAt < bestOther) {
				best, bestAt, bestOther = m, at, otherAt
			}
		}
		return best
	}
	out := make([]Meeting, len(upcoming))
	for i, m := range upcoming {
		if m.Status == Cancelled {
			m.FacilitatorID, m.TimekeeperID, m.RolesChosen = "", "", false
			out[i] = m
			continue
		}
		if !m.RolesChosen || !in[m.FacilitatorID] || !in[m.TimekeeperID] {
			m.RolesChosen = false
			m.FacilitatorID = pick(Facilitator, "")
			m.TimekeeperID = pick(Timekeeper, m.FacilitatorID)
		}
		note(m)
		out[i] = m
	}
	return out
}
