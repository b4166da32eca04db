/*
 * parse_traceback.c - goroutine blocks as the runtime prints them
 * (runtime.Stack, pprof debug=2, crashes): "goroutine N [state]:" headers,
 * frames (function line, then its file:line indented), "created by",
 * "[originating from goroutine N]" ancestors, and the per-thread tail of
 * GOTRACEBACK=crash.
 */
#define _GNU_SOURCE /* memmem, memrchr */
#include "parse_priv.h"

#include <limits.h>
#include <stdlib.h>

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
			size_t len;
			unsigned f;
		} marks[] = {{" (leaked)", 9, PARSE_G_LEAKED},
			     {" (scan)", 7, 0},
			     {" (durable)", 10, PARSE_G_DURABLE},
			     {" (synctest)", 11, PARSE_G_DURABLE}};
		size_t k, hit = 0;

		/* most states end in no marker: one look at the last byte */
		if (st_end == 0 || st[st_end - 1] != ')')
			break;
		for (k = 0; k < sizeof marks / sizeof marks[0]; k++) {
			size_t ml = marks[k].len;

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
	p->state = parse_keep(p, h->state, h->state_len);
	p->kept &= ~(unsigned)(K_STATE | K_LABELS);
	p->g.state_len = h->state_len;
	if (h->labels_len) {
		p->labels = parse_keep(p, h->labels, h->labels_len);
		p->g.labels_len = h->labels_len;
	}
	p->g.lineno = p->st.lines;
	p->in_g = 1;
	p->fast_hdr = 1;
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


/* The goroutine that printed the dump is the first of a new debug=2 or
 * runtime.Stack dump: when one shows up mid-dump, two dumps were
 * concatenated. */
int parse_is_dump_writer(parse_ctx *p)
{
	static const char w[] = "runtime/pprof.writeGoroutineStacks";
	size_t i;

	/* only the one printing is running: a concurrent request for the
	 * profile waits its turn in the same function */
	if (p->g.state_len != 7 || memcmp(p->state, "running", 7) != 0)
		return 0;
	if (p->lazy_slots)
		parse_fast_own(p);
	for (i = 0; i < p->nslots && i < 8; i++)
		if (p->slots[i].func_len == sizeof w - 1 &&
		    memcmp(p->slots[i].func, w, sizeof w - 1) == 0)
			return 1;
	return 0;
}

int parse_is_header(parse_ctx *p, const char *s, size_t n)
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

	if (n == 0 || s[0] == '\t' || s[0] == ' ' || starts(s, n, "-----") ||
	    starts(s, n, "PC=") || is_register_line(s, n) ||
	    starts(s, n, "created by ") || starts(s, n, "...") ||
	    starts(s, n, "signal arrived during") ||
	    (parse_title_line(s, n, &k) && k == PARSE_KIND_SIGNAL) ||
	    parse_is_header(p, s, n) ||
	    frame_name(s, n) > 0)
		return 1;
	return 0;
}

/* After a blank line: does s go on with the goroutine being read? Only in
 * a log that double-spaces its lines does a frame or its file line follow
 * a blank one. */
static int continues(const parse_ctx *p, const char *s, size_t n)
{
	if (!p->in_g)
		return 0;
	if (s[0] == '\t' || s[0] == ' ')
		return p->want_file != WF_NONE;
	return !p->has_created &&
	       (frame_name(s, n) > 0 || starts(s, n, "created by ") ||
		(s[0] == '.' && starts(s, n, "...")));
}

void parse_trace_indent(const char **sp, size_t *np)
{
	const char *s = *sp, *r;
	size_t n = *np, w = 0, rn;
	header h;

	while (w < n && (s[w] == ' ' || s[w] == '\t'))
		w++;
	if (w == 0 || w == n)
		return;
	r = s + w;
	rn = n - w;
	if (frame_name(r, rn) > 0 || starts(r, rn, "created by ") ||
	    starts(r, rn, "...") || starts(r, rn, "[originating from ") ||
	    parse_goleak_entry(r, rn) || (rn == 1 && r[0] == ']') ||
	    (starts(r, rn, "goroutine ") && scan_header(r, rn, &h))) {
		*sp = r;
		*np = rn;
		return;
	}
	/* one white space character stands for the tab */
	*sp = r - 1;
	*np = rn + 1;
}

/* Starts a goroutine from a header line made up by another shape's reader
 * (goleak's entries); the line's buffer is reused, so its views are
 * copied. Returns 0 if it does not scan. */
int parse_start_goroutine(parse_ctx *p, const char *hdr, size_t n)
{
	header h;
	int vol = p->volatile_line;

	if (!scan_header(hdr, n, &h))
		return 0;
	p->volatile_line = 1;
	commit_header(p, &h);
	p->volatile_line = vol;
	return 1;
}

/* "goroutine running on other thread; stack unavailable": a goroutine
 * that was running elsewhere when the dump was taken (runtime/traceback.go
 * prints it after a tab; older text had none). */
static int no_stack_line(const char *s, size_t n)
{
	return starts(s, n, "goroutine running on other thread");
}

/* One line of traceback text. Returns 1 if it belongs to the dump. */
int parse_trace_line(parse_ctx *p, const char *s, size_t n, gt_err *e,
		      int *rc)
{
	size_t k;

	*rc = GT_OK;
	if (p->crash_tail)
		return crash_tail_line(p, s, n);
	if (n == 0) {
		/* goroutines are separated by blank lines, but a log that
		 * double-spaces every line has one after each: the goroutine
		 * ends at the next line that does not continue it */
		p->in_ancestor = 0;
		p->gap = p->in_g;
		return 1;
	}
	if (p->gap) {
		p->gap = 0;
		if (!continues(p, s, n) && (*rc = parse_emit(p, e)) != GT_OK)
			return 1;
	}
	if (p->dump.kind == PARSE_KIND_GOLEAK && parse_goleak_line(p, s, n, e, rc))
		return 1;
	if (s[0] == '\t' || s[0] == ' ') {
		if (p->in_ancestor || !p->in_g)
			return 1;
		if (p->want_file == WF_FRAME) {
			parse_set_file(p, &p->slots[p->nslots - 1], s + 1, n - 1);
		} else if (p->want_file == WF_CREATED) {
			parse_set_file(p, &p->created, s + 1, n - 1);
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
		parse_add_func(p, s, k, s + k + 1, n - k - 2);
		return 1;
	}
	if (starts(s, n, "goroutine ")) {
		header h;

		if (!scan_header(s, n, &h))
			return 0;
		p->in_ancestor = 0;
		if (p->in_g && (p->g.flags & PARSE_G_GOLEAK) && p->nslots == 0 &&
		    !p->has_created && h.id == p->g.id) {
			/* goleak before v1.2 follows its entry with the
			 * goroutine's own header: one goroutine */
			commit_header(p, &h);
			return 1;
		}
		if ((*rc = parse_emit(p, e)) != GT_OK)
			return 1;
		if (h.id == 1 && p->seen_g1) {
			/* goroutine 1 again: the next dump of the same program */
			if ((*rc = parse_next_dump(p, e)) != GT_OK)
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
		*rc = parse_emit(p, e);
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
		p->created.func = parse_keep(p, s + 11, fl);
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
		*rc = parse_emit(p, e);
		return 1;
	}
	if (starts(s, n, "-----")) {
		*rc = parse_emit(p, e);
		p->crash_tail = 1;
		return 1;
	}
	return 0;
}
