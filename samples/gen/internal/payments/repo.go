// Package payments charges cards.
package payments

import (
	"database/sql"

	_ "example.com/shop/internal/sqlmem"
)

// Repo opens a database handle per charge and never closes it: each
// sql.Open leaves a connectionOpener goroutine behind.
type Repo struct {
	DSN string
}

// ChargeCard records a charge and returns the new balance.
func (r *Repo) ChargeCard(card string, cents int) (int64, error) {
	db, err := sql.Open("sqlmem", r.DSN)
	if err != nil {
		return 0, err
	}
	if _, err := db.Exec("INSERT INTO charges VALUES (?, ?)", card, cents); err != nil {
		return 0, err
	}
	var balance int64
	err = db.QueryRow("SELECT balance FROM cards WHERE id = ?", card).Scan(&balance)
	return balance, err
}
