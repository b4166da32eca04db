/*
 * verdict.h - the verdict on a group: a probable leak, worth a look, or
 * normal, from its evidence (evidence.h), size, age and diagnoses, with one
 * short line saying why. The model is documented in the README.
 */
#ifndef GT_VERDICT_H
#define GT_VERDICT_H

#include <stddef.h>

#include "group.h"

/* "normal", "suspect", "leak". */
const char *verdict_name(verdict v);

/* Judges g of dump d (its reasons and diagnoses already set) and writes the
 * evidence line into line. */
verdict verdict_judge(const group *g, const group_dump *d,
		      const group_opts *o, char *line, size_t len);

#endif
