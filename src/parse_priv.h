/*
 * parse_priv.h - what the files of the parser share: the parser state and
 * the functions one input shape calls in another. Not for callers of
 * parse.h.
 *
 * parse.c           line assembly, log prefixes, dump life cycle and the
 *                   one rule that says where a dump starts and ends
 * parse_traceback.c goroutine headers, frames, "created by", ancestors
 * parse_debug1.c    pprof debug=1 records
 * parse_crash.c     panic / fatal error / signal / test timeout text
 * parse_goleak.c    go.uber.org/goleak's lists of unexpected goroutines
 */
#ifndef GT_PARSE_PRIV_H
#define GT_PARSE_PRIV_H

/* each parse_*.c defines _GNU_SOURCE first: memmem, memrchr */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "logprefix.h"
#include "parse.h"

/* Lines a panic or signal header may span before its first goroutine. */
#define PENDING_MAX_LINES 200
/* Lines in a row inside a dump that are no dump text before the dump is
 * taken to have ended at the first of them. */
#define FOREIGN_MAX 64
/* Longest test name kept for a goleak dump. */
#define TEST_NAME_MAX 256
/* The first bytes are checked for binary content. */
#define SNIFF_BYTES 65536

enum { WF_NONE, WF_FRAME, WF_CREATED };
enum { K_STATE = 1, K_LABELS = 2, K_CFUNC = 4, K_CFILE = 8 };

enum mode {
	M_NOISE,   /* outside any dump */
	M_PENDING, /* saw a panic/fatal/signal header, waiting for goroutines */
	M_TRACE,   /* inside a traceback dump */
	M_DEBUG1,  /* inside a debug=1 profile */
};

/* A frame of the goroutine being read: views into the input or arena. */
typedef struct fslot {
	const char *func;
	size_t func_len;
	const char *args; /* between the parentheses of the function line */
	size_t args_len;
	const char *file;
	size_t file_len;
	unsigned line;
} fslot;

/* The frame the sink is handed for a slot: no arguments are "", no file
 * is NULL. */
static inline void parse_slot_frame(parse_frame *f, const fslot *s)
{
	f->func = s->func;
	f->func_len = s->func_len;
	f->args = s->args_len ? s->args : "";
	f->args_len = s->args_len;
	f->file = s->file_len ? s->file : NULL;
	f->file_len = s->file_len;
	f->line = s->line;
}

/* Arena blocks never move, so views into them stay valid until reset. */
typedef struct ablock {
	struct ablock *next;
	size_t len, cap;
	char data[];
} ablock;

struct parse_ctx {
	parse_sink sink;
	parse_stats st;

	/* line assembly */
	char *carry;
	size_t carry_len, carry_cap;
	int skipping; /* inside an over-long line */
	size_t sniffed;

	logprefix *lp;

	/* dump state */
	enum mode mode;
	parse_dump dump;
	char *title;
	size_t title_cap;
	parse_prefix pfx; /* prefix of the open dump or pending header */
	double pfx_time;  /* timestamp of the line that started it */
	const char *raw;  /* the current line with its prefix */
	size_t raw_len;
	parse_kind pending_kind;
	unsigned pending_lines;
	/* crash text from the title to the first goroutine: lines copied into
	 * ctext, offsets kept until the dump begins and views are made */
	char *ctext;
	size_t ctext_len, ctext_cap;
	size_t msg_off[PARSE_CRASH_LINES], msg_len[PARSE_CRASH_LINES], nmsg;
	size_t test_off[PARSE_CRASH_LINES], test_len[PARSE_CRASH_LINES], ntest;
	size_t sig_off, sig_len;
	int has_sig, msg_done, in_tests;
	int crash_first; /* the next goroutine header is the crashed one */
	parse_text msg_view[PARSE_CRASH_LINES], test_view[PARSE_CRASH_LINES];
	int race_skip;
	int crash_tail; /* past "-----": per-thread stacks of a crash */
	int leak_profile; /* a goroutineleak debug=1 profile: all leaked */
	int seen_g1;
	/* the resynchronisation rule (content_line): a run of lines inside a
	 * dump that no grammar took, and how many of them were not blank */
	uint64_t frun, fcount;
	uint64_t fpend; /* foreign lines of a run the dump resumed after,
			   counted once the goroutine that resumed it is
			   known to be no new dump's writer */
	int gh_line, gh_dump; /* the line / the dump's first line carried a
				 GitHub Actions timestamp */
	size_t indent; /* white space before a crash title: the dump's own */
	char test_name[TEST_NAME_MAX]; /* last test go test named */
	size_t test_name_len;
	char synth[96]; /* goleak: the header an entry stands for */
	uint64_t dump_goroutines;
	uint64_t dump_count; /* goroutines in the dump, record counts summed */
	uint64_t rec_pcs[8]; /* debug=1: the first pcs of the record header */
	size_t rec_npcs;

	/* goroutine under construction */
	int in_g;
	int in_ancestor;
	int want_file; /* WF_*: what the next tab-indented line belongs to */
	int gap;       /* a blank line followed: the goroutine ends unless
			  the next line continues it (double-spaced logs) */
	parse_goroutine g;
	ablock *arena;      /* first block; reset per goroutine, kept */
	ablock *arena_cur;  /* block being filled */
	int volatile_line;  /* the line lives in a buffer reused per line */
	fslot *slots;
	size_t nslots, slots_cap;
	size_t kept_funcs; /* slots[0..kept_funcs) have their func in arena */
	size_t kept_files; /* ... and [0..kept_files) their final file */
	unsigned kept;     /* K_*: the other views already in the arena */
	int has_created;
	fslot created;
	const char *state, *labels;
	parse_frame *frames;
	size_t frames_cap;
	parse_frame created_frame;

	/* the recognised-stack path (parse_fast.c) */
	int fast_hdr; /* a header was just read: its body may be a template's */
	int fast_rec; /* the body being read may become a template */
	struct ftmpl *tmpl; /* FAST_SETS sets of FAST_WAYS, NULL until one */
	uint64_t fast_clock;
	size_t fast_bytes; /* held by tmpl: within FAST_BUDGET */
	uint64_t fast_misses; /* bodies in a row no template had */
	unsigned rec_set; /* where the body read would go */
	const char *rec_start;
	uint64_t rec_lines, rec_long, rec_emitted, rec_dumps, rec_fpend,
		rec_lineno;
	const fslot *lazy_slots; /* slots[0..nslots) are these, not copied */
	/* the open goroutine's stack is a template's while it has
	 * cur_nslots frames and cur_created says whether "created by" */
	const parse_frame *cur_frames;
	uint64_t cur_tag;
	size_t cur_nslots;
	int cur_created;
};

static inline int starts(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && memcmp(s, lit, l) == 0;
}

/* parse.c: numbers, memory, the dump life cycle */
uint64_t parse_u64(const char *s, size_t n, size_t *used);
uint64_t parse_hex(const char *s, size_t n, size_t *used);
void parse_grow(void *pp, size_t *cap, size_t need, size_t elem);
const char *parse_arena_put(parse_ctx *p, const char *s, size_t n);
/* A view of s that stays valid until the goroutine is emitted. */
static inline const char *parse_keep(parse_ctx *p, const char *s, size_t n)
{
	return p->volatile_line ? parse_arena_put(p, s, n) : s;
}
/* parse_dump.c */
/* Forgets the goroutine being read (its views and arena space). */
void parse_g_reset(parse_ctx *p);
static inline uint64_t parse_sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}
int parse_dump_begin(parse_ctx *p, parse_kind kind, gt_err *e);
int parse_dump_end(parse_ctx *p, gt_err *e);
int parse_end_keep_prefix(parse_ctx *p, gt_err *e);
int parse_emit(parse_ctx *p, gt_err *e);
/* Ends the dump and starts a traceback dump on the current line. */
int parse_next_dump(parse_ctx *p, gt_err *e);

/* parse_traceback.c */
/* Reads a line's leading white space by its shape, not its bytes: a frame's
 * file line indented by spaces, or by spaces then a tab, is indented; any
 * line the grammar knows unindented loses its white space. */
void parse_trace_indent(const char **s, size_t *n);
int parse_is_header(parse_ctx *p, const char *s, size_t n);
int parse_is_dump_writer(parse_ctx *p);
/* One line of traceback text. Returns 1 if it belongs to the dump. */
int parse_trace_line(parse_ctx *p, const char *s, size_t n, gt_err *e,
		     int *rc);
int parse_start_goroutine(parse_ctx *p, const char *hdr, size_t n);

/* parse_fast.c */
/* After a header at the end of a line, s[0..avail) is what follows it:
 * returns the length of its body if that is a template's (the goroutine
 * then has its frames), else 0 (and the body may be recorded). */
size_t parse_fast_body(parse_ctx *p, const char *s, size_t avail);
/* The blank line at blank follows the body parse_fast_body saw: makes it a
 * template if all of it went to the goroutine. */
void parse_fast_record(parse_ctx *p, const char *blank);
void parse_fast_free(parse_ctx *p);
/* Copies the template's frames of the open goroutine into p->slots: call
 * before p->slots is read or added to when p->lazy_slots is set. */
void parse_fast_own(parse_ctx *p);

/* parse_goleak.c */
/* 1 if s is a goleak entry, "[Goroutine 7 in state chan receive, with
 * pkg.f on top of the stack:" (a space for the "[" after the first). */
int parse_goleak_entry(const char *s, size_t n);
/* A line of a goleak dump: entries, their separators and the closing "]".
 * Returns 1 if it took the line. */
int parse_goleak_line(parse_ctx *p, const char *s, size_t n, gt_err *e,
		      int *rc);

/* parse_debug1.c */
size_t parse_profile_line(const char *s, size_t n);
int parse_debug1_line(parse_ctx *p, const char *s, size_t n, gt_err *e,
		      int *rc);

/* parse_crash.c */
int parse_title_line(const char *s, size_t n, parse_kind *kind);
void parse_crash_start(parse_ctx *p, const char *s, size_t n);
void parse_crash_line(parse_ctx *p, const char *s, size_t n);
void parse_crash_views(parse_ctx *p, parse_kind kind);
/* Adds an entry to the crash text's test list. */
void parse_crash_test(parse_ctx *p, const char *s, size_t n);
/* go test's own lines: "=== RUN", "--- FAIL: TestX", "ok  \tpkg", "PASS",
 * "FAIL", "exit status 2". Sets the test name it carries, if any. */
int parse_gotest_line(const char *s, size_t n, const char **name,
		      size_t *name_len);

/* ---- frame lines: the hot path, inlined where lines are read --------- */

/* A space in s[0..k)? s[0..n) may be read (k <= n): sixteen bytes at a
 * time where they lie within it, as a call per line would cost more. */
static inline int has_space(const char *s, size_t k, size_t n)
{
	size_t i = 0;

#ifdef __SSE2__
	const __m128i sp = _mm_set1_epi8(' ');

	for (; i + 16 <= n && i < k; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(s + i)),
			sp));

		if (k - i < 16)
			m &= (1u << (k - i)) - 1;
		if (m)
			return 1;
	}
#else
	(void)n;
#endif
	for (; i < k; i++)
		if (s[i] == ' ')
			return 1;
	return 0;
}

/* If s is a frame's function line, "pkg.(*T).Method(0xc000010000, ...)",
 * returns the length of the name before the argument list, else 0. Go
 * prints arguments as hex words, "{...}" and "...", never with
 * parentheses, so the last "(" opens the list; names have no spaces. */
static inline size_t frame_name(const char *s, size_t n)
{
	const char *open;
	size_t i;

	if (n < 3 || s[n - 1] != ')' || s[0] == ' ' || s[0] == '\t' ||
	    s[0] == '[' || (s[0] == 'c' && starts(s, n, "created by ")))
		return 0;
	/* the argument list is a few words: a loop beats a call */
	for (i = n - 2; i > 0 && n - i < 48 && s[i] != '('; i--)
		;
	open = s[i] == '(' ? s + i : memrchr(s, '(', n);
	if (open == NULL || open == s || has_space(s, (size_t)(open - s), n))
		return 0;
	return (size_t)(open - s);
}

/* Adds a frame whose function name is s[0..n); a is its argument text
 * (may be empty). */
static inline void parse_add_func(parse_ctx *p, const char *s, size_t n,
				  const char *a, size_t alen)
{
	fslot *f;

	if (p->lazy_slots)
		parse_fast_own(p);
	parse_grow(&p->slots, &p->slots_cap, p->nslots + 1, sizeof *p->slots);
	f = &p->slots[p->nslots++];
	f->func = parse_keep(p, s, n);
	f->func_len = n;
	f->args = alen ? parse_keep(p, a, alen) : NULL;
	f->args_len = alen;
	f->file = NULL;
	f->file_len = 0;
	f->line = 0;
	p->want_file = WF_FRAME;
}

/* "\t/src/app/pool.go:88 +0x7a" (or " fp=0x.. sp=0x.. pc=0x.."): the last
 * ':' separates the line number; nothing after it has another. */
static inline void parse_set_file(parse_ctx *p, fslot *f, const char *s, size_t n)
{
	const char *colon = s + n;
	size_t used;

	/* the ':' is a dozen bytes from the end: a loop beats a call */
	while (colon > s && colon[-1] != ':')
		colon--;
	colon = colon > s ? colon - 1 : NULL;

	if (colon) {
		size_t at = (size_t)(colon - s) + 1;
		uint64_t v = 0;

		/* parse_u64, inline: line numbers have a few digits */
		for (used = 0; at + used < n && used < 20 &&
			       s[at + used] >= '0' && s[at + used] <= '9';
		     used++) {
			unsigned d = (unsigned)(s[at + used] - '0');

			v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
		}
		f->line = (unsigned)v;
		if (used > 0 &&
		    (at + used == n || s[at + used] == ' ' || s[at + used] == '\t')) {
			f->file = parse_keep(p, s, at - 1);
			f->file_len = at - 1;
			return;
		}
	}
	{
		const char *sp = memchr(s, ' ', n);

		f->line = 0;
		n = sp ? (size_t)(sp - s) : n;
		f->file = parse_keep(p, s, n);
		f->file_len = n;
	}
}

/* Nine lines in ten of a big dump are a frame's function or its file:line;
 * raw_line (parse.c) has checked that a plain traceback goroutine is open.
 * Returns 1 if it took the line. */
static inline int parse_trace_fast(parse_ctx *p, const char *s, size_t n)
{
	size_t m = s[n - 1] == '\r' ? n - 1 : n, k;

	if (s[0] == '\t' && p->want_file == WF_FRAME) {
		parse_set_file(p, &p->slots[p->nslots - 1], s + 1, m - 1);
		p->want_file = WF_NONE;
		return 1;
	}
	if (!p->has_created && s[0] != 'W' && (k = frame_name(s, m)) > 0) {
		parse_add_func(p, s, k, s + k + 1, m - k - 2);
		return 1;
	}
	return 0;
}

#endif
