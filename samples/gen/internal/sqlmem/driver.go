// Package sqlmem is a tiny in-memory database/sql driver used by the
// payments service in development.
package sqlmem

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
)

func init() { sql.Register("sqlmem", Driver{}) }

// Driver opens in-memory connections.
type Driver struct{}

// Open returns a new connection.
func (Driver) Open(name string) (driver.Conn, error) { return &conn{}, nil }

type conn struct{}

func (c *conn) Prepare(query string) (driver.Stmt, error) { return &stmt{}, nil }
func (c *conn) Close() error                              { return nil }
func (c *conn) Begin() (driver.Tx, error)                 { return nil, errors.New("sqlmem: no transactions") }

type stmt struct{}

func (s *stmt) Close() error                                    { return nil }
func (s *stmt) NumInput() int                                   { return -1 }
func (s *stmt) Exec(args []driver.Value) (driver.Result, error) { return driver.RowsAffected(1), nil }
func (s *stmt) Query(args []driver.Value) (driver.Rows, error)  { return &rows{}, nil }

type rows struct{ done bool }

func (r *rows) Columns() []string { return []string{"balance"} }
func (r *rows) Close() error      { return nil }
func (r *rows) Next(dest []driver.Value) error {
	if r.done {
		return io.EOF
	}
	r.done = true
	dest[0] = int64(4200)
	return nil
}
