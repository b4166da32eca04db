// Package stages holds the blocking points of the benchmark dump: each
// function parks its goroutine on one kind of primitive that is never
// released.
package stages

import (
	"context"
	"sync"
	"time"
)

// Parked is called right before a goroutine blocks for good.
var Parked func()

var (
	never         = make(chan int)         // nobody sends or closes
	nobody        = make(chan int)         // nobody receives
	done          = make(chan struct{})    // never closed
	nilCh         chan int                 // nil
	ledgerMu      sync.Mutex               // held for ever by Holder
	tableMu       sync.RWMutex             // read-held for ever, a writer waits
	pending       sync.WaitGroup           // Add(1), never Done
	queueMu       sync.Mutex               // guards the cond
	queueCond     = sync.NewCond(&queueMu) // never signalled
	sessionCtx, _ = context.WithCancel(context.Background())
)

func init() { pending.Add(1) }

// Holder takes the ledger lock and the table read lock and never releases
// them. Start it before the goroutines that contend for them.
func Holder(started chan<- struct{}) {
	ledgerMu.Lock()
	tableMu.RLock()
	started <- struct{}{}
	Parked()
	<-done
}

// TableWriter queues a writer on the table lock, so later readers wait too.
func TableWriter() {
	Parked()
	tableMu.Lock()
}

// Inbox is a message inbox.
type Inbox struct{}

// Receive waits for a message (chan receive).
func (Inbox) Receive() int { Parked(); return <-never }

// Outbox publishes results.
type Outbox struct{}

// Publish sends a result nobody reads (chan send).
func (Outbox) Publish(v int) { Parked(); nobody <- v }

// Poller polls two sources (select).
type Poller struct{}

// Poll waits on either source.
func (Poller) Poll() int {
	Parked()
	select {
	case v := <-never:
		return v
	case <-done:
		return 0
	}
}

// Ledger is a shared account book.
type Ledger struct{}

// Append waits for the ledger lock (sync.Mutex.Lock / semacquire).
func (Ledger) Append() {
	Parked()
	ledgerMu.Lock()
	ledgerMu.Unlock()
}

// Table is a read-mostly table.
type Table struct{}

// Lookup waits for the read lock behind the waiting writer.
func (Table) Lookup() {
	Parked()
	tableMu.RLock()
	tableMu.RUnlock()
}

// Batch is a group of tasks.
type Batch struct{}

// Await waits for the group (sync.WaitGroup.Wait).
func (Batch) Await() { Parked(); pending.Wait() }

// Queue is a condition-variable queue.
type Queue struct{}

// Take waits for an item (sync.Cond.Wait).
func (Queue) Take() {
	queueMu.Lock()
	Parked()
	for {
		queueCond.Wait()
	}
}

// Retrier backs off between attempts.
type Retrier struct{}

// Backoff sleeps for an hour (sleep).
func (Retrier) Backoff() { Parked(); time.Sleep(time.Hour) }

// Stream reads from a channel that was never made (chan receive (nil chan)).
type Stream struct{}

// Next receives from the nil channel.
func (Stream) Next() int { Parked(); return <-nilCh }

// Daemon parks for ever (select (no cases)).
type Daemon struct{}

// Park blocks in an empty select.
func (Daemon) Park() { Parked(); select {} }

// Session waits for its context (select on ctx.Done()).
type Session struct{}

// Watch waits until the session context is cancelled, which never happens.
func (Session) Watch() {
	Parked()
	select {
	case <-sessionCtx.Done():
	case <-never:
	}
}

// Pool is an idle worker pool.
type Pool struct{}

// Worker ranges over a job channel (chan receive).
func (Pool) Worker() {
	Parked()
	for range never {
	}
}

// Timer waits for a timer channel.
type Timer struct{}

// Tick waits for an hourly timer (chan receive on a timer).
func (Timer) Tick() {
	t := time.NewTimer(time.Hour)
	Parked()
	<-t.C
}

// TryReadTable reports whether a reader could take the table lock now; it
// cannot once the writer is queued.
func TryReadTable() bool {
	if tableMu.TryRLock() {
		tableMu.RUnlock()
		return true
	}
	return false
}
