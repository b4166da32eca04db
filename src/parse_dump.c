/*
 * parse_dump.c - what the parser hands its sink: dumps begun and ended,
 * goroutines emitted (their frame slots turned into parse_frame views), and
 * the pieces of one dump that the parallel reader parses apart and joins.
 */
#define _GNU_SOURCE /* memmem */
#include "parse_priv.h"

#include <string.h>

/* ---- goroutines and dumps -------------------------------------------- */

void parse_g_reset(parse_ctx *p)
{
	p->in_g = 0;
	p->gap = 0;
	p->want_file = 0;
	p->arena_cur = p->arena;
	if (p->arena)
		p->arena->len = 0;
	p->nslots = 0;
	p->kept_funcs = p->kept_files = 0;
	p->kept = 0;
	p->has_created = 0;
	p->cur_tag = 0;
	p->lazy_slots = NULL;
	memset(&p->g, 0, sizeof p->g);
	p->g.minutes = -1;
}

/* ---- dumps ------------------------------------------------------------ */

int parse_dump_begin(parse_ctx *p, parse_kind kind, gt_err *e)
{
	p->dump.kind = kind;
	p->dump.prefix = p->pfx;
	p->dump.time = p->pfx == PARSE_PREFIX_NONE ? 0 : p->pfx_time;
	if (p->pfx == PARSE_PREFIX_NONE && p->gh_dump) {
		p->dump.prefix = PARSE_PREFIX_GITHUB;
		p->dump.time = p->pfx_time;
	}
	p->frun = p->fcount = 0;
	p->dump.title = p->dump.title_len ? p->title : NULL;
	p->dump.lineno = p->dump.lineno ? p->dump.lineno : p->st.lines;
	p->dump.truncated = 0;
	p->dump.ancestors = 0;
	parse_crash_views(p, kind);
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

int parse_dump_end(parse_ctx *p, gt_err *e)
{
	int rc = GT_OK;

	if (p->mode == M_TRACE || p->mode == M_DEBUG1) {
		if (parse_emit(p, e) != GT_OK)
			return GT_ERR;
		if (p->sink.dump_end)
			rc = p->sink.dump_end(p->sink.ud, &p->dump, e);
	}
	p->mode = M_NOISE;
	memset(&p->dump, 0, sizeof p->dump);
	p->pfx = PARSE_PREFIX_NONE;
	p->gh_dump = 0;
	p->frun = p->fcount = 0;
	logprefix_reset(p->lp);
	parse_g_reset(p);
	return rc;
}

/* Ends the dump on a line that is not dump text but still carries the
 * dump's log prefix: the same log may hold another dump later. */
int parse_end_keep_prefix(parse_ctx *p, gt_err *e)
{
	parse_prefix pfx = p->pfx;

	if (parse_dump_end(p, e) != GT_OK)
		return GT_ERR;
	p->pfx = pfx;
	return GT_OK;
}
int parse_next_dump(parse_ctx *p, gt_err *e)
{
	int gh = p->gh_line;

	if (parse_end_keep_prefix(p, e) != GT_OK)
		return GT_ERR;
	/* the new dump's time is that of its own first line */
	if (p->pfx != PARSE_PREFIX_NONE)
		p->pfx_time = logprefix_time(p->lp, p->pfx, p->raw, p->raw_len);
	else if ((p->gh_dump = gh) != 0)
		p->pfx_time = logprefix_parse_time(p->raw, p->raw_len);
	return parse_dump_begin(p, PARSE_KIND_TRACEBACK, e);
}

int parse_emit(parse_ctx *p, gt_err *e)
{
	size_t i;
	int rc;

	if (!p->in_g)
		return GT_OK;
	if (p->mode == M_TRACE && p->dump_goroutines > 0 &&
	    parse_is_dump_writer(p)) {
		/* this goroutine opens the next dump: close the current one
		 * around it, keeping it as it is */
		if (p->sink.dump_end &&
		    p->sink.dump_end(p->sink.ud, &p->dump, e) != GT_OK)
			return GT_ERR;
		p->dump.title_len = 0;
		p->dump.lineno = p->g.lineno;
		p->fpend = 0; /* the lines before it were between dumps */
		if (parse_dump_begin(p, PARSE_KIND_TRACEBACK, e) != GT_OK)
			return GT_ERR;
	}
	p->st.foreign_lines += p->fpend;
	p->fpend = 0;
	if (p->cur_tag && p->nslots == p->cur_nslots &&
	    p->has_created == p->cur_created) {
		/* a template's stack (parse_fast.c): its frames are made */
		p->g.frames = p->cur_frames;
		p->g.stack_tag = p->cur_tag;
	} else {
		if (p->lazy_slots)
			parse_fast_own(p);
		parse_grow(&p->frames, &p->frames_cap, p->nslots + 1,
			   sizeof *p->frames);
		for (i = 0; i < p->nslots; i++)
			parse_slot_frame(&p->frames[i], &p->slots[i]);
		p->g.frames = p->frames;
	}
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
	p->st.goroutines = parse_sat_add(p->st.goroutines, p->g.count);
	rc =
	    p->sink.goroutine ? p->sink.goroutine(p->sink.ud, &p->g, e) : GT_OK;
	parse_g_reset(p);
	return rc;
}

/* ---- pieces of one dump ---------------------------------------------------
 */

size_t parse_boundary(const char *buf, size_t len, size_t from)
{
	const char *q = buf + from, *end = buf + len;

	while (q < end) {
		const char *hit =
		    memmem(q, (size_t)(end - q), "\n\ngoroutine ", 12);
		const char *h, *nl;

		if (hit == NULL)
			break;
		h = hit + 2;
		nl = memchr(h, '\n', (size_t)(end - h));
		if (nl == NULL)
			break; /* the header is not wholly here */
		if (parse_is_header(NULL, h, (size_t)(nl - h)))
			return (size_t)(h - buf);
		q = hit + 1;
	}
	return len;
}

int parse_inside(parse_ctx *p, const parse_sink *sink, uint64_t offset,
                 gt_err *e)
{
	parse_ctx keep = *p;

	/* afresh, but with the memory it has (the prefix layer compiles its
	 * patterns once) */
	memset(p, 0, sizeof *p);
	p->lp = keep.lp;
	p->carry = keep.carry;
	p->carry_cap = keep.carry_cap;
	p->title = keep.title;
	p->title_cap = keep.title_cap;
	p->ctext = keep.ctext;
	p->ctext_cap = keep.ctext_cap;
	p->arena = keep.arena;
	p->slots = keep.slots;
	p->slots_cap = keep.slots_cap;
	p->frames = keep.frames;
	p->frames_cap = keep.frames_cap;
	p->tmpl = keep.tmpl; /* bodies read before read the same here */
	p->fast_clock = keep.fast_clock;
	p->fast_bytes = keep.fast_bytes;
	logprefix_reset(p->lp);
	parse_g_reset(p);
	p->sink = *sink;
	p->sniffed = offset < SNIFF_BYTES ? (size_t)offset : SNIFF_BYTES;
	p->mode = M_TRACE;
	p->dump.kind = PARSE_KIND_TRACEBACK;
	/* as if goroutines, goroutine 1 among them, came before: a dump
	 * writer or goroutine 1 here starts a dump, which the joiner refuses */
	p->dump_goroutines = 1;
	p->seen_g1 = 1;
	if (p->sink.dump_begin)
		return p->sink.dump_begin(p->sink.ud, &p->dump, e);
	return GT_OK;
}

int parse_between_goroutines(const parse_ctx *p)
{
	parse_kind k = p->dump.kind;

	return p->mode == M_TRACE && p->pfx == PARSE_PREFIX_NONE &&
	       !p->gh_dump && k != PARSE_KIND_TEST_TIMEOUT &&
	       k != PARSE_KIND_GOLEAK && k != PARSE_KIND_DEBUG1 &&
	       !p->race_skip && !p->crash_tail && !p->in_ancestor &&
	       !p->crash_first && p->frun == 0 && p->fpend == 0 &&
	       p->carry_len == 0 && !p->skipping && (!p->in_g || p->gap);
}

int parse_flush(parse_ctx *p, gt_err *e)
{
	p->gap = 0;
	return parse_emit(p, e);
}

void parse_skip(parse_ctx *p, const parse_ctx *piece)
{
	const parse_stats *a = &piece->st;

	p->st.bytes = parse_sat_add(p->st.bytes, a->bytes);
	p->st.lines = parse_sat_add(p->st.lines, a->lines);
	p->st.goroutines = parse_sat_add(p->st.goroutines, a->goroutines);
	p->st.race_reports += a->race_reports;
	p->st.long_lines += a->long_lines;
	p->st.capped_counts += a->capped_counts;
	p->st.nul_bytes += a->nul_bytes;
	p->st.ctrl_bytes += a->ctrl_bytes;
	p->st.foreign_lines += a->foreign_lines;
	p->st.recognised += a->recognised;
	p->dump_goroutines += piece->dump_goroutines - 1;
	p->dump_count += piece->dump_count;
	p->dump.ancestors += piece->dump.ancestors;
}
