/*
 * group.h - buckets goroutines with identical stacks (uthash), one table per
 * dump, classifies each distinct stack once and flags probable leaks.
 *
 * A group_set is a parse_sink consumer: pass group_sink() to parse_new().
 * All strings in groups and dumps are owned by the set; group_set_free()
 * releases everything.
 */
#ifndef GT_GROUP_H
#define GT_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "category.h"
#include "common.h"
#include "hash.h"
#include "evidence.h"
#include "parse.h"
#include "rules.h"

typedef enum group_by {
	GROUP_BY_LINE, /* function and file:line of every frame (default) */
	GROUP_BY_FUNC, /* function names only: survives line shifts */
} group_by;

/* Thresholds for flagging (all settable from the command line). */
typedef struct group_opts {
	group_by by;
	uint64_t min_count;   /* a blocked group this large is a leak (default 100) */
	double min_share;     /* ... or one holding this share of all goroutines */
	uint64_t share_floor; /* ... when it has at least this many (default 10) */
	int min_minutes;      /* blocked this long is a leak (default 10) */
	uint64_t pool_max;    /* a small idle pool: at most this many (default 8) */
	size_t max_ids;       /* ids kept per group (default 10000, 0 = all) */
} group_opts;

void group_opts_default(group_opts *o);

/* Why a group is flagged. */
enum {
	GROUP_R_NIL_CHAN = 1u << 0,   /* blocked on a nil channel: forever */
	GROUP_R_SELECT_FOREVER = 1u << 1, /* select {} */
	GROUP_R_LEAKED = 1u << 2,     /* the runtime marked it (leaked) */
	GROUP_R_DEADLOCK = 1u << 3,   /* the process died of a deadlock */
	GROUP_R_COUNT = 1u << 4,      /* count >= min_count */
	GROUP_R_SHARE = 1u << 5,      /* share >= min_share */
	GROUP_R_MINUTES = 1u << 6,    /* blocked >= min_minutes */
	GROUP_R_DIAGNOSIS = 1u << 7,  /* a diagnosis with leak_at <= count */
	GROUP_R_GROWING = 1u << 8,    /* grows across snapshots (trend/diff) */
	GROUP_R_TEST_TIMEOUT = 1u << 9, /* blocked in a test that timed out */
	GROUP_R_EVIDENCE = 1u << 10,   /* the evidence of accumulation */
	GROUP_R_GOLEAK = 1u << 11,    /* goleak listed it: outlived its test */
};

/* The verdict on a group or finding, in rising order of suspicion. */
typedef enum verdict {
	VERDICT_NORMAL,
	VERDICT_SUSPECT, /* worth a look */
	VERDICT_LEAK,    /* probable leak: exit status 1 */
} verdict;

typedef struct group_frame {
	char *func;
	char *file; /* NULL when the dump had no file line */
	unsigned line;
	size_t func_len, file_len; /* lengths of func and file (a NUL byte
				      from the dump may sit inside) */
} group_frame;

typedef struct group {
	category cat;
	char *state;        /* wait reason as printed, "" for debug=1 */
	size_t state_len;   /* a dump may hold NUL bytes: compare by length */
	uint64_t count;
	int min_minutes;    /* -1: no goroutine printed minutes */
	int max_minutes;
	uint64_t nlocked;   /* goroutines locked to a thread */
	uint64_t nleaked;   /* goroutines marked (leaked) */
	uint64_t ntruncated;
	unsigned flags;     /* union of PARSE_G_* seen */
	uint64_t *ids;      /* goroutine ids, in input order (debug=1: none) */
	size_t nids;
	size_t ids_cap;
	group_frame *frames; /* innermost first */
	size_t nframes;
	group_frame created_by; /* func NULL when absent */
	char *labels;       /* NULL when absent */
	size_t labels_len;
	char fingerprint[17]; /* 16 hex digits: the stack as every capture
				 method prints it (fingerprint.h) */
	unsigned reasons;   /* GROUP_R_* */
	const rules_diag **diags;
	size_t ndiags;
	int healthy;        /* a healthy diagnosis matched */
	uint64_t runtime_sig; /* debug=1: see parse_goroutine */
	int inferred;       /* debug=1: category taken from another record
			       blocked the same way */
	uint64_t ntest;     /* goroutines of a test that timed out */
	evidence ev;        /* what the dump says about how it came to be */
	verdict verdict;    /* set by group_set_finish() */
	char *why;          /* the verdict's one evidence line */
	const struct group *holder; /* group of the probable lock holder */
	long finding;       /* index into its dump's findings, -1 none */
	uint32_t seq;       /* creation order in its dump */

	/* private: next group whose stack hashed the same */
	struct group *chain;
	int hinted;  /* offered to later pieces' readers (merge.h) */
	int ids_off; /* a piece's group whose ids are past the cap */
	long hint_dump; /* a piece's group: the dump whose hint it took,
			   -1 none */
} group;

/* The crash a dump reports (panic, fatal error, deadlock, signal, test
 * timeout), from what was printed before the goroutines and from the
 * goroutines themselves. */
typedef struct group_crash {
	char **message;     /* title and continuation lines, as printed */
	size_t nmessage;
	char *signal;       /* "SIGSEGV: segmentation violation ...", NULL */
	char **tests;       /* "running tests:" entries, "TestX (5s)" */
	size_t ntests;
	uint64_t id;        /* the goroutine that crashed (PARSE_G_CRASHED),
			       0 when none */
	char *state;        /* its state; NULL when id is 0 */
	group_frame *frames; /* its stack, innermost first */
	size_t nframes;
	group_frame created_by; /* func NULL when absent */
	uint64_t created_in;
	const group *group; /* the group holding it, NULL when none */
	/* The goroutines the crash is about besides that one: for a deadlock
	 * every blocked group, for a test timeout the groups of the running
	 * tests' goroutines (and those they started). Order of the dump's
	 * groups; not owned. */
	const group **groups;
	size_t ngroups;
	uint64_t *test_ids; /* test timeout: ids of those goroutines, sorted */
	size_t ntest_ids;
} group_crash;
/* Groups that are parts of one problem (they share objects or parents). */
typedef struct group_finding {
	verdict verdict;    /* its worst member's */
	group **groups;     /* members, by suspicion */
	size_t ngroups;
	uint64_t goroutines;
	unsigned links;     /* EVIDENCE_LINK_* that joined them */
	char *why;          /* one evidence line */
} group_finding;

typedef struct group_dump {
	parse_kind kind;
	char *title;        /* panic/fatal/signal line or NULL */
	parse_prefix prefix;
	uint64_t lineno;
	uint64_t declared_total;
	int truncated;
	double time;        /* seconds since the epoch from the dump's log
			       prefix (parse_dump.time), 0 when unknown */
	group_crash crash;  /* empty unless the dump is a crash */
	uint64_t total;     /* goroutines in this dump */
	uint64_t by_cat[CAT__COUNT];
	uint64_t leaked_goroutines; /* in flagged groups */
	size_t nflagged;
	group **groups;     /* ordered by suspicion after group_set_finish() */
	size_t ngroups;
	group_finding *findings; /* by suspicion; groups alone are findings of
				    one */
	size_t nfindings;
	uint64_t id_min, id_max; /* goroutine id range, 0 when none */

	/* private: stack hash -> groups; evidence until resolved */
	struct group_bucket *table;
	struct group **recent; /* GROUP_RECENT groups last found, by a
				  cheap key: tried before the full hash */
	struct group_tag *tags; /* groups last found by a parser's stack tag
				   (parse_goroutine.stack_tag) */
	/* private, test timeouts only: each goroutine's id, parent, group */
	struct group_link *tlinks;
	size_t ntlinks, tlinks_cap;
	size_t groups_cap;
	evidence_dump *evd;
	int resolved;
	evidence_link *links; /* between groups, by seq, once resolved */
	size_t nlinks;
} group_dump;

typedef struct group_set {
	group_opts opts;
	const rules *rules; /* not owned */
	group_dump **dumps; /* in input order */
	size_t ndumps;
	parse_stats stats;  /* copied by group_set_finish() */

	/* private: keys the stack table, drawn per set */
	hash_key key;
	int piece; /* reads a piece of a dump for merge.h */
	/* private: what the sets of later pieces may skip, shared with them
	 * (group_set_pieces) */
	struct group_hints *hints;
} group_set;

/* rules must outlive the set. */
group_set *group_set_new(const rules *r, const group_opts *o);
void group_set_free(group_set *s);
/* Prepares s to have pieces joined onto it: call before any piece's set
 * is made. */
void group_set_pieces(group_set *s);
/* A set for a piece of a dump read apart and joined onto a set made like
 * like (merge.h); like may be joined onto while the piece is read. */
group_set *group_set_new_piece(const group_set *like);
/* Tells the readers of later pieces what they may skip of g, one of s's
 * groups whose evidence is saturated (evidence_saturated). */
void group_hint(group_set *s, group *g, uint64_t cut);

/* For joining sets (merge.h): the group of d with g's stack, or, when d has
 * none, g itself, then d's newest group (its seq renumbered; the caller
 * takes it from its old set). g must come from a set with the same opts. */
group *group_adopt(group_set *s, group_dump *d, group *g);
/* Frees a group no dump holds. */
void group_free(group *g);

/* A sink that feeds the set; valid while the set lives. */
parse_sink group_sink(group_set *s);

/* After the parse: records stats, flags and orders every dump's groups. */
void group_set_finish(group_set *s, const parse_stats *st);

/* After a caller changed groups' reasons (a baseline): counts the flagged
 * groups and goroutines of d again and reorders its groups by suspicion. */
void group_dump_recount(group_dump *d);

/* The dump the top-level figures describe: the last one, or NULL. */
const group_dump *group_set_last(const group_set *s);

/* A probable leak: the verdict says so (exit status 1). */
static inline int group_is_leak(const group *g)
{
	return g->verdict == VERDICT_LEAK;
}

/* One-line human text for each reason bit set in g->reasons, e.g.
 * "412 goroutines (>= 100)". Writes into buf; returns buf. */
const char *group_reason_text(const group *g, unsigned reason,
			      const group_dump *d, const group_opts *o,
			      char *buf, size_t len);

/* Copies a parsed frame into dst (owned strings; frees with the group). */
void group_frame_copy(group_frame *dst, const parse_frame *f);

/* Frames worth showing: not runtime, internal or the standard library.
 * Returns 1 if f is a user frame. */
int group_frame_is_user(const group_frame *f);

#endif
