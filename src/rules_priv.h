/*
 * rules_priv.h - the compiled rule set, shared by the loader (rules.c) and
 * the evaluator (rules_eval.c). Not part of the API.
 */
#ifndef GTRIAGE_RULES_PRIV_H
#define GTRIAGE_RULES_PRIV_H

#define PCRE2_CODE_UNIT_WIDTH 8

#include "rules.h"

#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

/* What a condition is matched against. */
enum cond_key { K_STATE, K_FRAME, K_TOP, K_CREATED, K_FILE, K_STACK };

typedef struct cond {
	enum cond_key key;
	int negate; /* "not-" prefix: the condition holds when nothing matches */
	pcre2_code *re;
} cond;

typedef struct rule {
	int is_diag;
	category cat;      /* category rules: the category given */
	char *name;
	char *file;
	unsigned line;
	cond *conds;
	size_t nconds;
	/* diagnosis rules only */
	unsigned cats;     /* bit per category it applies to; 0 = any */
	uint64_t min_count;
	int min_minutes;
	int have_min_count, have_min_minutes, have_leak_at, have_healthy;
	int have_blind_leak_at;
	/* heap-site diagnoses ("heap"): never tried on goroutine groups */
	int heap, growing, have_min_object_size, have_min_objects,
	    have_max_objects;
	uint64_t min_object_size, min_objects, max_objects;
	char *cause;
	char *fix;
	rules_diag diag;   /* views of the fields above, handed to callers */
} rule;

typedef struct rule_list {
	rule **v;
	size_t n, cap;
} rule_list;

struct rules {
	rule_list cats;    /* tried in order, first match wins */
	rule_list diags;   /* all tried */
	pcre2_general_context *gctx;
	pcre2_compile_context *cctx;
	pcre2_match_data *md;
	char *scratch;     /* the "stack" subject, rebuilt per evaluation */
	size_t scratch_cap;
};

#endif
