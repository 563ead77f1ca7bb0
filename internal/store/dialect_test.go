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
