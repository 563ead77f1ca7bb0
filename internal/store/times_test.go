package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// openSQLiteAt opens a SQLite database migrated up to version.
func openSQLiteAt(t *testing.T, version int64) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "holdspace.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	p, err := db.provider()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestIntegerTimesMigration writes times as text, the way the driver
// wrote them before migration 00008, and reads them back after it.
func TestIntegerTimesMigration(t *testing.T) {
	ctx := context.Background()
	db := openSQLiteAt(t, 7)
	texts := []struct {
		text string
		want time.Time
	}{
		{"2026-03-01 09:00:00+00:00", time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)},
		{"2026-03-01 09:00:00.5+00:00", time.Date(2026, 3, 1, 9, 0, 0, 500_000_000, time.UTC)},
		{"2026-03-01 09:00:00.999999+00:00", time.Date(2026, 3, 1, 9, 0, 0, 999_999_000, time.UTC)},
		{"2026-03-01 09:00:00.123456789+00:00", time.Date(2026, 3, 1, 9, 0, 0, 123_456_000, time.UTC)},
		{"2026-03-01 10:00:00.25+01:00", time.Date(2026, 3, 1, 9, 0, 0, 250_000_000, time.UTC)},
		{"2026-03-01 03:30:00.000001-05:30", time.Date(2026, 3, 1, 9, 0, 0, 1_000, time.UTC)},
		{"0001-01-01 00:00:00+00:00", time.Time{}},
	}
	const now = "2026-03-01 08:00:00+00:00"
	if _, err := db.write.ExecContext(ctx, `INSERT INTO orgs (id, name, slug, created_at) VALUES ('o', 'O', 'o', ?)`, now); err != nil {
		t.Fatal(err)
	}
	for i, tt := range texts {
		if _, err := db.write.ExecContext(ctx, `INSERT INTO users (id, org_id, email, name, role, status, timezone, created_at, updated_at)
			VALUES (?, 'o', ?, 'N', 'member', 'active', 'UTC', ?, ?)`, string(rune('a'+i)), string(rune('a'+i))+"@x", tt.text, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.write.ExecContext(ctx, `INSERT INTO user_links (token_hash, org_id, user_id, purpose, created_at, expires_at, used_at)
		VALUES ('l1', 'o', 'a', 'reset', ?, ?, ?), ('l2', 'o', 'a', 'reset', ?, ?, NULL)`, now, now, now, now, now); err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	for i, tt := range texts {
		u, err := db.FindUserByID(ctx, "o", string(rune('a'+i)))
		if err != nil {
			t.Fatal(err)
		}
		if !u.CreatedAt.Equal(tt.want) || u.CreatedAt.Location() != time.UTC {
			t.Errorf("%q became %v, want %v", tt.text, u.CreatedAt, tt.want)
		}
	}
	// Every time is an integer now, NULLs stay NULL, and integers order
	// as instants: "10:00:00.25+01:00" sorts before "09:00:00.5+00:00".
	var notInt, nulls int
	if err := db.read.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM users WHERE typeof(created_at) <> 'integer' OR typeof(updated_at) <> 'integer')
		+ (SELECT COUNT(*) FROM user_links WHERE typeof(created_at) <> 'integer' OR typeof(expires_at) <> 'integer'),
		(SELECT COUNT(*) FROM user_links WHERE used_at IS NULL)`).Scan(&notInt, &nulls); err != nil {
		t.Fatal(err)
	}
	if notInt != 0 || nulls != 1 {
		t.Errorf("%d times are not integers and %d used_at are NULL, want 0 and 1", notInt, nulls)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM users ORDER BY created_at`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var order []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		order = append(order, id)
	}
	if got, want := strings.Join(order, ""), "gafdebc"; got != want {
		t.Errorf("order by created_at = %s, want %s", got, want)
	}
}

// TestIntegerTimesMigrationRefusesNonTimes checks that a text that is not
// a time stops the migration instead of being lost.
func TestIntegerTimesMigrationRefusesNonTimes(t *testing.T) {
	ctx := context.Background()
	db := openSQLiteAt(t, 7)
	if _, err := db.write.ExecContext(ctx, `INSERT INTO orgs (id, name, slug, created_at) VALUES ('o', 'O', 'o', 'last Tuesday')`); err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err == nil {
		t.Fatal("the migration converted 'last Tuesday'")
	}
	var created string
	if err := db.read.QueryRowContext(ctx, `SELECT created_at FROM orgs`).Scan(&created); err != nil || created != "last Tuesday" {
		t.Errorf("after the failed migration created_at = %q, %v", created, err)
	}
}

// TestTimesCompareAsInstants writes times in several zones and compares
// them in SQL against a parameter, as the store's queries do.
func TestTimesCompareAsInstants(t *testing.T) {
	ctx := context.Background()
	db := mustOpenSQLite(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 1_000, time.UTC)
	err = db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO orgs (id, name, slug, created_at) VALUES ('o', 'O', 'o', $1)`, at.In(berlin))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		cmp  string
		arg  time.Time
		want int
	}{
		{"=", at, 1},
		{"=", at.In(berlin), 1},
		{"<", at.Add(time.Microsecond), 1},
		{">", at.Add(-time.Microsecond).In(berlin), 1},
		{">", at, 0},
	} {
		var n int
		if err := db.queryRow(ctx, `SELECT COUNT(*) FROM orgs WHERE created_at `+tt.cmp+` $1`, tt.arg).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != tt.want {
			t.Errorf("created_at %s %v: %d rows, want %d", tt.cmp, tt.arg, n, tt.want)
		}
	}
	o, err := db.FindOrgByID(ctx, "o")
	if err != nil || !o.CreatedAt.Equal(at) {
		t.Errorf("read back %v, %v; want %v", o.CreatedAt, err, at)
	}
}
