/*
 * evidence_priv.h - what the files of the evidence share: the dump-wide
 * tables. Not for callers of evidence.h.
 *
 * evidence.c          argument words, wait objects, the tables, sampling
 * evidence_merge.c    the evidence of pieces of a dump joined (merge.h)
 * evidence_resolve.c  ages, ids, parents, objects, holders and links once
 *                     the dump ends
 */
#ifndef GT_EVIDENCE_PRIV_H
#define GT_EVIDENCE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "evidence.h"

#define NO_GROUP 0u
#define MANY_GROUPS UINT32_MAX
#define PARENT_KEY (1ull << 63) /* parent ids share the address table */

typedef struct addr_slot {
	uint64_t key;        /* 0: empty */
	uint64_t holder_id;  /* first goroutine showing it outside a wait */
	uint32_t g1, g2;     /* groups + 1; g2 MANY_GROUPS: common */
	uint32_t holder_seq; /* + 1 */
	uint32_t hits;       /* goroutines that showed it (saturating) */
} addr_slot;

struct evidence_dump {
	addr_slot *slots;
	size_t nslots, used; /* nslots a power of two */
	int full;
	/* every goroutine id, to tell alive parents: a bit per id of the
	 * range seen while the range stays within 64 ids per goroutine (ids
	 * come from a counter, so a dump's are dense), else a list of 8
	 * bytes each, sorted when resolving */
	unsigned char *alive;
	uint64_t alive_base; /* id of bit 0, a multiple of 8 */
	size_t alive_len;    /* bytes */
	uint64_t *ids;
	size_t nids, ids_cap;
	int sparse;     /* the list is in use */
	uint64_t noted; /* ids noted either way */
	uint64_t id_min, id_max;
	/* a dump read in chunks (evidence_dump_new_chunk): the address notes
	 * are logged in input order, to be replayed onto the whole dump's
	 * table by evidence_dump_merge, which alone knows which goroutines
	 * are among the first of their group */
	int chunk;
	struct note *log;
	size_t nlog, log_cap;
};

/* A logged address note. */
enum { NOTE_G, NOTE_FRAME, NOTE_ARG, NOTE_ARG_WAIT };
typedef struct note {
	uint64_t v;   /* NOTE_G: the goroutine id; else the address or key */
	uint32_t seq; /* NOTE_G: its group */
	uint16_t kind;
	uint16_t nth; /* NOTE_G: its group's nseen then (<= EVIDENCE_SAMPLE) */
} note;

static inline uint64_t sample_key(uint64_t id)
{
	/* a bijection, so only a repeated id ties; Fibonacci hashing spreads
	 * the consecutive ids of a pool evenly */
	return id * 0x9e3779b97f4a7c15ull;
}

/* The slot of key; with insert, made when missing and the table not full.
 * NULL when absent. */
addr_slot *addr_find(evidence_dump *ed, uint64_t key, int insert);
/* Goroutine id of group seq showed key; waiting says it waits on it. */
void addr_note(evidence_dump *ed, uint64_t key, uint32_t seq, uint64_t id,
               int waiting);
/* Notes a goroutine id as alive. */
void id_note(evidence_dump *ed, uint64_t id);
/* Makes the bitmap cover id; 0 when that would make it larger than the
 * list it stands for. */
int alive_cover(evidence_dump *ed, uint64_t id);
/* Offers x to the sample of at most keep (0 = all). */
void sample_offer(evidence *ev, const evidence_sample *x, size_t keep);

#endif
