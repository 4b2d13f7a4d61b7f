// Package parallel runs independent pieces of work on all cores.
package parallel

import (
	"runtime"
	"sync"
)

// Each calls f(0) … f(n-1) on all cores, one call per core at a time, and
// returns when all calls have returned. The calls must not depend on each
// other's order.
func Each(n int, f func(i int)) { EachOn(runtime.GOMAXPROCS(0), n, f) }

// EachOn is Each on at most workers goroutines at a time (at least one).
func EachOn(workers, n int, f func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, max(workers, 1)) {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
