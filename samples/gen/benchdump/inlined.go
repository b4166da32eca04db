// Short inlined frames (-inlined): each goroutine runs a chain of small
// functions the compiler inlines into the goroutine's own, so the dump
// prints most frames as "main.r3(...)" over a file:line without a pc
// offset, the short lines of a service built from many small helpers.
package main

import "sync/atomic"

var (
	inlRecv = make(chan int)
	inlSend = make(chan int)
	inlSel  = make(chan int)
)

// inlined lists the goroutines' start functions, one per stack.
var inlined = []func(){inlR, inlS, inlQ}

func inlR() { atomic.AddInt64(&parked, 1); r1() }
func inlS() { atomic.AddInt64(&parked, 1); s1() }
func inlQ() { atomic.AddInt64(&parked, 1); q1() }
func r1()   { r2() }
func r2()   { r3() }
func r3()   { r4() }
func r4()   { r5() }
func r5()   { r6() }
func r6()   { r7() }
func r7()   { r8() }
func r8()   { r9() }
func r9()   { r10() }
func r10()  { r11() }
func r11()  { r12() }
func r12()  { r13() }
func r13()  { r14() }
func s1()   { s2() }
func s2()   { s3() }
func s3()   { s4() }
func s4()   { s5() }
func s5()   { s6() }
func s6()   { s7() }
func s7()   { s8() }
func s8()   { s9() }
func s9()   { s10() }
func s10()  { s11() }
func s11()  { s12() }
func s12()  { s13() }
func s13()  { s14() }
func q1()   { q2() }
func q2()   { q3() }
func q3()   { q4() }
func q4()   { q5() }
func q5()   { q6() }
func q6()   { q7() }
func q7()   { q8() }
func q8()   { q9() }
func q9()   { q10() }
func q10()  { q11() }
func q11()  { q12() }
func q12()  { q13() }
func q13()  { q14() }
func r14()  { <-inlRecv }
func s14()  { inlSend <- 1 }
func q14() {
	select {
	case <-inlSel:
	case <-inlRecv:
	}
}
