/*
 * category.h - the blocking categories a goroutine can be classified into.
 * The rule files name categories by these strings.
 */
#ifndef GT_CATEGORY_H
#define GT_CATEGORY_H

#include <stddef.h>

typedef enum category {
	CAT_RUNNING,
	CAT_RUNNABLE,
	CAT_SYSCALL,
	CAT_IO_WAIT,
	CAT_CHAN_SEND,
	CAT_CHAN_RECEIVE,
	CAT_NIL_CHAN,
	CAT_SELECT,
	CAT_SELECT_FOREVER,
	CAT_MUTEX,
	CAT_RWMUTEX,
	CAT_WAITGROUP,
	CAT_COND,
	CAT_SEMAPHORE,
	CAT_SLEEP,
	CAT_RUNTIME,
	CAT_UNKNOWN,
	CAT__COUNT
} category;

/* "chan-receive" etc.; never NULL for a valid category. */
const char *category_name(category c);

/* Parses a name (exact match); returns 0 and sets *out, or -1. */
int category_parse(const char *name, size_t len, category *out);

/* True for categories where the goroutine is parked waiting on something,
 * i.e. the ones that can hold a leak (everything but running, runnable and
 * runtime). */
int category_is_blocked(category c);

#endif
