package store

import "context"

// IndexEveryone runs the search index's backfill migration again.
func (db *DB) IndexEveryone(ctx context.Context) error {
	return db.inTx(ctx, func(tx *Tx) error { return indexEveryone(ctx, tx) })
}

// Rebind rewrites q's placeholders for the engine, for tests that write
// what no store method does.
func (db *DB) Rebind(q string) string { return db.d.rebind(q) }
