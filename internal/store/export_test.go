package store

import "context"

// IndexEveryone runs the search index's backfill migration again.
func (db *DB) IndexEveryone(ctx context.Context) error {
	return db.inTx(ctx, func(tx *Tx) error { return indexEveryone(ctx, tx) })
}
