package lifecycle

// Counter counts requests. Inc is not synchronised: calling it from two
// goroutines is a data race.
type Counter struct {
	hits int
}

// Inc adds one.
func (c *Counter) Inc() { c.hits++ }

// Hits returns the count.
func (c *Counter) Hits() int { return c.hits }
