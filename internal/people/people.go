// Package people reads the spreadsheet of people that an organisation admin
// imports and builds the organisation chart from reporting lines.
//
// An import is previewed before anything is written: Parse reads the whole
// CSV file and returns every row together with everything wrong with it, in
// words an HR person understands, so that the admin can fix the file in one
// go. The package performs no I/O beyond reading the file it is given; the
// store writes what a clean preview describes.
package people

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
)

// Limits on one import file. They keep a preview small enough to show and
// the work of checking it bounded.
const (
	// MaxRows is the largest number of people one file may hold.
	MaxRows = 10000
	// MaxBytes is the largest file accepted, in bytes.
	MaxBytes = 2 << 20
)

// DefaultTimezone is used for rows whose timezone cell is empty.
const DefaultTimezone = "UTC"

// maxSyntaxErrors is how many malformed lines are reported before reading
// stops: past that the file is most likely not a CSV export at all.
const maxSyntaxErrors = 10

// Existing is a person already in the organisation, as the import sees
// them: a row with their address updates them.
type Existing struct {
	ID, Email, ManagerID       string
	Name, Department, Timezone string
	Level                      int
	// Version is the person's version when read; an update applies only
	// if it is still the one.
	Version int
}

// Status is what importing a row would do.
type Status string

const (
	// StatusNew rows add a person.
	StatusNew Status = "new"
	// StatusChanged rows update a person already in the organisation.
	StatusChanged Status = "changed"
	// StatusUnchanged rows match a person as they are.
	StatusUnchanged Status = "unchanged"
	// StatusProblem rows have problems and block the import.
	StatusProblem Status = "problem"
)

// Change is one field a row changes on an existing person, as the admin
// reads it: the column, the value now and the value in the file.
type Change struct{ Field, Old, New string }

// Problem is one thing wrong with a row. Field is the CSV column name
// ("email", "manager_email", ...) or "" for the whole row.
type Problem struct{ Field, Message string }

// Row is one data line of the file.
type Row struct {
	// Line is the 1-based physical line on which the row starts in the file
	// (the header is line 1), so that people can find it in their editor
	// even when quoted values span several lines.
	Line int
	// Name, Department and Timezone are the trimmed cells; Email and
	// ManagerEmail are normalised with account.NormalizeEmail because
	// addresses are compared in that form. An empty timezone cell becomes
	// DefaultTimezone.
	Name, Email, Department, ManagerEmail, Timezone string
	// Level is the seniority level; an empty cell means 0. LevelText is
	// the cell as typed, shown when it is not a level.
	Level     int
	LevelText string
	// Status is what importing the row would do; Changes, for a changed
	// row, what it changes.
	Status  Status
	Changes []Change
	// ID and Version name the existing person a changed or unchanged row
	// is about, as read; empty for a new row.
	ID      string
	Version int
	// Problems lists what is wrong with the row, in the file's column
	// order, with whole-row problems first; nil when the row is fine.
	Problems []Problem
}

// Preview is the outcome of reading an import file: what would be imported
// and everything that stands in the way.
type Preview struct {
	Rows []Row
	// Errors are problems with the file as a whole, such as a missing
	// column or a broken quote. When the file cannot be read row by row
	// (too big, too many rows, no usable header), Rows is empty.
	Errors []string
}

// OK reports whether the file can be imported as it is: it has at least one
// row, and neither the file nor any row has a problem.
func (p *Preview) OK() bool {
	return len(p.Rows) > 0 && p.ProblemCount() == 0
}

// ProblemCount returns the number of file errors plus the number of row
// problems.
func (p *Preview) ProblemCount() int {
	n := len(p.Errors)
	for _, r := range p.Rows {
		n += len(r.Problems)
	}
	return n
}

func (p *Preview) fail(msg string) { p.Errors = append(p.Errors, msg) }

// Fields keys the preview's problems like "line 3 email" ("line 3" for the
// whole row, "file" for the file), one message per key, for an error that
// names each problem.
func (p *Preview) Fields() map[string]string {
	fields := map[string]string{}
	add := func(key, msg string) {
		if prev, ok := fields[key]; ok {
			msg = prev + " " + msg
		}
		fields[key] = msg
	}
	for _, e := range p.Errors {
		add("file", e)
	}
	if len(p.Rows) == 0 && len(p.Errors) == 0 {
		add("file", "The file has no people.")
	}
	for _, r := range p.Rows {
		for _, pr := range r.Problems {
			key := "line " + strconv.Itoa(r.Line)
			if pr.Field != "" {
				key += " " + pr.Field
			}
			add(key, pr.Message)
		}
	}
	return fields
}

// column is one of the columns an import file may have.
type column int

const (
	colName column = iota
	colEmail
	colDepartment
	colManager
	colLevel
	colTimezone
	numColumns
)

// columnNames are the header names of the columns, in the order the
// documentation lists them.
var columnNames = [numColumns]string{"name", "email", "department", "manager_email", "level", "timezone"}

var allColumns = strings.Join(columnNames[:], ", ")

func lookupColumn(name string) (column, bool) {
	for c, n := range columnNames {
		if n == name {
			return column(c), true
		}
	}
	return 0, false
}

var bom = []byte("\uFEFF")

// Parse reads an import file and checks every row against the file itself
// and against the people already in the organisation. It never fails: what
// is wrong is reported in the returned preview.
//
// The file is CSV in UTF-8 (a byte order mark is allowed), separated by
// commas or semicolons, with a header line naming the columns. Blank lines
// are skipped. Unknown or repeated columns are reported and their cells
// ignored; without a name and an email column no rows are read.
func Parse(r io.Reader, existing []Existing) *Preview {
	p := &Preview{}
	if r == nil {
		p.fail("The file is empty.")
		return p
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		p.fail("The file could not be read. Please try uploading it again.")
		return p
	}
	if len(data) > MaxBytes {
		p.fail(fmt.Sprintf("The file is larger than %d MB. Please split it into smaller files.", MaxBytes>>20))
		return p
	}
	data = bytes.TrimPrefix(data, bom)
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n"))
		p.fail(fmt.Sprintf("Line %d is not UTF-8 text. In your spreadsheet, save the file as \"CSV UTF-8\" and upload it again.", line))
		return p
	}
	// Old Mac spreadsheets end lines with a carriage return alone, which
	// encoding/csv does not treat as a line break.
	if !bytes.ContainsRune(data, '\n') {
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}

	ps := &parser{p: p, existing: make(map[string]Existing, len(existing)), emails: make(map[string]string, len(existing))}
	for _, e := range existing {
		if email := account.NormalizeEmail(e.Email); email != "" {
			ps.existing[email] = e
			ps.emails[e.ID] = email
		}
	}
	if !ps.read(data) {
		p.Rows = nil
		return p
	}
	switch {
	case !ps.sawHeader:
		if len(p.Errors) == 0 {
			p.fail("The file is empty.")
		}
		return p
	case len(ps.rows) == 0:
		if len(p.Errors) == 0 {
			p.fail("The file has a header line but no people.")
		}
		return p
	}
	ps.checkManagers()
	ps.checkCycles()
	p.Rows = ps.finish()
	return p
}

// firstInvalidUTF8 returns the offset of the first byte of data that is not
// part of valid UTF-8.
func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// parser holds the state of one Parse call.
type parser struct {
	p        *Preview
	existing map[string]Existing // by normalised email
	emails   map[string]string   // existing person's id → normalised email

	sawHeader bool
	// pos is the index in a record of each known column, or -1.
	pos [numColumns]int
	// width is the number of header cells; named marks the cells that are
	// not empty.
	width   int
	named   []bool
	lastPos int // largest index in pos

	rows  []Row
	probs [][numColumns + 1]string // per row: one message per column, the whole row last
	first map[string]int           // normalised email → index of the first row with it
	next  []int                    // per row: index of the row its reporting line reaches next, or -1
	// reentry maps existing people outside the file to the first row
	// their reporting line reaches, or -1.
	reentry map[string]int
	tz      map[string]string // time zone → problem message ("" when valid)
}

// wholeRow indexes the problem with the row as a whole in parser.probs.
const wholeRow = numColumns

// read reads the header and the data rows. It returns false when the file
// cannot be previewed row by row.
func (ps *parser) read(data []byte) bool {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = detectComma(data)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	syntaxErrors := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return true
		}
		if err != nil {
			ps.p.fail(syntaxMessage(err))
			syntaxErrors++
			if syntaxErrors >= maxSyntaxErrors {
				ps.p.fail("Stopped reading the file after too many lines that could not be read.")
				return false
			}
			continue
		}
		if blank(rec) {
			continue
		}
		if !ps.sawHeader {
			ps.sawHeader = true
			if !ps.header(rec) {
				return false
			}
			continue
		}
		if len(ps.rows) == MaxRows {
			ps.p.fail(fmt.Sprintf("The file has more than %d people. Please split it into files of at most %d people each.", MaxRows, MaxRows))
			return false
		}
		line, _ := cr.FieldPos(0)
		ps.row(line, rec)
	}
}

// syntaxMessage explains a CSV reading error.
func syntaxMessage(err error) string {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return "The file could not be read as CSV."
	}
	where := fmt.Sprintf("Line %d", pe.Line)
	if pe.StartLine != 0 && pe.StartLine != pe.Line {
		where = fmt.Sprintf("Lines %d to %d", pe.StartLine, pe.Line)
	}
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return where + `: a quote mark (") appears inside a value that does not start with one. Put the whole value in quote marks and double any quote mark inside it ("").`
	case errors.Is(pe.Err, csv.ErrQuote):
		return where + `: a value in quote marks is not closed properly. Check that every opening quote mark (") has a closing one and that quote marks inside a value are doubled ("").`
	}
	return where + " could not be read as CSV."
}

// blank reports whether every cell of rec is empty or spaces, as in the
// ",,,," lines spreadsheets write for empty rows.
func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// detectComma chooses the separator from the header line: the one that
// appears in it, or, when both do, the one that splits it into more known
// column names. Spreadsheets in many European locales write semicolons.
func detectComma(data []byte) rune {
	var line string
	for rest := string(data); rest != ""; {
		line, rest, _ = strings.Cut(rest, "\n")
		if strings.Trim(line, " \t\r,;") != "" {
			break
		}
	}
	comma, semi := strings.Contains(line, ","), strings.Contains(line, ";")
	switch {
	case semi && !comma:
		return ';'
	case semi && comma && knownColumns(line, ';') > knownColumns(line, ','):
		return ';'
	}
	return ','
}

// knownColumns counts the known column names in line split at comma.
func knownColumns(line string, comma rune) int {
	cr := csv.NewReader(strings.NewReader(line))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	rec, err := cr.Read()
	if err != nil {
		return 0
	}
	n := 0
	for _, f := range rec {
		if _, ok := lookupColumn(strings.ToLower(strings.TrimSpace(f))); ok {
			n++
		}
	}
	return n
}

// header reads the header line. It returns false when rows cannot be read
// because a required column is missing.
func (ps *parser) header(rec []string) bool {
	for c := range ps.pos {
		ps.pos[c] = -1
	}
	ps.width = len(rec)
	ps.named = make([]bool, len(rec))
	known := false
	var unknown, repeated []string
	reported := map[string]bool{} // each name is reported once
	for i, cell := range rec {
		name := strings.TrimSpace(cell)
		if name == "" {
			continue // Spreadsheets add empty columns; their cells must stay empty.
		}
		ps.named[i] = true
		c, ok := lookupColumn(strings.ToLower(name))
		switch {
		case !ok:
			if !reported[name] {
				reported[name] = true
				unknown = append(unknown, quote(name))
			}
		case ps.pos[c] >= 0:
			if !reported[columnNames[c]] {
				reported[columnNames[c]] = true
				repeated = append(repeated, quote(columnNames[c]))
			}
		default:
			ps.pos[c] = i
			ps.lastPos = max(ps.lastPos, i)
			known = true
		}
	}
	if len(unknown) > 0 {
		ps.p.fail(fmt.Sprintf("Unknown %s %s. The columns can be: %s.", plural(len(unknown), "column"), list(unknown), allColumns))
	}
	if !known {
		ps.p.fail("The first line must be a header that names the columns, for example: " + strings.Join(columnNames[:], ",") + ".")
		return false
	}
	if len(repeated) > 0 {
		ps.p.fail(fmt.Sprintf("The %s %s %s more than once. Keep one of each.", plural(len(repeated), "column"), list(repeated), verb(len(repeated))))
	}
	ok := true
	for _, c := range []column{colName, colEmail} {
		if ps.pos[c] < 0 {
			ps.p.fail(fmt.Sprintf("The %q column is missing. Every file needs a name and an email column.", columnNames[c]))
			ok = false
		}
	}
	return ok
}

// list joins quoted names for a message, naming at most five.
func list(names []string) string {
	const most = 5
	if len(names) > most {
		return strings.Join(names[:most], ", ") + fmt.Sprintf(" and %d more", len(names)-most)
	}
	return strings.Join(names, ", ")
}

func verb(n int) string {
	if n == 1 {
		return "appears"
	}
	return "appear"
}

func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

// quote quotes a value for a message, shortening long ones.
func quote(s string) string {
	const most = 40
	if utf8.RuneCountInString(s) > most {
		s = string([]rune(s)[:most]) + "…"
	}
	return strconv.Quote(s)
}

// row reads one data row and checks what can be checked without the rest
// of the file.
func (ps *parser) row(line int, rec []string) {
	cell := func(c column) string {
		if i := ps.pos[c]; i >= 0 && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	row := Row{
		Line:         line,
		Name:         cell(colName),
		Email:        account.NormalizeEmail(cell(colEmail)),
		Department:   cell(colDepartment),
		ManagerEmail: account.NormalizeEmail(cell(colManager)),
		Timezone:     cell(colTimezone),
	}
	var probs [numColumns + 1]string

	probs[wholeRow] = ps.checkWidth(rec)
	probs[colName] = invalid(row.Name, "name", check(account.CheckName, row.Name))
	probs[colDepartment] = invalid(row.Department, "department", check(account.CheckDepartment, row.Department))
	row.LevelText = cell(colLevel)
	row.Level, probs[colLevel] = parseLevel(row.LevelText)
	// A column the file leaves out keeps an existing person's value.
	if e, ok := ps.existing[row.Email]; ok {
		row.ID, row.Version = e.ID, e.Version
		if ps.pos[colDepartment] < 0 {
			row.Department = e.Department
		}
		if ps.pos[colManager] < 0 {
			row.ManagerEmail = ps.emails[e.ManagerID]
		}
		if ps.pos[colLevel] < 0 {
			row.Level, row.LevelText = e.Level, strconv.Itoa(e.Level)
		}
		if ps.pos[colTimezone] < 0 {
			row.Timezone = e.Timezone
		}
	}
	if row.Timezone == "" {
		row.Timezone = DefaultTimezone
		if e, ok := ps.existing[row.Email]; ok && e.Timezone != "" {
			row.Timezone = e.Timezone // an empty cell keeps the person's zone
		}
	} else {
		probs[colTimezone] = ps.checkTimezone(row.Timezone)
	}

	if msg := invalid(row.Email, "email address", check(account.CheckEmail, row.Email)); msg != "" {
		probs[colEmail] = msg
	} else if j, dup := ps.first[row.Email]; dup {
		probs[colEmail] = fmt.Sprintf("Duplicate of line %d.", ps.rows[j].Line)
	} else {
		if ps.first == nil {
			ps.first = map[string]int{}
		}
		ps.first[row.Email] = len(ps.rows)
	}

	ps.rows = append(ps.rows, row)
	ps.probs = append(ps.probs, probs)
}

// checkWidth reports a row whose cells do not line up with the header:
// cells missing, or values beyond the header or under a column without a
// name. Empty extra cells are fine; spreadsheets write them. Values under
// unknown or repeated columns are not reported again: the header error
// already says so.
func (ps *parser) checkWidth(rec []string) string {
	if len(rec) <= ps.lastPos {
		return fmt.Sprintf("This line has %d %s but the header has %d columns.", len(rec), plural(len(rec), "value"), ps.width)
	}
	for i, f := range rec {
		switch {
		case strings.TrimSpace(f) == "":
		case i >= ps.width:
			return fmt.Sprintf("This line has %d values but the header has %d columns.", len(rec), ps.width)
		case !ps.named[i]:
			return fmt.Sprintf("This line has a value in column %d, which has no name in the header.", i+1)
		}
	}
	return ""
}

// check runs one of account's field checks and returns its message, or ""
// when the value is fine.
func check(fn func(v *account.Validator, field, value string), value string) string {
	var v account.Validator
	fn(&v, "", value)
	fields, _ := fault.FieldsOf(v.Err())
	return fields[""]
}

// invalid turns a field check's message into one that names the value.
func invalid(value, noun, msg string) string {
	if msg == "" || value == "" {
		return msg
	}
	return fmt.Sprintf("%s is not a valid %s. %s", quote(value), noun, msg)
}

// parseLevel reads a level cell; empty means 0.
func parseLevel(s string) (int, string) {
	if s == "" {
		return 0, ""
	}
	n, err := strconv.Atoi(s)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, invalid(s, "level", levelMessage(-1))
	case err != nil:
		return 0, fmt.Sprintf("%s is not a whole number. %s", quote(s), levelMessage(-1))
	}
	return n, invalid(s, "level", levelMessage(n))
}

// levelMessage returns account's message for level, or "" when it is fine.
func levelMessage(level int) string {
	var v account.Validator
	account.CheckLevel(&v, "", level)
	fields, _ := fault.FieldsOf(v.Err())
	return fields[""]
}

// checkTimezone checks a time zone once per distinct name: looking one up
// reads the time zone database.
func (ps *parser) checkTimezone(tz string) string {
	if msg, ok := ps.tz[tz]; ok {
		return msg
	}
	if ps.tz == nil {
		ps.tz = map[string]string{}
	}
	msg := invalid(tz, "time zone", check(account.CheckTimezone, tz))
	ps.tz[tz] = msg
	return msg
}

// checkManagers checks every manager_email now that all rows are known and
// records the reporting lines inside the file.
func (ps *parser) checkManagers() {
	ps.next = make([]int, len(ps.rows))
	for i, row := range ps.rows {
		ps.next[i] = -1
		m := row.ManagerEmail
		if m == "" {
			continue
		}
		if msg := invalid(m, "email address", check(account.CheckEmail, m)); msg != "" {
			ps.probs[i][colManager] = msg
			continue
		}
		if m == row.Email {
			ps.probs[i][colManager] = fmt.Sprintf("%q is this person's own email address. Nobody can be their own manager.", m)
			continue
		}
		if j, ok := ps.first[m]; ok {
			ps.next[i] = j
			continue
		}
		if _, ok := ps.existing[m]; ok {
			// The line goes on through people the file leaves as they are
			// and may come back into the file: follow it there.
			ps.next[i] = ps.reenter(m)
			continue
		}
		// A valid address is short enough to name in full, which the
		// admin needs in order to find the mistake.
		ps.probs[i][colManager] = fmt.Sprintf("Unknown manager %q: not in this file or the organisation.", m)
	}
}

// reenter follows the reporting line up from email, an existing person
// the file does not name, to the first row of the file it reaches, or -1
// when it reaches the top. Each person's answer is kept, so following
// every row's line costs one step per person.
func (ps *parser) reenter(email string) int {
	if ps.reentry == nil {
		ps.reentry = map[string]int{}
	}
	var path []string
	at := -1
	for email != "" {
		if j, ok := ps.first[email]; ok {
			at = j
			break
		}
		if j, ok := ps.reentry[email]; ok {
			at = j
			break
		}
		ps.reentry[email] = -1 // a loop among existing people ends here
		path = append(path, email)
		email = ps.emails[ps.existing[email].ManagerID]
	}
	for _, e := range path {
		ps.reentry[e] = at
	}
	return at
}

// checkCycles finds reporting lines in the file that loop and reports the
// loop on every row in it. Rows whose line merely leads into a loop are not
// flagged: fixing the loop fixes them.
func (ps *parser) checkCycles() {
	const (
		unseen = iota
		onPath
		done
	)
	state := make([]int8, len(ps.rows))
	at := make([]int, len(ps.rows)) // position on the current path
	var path []int
	for start := range ps.rows {
		path = path[:0]
		i := start
		for i >= 0 && state[i] == unseen {
			state[i] = onPath
			at[i] = len(path)
			path = append(path, i)
			i = ps.next[i]
		}
		if i >= 0 && state[i] == onPath {
			cycle := path[at[i]:]
			for k, j := range cycle {
				ps.probs[j][colManager] = ps.cycleMessage(cycle, k)
			}
		}
		for _, j := range path {
			state[j] = done
		}
	}
}

// cycleMessage describes cycle as seen from its k-th member, naming at most
// a handful of people so that a long loop does not make a huge preview.
func (ps *parser) cycleMessage(cycle []int, k int) string {
	const most = 6
	var parts []string
	for n := range min(len(cycle), most) {
		parts = append(parts, ps.rows[cycle[(k+n)%len(cycle)]].Email)
	}
	if len(cycle) > most {
		parts = append(parts, "…")
	}
	parts = append(parts, ps.rows[cycle[k]].Email)
	msg := "Manager cycle: " + strings.Join(parts, " → ")
	if len(cycle) > most {
		msg += fmt.Sprintf(" (%d people)", len(cycle))
	}
	return msg + "."
}

// changes lists what r changes on the existing person it names.
func (ps *parser) changes(r *Row) []Change {
	e := ps.existing[r.Email]
	var out []Change
	add := func(c column, old, new string) {
		if old != new {
			out = append(out, Change{Field: columnNames[c], Old: old, New: new})
		}
	}
	add(colName, e.Name, r.Name)
	add(colDepartment, e.Department, r.Department)
	add(colManager, ps.emails[e.ManagerID], r.ManagerEmail)
	add(colLevel, strconv.Itoa(e.Level), strconv.Itoa(r.Level))
	add(colTimezone, e.Timezone, r.Timezone)
	return out
}

// finish attaches every row's problems in the file's column order, whole-row
// problems first.
func (ps *parser) finish() []Row {
	var order []column
	for c, at := range ps.pos {
		if at >= 0 {
			order = append(order, column(c))
		}
	}
	slices.SortFunc(order, func(a, b column) int { return cmp.Compare(ps.pos[a], ps.pos[b]) })
	order = slices.Insert(order, 0, wholeRow)
	for i := range ps.rows {
		r := &ps.rows[i]
		for _, c := range order {
			if msg := ps.probs[i][c]; msg != "" {
				field := ""
				if c != wholeRow {
					field = columnNames[c]
				}
				r.Problems = append(r.Problems, Problem{Field: field, Message: msg})
			}
		}
		switch {
		case len(r.Problems) > 0:
			r.Status = StatusProblem
		case r.ID == "":
			r.Status = StatusNew
		default:
			r.Changes = ps.changes(r)
			r.Status = StatusUnchanged
			if len(r.Changes) > 0 {
				r.Status = StatusChanged
			}
		}
	}
	return ps.rows
}
