/*
 * group_priv.h - what the files of the grouper share: the stack table and
 * its buckets. Not for callers of group.h.
 *
 * group.c        the sink, groups, flagging and ordering
 * group_find.c   the group of a goroutine's stack
 * group_piece.c  joining the sets of pieces of a dump (merge.h): a group's
 *                stack found in another set, what later pieces may skip
 */
#ifndef GT_GROUP_PRIV_H
#define GT_GROUP_PRIV_H

#include <string.h>

#include "group.h"

/* Table keys start with a keyed hash already: bucket by its bits rather
 * than hash them again with uthash's fixed, unkeyed function. */
#define HASH_FUNCTION(keyptr, keylen, hashv)                                   \
	do {                                                                   \
		uint64_t hk_;                                                  \
		(void)(keylen);                                                \
		memcpy(&hk_, (keyptr), sizeof hk_);                            \
		(hashv) = (unsigned)(hk_ ^ hk_ >> 32);                         \
	} while (0)
#include "uthash.h"

/* Groups with the same table hash but different stacks hang off the first
 * one's collision list, so the uthash key stays 8 bytes. */
typedef struct group_bucket {
	uint64_t hash;
	group *first;
	UT_hash_handle hh;
} bucket;

/* Names and paths are a few dozen bytes: eight at a time inline beats a
 * call to memcmp for each of the strings of every goroutine's stack. */
static inline int streq(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0;

	if (alen != blen)
		return 0;
	for (; i + 8 <= blen; i += 8) {
		uint64_t x, y;

		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return 0;
	}
	for (; i < blen; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* The group of pg's stack in d (group_find.c), made by group_create if d
 * has none. */
group *group_find(group_set *s, group_dump *d, const parse_goroutine *pg);
/* A new group of d for pg's stack, classified and fingerprinted. */
group *group_create(group_set *s, group_dump *d, const parse_goroutine *pg);
/* Appends g to d's groups, numbering it. */
void group_push(group_dump *d, group *g);
/* A group's stack hashed as stack_hash (group.c) hashes its goroutines'. */
uint64_t group_hash(const hash_key *k, const group *g, group_by by);
/* s began a dump: the word left about its earlier dumps is old. */
void group_hints_dump(group_set *s);
/* A new group of a piece's set: what its dump has enough of already. */
void group_take_hint(const group_set *s, group *g);

#endif
