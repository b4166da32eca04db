//go:build hangdemo

package orders

import "testing"

// Deliberately hangs: run with -tags hangdemo -timeout to get a test timeout
// dump.
func TestReconcileSettlesAllShards(t *testing.T) {
	r := NewReconciler()
	r.Run(3)
}
