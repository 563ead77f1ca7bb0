package room

import "time"

// Step is one timed step of a meeting's agenda.
type Step struct {
	Kind  StepKind `json:"kind"`
	Title string   `json:"title"`
	// Speaker is the member whose turn it is, or "" when the group speaks
	// (questions and counsel in a circle, the opening, choosing, closing).
	// In a pair the coach asks the questions and coaches.
	Speaker string `json:"speaker"`
	// Presenter is whose situation the step is about, in the steps of a
	// presentation.
	Presenter string `json:"presenter"`
	// Help is what the presenter asked for ("" while they have not said).
	Help     Help          `json:"help"`
	Duration time.Duration `json:"duration"`
	// Prompt is a short, kind reminder for the helpers of how to help in
	// this step.
	Prompt string `json:"prompt"`
}

// The prompts, kept together so that they speak in one voice.
const (
	openingPrompt = "Our working agreement: what we agreed, and what each of us wants from today."
	checkInPrompt = "How are you arriving? Progress on last time's commitments, wins, and any items to table. Everyone else listens."
	choosePrompt  = "Who brings an item today? Whoever presented least recently goes first."
	// The presenter says first whether they want advice at all, and which
	// help fits: help only works when someone is ready for it.
	presentPrompt = "Listen without interrupting. Presenter: say first whether you want advice, and which help fits — ideas and knowledge, help diagnosing, help working out what help you need, or none."
	// Questions always come before counsel: understand before helping.
	councilQuestionsPrompt = "Yes/no or short clarifying questions only. No advice yet."
	forumQuestionsPrompt   = "Clarifying questions only — to understand, not to steer. No advice yet."
	pairQuestionsPrompt    = "Ask questions that help your partner see the situation more clearly. No advice yet."
	reflectionPrompt       = "The presenter says what they heard and what they will take away. Helpers listen; no more counsel."
	closingPrompt          = "Commitments. Then our working agreement again — did we get what we wanted? A quick answer from each of us. And appreciation."
	farewellPrompt         = "The season ends here. Each of us, in turn: one appreciation for another member, and what I take with me."
)

// counselTitle names the counsel step: a presenter who wants no advice
// hears shared experience instead.
func counselTitle(p Protocol, h Help) string {
	switch {
	case h == HelpNone:
		return "Shared experience"
	case p == Pair:
		return "Coaching"
	}
	return "Counsel"
}

// counselPrompt follows the helping principles: effective help starts
// with a question, the presenter owns the problem, and the helpers take
// the role the presenter asked for.
func counselPrompt(h Help) string {
	switch h {
	case HelpExpert:
		return "Ideas and knowledge were asked for. Start with a question, then offer what you know as options to take or leave. The problem — and what to do about it — belongs to the presenter."
	case HelpDoctor:
		return "Help diagnosing was asked for. Start with a question, and help find what is really going on before anyone suggests a fix. The problem belongs to the presenter."
	case HelpProcess:
		return "Help working out what help is needed was asked for. Start with a question, and explore together what would help most. The problem belongs to the presenter."
	case HelpNone:
		return "No advice was asked for. Share experience, not advice: what happened when you faced something like this. The problem belongs to the presenter."
	}
	return "Start with a question. The problem — and what to do about it — belongs to the presenter."
}

// Agenda lays out a meeting: the opening; a check-in turn for each member
// in checkIn's order; choosing presenters (not in a pair, where both
// present); the steps of each presentation; the closing. help holds what
// each presenter asked for.
//
// A council gives each presenter, in order, present → questions →
// counsel. A forum goes in depth with one presenter — the first; any
// others are ignored — and ends with their reflection. A pair gives each
// partner one turn as coachee while the other coaches: presenters are
// both partners, in order. Any protocol other than forum and pair is laid
// out as a council; Settings.Validate rejects them.
func Agenda(s Settings, checkIn, presenters []string, help map[string]Help) []Step {
	steps := []Step{{Kind: Opening, Title: "Opening", Duration: s.Opening, Prompt: openingPrompt}}
	for _, m := range checkIn {
		steps = append(steps, Step{Kind: CheckIn, Title: "Check-in", Speaker: m, Duration: s.CheckIn, Prompt: checkInPrompt})
	}
	if s.Protocol != Pair {
		title := "Choosing presenters"
		if s.Protocol == Forum {
			title = "Choosing the presenter"
		}
		steps = append(steps, Step{Kind: Choose, Title: title, Duration: s.Choose, Prompt: choosePrompt})
	}
	if s.Protocol == Forum && len(presenters) > 1 {
		presenters = presenters[:1]
	}
	for _, p := range presenters {
		h := help[p]
		turn := func(kind StepKind, title, speaker string, d time.Duration, prompt string) Step {
			return Step{Kind: kind, Title: title, Speaker: speaker, Presenter: p, Help: h, Duration: d, Prompt: prompt}
		}
		switch s.Protocol {
		case Forum:
			steps = append(steps,
				turn(Present, "Presenting", p, s.Present, presentPrompt),
				turn(Questions, "Clarifying questions", "", s.Questions, forumQuestionsPrompt),
				turn(Counsel, counselTitle(Forum, h), "", s.Counsel, counselPrompt(h)),
				turn(Reflection, "Reflection", p, s.Reflection, reflectionPrompt))
		case Pair:
			coach := partner(checkIn, p)
			steps = append(steps,
				turn(Present, "Presenting", p, s.Present, presentPrompt),
				turn(Questions, "Questions", coach, s.Questions, pairQuestionsPrompt),
				turn(Counsel, counselTitle(Pair, h), coach, s.Counsel, counselPrompt(h)))
		default:
			steps = append(steps,
				turn(Present, "Presenting", p, s.Present, presentPrompt),
				turn(Questions, "Questions", "", s.Questions, councilQuestionsPrompt),
				turn(Counsel, counselTitle(Council, h), "", s.Counsel, counselPrompt(h)))
		}
	}
	return append(steps, Step{Kind: Closing, Title: "Closing", Duration: s.Closing, Prompt: closingPrompt})
}

// partner is the pair member who is not p: the coach of p's turn.
func partner(pair []string, p string) string {
	for _, m := range pair {
		if m != p {
			return m
		}
	}
	return ""
}

// setupLen is the number of steps before the first presentation: the
// opening, the check-in round and, outside a pair, choosing. Presenters
// may change only while the meeting is within them, so a change never
// moves a step that has already run.
func setupLen(p Protocol, members int) int {
	if p == Pair {
		return 1 + members
	}
	return 2 + members
}
