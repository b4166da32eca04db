/*
 * rules.h - PCRE2 classification and diagnosis rules loaded from *.rules
 * files (format: patterns/README.md), for goroutine groups and heap
 * allocation sites.
 *
 * Rule sets are added in order of precedence: main adds the user's files
 * (--rules, $GTRIAGE_RULES) first and the built-in patterns last, so a user
 * category rule can override a built-in one. Category rules are tried in
 * that order, the first whose conditions all match gives the category.
 * Diagnosis rules are all tried; every match is reported.
 *
 * Patterns are compiled once, with JIT when available, and a rule set is
 * evaluated once per distinct stack, never per goroutine.
 */
#ifndef GT_RULES_H
#define GT_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "category.h"
#include "common.h"

/* What a rule sees of a goroutine group. Strings need not be NUL-terminated. */
typedef struct rules_frame {
	const char *func;
	size_t func_len;
	const char *file; /* may be NULL */
	size_t file_len;
	unsigned line;
} rules_frame;

typedef struct rules_subject {
	const char *state;   /* "" for debug=1 records */
	size_t state_len;
	unsigned flags;      /* union of PARSE_G_* */
	const rules_frame *frames; /* innermost first */
	size_t nframes;
	const rules_frame *created_by; /* NULL when absent */
	uint64_t id;         /* id of the first goroutine seen, 0 if none */
	uint64_t count;      /* goroutines in the group (diagnosis only) */
	int max_minutes;     /* -1 when none printed (diagnosis only) */
} rules_subject;

/* A diagnosis: a probable cause and its fix. Owned by the rule set. */
typedef struct rules_diag {
	const char *name;    /* "http-body-not-closed" */
	const char *cause;   /* one line */
	const char *fix;     /* one line */
	uint64_t leak_at;    /* flag the group as a leak from this many
				goroutines on; 0 = never flags by itself */
	uint64_t blind_leak_at; /* the same without per-goroutine evidence
				   (debug=1, protobuf): below it, from
				   leak_at, suspect; 0 = leak_at */
	int healthy;         /* a known-healthy shape: exempt from the size and
				age thresholds while small */
	const char *file;    /* where it was defined, for -v */
	unsigned line;
} rules_diag;

typedef struct rules rules;

rules *rules_new(void);
void rules_free(rules *r);

/* Adds a *.rules file, or every *.rules file of a directory in name order.
 * Errors name file:line and, for a bad pattern, PCRE2's message and the
 * offset in the pattern. On error the set is unchanged. */
int rules_add_path(rules *r, const char *path, gt_err *e);

/* Adds rules from memory; name is used in messages ("builtin/10-x.rules"). */
int rules_add_text(rules *r, const char *name, const char *text, size_t len,
		   gt_err *e);

size_t rules_count(const rules *r); /* category + diagnosis rules */

/* The category of a subject (CAT_UNKNOWN if no rule matched). */
category rules_categorize(const rules *r, const rules_subject *s);

/* Fills out with up to max diagnoses matching a subject of category cat;
 * returns how many matched (may exceed max). */
size_t rules_diagnose(const rules *r, const rules_subject *s, category cat,
		      const rules_diag **out, size_t max);

/* What a heap diagnosis (a rule with the "heap" key) sees of an allocation
 * site. Its conditions match as for a goroutine: frame, file, top, stack;
 * state is "", there is no created-by line. */
typedef struct rules_heap_site {
	const rules_frame *frames; /* every frame, the runtime's included,
				      innermost first */
	size_t nframes;
	int growing;               /* grows steadily across snapshots */
	uint64_t object_size;      /* in-use bytes per in-use object, 0 when
				      none is in use */
	uint64_t objects;          /* objects in use */
} rules_heap_site;

/* As rules_diagnose, for the heap diagnoses only ("growing" ones hold only
 * for a growing site, "min-object-size", "min-objects" and "max-objects"
 * ones within those bounds). */
size_t rules_diagnose_heap(const rules *r, const rules_heap_site *s,
			   const rules_diag **out, size_t max);

#endif
