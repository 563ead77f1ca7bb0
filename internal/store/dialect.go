package store

import (
	"strings"
)

// dialect is everything that differs between the engines. SQL is written
// once, with PostgreSQL's $N placeholders.
type dialect interface {
	name() string
	// rebind rewrites $N placeholders into the engine's own form.
	rebind(q string) string
	// mapErr turns driver errors into ErrNotFound and ErrConflict.
	mapErr(err error) error
}

// rebindNumbered rewrites $N as ?N, which SQLite reads with the same
// meaning (the N-th argument). Placeholders inside quoted literals are left
// alone.
func rebindNumbered(q string) string {
	if !strings.Contains(q, "$") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q))
	inQuote := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
		case c == '$' && !inQuote && i+1 < len(q) && q[i+1] >= '0' && q[i+1] <= '9':
			c = '?'
		}
		b.WriteByte(c)
	}
	return b.String()
}
