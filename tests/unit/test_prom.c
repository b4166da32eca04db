/*
 * test_prom.c - the Prometheus text format output (report_prom.c) for a
 * dump and for a trend, checked by a parser that follows the format's
 * rules: HELP and TYPE once per metric family and before its samples, the
 * samples of a family together, metric and label names from their
 * character sets, label values escaped, values that parse, no duplicate
 * series. Also checked by `promtool check metrics` when it is installed.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "group.h"
#include "report.h"
#include "trend.h"

/* ---- a validator for the text exposition format -------------------------- */

#define MAXF 64
#define MAXS 4096

typedef struct fam {
	char name[128];
	int help, type, samples, closed;
} fam;

typedef struct vstate {
	fam f[MAXF];
	size_t nf;
	char *series[MAXS];
	size_t ns;
	int cur; /* family whose samples are being read, -1 */
	char err[256];
} vstate;

static int bad(vstate *v, size_t lineno, const char *what, const char *line)
{
	snprintf(v->err, sizeof v->err, "line %zu: %s: %.120s", lineno, what,
		 line);
	return -1;
}

static fam *family_of(vstate *v, const char *name, size_t n)
{
	for (size_t i = 0; i < v->nf; i++)
		if (strlen(v->f[i].name) == n && memcmp(v->f[i].name, name, n) == 0)
			return &v->f[i];
	if (v->nf == MAXF || n >= sizeof v->f[0].name)
		return NULL;
	memset(&v->f[v->nf], 0, sizeof v->f[0]);
	memcpy(v->f[v->nf].name, name, n);
	return &v->f[v->nf++];
}

static int name_start(int c, int colon)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (colon && c == ':');
}

static int name_char(int c, int colon)
{
	return name_start(c, colon) || (c >= '0' && c <= '9');
}

/* Length of the metric (colon) or label name at s, 0 if none. */
static size_t name_len(const char *s, int colon)
{
	size_t n = 0;

	if (!name_start((unsigned char)s[0], colon))
		return 0;
	while (name_char((unsigned char)s[n], colon))
		n++;
	return n;
}

static int valid_value(const char *s)
{
	char *end;

	if (!strcmp(s, "NaN") || !strcmp(s, "+Inf") || !strcmp(s, "-Inf"))
		return 1;
	strtod(s, &end);
	return end != s && *end == '\0';
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A sample line: name{l="v",...} value [timestamp]. */
static int sample_line(vstate *v, size_t lineno, const char *line)
{
	size_t n = name_len(line, 1), nl = 0, klen;
	const char *p = line + n, *why = NULL;
	char *labels[32], key[8192], value[64];
	fam *f;
	int idx;

	if (n == 0)
		return bad(v, lineno, "bad metric name", line);
	f = family_of(v, line, n);
	if (f == NULL)
		return bad(v, lineno, "too many families", line);
	idx = (int)(f - v->f);
	if (!f->type || !f->help)
		return bad(v, lineno, "sample before HELP and TYPE", line);
	if (f->closed || (v->cur >= 0 && v->cur != idx && f->samples))
		return bad(v, lineno, "family samples not together", line);
	if (v->cur >= 0 && v->cur != idx)
		v->f[v->cur].closed = 1;
	v->cur = idx;
	f->samples++;
	klen = (size_t)snprintf(key, sizeof key, "%.*s", (int)n, line);
	if (*p == '{') {
		p++;
		while (*p != '}') {
			size_t ln = name_len(p, 0), bl;
			char buf[1024];

			if (ln == 0) {
				why = "bad label name";
				goto out;
			}
			if (ln >= 2 && p[0] == '_' && p[1] == '_') {
				why = "reserved label name";
				goto out;
			}
			bl = (size_t)snprintf(buf, sizeof buf, "%.*s=", (int)ln, p);
			p += ln;
			if (p[0] != '=' || p[1] != '"') {
				why = "label without =\"";
				goto out;
			}
			p += 2;
			while (*p != '"') {
				if (*p == '\0') {
					why = "unterminated label value";
					goto out;
				}
				if (*p == '\\') {
					if (p[1] != '\\' && p[1] != '"' && p[1] != 'n') {
						why = "bad escape";
						goto out;
					}
					p++;
				}
				if (bl + 2 < sizeof buf)
					buf[bl++] = *p;
				p++;
			}
			buf[bl] = '\0';
			p++;
			for (size_t i = 0; i < nl; i++)
				if (strncmp(labels[i], buf, ln + 1) == 0) {
					why = "duplicate label";
					goto out;
				}
			if (nl == 32) {
				why = "too many labels";
				goto out;
			}
			labels[nl++] = strdup(buf);
			if (*p == ',')
				p++;
			else if (*p != '}') {
				why = "expected , or }";
				goto out;
			}
		}
		p++;
	}
	/* the series: name and labels in a fixed order */
	qsort(labels, nl, sizeof *labels, by_str);
	for (size_t i = 0; i < nl; i++)
		klen += (size_t)snprintf(key + klen, sizeof key - klen, "\x01%s",
					 labels[i]);
	if (*p != ' ') {
		why = "no space before the value";
		goto out;
	}
	p++;
	if (sscanf(p, "%63s", value) != 1 || !valid_value(value)) {
		why = "bad value";
		goto out;
	}
	p += strlen(value);
	if (*p == ' ') {
		char *end;

		strtoll(p + 1, &end, 10);
		if (end == p + 1 || *end) {
			why = "bad timestamp";
			goto out;
		}
	} else if (*p) {
		why = "trailing text";
		goto out;
	}
	for (size_t i = 0; i < v->ns && !why; i++)
		if (strcmp(v->series[i], key) == 0)
			why = "duplicate series";
	if (!why && v->ns == MAXS)
		why = "too many series";
	if (!why)
		v->series[v->ns++] = strdup(key);
out:
	for (size_t i = 0; i < nl; i++)
		free(labels[i]);
	return why ? bad(v, lineno, why, line) : 0;
}

static int comment_line(vstate *v, size_t lineno, const char *line)
{
	int help = strncmp(line, "# HELP ", 7) == 0;
	int type = strncmp(line, "# TYPE ", 7) == 0;
	const char *p = line + 7;
	size_t n;
	fam *f;

	if (!help && !type)
		return 0; /* other comments are allowed */
	n = name_len(p, 1);
	if (n == 0 || (p[n] != ' ' && !(help && p[n] == '\0')))
		return bad(v, lineno, "bad name in HELP/TYPE", line);
	f = family_of(v, p, n);
	if (f == NULL)
		return bad(v, lineno, "too many families", line);
	if (f->samples)
		return bad(v, lineno, "HELP/TYPE after samples", line);
	if (help) {
		if (f->help++)
			return bad(v, lineno, "second HELP", line);
		for (const char *q = p + n; *q; q++)
			if (*q == '\\' && q[1] != '\\' && q[1] != 'n')
				return bad(v, lineno, "bad escape in HELP", line);
	} else {
		const char *t = p + n + 1;

		if (f->type++)
			return bad(v, lineno, "second TYPE", line);
		if (strcmp(t, "gauge") && strcmp(t, "counter") &&
		    strcmp(t, "histogram") && strcmp(t, "summary") &&
		    strcmp(t, "untyped"))
			return bad(v, lineno, "unknown type", line);
	}
	return 0;
}

/* 0 if text is valid exposition format; else -1 with v->err. */
static int validate(const char *text, vstate *v)
{
	size_t lineno = 0, len = strlen(text);
	char *copy, *line, *nl;
	int rc = 0;

	memset(v, 0, sizeof *v);
	v->cur = -1;
	if (len == 0 || text[len - 1] != '\n') {
		snprintf(v->err, sizeof v->err, "does not end in a newline");
		return -1;
	}
	copy = strdup(text);
	for (line = copy; rc == 0 && (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		lineno++;
		if (line[0] == '\0')
			continue;
		rc = line[0] == '#' ? comment_line(v, lineno, line)
				    : sample_line(v, lineno, line);
	}
	for (size_t i = 0; i < v->ns; i++)
		free(v->series[i]);
	free(copy);
	return rc;
}

static size_t count_lines(const char *text, const char *prefix)
{
	size_t n = 0, k = strlen(prefix);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, prefix, k) == 0)
			n++;
	return n;
}

/* ---- a model by hand -------------------------------------------------------- */

static char *dup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

static group *mk_group(category cat, uint64_t count, const char *func,
		       unsigned reasons, const char *fp, int minutes)
{
	group *g = calloc(1, sizeof *g);

	g->cat = cat;
	g->state = dup0("chan receive");
	g->state_len = strlen(g->state);
	g->count = count;
	g->min_minutes = g->max_minutes = minutes;
	g->frames = calloc(1, sizeof *g->frames);
	g->nframes = 1;
	g->frames[0].func = dup0(func);
	g->frames[0].func_len = strlen(func);
	g->frames[0].file = dup0("/src/app/x.go");
	g->frames[0].file_len = strlen(g->frames[0].file);
	g->frames[0].line = 10;
	g->reasons = reasons;
	g->verdict = reasons ? VERDICT_LEAK : VERDICT_NORMAL;
	snprintf(g->fingerprint, sizeof g->fingerprint, "%s", fp);
	return g;
}

static group_set *mk_set(group **groups, size_t n)
{
	group_set *s = group_set_new(NULL, NULL);
	group_dump *d = calloc(1, sizeof *d);

	d->groups = calloc(n, sizeof *d->groups);
	d->ngroups = n;
	for (size_t i = 0; i < n; i++) {
		d->groups[i] = groups[i];
		d->total += groups[i]->count;
		d->by_cat[groups[i]->cat] += groups[i]->count;
		if (group_is_leak(groups[i])) {
			d->nflagged++;
			d->leaked_goroutines += groups[i]->count;
		}
	}
	s->dumps = calloc(1, sizeof *s->dumps);
	s->dumps[0] = d;
	s->ndumps = 1;
	return s;
}

static char *render(const group_set *s, const char *source, size_t top)
{
	report_opts o = {REPORT_PROM, source, top, 0, 0};
	gt_err e = {{0}};
	FILE *f = tmpfile();
	long n;
	char *b;

	assert_int_equal(report_write(f, s, &o, &e), GT_OK);
	n = ftell(f);
	b = malloc((size_t)n + 1);
	rewind(f);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	return b;
}

/* promtool check metrics, when installed (Debian: prometheus). */
static void promtool(const char *text)
{
	char path[] = "/tmp/gt-prom-XXXXXX", cmd[128];
	int fd;
	FILE *f;

	if (system("command -v promtool >/dev/null 2>&1") != 0)
		return;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "promtool check metrics < %s", path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
}

/* ---- tests ---------------------------------------------------------------- */

static void test_format_name(void **state)
{
	report_format f = REPORT_TEXT;

	(void)state;
	assert_int_equal(report_format_parse("prom", &f), 0);
	assert_int_equal(f, REPORT_PROM);
}

static void test_dump(void **state)
{
	group *g[] = {
		mk_group(CAT_CHAN_SEND, 412, "main.fetch.func1", GROUP_R_COUNT,
			 "00000000000000a1", 12),
		mk_group(CAT_CHAN_RECEIVE, 8, "main.(*Pool).worker", 0,
			 "00000000000000b2", -1),
		mk_group(CAT_RUNNING, 1, "main.main", 0, "00000000000000c3", -1),
	};
	group_set *s = mk_set(g, 3);
	char *t = render(s, "http://app:6060/debug/pprof/goroutine", 0);
	vstate v;

	(void)state;
	if (validate(t, &v) != 0)
		fail_msg("%s\n%s", v.err, t);
	assert_non_null(strstr(t, "# TYPE gtriage_goroutines gauge\n"));
	assert_non_null(strstr(t, "gtriage_goroutines{source=\"http://app:6060/"
			       "debug/pprof/goroutine\",category=\"chan-send\"} 412\n"));
	/* every category, zeros too: series do not come and go */
	assert_int_equal(count_lines(t, "gtriage_goroutines{"), CAT__COUNT);
	assert_non_null(strstr(t, "gtriage_flagged_groups{source=\"http://app:"
			       "6060/debug/pprof/goroutine\"} 1\n"));
	assert_non_null(strstr(t, "gtriage_flagged_goroutines{"));
	assert_non_null(strstr(t, ",fingerprint=\"00000000000000a1\",category="
			       "\"chan-send\",function=\"main.fetch.func1\"} 412\n"));
	assert_non_null(strstr(t, "gtriage_group_flagged{"));
	assert_non_null(strstr(t, "function=\"main.fetch.func1\"} 720\n"));
	/* no trend families for one dump */
	assert_null(strstr(t, "gtriage_growing"));
	assert_null(strstr(t, "gtriage_group_growing"));
	promtool(t);
	free(t);
	group_set_free(s);
}

static void test_escaping(void **state)
{
	group *g[] = {
		mk_group(CAT_SELECT, 5, "main.(*T).\"odd\"\\name\x01", 0,
			 "00000000000000a1", -1),
		mk_group(CAT_SELECT, 4, "main.bad\xff\xfeutf8", 0,
			 "00000000000000b2", -1),
	};
	group_set *s = mk_set(g, 2);
	char *t = render(s, "https://user:secret@app:6060/x\n\"q\"\\", 0);
	vstate v;

	(void)state;
	if (validate(t, &v) != 0)
		fail_msg("%s\n%s", v.err, t);
	assert_non_null(strstr(t, "function=\"main.(*T).\\\"odd\\\"\\\\name?\"}"));
	assert_non_null(strstr(t, "function=\"main.bad??utf8\"}"));
	/* credentials never reach the metrics */
	assert_null(strstr(t, "secret"));
	assert_non_null(strstr(t, "source=\"https://app:6060/x\\n\\\"q\\\"\\\\\""));
	promtool(t);
	free(t);
	group_set_free(s);
}

static void test_bounded_and_merged(void **state)
{
	group *g[60];
	group_set *s;
	char fp[17], func[32], *t;
	vstate v;

	(void)state;
	for (int i = 0; i < 60; i++) {
		/* pairs of groups share a fingerprint (labels differ) */
		snprintf(fp, sizeof fp, "%016x", i / 2);
		snprintf(func, sizeof func, "main.f%d", i / 2);
		g[i] = mk_group(CAT_SELECT, 100 - (uint64_t)i, func, 0, fp, -1);
	}
	s = mk_set(g, 60);
	t = render(s, "app", 0);
	if (validate(t, &v) != 0)
		fail_msg("%s", v.err);
	assert_int_equal(count_lines(t, "gtriage_group_goroutines{"),
			 REPORT_PROM_TOP);
	/* merged: 100 + 99 */
	assert_non_null(strstr(t, "fingerprint=\"0000000000000000\",category="
			       "\"select\",function=\"main.f0\"} 199\n"));
	free(t);
	t = render(s, "app", 5);
	assert_int_equal(count_lines(t, "gtriage_group_goroutines{"), 5);
	assert_int_equal(count_lines(t, "gtriage_group_flagged{"), 5);
	assert_int_equal(validate(t, &v), 0);
	promtool(t);
	free(t);
	group_set_free(s);
}

static void test_trend(void **state)
{
	group_set *sets[4];
	trend *tr = trend_new(NULL);
	report_opts o = {REPORT_PROM, "app", 0, 0, 0};
	gt_err e = {{0}};
	char *t;
	vstate v;
	FILE *f;
	long n;

	(void)state;
	for (int i = 0; i < 4; i++) {
		group *g[] = {
			mk_group(CAT_CHAN_SEND, 10 + 10 * (uint64_t)i,
				 "main.fetch.func1", 0, "00000000000000a1", -1),
			mk_group(CAT_CHAN_RECEIVE, 8, "main.(*Pool).worker", 0,
				 "00000000000000b2", -1),
		};

		sets[i] = mk_set(g, 2);
		trend_add(tr, sets[i]->dumps[0], 1e9 + 900 * i, "s");
	}
	trend_finish(tr);
	f = tmpfile();
	assert_int_equal(trend_report(f, tr, &o, &e), GT_OK);
	n = ftell(f);
	t = malloc((size_t)n + 1);
	rewind(f);
	assert_int_equal(fread(t, 1, (size_t)n, f), (size_t)n);
	t[n] = '\0';
	fclose(f);
	if (validate(t, &v) != 0)
		fail_msg("%s\n%s", v.err, t);
	assert_non_null(strstr(t, "gtriage_snapshots{source=\"app\"} 4\n"));
	assert_non_null(strstr(t, "gtriage_growing_groups{source=\"app\"} 1\n"));
	assert_non_null(strstr(t, "gtriage_group_growing{source=\"app\","
			       "fingerprint=\"00000000000000a1\",category="
			       "\"chan-send\",function=\"main.fetch.func1\"} 1\n"));
	assert_non_null(strstr(t, "gtriage_group_growth_per_hour{source=\"app\","
			       "fingerprint=\"00000000000000a1\",category="
			       "\"chan-send\",function=\"main.fetch.func1\"} 40\n"));
	assert_non_null(strstr(t, "function=\"main.(*Pool).worker\"} 0\n"));
	assert_non_null(strstr(t, "gtriage_snapshot_timestamp_seconds{source="
			       "\"app\"} 1000002700\n"));
	promtool(t);
	free(t);
	trend_free(tr);
	for (int i = 0; i < 4; i++)
		group_set_free(sets[i]);
}

/* The validator itself rejects what the format forbids. */
static void test_validator(void **state)
{
	static const char *const badones[] = {
		"m 1\n", /* no HELP/TYPE */
		"# HELP m x\n# TYPE m gauge\nm 1\n# HELP m y\n",
		"# HELP m x\n# TYPE m gauge\nm{a=\"1\"} 1\nm{a=\"1\"} 2\n",
		"# HELP m x\n# TYPE m gauge\nm{a=\"\\x\"} 1\n",
		"# HELP m x\n# TYPE m gauge\nm{1a=\"1\"} 1\n",
		"# HELP m x\n# TYPE m gauge\n# HELP n x\n# TYPE n gauge\n"
		"m{a=\"1\"} 1\nn 1\nm{a=\"2\"} 1\n",
		"# HELP m x\n# TYPE m gauge\nm one\n",
		"# HELP m x\n# TYPE m gauge\nm 1",
		"# HELP m x\n# TYPE m gauge\nm{a=\"1\",a=\"2\"} 1\n",
		"# HELP m x\n# TYPE m gauge\nm{__a=\"1\"} 1\n",
		"# HELP m-x x\n# TYPE m-x gauge\nm-x 1\n",
	};
	vstate v;

	(void)state;
	assert_int_equal(validate("# HELP m x\n# TYPE m gauge\nm{a=\"\\\"\\n\\\\\","
				  "b=\"\"} 1.5e3\nm 2 1700000000000\n", &v), 0);
	for (size_t i = 0; i < sizeof badones / sizeof badones[0]; i++)
		if (validate(badones[i], &v) == 0)
			fail_msg("accepted: %s", badones[i]);
}

/* Two targets' expositions as one: each family once, HELP and TYPE first,
 * the samples of both documents together, families in first-seen order. */
static void test_merge(void **state)
{
	static const char *const docs[] = {
		"# HELP a A\n# TYPE a gauge\na{source=\"x\"} 1\n"
		"# HELP b B\n# TYPE b gauge\nb{source=\"x\"} 2\n",
		"# HELP b B\n# TYPE b gauge\nb{source=\"y\"} 3\n"
		"# HELP c C\n# TYPE c gauge\nc 4\n"
		"# HELP a A\n# TYPE a gauge\na{source=\"y\"} 5\n",
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	vstate v;

	(void)state;
	assert_non_null(f);
	report_prom_merge(f, docs, 2);
	fclose(f);
	assert_string_equal(buf, "# HELP a A\n# TYPE a gauge\na{source=\"x\"} 1\n"
				 "a{source=\"y\"} 5\n"
				 "# HELP b B\n# TYPE b gauge\nb{source=\"x\"} 2\n"
				 "b{source=\"y\"} 3\n"
				 "# HELP c C\n# TYPE c gauge\nc 4\n");
	assert_int_equal(validate(buf, &v), 0);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validator),
		cmocka_unit_test(test_format_name),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_bounded_and_merged),
		cmocka_unit_test(test_trend),
		cmocka_unit_test(test_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
