/*
 * evidence.h - what one dump says about how each group of goroutines came
 * to be: the spread of their ages and ids, whether their parents are still
 * alive, the object each one waits on, who probably holds a contended lock,
 * and which groups share objects or parents (parts of one problem).
 *
 * Memory is bounded by groups, not goroutines: each group keeps a uniform
 * sample of at most EVIDENCE_SAMPLE goroutines (id, parent, minutes, wait
 * object) and a few counters. The dump keeps every goroutine id until it
 * ends, to tell alive parents: a bit per id of the range seen (ids come
 * from a counter, so a dump's are dense), or, once that would be larger,
 * a list of 8 bytes each (in a long-lived process the range is every
 * goroutine ever started, not those alive); and a table of the argument
 * addresses seen (at most EVIDENCE_ADDR_MAX slots; once full, no more are
 * recorded and object sharing is judged on what is there). Both are freed
 * when the dump is resolved.
 */
#ifndef GT_EVIDENCE_H
#define GT_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "parse.h"

#define EVIDENCE_ADDR_MAX (1u << 18)
#define EVIDENCE_SAMPLE 1024   /* goroutines sampled per group */
#define EVIDENCE_WAIT_MAX 4    /* wait frames looked at per stack */
#define EVIDENCE_ID_BUCKETS 32 /* id range cut into this many for coverage */

/* What a goroutine's blocking frame waits on. */
typedef enum evidence_obj_kind {
	EVIDENCE_OBJ_NONE,   /* nothing to name: running, sleep, unknown */
	EVIDENCE_OBJ_SELECT, /* a select waits on several channels */
	EVIDENCE_OBJ_CHAN,
	EVIDENCE_OBJ_MUTEX,
	EVIDENCE_OBJ_RWMUTEX,
	EVIDENCE_OBJ_WAITGROUP,
	EVIDENCE_OBJ_COND,
	EVIDENCE_OBJ_SEMA,   /* a runtime semaphore */
	EVIDENCE_OBJ_POLL,   /* a network poller descriptor: one per fd */
	EVIDENCE_OBJ_OWNER,  /* the runtime's frames are hidden (the default
				traceback): the first pointer argument of the
				blocked function, its receiver or closure */
	EVIDENCE_OBJ__COUNT
} evidence_obj_kind;

const char *evidence_obj_kind_name(evidence_obj_kind k); /* "chan", ... */

/* What a wait frame's receiver or first argument shows. */
typedef enum evidence_arg {
	EVIDENCE_ARG_OK,
	EVIDENCE_ARG_IMPRECISE, /* "0xc000123456?": used, but may be stale */
	EVIDENCE_ARG_INLINED,   /* "...": the frame was inlined */
	EVIDENCE_ARG_NONE,      /* no argument text (debug=1) or not a pointer */
} evidence_arg;

/* Reads the first argument word of args as a pointer. */
evidence_arg evidence_first_arg(const char *args, size_t len, uint64_t *out);

/* The wait object of a goroutine: the kind of its blocking frame and, when
 * readable, the receiver or channel address (0 when not). */
evidence_obj_kind evidence_wait_object(const parse_frame *frames, size_t n,
				       uint64_t *addr, evidence_arg *how);

typedef struct evidence_sample {
	uint64_t id;
	uint64_t parent; /* 0: not printed */
	uint64_t obj;    /* 0: none readable */
	int minutes;     /* -1: not printed */
	uint64_t order;  /* its place among the group's goroutines with ids */
} evidence_sample;

/* Per group; zero-initialised by the caller, evidence_free() releases. */
typedef struct evidence {
	/* gathered while parsing */
	evidence_sample *sample; /* a uniform sample, up to keep: those
				    whose ids hash lowest */
	size_t nsample, sample_cap, keep;
	uint64_t count;      /* goroutines seen (debug=1 records: counts) */
	uint64_t nseen;      /* goroutines with an id, offered to the sample */
	uint64_t nminutes;   /* goroutines that printed minutes */
	uint64_t nparent;    /* goroutines that printed a parent id */
	uint64_t id_min, id_max;
	evidence_obj_kind obj_kind; /* of the first goroutine */
	uint64_t nobj;       /* goroutines whose wait object was readable */
	uint64_t obj_imprecise, obj_inlined, obj_noargs;
	uint16_t wait[2 * EVIDENCE_WAIT_MAX]; /* the stack's wait frames */
	unsigned char nwait;
	/* a piece's group whose stack the whole dump has seen enough of
	 * (evidence_saturated): no address notes, and no sample of an id
	 * whose key is not below cut */
	int saturated;
	uint64_t cut;

	/* resolved when the dump ends (evidence_resolve) */
	int resolved;
	unsigned ages;       /* distinct ages in the sample */
	unsigned ids_hit;    /* id buckets of the dump's range hit */
	double id_span;      /* (max - min) / the dump's id range, 0..1 */
	double id_cover;     /* ids_hit / the buckets it could hit */
	double id_density;   /* ids seen / (max - min + 1) */
	uint64_t parents;    /* distinct parents in the sample */
	uint64_t parents_checked; /* sampled goroutines with a parent id */
	uint64_t parents_alive;   /* ... whose parent is in the dump */
	uint64_t objs;       /* distinct wait objects in the sample */
	uint64_t objs_checked;    /* sampled goroutines with one */
	uint64_t top_obj;    /* the most common one */
	uint64_t top_obj_count;
	uint64_t holder_id;  /* a goroutine holding top_obj outside a wait */
	long holder_group;   /* its group's sequence number, -1 none */
} evidence;

void evidence_free(evidence *ev);

typedef struct evidence_dump evidence_dump;

evidence_dump *evidence_dump_new(void);
/* For a chunk of a dump read apart (see merge.h): its address notes are
 * logged for evidence_dump_merge, never resolved here. */
evidence_dump *evidence_dump_new_chunk(void);
void evidence_dump_free(evidence_dump *ed);

/* Records goroutine g of group seq (groups numbered 0.. in creation order)
 * whose evidence is ev; samples at most keep of them (0 = all). */
void evidence_add(evidence_dump *ed, evidence *ev, uint32_t seq,
		  const parse_goroutine *g, size_t keep);

/* The dump's goroutine id range (0, 0 when no id was seen). */
void evidence_dump_ids(const evidence_dump *ed, uint64_t *min, uint64_t *max);

/* Adds the evidence src gathered from a later chunk of the same group's
 * goroutines to dst. */
void evidence_merge(evidence *dst, const evidence *src);

/* 1 when ev's notes and sample can take nothing more from a goroutine
 * whose id's sample key is not below *cut: past EVIDENCE_SAMPLE goroutines
 * with a full sample. What a later piece may skip for the group. */
int evidence_saturated(const evidence *ev, uint64_t *cut);

/* Adds what src (evidence_dump_new_chunk) gathered from a later chunk of
 * the dump to dst, as if dst had read it: seqmap[i] is dst's sequence
 * number of src's group i, nseen_before[i] that group's nseen in dst before
 * the chunk. Call it before merging the groups' evidence. */
void evidence_dump_merge(evidence_dump *dst, const evidence_dump *src,
			 const uint32_t *seqmap, const uint64_t *nseen_before);

/* Why two groups are linked into one finding. */
enum {
	EVIDENCE_LINK_OBJECT = 1u << 0, /* their goroutines share addresses */
	EVIDENCE_LINK_PARENT = 1u << 1, /* one created the other */
	EVIDENCE_LINK_SIBLING = 1u << 2, /* created by the same goroutines */
	EVIDENCE_LINK_HOLDER = 1u << 3, /* one holds the lock the other waits on */
};

typedef struct evidence_link {
	uint32_t a, b;   /* group sequence numbers, a < b */
	uint64_t shared; /* addresses or parents shared, children linked */
	unsigned kind;   /* EVIDENCE_LINK_* */
} evidence_link;

/* After the dump: resolves the evidence of the n groups evs[seq] and
 * returns every link between two groups, one per pair and kind, in *links
 * (caller frees); which of them join groups is the findings' call. Frees
 * the dump-wide id list. */
void evidence_resolve(evidence_dump *ed, evidence *const *evs, size_t n,
		      evidence_link **links, size_t *nlinks);

#endif
