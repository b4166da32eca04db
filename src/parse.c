/*
 * parse.c - push-style goroutine dump parser: the driver.
 *
 * Input arrives in chunks; complete lines are handled in place (pointer and
 * length into the caller's buffer) and only a trailing partial line is
 * copied. The goroutine being read is a set of views into the input; only
 * when it straddles the end of a chunk, or comes from a decoded log line,
 * are its strings copied into a scratch arena that is reused, so nothing is
 * allocated per line or per goroutine in the steady state.
 *
 * Lines go through three layers: line assembly (chunks -> lines), log prefix
 * removal (logprefix.c), and the dump grammar. This file holds the first
 * two and decides, in one place (content_line), which lines start a dump,
 * end it or belong to it; each shape's grammar lives in a file of its own
 * (parse_traceback.c, parse_debug1.c, parse_crash.c); what the sink is
 * handed, and the pieces of a dump read apart, are in parse_dump.c.
 */
#define _GNU_SOURCE /* memmem, memrchr */
#include "parse_priv.h"

#include <limits.h>
#include <stdlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

const char *parse_kind_name(parse_kind k)
{
	static const char *const n[PARSE_KIND__COUNT] = {
		"debug=2", "debug=1", "panic", "fatal error", "deadlock",
		"signal", "test timeout", "protobuf", "goleak"};
	return (unsigned)k < PARSE_KIND__COUNT ? n[k] : "?";
}

const char *parse_prefix_name(parse_prefix p)
{
	static const char *const n[PARSE_PREFIX__COUNT] = {
		"none", "kubectl/CRI", "timestamp", "journald",
		"docker json-file", "literal", "GitHub Actions"};
	return (unsigned)p < PARSE_PREFIX__COUNT ? n[p] : "?";
}


/* ---- small helpers ---------------------------------------------------- */

/* A decimal number of up to 20 digits; one past 2^64 - 1 reads as that. */
uint64_t parse_u64(const char *s, size_t n, size_t *used)
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
uint64_t parse_hex(const char *s, size_t n, size_t *used)
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

void parse_grow(void *pp, size_t *cap, size_t need, size_t elem)
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

const char *parse_arena_put(parse_ctx *p, const char *s, size_t n)
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

		f->func = parse_arena_put(p, f->func, f->func_len);
		if (f->args_len)
			f->args = parse_arena_put(p, f->args, f->args_len);
	}
	for (i = p->kept_files; i < files; i++)
		if (p->slots[i].file)
			p->slots[i].file = parse_arena_put(p, p->slots[i].file,
						     p->slots[i].file_len);
	p->kept_funcs = p->nslots;
	p->kept_files = files;
	if (p->has_created && !(p->kept & K_CFUNC)) {
		p->created.func = parse_arena_put(p, p->created.func, p->created.func_len);
		p->kept |= K_CFUNC;
	}
	if (p->has_created && p->created.file && !(p->kept & K_CFILE)) {
		p->created.file =
			parse_arena_put(p, p->created.file, p->created.file_len);
		p->kept |= K_CFILE;
	}
	if (p->g.state_len && !(p->kept & K_STATE)) {
		p->state = parse_arena_put(p, p->state, p->g.state_len);
		p->kept |= K_STATE;
	}
	if (p->g.labels_len && !(p->kept & K_LABELS)) {
		p->labels = parse_arena_put(p, p->labels, p->g.labels_len);
		p->kept |= K_LABELS;
	}
}

/* ---- life cycle ------------------------------------------------------- */

parse_ctx *parse_new(const parse_sink *sink)
{
	parse_ctx *p = gt_calloc(1, sizeof *p);

	p->sink = *sink;
	p->lp = logprefix_new();
	parse_g_reset(p);
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
	parse_fast_free(p);
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

void parse_add_stats(parse_ctx *p, const parse_stats *add)
{
	p->st.bytes = parse_sat_add(p->st.bytes, add->bytes);
	p->st.lines = parse_sat_add(p->st.lines, add->lines);
	p->st.dumps = parse_sat_add(p->st.dumps, add->dumps);
	p->st.goroutines = parse_sat_add(p->st.goroutines, add->goroutines);
	p->st.capped_counts = parse_sat_add(p->st.capped_counts, add->capped_counts);
}

/* ---- the dump grammar's dispatch ---------------------------------------- */

static int starts_dump(parse_ctx *p, const char *s, size_t n);

static size_t lead_space(const char *s, size_t n)
{
	size_t w = 0;

	while (w < n && (s[w] == ' ' || s[w] == '\t'))
		w++;
	return w;
}

/* Keeps the name of the test go test says is running or failed: a goleak
 * list printed by that test's check belongs to it. */
static void note_test(parse_ctx *p, const char *name, size_t len)
{
	if (name == NULL)
		return;
	if (len > TEST_NAME_MAX)
		len = TEST_NAME_MAX;
	memcpy(p->test_name, name, len);
	p->test_name_len = len;
}

/* The grammar of the open dump takes the line: 1 if it did. */
static int dump_line(parse_ctx *p, const char *s, size_t n, gt_err *e,
		     int *rc)
{
	if (p->mode == M_DEBUG1) {
		size_t w = lead_space(s, n);

		return parse_debug1_line(p, s + w, n - w, e, rc);
	}
	if (n > 0 && (s[0] == ' ' || s[0] == '\t'))
		parse_trace_indent(&s, &n);
	return parse_trace_line(p, s, n, e, rc);
}

/* Does the line end the open dump even though it is no dump text? Another
 * dump starts, or go test says a test or a package is over. */
static int breaks_dump(parse_ctx *p, const char *s, size_t n)
{
	const char *name;
	size_t len, w = lead_space(s, n);
	parse_kind k;

	if (parse_gotest_line(s + w, n - w, &name, &len)) {
		note_test(p, name, len);
		return 1;
	}
	return parse_title_line(s + w, n - w, &k) ||
	       parse_profile_line(s + w, n - w) > 0 ||
	       (p->mode == M_DEBUG1 && parse_is_header(p, s + w, n - w));
}

/* A line with the log prefix removed. This is where the one rule that
 * says where dumps start and end lives:
 *
 * - a dump starts only on a line that starts one: a goroutine header, a
 *   "goroutine profile: total N" header, a panic / fatal error / signal
 *   title, goleak's "found unexpected goroutines:" (white space before any
 *   of them is indentation, not a prefix);
 * - inside a dump, a line its grammar does not take (an application's log
 *   line written while the runtime printed) is skipped and counted, and
 *   the dump goes on;
 * - the dump ends where another starts (a title, a profile header, goleak's
 *   list, goroutine 1 again, the goroutine that writes a pprof dump), where
 *   go test says a test or package ended, where its log prefix stops, or
 *   after FOREIGN_MAX lines in a row that are no dump text (then it ended
 *   at the first of them). */
static int content_line(parse_ctx *p, const char *s, size_t n, gt_err *e)
{
	parse_kind kind;
	uint64_t dumps = p->st.dumps;
	size_t w;
	int rc;

	/* trailing blanks and CRs of a paste or a Windows log mean nothing */
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (p->race_skip) {
		if (starts(s, n, "==================")) {
			p->race_skip = 0;
			return GT_OK;
		}
		if (!parse_is_header(p, s, n) && !parse_title_line(s, n, &kind))
			return GT_OK;
		p->race_skip = 0;
	}
	if (n > 0 && s[0] == 'W' && starts(s, n, "WARNING: DATA RACE")) {
		p->st.race_reports++;
		p->race_skip = 1;
		return parse_emit(p, e);
	}
	switch (p->mode) {
	case M_TRACE:
	case M_DEBUG1:
		if (dump_line(p, s, n, e, &rc)) {
			if (p->st.dumps != dumps) /* between two dumps */
				p->frun = p->fcount = 0;
			if (n > 0 && p->frun) { /* the dump goes on */
				p->fpend += p->fcount;
				p->frun = p->fcount = 0;
			} else if (n == 0 && p->frun) {
				p->frun++;
			}
			if (p->frun <= FOREIGN_MAX || rc != GT_OK)
				return rc;
		} else if (p->frun < FOREIGN_MAX && !breaks_dump(p, s, n)) {
			p->frun++;
			p->fcount++;
			return GT_OK;
		}
		p->frun = p->fcount = 0;
		if (p->mode != M_NOISE && parse_end_keep_prefix(p, e) != GT_OK)
			return GT_ERR;
		break;
	case M_PENDING:
		w = lead_space(s, n);
		if (parse_is_header(p, s + w, n - w) ||
		    (p->pending_kind == PARSE_KIND_GOLEAK &&
		     parse_goleak_entry(s + w, n - w))) {
			p->dump.title_len = strlen(p->title);
			if (parse_dump_begin(p, p->pending_kind, e) != GT_OK)
				return GT_ERR;
			parse_trace_line(p, s + w, n - w, e, &rc);
			return rc;
		}
		if (parse_title_line(s, n, &kind) && kind == PARSE_KIND_DEADLOCK)
			p->pending_kind = kind;
		/* the message without the indentation of the whole dump */
		w = lead_space(s, n) < p->indent ? lead_space(s, n) : p->indent;
		parse_crash_line(p, s + w, n - w);
		if (++p->pending_lines > PENDING_MAX_LINES)
			p->mode = M_NOISE;
		return GT_OK;
	case M_NOISE:
		break;
	}
	/* outside a dump: does one start here? */
	w = lead_space(s, n);
	s += w, n -= w;
	p->indent = w;
	if (n > 1 && s[0] == '\\' && starts(s + 1, n - 1, "SIG"))
		s++, n--; /* "^\SIGQUIT: quit" that lost its "^" */
	if (p->pfx != PARSE_PREFIX_NONE && starts_dump(p, s, n))
		p->pfx_time = logprefix_time(p->lp, p->pfx, p->raw, p->raw_len);
	if (p->pfx == PARSE_PREFIX_NONE && starts_dump(p, s, n)) {
		p->gh_dump = p->gh_line;
		p->pfx_time = p->gh_line ? logprefix_parse_time(p->raw, p->raw_len)
					 : 0;
	}
	if (n >= 10 && s[0] == 'g' && parse_profile_line(s, n)) {
		size_t used, at = parse_profile_line(s, n);

		p->dump.declared_total = parse_u64(s + at, n - at, &used);
		p->leak_profile = at == 29;
		return parse_dump_begin(p, PARSE_KIND_DEBUG1, e);
	}
	if (n >= 10 && s[0] == 'g' && parse_is_header(p, s, n)) {
		if (parse_dump_begin(p, PARSE_KIND_TRACEBACK, e) != GT_OK)
			return GT_ERR;
		parse_trace_line(p, s, n, e, &rc);
		return rc;
	}
	if (parse_title_line(s, n, &kind)) {
		parse_grow(&p->title, &p->title_cap, n + 1, 1);
		memcpy(p->title, s, n);
		p->title[n] = '\0';
		parse_crash_start(p, s, n);
		/* a check inside a test names it; VerifyTestMain's runs after
		 * all of them ("goleak: Errors on ... test run:") */
		if (kind == PARSE_KIND_GOLEAK && p->test_name_len &&
		    !starts(s, n, "goleak: "))
			parse_crash_test(p, p->test_name, p->test_name_len);
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

	return parse_is_header(p, s, n) || parse_profile_line(s, n) ||
	       parse_title_line(s, n, &k);
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
	if (p->mode == M_TRACE && p->pfx == PARSE_PREFIX_NONE && !p->race_skip &&
	    !p->crash_tail && !p->in_ancestor && p->in_g && !p->frun) {
		if (n > 1 && parse_trace_fast(p, s, n))
			return GT_OK;
		if (n == 0) { /* the goroutine ends unless the next line goes
				 on with it (parse_trace_line) */
			p->gap = 1;
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
	p->gh_line = 0;
	if (p->pfx == PARSE_PREFIX_NONE && n >= 28 && s[0] == '2') {
		/* a CI log's timestamp on every line, blank ones too: part
		 * of the log's lines, not of any dump's */
		size_t k = logprefix_github(s, n);

		p->gh_line = k > 0;
		s += k, n -= k;
	}
	if (p->mode != M_NOISE && p->pfx != PARSE_PREFIX_NONE) {
		switch (logprefix_strip(p->lp, p->pfx, s, n, &c, &cn)) {
		case LOGPREFIX_SKIP:
			return GT_OK;
		case LOGPREFIX_YES:
			return prefixed_line(p, c, cn, e);
		default:
			/* the prefix stopped: the dump is over */
			if (parse_dump_end(p, e) != GT_OK)
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
	if (n > 32 && s[0] >= '0' && s[0] <= '9') {
		switch (logprefix_cri_join(p->lp, s, n, &c, &cn)) {
		case LOGPREFIX_SKIP:
			return GT_OK;
		case LOGPREFIX_YES:
			if (!starts_dump(p, c, cn))
				return GT_OK;
			p->pfx = PARSE_PREFIX_CRI;
			p->pfx_time = logprefix_time(p->lp, p->pfx, s, n);
			return prefixed_line(p, c, cn, e);
		default:
			break;
		}
	}
	{
		size_t w = lead_space(s, n), len;
		const char *name;

		if (parse_gotest_line(s + w, n - w, &name, &len)) {
			note_test(p, name, len);
			if (name == NULL) /* a package is over: its tests too */
				p->test_name_len = 0;
			return GT_OK;
		}
		size_t m = n; /* trailing blanks of a paste mean nothing */

		while (m > w && (s[m - 1] == ' ' || s[m - 1] == '\t'))
			m--;
		if (w < m && s[w] == '\\' && starts(s + w + 1, m - w - 1, "SIG"))
			w++;
		if (starts_dump(p, s + w, m - w))
			return content_line(p, s, n, e);
	}
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

/* After the line [line, nl) of a buffer ending at end: where the next line
 * to read starts. A header's body that repeats a template is skipped
 * (parse_fast.c); the blank line after a body read the long way may make
 * it one. */
static inline const char *next_line(parse_ctx *p, const char *line,
				    const char *nl, const char *end)
{
	if (p->fast_hdr)
		return nl + 1 + parse_fast_body(p, nl + 1, (size_t)(end - nl - 1));
	if (nl == line && p->fast_rec)
		parse_fast_record(p, nl);
	return nl + 1;
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
	p->fast_hdr = p->fast_rec = 0; /* what they saw was in another buffer */
#ifdef __SSE2__
	{
		const __m128i nlv = _mm_set1_epi8('\n');

		while (q + 16 <= end) {
			const char *at = q;
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
				_mm_loadu_si128((const __m128i *)(const void *)q),
				nlv));

			q += 16;
			for (; m; m &= m - 1) {
				nl = at + __builtin_ctz(m);
				if ((*rc = raw_line(p, start, (size_t)(nl - start),
						    e)) != GT_OK)
					goto out;
				start = next_line(p, start, nl, end);
				if (start > nl + 1) { /* a body skipped */
					q = start;
					break;
				}
			}
		}
	}
#endif
	for (; (nl = memchr(q, '\n', (size_t)(end - q))) != NULL;) {
		if ((*rc = raw_line(p, start, (size_t)(nl - start), e)) != GT_OK)
			goto out;
		q = start = next_line(p, start, nl, end);
	}
	p->fast_hdr = p->fast_rec = 0;
	return (size_t)(start - buf);
out:
	p->fast_hdr = p->fast_rec = 0;
	return (size_t)(nl + 1 - buf);
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
			parse_grow(&p->carry, &p->carry_cap, p->carry_len + take, 1);
			memcpy(p->carry + p->carry_len, buf, take);
			p->carry_len += take;
			if (nl == NULL)
				return GT_OK;
			if (raw_line(p, p->carry, p->carry_len, e) != GT_OK)
				return GT_ERR;
			p->fast_hdr = 0; /* its body is read line by line */
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
	/* a blank line or lines of another kind after the last goroutine:
	 * the dump was over before the input */
	if (p->mode == M_TRACE && p->in_g && !p->gap && !p->frun &&
	    (p->want_file != WF_NONE ||
	     (p->nslots == 0 && !(p->g.flags & PARSE_G_NOSTACK))))
		cut = 1;
	if (p->mode == M_TRACE || p->mode == M_DEBUG1) {
		if (cut) {
			p->dump.truncated = 1;
			if (p->in_g)
				p->g.flags |= PARSE_G_TRUNCATED;
		}
		if (parse_emit(p, e) != GT_OK)
			return GT_ERR;
		if (parse_dump_end(p, e) != GT_OK)
			return GT_ERR;
	}
	p->mode = M_NOISE;
	return GT_OK;
}
