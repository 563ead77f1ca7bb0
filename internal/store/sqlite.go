package store

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

type sqliteDialect struct{}

func (sqliteDialect) name() string           { return SQLite }
func (sqliteDialect) rebind(q string) string { return rebindNumbered(q) }

func (sqliteDialect) mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %v", ErrConflict, err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: %v", ErrNotFound, err)
		}
	}
	return err
}

// openSQLite opens one write connection and a read pool on the same file.
// busy_timeout comes first so that the other pragmas wait rather than fail.
//
// Times are kept as integers, microseconds since 1970 UTC (migration
// 00008): the driver binds a time.Time so, and hands back an integer from
// a column declared TIMESTAMP as a time.Time without parsing any text.
// The job queue, which shares the write connection, formats its own times
// as text and is not affected.
func openSQLite(path string) (write, read *sql.DB, err error) {
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_time_integer_format=unix_micro&_inttotime=1"
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + pragmas
	write, err = sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, nil, fmt.Errorf("open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	read, err = sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, nil, fmt.Errorf("open sqlite: %w", err)
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	return write, read, nil
}
