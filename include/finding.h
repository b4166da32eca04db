/*
 * finding.h - groups that are parts of one problem, joined into findings:
 * union-find over a dump's groups along the links evidence_resolve()
 * returns (shared objects, parents, siblings, a lock and its holder).
 */
#ifndef GT_FINDING_H
#define GT_FINDING_H

#include <stddef.h>

#include "evidence.h"
#include "group.h"

/* Rebuilds d->findings from the links between groups (by group seq) that
 * are strong enough (compatible counts, enough shared), after the groups
 * have their verdicts and are ordered by suspicion. */
void finding_build(group_dump *d, const evidence_link *links, size_t nlinks);

/* Frees d->findings. */
void finding_free(group_dump *d);

#endif
