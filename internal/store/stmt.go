package store

import (
	"container/list"
	"context"
	"database/sql"
	"errors"
	"sync"
)

// maxStatements bounds the prepared statements kept per pool. The store's
// query texts are a fixed set, about two hundred with every optional
// filter's variant, but a query built with an IN-list of placeholders is
// a new text for every length of its list: past the bound, the statement
// used least recently is closed.
const maxStatements = 512

// stmtCache keeps one prepared statement per query text on a pool, so
// that a query is parsed and planned once per connection rather than on
// every call: database/sql prepares a *sql.Stmt again, lazily, on each
// connection of the pool it runs on, and Tx.StmtContext reuses what is
// already prepared on a transaction's connection.
//
// Queries are keyed by their text as written, with $N placeholders, so
// that the dialect rewrites a text once, when it is prepared.
type stmtCache struct {
	pool *sql.DB
	d    dialect
	// max is maxStatements; tests make it small.
	max int

	mu      sync.Mutex
	byQuery map[string]*list.Element // of *cachedStmt, most recently used at the front of lru
	lru     list.List
	// pending holds texts first run inside a transaction. Preparing on
	// the pool needs a connection of its own, and on SQLite the one write
	// connection is the transaction's; so they run unprepared that once,
	// and are prepared before the next transaction begins.
	pending map[string]bool
	closed  bool
}

// cachedStmt is a statement and how many callers hold it; one evicted
// while held is closed by its last holder.
type cachedStmt struct {
	query   string
	stmt    *sql.Stmt
	holders int
	evicted bool
}

func newStmtCache(pool *sql.DB, d dialect) *stmtCache {
	return &stmtCache{pool: pool, d: d, max: maxStatements, byQuery: map[string]*list.Element{}, pending: map[string]bool{}}
}

// get returns the statement for q, preparing it on the pool if needed.
// The caller hands it back with release once it has started its query:
// database/sql keeps a statement open while its rows are.
func (c *stmtCache) get(ctx context.Context, q string) (*cachedStmt, error) {
	if s := c.hold(q); s != nil {
		return s, nil
	}
	stmt, err := c.pool.PrepareContext(ctx, c.d.rebind(q))
	if err != nil {
		return nil, err
	}
	return c.add(q, stmt, true)
}

// hold returns the statement for q, held, or nil when there is none.
func (c *stmtCache) hold(q string) *cachedStmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byQuery[q]
	if !ok {
		return nil
	}
	c.lru.MoveToFront(e)
	s := e.Value.(*cachedStmt)
	s.holders++
	return s
}

// holdInTx returns the statement for q, held, or nil after noting q to
// be prepared before the next transaction begins.
func (c *stmtCache) holdInTx(q string) *cachedStmt {
	if s := c.hold(q); s != nil {
		return s
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) < c.max {
		c.pending[q] = true
	}
	return nil
}

// add keeps stmt as q's statement, held if held is set. When another
// caller prepared q meanwhile, stmt is closed and theirs is used.
func (c *stmtCache) add(q string, stmt *sql.Stmt, held bool) (*cachedStmt, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, errors.Join(errors.New("store: closed"), stmt.Close())
	}
	if e, ok := c.byQuery[q]; ok {
		s := e.Value.(*cachedStmt)
		if held {
			s.holders++
		}
		c.mu.Unlock()
		return s, stmt.Close()
	}
	s := &cachedStmt{query: q, stmt: stmt}
	if held {
		s.holders++
	}
	c.byQuery[q] = c.lru.PushFront(s)
	var evicted []*sql.Stmt
	for c.lru.Len() > c.max {
		old := c.lru.Remove(c.lru.Back()).(*cachedStmt)
		delete(c.byQuery, old.query)
		old.evicted = true
		if old.holders == 0 {
			evicted = append(evicted, old.stmt)
		}
	}
	c.mu.Unlock()
	return s, closeAll(evicted)
}

// release hands back a statement that get or holdInTx returned.
func (c *stmtCache) release(s *cachedStmt) {
	c.mu.Lock()
	s.holders--
	last := s.evicted && s.holders == 0
	c.mu.Unlock()
	if last {
		// Closing only ends the statement once the queries running on
		// it are done; its errors are the connection's, seen there.
		_ = s.stmt.Close()
	}
}

// preparePending prepares the texts first run in a transaction. A text
// that fails to prepare is left to fail where it runs.
func (c *stmtCache) preparePending(ctx context.Context) {
	c.mu.Lock()
	if len(c.pending) == 0 {
		c.mu.Unlock()
		return
	}
	qs := make([]string, 0, len(c.pending))
	for q := range c.pending {
		// A read may have prepared it since, where the pools are one.
		if _, ok := c.byQuery[q]; !ok {
			qs = append(qs, q)
		}
	}
	clear(c.pending)
	c.mu.Unlock()
	for _, q := range qs {
		stmt, err := c.pool.PrepareContext(ctx, c.d.rebind(q))
		if err != nil {
			continue
		}
		if _, err := c.add(q, stmt, false); err != nil {
			return
		}
	}
}

// close closes every statement; statements still running close when
// they finish.
func (c *stmtCache) close() error {
	c.mu.Lock()
	c.closed = true
	var stmts []*sql.Stmt
	for _, e := range c.byQuery {
		stmts = append(stmts, e.Value.(*cachedStmt).stmt)
	}
	clear(c.byQuery)
	c.lru.Init()
	c.mu.Unlock()
	return closeAll(stmts)
}

func closeAll(stmts []*sql.Stmt) error {
	var err error
	for _, s := range stmts {
		err = errors.Join(err, s.Close())
	}
	return err
}
