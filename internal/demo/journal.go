package demo

// JournalEntry is an entry in a demo person's private journal. The demo
// cannot seal it (only the journal service holds the keys), so the
// command that loads the demo writes these through that service.
type JournalEntry struct {
	// Person is the part of the person's address before the @.
	Person  string
	Prompt  string
	Body    string
	DaysAgo int
}

// Journal is what Maya, the demo's admin, has written in her journal, so
// that signing in as her shows a journal in use.
var Journal = []JournalEntry{
	{Person: "maya", Prompt: "emotion", DaysAgo: 19, Body: `What happened, and what did I feel when it happened?
Jonas questioned the rollout plan in front of the whole leadership group. I felt my face go hot — embarrassed first, then defensive.

What did I do?
I talked over him and listed every reason the plan was sound. He went quiet for the rest of the meeting.

What would I try next time?
Ask him what he saw that I didn't, before defending anything. His point about the Stockholm team's workload was fair.`},
	{Person: "maya", Prompt: "strength", DaysAgo: 12, Body: `Where did I do well recently?
Priya came to me upset about the reorganisation. I didn't fix anything; I listened for twenty minutes and asked two questions.

What strength did that show?
Patience, and trusting that she could find her own answer.

Where else could I use it?
In my circle, when someone presents a problem I think I know the answer to.`},
	{Person: "maya", Prompt: "trigger", DaysAgo: 6, Body: `What set me off?
A budget request that arrived at 17:55 on a Friday, marked urgent.

What did I notice in my body and in my thoughts?
Tight shoulders, a clenched jaw, and the story "nobody respects my time".

What helped me steady myself, or what could have?
Closing the laptop and walking round the block. On Monday it took ten minutes.`},
	{Person: "maya", Prompt: "free", DaysAgo: 2, Body: `Our circle's check-in today felt different — people said how they were, not just what they were working on. I want to protect that: keep the first ten minutes for check-ins, even when the agenda is full.`},
	{Person: "maya", Prompt: "growth", DaysAgo: 1, Body: `What do I want to get better at?
Letting silence sit after I ask a question.

What got in the way this time?
I rephrased my question twice before anyone had a chance to think.

What small step will I try next?
Count to seven in my head before saying anything else.`},
}
