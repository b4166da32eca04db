/*
 * builtin_rules.h - the rule files of patterns/, compiled into the binary
 * by scripts/embed-rules.sh (build/builtin_rules.c), so the built-in rules
 * work from any working directory.
 */
#ifndef GT_BUILTIN_RULES_H
#define GT_BUILTIN_RULES_H

#include <stddef.h>

typedef struct {
	const char *name; /* "patterns/20-categories.rules" */
	const char *text; /* the file's bytes, NUL-terminated */
	size_t len;       /* without the terminating NUL */
} builtin_rule_file;

/* In name order, as the build passes them. */
extern const builtin_rule_file builtin_rules[];
extern const size_t builtin_rules_count;

#endif
