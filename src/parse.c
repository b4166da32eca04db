/*
 * parse.c - push-style goroutine dump parser.
 *
 * Input arrives in chunks; complete lines are handled in place (pointer and
 * length into the caller's buffer) and only a trailing partial line is
 * copied. The goroutine being read is a set of views into the input; only
 * when it straddles the end of a chunk, or comes from a decoded log line,
 * are its strings copied into a scratch arena that is reused, so nothing is
 * allocated per line or per goroutine in the steady state.
 *
 * Lines go through three layers: line assembly (chunks -> lines), log prefix
 * removal (logprefix.c), and the dump grammar (tracebacks and debug=1
 * records).
 */
#define _GNU_SOURCE /* memmem */
#include "parse.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "logprefix.h"

/* Lines a panic or signal header may span before its first goroutine. */
#define PENDING_MAX_LINES 200
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
	uint64_t dump_goroutines;
	uint64_t dump_count; /* goroutines in the dump, record counts summed */
	uint64_t rec_pcs[8]; /* debug=1: the first pcs of the record header */
	size_t rec_npcs;

	/* goroutine under construction */
	int in_g;
	int in_ancestor;
	int want_file; /* WF_*: what the next tab-indented line belongs to */
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
};

const char *parse_kind_name(parse_kind k)
{
	static const char *const n[PARSE_KIND__COUNT] = {
		"debug=2", "debug=1", "panic", "fatal error", "deadlock",
		"signal", "test timeout", "protobuf"};
	return (unsigned)k < PARSE_KIND__COUNT ? n[k] : "?";
}

const char *parse_prefix_name(parse_prefix p)
{
	static const char *const n[PARSE_PREFIX__COUNT] = {
		"none", "kubectl/CRI", "timestamp", "journald",
		"docker json-file", "literal"};
	return (unsigned)p < PARSE_PREFIX__COUNT ? n[p] : "?";
}

/* ---- small helpers ---------------------------------------------------- */

static int starts(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && memcmp(s, lit, l) == 0;
}

/* A decimal number of up to 20 digits; one past 2^64 - 1 reads as that. */
static uint64_t parse_u64(const char *s, size_t n, size_t *used)
{
	uint64_t v = 0;
	size_t i = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9' && i < 20; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
	}
	*used = i;
	return v;
}

/* "0x4a1b3c" (the 0x optional); *used is 0 if there is no hex number. */
static uint64_t parse_hex(const char *s, size_t n, size_t *used)
{
	uint64_t v = 0;
	size_t i = n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 2 : 0;
	size_t start = i;

	for (; i < n && i < 18; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
						    : 16;

		if (d == 16)
			break;
		v = v << 4 | d;
	}
	*used = i > start ? i : 0;
	return v;
}

static void grow(void *pp, size_t *cap, size_t need, size_t elem)
{
	void **p = pp;
	size_t c = *cap ? *cap : 64;

	if (need <= *cap)
		return;
	while (c < need)
		c *= 2;
	*p = gt_realloc(*p, c * elem);
	*cap = c;
}

static const char *arena_put(parse_ctx *p, const char *s, size_t n)
{
	ablock *b = p->arena_cur;
	char *d;

	if (b == NULL || b->len + n + 1 > b->cap) {
		ablock *next = b ? b->next : NULL;

		if (next == NULL || next->cap < n + 1) {
			size_t cap = n + 1 > 65536 ? n + 1 : 65536;

			next = gt_malloc(sizeof *next + cap);
			next->cap = cap;
			next->next = b ? b->next : NULL;
			if (b)
				b->next = next;
			else
				p->arena = next;
		}
		next->len = 0;
		b = p->arena_cur = next;
	}
	d = b->data + b->len;
	memcpy(d, s, n);
	d[n] = '\0';
	b->len += n + 1;
	return d;
}

/* A view of s that stays valid until the goroutine is emitted. */
static const char *keep(parse_ctx *p, const char *s, size_t n)
{
	return p->volatile_line ? arena_put(p, s, n) : s;
}

/* Copies the views of the goroutine being read that still point into the
 * input into the arena: called before the caller's buffer (or the carry) is
 * reused. What an earlier call copied stays put (arena blocks never move),
 * so each byte of a deep stack is copied once, however many chunks it
 * spans. Only the last frame's file may still be to come. */
static void rebase(parse_ctx *p)
{
	size_t i, files = p->want_file == WF_FRAME && p->nslots ? p->nslots - 1
								 : p->nslots;

	for (i = p->kept_funcs; i < p->nslots; i++) {
		fslot *f = &p->slots[i];

		f->func = arena_put(p, f->func, f->func_len);
		if (f->args_len)
			f->args = arena_put(p, f->args, f->args_len);
	}
	for (i = p->kept_files; i < files; i++)
		if (p->slots[i].file)
			p->slots[i].file = arena_put(p, p->slots[i].file,
						     p->slots[i].file_len);
	p->kept_funcs = p->nslots;
	p->kept_files = files;
	if (p->has_created && !(p->kept & K_CFUNC)) {
		p->created.func = arena_put(p, p->created.func, p->created.func_len);
		p->kept |= K_CFUNC;
	}
	if (p->has_created && p->created.file && !(p->kept & K_CFILE)) {
		p->created.file =
			arena_put(p, p->created.file, p->created.file_len);
		p->kept |= K_CFILE;
	}
	if (p->g.state_len && !(p->kept & K_STATE)) {
		p->state = arena_put(p, p->state, p->g.state_len);
		p->kept |= K_STATE;
	}
	if (p->g.labels_len && !(p->kept & K_LABELS)) {
		p->labels = arena_put(p, p->labels, p->g.labels_len);
		p->kept |= K_LABELS;
	}
}

/* ---- life cycle ------------------------------------------------------- */

static void g_reset(parse_ctx *p);

parse_ctx *parse_new(const parse_sink *sink)
{
	parse_ctx *p = gt_calloc(1, sizeof *p);

	p->sink = *sink;
	p->lp = logprefix_new();
	g_reset(p);
	return p;
}

void parse_free(parse_ctx *p)
{
	if (p == NULL)
		return;
	logprefix_free(p->lp);
	free(p->carry);
	free(p->title);
	free(p->ctext);
	while (p->arena) {
		ablock *next = p->arena->next;

		free(p->arena);
		p->arena = next;
	}
	free(p->slots);
	free(p->frames);
	free(p);
}

const parse_stats *parse_get_stats(const parse_ctx *p)
{
	return &p->st;
}

const parse_sink *parse_get_sink(const parse_ctx *p)
{
	return &p->sink;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

void parse_add_stats(parse_ctx *p, const parse_stats *add)
{
	p->st.bytes = sat_add(p->st.bytes, add->bytes);
	p->st.lines = sat_add(p->st.lines, add->lines);
	p->st.dumps = sat_add(p->st.dumps, add->dumps);
	p->st.goroutines = sat_add(p->st.goroutines, add->goroutines);
	p->st.capped_counts = sat_add(p->st.capped_counts, add->capped_counts);
}

/* ---- goroutines and dumps -------------------------------------------- */

static void g_reset(parse_ctx *p)
{
	p->in_g = 0;
	p->want_file = 0;
	p->arena_cur = p->arena;
	if (p->arena)
		p->arena->len = 0;
	p->nslots = 0;
	p->kept_funcs = p->kept_files = 0;
	p->kept = 0;
	p->has_created = 0;
	memset(&p->g, 0, sizeof p->g);
	p->g.minutes = -1;
}

/* ---- crash text ------------------------------------------------------ */

/* Longest crash line kept: a message is for people, not a data channel. */
#define CRASH_LINE_MAX 4096

static size_t ctext_put(parse_ctx *p, const char *s, size_t n)
{
	size_t at = p->ctext_len;

	if (n > CRASH_LINE_MAX)
		n = CRASH_LINE_MAX;
	grow(&p->ctext, &p->ctext_cap, at + n + 1, 1);
	if (n)
		memcpy(p->ctext + at, s, n);
	p->ctext[at + n] = '\0';
	p->ctext_len = at + n + 1;
	return at;
}

/* A crash title starts the text anew. */
static void crash_start(parse_ctx *p, const char *s, size_t n)
{
	p->ctext_len = 0;
	p->nmsg = p->ntest = 0;
	p->has_sig = p->msg_done = p->in_tests = 0;
	p->msg_len[0] = n > CRASH_LINE_MAX ? CRASH_LINE_MAX : n;
	p->msg_off[p->nmsg++] = ctext_put(p, s, n);
}

/* A line between a crash title and the first goroutine. The message runs
 * to the first blank line: its continuation lines ("\tpanic: b" of a
 * [recovered] chain, the rest of a multi-line value, indented by Go 1.21+),
 * and for a test timeout the "running tests:" list. */
static void crash_line(parse_ctx *p, const char *s, size_t n)
{
	size_t t = 0;

	if (!p->has_sig && starts(s, n, "[signal ") && s[n - 1] == ']') {
		p->sig_len = n - 9 > CRASH_LINE_MAX ? CRASH_LINE_MAX : n - 9;
		p->sig_off = ctext_put(p, s + 8, n - 9);
		p->has_sig = 1;
		p->msg_done = 1;
		return;
	}
	if (p->msg_done)
		return;
	if (n == 0 || starts(s, n, "PC=") || starts(s, n, "runtime stack:") ||
	    starts(s, n, "signal arrived during") || starts(s, n, "goroutine ")) {
		p->msg_done = 1;
		return;
	}
	while (t < n && s[t] == '\t')
		t++;
	if (n - t == 14 && memcmp(s + t, "running tests:", 14) == 0) {
		p->in_tests = 1;
		return;
	}
	if (p->in_tests) {
		if (p->ntest < PARSE_CRASH_LINES) {
			p->test_len[p->ntest] =
				n - t > CRASH_LINE_MAX ? CRASH_LINE_MAX : n - t;
			p->test_off[p->ntest++] = ctext_put(p, s + t, n - t);
		}
		return;
	}
	if (p->nmsg < PARSE_CRASH_LINES) {
		p->msg_len[p->nmsg] = n > CRASH_LINE_MAX ? CRASH_LINE_MAX : n;
		p->msg_off[p->nmsg++] = ctext_put(p, s, n);
	}
}

/* The dump begins: the crash text becomes views (ctext no longer grows
 * until the dump is over). Dumps that are no crash have none. */
static void crash_views(parse_ctx *p, parse_kind kind)
{
	size_t i;
	int crash = kind != PARSE_KIND_TRACEBACK && kind != PARSE_KIND_DEBUG1 &&
		    p->dump.title_len > 0 && p->nmsg > 0;

	memset(&p->dump.signal, 0, sizeof p->dump.signal);
	p->dump.message = p->dump.tests = NULL;
	p->dump.nmessage = p->dump.ntests = 0;
	p->dump.crash_id = 0;
	p->crash_first = 0;
	if (!crash)
		return;
	for (i = 0; i < p->nmsg; i++) {
		p->msg_view[i].s = p->ctext + p->msg_off[i];
		p->msg_view[i].len = p->msg_len[i];
	}
	for (i = 0; i < p->ntest; i++) {
		p->test_view[i].s = p->ctext + p->test_off[i];
		p->test_view[i].len = p->test_len[i];
	}
	p->dump.message = p->msg_view;
	p->dump.nmessage = p->nmsg;
	p->dump.tests = p->ntest ? p->test_view : NULL;
	p->dump.ntests = p->ntest;
	if (p->has_sig) {
		p->dump.signal.s = p->ctext + p->sig_off;
		p->dump.signal.len = p->sig_len;
	} else if (kind == PARSE_KIND_SIGNAL) {
		p->dump.signal = p->msg_view[0];
	}
	/* the runtime prints the goroutine that panicked or threw first, and
	 * for a signal the one it arrived on; SIGQUIT is a request for a
	 * dump, a deadlock and a test timeout have no culprit goroutine */
	p->crash_first = kind == PARSE_KIND_PANIC || kind == PARSE_KIND_FATAL ||
			 (kind == PARSE_KIND_SIGNAL &&
			  !starts(p->msg_view[0].s, p->msg_view[0].len, "SIGQUIT:"));
}

static int dump_begin(parse_ctx *p, parse_kind kind, gt_err *e)
{
	p->dump.kind = kind;
	p->dump.prefix = p->pfx;
	p->dump.time = p->pfx == PARSE_PREFIX_NONE ? 0 : p->pfx_time;
	p->dump.title = p->dump.title_len ? p->title : NULL;
	p->dump.lineno = p->dump.lineno ? p->dump.lineno : p->st.lines;
	p->dump.truncated = 0;
	p->dump.ancestors = 0;
	crash_views(p, kind);
	p->dump_goroutines = 0;
	p->dump_count = 0;
	p->seen_g1 = 0;
	p->crash_tail = 0;
	p->mode = kind == PARSE_KIND_DEBUG1 ? M_DEBUG1 : M_TRACE;
	p->st.dumps++;
	if (p->sink.dump_begin)
		return p->sink.dump_begin(p->sink.ud, &p->dump, e);
	return GT_OK;
}

static int g_emit(parse_ctx *p, gt_err *e);

static int dump_end(parse_ctx *p, gt_err *e)
{
	int rc = GT_OK;

	if (p->mode == M_TRACE || p->mode == M_DEBUG1) {
		if (g_emit(p, e) != GT_OK)
			return GT_ERR;
		if (p->sink.dump_end)
			rc = p->sink.dump_end(p->sink.ud, &p->dump, e);
	}
	p->mode = M_NOISE;
	memset(&p->dump, 0, sizeof p->dump);
	p->pfx = PARSE_PREFIX_NONE;
	logprefix_reset(p->lp);
	g_reset(p);
	return rc;
}

/* Ends the dump on a line that is not dump text but still carries the
 * dump's log prefix: the same log may hold another dump later. */
static int end_keep_prefix(parse_ctx *p, gt_err *e)
{
	parse_prefix pfx = p->pfx;

	if (dump_end(p, e) != GT_OK)
		return GT_ERR;
	p->pfx = pfx;
	return GT_OK;
}

/* The goroutine that printed the dump is the first of a new debug=2 or
 * runtime.Stack dump: when one shows up mid-dump, two dumps were
 * concatenated. */
static int is_dump_writer(parse_ctx *p)
{
	static const char w[] = "runtime/pprof.writeGoroutineStacks";
	size_t i;

	/* only the one printing is running: a concurrent request for the
	 * profile waits its turn in the same function */
	if (p->g.state_len != 7 || memcmp(p->state, "running", 7) != 0)
		return 0;
	for (i = 0; i < p->nslots && i < 8; i++)
		if (p->slots[i].func_len == sizeof w - 1 &&
		    memcmp(p->slots[i].func, w, sizeof w - 1) == 0)
			return 1;
	return 0;
}

static int g_emit(parse_ctx *p, gt_err *e)
{
	size_t i;
	int rc;

	if (!p->in_g)
		return GT_OK;
	if (p->mode == M_TRACE && p->dump_goroutines > 0 && is_dump_writer(p)) {
		/* this goroutine opens the next dump: close the current one
		 * around it, keeping it as it is */
		if (p->sink.dump_end &&
		    p->sink.dump_end(p->sink.ud, &p->dump, e) != GT_OK)
			return GT_ERR;
		p->dump.title_len = 0;
		p->dump.lineno = p->g.lineno;
		if (dump_begin(p, PARSE_KIND_TRACEBACK, e) != GT_OK)
			return GT_ERR;
	}
	grow(&p->frames, &p->frames_cap, p->nslots + 1, sizeof *p->frames);
	for (i = 0; i < p->nslots; i++) {
		const fslot *s = &p->slots[i];
		parse_frame *f = &p->frames[i];

		f->func = s->func;
		f->func_len = s->func_len;
		f->args = s->args_len ? s->args : "";
		f->args_len = s->args_len;
		f->file = s->file_len ? s->file : NULL;
		f->file_len = s->file_len;
		f->line = s->line;
	}
	p->g.frames = p->frames;
	p->g.nframes = p->nslots;
	p->g.state = p->g.state_len ? p->state : "";
	if (p->g.labels_len)
		p->g.labels = p->labels;
	if (p->has_created) {
		p->created_frame.func = p->created.func;
		p->created_frame.func_len = p->created.func_len;
		p->created_frame.file =
			p->created.file_len ? p->created.file : NULL;
		p->created_frame.file_len = p->created.file_len;
		p->created_frame.line = p->created.line;
		p->g.created_by = &p->created_frame;
	}
	p->dump_goroutines++;
	p->dump_count += p->g.count;
	p->st.goroutines = p->st.goroutines + p->g.count < p->st.goroutines
				   ? UINT64_MAX
				   : p->st.goroutines + p->g.count;
	rc = p->sink.goroutine ? p->sink.goroutine(p->sink.ud, &p->g, e) : GT_OK;
	g_reset(p);
	return rc;
}

/* ---- traceback lines --------------------------------------------------- */

/* What a "goroutine N [...]:" line says; views into the line. */
typedef struct header {
	uint64_t id;
	const char *state, *labels;
	size_t state_len, labels_len;
	int minutes;
	unsigned flags;
} header;

/* Parses "goroutine N [state...]:" (with the optional gp=/m= fields and
 * labels) into h. Returns 1 if the line is a header. The caller has checked
 * the "goroutine " prefix. */
static int scan_header(const char *s, size_t n, header *h)
{
	size_t used, i, close, st_end, st_len;
	const char *br, *st;
	uint64_t id;
	int minutes = -1;
	unsigned flags = 0;

	s += 10, n -= 10; /* "goroutine " */
	id = parse_u64(s, n, &used);
	if (used == 0 || used == n || (s[used] != ' '))
		return 0;
	br = memchr(s + used, '[', n - used);
	if (br == NULL)
		return 0;
	i = (size_t)(br - s) + 1;
	st = s + i;
	{
		const char *c = memchr(st, ']', n - i);

		if (c == NULL)
			return 0;
		close = (size_t)(c - s);
	}
	/* after "]": ":" or " {labels}:" and nothing else */
	{
		const char *t = s + close + 1;
		size_t tl = n - close - 1;

		if (tl == 0 || t[tl - 1] != ':')
			return 0;
		if (tl > 1 && !(t[0] == ' ' && t[1] == '{' && tl >= 4 &&
				t[tl - 2] == '}'))
			return 0;
		h->labels = NULL;
		h->labels_len = 0;
		if (tl > 1) {
			h->labels = t + 1;
			h->labels_len = tl - 2;
		}
	}
	/* bracket: state [(leaked)] [(scan)] [(durable)] [, N minutes]
	 * [, locked to thread] [, synctest bubble N] [ labels:{...}] */
	st_len = close - i;
	{
		const char *lab = memchr(st, '{', st_len) /* rare: look further */
					  ? memmem(st, st_len, " labels:{", 9)
					  : NULL;

		if (lab) {
			size_t lo = (size_t)(lab - st) + 8;

			h->labels = st + lo;
			h->labels_len = st_len - lo;
			st_len = (size_t)(lab - st);
		}
	}
	st_end = st_len;
	{
		const char *comma = memchr(st, ',', st_len);
		size_t k;

		if (comma)
			st_end = (size_t)(comma - st);
		for (k = st_end; k < st_len;) {
			const char *part = st + k + 2;
			const char *next;
			size_t plen;

			if (k + 2 > st_len)
				break;
			next = memchr(part, ',', st_len - k - 2);
			plen = next ? (size_t)(next - part) : st_len - k - 2;
			if (plen > 8 && memcmp(part + plen - 8, " minutes", 8) == 0) {
				size_t u;
				uint64_t m = parse_u64(part, plen, &u);

				minutes = m > INT_MAX ? INT_MAX : (int)m;
			} else if (starts(part, plen, "locked to thread")) {
				flags |= PARSE_G_LOCKED;
			} else if (starts(part, plen, "synctest")) {
				flags |= PARSE_G_SYNCTEST;
			}
			k = (size_t)(part - st) + plen;
		}
	}
	/* strip the parenthesised markers that are not part of the reason
	 * ("chan receive (nil chan)" and "select (no cases)" keep theirs) */
	for (;;) {
		static const struct {
			const char *m;
			unsigned f;
		} marks[] = {{" (leaked)", PARSE_G_LEAKED},
			     {" (scan)", 0},
			     {" (durable)", PARSE_G_DURABLE},
			     {" (synctest)", PARSE_G_DURABLE}};
		size_t k, hit = 0;

		for (k = 0; k < sizeof marks / sizeof marks[0]; k++) {
			size_t ml = strlen(marks[k].m);

			if (st_end >= ml &&
			    memcmp(st + st_end - ml, marks[k].m, ml) == 0) {
				st_end -= ml;
				flags |= marks[k].f;
				hit = 1;
			}
		}
		if (!hit)
			break;
	}
	if (st_end == 6 && memcmp(st, "leaked", 6) == 0)
		flags |= PARSE_G_LEAKED;
	h->id = id;
	h->minutes = minutes;
	h->flags = flags;
	h->state = st;
	h->state_len = st_end;
	return 1;
}

/* Starts the goroutine of a scanned header. */
static void commit_header(parse_ctx *p, const header *h)
{
	p->g.id = h->id;
	p->g.count = 1;
	p->g.minutes = h->minutes;
	p->g.flags |= h->flags;
	p->state = keep(p, h->state, h->state_len);
	p->kept &= ~(unsigned)(K_STATE | K_LABELS);
	p->g.state_len = h->state_len;
	if (h->labels_len) {
		p->labels = keep(p, h->labels, h->labels_len);
		p->g.labels_len = h->labels_len;
	}
	p->g.lineno = p->st.lines;
	p->in_g = 1;
}

/* If s is a frame's function line, "pkg.(*T).Method(0xc000010000, ...)",
 * returns the length of the name before the argument list, else 0. Go
 * prints arguments as hex words, "{...}" and "...", never with
 * parentheses, so the last "(" opens the list; names have no spaces. */
static size_t frame_name(const char *s, size_t n)
{
	const char *open;

	if (n < 3 || s[n - 1] != ')' || s[0] == ' ' || s[0] == '\t' ||
	    s[0] == '[' || (s[0] == 'c' && starts(s, n, "created by ")))
		return 0;
	open = memrchr(s, '(', n);
	if (open == NULL || open == s || memchr(s, ' ', (size_t)(open - s)))
		return 0;
	return (size_t)(open - s);
}

/* Adds a frame whose function name is s[0..n); a is its argument text
 * (may be empty). */
static void add_func(parse_ctx *p, const char *s, size_t n, const char *a,
		     size_t alen)
{
	fslot *f;

	grow(&p->slots, &p->slots_cap, p->nslots + 1, sizeof *p->slots);
	f = &p->slots[p->nslots++];
	f->func = keep(p, s, n);
	f->func_len = n;
	f->args = alen ? keep(p, a, alen) : NULL;
	f->args_len = alen;
	f->file = NULL;
	f->file_len = 0;
	f->line = 0;
	p->want_file = WF_FRAME;
}

/* "\t/src/app/pool.go:88 +0x7a" (or " fp=0x.. sp=0x.. pc=0x.."): the last
 * ':' separates the line number; nothing after it has another. */
static void set_file(parse_ctx *p, fslot *f, const char *s, size_t n)
{
	const char *colon = s + n;
	size_t used;

	/* the ':' is a dozen bytes from the end: a loop beats a call */
	while (colon > s && colon[-1] != ':')
		colon--;
	colon = colon > s ? colon - 1 : NULL;

	if (colon) {
		size_t at = (size_t)(colon - s) + 1;

		f->line = (unsigned)parse_u64(s + at, n - at, &used);
		if (used > 0 && (at + used == n || s[at + used] == ' ')) {
			f->file = keep(p, s, at - 1);
			f->file_len = at - 1;
			return;
		}
	}
	{
		const char *sp = memchr(s, ' ', n);

		f->line = 0;
		n = sp ? (size_t)(sp - s) : n;
		f->file = keep(p, s, n);
		f->file_len = n;
	}
}

static int is_register_line(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && i < 8 && ((s[i] >= 'a' && s[i] <= 'z') ||
				  (s[i] >= '0' && s[i] <= '9')))
		i++;
	if (i == 0 || i == n || s[i] != ' ')
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	return starts(s + i, n - i, "0x");
}

/* "panic: ...", "fatal error: ...", "SIGQUIT: quit": the first line of a
 * crash. Returns 1 and sets *kind. */
static int title_line(const char *s, size_t n, parse_kind *kind)
{
	size_t i;

	if (starts(s, n, "panic: ")) {
		*kind = starts(s, n, "panic: test timed out after ")
				? PARSE_KIND_TEST_TIMEOUT
				: PARSE_KIND_PANIC;
		return 1;
	}
	if (starts(s, n, "fatal error: ")) {
		*kind = memmem(s, n, "all goroutines are asleep", 25)
				? PARSE_KIND_DEADLOCK
				: PARSE_KIND_FATAL;
		return 1;
	}
	if (starts(s, n, "SIG")) {
		for (i = 3; i < n && s[i] >= 'A' && s[i] <= 'Z'; i++)
			;
		if (i > 4 && i + 1 < n && s[i] == ':' && s[i + 1] == ' ') {
			*kind = PARSE_KIND_SIGNAL;
			return 1;
		}
	}
	return 0;
}

/* "goroutine profile: total N", or "goroutineleak profile: total N" from
 * Go 1.26's leak profile. Returns the length of the text before N, or 0. */
static size_t is_profile_line(const char *s, size_t n)
{
	if (starts(s, n, "goroutine profile: total "))
		return 25;
	if (starts(s, n, "goroutineleak profile: total "))
		return 29;
	return 0;
}

static int is_header_line(parse_ctx *p, const char *s, size_t n)
{
	header h;

	(void)p;
	return starts(s, n, "goroutine ") && scan_header(s, n, &h);
}

/* " in goroutine N" at the end of a created-by line (Go 1.21+), or NULL. */
static const char *created_in(const char *s, size_t n)
{
	size_t i = n;

	while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
		i--;
	if (i == n || i < 14 + 11 || memcmp(s + i - 14, " in goroutine ", 14) != 0)
		return NULL;
	return s + i - 14;
}

/* After "-----", GOTRACEBACK=crash has every other thread print its
 * registers and current stack again ("SIGQUIT: quit", "goroutine 0
 * [idle]", or a goroutine already listed): absorbed without counting, so
 * nothing is counted twice. */
static int crash_tail_line(parse_ctx *p, const char *s, size_t n)
{
	parse_kind k;

	if (n == 0 || s[0] == '\t' || starts(s, n, "-----") ||
	    starts(s, n, "PC=") || is_register_line(s, n) ||
	    starts(s, n, "created by ") || starts(s, n, "...") ||
	    starts(s, n, "signal arrived during") ||
	    (title_line(s, n, &k) && k == PARSE_KIND_SIGNAL) ||
	    is_header_line(p, s, n) ||
	    frame_name(s, n) > 0)
		return 1;
	return 0;
}

/* "goroutine running on other thread; stack unavailable": a goroutine
 * that was running elsewhere when the dump was taken (runtime/traceback.go
 * prints it after a tab; older text had none). */
static int no_stack_line(const char *s, size_t n)
{
	return starts(s, n, "goroutine running on other thread");
}

/* One line of traceback text. Returns 1 if it belongs to the dump. */
static int trace_line(parse_ctx *p, const char *s, size_t n, gt_err *e,
		      int *rc)
{
	size_t k;

	*rc = GT_OK;
	if (p->crash_tail)
		return crash_tail_line(p, s, n);
	if (n == 0) { /* goroutines are separated by blank lines */
		p->in_ancestor = 0;
		*rc = g_emit(p, e);
		return 1;
	}
	if (s[0] == '\t') {
		if (p->in_ancestor || !p->in_g)
			return 1;
		if (p->want_file == WF_FRAME) {
			set_file(p, &p->slots[p->nslots - 1], s + 1, n - 1);
		} else if (p->want_file == WF_CREATED) {
			set_file(p, &p->created, s + 1, n - 1);
			p->kept &= ~(unsigned)K_CFILE;
		} else if (p->nslots == 0 && no_stack_line(s + 1, n - 1)) {
			/* the runtime prints it indented, in place of frames */
			p->g.flags |= PARSE_G_NOSTACK;
		}
		p->want_file = WF_NONE;
		return 1;
	}
	if (p->in_g && !p->has_created && !p->in_ancestor &&
	    (k = frame_name(s, n)) > 0) {
		/* the common case: a frame's function */
		add_func(p, s, k, s + k + 1, n - k - 2);
		return 1;
	}
	if (starts(s, n, "goroutine ")) {
		header h;

		if (!scan_header(s, n, &h))
			return 0;
		p->in_ancestor = 0;
		if ((*rc = g_emit(p, e)) != GT_OK)
			return 1;
		if (h.id == 1 && p->seen_g1) {
			/* goroutine 1 again: the next dump of the same program */
			if ((*rc = end_keep_prefix(p, e)) != GT_OK)
				return 1;
			if ((*rc = dump_begin(p, PARSE_KIND_TRACEBACK, e)) != GT_OK)
				return 1;
		}
		if (h.id == 1)
			p->seen_g1 = 1;
		commit_header(p, &h);
		if (p->crash_first) {
			p->crash_first = 0;
			if (h.id != 0) {
				p->g.flags |= PARSE_G_CRASHED;
				p->dump.crash_id = h.id;
			}
		}
		return 1;
	}
	if (s[0] == '[' && starts(s, n, "[originating from goroutine ")) {
		*rc = g_emit(p, e);
		p->in_ancestor = 1;
		p->dump.ancestors++;
		return 1;
	}
	if (p->in_ancestor)
		return 1;
	if (starts(s, n, "created by ")) {
		const char *in = created_in(s, n);
		size_t fl = in ? (size_t)(in - s) - 11 : n - 11;
		size_t used;

		if (!p->in_g)
			return 1;
		p->has_created = 1;
		p->created.func = keep(p, s + 11, fl);
		p->kept &= ~(unsigned)(K_CFUNC | K_CFILE);
		p->created.func_len = fl;
		p->created.file = NULL;
		p->created.file_len = 0;
		p->created.line = 0;
		if (in)
			p->g.created_in = parse_u64(
				in + 14, n - (size_t)(in - s) - 14, &used);
		p->want_file = WF_CREATED;
		return 1;
	}
	if (s[0] == '.' && starts(s, n, "...") && memmem(s, n, "elided", 6)) {
		p->g.flags |= PARSE_G_ELIDED;
		p->want_file = WF_NONE;
		return 1;
	}
	if (no_stack_line(s, n)) {
		p->g.flags |= PARSE_G_NOSTACK;
		return 1;
	}
	/* crash output: registers, "PC=..." and the like between goroutines */
	if (is_register_line(s, n) || starts(s, n, "PC=") ||
	    starts(s, n, "signal arrived during")) {
		*rc = g_emit(p, e);
		return 1;
	}
	if (starts(s, n, "-----")) {
		*rc = g_emit(p, e);
		p->crash_tail = 1;
		return 1;
	}
	return 0;
}

/* debug=1 lists a record's program counters, then shows its frames with
 * the runtime's own left out. The pcs before the first frame shown (pc + 1
 * is the return address listed) are the same for every goroutine blocked
 * the same way, e.g. gopark+selectgo: hashed, they let the grouper
 * classify a record by another one whose visible frames tell. */
static uint64_t hidden_sig(const parse_ctx *p, const char *pc, size_t n)
{
	size_t i;
	uint64_t first = parse_hex(pc, n, &i) + 1, h = 0xcbf29ce484222325ull;

	for (i = 0; i < p->rec_npcs && p->rec_pcs[i] != first; i++)
		h = (h ^ p->rec_pcs[i]) * 0x100000001b3ull;
	return i > 0 && i < p->rec_npcs ? h : 0;
}

/* One line of a debug=1 profile. Returns 1 if it belongs to the dump. */
static int debug1_line(parse_ctx *p, const char *s, size_t n, gt_err *e,
		       int *rc)
{
	size_t used;
	uint64_t count, room;

	*rc = GT_OK;
	if (n == 0) {
		*rc = g_emit(p, e);
		return 1;
	}
	if (s[0] == '#') {
		if (!p->in_g)
			return 1;
		if (starts(s, n, "# labels: ")) {
			p->labels = keep(p, s + 10, n - 10);
			p->kept &= ~(unsigned)K_LABELS;
			p->g.labels_len = n - 10;
			return 1;
		}
		if (starts(s, n, "#\t")) {
			/* "#\t0x4a1b3c\tmain.leak.func1+0x3c\t/src/app/main.go:12" */
			const char *f = memchr(s + 2, '\t', n - 2), *file, *plus;
			size_t fl;

			if (f == NULL)
				return 1;
			if (p->nslots == 0)
				p->g.runtime_sig = hidden_sig(p, s + 2,
							      (size_t)(f - s) - 2);
			f++;
			file = memchr(f, '\t', n - (size_t)(f - s));
			fl = file ? (size_t)(file - f) : n - (size_t)(f - s);
			plus = fl ? memrchr(f, '+', fl) : NULL;
			add_func(p, f, plus ? (size_t)(plus - f) : fl, NULL, 0);
			if (file) {
				/* pprof pads the columns with extra tabs */
				while ((size_t)(file - s) + 1 < n && file[1] == '\t')
					file++;
				set_file(p, &p->slots[p->nslots - 1], file + 1,
					 n - (size_t)(file + 1 - s));
			}
			p->want_file = WF_NONE;
		}
		return 1;
	}
	count = parse_u64(s, n, &used);
	if (used > 0 && starts(s + used, n - used, " @")) {
		const char *q = s + used + 2, *end = s + n;

		if ((*rc = g_emit(p, e)) != GT_OK)
			return 1;
		for (p->rec_npcs = 0; q < end && p->rec_npcs < 8;) {
			size_t got;
			uint64_t pc;

			while (q < end && *q == ' ')
				q++;
			pc = parse_hex(q, (size_t)(end - q), &got);
			if (got == 0)
				break;
			p->rec_pcs[p->rec_npcs++] = pc;
			q += got;
		}
		room = p->dump_count < PARSE_MAX_GOROUTINES
			       ? PARSE_MAX_GOROUTINES - p->dump_count
			       : 0;
		if (count > room) {
			/* more than a process can hold: capped so that no
			 * total downstream can wrap, and counted */
			p->st.capped_counts++;
			count = room ? room : 1;
		}
		p->in_g = 1;
		p->g.count = count;
		p->g.flags = PARSE_G_RECORD | (p->leak_profile ? PARSE_G_LEAKED : 0);
		p->g.lineno = p->st.lines;
		return 1;
	}
	return 0;
}

static int starts_dump(parse_ctx *p, const char *s, size_t n);

/* A line with the log prefix removed. */
static int content_line(parse_ctx *p, const char *s, size_t n, gt_err *e)
{
	parse_kind kind;
	int rc;

	if (p->race_skip) {
		if (starts(s, n, "==================")) {
			p->race_skip = 0;
			return GT_OK;
		}
		if (!is_header_line(p, s, n) && !title_line(s, n, &kind))
			return GT_OK;
		p->race_skip = 0;
	}
	if (starts(s, n, "WARNING: DATA RACE")) {
		p->st.race_reports++;
		p->race_skip = 1;
		return g_emit(p, e);
	}
	switch (p->mode) {
	case M_TRACE:
		if (trace_line(p, s, n, e, &rc))
			return rc;
		if (end_keep_prefix(p, e) != GT_OK)
			return GT_ERR;
		break;
	case M_DEBUG1:
		if (debug1_line(p, s, n, e, &rc))
			return rc;
		if (end_keep_prefix(p, e) != GT_OK)
			return GT_ERR;
		break;
	case M_PENDING:
		if (is_header_line(p, s, n)) {
			p->dump.title_len = strlen(p->title);
			if (dump_begin(p, p->pending_kind, e) != GT_OK)
				return GT_ERR;
			trace_line(p, s, n, e, &rc);
			return rc;
		}
		if (title_line(s, n, &kind) && kind == PARSE_KIND_DEADLOCK)
			p->pending_kind = kind;
		crash_line(p, s, n);
		if (++p->pending_lines > PENDING_MAX_LINES)
			p->mode = M_NOISE;
		return GT_OK;
	case M_NOISE:
		break;
	}
	/* outside a dump: does one start here? */
	if (p->pfx != PARSE_PREFIX_NONE && starts_dump(p, s, n))
		p->pfx_time = logprefix_time(p->lp, p->pfx, p->raw, p->raw_len);
	if (n >= 10 && s[0] == 'g' && is_profile_line(s, n)) {
		size_t used, at = is_profile_line(s, n);

		p->dump.declared_total = parse_u64(s + at, n - at, &used);
		p->leak_profile = at == 29;
		return dump_begin(p, PARSE_KIND_DEBUG1, e);
	}
	if (n >= 10 && s[0] == 'g' && is_header_line(p, s, n)) {
		if (dump_begin(p, PARSE_KIND_TRACEBACK, e) != GT_OK)
			return GT_ERR;
		trace_line(p, s, n, e, &rc);
		return rc;
	}
	if (title_line(s, n, &kind)) {
		grow(&p->title, &p->title_cap, n + 1, 1);
		memcpy(p->title, s, n);
		p->title[n] = '\0';
		crash_start(p, s, n);
		p->pending_kind = kind;
		p->pending_lines = 0;
		p->dump.lineno = p->st.lines;
		p->mode = M_PENDING;
		return GT_OK;
	}
	p->pfx = PARSE_PREFIX_NONE;
	return GT_OK;
}

/* Does s (prefix removed) start a dump? */
static int starts_dump(parse_ctx *p, const char *s, size_t n)
{
	parse_kind k;

	return is_header_line(p, s, n) || is_profile_line(s, n) ||
	       title_line(s, n, &k);
}

/* Looks for dump text after a log prefix on a line outside any dump; sets
 * p->pfx and returns the offset of the dump text, or -1. */
static long find_prefix(parse_ctx *p, const char *s, size_t n)
{
	static const char *const marks[] = {"goroutine ", "panic: ",
					    "fatal error: ", "SIG"};
	size_t m;

	for (m = 0; m < sizeof marks / sizeof marks[0]; m++) {
		const char *hit = memmem(s, n, marks[m], strlen(marks[m]));
		size_t k;

		if (hit == NULL || hit == s)
			continue;
		k = (size_t)(hit - s);
		if (!starts_dump(p, hit, n - k))
			continue;
		/* an unknown prefix is believed only before goroutine text */
		p->pfx = logprefix_learn(p->lp, s, n, k, m == 0);
		if (p->pfx != PARSE_PREFIX_NONE) {
			p->pfx_time = logprefix_time(p->lp, p->pfx, s, k);
			return (long)k;
		}
	}
	return -1;
}

static int raw_line_slow(parse_ctx *p, const char *s, size_t n, gt_err *e);

/* Nine lines in ten of a big dump are a frame's function or its file:line:
 * those are handled here, in a function small enough to stay cheap to call,
 * and everything else goes the long way. */
static inline int raw_line(parse_ctx *p, const char *s, size_t n, gt_err *e)
{
	p->st.lines++;
	if (n > PARSE_MAX_LINE) {
		/* skipped wherever it lies: a line split across chunks
		 * (the carry) is, so one within a chunk must be too */
		p->st.long_lines++;
		return GT_OK;
	}
	if (n > 1 && p->mode == M_TRACE && p->pfx == PARSE_PREFIX_NONE &&
	    !p->race_skip && !p->crash_tail && !p->in_ancestor && p->in_g) {
		size_t m = s[n - 1] == '\r' ? n - 1 : n, k;

		if (s[0] == '\t' && p->want_file == WF_FRAME) {
			set_file(p, &p->slots[p->nslots - 1], s + 1, m - 1);
			p->want_file = WF_NONE;
			return GT_OK;
		}
		if (!p->has_created && s[0] != 'W' && (k = frame_name(s, m)) > 0) {
			add_func(p, s, k, s + k + 1, m - k - 2);
			return GT_OK;
		}
	}
	return raw_line_slow(p, s, n, e);
}

/* A line with its log prefix removed; its text may live in a buffer of the
 * prefix layer that the next line reuses. */
static int prefixed_line(parse_ctx *p, const char *c, size_t cn, gt_err *e)
{
	int rc;

	if (cn > 0 && c[cn - 1] == '\r')
		cn--;
	p->volatile_line = logprefix_owns(p->lp, c);
	rc = content_line(p, c, cn, e);
	p->volatile_line = 0;
	return rc;
}

static int raw_line_slow(parse_ctx *p, const char *s, size_t n, gt_err *e)
{
	const char *c;
	size_t cn;

	p->raw = s;
	p->raw_len = n;
	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (p->mode == M_TRACE && p->pfx == PARSE_PREFIX_NONE && !p->race_skip &&
	    (n == 0 || s[0] != 'W')) {
		int rc; /* a plain dump line */

		if (trace_line(p, s, n, e, &rc))
			return rc;
	}
	if (p->mode != M_NOISE && p->pfx != PARSE_PREFIX_NONE) {
		switch (logprefix_strip(p->lp, p->pfx, s, n, &c, &cn)) {
		case LOGPREFIX_SKIP:
			return GT_OK;
		case LOGPREFIX_YES:
			return prefixed_line(p, c, cn, e);
		default:
			/* the prefix stopped: the dump is over */
			if (dump_end(p, e) != GT_OK)
				return GT_ERR;
		}
	}
	if (p->mode != M_NOISE || n == 0)
		return content_line(p, s, n, e);
	if (p->race_skip && n >= 18 &&
	    memcmp(s + n - 18, "==================", 18) == 0) {
		p->race_skip = 0;
		return GT_OK;
	}
	if (s[0] == '{' && memmem(s, n < 16 ? n : 16, "\"log\"", 5)) {
		int partial;

		if (!logprefix_docker_json(p->lp, s, n, &c, &cn, &partial))
			return GT_OK;
		if (memmem(c, cn, "WARNING: DATA RACE", 18))
			return content_line(p, "WARNING: DATA RACE", 18, e);
		if (cn > 0 && c[cn - 1] == '\r')
			cn--;
		if (!starts_dump(p, c, cn))
			return GT_OK;
		p->pfx = PARSE_PREFIX_DOCKER_JSON;
		p->pfx_time = logprefix_time(p->lp, p->pfx, s, n);
		return prefixed_line(p, c, cn, e);
	}
	if (starts_dump(p, s, n))
		return content_line(p, s, n, e);
	{
		const char *race = memmem(s, n, "WARNING: DATA RACE", 18);
		long k;

		if (race)
			return content_line(p, race, n - (size_t)(race - s), e);
		k = find_prefix(p, s, n);
		if (k < 0)
			return GT_OK;
		return content_line(p, s + k, n - (size_t)k, e);
	}
}

/* ---- line assembly ---------------------------------------------------- */

static void sniff(parse_ctx *p, const char *buf, size_t len)
{
	size_t i, n = SNIFF_BYTES - p->sniffed;

	if (n > len)
		n = len;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch == 0)
			p->st.nul_bytes++;
		else if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r' &&
			 ch != '\f' && ch != '\v' && ch != 0x1b)
			p->st.ctrl_bytes++;
	}
	p->sniffed += n;
}

/* Hands every complete line of buf to raw_line and returns how many bytes
 * that consumed (up to and including the last newline). Newlines are found
 * sixteen bytes at a time: most dump lines are short, and a call to memchr
 * per line would cost more than the line. */
static size_t whole_lines(parse_ctx *p, const char *buf, size_t len, gt_err *e,
			  int *rc)
{
	const char *start = buf, *q = buf, *end = buf + len, *nl;

	*rc = GT_OK;
#ifdef __SSE2__
	{
		const __m128i nlv = _mm_set1_epi8('\n');

		for (; q + 16 <= end; q += 16) {
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
				_mm_loadu_si128((const __m128i *)(const void *)q),
				nlv));

			for (; m; m &= m - 1) {
				nl = q + __builtin_ctz(m);
				if ((*rc = raw_line(p, start, (size_t)(nl - start),
						    e)) != GT_OK)
					return (size_t)(nl + 1 - buf);
				start = nl + 1;
			}
		}
	}
#endif
	for (; (nl = memchr(q, '\n', (size_t)(end - q))) != NULL; q = nl + 1) {
		if ((*rc = raw_line(p, start, (size_t)(nl - start), e)) != GT_OK)
			return (size_t)(nl + 1 - buf);
		start = nl + 1;
	}
	return (size_t)(start - buf);
}

int parse_feed(parse_ctx *p, const char *buf, size_t len, gt_err *e)
{
	if (p->sniffed < SNIFF_BYTES)
		sniff(p, buf, len);
	p->st.bytes += len;
	while (len > 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t take = nl ? (size_t)(nl - buf) : len;

		if (p->skipping) {
			if (nl == NULL)
				break;
			p->skipping = 0;
		} else if (p->carry_len == 0 && nl) {
			int rc;
			size_t used = whole_lines(p, buf, len, e, &rc);

			if (rc != GT_OK)
				return GT_ERR;
			buf += used;
			len -= used;
			continue;
		} else if (p->carry_len + take > PARSE_MAX_LINE) {
			p->st.long_lines++;
			p->st.lines++;
			p->carry_len = 0;
			if (nl == NULL) {
				p->skipping = 1;
				break;
			}
		} else {
			if (nl == NULL && p->in_g)
				rebase(p); /* the carry is about to be rewritten */
			grow(&p->carry, &p->carry_cap, p->carry_len + take, 1);
			memcpy(p->carry + p->carry_len, buf, take);
			p->carry_len += take;
			if (nl == NULL)
				return GT_OK;
			if (raw_line(p, p->carry, p->carry_len, e) != GT_OK)
				return GT_ERR;
			p->carry_len = 0;
		}
		buf += take + 1;
		len -= take + 1;
	}
	if (p->in_g)
		rebase(p); /* the caller's buffer is about to be reused */
	return GT_OK;
}

/* A final line without its newline is complete only if it is a whole
 * file:line line; anything else was cut off. */
static int looks_complete(const char *s, size_t n)
{
	const char *plus = memmem(s, n, " +0x", 4);

	return n > 1 && s[0] == '\t' && plus && (size_t)(plus - s) + 4 < n;
}

int parse_finish(parse_ctx *p, gt_err *e)
{
	int cut = 0;

	if (p->carry_len > 0) {
		if (p->mode == M_TRACE && !looks_complete(p->carry, p->carry_len))
			cut = 1;
		else if (raw_line(p, p->carry, p->carry_len, e) != GT_OK)
			return GT_ERR;
		p->carry_len = 0;
	}
	if (p->skipping && p->mode != M_NOISE)
		cut = 1;
	if (p->mode == M_TRACE && p->in_g &&
	    (p->want_file != WF_NONE ||
	     (p->nslots == 0 && !(p->g.flags & PARSE_G_NOSTACK))))
		cut = 1;
	if (p->mode == M_TRACE || p->mode == M_DEBUG1) {
		if (cut) {
			p->dump.truncated = 1;
			if (p->in_g)
				p->g.flags |= PARSE_G_TRUNCATED;
		}
		if (g_emit(p, e) != GT_OK)
			return GT_ERR;
		if (dump_end(p, e) != GT_OK)
			return GT_ERR;
	}
	p->mode = M_NOISE;
	return GT_OK;
}
