package program

// Membership is a person's part in one program.
type Membership struct {
	OptedIn, Snoozed bool
	// Matched: in an active circle of the program or one waiting for
	// answers.
	Matched bool
}
