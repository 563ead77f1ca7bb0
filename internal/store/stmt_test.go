package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/holdspace/holdspace/internal/account"
)

// mustOpenSQLite opens a migrated SQLite database in a temporary directory.
func mustOpenSQLite(tb testing.TB, opts ...Option) *DB {
	tb.Helper()
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(tb.TempDir(), "holdspace.db"), opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return db
}

func (c *stmtCache) cached(q string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.byQuery[q]
	return ok
}

func (c *stmtCache) known(q string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.byQuery[q]
	return ok || c.pending[q]
}

func (c *stmtCache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

func TestStatementsAreReused(t *testing.T) {
	ctx := context.Background()
	db := mustOpenSQLite(t)
	const q = `SELECT COUNT(*) FROM users WHERE org_id = $1`
	for range 3 {
		var n int
		if err := db.queryRow(ctx, q, "org").Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	if !db.reads.cached(q) || db.reads.size() != 1 {
		t.Errorf("read cache holds %d statements (query cached: %v), want the one query", db.reads.size(), db.reads.cached(q))
	}

	// A transaction runs a new text unprepared and prepares it before
	// the next transaction; within one, the same statement serves.
	admin := &account.User{Name: "Ann", Email: "ann@example.com", Timezone: "UTC"}
	org, err := db.CreateOrg(ctx, "Acme", admin)
	if err != nil {
		t.Fatal(err)
	}
	const upd = `UPDATE users SET name = $1 WHERE org_id = $2 AND id = $3`
	for i, name := range []string{"Ann A", "Ann B", "Ann C"} {
		err := db.inTx(ctx, func(tx *Tx) error {
			for range 2 {
				if _, err := tx.exec(ctx, upd, name, org.ID, admin.ID); err != nil {
					return err
				}
			}
			if got, want := tx.prepared[upd] != nil, i > 0; got != want {
				t.Errorf("transaction %d: statement bound = %v, want %v", i, got, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !db.writes.known(upd) {
			t.Errorf("after transaction %d the update is not pending or cached", i)
		}
		if u, err := db.FindUserByID(ctx, org.ID, admin.ID); err != nil || u.Name != name {
			t.Errorf("after transaction %d: %+v, %v", i, u, err)
		}
	}
}

func TestStatementCacheIsBounded(t *testing.T) {
	ctx := context.Background()
	db := mustOpenSQLite(t)
	db.reads.max = 2
	first, err := db.reads.get(ctx, `SELECT 1`)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`SELECT 2`, `SELECT 3`, `SELECT 4`} {
		var n int
		if err := db.queryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	if n := db.reads.size(); n != 2 {
		t.Errorf("cache holds %d statements, want 2", n)
	}
	if db.reads.cached(`SELECT 1`) || !db.reads.cached(`SELECT 4`) {
		t.Errorf("the least recently used statement was not the one evicted")
	}
	// Evicted while held, a statement works until it is released.
	var n int
	if err := first.stmt.QueryRowContext(ctx).Scan(&n); err != nil || n != 1 {
		t.Fatalf("held statement: %d, %v", n, err)
	}
	db.reads.release(first)
	if err := first.stmt.QueryRowContext(ctx).Scan(&n); err == nil {
		t.Errorf("an evicted statement stayed open after its release")
	}
}

func TestCloseClosesStatements(t *testing.T) {
	ctx := context.Background()
	db := mustOpenSQLite(t)
	s, err := db.reads.get(ctx, `SELECT 1`)
	if err != nil {
		t.Fatal(err)
	}
	db.reads.release(s)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.stmt.QueryRowContext(ctx).Scan(&n); err == nil {
		t.Errorf("a statement stayed open after Close")
	}
	if err := db.queryRow(ctx, `SELECT 1`).Scan(&n); err == nil {
		t.Errorf("a query ran after Close")
	}
}

// TestMigrationTxRunsText checks that a transaction made as a Go
// migration makes it, without the store's statements, runs its queries
// as text and prepares nothing.
func TestMigrationTxRunsText(t *testing.T) {
	ctx := context.Background()
	db := mustOpenSQLite(t)
	stx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	tx := &Tx{Tx: stx, d: db.d}
	const q = `SELECT COUNT(*) FROM orgs WHERE id = $1`
	for range 2 {
		var n int
		if err := tx.queryRow(ctx, q, "o").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.exec(ctx, `UPDATE orgs SET name = $1 WHERE id = $2`, "O", "o"); err != nil {
			t.Fatal(err)
		}
	}
	if err := stx.Commit(); err != nil {
		t.Fatal(err)
	}
	if db.writes.known(q) {
		t.Errorf("a migration's query was kept for preparing")
	}
}
