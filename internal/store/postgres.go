package store

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

type postgresDialect struct{}

func (postgresDialect) name() string           { return Postgres }
func (postgresDialect) rebind(q string) string { return q }

func (postgresDialect) mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%w: %v", ErrConflict, err)
		case "23503": // foreign_key_violation
			return fmt.Errorf("%w: %v", ErrNotFound, err)
		case "40001", "40P01": // serialization_failure, deadlock_detected
			// Two changes at once that cannot both apply: the one the
			// server chose to end is refused as a conflict, to be tried
			// again, not as a failure of the server.
			return fmt.Errorf("%w: %v", ErrConflict, err)
		}
	}
	return err
}

// openPostgres opens the pool. pgx's stdlib runs a query in pgx's default
// mode, QueryExecModeCacheStatement: each connection prepares a text the
// first time it runs it and keeps up to 512 such statements. The store's
// own prepared statements (stmtCache) reach the server the same way,
// prepared once per connection under a name derived from their text, so
// on PostgreSQL they change neither round trips nor behaviour; they keep
// one code path for both engines.
func openPostgres(rawURL string) (*sql.DB, error) {
	db, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	// As many idle as open: with fewer, each burst past the idle count
	// closed the connections it opened as they came back, and the next
	// burst paid for new ones (a server process, and every statement
	// prepared again), which put 50–100 ms on the slowest requests.
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	return db, nil
}
