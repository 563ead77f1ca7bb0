package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/holdspace/holdspace/internal/account"
)

// templateFS holds every email as a pair of templates, NAME.txt and
// NAME.html, each defining "content" for the shared layout.txt or
// layout.html.
//
//go:embed templates
var templateFS embed.FS

// emailTemplate is the parsed text and HTML of one email.
type emailTemplate struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// templates are parsed when the program starts, so that a broken template
// stops it at once rather than failing a send later.
var templates = mustParseTemplates("signup_confirm", "already_registered", "password_reset", "invitation",
	"circle_proposed", "circle_formed", "circle_dissolved", "match_declined", "circle_going_ahead", "not_placed",
	"pair_invitation", "pair_formed", "pair_declined", "team_invitation", "program_asked",
	"meeting_scheduled", "meeting_moved", "meeting_cancelled", "meeting_reminder", "circle_nudge", "absence_nudge", "absence_ask",
	"agreement_proposed", "agreement_adopted", "member_left", "circle_member_left", "left_circle",
	"schedule_cleared", "schedule_changed", "circle_closed", "meeting_summary", "meeting_missed", "guest_invitation", "meeting_restored", "circle_news",
	"program_opened", "optin_reminder", "program_closed", "password_changed",
	"rsvp_not_coming", "commitment_due", "commitment_follow_up", "weekly_digest")

func mustParseTemplates(names ...string) map[string]emailTemplate {
	funcs := map[string]any{"possessive": account.Possessive}
	m := make(map[string]emailTemplate, len(names))
	for _, name := range names {
		m[name] = emailTemplate{
			text: texttemplate.Must(texttemplate.New(name).Funcs(funcs).Option("missingkey=error").
				ParseFS(templateFS, "templates/layout.txt", "templates/"+name+".txt")),
			html: htmltemplate.Must(htmltemplate.New(name).Funcs(funcs).Option("missingkey=error").
				ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")),
		}
	}
	return m
}

// emailData is what the templates see. Every string is plain text; the
// HTML templates escape it.
type emailData struct {
	Subject     string
	Name        string // the recipient's name, may be empty
	Greeting    string // what the greeting calls them: their first name, set by render
	OrgName     string
	InviterName string
	Link        string
	SignInLink  string
	ResetLink   string
	ProgramName string
	PartnerName string   // the other person in a pair
	Members     []string // the other members of a circle, one name each
	Slots       []string // common times, one formatted line each

	// Times are formatted by the caller in the recipient's time zone, which
	// Zone names so that nobody has to guess whose 16:00 it is.
	When     string // a meeting, or the first meeting of a series
	FromWhen string // where a moved meeting was
	Zone     string // an IANA zone name, e.g. "Europe/Berlin"
	Rule     string // a recurring schedule in words
	InWords  string // how soon a meeting is: "tomorrow", "in 1 hour"
	Since    string // how long a circle has gone without meeting
	VideoURL string // may be empty

	Changed     bool     // the schedule replaces an earlier one
	HasCalendar bool     // an iCalendar object goes with the email
	Role        string   // the recipient's role in a meeting, may be empty
	MemberName  string   // another member: who proposed a change, or who left
	Note        string   // a note in that member's own words, may be empty
	Version     int      // a working agreement's version
	Remaining   int      // members left in a circle
	MinSize     int      // the fewest members a circle in the program may have
	Why         string   // why a round left someone out, in their words
	Changes     []string // what they could change, one sentence each

	// A meeting's summary: who came, who presented, what each committed
	// to — never what was said.
	Present     []string
	Presenters  []string
	Commitments []string // "Name: what they will do", one line each

	// A program as its opening email and reminder describe it.
	Purpose  string // in the admins' words, may be empty
	Format   string // "circles of 4 to 6 colleagues"
	Rhythm   string // "every two weeks, 60 minutes each time"
	Length   string // "about 6 months"
	ClosesOn string // opt-in's last day
	Formed   bool   // the recipient's circle had formed when its program closed
	First    bool   // a nudge to a circle that has never met

	// A password change: whether the session it was made in stays signed
	// in (a reset from an emailed link keeps none).
	KeptSession bool

	// A meeting's answers, each a link to a page that asks to confirm it.
	ComingLink, NotComingLink string
	// FitLink asks privately whether the circle is a good fit.
	FitLink string

	// A commitment: what the person meant to do, and by when.
	Commitment string
	Due        string

	// The weekly digest: the next meeting is When, in Zone.
	Open            []string // open commitments, one line each
	Cards           []Linked // learning cards new to them, each with where to read it
	UnsubscribeLink string
}

// render builds a Message from the named templates.
func render(name, to string, data emailData) Message {
	t, ok := templates[name]
	if !ok {
		panic("mail: no template " + name)
	}
	data.Greeting = account.FirstName(data.Name)
	var text, html bytes.Buffer
	// Executing a parsed template on a struct of strings fails only if the
	// template is wrong, which the golden tests catch.
	if err := t.text.ExecuteTemplate(&text, "layout", data); err != nil {
		panic(fmt.Sprintf("mail: render %s.txt: %v", name, err))
	}
	if err := t.html.ExecuteTemplate(&html, "layout", data); err != nil {
		panic(fmt.Sprintf("mail: render %s.html: %v", name, err))
	}
	return Message{
		To:      to,
		ToName:  data.Name,
		Subject: data.Subject,
		Text:    text.String(),
		HTML:    html.String(),
	}
}

// withCalendar attaches ics to m with the iTIP method, so that mail clients
// offer to update the recipient's calendar. An empty ics attaches nothing,
// leaving a plain email.
func withCalendar(m Message, ics []byte, method string) Message {
	if len(ics) > 0 {
		m.Calendar = ics
		m.CalendarMethod = method
	}
	return m
}

// oneLine collapses runs of white space, line breaks included, into single
// spaces, so that names typed by people are safe in headers and subjects.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// oneLines applies oneLine to each of ss, leaving ss itself unchanged.
func oneLines(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = oneLine(s)
	}
	return out
}

// SignupConfirm is the email that confirms the address of someone creating
// the organisation orgName. The link is valid for 24 hours.
func SignupConfirm(to, name, orgName, link string) Message {
	orgName = oneLine(orgName)
	return render("signup_confirm", to, emailData{
		Subject: "Confirm your email to create " + orgName + " on Holdspace",
		Name:    oneLine(name),
		OrgName: orgName,
		Link:    link,
	})
}

// AlreadyRegistered is the email sent instead of SignupConfirm when someone
// signs up with an address that already has an account, so that sign-up
// does not reveal which addresses are registered.
func AlreadyRegistered(to, name, signInLink, resetLink string) Message {
	return render("already_registered", to, emailData{
		Subject:    "You already have a Holdspace account",
		Name:       oneLine(name),
		SignInLink: signInLink,
		ResetLink:  resetLink,
	})
}

// PasswordReset is the email with a link to choose a new password. The link
// is valid for 1 hour and works once; it says that using it signs the
// person out everywhere and revokes their access tokens.
func PasswordReset(to, name, link string) Message {
	return render("password_reset", to, emailData{
		Subject: "Reset your Holdspace password",
		Name:    oneLine(name),
		Link:    link,
	})
}

// PasswordChanged tells a person their password was changed (by them with
// the current one, keptSession, or through a reset link), that every other
// session was signed out and every personal access token revoked, and
// where to go if it was not them.
func PasswordChanged(to, name, resetLink string, keptSession bool) Message {
	return render("password_changed", to, emailData{
		Subject:     "Your Holdspace password was changed",
		Name:        oneLine(name),
		Link:        resetLink,
		KeptSession: keptSession,
	})
}

// Invitation is the email that invites someone to orgName's peer coaching.
// It says that joining a circle is always voluntary. The link is valid for
// 14 days. inviterName may be empty.
func Invitation(to, name, inviterName, orgName, link string) Message {
	orgName = oneLine(orgName)
	return render("invitation", to, emailData{
		Subject:     "You're invited to join " + account.Possessive(orgName) + " peer coaching on Holdspace",
		Name:        oneLine(name),
		InviterName: oneLine(inviterName),
		OrgName:     orgName,
		Link:        link,
	})
}

// CircleProposed is the email that asks a member of a proposed circle to
// accept or decline it. members are the names of the other members, not the
// recipient's; slots are the times they have in common, already formatted
// in the recipient's time zone ("Tuesday 14:00–15:00 (Europe/Berlin)"). The
// same email serves pairs, so it speaks of a match, not a circle. It says
// that declining is always fine and that nobody else learns the reason.
func CircleProposed(to, name, programName string, members []string, slots []string, link string) Message {
	programName = oneLine(programName)
	return render("circle_proposed", to, emailData{
		Subject:     "You've been matched in " + programName,
		Name:        oneLine(name),
		ProgramName: programName,
		Members:     oneLines(members),
		Slots:       oneLines(slots),
		Link:        link,
	})
}

// CircleFormed is the email to every member of a circle once everyone has
// accepted. members are the names of the other members; link leads to the
// circle's home.
func CircleFormed(to, name, programName string, members []string, link string) Message {
	programName = oneLine(programName)
	return render("circle_formed", to, emailData{
		Subject:     "Your match in " + programName + " is ready",
		Name:        oneLine(name),
		ProgramName: programName,
		Members:     oneLines(members),
		Link:        link,
	})
}

// CircleDissolved is the email to the members of a proposed circle who did
// not decline it, saying that it won't go ahead and that they stay in the
// program. It never says who declined or why, so it takes neither.
func CircleDissolved(to, name, programName string) Message {
	programName = oneLine(programName)
	return render("circle_dissolved", to, emailData{
		Subject:     "Your match in " + programName + " won't go ahead",
		Name:        oneLine(name),
		ProgramName: programName,
	})
}

// CircleGoingAhead is the email to every member of a circle that formed
// without someone who was proposed and declined: it goes ahead with the
// members who accepted, and nobody has to answer again. members are the
// names of the other members; link leads to the circle's home. It never
// says who declined or why, so it takes neither.
func CircleGoingAhead(to, name, programName string, members []string, link string) Message {
	programName = oneLine(programName)
	return render("circle_going_ahead", to, emailData{
		Subject:     "Your circle in " + programName + " is going ahead",
		Name:        oneLine(name),
		ProgramName: programName,
		Members:     oneLines(members),
		Remaining:   len(members) + 1,
		Link:        link,
	})
}

// NotPlaced is the email to someone a published round of programName left
// out of its circles: why, in their words, what they could change, and
// that they come first in the next round (first says whether they do).
// link leads to their matches page.
func NotPlaced(to, name, programName, why string, changes []string, first bool, link string) Message {
	programName = oneLine(programName)
	return render("not_placed", to, emailData{
		Subject:     "No circle for you in " + programName + " this round",
		Name:        oneLine(name),
		ProgramName: programName,
		Why:         oneLine(why),
		Changes:     oneLines(changes),
		Changed:     first,
		Link:        link,
	})
}

// MatchDeclined is the email to a program's admin that a proposed circle
// was declined, so that people wait for a new match; link leads to where
// the admin re-matches them. It never says who declined or why, so it
// takes neither.
func MatchDeclined(to, adminName, programName string, link string) Message {
	programName = oneLine(programName)
	return render("match_declined", to, emailData{
		Subject:     "A match in " + programName + " was declined",
		Name:        oneLine(adminName),
		ProgramName: programName,
		Link:        link,
	})
}

// PairInvitation is the email that tells someone fromName would like to
// coach in a pair with them in programName; link leads to where they accept
// or decline.
func PairInvitation(to, name, fromName, programName, link string) Message {
	fromName, programName = oneLine(fromName), oneLine(programName)
	return render("pair_invitation", to, emailData{
		Subject:     fromName + " would like to coach with you in " + programName,
		Name:        oneLine(name),
		PartnerName: fromName,
		ProgramName: programName,
		Link:        link,
	})
}

// PairFormed is the email to each of two people who are now a pair in
// programName; link leads to the pair's home.
func PairFormed(to, name, partnerName, programName, link string) Message {
	partnerName, programName = oneLine(partnerName), oneLine(programName)
	return render("pair_formed", to, emailData{
		Subject:     "You and " + partnerName + " are now a pair in " + programName,
		Name:        oneLine(name),
		PartnerName: partnerName,
		ProgramName: programName,
		Link:        link,
	})
}

// PairDeclined is the email to someone whose pair invitation partnerName
// declined. It gives no reason and says they can still be matched.
func PairDeclined(to, name, partnerName, programName string) Message {
	partnerName, programName = oneLine(partnerName), oneLine(programName)
	return render("pair_declined", to, emailData{
		Subject:     "Your pair invitation in " + programName,
		Name:        oneLine(name),
		PartnerName: partnerName,
		ProgramName: programName,
	})
}

// MeetingScheduled is the email to each member of a circle whose recurring
// schedule was set, or changed when changed is true, with an invitation to
// the series in ics. rule is the schedule in words ("Every other Tuesday at
// 16:00 (Europe/Berlin)"), firstWhen the first meeting under it; both, like
// every time in these emails, are in the recipient's time zone, zone.
// videoURL may be empty while the circle has no call link; link leads to
// the circle's home.
func MeetingScheduled(to, name, programName, rule, firstWhen, zone, videoURL, link string, changed bool, ics []byte) Message {
	programName = oneLine(programName)
	subject := "Your circle in " + programName + " has a meeting time"
	if changed {
		subject = "Your circle's meeting time in " + programName + " has changed"
	}
	m := render("meeting_scheduled", to, emailData{
		Subject:     subject,
		Name:        oneLine(name),
		ProgramName: programName,
		Rule:        oneLine(rule),
		When:        oneLine(firstWhen),
		Zone:        oneLine(zone),
		VideoURL:    videoURL,
		Link:        link,
		Changed:     changed,
		HasCalendar: len(ics) > 0,
	})
	return withCalendar(m, ics, "REQUEST")
}

// MeetingMoved is the email to each member of a circle when one of its
// meetings moves from fromWhen to toWhen, with the updated meeting in ics.
// It says the other meetings are unaffected, so nobody re-checks them all.
func MeetingMoved(to, name, programName, fromWhen, toWhen, zone, link string, ics []byte) Message {
	programName = oneLine(programName)
	m := render("meeting_moved", to, emailData{
		Subject:     "A meeting of your circle in " + programName + " has moved",
		Name:        oneLine(name),
		ProgramName: programName,
		FromWhen:    oneLine(fromWhen),
		When:        oneLine(toWhen),
		Zone:        oneLine(zone),
		Link:        link,
		HasCalendar: len(ics) > 0,
	})
	return withCalendar(m, ics, "REQUEST")
}

// MeetingCancelled is the email to each member of a circle when one of its
// meetings is cancelled, with the cancellation in ics.
func MeetingCancelled(to, name, programName, when, zone, link string, ics []byte) Message {
	programName = oneLine(programName)
	m := render("meeting_cancelled", to, emailData{
		Subject:     "A meeting of your circle in " + programName + " is cancelled",
		Name:        oneLine(name),
		ProgramName: programName,
		When:        oneLine(when),
		Zone:        oneLine(zone),
		Link:        link,
		HasCalendar: len(ics) > 0,
	})
	return withCalendar(m, ics, "CANCEL")
}

// MeetingReminder is the email that reminds a member of a meeting coming up
// inWords ("tomorrow", "in 1 hour"), at the time they asked to be reminded.
// role is the part they play in it, "facilitator" or "timekeeper", or empty,
// so that nobody learns of their turn only when the call begins. videoURL
// may be empty.
//
// rsvpLink is the address of the page where they answer whether they
// come; the email links to it with each answer, and the page asks to
// confirm, so that a mail scanner following links changes nothing.
func MeetingReminder(to, name, programName, when, zone, inWords, role, videoURL, link, rsvpLink string) Message {
	programName, inWords = oneLine(programName), oneLine(inWords)
	return render("meeting_reminder", to, emailData{
		ComingLink:    rsvpLink + "?answer=coming",
		NotComingLink: rsvpLink + "?answer=not_coming",
		Subject:       "Your circle in " + programName + " meets " + inWords,
		Name:          oneLine(name),
		ProgramName:   programName,
		When:          oneLine(when),
		Zone:          oneLine(zone),
		InWords:       inWords,
		Role:          oneLine(role),
		VideoURL:      videoURL,
		Link:          link,
	})
}

// CircleNudge is the email to each member of a circle that has not met for
// two of its cadence periods, since ("four weeks") in words. Circles drift
// apart quietly when nobody picks the next date, so it invites them back
// without blame, and leaves room for a break taken on purpose. A circle
// that has never met (first) is not asked to meet "again": it is invited
// to its first meeting, since it formed.
func CircleNudge(to, name, programName, since, link string, first bool) Message {
	programName = oneLine(programName)
	subject := "Time to meet again in " + programName + "?"
	if first {
		subject = "Ready for your circle's first meeting in " + programName + "?"
	}
	return render("circle_nudge", to, emailData{
		Subject:     subject,
		Name:        oneLine(name),
		ProgramName: programName,
		Since:       oneLine(since),
		Link:        link,
		First:       first,
	})
}

// AgreementProposed is the email to the other members of a circle when
// proposerName proposes a change to its working agreement, asking for their
// consent. note is the proposer's explanation and may be empty.
func AgreementProposed(to, name, proposerName, programName, note, link string) Message {
	proposerName, programName = oneLine(proposerName), oneLine(programName)
	return render("agreement_proposed", to, emailData{
		Subject:     proposerName + " proposed a change to your working agreement in " + programName,
		Name:        oneLine(name),
		MemberName:  proposerName,
		ProgramName: programName,
		Note:        oneLine(note),
		Link:        link,
	})
}

// AgreementAdopted is the email to each member of a circle once everyone
// has consented to a proposed working agreement, so that they know which
// version is now in force.
func AgreementAdopted(to, name, programName string, version int, link string) Message {
	programName = oneLine(programName)
	return render("agreement_adopted", to, emailData{
		Subject:     "Your working agreement in " + programName + " has been updated",
		Name:        oneLine(name),
		ProgramName: programName,
		Version:     version,
		Link:        link,
	})
}

// MemberLeft is the email to an organisation's admin when memberName leaves
// a circle in programName. note is what the member chose to tell the
// admins, and may be empty; it goes in no other email. remaining is how
// many members the circle still has and minSize the program's minimum:
// below it, the email says the admin can return the members to the pool
// for a re-match from the program's page, where link leads.
func MemberLeft(to, adminName, memberName, programName, note string, remaining, minSize int, link string) Message {
	programName = oneLine(programName)
	return render("member_left", to, emailData{
		Subject:     "A member left a circle in " + programName,
		Name:        oneLine(adminName),
		MemberName:  oneLine(memberName),
		ProgramName: programName,
		Note:        oneLine(note),
		Remaining:   remaining,
		MinSize:     minSize,
		Link:        link,
	})
}

// CircleMemberLeft is the email to the remaining members of a circle that
// memberName left. The leaver's note is for the admins only, so this email
// takes none; it reassures the others that their circle goes on.
func CircleMemberLeft(to, name, memberName, programName, link string) Message {
	memberName, programName = oneLine(memberName), oneLine(programName)
	return render("circle_member_left", to, emailData{
		Subject:     memberName + " has left your circle in " + programName,
		Name:        oneLine(name),
		MemberName:  memberName,
		ProgramName: programName,
		Link:        link,
	})
}

// LeftCircle is the email that confirms to someone that they have left
// their circle in programName, with ics cancelling its meetings in their
// calendar. It has no link, as there is nothing more to do.
func LeftCircle(to, name, programName string, ics []byte) Message {
	programName = oneLine(programName)
	m := render("left_circle", to, emailData{
		Subject:     "You've left your circle in " + programName,
		Name:        oneLine(name),
		ProgramName: programName,
		HasCalendar: len(ics) > 0,
	})
	return withCalendar(m, ics, "CANCEL")
}

// ScheduleCleared is the email to every member when their circle stops
// meeting on a regular schedule, with ics cancelling the meetings ahead in
// their calendar; link leads to the circle, where a new time can be set.
func ScheduleCleared(to, name, programName, link string, ics []byte) Message {
	programName = oneLine(programName)
	m := render("schedule_cleared", to, emailData{
		Subject:     "Your circle in " + programName + " has no regular time for now",
		Name:        oneLine(name),
		ProgramName: programName,
		Link:        link,
		HasCalendar: len(ics) > 0,
	})
	return withCalendar(m, ics, "CANCEL")
}

// ScheduleChanged is the email to each other member when by changes a
// circle's schedule (or clears it, or, with putBack, puts an earlier
// change back as it was): what
// changed, one line each in the recipient's time zone, zone, and until
// when (undoUntil, in that zone; empty when it cannot be) anyone can put
// it back from link, the circle's page. ics updates or, with method
// "CANCEL", cancels the meetings in their calendar.
func ScheduleChanged(to, name, programName, by string, putBack bool, changes []string, zone, undoUntil, link string, ics []byte, method string) Message {
	programName = oneLine(programName)
	subject := oneLine(by) + " changed your circle's schedule in " + programName
	if putBack {
		subject = oneLine(by) + " put your circle's schedule back in " + programName
	}
	lines := make([]string, len(changes))
	for i, c := range changes {
		lines[i] = oneLine(c)
	}
	m := render("schedule_changed", to, emailData{
		Subject:     subject,
		Changed:     putBack,
		Name:        oneLine(name),
		ProgramName: programName,
		MemberName:  oneLine(by),
		Changes:     lines,
		Zone:        oneLine(zone),
		When:        oneLine(undoUntil),
		Link:        link,
		HasCalendar: len(ics) > 0,
	})
	return withCalendar(m, ics, method)
}

// CircleClosed is the email to the members who remain when an admin
// closes a circle that fell below its program's minimum: they stay in the
// program and are offered a new match, which they accept or decline like
// any other. ics cancels the circle's meetings ahead.
func CircleClosed(to, name, programName string, ics []byte) Message {
	programName = oneLine(programName)
	m := render("circle_closed", to, emailData{
		Subject:     "Your circle in " + programName + " is closing",
		Name:        oneLine(name),
		ProgramName: programName,
		HasCalendar: len(ics) > 0,
	})
	return withCalendar(m, ics, "CANCEL")
}

// MeetingSummary is the email to each member who came to a meeting,
// after it ends: who came, who presented and the commitments made, never
// the notes or what was said, and never who stayed away — each absent
// member hears privately (MeetingMissed). when is when the meeting was
// held, in the recipient's zone; link leads to the meeting's room, where
// members write their private reflection.
//
// fitLink, when not empty, asks the member privately whether the circle is
// a good fit for them, while the circle's fit check is open and they have
// not answered it.
func MeetingSummary(to, name, programName, when, zone string, present, presenters, commitments []string, link, fitLink string) Message {
	programName = oneLine(programName)
	return render("meeting_summary", to, emailData{
		Subject:     "Your circle met: " + programName + ", " + oneLine(when),
		Name:        oneLine(name),
		ProgramName: programName,
		When:        oneLine(when),
		Zone:        oneLine(zone),
		Present:     oneLines(present),
		Presenters:  oneLines(presenters),
		Commitments: oneLines(commitments),
		Link:        link,
		FitLink:     fitLink,
	})
}

// MeetingMissed is the email to a member who was not at a meeting, to
// them alone, after it ends: when it was held (in their zone), who
// presented and the commitments made, so they can pick up at the next
// meeting, and that their own commitments carry over. It names nobody
// who came or stayed away.
// fitLink is as for MeetingSummary.
func MeetingMissed(to, name, programName, when, zone string, presenters, commitments []string, link, fitLink string) Message {
	programName = oneLine(programName)
	return render("meeting_missed", to, emailData{
		Subject:     "Your circle met without you: " + programName + ", " + oneLine(when),
		Name:        oneLine(name),
		ProgramName: programName,
		When:        oneLine(when),
		Zone:        oneLine(zone),
		Presenters:  oneLines(presenters),
		Commitments: oneLines(commitments),
		Link:        link,
		FitLink:     fitLink,
	})
}

// GuestInvitation is the email to a colleague whom a member invites to
// observe one meeting of their circle: when it is (in the guest's zone),
// that the circle's ground rules and confidentiality apply to guests too,
// and that they will see that meeting only, while it runs. link is
// personal to the guest.
func GuestInvitation(to, name, inviterName, programName, when, zone, link string) Message {
	inviterName, programName = oneLine(inviterName), oneLine(programName)
	return render("guest_invitation", to, emailData{
		Subject:     inviterName + " invites you to observe a peer-coaching meeting",
		Name:        oneLine(name),
		InviterName: inviterName,
		ProgramName: programName,
		When:        oneLine(when),
		Zone:        oneLine(zone),
		Link:        link,
	})
}

// MeetingRestored is the email to every member when a cancelled meeting
// of their circle is put back on, with ics restoring it in their calendar.
func MeetingRestored(to, name, programName, when, zone, link string, ics []byte) Message {
	programName = oneLine(programName)
	m := render("meeting_restored", to, emailData{
		Subject:     "A meeting of your circle in " + programName + " is on again",
		Name:        oneLine(name),
		ProgramName: programName,
		When:        oneLine(when),
		Zone:        oneLine(zone),
		Link:        link,
		HasCalendar: len(ics) > 0,
	})
	return withCalendar(m, ics, "REQUEST")
}

// CircleNews is the only email a member of a circle gets about what
// happens inside it until they have acknowledged the ground rules in
// force: it says there is news and nothing of what it is (no member, note,
// agreement text, time or call link), and sends them to Holdspace, where
// they read the rules before they see anything. It carries no calendar
// object either, since that would say when and where the circle meets.
func CircleNews(to, name, programName, link string) Message {
	programName = oneLine(programName)
	return render("circle_news", to, emailData{
		Subject:     "Your circle has news — open Holdspace",
		Name:        oneLine(name),
		ProgramName: programName,
		Link:        link,
	})
}

// ProgramFacts is what an email says a program is, each in words the
// caller has put together: Format ("circles of 4 to 6 colleagues"),
// Rhythm ("every two weeks, 60 minutes each time"), Length ("about 6
// months"), ClosesOn (opt-in's last day, in the recipient's zone), and
// Link to the program's page, where they opt in.
type ProgramFacts struct {
	Name, Purpose, Format, Rhythm, Length, ClosesOn, Link string
}

func programData(subject, name string, f ProgramFacts) emailData {
	return emailData{
		Subject:     subject,
		Name:        oneLine(name),
		ProgramName: oneLine(f.Name),
		Purpose:     strings.TrimSpace(f.Purpose),
		Format:      f.Format,
		Rhythm:      f.Rhythm,
		Length:      f.Length,
		ClosesOn:    f.ClosesOn,
		Link:        f.Link,
	}
}

// ProgramOpened is the email to everyone a program is for when its opt-in
// opens: what it is, why people join, and how. Joining is voluntary, and
// it says so.
func ProgramOpened(to, name string, f ProgramFacts) Message {
	return render("program_opened", to, programData("A peer-coaching program is open: "+oneLine(f.Name), name, f))
}

// OptInReminder is the one reminder before a program's opt-in closes, and
// an admin's reminder, to those it is for who have not joined. It says
// when opt-in closes and that not joining is fine.
func OptInReminder(to, name string, f ProgramFacts) Message {
	return render("optin_reminder", to, programData("Opt-in for "+oneLine(f.Name)+" closes on "+f.ClosesOn, name, f))
}

// ProgramClosed is the email to the members of a circle when its program
// closes: a thank-you, that no more meetings are scheduled (ics cancels
// those ahead), that what they wrote stays theirs to read, and what comes
// next. formed is false for a circle that was still waiting for answers,
// which will now not form.
func ProgramClosed(to, name, programName string, formed bool, link string, ics []byte) Message {
	programName = oneLine(programName)
	m := render("program_closed", to, emailData{
		Subject:     programName + " has come to a close: thank you",
		Name:        oneLine(name),
		ProgramName: programName,
		Formed:      formed,
		Link:        link,
		HasCalendar: len(ics) > 0,
	})
	return withCalendar(m, ics, "CANCEL")
}

// TeamInvitation is the email to a colleague someone invited to a
// program's opt-in: who invited them, what peer coaching is, the program's
// facts and the link to opt in. Joining is voluntary, and it says so.
func TeamInvitation(to, name, inviterName string, f ProgramFacts) Message {
	inviterName = oneLine(inviterName)
	d := programData(inviterName+" invites you to peer coaching: "+oneLine(f.Name), name, f)
	d.InviterName = inviterName
	return render("team_invitation", to, d)
}

// ProgramAsked is the email to an organisation's admins when a member
// would like colleagues to be able to join peer coaching while no program
// is open for opt-in; link leads to the programs.
func ProgramAsked(to, name, askerName, link string) Message {
	askerName = oneLine(askerName)
	return render("program_asked", to, emailData{
		Subject:    askerName + " would like to invite colleagues to peer coaching",
		Name:       oneLine(name),
		MemberName: askerName,
		Link:       link,
	})
}

// RSVPNotComing tells a member of a circle that another, memberName, can't
// make it to the meeting at when (in zone): one email per such answer,
// only in the week before the meeting.
func RSVPNotComing(to, name, memberName, programName, when, zone, link string) Message {
	memberName, programName = oneLine(memberName), oneLine(programName)
	return render("rsvp_not_coming", to, emailData{
		Subject:     memberName + " can't make it to your circle's next meeting in " + programName,
		Name:        oneLine(name),
		MemberName:  memberName,
		ProgramName: programName,
		When:        oneLine(when),
		Zone:        oneLine(zone),
		Link:        link,
	})
}

// CommitmentDue reminds a person, a day ahead, of what they meant to try
// by due.
func CommitmentDue(to, name, programName, commitment, due, link string) Message {
	programName = oneLine(programName)
	return render("commitment_due", to, emailData{
		Subject:     "A friendly reminder of your commitment, due " + oneLine(due),
		Name:        oneLine(name),
		ProgramName: programName,
		Commitment:  oneLine(commitment),
		Due:         oneLine(due),
		Link:        link,
	})
}

// CommitmentFollowUp asks a person, kindly, how a commitment still open a
// day after it was due went, and offers to mark it done, move it or let
// it go on the page at link.
func CommitmentFollowUp(to, name, programName, commitment, due, link string) Message {
	programName, commitment = oneLine(programName), oneLine(commitment)
	return render("commitment_follow_up", to, emailData{
		Subject:     "How did it go with " + shorten(commitment, 60) + "?",
		Name:        oneLine(name),
		ProgramName: programName,
		Commitment:  commitment,
		Due:         oneLine(due),
		Link:        link,
	})
}

// Linked is a line of an email and the page it leads to.
type Linked struct {
	Text, Link string
}

// WeeklyDigest is a person's Monday email: their next meeting (when, in
// zone; empty when none is planned), their open commitments, the learning
// cards newly released to them, each linked to where they read it, and a
// link to turn the digest off.
func WeeklyDigest(to, name, when, zone string, open []string, cards []Linked, link, unsubscribe string) Message {
	for i := range cards {
		cards[i].Text = oneLine(cards[i].Text)
	}
	return render("weekly_digest", to, emailData{
		Subject:         "Your week in peer coaching",
		Name:            oneLine(name),
		When:            oneLine(when),
		Zone:            oneLine(zone),
		Open:            oneLines(open),
		Cards:           cards,
		Link:            link,
		UnsubscribeLink: unsubscribe,
	})
}

// shorten cuts s to at most n runes, with an ellipsis when it cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// AbsenceNudge is the gentle note to a member who has missed NudgeAfter
// held meetings of their circle in a row without saying they could not
// come. It names no meeting and nobody else; link is the circle's page.
func AbsenceNudge(to, name, programName, link string) Message {
	programName = oneLine(programName)
	return render("absence_nudge", to, emailData{
		Subject:     "We missed you in " + programName,
		Name:        oneLine(name),
		ProgramName: programName,
		Link:        link,
	})
}

// AbsenceAsk is the private question to a member who has missed three
// held meetings of their circle in a row without saying they could not
// come: pause for a while, or leave? link is a page only they can open.
func AbsenceAsk(to, name, programName, link string) Message {
	programName = oneLine(programName)
	return render("absence_ask", to, emailData{
		Subject:     "Pause for a while, or leave your circle in " + programName + "?",
		Name:        oneLine(name),
		ProgramName: programName,
		Link:        link,
	})
}
