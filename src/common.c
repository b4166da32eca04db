/* common.c - error formatting and allocation helpers. */
#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gt_errf(gt_err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return GT_ERR;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return GT_ERR;
}

static void *oom(size_t n)
{
	fprintf(stderr, "gtriage: out of memory (%zu bytes)\n", n);
	abort();
}

void *gt_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	return p ? p : oom(n);
}

void *gt_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	return p ? p : oom(n * size);
}

void *gt_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	return q ? q : oom(n);
}

char *gt_strndup(const char *s, size_t n)
{
	char *d = gt_malloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}
