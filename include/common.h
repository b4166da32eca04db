/*
 * common.h - error reporting shared by every module.
 *
 * Library functions return GT_OK or GT_ERR and, on GT_ERR, fill a
 * caller-owned gt_err with a one-line message (no trailing newline).
 * Nothing below main.c prints or exits.
 */
#ifndef GT_COMMON_H
#define GT_COMMON_H

#include <stddef.h>

enum { GT_OK = 0, GT_ERR = -1 };

typedef struct gt_err {
	char msg[1024];
} gt_err;

/* Formats into e->msg (if e is not NULL) and returns GT_ERR. */
int gt_errf(gt_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Allocation that never returns NULL: aborts with a message on OOM, the
 * one failure a triage tool cannot report usefully. */
void *gt_malloc(size_t n);
void *gt_calloc(size_t n, size_t size);
void *gt_realloc(void *p, size_t n);
char *gt_strndup(const char *s, size_t n);

#endif
