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
var templates = mustParseTemplates("signup_confirm", "already_registered", "password_reset", "invitation")

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
