package parallel

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestEach(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000} {
		calls := make([]atomic.Int32, n)
		Each(n, func(i int) { calls[i].Add(1) })
		for i := range calls {
			if c := calls[i].Load(); c != 1 {
				t.Errorf("n=%d: f(%d) called %d times, want once", n, i, c)
			}
		}
		var running, most atomic.Int32
		EachOn(1, n, func(i int) {
			r := running.Add(1)
			for m := most.Load(); r > m && !most.CompareAndSwap(m, r); m = most.Load() {
			}
			time.Sleep(20 * time.Microsecond) // calls that may overlap do
			calls[i].Add(1)
			running.Add(-1)
		})
		for i := range calls {
			if c := calls[i].Load(); c != 2 {
				t.Errorf("n=%d: EachOn: f(%d) called %d times, want once", n, i, c-1)
			}
		}
		if most.Load() > 1 {
			t.Errorf("n=%d: EachOn(1) ran %d calls at once", n, most.Load())
		}
	}
}
