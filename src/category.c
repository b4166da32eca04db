/* category.c - names of the blocking categories. */
#include "category.h"

#include <string.h>

static const char *const names[CAT__COUNT] = {
	[CAT_RUNNING] = "running",
	[CAT_RUNNABLE] = "runnable",
	[CAT_SYSCALL] = "syscall",
	[CAT_IO_WAIT] = "io-wait",
	[CAT_CHAN_SEND] = "chan-send",
	[CAT_CHAN_RECEIVE] = "chan-receive",
	[CAT_NIL_CHAN] = "nil-chan",
	[CAT_SELECT] = "select",
	[CAT_SELECT_FOREVER] = "select-forever",
	[CAT_MUTEX] = "mutex",
	[CAT_RWMUTEX] = "rwmutex",
	[CAT_WAITGROUP] = "waitgroup",
	[CAT_COND] = "cond",
	[CAT_SEMAPHORE] = "semaphore",
	[CAT_SLEEP] = "sleep",
	[CAT_RUNTIME] = "runtime",
	[CAT_UNKNOWN] = "unknown",
};

const char *category_name(category c)
{
	return (unsigned)c < CAT__COUNT ? names[c] : "unknown";
}

int category_parse(const char *name, size_t len, category *out)
{
	for (int c = 0; c < CAT__COUNT; c++) {
		if (strlen(names[c]) == len && memcmp(names[c], name, len) == 0) {
			*out = (category)c;
			return 0;
		}
	}
	return -1;
}

int category_is_blocked(category c)
{
	return c != CAT_RUNNING && c != CAT_RUNNABLE && c != CAT_RUNTIME &&
	       (unsigned)c < CAT__COUNT;
}
