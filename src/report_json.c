/*
 * report_json.c - the machine-readable report (schema: docs/json-schema.md).
 *
 * Values are built with jansson. The top-level object and each group are
 * written one member at a time, "groups" one group at a time and goroutine
 * ids streamed, so memory stays bounded by the largest stack rather than the
 * whole dump; the bytes are the same as json_dumpf() of the whole document
 * with JSON_INDENT(2) | JSON_PRESERVE_ORDER.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "crash.h"
#include "report_priv.h"
#include "verdict.h"

#define DUMP_FLAGS                                                         \
	(JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY |          \
	 JSON_REAL_PRECISION(15))

/* ---- values -------------------------------------------------------------- */

/* A JSON string of s, bytes that are not valid UTF-8 replaced by '?';
 * null for a NULL s. */
static json_t *jstr(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n, i = 0, k;
	char *copy = NULL;
	json_t *v;

	if (s == NULL)
		return json_null();
	n = strlen(s);
	while (i < n && (k = report_utf8_len(u + i, n - i)) != 0)
		i += k;
	if (i == n)
		return json_stringn(s, n);
	copy = gt_malloc(n + 1);
	memcpy(copy, s, n + 1);
	while (i < n) {
		k = report_utf8_len(u + i, n - i);
		if (k == 0) {
			copy[i] = '?';
			k = 1;
		}
		i += k;
	}
	v = json_stringn(copy, n);
	free(copy);
	return v;
}

static json_t *juint(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static json_t *jminutes(int m)
{
	return m < 0 ? json_null() : json_integer(m);
}

static json_t *jframe(const group_frame *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "func", jstr(f->func ? f->func : ""));
	json_object_set_new(o, "file", jstr(f->file));
	json_object_set_new(o, "line",
			    f->line ? json_integer(f->line) : json_null());
	return o;
}

static json_t *jframes(const group *g)
{
	json_t *a = json_array();

	for (size_t i = 0; i < g->nframes; i++)
		json_array_append_new(a, jframe(&g->frames[i]));
	return a;
}

static json_t *jby_category(const uint64_t by_cat[CAT__COUNT])
{
	json_t *o = json_object();

	for (int c = 0; c < CAT__COUNT; c++)
		json_object_set_new(o, category_name((category)c),
				    juint(by_cat[c]));
	return o;
}

static json_t *jreasons(const group *g, const group_dump *d,
			const group_opts *opts)
{
	json_t *a = json_array();
	char buf[512];

	for (size_t i = 0; i < report_nreason_bits; i++) {
		unsigned bit = report_reason_bits[i];
		json_t *r;

		if (!(g->reasons & bit))
			continue;
		buf[0] = '\0';
		group_reason_text(g, bit, d, opts, buf, sizeof buf);
		r = json_object();
		json_object_set_new(r, "code", jstr(report_reason_code(bit)));
		json_object_set_new(r, "text", jstr(buf));
		json_array_append_new(a, r);
	}
	return a;
}

static json_t *jdiagnoses(const group *g)
{
	json_t *a = json_array();

	for (size_t i = 0; i < g->ndiags; i++) {
		const rules_diag *dg = g->diags[i];
		json_t *r = json_object();

		json_object_set_new(r, "name", jstr(dg->name ? dg->name : ""));
		json_object_set_new(r, "cause", jstr(dg->cause ? dg->cause : ""));
		json_object_set_new(r, "fix", jstr(dg->fix ? dg->fix : ""));
		json_object_set_new(r, "leak_at",
				    dg->leak_at ? juint(dg->leak_at) : json_null());
		json_object_set_new(r, "healthy", json_boolean(dg->healthy));
		json_object_set_new(r, "rule_file", jstr(dg->file));
		json_object_set_new(r, "rule_line", dg->file && dg->line
						    ? json_integer(dg->line)
						    : json_null());
		json_array_append_new(a, r);
	}
	return a;
}

static json_t *jaddr(uint64_t a)
{
	char buf[24];

	if (a == 0)
		return json_null();
	snprintf(buf, sizeof buf, "0x%" PRIx64, a);
	return json_string(buf);
}

static json_t *jratio(double v)
{
	return json_real((double)(long long)(v * 1000.0 + 0.5) / 1000.0);
}

/* What the dump says about how the group came to be ("facts"). */
static json_t *jfacts(const group *g)
{
	const evidence *ev = &g->ev;
	json_t *o = json_object(), *a = json_object(), *i = json_object(),
	       *p = json_object(), *w = json_object();

	json_object_set_new(o, "sampled", juint(ev->nsample));
	json_object_set_new(a, "with_minutes", juint(ev->nminutes));
	json_object_set_new(a, "distinct", juint(ev->ages));
	json_object_set_new(o, "ages", a);
	json_object_set_new(i, "min", ev->nsample ? juint(ev->id_min) : json_null());
	json_object_set_new(i, "max", ev->nsample ? juint(ev->id_max) : json_null());
	json_object_set_new(i, "span", jratio(ev->id_span));
	json_object_set_new(i, "cover", jratio(ev->id_cover));
	json_object_set_new(i, "density", jratio(ev->id_density));
	json_object_set_new(o, "ids", i);
	json_object_set_new(p, "checked", juint(ev->parents_checked));
	json_object_set_new(p, "distinct", juint(ev->parents));
	json_object_set_new(p, "alive", juint(ev->parents_alive));
	json_object_set_new(o, "parents", p);
	json_object_set_new(w, "kind", jstr(evidence_obj_kind_name(ev->obj_kind)));
	json_object_set_new(w, "checked", juint(ev->objs_checked));
	json_object_set_new(w, "distinct", juint(ev->objs));
	json_object_set_new(w, "top", jaddr(ev->top_obj));
	json_object_set_new(w, "top_count", juint(ev->top_obj_count));
	json_object_set_new(w, "inlined", juint(ev->obj_inlined));
	json_object_set_new(w, "imprecise", juint(ev->obj_imprecise));
	json_object_set_new(w, "holder", ev->holder_id ? juint(ev->holder_id)
						       : json_null());
	json_object_set_new(w, "holder_fingerprint",
			    g->holder ? jstr(g->holder->fingerprint)
				      : json_null());
	json_object_set_new(o, "wait_object", w);
	return o;
}

/* The object of one group (docs/json-schema.md, "group"). With ids 0 the
 * "ids" member is left null, in its place, for a writer that streams it. */
static json_t *jgroup_ex(const group *g, const group_dump *d,
			 const group_opts *opts, int ids)
{
	json_t *o = json_object(), *a = NULL;

	json_object_set_new(o, "fingerprint", jstr(g->fingerprint));
	json_object_set_new(o, "count", juint(g->count));
	json_object_set_new(o, "state", jstr(g->state ? g->state : ""));
	json_object_set_new(o, "category", jstr(category_name(g->cat)));
	json_object_set_new(o, "min_minutes", jminutes(g->min_minutes));
	json_object_set_new(o, "max_minutes", jminutes(g->max_minutes));
	json_object_set_new(o, "locked_to_thread", juint(g->nlocked));
	json_object_set_new(o, "leaked_marked", juint(g->nleaked));
	json_object_set_new(o, "truncated", juint(g->ntruncated));
	json_object_set_new(o, "frames", jframes(g));
	json_object_set_new(o, "created_by", g->created_by.func
						     ? jframe(&g->created_by)
						     : json_null());
	if (ids) {
		a = json_array();
		for (size_t i = 0; i < g->nids; i++)
			json_array_append_new(a, juint(g->ids[i]));
	}
	json_object_set_new(o, "ids", a ? a : json_null());
	json_object_set_new(o, "labels", jstr(g->labels));
	json_object_set_new(o, "leak", json_boolean(group_is_leak(g)));
	json_object_set_new(o, "verdict", jstr(verdict_name(g->verdict)));
	json_object_set_new(o, "evidence", jstr(g->why ? g->why : ""));
	json_object_set_new(o, "finding", g->finding >= 0
						  ? juint((uint64_t)g->finding + 1)
						  : json_null());
	json_object_set_new(o, "facts", jfacts(g));
	json_object_set_new(o, "reasons", jreasons(g, d, opts));
	json_object_set_new(o, "diagnoses", jdiagnoses(g));
	json_object_set_new(o, "healthy", json_boolean(g->healthy));
	return o;
}

static json_t *jgroup(const group *g, const group_dump *d,
		      const group_opts *opts)
{
	return jgroup_ex(g, d, opts, 1);
}

static json_t *jsnapshot(size_t index, const group_dump *d)
{
	json_t *o = json_object();
	char tbuf[40];

	json_object_set_new(o, "index", juint(index + 1));
	json_object_set_new(o, "kind", jstr(parse_kind_name(d->kind)));
	json_object_set_new(o, "title", jstr(d->title));
	json_object_set_new(o, "lineno", juint(d->lineno));
	json_object_set_new(o, "time", report_time(d->time, tbuf, sizeof tbuf)[0]
					       ? jstr(tbuf)
					       : json_null());
	json_object_set_new(o, "prefix", jstr(parse_prefix_name(d->prefix)));
	json_object_set_new(o, "goroutines", juint(d->total));
	json_object_set_new(o, "declared_total", d->declared_total
							 ? juint(d->declared_total)
							 : json_null());
	json_object_set_new(o, "groups", juint(d->ngroups));
	json_object_set_new(o, "flagged_groups", juint(d->nflagged));
	json_object_set_new(o, "flagged_goroutines",
			    juint(d->leaked_goroutines));
	json_object_set_new(o, "truncated", json_boolean(d->truncated));
	json_object_set_new(o, "by_category", jby_category(d->by_cat));
	return o;
}

static json_t *jlines(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, jstr(v[i]));
	return a;
}

/* Ids listed per crash group: the group itself lists them all, and a
 * deadlock of a million goroutines must not be held in memory twice. */
#define CRASH_IDS_MAX 100

/* A group the crash is about: what its goroutines wait on and which. */
static json_t *jcrash_group(const group_dump *d, const group *g)
{
	json_t *o = json_object(), *ids = json_array();
	const group_frame *f = report_top_frame(g);
	uint64_t buf[CRASH_IDS_MAX];
	size_t n = report_crash_ids(d, g, buf, CRASH_IDS_MAX);

	json_object_set_new(o, "fingerprint", jstr(g->fingerprint));
	json_object_set_new(o, "count", juint(report_crash_count(d, g)));
	json_object_set_new(o, "state", jstr(g->state));
	json_object_set_new(o, "category", jstr(category_name(g->cat)));
	json_object_set_new(o, "frame", f ? jframe(f) : json_null());
	for (size_t i = 0; i < n; i++)
		json_array_append_new(ids, juint(buf[i]));
	json_object_set_new(o, "ids", ids);
	return o;
}

/* The "crash" object: null unless the dump is a crash. */
static json_t *jcrash(const group_dump *d)
{
	const group_crash *c;
	json_t *o, *frames, *groups;

	if (d == NULL || !crash_dump_has(d))
		return json_null();
	c = &d->crash;
	o = json_object();
	json_object_set_new(o, "kind", jstr(parse_kind_name(d->kind)));
	json_object_set_new(o, "message", jlines(c->message, c->nmessage));
	json_object_set_new(o, "signal", jstr(c->signal));
	json_object_set_new(o, "goroutine", c->group ? juint(c->id) : json_null());
	json_object_set_new(o, "state", c->group ? jstr(c->state) : json_null());
	json_object_set_new(o, "group", c->group ? jstr(c->group->fingerprint)
						 : json_null());
	frames = json_array();
	for (size_t i = 0; c->group && i < c->nframes; i++)
		json_array_append_new(frames, jframe(&c->frames[i]));
	json_object_set_new(o, "frames", frames);
	json_object_set_new(o, "created_by", c->group && c->created_by.func
						     ? jframe(&c->created_by)
						     : json_null());
	json_object_set_new(o, "created_in", c->group && c->created_in
						     ? juint(c->created_in)
						     : json_null());
	json_object_set_new(o, "running_tests", jlines(c->tests, c->ntests));
	groups = json_array();
	for (size_t i = 0; i < c->ngroups; i++)
		json_array_append_new(groups, jcrash_group(d, c->groups[i]));
	json_object_set_new(o, "goroutines", groups);
	return o;
}

static json_t *jthresholds(const group_opts *g)
{
	json_t *o = json_object();

	json_object_set_new(o, "min_count", juint(g->min_count));
	json_object_set_new(o, "min_share", json_real(g->min_share));
	json_object_set_new(o, "share_floor", juint(g->share_floor));
	json_object_set_new(o, "min_minutes", json_integer(g->min_minutes));
	json_object_set_new(o, "pool_max", juint(g->pool_max));
	json_object_set_new(o, "group_by",
			    jstr(g->by == GROUP_BY_FUNC ? "func" : "line"));
	json_object_set_new(o, "max_ids", juint(g->max_ids));
	return o;
}

/* Shared with the diff and trend documents (report_priv.h). */
json_t *report_json_group(const group *g, const group_dump *d,
			  const group_opts *opts)
{
	return jgroup(g, d, opts);
}

json_t *report_json_str(const char *s)
{
	return jstr(s);
}

json_t *report_json_thresholds(const group_opts *g)
{
	return jthresholds(g);
}

int report_json_dump(FILE *out, json_t *doc)
{
	int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
					      JSON_REAL_PRECISION(15));

	json_decref(doc);
	if (rc != 0)
		return GT_ERR;
	fputc('\n', out);
	return ferror(out) ? GT_ERR : GT_OK;
}

/* ---- writing ------------------------------------------------------------- */

/* Writes v as JSON, every line after the first indented by indent spaces,
 * so that it nests inside hand-written outer levels. Takes v's reference. */
static int put_value(FILE *out, json_t *v, int indent)
{
	char *txt;
	int rc = GT_OK;

	if (v == NULL)
		return GT_ERR;
	txt = json_dumps(v, DUMP_FLAGS);
	json_decref(v);
	if (txt == NULL)
		return GT_ERR;
	for (const char *p = txt; *p;) {
		size_t n = strcspn(p, "\n");

		fwrite(p, 1, n, out);
		p += n;
		if (*p == '\n') {
			static const char spaces[] = "\n                ";

			if ((size_t)indent < sizeof spaces - 1)
				fwrite(spaces, 1, 1 + (size_t)indent, out);
			else
				fprintf(out, "\n%*s", indent, "");
			p++;
		}
	}
	free(txt);
	if (ferror(out))
		rc = GT_ERR;
	return rc;
}

/* One member of a hand-written object whose members sit at column indent. */
static int put_member(FILE *out, int indent, const char *key, json_t *v,
		      int last)
{
	fprintf(out, "%*s\"%s\": ", indent, "", key);
	if (put_value(out, v, indent) != GT_OK)
		return GT_ERR;
	fputs(last ? "\n" : ",\n", out);
	return ferror(out) ? GT_ERR : GT_OK;
}

/* One group, as an object whose braces sit at column 4: the members of
 * jgroup_ex() one at a time, the ids streamed in place of their
 * placeholder, so a group of a million goroutines costs no more memory than
 * its frames. */
static int put_group(FILE *out, const group *g, const group_dump *d,
		     const group_opts *opts)
{
	json_t *o = jgroup_ex(g, d, opts, 0), *v;
	size_t n = json_object_size(o), k = 0;
	const char *key;
	int rc = GT_OK;

	fputs("{\n", out);
	json_object_foreach(o, key, v) {
		int last = ++k == n;

		if (strcmp(key, "ids") != 0) {
			rc = put_member(out, 6, key, json_incref(v), last);
		} else {
			fputs("      \"ids\": [", out);
			for (size_t i = 0; i < g->nids; i++) {
				uint64_t id = g->ids[i] > INT64_MAX ? INT64_MAX
								    : g->ids[i];

				fprintf(out, "%s        %" PRIu64,
					i ? ",\n" : "\n", id);
				if ((i & 0xfff) == 0xfff && ferror(out))
					break;
			}
			fputs(g->nids ? "\n      ]" : "]", out);
			fputs(last ? "\n" : ",\n", out);
			rc = ferror(out) ? GT_ERR : GT_OK;
		}
		if (rc != GT_OK)
			break;
	}
	json_decref(o);
	if (rc != GT_OK)
		return GT_ERR;
	fputs("    }", out);
	return ferror(out) ? GT_ERR : GT_OK;
}

int report_json_stream(FILE *out, json_t *doc, const char *key,
		       json_t *(*item)(void *ud, size_t i), void *ud, size_t n)
{
	size_t size = json_object_size(doc), k = 0, i;
	const char *mk;
	json_t *v;
	int rc = GT_OK;

	fputs("{\n", out);
	json_object_foreach(doc, mk, v) {
		int last = ++k == size;

		if (strcmp(mk, key) != 0) {
			rc = put_member(out, 2, mk, json_incref(v), last);
			if (rc != GT_OK)
				break;
			continue;
		}
		fprintf(out, "  \"%s\": [", key);
		for (i = 0; i < n && rc == GT_OK; i++) {
			fputs(i ? ",\n    " : "\n    ", out);
			rc = put_value(out, item(ud, i), 4);
		}
		fputs(n ? "\n  ]" : "]", out);
		fputs(last ? "\n" : ",\n", out);
		if (rc != GT_OK || ferror(out))
			break;
	}
	json_decref(doc);
	if (rc != GT_OK)
		return GT_ERR;
	fputs("}\n", out);
	return ferror(out) ? GT_ERR : GT_OK;
}

static const char *link_names[] = {"object", "parent", "sibling", "holder"};

/* Findings: the groups that are parts of one problem ("finding"). */
static json_t *jfindings(const group_dump *d)
{
	json_t *a = json_array();

	for (size_t i = 0; d && i < d->nfindings; i++) {
		const group_finding *f = &d->findings[i];
		json_t *o = json_object(), *m = json_array(), *l = json_array();

		json_object_set_new(o, "id", juint(i + 1));
		json_object_set_new(o, "verdict", jstr(verdict_name(f->verdict)));
		json_object_set_new(o, "goroutines", juint(f->goroutines));
		for (size_t k = 0; k < f->ngroups; k++)
			json_array_append_new(m, jstr(f->groups[k]->fingerprint));
		json_object_set_new(o, "groups", m);
		for (size_t k = 0; k < 4; k++)
			if (f->links & (1u << k))
				json_array_append_new(l, jstr(link_names[k]));
		json_object_set_new(o, "links", l);
		json_object_set_new(o, "evidence", jstr(f->why ? f->why : ""));
		json_array_append_new(a, o);
	}
	return a;
}

int report_json(FILE *out, const group_set *s, const report_opts *o)
{
	return report_json_more(out, s, o, NULL, NULL);
}

int report_json_more(FILE *out, const group_set *s, const report_opts *o,
		     int (*more)(FILE *out, void *ud), void *ud)
{
	const group_dump *d = group_set_last(s);
	uint64_t none[CAT__COUNT] = {0};
	json_t *snaps;

#define MEMBER(k, v)                                                        \
	do {                                                                \
		if (put_member(out, 2, (k), (v), 0) != GT_OK)               \
			return GT_ERR;                                      \
	} while (0)

	fputs("{\n", out);
	MEMBER("schema", json_integer(REPORT_JSON_SCHEMA));
	MEMBER("tool", json_string("gtriage"));
	MEMBER("source", jstr(o->source ? o->source : "-"));
	MEMBER("goroutines", juint(d ? d->total : 0));
	MEMBER("dumps", juint(s->ndumps));
	MEMBER("kind", d ? jstr(parse_kind_name(d->kind)) : json_null());
	MEMBER("title", d ? jstr(d->title) : json_null());
	MEMBER("crash", jcrash(d));
	MEMBER("truncated", json_boolean(d && d->truncated));
	MEMBER("race_reports", juint(s->stats.race_reports));
	MEMBER("foreign_lines", juint(s->stats.foreign_lines));
	MEMBER("flagged_groups", juint(d ? d->nflagged : 0));
	MEMBER("flagged_goroutines", juint(d ? d->leaked_goroutines : 0));
	MEMBER("by_category", jby_category(d ? d->by_cat : none));
	MEMBER("thresholds", jthresholds(&s->opts));
#undef MEMBER

	fputs("  \"groups\": [", out);
	for (size_t i = 0; d && i < d->ngroups; i++) {
		fputs(i ? ",\n    " : "\n    ", out);
		if (put_group(out, d->groups[i], d, &s->opts) != GT_OK)
			return GT_ERR;
	}
	fputs(d && d->ngroups ? "\n  ],\n" : "],\n", out);

	if (put_member(out, 2, "findings", jfindings(d), 0) != GT_OK)
		return GT_ERR;
	snaps = json_array();
	for (size_t i = 0; i < s->ndumps; i++)
		json_array_append_new(snaps, jsnapshot(i, s->dumps[i]));
	if (put_member(out, 2, "snapshots", snaps, more == NULL) != GT_OK)
		return GT_ERR;
	if (more && more(out, ud) != GT_OK)
		return GT_ERR;
	fputs("}\n", out);
	return ferror(out) ? GT_ERR : GT_OK;
}
