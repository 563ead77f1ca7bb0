package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
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
	"circle_proposed", "circle_formed", "circle_dissolved", "match_declined",
	"pair_invitation", "pair_formed", "pair_declined")

func mustParseTemplates(names ...string) map[string]emailTemplate {
	m := make(map[string]emailTemplate, len(names))
	for _, name := range names {
		m[name] = emailTemplate{
			text: texttemplate.Must(texttemplate.New(name).Option("missingkey=error").
				ParseFS(templateFS, "templates/layout.txt", "templates/"+name+".txt")),
			html: htmltemplate.Must(htmltemplate.New(name).Option("missingkey=error").
				ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")),
		}
	}
	return m
}

// emailData is what the templates see. Every field is plain text; the
// HTML templates escape it.
type emailData struct {
	Subject     string
	Name        string // the recipient's name, may be empty
	OrgName     string
	InviterName string
	Link        string
	SignInLink  string
	ResetLink   string
	ProgramName string
	PartnerName string   // the other person in a pair
	Members     []string // the other members of a circle, one name each
	Slots       []string // common times, one formatted line each
}

// render builds a Message from the named templates.
func render(name, to string, data emailData) Message {
	t, ok := templates[name]
	if !ok {
		panic("mail: no template " + name)
	}
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
// is valid for 1 hour and works once.
func PasswordReset(to, name, link string) Message {
	return render("password_reset", to, emailData{
		Subject: "Reset your Holdspace password",
		Name:    oneLine(name),
		Link:    link,
	})
}

// Invitation is the email that invites someone to orgName's peer coaching.
// It says that joining a circle is always voluntary. The link is valid for
// 14 days. inviterName may be empty.
func Invitation(to, name, inviterName, orgName, link string) Message {
	orgName = oneLine(orgName)
	return render("invitation", to, emailData{
		Subject:     "You're invited to join " + orgName + "'s peer coaching on Holdspace",
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
