/*
 * pprof.c - profile.proto: a hand-walked top level, protobuf-c for the
 * messages inside it. The goroutine adapter is in pprof_goroutine.c.
 */
#include "pprof.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.pb-c.h"

/* Top-level fields of Profile (proto/profile.proto). */
enum {
	F_SAMPLE_TYPE = 1,
	F_SAMPLE = 2,
	F_LOCATION = 4,
	F_FUNCTION = 5,
	F_STRING = 6,
	F_TIME_NANOS = 9,
	F_MAX = 14,
};

enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5 };

typedef struct field {
	unsigned num, wt;
	uint64_t v;          /* WT_VARINT */
	const uint8_t *data; /* WT_LEN */
	size_t len;
} field;

typedef struct cursor {
	const uint8_t *base, *p, *end;
} cursor;

typedef struct pp_func {
	uint64_t id;
	int64_t name, file;
} pp_func;

typedef struct pp_line {
	uint64_t func_id;
	size_t func; /* index in funcs, SIZE_MAX when unknown */
	int64_t line;
} pp_line;

typedef struct pp_loc {
	uint64_t id, addr;
	size_t first, nlines; /* in lines */
} pp_loc;

struct pprof_profile {
	const uint8_t *buf;
	size_t len;
	pprof_str *strs;
	size_t nstrs, strs_cap;
	pprof_type *types;
	size_t ntypes;
	int64_t time_nanos;
	pp_func *funcs;
	size_t nfuncs, funcs_cap;
	pp_loc *locs;
	size_t nlocs, locs_cap;
	pp_line *lines;
	size_t nlines, lines_cap;
	int64_t (*raw_types)[2]; /* string indices, resolved after the walk */

	/* per-sample scratch, reused */
	parse_frame *frames;
	size_t *frame_loc;
	size_t frames_cap;
	uint64_t *addrs;
	size_t addrs_cap;
	pprof_label *labels;
	size_t labels_cap;
};

static void *grow(void *a, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return a;
	*cap = *cap ? *cap : 16;
	while (*cap < need)
		*cap *= 2;
	return gt_realloc(a, *cap * size);
}

/* At most 10 bytes, the last holding bit 63 only. */
static int varint(cursor *c, uint64_t *v)
{
	uint64_t r = 0;
	unsigned shift;

	for (shift = 0; shift < 64 && c->p < c->end; shift += 7) {
		uint8_t b = *c->p++;

		if (shift == 63 && b > 1)
			return -1;
		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return 0;
		}
	}
	return -1;
}

/* The next field at c. Returns 1, 0 at the end, -1 if malformed (*why set). */
static int next_field(cursor *c, field *f, const char **why)
{
	uint64_t tag, n;

	if (c->p >= c->end)
		return 0;
	if (varint(c, &tag) != 0) {
		*why = "a field tag is cut short or longer than 10 bytes";
		return -1;
	}
	f->num = tag >> 3 > 0x1fffffff ? 0 : (unsigned)(tag >> 3);
	f->wt = (unsigned)(tag & 7);
	if (f->num == 0) {
		*why = "a field numbered 0";
		return -1;
	}
	switch (f->wt) {
	case WT_VARINT:
		if (varint(c, &f->v) != 0) {
			*why = "a varint is cut short or longer than 10 bytes";
			return -1;
		}
		return 1;
	case WT_I64:
	case WT_I32:
		n = f->wt == WT_I64 ? 8 : 4;
		break;
	case WT_LEN:
		if (varint(c, &n) != 0) {
			*why = "a length is cut short or longer than 10 bytes";
			return -1;
		}
		break;
	default:
		*why = "an unknown wire type";
		return -1;
	}
	if (n > (uint64_t)(c->end - c->p)) {
		*why = "a field runs past the end (truncated?)";
		return -1;
	}
	f->data = c->p;
	f->len = (size_t)n;
	c->p += n;
	return 1;
}

/* Wire type each Profile field must have; -1: not a Profile field. Field
 * 13 (comment) may come packed. */
static int want_wt(unsigned num)
{
	static const signed char wt[F_MAX + 1] = {
		-1, WT_LEN, WT_LEN, WT_LEN, WT_LEN, WT_LEN, WT_LEN, WT_VARINT,
		WT_VARINT, WT_VARINT, WT_VARINT, WT_LEN, WT_VARINT, -1, WT_VARINT};
	return num <= F_MAX ? wt[num] : -1;
}

/* The fields of a message inside data[0..len) (cut short by the sniff
 * window: a last field running past it is fine) are plausible. */
static int inner_plausible(const uint8_t *data, size_t len)
{
	cursor c = {data, data, data + len};
	field f;
	const char *why;
	int r;

	while ((r = next_field(&c, &f, &why)) > 0)
		if (f.num > 16)
			return 0;
	return r == 0 || c.p >= c.end || strstr(why, "past the end") != NULL;
}

/* A control byte that text, even coloured, does not hold. The tags of
 * the small messages a profile starts with are such bytes (0x08, 0x10). */
static int has_binary(const uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] < 0x20 && (b[i] < '\t' || b[i] > '\r') && b[i] != 0x1b)
			return 1;
	return 0;
}

int pprof_sniff(const void *buf, size_t len)
{
	const uint8_t *b = buf;
	cursor c = {b, b, b + len};
	field f;
	const char *why;
	const uint8_t *at = b;
	int r, n = 0;

	/* no writer starts with the string table; text may look like it */
	if (!has_binary(b, len) || (len > 0 && b[0] == (F_STRING << 3 | WT_LEN)))
		return 0;
	while ((r = next_field(&c, &f, &why)) > 0) {
		if (want_wt(f.num) != (int)f.wt &&
		    !(f.num == 13 && f.wt == WT_LEN))
			return 0;
		if (f.wt == WT_LEN && f.num != F_STRING &&
		    !inner_plausible(f.data, f.len))
			return 0;
		n++;
		at = c.p;
	}
	if (r < 0) {
		/* the window may end inside a field: judge what it shows */
		cursor t = {b, at, b + len};
		uint64_t tag, l;

		if (varint(&t, &tag) != 0)
			return n > 0;
		f.num = (unsigned)(tag >> 3);
		f.wt = (unsigned)(tag & 7);
		if (want_wt(f.num) != (int)f.wt &&
		    !(f.num == 13 && f.wt == WT_LEN))
			return 0;
		if (f.wt != WT_LEN)
			return 1;
		if (varint(&t, &l) != 0)
			return n > 0 || t.p == t.end;
		if (l <= (uint64_t)(t.end - t.p))
			return 0; /* fits, yet next_field failed */
		return f.num == F_STRING ||
		       inner_plausible(t.p, (size_t)(t.end - t.p));
	}
	return n > 0;
}

static int bad(gt_err *e, const cursor *c, const char *why)
{
	return gt_errf(e, "not a valid protobuf profile: %s (byte %zu)", why,
		       (size_t)(c->p - c->base));
}

static int by_id_func(const void *a, const void *b)
{
	uint64_t x = ((const pp_func *)a)->id, y = ((const pp_func *)b)->id;

	return x < y ? -1 : x > y;
}

static int by_id_loc(const void *a, const void *b)
{
	uint64_t x = ((const pp_loc *)a)->id, y = ((const pp_loc *)b)->id;

	return x < y ? -1 : x > y;
}

static int add_function(pprof_profile *p, const field *f, gt_err *e)
{
	Perftools__Profiles__Function *m =
		perftools__profiles__function__unpack(NULL, f->len, f->data);
	pp_func *fn;

	if (m == NULL)
		return gt_errf(e, "not a valid protobuf profile: a Function "
				  "does not decode");
	p->funcs = grow(p->funcs, &p->funcs_cap, p->nfuncs + 1, sizeof *fn);
	fn = &p->funcs[p->nfuncs++];
	fn->id = m->id;
	fn->name = m->name;
	fn->file = m->filename;
	perftools__profiles__function__free_unpacked(m, NULL);
	return GT_OK;
}

static int add_location(pprof_profile *p, const field *f, gt_err *e)
{
	Perftools__Profiles__Location *m =
		perftools__profiles__location__unpack(NULL, f->len, f->data);
	pp_loc *l;
	size_t i;

	if (m == NULL)
		return gt_errf(e, "not a valid protobuf profile: a Location "
				  "does not decode");
	p->locs = grow(p->locs, &p->locs_cap, p->nlocs + 1, sizeof *l);
	l = &p->locs[p->nlocs++];
	l->id = m->id;
	l->addr = m->address;
	l->first = p->nlines;
	l->nlines = m->n_line;
	p->lines = grow(p->lines, &p->lines_cap, p->nlines + m->n_line,
			sizeof *p->lines);
	for (i = 0; i < m->n_line; i++) {
		pp_line *ln = &p->lines[p->nlines++];

		ln->func_id = m->line[i]->function_id;
		ln->func = SIZE_MAX;
		ln->line = m->line[i]->line;
	}
	perftools__profiles__location__free_unpacked(m, NULL);
	return GT_OK;
}

static int add_type(pprof_profile *p, const field *f, gt_err *e)
{
	Perftools__Profiles__ValueType *m =
		perftools__profiles__value_type__unpack(NULL, f->len, f->data);

	if (m == NULL)
		return gt_errf(e, "not a valid protobuf profile: a sample type "
				  "does not decode");
	p->raw_types = gt_realloc(p->raw_types,
				  (p->ntypes + 1) * sizeof *p->raw_types);
	p->raw_types[p->ntypes][0] = m->type;
	p->raw_types[p->ntypes][1] = m->unit;
	p->ntypes++;
	perftools__profiles__value_type__free_unpacked(m, NULL);
	return GT_OK;
}

static int str_ok(const pprof_profile *p, int64_t i, const char *what,
		  gt_err *e)
{
	if (i >= 0 && (uint64_t)i < p->nstrs)
		return GT_OK;
	return gt_errf(e, "not a valid protobuf profile: %s names string %lld "
			  "of a table of %zu",
		       what, (long long)i, p->nstrs);
}

static const pp_func *find_func(const pprof_profile *p, uint64_t id)
{
	pp_func key = {.id = id};

	return p->nfuncs ? bsearch(&key, p->funcs, p->nfuncs, sizeof key,
				   by_id_func)
			 : NULL;
}

static const pp_loc *find_loc(const pprof_profile *p, uint64_t id)
{
	pp_loc key = {.id = id};

	return p->nlocs ? bsearch(&key, p->locs, p->nlocs, sizeof key,
				  by_id_loc)
			: NULL;
}

/* After the walk: every index the tables hold points inside them. */
static int resolve(pprof_profile *p, gt_err *e)
{
	size_t i;

	if (p->nstrs == 0 || p->strs[0].len != 0)
		return gt_errf(e, "not a valid protobuf profile: the string "
				  "table does not start with \"\"");
	p->types = gt_calloc(p->ntypes ? p->ntypes : 1, sizeof *p->types);
	for (i = 0; i < p->ntypes; i++) {
		if (str_ok(p, p->raw_types[i][0], "a sample type", e) ||
		    str_ok(p, p->raw_types[i][1], "a sample unit", e))
			return GT_ERR;
		p->types[i].type = p->strs[p->raw_types[i][0]];
		p->types[i].unit = p->strs[p->raw_types[i][1]];
	}
	for (i = 0; i < p->nfuncs; i++)
		if (str_ok(p, p->funcs[i].name, "a function", e) ||
		    str_ok(p, p->funcs[i].file, "a function's file", e))
			return GT_ERR;
	if (p->nfuncs > 1)
		qsort(p->funcs, p->nfuncs, sizeof *p->funcs, by_id_func);
	if (p->nlocs > 1)
		qsort(p->locs, p->nlocs, sizeof *p->locs, by_id_loc);
	for (i = 0; i < p->nlines; i++) {
		const pp_func *f = find_func(p, p->lines[i].func_id);

		if (f == NULL && p->lines[i].func_id != 0)
			return gt_errf(e, "not a valid protobuf profile: a line "
					  "names function %llu, which is not "
					  "in the profile",
				       (unsigned long long)p->lines[i].func_id);
		p->lines[i].func = f ? (size_t)(f - p->funcs) : SIZE_MAX;
	}
	return GT_OK;
}

int pprof_open(const void *buf, size_t len, pprof_profile **out, gt_err *e)
{
	pprof_profile *p;
	cursor c = {buf, buf, (const uint8_t *)buf + len};
	field f;
	const char *why = NULL;
	int r, rc = GT_OK;

	*out = NULL;
	if (len > PPROF_MAX_SIZE)
		return gt_errf(e, "protobuf profile of %zu bytes: more than the "
				  "%zu MiB read",
			       len, PPROF_MAX_SIZE >> 20);
	p = gt_calloc(1, sizeof *p);
	p->buf = buf;
	p->len = len;
	while (rc == GT_OK && (r = next_field(&c, &f, &why)) > 0) {
		int want = want_wt(f.num);

		if (want >= 0 && (int)f.wt != want &&
		    !(f.num == 13 && f.wt == WT_LEN)) {
			rc = bad(e, &c, "a field has the wrong wire type");
			break;
		}
		switch (f.num) {
		case F_SAMPLE_TYPE:
			rc = add_type(p, &f, e);
			break;
		case F_LOCATION:
			rc = add_location(p, &f, e);
			break;
		case F_FUNCTION:
			rc = add_function(p, &f, e);
			break;
		case F_STRING:
			p->strs = grow(p->strs, &p->strs_cap, p->nstrs + 1,
				       sizeof *p->strs);
			p->strs[p->nstrs].s = (const char *)f.data;
			p->strs[p->nstrs++].len = f.len;
			break;
		case F_TIME_NANOS:
			p->time_nanos = (int64_t)f.v;
			break;
		default:
			break; /* samples are read by pprof_each_sample() */
		}
	}
	if (rc == GT_OK && r < 0)
		rc = bad(e, &c, why);
	if (rc == GT_OK)
		rc = resolve(p, e);
	if (rc != GT_OK) {
		pprof_free(p);
		return GT_ERR;
	}
	*out = p;
	return GT_OK;
}

void pprof_free(pprof_profile *p)
{
	if (p == NULL)
		return;
	free(p->strs);
	free(p->types);
	free(p->raw_types);
	free(p->funcs);
	free(p->locs);
	free(p->lines);
	free(p->frames);
	free(p->frame_loc);
	free(p->addrs);
	free(p->labels);
	free(p);
}

const pprof_type *pprof_sample_types(const pprof_profile *p, size_t *n)
{
	*n = p->ntypes;
	return p->types;
}

int64_t pprof_time_nanos(const pprof_profile *p)
{
	return p->time_nanos;
}

size_t pprof_size(const pprof_profile *p)
{
	return p->len;
}

static int sample_labels(pprof_profile *p,
			 const Perftools__Profiles__Sample *m, gt_err *e)
{
	size_t i;

	p->labels = grow(p->labels, &p->labels_cap, m->n_label,
			 sizeof *p->labels);
	for (i = 0; i < m->n_label; i++) {
		const Perftools__Profiles__Label *l = m->label[i];
		pprof_label *o = &p->labels[i];

		if (str_ok(p, l->key, "a label key", e) ||
		    str_ok(p, l->str, "a label value", e) ||
		    str_ok(p, l->num_unit, "a label unit", e))
			return GT_ERR;
		o->key = p->strs[l->key];
		o->str = p->strs[l->str];
		o->num = l->num;
		/* an empty string value is index 0 too, as is num 0 */
		o->is_num = l->str == 0 && (l->num != 0 || l->num_unit != 0);
		o->unit = p->strs[l->num_unit];
	}
	return GT_OK;
}

/* Expands the sample's locations into frames, innermost first. */
static int sample_frames(pprof_profile *p,
			 const Perftools__Profiles__Sample *m, size_t *nframes,
			 gt_err *e)
{
	size_t i, j, n = 0;

	p->addrs = grow(p->addrs, &p->addrs_cap, m->n_location_id,
			sizeof *p->addrs);
	for (i = 0; i < m->n_location_id; i++) {
		const pp_loc *l = find_loc(p, m->location_id[i]);
		size_t k = l && l->nlines ? l->nlines : 1;

		if (l == NULL)
			return gt_errf(e, "not a valid protobuf profile: a "
					  "sample names location %llu, which "
					  "is not in the profile",
				       (unsigned long long)m->location_id[i]);
		p->addrs[i] = l->addr;
		p->frames = grow(p->frames, &p->frames_cap, n + k,
				 sizeof *p->frames);
		p->frame_loc = gt_realloc(p->frame_loc,
					  p->frames_cap * sizeof *p->frame_loc);
		for (j = 0; j < k; j++, n++) {
			parse_frame *fr = &p->frames[n];
			const pp_line *ln = l->nlines ? &p->lines[l->first + j]
						      : NULL;
			const pp_func *fn = ln && ln->func != SIZE_MAX
						    ? &p->funcs[ln->func]
						    : NULL;

			memset(fr, 0, sizeof *fr);
			p->frame_loc[n] = i;
			if (fn == NULL || p->strs[fn->name].len == 0)
				continue;
			fr->func = p->strs[fn->name].s;
			fr->func_len = p->strs[fn->name].len;
			if (p->strs[fn->file].len) {
				fr->file = p->strs[fn->file].s;
				fr->file_len = p->strs[fn->file].len;
			}
			fr->line = ln->line > 0 && ln->line <= (int64_t)UINT32_MAX
					   ? (unsigned)ln->line
					   : 0;
		}
	}
	*nframes = n;
	return GT_OK;
}

int pprof_each_sample(pprof_profile *p, pprof_sample_fn fn, void *ud,
		      gt_err *e)
{
	cursor c = {p->buf, p->buf, p->buf + p->len};
	field f;
	const char *why = NULL;
	int r, rc = GT_OK;

	while (rc == GT_OK && (r = next_field(&c, &f, &why)) > 0) {
		Perftools__Profiles__Sample *m;
		pprof_sample s;

		if (f.num != F_SAMPLE)
			continue;
		m = perftools__profiles__sample__unpack(NULL, f.len, f.data);
		if (m == NULL)
			return bad(e, &c, "a sample does not decode");
		memset(&s, 0, sizeof s);
		if (m->n_value != p->ntypes)
			rc = gt_errf(e, "not a valid protobuf profile: a sample "
					"has %zu values for %zu sample types",
				     m->n_value, p->ntypes);
		if (rc == GT_OK)
			rc = sample_labels(p, m, e);
		if (rc == GT_OK)
			rc = sample_frames(p, m, &s.nframes, e);
		if (rc == GT_OK) {
			s.values = m->value;
			s.nvalues = m->n_value;
			s.frames = p->frames;
			s.frame_loc = p->frame_loc;
			s.loc_addr = p->addrs;
			s.nlocs = m->n_location_id;
			s.labels = p->labels;
			s.nlabels = m->n_label;
			rc = fn(ud, &s, e);
		}
		perftools__profiles__sample__free_unpacked(m, NULL);
	}
	if (rc == GT_OK && r < 0)
		rc = bad(e, &c, why);
	return rc;
}
