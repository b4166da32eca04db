// Package supervisor keeps background services alive.
package supervisor

// Supervisor parks a goroutine so the process never runs out of work.
type Supervisor struct{ name string }

// New returns a supervisor.
func New(name string) *Supervisor { return &Supervisor{name: name} }

// Start parks one goroutine in an empty select.
func (s *Supervisor) Start() {
	go s.parkForever()
}

func (s *Supervisor) parkForever() {
	select {}
}
