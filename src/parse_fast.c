/*
 * parse_fast.c - the recognised-stack path of the traceback parser.
 *
 * Most goroutines of a big dump repeat a stack seen before, byte for byte:
 * the lines between the header and the blank line that ends the goroutine.
 * The first time such a body is read line by line, its bytes are kept as a
 * template with the frames read from them (views into the copy); when a
 * later header is followed by the same bytes and a blank line, the
 * goroutine takes the template's frames and those lines are not read
 * again. The one part of a body that legitimately differs between
 * goroutines of one stack, the parent id of "created by F in goroutine N",
 * is read from the input; a body that differs anywhere else (an argument
 * word, an offset, a line number) is read the long way.
 *
 * This is only the same as reading the lines because a template is taken
 * from a body read in the same parser state the path runs in (a plain
 * traceback dump, nothing pending, the header just read) and only from a
 * body whose lines all went to the goroutine: nothing emitted, no foreign,
 * over-long or ancestor lines, ending where no file line is awaited. Each
 * template has a tag drawn from a process-wide counter, so that the
 * grouper can recognise the stack without comparing it (parse.h).
 */
#define _GNU_SOURCE
#include "parse_priv.h"

#include <stdatomic.h>
#include <stdlib.h>

/* Templates are found by their first line: sets of a few, replaced least
 * recently used. Bodies longer than FAST_MAX_BODY are not kept. */
#define FAST_SETS 64
#define FAST_WAYS 8
#define FAST_MAX_BODY 8192
#define FAST_FIRST_MAX 512 /* a first line longer than this: no template */
/* Bytes of templates a parser may hold: bodies, frames and slots (the
 * stacks of a big service's dump take some 1 MiB). */
#define FAST_BUDGET ((size_t)2 << 20)
#define FRAME_BYTES (sizeof(fslot) + sizeof(parse_frame))
/* After FAST_MISS_RUN bodies in a row that no template had (a dump whose
 * stacks all differ: arguments that vary in every goroutine), only one
 * body in FAST_MISS_TRY is looked up and perhaps kept, until one hits: the
 * path then costs next to nothing where it cannot help. */
#define FAST_MISS_RUN 64
#define FAST_MISS_TRY 16

struct ftmpl {
	char *body; /* the lines after the header, each with its newline */
	size_t len, cap;
	uint64_t lines; /* lines in body */
	uint64_t tag;   /* 0: the slot is empty */
	uint64_t used;  /* when it was last matched or made */
	size_t var_at;  /* the parent id's digits in body, var_len 0 if none */
	size_t var_len;
	fslot *slots; /* the frames read from body: views into it */
	parse_frame *frames;
	size_t nslots, slots_cap;
	int has_created;
	fslot created;
	unsigned flags; /* what the body set: PARSE_G_ELIDED, _NOSTACK */
};

#define BODY_FLAGS (PARSE_G_ELIDED | PARSE_G_NOSTACK)

static _Atomic uint64_t next_tag;
static int fast_on = 1;

void parse_set_fast(int on)
{
	fast_on = on;
}

void parse_fast_free(parse_ctx *p)
{
	size_t i;

	if (p->tmpl == NULL)
		return;
	for (i = 0; i < FAST_SETS * FAST_WAYS; i++) {
		free(p->tmpl[i].body);
		free(p->tmpl[i].slots);
		free(p->tmpl[i].frames);
	}
	free(p->tmpl);
	p->tmpl = NULL;
}

/* The goroutine whose header was just read is open and empty, in a plain
 * traceback dump where every line goes through parse_trace_line as is. */
static int eligible(const parse_ctx *p)
{
	return fast_on && p->mode == M_TRACE && p->pfx == PARSE_PREFIX_NONE &&
	       !p->gh_dump && !p->gh_line && !p->volatile_line &&
	       !p->race_skip && !p->crash_tail && !p->in_ancestor && !p->frun &&
	       p->in_g && !p->gap && p->nslots == 0 && !p->has_created &&
	       p->want_file == WF_NONE && !(p->g.flags & BODY_FLAGS) &&
	       p->dump.kind != PARSE_KIND_GOLEAK;
}

static unsigned first_line_set(const char *s, size_t n)
{
	uint64_t a = 0, b = 0, h;
	size_t k = n < 8 ? n : 8;

	memcpy(&a, s, k);
	memcpy(&b, s + n - k, k);
	h = (a * 0x9e3779b97f4a7c15ull) ^ b ^ (uint64_t)n << 56;
	h *= 0xff51afd7ed558ccdull;
	return (unsigned)(h >> 58) & (FAST_SETS - 1);
}

/* Does s, of which avail bytes may be read, start with t's body followed
 * by a blank line? Returns the body's length in s, and its parent id. The
 * blank line where it would end is looked at first: most misses end
 * there. */
static size_t match(const struct ftmpl *t, const char *s, size_t avail,
                    uint64_t *parent)
{
	size_t a = t->var_at, d = 0, end, used;

	if (t->var_len == 0) {
		*parent = 0;
		return t->len < avail && s[t->len] == '\n' &&
		               memcmp(s, t->body, t->len) == 0
		           ? t->len
		           : 0;
	}
	/* in input order: the bytes ahead are not in the cache yet */
	if (a >= avail || memcmp(s, t->body, a) != 0)
		return 0;
	while (a + d < avail && d <= 20 && s[a + d] >= '0' && s[a + d] <= '9')
		d++;
	end = t->len - t->var_len + d;
	if (d == 0 || d > 20 || end >= avail ||
	    memcmp(s + a + d, t->body + a + t->var_len, end - a - d) != 0 ||
	    s[end] != '\n')
		return 0;
	*parent = parse_u64(s + a, d, &used);
	return end;
}

/* The goroutine takes t's frames as if its lines had been read. */
static void apply(parse_ctx *p, struct ftmpl *t, uint64_t parent)
{
	p->st.lines += t->lines;
	p->st.recognised++;
	/* the views are in the template, which outlives the goroutine; they
	 * are copied to p->slots only if something reads them there */
	p->lazy_slots = t->slots;
	p->nslots = p->kept_funcs = p->kept_files = t->nslots;
	p->g.flags |= t->flags;
	if (t->has_created) {
		p->has_created = 1;
		p->created = t->created;
		p->kept |= K_CFUNC | K_CFILE;
		p->g.created_in = parent;
	}
	p->cur_frames = t->frames;
	p->cur_tag = t->tag;
	p->cur_nslots = t->nslots;
	p->cur_created = t->has_created;
}

size_t parse_fast_body(parse_ctx *p, const char *s, size_t avail)
{
	const char *nl;
	unsigned set, w;

	p->fast_hdr = 0;
	p->fast_rec = 0;
	if (!eligible(p) || avail == 0)
		return 0;
	if (p->fast_misses >= FAST_MISS_RUN &&
	    ++p->fast_misses % FAST_MISS_TRY != 0)
		return 0;
	nl = memchr(s, '\n', avail < FAST_FIRST_MAX ? avail : FAST_FIRST_MAX);
	if (nl == NULL || nl == s)
		return 0;
	set = first_line_set(s, (size_t)(nl - s));
	if (p->tmpl) {
		struct ftmpl *t = &p->tmpl[set * FAST_WAYS];

		for (w = 0; w < FAST_WAYS; w++, t++) {
			uint64_t parent;
			size_t len = t->tag ? match(t, s, avail, &parent) : 0;

			if (len) {
				p->fast_misses = 0;
				t->used = ++p->fast_clock;
				apply(p, t, parent);
				return len;
			}
		}
	}
	/* read the long way; the body may become a template */
	if (p->fast_misses < FAST_MISS_RUN)
		p->fast_misses++;
	p->fast_rec = 1;
	p->rec_set = set;
	p->rec_start = s;
	p->rec_lines = p->st.lines;
	p->rec_long = p->st.long_lines;
	p->rec_emitted = p->st.goroutines;
	p->rec_dumps = p->st.dumps;
	p->rec_fpend = p->fpend;
	p->rec_lineno = p->g.lineno;
	return 0;
}

void parse_fast_own(parse_ctx *p)
{
	parse_grow(&p->slots, &p->slots_cap, p->nslots, sizeof *p->slots);
	memcpy(p->slots, p->lazy_slots, p->nslots * sizeof *p->slots);
	p->lazy_slots = NULL;
}

/* A view of the body read at rec_start moved into the template's copy; 0
 * if it does not lie in the body. */
static int move_view(const parse_ctx *p, const struct ftmpl *t, const char **v,
                     size_t len)
{
	if (*v == NULL)
		return len == 0;
	if (*v < p->rec_start || *v + len > p->rec_start + t->len)
		return 0;
	*v = t->body + (*v - p->rec_start);
	return 1;
}

static int move_slot(const parse_ctx *p, const struct ftmpl *t, fslot *f)
{
	return move_view(p, t, &f->func, f->func_len) &&
	       move_view(p, t, &f->args, f->args_len) &&
	       move_view(p, t, &f->file, f->file_len);
}

/* The parent id of "created by F in goroutine N": where its digits are in
 * the template's body (parse_trace_line reads them at the line's end). */
static void find_parent(struct ftmpl *t)
{
	size_t at, d = 0;

	t->var_at = t->var_len = 0;
	if (!t->has_created)
		return;
	at = (size_t)(t->created.func - t->body) + t->created.func_len;
	if (at + 14 > t->len || memcmp(t->body + at, " in goroutine ", 14) != 0)
		return;
	at += 14;
	while (at + d < t->len && t->body[at + d] >= '0' &&
	       t->body[at + d] <= '9')
		d++;
	if (d == 0 || d > 20)
		return;
	t->var_at = at;
	t->var_len = d;
}

void parse_fast_record(parse_ctx *p, const char *blank)
{
	size_t len = (size_t)(blank - p->rec_start), i, n = p->nslots, grow;
	struct ftmpl *t, *way;
	unsigned w;

	p->fast_rec = 0;
	/* every line since the header went to this goroutine */
	if (len == 0 || len > FAST_MAX_BODY || !p->in_g || n == 0 ||
	    p->st.goroutines != p->rec_emitted || p->st.dumps != p->rec_dumps ||
	    p->g.lineno != p->rec_lineno || p->st.long_lines != p->rec_long ||
	    p->fpend != p->rec_fpend || p->frun || p->mode != M_TRACE ||
	    p->in_ancestor || p->crash_tail || p->race_skip ||
	    p->pfx != PARSE_PREFIX_NONE || p->want_file != WF_NONE ||
	    p->lazy_slots || p->st.lines < p->rec_lines + 1)
		return;
	if (p->tmpl == NULL)
		p->tmpl = gt_calloc(FAST_SETS * FAST_WAYS, sizeof *p->tmpl);
	way = &p->tmpl[p->rec_set * FAST_WAYS];
	for (t = way, w = 1; w < FAST_WAYS; w++)
		if (way[w].used < t->used)
			t = &way[w];
	/* sized to fit, within the parser's budget */
	grow = (len > t->cap ? len - t->cap : 0) +
	       (n > t->slots_cap ? (n - t->slots_cap) * FRAME_BYTES : 0);
	if (p->fast_bytes + grow > FAST_BUDGET)
		return;
	p->fast_bytes += grow;
	t->tag = 0; /* empty until it is whole */
	if (len > t->cap) {
		t->cap = len;
		t->body = gt_realloc(t->body, len);
	}
	memcpy(t->body, p->rec_start, len);
	t->len = len;
	if (n > t->slots_cap) {
		t->slots_cap = n;
		t->slots = gt_realloc(t->slots, n * sizeof *t->slots);
		t->frames = gt_realloc(t->frames, n * sizeof *t->frames);
	}
	for (i = 0; i < n; i++) {
		fslot *f = &t->slots[i];

		*f = p->slots[i];
		if (!move_slot(p, t, f))
			return;
		parse_slot_frame(&t->frames[i], f);
	}
	t->nslots = n;
	t->has_created = p->has_created;
	if (t->has_created) {
		t->created = p->created;
		if (!move_slot(p, t, &t->created))
			return;
	}
	find_parent(t);
	{
		size_t used;
		uint64_t id = t->var_len ? parse_u64(t->body + t->var_at,
		                                     t->var_len, &used)
		                         : 0;

		if (id != p->g.created_in)
			return; /* not read where it was thought to be */
	}
	t->lines = p->st.lines - p->rec_lines - 1; /* not the blank line */
	t->flags = p->g.flags & BODY_FLAGS;
	t->tag = atomic_fetch_add(&next_tag, 1) + 1;
	t->used = ++p->fast_clock;
	/* the goroutine just read has the template's stack */
	p->cur_frames = t->frames;
	p->cur_tag = t->tag;
	p->cur_nslots = n;
	p->cur_created = t->has_created;
}
