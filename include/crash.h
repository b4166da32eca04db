/*
 * crash.h - the crash section of a dump (group_crash in group.h): kept by
 * the grouper as the parser reports it, the goroutines it is about found
 * when the dump is finished. Strings are owned by the dump.
 */
#ifndef GT_CRASH_H
#define GT_CRASH_H

#include <stdint.h>

#include "group.h"
#include "parse.h"

/* A dump begins: copies the message, signal and running tests. */
void crash_begin(group_crash *c, const parse_dump *pd);

/* A goroutine of d went into group g: keeps the crashed one whole and, in
 * a test timeout, who created whom. */
void crash_goroutine(group_dump *d, const parse_goroutine *pg, group *g);

/* Test timeout, before the groups are flagged: sets group.ntest and the
 * crash's test ids. Nothing for other dumps. */
void crash_find_tests(group_dump *d);

/* After the groups are ordered: the groups the crash is about. */
void crash_groups(group_dump *d);

void crash_free(group_dump *d);

/* Does the dump have a crash to report first? */
int crash_dump_has(const group_dump *d);

/* Is id one of the goroutines of the running tests of a timed-out test? */
int crash_has_test_id(const group_crash *c, uint64_t id);

#endif
