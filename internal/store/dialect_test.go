package store

import "testing"

func TestRebindNumbered(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT * FROM t WHERE a = $1 AND b = $12", "SELECT * FROM t WHERE a = ?1 AND b = ?12"},
		{"SELECT '$1' FROM t WHERE a = $2", "SELECT '$1' FROM t WHERE a = ?2"},
		{"SELECT 'it''s $1', $1", "SELECT 'it''s $1', ?1"},
		{"SELECT $ FROM t", "SELECT $ FROM t"},
	}
	for _, tt := range tests {
		if got := rebindNumbered(tt.in); got != tt.want {
			t.Errorf("rebindNumbered(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		in, engine string
		ok         bool
	}{
		{"sqlite:holdspace.db", SQLite, true},
		{"sqlite:///var/lib/holdspace/holdspace.db", SQLite, true},
		{"sqlite:", "", false},
		{"postgres://holdspace:secret@db.internal:5432/holdspace", Postgres, true},
		{"postgresql://holdspace@localhost/holdspace?sslmode=disable", Postgres, true},
		// A server on the same machine, through its socket directory.
		{"postgres://holdspace@/holdspace?host=/var/run/postgresql", Postgres, true},
		{"postgres:///holdspace", "", false},
		{"mysql://root@localhost/holdspace", "", false},
	}
	for _, tt := range tests {
		engine, err := ParseURL(tt.in)
		if (err == nil) != tt.ok || engine != tt.engine {
			t.Errorf("ParseURL(%q) = %q, %v; want %q, ok %v", tt.in, engine, err, tt.engine, tt.ok)
		}
	}
}
