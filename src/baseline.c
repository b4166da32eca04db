/*
 * baseline.c - known-good groups by fingerprint (uthash), read from a JSON
 * report, a baseline document or a plain list, and applied to a finished
 * group set: a flagged group the baseline knows loses its flag unless it
 * grew beyond the allowance (baseline.h).
 */
#include "baseline.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "uthash.h"

typedef struct known {
	char fp[17];
	uint64_t count;  /* BASELINE_ANY: at any size */
	char *category;  /* for the written file; NULL when unknown */
	char *top;       /* "func file:line" of the first user frame */
	UT_hash_handle hh;
} known;

struct baseline {
	known *map;
	char group_by[8]; /* "" when not said */
	uint64_t rise;    /* the allowance, see baseline_set_allowance */
	double ratio;
};

baseline *baseline_new(void)
{
	baseline *b = gt_calloc(1, sizeof(baseline));

	baseline_set_allowance(b, BASELINE_MIN_RISE, BASELINE_MIN_RATIO);
	return b;
}

void baseline_set_allowance(baseline *b, uint64_t rise, double ratio)
{
	b->rise = rise;
	b->ratio = ratio;
}

void baseline_free(baseline *b)
{
	known *k, *tmp;

	if (b == NULL)
		return;
	HASH_ITER(hh, b->map, k, tmp) {
		HASH_DEL(b->map, k);
		free(k->category);
		free(k->top);
		free(k);
	}
	free(b);
}

size_t baseline_count(const baseline *b)
{
	return HASH_COUNT(b->map);
}

const char *baseline_group_by(const baseline *b)
{
	return b->group_by[0] ? b->group_by : NULL;
}

static int is_fingerprint(const char *s, size_t n)
{
	if (n != 16)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) ||
		    isupper((unsigned char)s[i]))
			return 0;
	return 1;
}

static known *find(const baseline *b, const char *fp)
{
	known *k = NULL;

	HASH_FIND(hh, b->map, fp, 16, k);
	return k;
}

/* Adds fp with count, keeping the larger known count. */
static known *put(baseline *b, const char *fp, uint64_t count)
{
	known *k = find(b, fp);

	if (k == NULL) {
		k = gt_calloc(1, sizeof *k);
		memcpy(k->fp, fp, 16);
		k->count = count;
		HASH_ADD(hh, b->map, fp, 16, k);
	} else if (count > k->count) {
		k->count = count;
	}
	return k;
}

uint64_t baseline_known(const baseline *b, const char *fp)
{
	const known *k = find(b, fp);

	return k ? k->count : 0;
}

int baseline_within(const baseline *b, uint64_t known_count, uint64_t count)
{
	double allow;

	if (known_count == BASELINE_ANY || count <= known_count)
		return 1;
	/* in double: a ratio of 1e6 on a large count must not wrap */
	allow = (double)known_count * b->ratio;
	if (allow < (double)b->rise)
		allow = (double)b->rise;
	return (double)(count - known_count) <= allow;
}

/* ---- reading ------------------------------------------------------------ */

/* A JSON report or baseline document: its "groups" array. */
static int load_json(baseline *b, const char *path, const char *text,
		     size_t len, gt_err *e)
{
	json_error_t je;
	json_t *doc = json_loadb(text, len, 0, &je), *groups, *g, *by;
	size_t i;

	if (doc == NULL)
		return gt_errf(e, "%s:%d: not valid JSON: %s", path, je.line,
			       je.text);
	groups = json_object_get(doc, "groups");
	if (!json_is_array(groups)) {
		json_decref(doc);
		return gt_errf(e, "%s: JSON without a \"groups\" array: not a "
			       "gtriage report or baseline", path);
	}
	by = json_object_get(doc, "group_by");
	if (by == NULL)
		by = json_object_get(json_object_get(doc, "thresholds"),
				     "group_by");
	if (json_is_string(by))
		snprintf(b->group_by, sizeof b->group_by, "%s",
			 json_string_value(by));
	json_array_foreach(groups, i, g) {
		json_t *fp = json_object_get(g, "fingerprint");
		json_t *n = json_object_get(g, "count");
		const char *s = json_string_value(fp);

		if (s == NULL || !is_fingerprint(s, strlen(s)) ||
		    (n && !json_is_integer(n)) ||
		    (n && json_integer_value(n) < 0)) {
			json_decref(doc);
			return gt_errf(e, "%s: group %zu: needs a \"fingerprint\" "
				       "of 16 hex digits and a \"count\"",
				       path, i + 1);
		}
		put(b, s, n ? (uint64_t)json_integer_value(n) : BASELINE_ANY);
	}
	json_decref(doc);
	return GT_OK;
}

/* One fingerprint a line, an optional count after it, '#' comments. */
static int load_list(baseline *b, const char *path, const char *text,
		     size_t len, gt_err *e)
{
	const char *p = text, *end = text + len;
	unsigned long lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *q = p, *w;
		uint64_t count = BASELINE_ANY;

		lineno++;
		while (q < le && (*q == ' ' || *q == '\t'))
			q++;
		w = q;
		while (q < le && !isspace((unsigned char)*q) && *q != '#')
			q++;
		if (q > w) {
			if (!is_fingerprint(w, (size_t)(q - w)))
				return gt_errf(e, "%s:%lu: not a fingerprint "
					       "(16 lower-case hex digits)",
					       path, lineno);
			while (q < le && (*q == ' ' || *q == '\t'))
				q++;
			if (q < le && isdigit((unsigned char)*q)) {
				char *after;

				errno = 0;
				count = strtoull(q, &after, 10);
				if (errno || count == BASELINE_ANY ||
				    (after < le && !isspace((unsigned char)*after) &&
				     *after != '#'))
					return gt_errf(e, "%s:%lu: bad count",
						       path, lineno);
				q = after;
			}
			while (q < le && (*q == ' ' || *q == '\t' || *q == '\r'))
				q++;
			if (q < le && *q != '#')
				return gt_errf(e, "%s:%lu: unexpected text after "
					       "the fingerprint", path, lineno);
			put(b, w, count);
		} else if (q < le && *q != '#' && *q != '\r') {
			return gt_errf(e, "%s:%lu: not a fingerprint", path,
				       lineno);
		}
		p = le + 1;
	}
	return GT_OK;
}

baseline *baseline_load(const char *path, gt_err *e)
{
	FILE *f = fopen(path, "rb");
	baseline *b;
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	const char *p;
	int rc;

	if (f == NULL) {
		gt_errf(e, "%s: %s", path, strerror(errno));
		return NULL;
	}
	do {
		if (cap - len < 65536)
			text = gt_realloc(text, cap = cap * 2 + 65536);
		n = fread(text + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		gt_errf(e, "%s: %s", path, strerror(errno));
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	if (memchr(text, 0, len)) {
		gt_errf(e, "%s: binary data, not a baseline", path);
		free(text);
		return NULL;
	}
	b = baseline_new();
	for (p = text; p < text + len && isspace((unsigned char)*p); p++)
		;
	rc = p < text + len && *p == '{' ? load_json(b, path, text, len, e)
					 : load_list(b, path, text, len, e);
	free(text);
	if (rc != GT_OK) {
		baseline_free(b);
		return NULL;
	}
	return b;
}

/* ---- building and writing ----------------------------------------------- */

static char *top_of(const group *g)
{
	const group_frame *f = NULL;
	char buf[1024];

	for (size_t i = 0; i < g->nframes && f == NULL; i++)
		if (group_frame_is_user(&g->frames[i]))
			f = &g->frames[i];
	if (f == NULL && g->nframes)
		f = &g->frames[0];
	if (f == NULL)
		return NULL;
	if (f->file)
		snprintf(buf, sizeof buf, "%s %s:%u", f->func, f->file, f->line);
	else
		snprintf(buf, sizeof buf, "%s", f->func);
	return gt_strndup(buf, strlen(buf));
}

void baseline_add_set(baseline *b, const group_set *s)
{
	const group_dump *d = group_set_last(s);

	snprintf(b->group_by, sizeof b->group_by, "%s",
		 s->opts.by == GROUP_BY_FUNC ? "func" : "line");
	for (size_t i = 0; d && i < d->ngroups; i++) {
		const group *g = d->groups[i];
		known *k = put(b, g->fingerprint, g->count);

		if (k->category == NULL) {
			const char *c = category_name(g->cat);

			k->category = gt_strndup(c, strlen(c));
			k->top = top_of(g);
		}
	}
}

/* Largest count first, then fingerprint: the same bytes for the same run. */
static int by_count(const void *pa, const void *pb)
{
	const known *a = *(known *const *)pa, *b = *(known *const *)pb;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->fp, b->fp);
}

/* A JSON string with bytes that are not UTF-8 replaced by '?'. */
static json_t *jstr(const char *s)
{
	json_t *v;
	char *copy;

	if (s == NULL)
		return json_null();
	if ((v = json_string(s)) != NULL)
		return v;
	copy = gt_strndup(s, strlen(s));
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	v = json_string(copy);
	free(copy);
	return v;
}

int baseline_write(FILE *out, const baseline *b, gt_err *e)
{
	size_t n = HASH_COUNT(b->map), i = 0;
	known **all = gt_calloc(n ? n : 1, sizeof *all), *k, *tmp;
	json_t *doc = json_object(), *groups = json_array();
	int rc;

	HASH_ITER(hh, b->map, k, tmp) all[i++] = k;
	qsort(all, n, sizeof *all, by_count);
	for (i = 0; i < n; i++) {
		json_t *g = json_object();

		json_object_set_new(g, "fingerprint", json_string(all[i]->fp));
		json_object_set_new(g, "count",
				    all[i]->count == BASELINE_ANY
					    ? json_null()
					    : json_integer((json_int_t)all[i]->count));
		json_object_set_new(g, "category", jstr(all[i]->category));
		json_object_set_new(g, "top", jstr(all[i]->top));
		json_array_append_new(groups, g);
	}
	free(all);
	json_object_set_new(doc, "schema", json_integer(BASELINE_SCHEMA));
	json_object_set_new(doc, "tool", json_string("gtriage"));
	json_object_set_new(doc, "kind", json_string("baseline"));
	json_object_set_new(doc, "group_by",
			    b->group_by[0] ? json_string(b->group_by)
					   : json_null());
	json_object_set_new(doc, "groups", groups);
	rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (rc != 0 || fputc('\n', out) == EOF || ferror(out))
		return gt_errf(e, "cannot write the baseline: %s",
			       errno ? strerror(errno) : "write error");
	return GT_OK;
}

/* ---- applying ----------------------------------------------------------- */

/* The evidence line says why a flagged group is no longer flagged. */
static void baseline_note(group *g, uint64_t known_count)
{
	char buf[600];

	if (known_count == BASELINE_ANY)
		snprintf(buf, sizeof buf, "in the baseline; %s",
			 g->why ? g->why : "");
	else
		snprintf(buf, sizeof buf, "in the baseline (%llu known); %s",
			 (unsigned long long)known_count, g->why ? g->why : "");
	free(g->why);
	g->why = gt_strndup(buf, strlen(buf));
}

void baseline_apply(const baseline *b, group_set *s, baseline_result *r)
{
	memset(r, 0, sizeof *r);
	for (size_t i = 0; i < s->ndumps; i++) {
		group_dump *d = s->dumps[i];
		int last = i + 1 == s->ndumps;

		for (size_t j = 0; j < d->ngroups; j++) {
			group *g = d->groups[j];
			const known *k;

			if (!group_is_leak(g) ||
			    (k = find(b, g->fingerprint)) == NULL)
				continue;
			if (!baseline_within(b, k->count, g->count)) {
				r->grown += last;
				continue;
			}
			/* known and not grown: worth a look, no longer flagged */
			g->reasons = 0;
			g->verdict = VERDICT_SUSPECT;
			baseline_note(g, k->count);
			if (last) {
				r->known++;
				r->known_goroutines += g->count;
			}
		}
		group_dump_recount(d);
	}
}
