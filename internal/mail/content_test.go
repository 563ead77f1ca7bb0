package mail

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// testICS stands in for an iCalendar object: the emails attach it as it is.
var testICS = []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")

// checkGolden compares got with testdata/name, or rewrites the file with
// -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got; run go test -update if the change is intended):\n%s", path, diff)
	}
}

func TestContent(t *testing.T) {
	tests := []struct {
		name        string
		msg         Message
		wantSubject string
		wantText    []string // phrases a reader must find in the text body
	}{
		{
			name:        "signup_confirm",
			msg:         SignupConfirm("ana@example.com", "Ana Müller", "Acme & Co", "https://holdspace.example/signup/confirm?token=abc&x=<1>"),
			wantSubject: "Confirm your email to create Acme & Co on Holdspace",
			wantText:    []string{"Hi Ana,", "Acme & Co", "https://holdspace.example/signup/confirm?token=abc&x=<1>", "24 hours"},
		},
		{
			name:        "already_registered",
			msg:         AlreadyRegistered("ana@example.com", "Ana", "https://holdspace.example/signin", "https://holdspace.example/password/forgot"),
			wantSubject: "You already have a Holdspace account",
			wantText:    []string{"already have an account", "https://holdspace.example/signin", "https://holdspace.example/password/forgot", "ignore this email"},
		},
		{
			name:        "password_reset",
			msg:         PasswordReset("ana@example.com", "", "https://holdspace.example/password/reset?token=xyz"),
			wantSubject: "Reset your Holdspace password",
			wantText: []string{"Hi,", "https://holdspace.example/password/reset?token=xyz", "1 hour", "only once", "ignore this email",
				"signs you out of every browser and device and\nrevokes every personal access token"},
		},
		{
			name:        "password_changed",
			msg:         PasswordChanged("ana@example.com", "Ana Lima", "https://holdspace.example/password/forgot", true),
			wantSubject: "Your Holdspace password was changed",
			wantText: []string{"Hi Ana,", "in the browser where you changed it", "every\nother browser and device", "revoked every\npersonal access token",
				"https://holdspace.example/password/forgot"},
		},
		{
			name:        "password_changed_reset",
			msg:         PasswordChanged("ana@example.com", "Ana Lima", "https://holdspace.example/password/forgot", false),
			wantSubject: "Your Holdspace password was changed",
			wantText:    []string{"with a reset link", "signed you out of every browser and device", "revoked every"},
		},
		{
			name:        "invitation",
			msg:         Invitation("ben@example.com", "Ben", "Ana <Müller>", "O'Brien \"Labs\"", "https://holdspace.example/invite/tok"),
			wantSubject: `You're invited to join O'Brien "Labs"’s peer coaching on Holdspace`,
			wantText:    []string{"Hi Ben,", "Ana <Müller> has invited you", `O'Brien "Labs"’s peer coaching`, "always voluntary", "14 days", "https://holdspace.example/invite/tok"},
		},
		{
			name:        "invitation_no_inviter",
			msg:         Invitation("ben@example.com", "Ben Okafor", "", "Acme Robotics", "https://holdspace.example/invite/tok"),
			wantSubject: "You're invited to join Acme Robotics’ peer coaching on Holdspace",
			wantText:    []string{"Hi Ben,", "You are invited to join Acme Robotics’ peer coaching"},
		},
		{
			name: "circle_proposed",
			msg: CircleProposed("ben@example.com", "Ben", "Leads & Learners", []string{"Ana <Müller>", "Chloé\nMartin"},
				[]string{"Tuesday 14:00–15:00 (Europe/Berlin)", "Thursday 09:00–10:00 (Europe/Berlin)"}, "https://holdspace.example/matches?x=<1>"),
			wantSubject: "You've been matched in Leads & Learners",
			wantText: []string{"You've been matched in Leads & Learners.", "We'd like to suggest you coach\ntogether with:\n\n  - Ana <Müller>\n  - Chloé Martin\n\n",
				"Times you have in common:\n\n  - Tuesday 14:00–15:00 (Europe/Berlin)\n  - Thursday 09:00–10:00 (Europe/Berlin)\n\n",
				"https://holdspace.example/matches?x=<1>", "Declining is always fine", "nobody else learns your reason"},
		},
		{
			name:        "circle_proposed_pair",
			msg:         CircleProposed("ben@example.com", "", "Pairs", []string{"Ana"}, nil, "https://holdspace.example/matches"),
			wantSubject: "You've been matched in Pairs",
			wantText:    []string{"Hi,", "together with:\n\n  - Ana\n\n", "no hour in common", "https://holdspace.example/matches"},
		},
		{
			name:        "circle_formed",
			msg:         CircleFormed("ben@example.com", "Ben", "Leads & Learners", []string{"Ana <Müller>", "Chloé Martin"}, "https://holdspace.example/matches"),
			wantSubject: "Your match in Leads & Learners is ready",
			wantText:    []string{"Everyone has said yes", "  - Ana <Müller>\n  - Chloé Martin\n\n", "circle's home", "https://holdspace.example/matches", "stays between you"},
		},
		{
			name:        "circle_dissolved",
			msg:         CircleDissolved("ben@example.com", "Ben", "Leads & Learners"),
			wantSubject: "Your match in Leads & Learners won't go ahead",
			wantText:    []string{"Someone couldn't take part this time", "won't go ahead", "You stay in Leads & Learners", "matched again soon", "nothing you need to do"},
		},
		{
			name:        "circle_going_ahead",
			msg:         CircleGoingAhead("ben@example.com", "Ben", "Leads & Learners", []string{"Ana <Müller>", "Chloé Martin", "Dev Rao"}, "https://holdspace.example/circles/c1"),
			wantSubject: "Your circle in Leads & Learners is going ahead",
			wantText:    []string{"Everyone else has said yes", "going\nahead with 4 of you", "Nobody needs to answer again", "  - Ana <Müller>\n  - Chloé Martin\n  - Dev Rao\n\n", "https://holdspace.example/circles/c1"},
		},
		{
			name: "not_placed",
			msg: NotPlaced("ben@example.com", "Ben", "Leads & Learners", "Nobody else in this round was free at the same time as you for a 60-minute meeting.",
				[]string{"Widen the hours you marked as available."}, true, "https://holdspace.example/matches"),
			wantSubject: "No circle for you in Leads & Learners this round",
			wantText:    []string{"couldn't place you", "Why: Nobody else in this round was free", "What you could change:\n\n  - Widen the hours", "You come first in the next round", "https://holdspace.example/matches"},
		},
		{
			name:        "not_placed_held_out",
			msg:         NotPlaced("ben@example.com", "", "Leads & Learners", "The program's admin kept you out of this round's circles.", nil, false, "https://holdspace.example/matches"),
			wantSubject: "No circle for you in Leads & Learners this round",
			wantText:    []string{"Hi,", "Why: The program's admin kept you out", "You stay in Leads & Learners"},
		},
		{
			name:        "match_declined",
			msg:         MatchDeclined("ana@example.com", "Ana <Müller>", "Leads & Learners", "https://holdspace.example/programs/p1"),
			wantSubject: "A match in Leads & Learners was declined",
			wantText:    []string{"Hi Ana,", "was declined, so some people are\nwaiting for a new match", "re-match the remaining", "https://holdspace.example/programs/p1"},
		},
		{
			name:        "pair_invitation",
			msg:         PairInvitation("ben@example.com", "Ben", "Ana <Müller>", "Leads & Learners", "https://holdspace.example/matches"),
			wantSubject: "Ana <Müller> would like to coach with you in Leads & Learners",
			wantText:    []string{"Ana <Müller> would like to coach in a pair with you", "Accept or decline", "https://holdspace.example/matches", "no pressure", "always voluntary", "stays between you"},
		},
		{
			name:        "team_invitation",
			msg:         TeamInvitation("ben@example.com", "Ben", "Ana <Müller>", testProgramFacts),
			wantSubject: "Ana <Müller> invites you to peer coaching: Leads & Learners",
			wantText:    []string{"Ana <Müller> invites you to join peer coaching in Leads & Learners.", "Opt in by: Friday 13 March", "voluntary", "is not told whether you do", "https://holdspace.example/programs/p1"},
		},
		{
			name:        "program_asked",
			msg:         ProgramAsked("ada@example.com", "Ada", "Ana <Müller>", "https://holdspace.example/programs"),
			wantSubject: "Ana <Müller> would like to invite colleagues to peer coaching",
			wantText:    []string{"Hi Ada,", "Ana <Müller> would like to invite colleagues", "no program is open", "https://holdspace.example/programs"},
		},
		{
			name:        "pair_formed",
			msg:         PairFormed("ben@example.com", "Ben", "Ana <Müller>", "Leads & Learners", "https://holdspace.example/matches"),
			wantSubject: "You and Ana <Müller> are now a pair in Leads & Learners",
			wantText:    []string{"You and Ana <Müller> are now a pair in Leads & Learners.", "https://holdspace.example/matches", "stays between you"},
		},
		{
			name:        "pair_declined",
			msg:         PairDeclined("ben@example.com", "Ben", "Ana <Müller>", "Leads & Learners"),
			wantSubject: "Your pair invitation in Leads & Learners",
			wantText:    []string{"Ana <Müller> can't pair with you in Leads & Learners this time.", "still in Leads & Learners", "can be matched", "nothing you need to do"},
		},
		{
			name: "meeting_scheduled",
			msg: MeetingScheduled("ben@example.com", "Ben", "Leads & Learners", "Every other Tuesday at 16:00 (Europe/Berlin)",
				"Tuesday 1 December, 16:00–17:00", "Europe/Berlin", "https://video.example/circle?x=<1>", "https://holdspace.example/circles/c1", false, testICS),
			wantSubject: "Your circle in Leads & Learners has a meeting time",
			wantText: []string{"now has a regular time to meet:\n\n  Every other Tuesday at 16:00 (Europe/Berlin)\n\n",
				"Your first meeting:\n\n  Tuesday 1 December, 16:00–17:00 (Europe/Berlin)\n\n",
				"https://video.example/circle?x=<1>", "adds the meetings to your calendar", "https://holdspace.example/circles/c1"},
		},
		{
			name: "meeting_scheduled_changed",
			msg: MeetingScheduled("ben@example.com", "Ben", "Leads & Learners", "Every Thursday at 09:00 (America/New_York)",
				"Thursday 3 December, 09:00–10:00", "America/New_York", "", "https://holdspace.example/circles/c1", true, nil),
			wantSubject: "Your circle's meeting time in Leads & Learners has changed",
			wantText: []string{"Your circle's meeting time in Leads & Learners has changed.", "  Every Thursday at 09:00 (America/New_York)\n",
				"The first meeting at the new time:\n\n  Thursday 3 December, 09:00–10:00 (America/New_York)\n",
				"link to join the call will follow", "https://holdspace.example/circles/c1"},
		},
		{
			name: "schedule_changed",
			msg: ScheduleChanged("ben@example.com", "Ben", "Leads & Learners", "Ana <Müller>", false,
				[]string{"When: Every Tuesday at 16:00 → Every other Wednesday at 18:00", "Video call: none → https://video.example/c"},
				"Europe/Berlin", "Thursday 3 December, 18:00", "https://holdspace.example/circles/c1", testICS, "REQUEST"),
			wantSubject: "Ana <Müller> changed your circle's schedule in Leads & Learners",
			wantText: []string{"Ana <Müller> changed your circle's schedule in Leads & Learners.",
				"(times in your time zone, Europe/Berlin):\n\n  When: Every Tuesday at 16:00 → Every other Wednesday at 18:00\n\n  Video call: none → https://video.example/c\n",
				"put the schedule back as it\nwas, with one click on the circle's page, until Thursday 3 December, 18:00.", "https://holdspace.example/circles/c1"},
		},
		{
			name: "meeting_moved",
			msg: MeetingMoved("ben@example.com", "Ben", "Leads & Learners", "Tuesday 1 December, 16:00–17:00", "Wednesday 2 December, 16:00–17:00",
				"Europe/Berlin", "https://holdspace.example/circles/c1?x=<1>", testICS),
			wantSubject: "A meeting of your circle in Leads & Learners has moved",
			wantText: []string{"  Was: Tuesday 1 December, 16:00–17:00 (Europe/Berlin)\n  Now: Wednesday 2 December, 16:00–17:00 (Europe/Berlin)\n",
				"the others stay as they were", "updates your calendar", "https://holdspace.example/circles/c1?x=<1>"},
		},
		{
			name:        "meeting_cancelled",
			msg:         MeetingCancelled("ben@example.com", "Ben", "Leads & Learners", "Tuesday 1 December, 16:00–17:00", "Europe/Berlin", "https://holdspace.example/circles/c1", testICS),
			wantSubject: "A meeting of your circle in Leads & Learners is cancelled",
			wantText:    []string{"won't take place:\n\n  Tuesday 1 December, 16:00–17:00 (Europe/Berlin)\n", "other meetings stay as they were", "removes this one from your calendar", "https://holdspace.example/circles/c1"},
		},
		{
			name: "meeting_reminder",
			msg: MeetingReminder("ben@example.com", "Ben", "Leads & Learners", "Tuesday 1 December, 16:00–17:00", "Europe/Berlin", "tomorrow",
				"timekeeper", "https://video.example/circle?x=<1>", "https://holdspace.example/circles/c1", "https://holdspace.example/circles/c1/meetings/m1/rsvp"),
			wantSubject: "Your circle in Leads & Learners meets tomorrow",
			wantText: []string{"meets tomorrow:\n\n  Tuesday 1 December, 16:00–17:00 (Europe/Berlin)\n", "You're the timekeeper this time.",
				"https://video.example/circle?x=<1>", "https://holdspace.example/circles/c1", "I can't make it: https://holdspace.example/circles/c1/meetings/m1/rsvp?answer=not_coming"},
		},
		{
			name:        "meeting_reminder_no_role",
			msg:         MeetingReminder("ben@example.com", "", "Leads & Learners", "Tuesday 1 December, 16:00–17:00", "Europe/Berlin", "in 1 hour", "", "", "https://holdspace.example/circles/c1", "https://holdspace.example/circles/c1/meetings/m1/rsvp"),
			wantSubject: "Your circle in Leads & Learners meets in 1 hour",
			wantText:    []string{"Hi,", "meets in 1 hour:", "find the link to join the call on your circle's page", "https://holdspace.example/circles/c1"},
		},
		{
			name:        "rsvp_not_coming",
			msg:         RSVPNotComing("ben@example.com", "Ben", "Chloé Martin", "Leads & Learners", "Tuesday 1 December, 16:00–17:00", "Europe/Berlin", "https://holdspace.example/circles/c1"),
			wantSubject: "Chloé Martin can't make it to your circle's next meeting in Leads & Learners",
			wantText:    []string{"Chloé Martin can't make it", "  Tuesday 1 December, 16:00–17:00 (Europe/Berlin)\n", "goes ahead with whoever can come", "https://holdspace.example/circles/c1"},
		},
		{
			name:        "commitment_due",
			msg:         CommitmentDue("ben@example.com", "Ben", "Leads & Learners", "Ask my team for feedback on <Monday>", "Tuesday 1 December", "https://holdspace.example/circles/c1/commitments/k1"),
			wantSubject: "A friendly reminder of your commitment, due Tuesday 1 December",
			wantText:    []string{"  Ask my team for feedback on <Monday>\n", "mark it done", "https://holdspace.example/circles/c1/commitments/k1"},
		},
		{
			name: "commitment_follow_up",
			msg: CommitmentFollowUp("ben@example.com", "Ben", "Leads & Learners", "Ask my team for feedback on Monday's review, and listen before answering any of it",
				"Tuesday 1 December", "https://holdspace.example/circles/c1/commitments/k1"),
			wantSubject: "How did it go with Ask my team for feedback on Monday's review, and listen bef…?",
			wantText:    []string{"How did it go with this?", "mark it done, move it to another day,\nor let it go", "https://holdspace.example/circles/c1/commitments/k1"},
		},
		{
			name: "weekly_digest",
			msg: WeeklyDigest("ben@example.com", "Ben", "Tuesday 1 December, 16:00–17:00", "Europe/Berlin",
				[]string{"Ask my team for feedback", "Say no to one meeting"},
				[]Linked{{Text: "Silence is an answer too", Link: "https://holdspace.example/learning#card-k9"}},
				"https://holdspace.example/home", "https://holdspace.example/digest/stop?t=abc"),
			wantSubject: "Your week in peer coaching",
			wantText: []string{"  Tuesday 1 December, 16:00–17:00 (Europe/Berlin)\n", "  - Ask my team for feedback\n  - Say no to one meeting\n",
				"New learning cards for you:\n  - Silence is an answer too\n    https://holdspace.example/learning#card-k9\n", "https://holdspace.example/digest/stop?t=abc"},
		},
		{
			name:        "weekly_digest_quiet",
			msg:         WeeklyDigest("ben@example.com", "", "", "", nil, nil, "https://holdspace.example/home", "https://holdspace.example/digest/stop?t=abc"),
			wantSubject: "Your week in peer coaching",
			wantText:    []string{"None is planned yet.", "None open."},
		},
		{
			name:        "circle_news",
			msg:         CircleNews("ben@example.com", "Ben", "Leads & Learners", "https://holdspace.example/circles/c1?x=<1>"),
			wantSubject: "Your circle has news — open Holdspace",
			wantText:    []string{"Your circle in Leads & Learners has news.", "acknowledge the ground rules", "https://holdspace.example/circles/c1?x=<1>"},
		},
		{
			name:        "circle_nudge",
			msg:         CircleNudge("ben@example.com", "Ben", "Leads & Learners", "four weeks", "https://holdspace.example/circles/c1?x=<1>", false),
			wantSubject: "Time to meet again in Leads & Learners?",
			wantText:    []string{"hasn't met for four weeks. That happens", "pick a time together", "https://holdspace.example/circles/c1?x=<1>", "taking a break on purpose"},
		},
		{
			name:        "circle_nudge_first",
			msg:         CircleNudge("ben@example.com", "Ben", "Leads & Learners", "three weeks", "https://holdspace.example/circles/c1", true),
			wantSubject: "Ready for your circle's first meeting in Leads & Learners?",
			wantText:    []string{"formed three weeks ago and hasn't had its\nfirst meeting yet", "Pick a time together", "https://holdspace.example/circles/c1"},
		},
		{
			name: "agreement_proposed",
			msg: AgreementProposed("ben@example.com", "Ben", "Ana <Müller>", "Leads & Learners", "Let's start each meeting with a check-in & keep it short.",
				"https://holdspace.example/circles/c1/agreement"),
			wantSubject: "Ana <Müller> proposed a change to your working agreement in Leads & Learners",
			wantText: []string{"Ana <Müller> has proposed a change", "Their note:\n\n  Let's start each meeting with a check-in & keep it short.\n",
				"only once everyone in the circle has consented", "https://holdspace.example/circles/c1/agreement", "Nothing\nchanges until everyone is on board"},
		},
		{
			name:        "agreement_proposed_no_note",
			msg:         AgreementProposed("ben@example.com", "Ben", "Ana", "Leads & Learners", "", "https://holdspace.example/circles/c1/agreement"),
			wantSubject: "Ana proposed a change to your working agreement in Leads & Learners",
			wantText:    []string{"working agreement\nin Leads & Learners.\n\nThe change takes effect"},
		},
		{
			name:        "agreement_adopted",
			msg:         AgreementAdopted("ben@example.com", "Ben", "Leads & Learners", 3, "https://holdspace.example/circles/c1/agreement"),
			wantSubject: "Your working agreement in Leads & Learners has been updated",
			wantText:    []string{"Everyone in your circle in Leads & Learners has consented", "has consented, so\nversion 3 of your working agreement now applies", "https://holdspace.example/circles/c1/agreement"},
		},
		{
			name: "member_left",
			msg: MemberLeft("ana@example.com", "Ana <Müller>", "Chloé Martin", "Leads & Learners", "My new role leaves me no time, sorry <3",
				2, 3, "https://holdspace.example/programs/p1?x=<1>"),
			wantSubject: "A member left a circle in Leads & Learners",
			wantText: []string{"Hi Ana,", "Chloé Martin has left their circle in Leads & Learners.",
				"They left this note for the admins:\n\n  My new role leaves me no time, sorry <3\n", "members don't see this note",
				"now has 2 members, fewer than the program's minimum\nof 3", "return its members to the pool", "https://holdspace.example/programs/p1?x=<1>"},
		},
		{
			name:        "member_left_no_note",
			msg:         MemberLeft("ana@example.com", "Ana", "Chloé Martin", "Leads & Learners", "", 4, 3, "https://holdspace.example/programs/p1"),
			wantSubject: "A member left a circle in Leads & Learners",
			wantText:    []string{"They left no note.", "The circle has 4 members and carries on.", "https://holdspace.example/programs/p1"},
		},
		{
			name:        "member_left_one_remaining",
			msg:         MemberLeft("ana@example.com", "Ana", "Chloé Martin", "Pairs", "", 1, 2, "https://holdspace.example/programs/p2"),
			wantSubject: "A member left a circle in Pairs",
			wantText:    []string{"now has 1 member, fewer than the program's minimum\nof 2", "return them to the pool", "https://holdspace.example/programs/p2"},
		},
		{
			name:        "member_left_none_remaining",
			msg:         MemberLeft("ana@example.com", "Ana", "Chloé Martin", "Pairs", "", 0, 2, "https://holdspace.example/programs/p2"),
			wantSubject: "A member left a circle in Pairs",
			wantText:    []string{"No one is left in the circle.", "https://holdspace.example/programs/p2"},
		},
		{
			name:        "circle_member_left",
			msg:         CircleMemberLeft("ben@example.com", "Ben", "Ana <Müller>", "Leads & Learners", "https://holdspace.example/circles/c1?x=<1>"),
			wantSubject: "Ana <Müller> has left your circle in Leads & Learners",
			wantText:    []string{"Ana <Müller> has left your circle in Leads & Learners.", "Taking part is\nalways voluntary", "Your circle goes on", "https://holdspace.example/circles/c1?x=<1>"},
		},
		{
			name:        "left_circle",
			msg:         LeftCircle("ben@example.com", "Ben", "Leads & Learners", testICS),
			wantSubject: "You've left your circle in Leads & Learners",
			wantText:    []string{"you've left your circle in Leads & Learners.", "removes its meetings from your calendar", "still stays in the circle"},
		},
		{
			name:        "schedule_cleared",
			msg:         ScheduleCleared("ben@example.com", "Ben", "Leads & Learners", "https://holdspace.example/circles/c1", testICS),
			wantSubject: "Your circle in Leads & Learners has no regular time for now",
			wantText:    []string{"stopped meeting on a regular schedule", "removes the meetings ahead", "https://holdspace.example/circles/c1"},
		},
		{
			name:        "circle_closed",
			msg:         CircleClosed("ben@example.com", "Ben", "Leads & Learners", testICS),
			wantSubject: "Your circle in Leads & Learners is closing",
			wantText:    []string{"is closing", "You stay in the program", "accept or decline"},
		},
		{
			name:        "program_opened",
			msg:         ProgramOpened("ben@example.com", "Ben", testProgramFacts),
			wantSubject: "A peer-coaching program is open: Leads & Learners",
			wantText:    []string{"is open, and you are welcome to join", "Grow as a leader", "circles of 4 to 6", "about 6 months", "Opt in by: Friday 13 March", "voluntary", "https://holdspace.example/programs/p1"},
		},
		{
			name:        "optin_reminder",
			msg:         OptInReminder("ben@example.com", "Ben", testProgramFacts),
			wantSubject: "Opt-in for Leads & Learners closes on Friday 13 March",
			wantText:    []string{"closes on Friday 13 March", "not joining is fine", "https://holdspace.example/programs/p1"},
		},
		{
			name:        "program_closed",
			msg:         ProgramClosed("ben@example.com", "Ben", "Leads & Learners", true, "https://holdspace.example/circles/c1/next", testICS),
			wantSubject: "Leads & Learners has come to a close: thank you",
			wantText: []string{"Thank you for taking part", "No more meetings", "removes the ones ahead", "stays open to its members",
				"continue together, re-form", "another team", "https://holdspace.example/circles/c1/next"},
		},
		{
			name:        "program_closed_unformed",
			msg:         ProgramClosed("ben@example.com", "Ben", "Leads & Learners", false, "https://holdspace.example/matches", nil),
			wantSubject: "Leads & Learners has come to a close: thank you",
			wantText:    []string{"Thank you for taking part", "will not form now"},
		},
		{
			name: "meeting_summary",
			msg: MeetingSummary("ben@example.com", "Ben", "Leads & Learners", "Tuesday 1 December, 16:00–17:30", "Europe/Berlin",
				[]string{"Ana", "Ben", "Cy"}, []string{"Ana", "Cy"},
				[]string{"Ana: Ask the team what they need before Friday", "Cy: Delegate the weekly report"},
				"https://holdspace.example/circles/c1/meetings/m1/room", ""),
			wantSubject: "Your circle met: Leads & Learners, Tuesday 1 December, 16:00–17:30",
			wantText:    []string{"Who came: Ana, Ben, Cy", "Presented: Ana, Cy", "Cy: Delegate the weekly report", "private reflection", "not in this\nemail"},
		},
		{
			name: "meeting_summary_fit",
			msg: MeetingSummary("ben@example.com", "Ben", "Leads & Learners", "Tuesday 1 December, 16:00–17:30", "Europe/Berlin",
				[]string{"Ana", "Ben"}, nil, nil, "https://holdspace.example/circles/c1/meetings/m1/room", "https://holdspace.example/circles/c1/fit"),
			wantSubject: "Your circle met: Leads & Learners, Tuesday 1 December, 16:00–17:30",
			wantText:    []string{"is this circle a good fit for you?", "without your name", "https://holdspace.example/circles/c1/fit"},
		},
		{
			name: "meeting_missed",
			msg: MeetingMissed("dee@example.com", "Dee", "Leads & Learners", "Tuesday 1 December, 16:00–17:30", "Europe/Berlin",
				[]string{"Ana"}, nil, "https://holdspace.example/circles/c1/meetings/m1/room", ""),
			wantSubject: "Your circle met without you: Leads & Learners, Tuesday 1 December, 16:00–17:30",
			wantText:    []string{"met without you", "Presented: Ana", "No commitments were made", "carry over to your next check-in", "to you alone"},
		},
		{
			name:        "absence_nudge",
			msg:         AbsenceNudge("dee@example.com", "Dee Okafor", "Leads & Learners", "https://holdspace.example/circles/c1"),
			wantSubject: "We missed you in Leads & Learners",
			wantText:    []string{"Hi Dee,", "met twice lately without you", "can't make it", "https://holdspace.example/circles/c1", "Nobody else is told"},
		},
		{
			name:        "absence_ask",
			msg:         AbsenceAsk("dee@example.com", "Dee Okafor", "Leads & Learners", "https://holdspace.example/circles/c1/pause"),
			wantSubject: "Pause for a while, or leave your circle in Leads & Learners?",
			wantText:    []string{"three times in a row", "two to twelve weeks", "https://holdspace.example/circles/c1/pause", "Only you can open this page"},
		},
		{
			name:        "guest_invitation",
			msg:         GuestInvitation("zoe@example.com", "Zoe", "Ana", "Leads & Learners", "Tuesday 1 December, 16:00–17:30", "Europe/London", "https://holdspace.example/guest/hsg_x"),
			wantSubject: "Ana invites you to observe a peer-coaching meeting",
			wantText:    []string{"observe one meeting", "stays in the circle, guests included", "https://holdspace.example/guest/hsg_x"},
		},
		{
			name:        "meeting_restored",
			msg:         MeetingRestored("ben@example.com", "Ben", "Leads & Learners", "Tuesday 1 December, 16:00–17:30", "Europe/Berlin", "https://holdspace.example/circles/c1", testICS),
			wantSubject: "A meeting of your circle in Leads & Learners is on again",
			wantText:    []string{"is on again", "Tuesday 1 December, 16:00–17:30 (Europe/Berlin)", "puts it back in your calendar"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.msg.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if tt.msg.Subject != tt.wantSubject {
				t.Errorf("Subject = %q, want %q", tt.msg.Subject, tt.wantSubject)
			}
			for _, phrase := range tt.wantText {
				if !strings.Contains(tt.msg.Text, phrase) {
					t.Errorf("text body does not contain %q", phrase)
				}
			}
			if strings.Contains(tt.msg.Text, "&amp;") || strings.Contains(tt.msg.Text, "&lt;") {
				t.Error("text body is HTML-escaped")
			}
			if strings.Contains(tt.msg.HTML, "<Müller>") || strings.Contains(tt.msg.HTML, "x=<1>") {
				t.Error("HTML body contains unescaped input")
			}
			checkGolden(t, tt.name+".txt.golden", tt.msg.Text)
			checkGolden(t, tt.name+".html.golden", tt.msg.HTML)
		})
	}
}

func TestContentNamesOnOneLine(t *testing.T) {
	m := SignupConfirm("ana@example.com", "Ana\r\nBcc: eve@example.com", "Acme\nInc", "https://holdspace.example/c")
	if err := m.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if m.Subject != "Confirm your email to create Acme Inc on Holdspace" {
		t.Errorf("Subject = %q", m.Subject)
	}
	if m.ToName != "Ana Bcc: eve@example.com" {
		t.Errorf("ToName = %q", m.ToName)
	}
}

func TestContentNewNamesOnOneLine(t *testing.T) {
	const link = "https://holdspace.example/c"
	bcc := "Ana\r\nBcc: eve@example.com"
	program := "Leads\nand Learners"
	tests := []struct {
		name        string
		msg         Message
		wantSubject string
		wantToName  string
		wantText    string
	}{
		{
			name:        "pair_invitation",
			msg:         PairInvitation("ben@example.com", "Ben", bcc, program, "https://holdspace.example/matches"),
			wantSubject: "Ana Bcc: eve@example.com would like to coach with you in Leads and Learners",
			wantToName:  "Ben",
		},
		{
			name:        "meeting_scheduled",
			msg:         MeetingScheduled("ben@example.com", bcc, program, "Every\nTuesday", "Tuesday\r\n1 December", "Europe/\nBerlin", "", link, false, nil),
			wantSubject: "Your circle in Leads and Learners has a meeting time",
			wantToName:  "Ana Bcc: eve@example.com",
			wantText:    "  Tuesday 1 December (Europe/ Berlin)\n",
		},
		{
			name:        "meeting_reminder",
			msg:         MeetingReminder("ben@example.com", "Ben", program, "Tuesday", "Europe/Berlin", "in\r\n1 hour", "time\nkeeper", "", link, link),
			wantSubject: "Your circle in Leads and Learners meets in 1 hour",
			wantToName:  "Ben",
			wantText:    "You're the time keeper this time.",
		},
		{
			name:        "agreement_proposed",
			msg:         AgreementProposed("ben@example.com", "Ben", bcc, program, "one\ntwo", link),
			wantSubject: "Ana Bcc: eve@example.com proposed a change to your working agreement in Leads and Learners",
			wantToName:  "Ben",
			wantText:    "  one two\n",
		},
		{
			name:        "member_left",
			msg:         MemberLeft("ana@example.com", bcc, "Chloé\nMartin", program, "", 2, 3, link),
			wantSubject: "A member left a circle in Leads and Learners",
			wantToName:  "Ana Bcc: eve@example.com",
			wantText:    "Chloé Martin has left their circle in Leads and Learners.",
		},
		{
			name:        "circle_member_left",
			msg:         CircleMemberLeft("ben@example.com", "Ben", bcc, program, link),
			wantSubject: "Ana Bcc: eve@example.com has left your circle in Leads and Learners",
			wantToName:  "Ben",
		},
		{
			name:        "left_circle",
			msg:         LeftCircle("ben@example.com", bcc, program, nil),
			wantSubject: "You've left your circle in Leads and Learners",
			wantToName:  "Ana Bcc: eve@example.com",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.msg.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if tt.msg.Subject != tt.wantSubject {
				t.Errorf("Subject = %q, want %q", tt.msg.Subject, tt.wantSubject)
			}
			if tt.msg.ToName != tt.wantToName {
				t.Errorf("ToName = %q, want %q", tt.msg.ToName, tt.wantToName)
			}
			if !strings.Contains(tt.msg.Text, tt.wantText) {
				t.Errorf("text body does not contain %q", tt.wantText)
			}
		})
	}
}

// The calendar object must travel with the email, under the method that
// matches it, or a mail client would add a cancelled meeting or ignore a
// moved one.
func TestContentCalendar(t *testing.T) {
	const link = "https://holdspace.example/c"
	withICS := func(ics []byte) []Message {
		return []Message{
			MeetingScheduled("ben@example.com", "Ben", "P", "Every Tuesday", "Tuesday", "Europe/Berlin", "", link, false, ics),
			MeetingScheduled("ben@example.com", "Ben", "P", "Every Tuesday", "Tuesday", "Europe/Berlin", "", link, true, ics),
			MeetingMoved("ben@example.com", "Ben", "P", "Tuesday", "Wednesday", "Europe/Berlin", link, ics),
			MeetingCancelled("ben@example.com", "Ben", "P", "Tuesday", "Europe/Berlin", link, ics),
			LeftCircle("ben@example.com", "Ben", "P", ics),
			ScheduleCleared("ben@example.com", "Ben", "P", link, ics),
			CircleClosed("ben@example.com", "Ben", "P", ics),
			ProgramClosed("ben@example.com", "Ben", "P", true, link, ics),
		}
	}
	wantMethods := []string{"REQUEST", "REQUEST", "REQUEST", "CANCEL", "CANCEL", "CANCEL", "CANCEL", "CANCEL"}
	for i, m := range withICS(testICS) {
		if string(m.Calendar) != string(testICS) {
			t.Errorf("%s: Calendar = %q, want the ics given", m.Subject, m.Calendar)
		}
		if m.CalendarMethod != wantMethods[i] {
			t.Errorf("%s: CalendarMethod = %q, want %q", m.Subject, m.CalendarMethod, wantMethods[i])
		}
		if !strings.Contains(m.Text, "attached") {
			t.Errorf("%s: text body does not mention the attached calendar", m.Subject)
		}
		if err := m.Validate(); err != nil {
			t.Errorf("%s: Validate: %v", m.Subject, err)
		}
	}
	for _, m := range withICS(nil) {
		if m.Calendar != nil || m.CalendarMethod != "" {
			t.Errorf("%s: Calendar = %q, CalendarMethod = %q, want neither without an ics", m.Subject, m.Calendar, m.CalendarMethod)
		}
		if strings.Contains(m.Text, "attached") || strings.Contains(m.HTML, "attached") {
			t.Errorf("%s: mentions an attachment it does not have", m.Subject)
		}
	}
}

// The emails about a declined match take no decliner and no reason, so
// they cannot name either; these assignments fail to compile if that
// changes.
var (
	_ func(to, name, programName string) Message                                = CircleDissolved
	_ func(to, name, programName string, members []string, link string) Message = CircleGoingAhead
	_ func(to, adminName, programName, link string) Message                     = MatchDeclined
	_ func(to, name, partnerName, programName string) Message                   = PairDeclined
)

// A leaver's note is for the admins alone; the email to the rest of the
// circle takes no note, so it cannot leak one.
var _ func(to, name, memberName, programName, link string) Message = CircleMemberLeft

func TestContentKeepsLeavingNotePrivate(t *testing.T) {
	const note = "Things at home are hard right now"
	admin := MemberLeft("ana@example.com", "Ana", "Chloé", "Leads & Learners", note, 3, 3, "https://holdspace.example/programs/p1")
	if !strings.Contains(admin.Text, "  "+note+"\n") || !strings.Contains(admin.HTML, note) {
		t.Errorf("the admin email does not carry the note")
	}
	if strings.Contains(admin.Subject, note) {
		t.Errorf("the admin email's subject carries the note: %q", admin.Subject)
	}
	for _, m := range []Message{
		CircleMemberLeft("ben@example.com", "Ben", "Chloé", "Leads & Learners", "https://holdspace.example/circles/c1"),
		LeftCircle("chloe@example.com", "Chloé", "Leads & Learners", testICS),
	} {
		for _, part := range []struct{ name, body string }{
			{"subject", m.Subject}, {"text body", m.Text}, {"HTML body", m.HTML},
		} {
			for _, w := range []string{"note", "things at home", "reason:", "because"} {
				if strings.Contains(strings.ToLower(part.body), w) {
					t.Errorf("%s: %s contains %q", m.Subject, part.name, w)
				}
			}
		}
	}
}

func TestContentKeepsDeclinesPrivate(t *testing.T) {
	tests := []struct {
		name     string
		msg      Message
		wantText string   // the wording that stands in for who and why
		never    []string // words that would hint at who declined or why
	}{
		{
			name:     "circle_dissolved",
			msg:      CircleDissolved("ben@example.com", "Ben", "Leads & Learners"),
			wantText: "Someone couldn't take part this time, so the match we suggested in",
			never:    []string{"declined", "reason", "because", "who ", "why"},
		},
		{
			name:     "circle_going_ahead",
			msg:      CircleGoingAhead("ben@example.com", "Ben", "Leads & Learners", []string{"Ana", "Chloé"}, "https://holdspace.example/circles/c1"),
			wantText: "One of the people we suggested won't be\njoining this time",
			never:    []string{"declined", "reason", "because", "who ", "why"},
		},
		{
			name:     "match_declined",
			msg:      MatchDeclined("ana@example.com", "Ana", "Leads & Learners", "https://holdspace.example/programs/p1"),
			wantText: "A match proposed in Leads & Learners was declined, so some people are\nwaiting for a new match.",
			never:    []string{"declined by", "reason", "because", "who ", "why"},
		},
		{
			name:     "pair_declined",
			msg:      PairDeclined("ben@example.com", "Ben", "Ana", "Leads & Learners"),
			wantText: "Ana can't pair with you in Leads & Learners this time.",
			never:    []string{"declined", "reason", "because", "why"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(tt.msg.Text, tt.wantText) {
				t.Errorf("text body does not contain %q", tt.wantText)
			}
			for _, part := range []struct{ name, body string }{
				{"subject", tt.msg.Subject}, {"text body", tt.msg.Text}, {"HTML body", tt.msg.HTML},
			} {
				for _, w := range tt.never {
					if strings.Contains(strings.ToLower(part.body), w) {
						t.Errorf("%s contains %q", part.name, w)
					}
				}
			}
		})
	}
}

var testProgramFacts = ProgramFacts{Name: "Leads & Learners", Purpose: "Grow as a leader with peers from other teams.",
	Format: "circles of 4 to 6 colleagues", Rhythm: "every two weeks, 60 minutes each time", Length: "about 6 months",
	ClosesOn: "Friday 13 March", Link: "https://holdspace.example/programs/p1"}
