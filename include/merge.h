/*
 * merge.h - joins the set a piece of a dump was read into (parse.h:
 * parse_new_inside) onto the set of the input before it, as if one parser
 * had read both: groups in first-seen order, ids in input order up to
 * the cap, counts, ages and evidence the same as read whole.
 */
#ifndef GT_MERGE_H
#define GT_MERGE_H

#include "group.h"

/* 1 if src can be joined onto dst's last dump: what its reader skipped,
 * it skipped on what that dump had already (group_hint), not another. */
int merge_fits(const group_set *dst, const group_set *src);

/* Joins the one dump of src, read from a piece that follows dst's last
 * dump within the same dump, onto that dump; src's groups move to dst or
 * are freed, so src is left empty (group_set_free it). src must have been
 * made with dst's rules and opts, its dump unfinished and holding no
 * crash or test-timeout links (the joiner takes plain dumps only). */
void merge_piece(group_set *dst, group_set *src);

#endif
