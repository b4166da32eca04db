/*
 * tool_trend.c - `gtriage trend SNAPSHOT...`: reads a series of snapshots
 * (files, directories of them, logs holding several dumps, URLs), puts
 * them in time order and reports which groups grow steadily. Exit 1 when
 * a group grows, 0 when none does, 2 on trouble.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "heap.h"
#include "heap_diag.h"
#include "report_heap.h"
#include "store.h"
#include "tool.h"
#include "trend.h"

static const char usage[] =
	"usage: gtriage trend [options] SNAPSHOT...\n"
	"Follows every group of goroutines through a series of snapshots of one\n"
	"program and flags the groups that grow steadily, even while small; a\n"
	"constant worker pool or a burst that comes and goes is not flagged.\n"
	"SNAPSHOT is a dump file (plain or gzip), a directory (its *.txt,\n"
	"*.txt.gz, *.log, *.log.gz, *.pb and *.pb.gz files), a log holding\n"
	"several dumps, a URL or '-'; of a directory 'gtriage snap' keeps, the\n"
	"goroutine dumps of its one target (NAME-leak-* is another series),\n"
	"with its heap profiles (NAME-heap-*) followed site by site beside\n"
	"them. Snapshots are put in time order by the\n"
	"time in the file name (20261122T040500Z, as 'gtriage snap' writes),\n"
	"else the dump's log prefix time, else the file's modification time,\n"
	"else argument order.\n"
	"\n"
	"Growth test:\n"
	"      --min-growth N    rise by at least N goroutines across the window\n"
	"                        (5; 1 for a group already flagged)\n"
	"      --min-rise F      ... and by this fraction of the first count\n"
	"                        (0: off, the test does not depend on the level)\n"
	"      --max-step F      no single step between two snapshots larger than\n"
	"                        this fraction of the growth (0.75)\n"
	"      --max-p P         Mann-Kendall significance, from 5 snapshots on;\n"
	"                        3 or 4 snapshots must rise strictly (0.05)\n"
	"\n";

static const char usage_tail[] =
	"  -h, --help            this help\n"
	"\n"
	"Exit status: 0 no group grows, 1 a group grows steadily (probable leak),\n"
	"2 trouble.\n";


/* Where the snapshots come from: one entry per input file. */
typedef struct input {
	char *path;
	char *shown; /* tool_display_name() */
	int is_url;
} input;

typedef struct inputs {
	input *v;
	size_t n, cap;
} inputs;

static void inputs_add(inputs *in, const char *path, int is_url)
{
	if (in->n == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 16;
		in->v = gt_realloc(in->v, in->cap * sizeof *in->v);
	}
	in->v[in->n].path = gt_strndup(path, strlen(path));
	in->v[in->n].shown = tool_display_name(path);
	in->v[in->n].is_url = is_url;
	in->n++;
}

static void inputs_free(inputs *in)
{
	for (size_t i = 0; i < in->n; i++) {
		free(in->v[i].path);
		free(in->v[i].shown);
	}
	free(in->v);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int is_snapshot_name(const char *name)
{
	return name[0] != '.' && strstr(name, ".tmp.") == NULL &&
	       (ends_with(name, ".txt") || ends_with(name, ".txt.gz") ||
		ends_with(name, ".log") || ends_with(name, ".log.gz") ||
		ends_with(name, ".pb") || ends_with(name, ".pb.gz"));
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b && b[1] ? b + 1 : path;
}

/* The series of snapshot file name b (store.h): its kind ("" for
 * goroutine dumps and files snap did not name) and its target prefix. */
static const char *kind_of(const char *b, size_t *series_len)
{
	const char *kind;

	if (store_split(b, series_len, &kind) != 0) {
		*series_len = 0;
		return "";
	}
	if (kind[0])
		*series_len -= strlen(kind) + 1;
	return kind;
}

/* A directory kept by snap holds one series per target and kind: the
 * goroutine dumps are the trend, its heap profiles go to heap[] (followed
 * beside it), other kinds (NAME-leak-...) are left out unless they are all
 * there is; two targets' dumps are no one program's trend. */
static int pick_series(char **names, size_t *n, char **heap, size_t *nheap,
		       const char *dir, gt_err *e)
{
	const char *want = NULL, *first = NULL;
	size_t i, k = 0, flen = 0, skipped = 0;

	*nheap = 0;
	for (i = 0; i < *n; i++) {
		size_t sl;
		const char *kind = kind_of(base_name(names[i]), &sl);

		if (strcmp(kind, "heap") == 0)
			continue;
		if (want == NULL || (kind[0] == '\0' && want[0]))
			want = kind;
	}
	for (i = 0; i < *n; i++) {
		const char *b = base_name(names[i]);
		size_t sl;
		const char *kind = kind_of(b, &sl);

		if (strcmp(kind, "heap") == 0) {
			heap[(*nheap)++] = names[i];
			continue;
		}
		if (strcmp(kind, want) != 0) {
			skipped++;
			free(names[i]);
			continue;
		}
		if (sl > 0 && first == NULL) {
			first = b;
			flen = sl;
		} else if (sl > 0 && (sl != flen || memcmp(b, first, sl) != 0)) {
			gt_errf(e, "%s: snapshots of several targets (%.*s, "
				   "%.*s): give one target's files",
				dir, (int)flen, first, (int)sl, b);
			for (; i < *n; i++)
				free(names[i]);
			*n = k;
			return GT_ERR;
		}
		names[k++] = names[i];
	}
	/* the heap series of that target, or of the one target there is */
	for (i = 0; i < *nheap; i++) {
		const char *b = base_name(heap[i]);
		size_t sl;

		kind_of(b, &sl);
		if (first == NULL) {
			first = b;
			flen = sl;
		} else if (sl != flen || memcmp(b, first, sl) != 0) {
			gt_errf(e, "%s: snapshots of several targets (%.*s, "
				   "%.*s): give one target's files",
				dir, (int)flen, first, (int)sl, b);
			*n = k;
			return GT_ERR;
		}
	}
	if (skipped)
		tool_warn("%s: %zu snapshot%s of another kind (leak "
			  "profiles) left out",
			  dir, skipped, skipped == 1 ? "" : "s");
	*n = k;
	return GT_OK;
}

/* The snapshot files of a directory, in name order (not recursive); its
 * heap series to heap. */
static int add_dir(inputs *in, inputs *heap, const char *dir, gt_err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, **hnames;
	size_t n = 0, cap = 0, before = in->n, hbefore = heap->n, nh = 0;
	int rc;

	if (d == NULL)
		return gt_errf(e, "%s: cannot open the directory", dir);
	while ((de = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;

		if (!is_snapshot_name(de->d_name))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = gt_realloc(names, cap * sizeof *names);
		}
		names[n++] = gt_strndup(path, strlen(path));
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, by_name);
	hnames = gt_calloc(n + 1, sizeof *hnames);
	rc = pick_series(names, &n, hnames, &nh, dir, e);
	for (size_t i = 0; i < n; i++) {
		inputs_add(in, names[i], 0);
		free(names[i]);
	}
	for (size_t i = 0; i < nh; i++) {
		inputs_add(heap, hnames[i], 0);
		free(hnames[i]);
	}
	free(names);
	free(hnames);
	if (rc != GT_OK)
		return GT_ERR;
	if (in->n == before && heap->n == hbefore)
		return gt_errf(e, "%s: no snapshot files (*.txt, *.txt.gz, *.log, "
			       "*.log.gz, *.pb, *.pb.gz) in the directory",
			       dir);
	return GT_OK;
}

/* "app" of "app-20261122T040500Z.txt": the target name snap gives its
 * files; NULL without a time in the name. Caller frees. */
static char *target_of(const char *path)
{
	const char *b = base_name(path), *p;

	for (p = b; *p; p++)
		if (p > b && (p[-1] == '-' || p[-1] == '_') &&
		    trend_name_time(p) > 0 && *p >= '0' && *p <= '9')
			return gt_strndup(b, (size_t)(p - 1 - b));
	return NULL;
}

/* The name the report is about: the one argument, or the target all the
 * snapshot files share, or a count. */
static char *source_name(char **args, size_t nargs, const inputs *in)
{
	char *common = NULL, buf[64];

	if (nargs == 1)
		return tool_display_name(args[0]);
	for (size_t i = 0; i < in->n; i++) {
		char *t = target_of(in->v[i].path);

		if (t == NULL || (common && strcmp(common, t) != 0)) {
			free(t);
			free(common);
			common = NULL;
			break;
		}
		free(common);
		common = t;
	}
	if (common && common[0])
		return common;
	free(common);
	snprintf(buf, sizeof buf, "%zu inputs", nargs);
	return gt_strndup(buf, strlen(buf));
}

/* The time of dump k of the ndumps read from one input (trend.h order). */
static double when_of(const input *in, const group_dump *d, size_t ndumps,
		      double now)
{
	double named = in->is_url ? 0 : trend_name_time(in->path);
	struct stat st;

	if (ndumps == 1 && named > 0) {
		/* snap sets the mtime to the exact fetch time: within the
		 * named second it is the finer clock */
		if (stat(in->path, &st) == 0) {
			double m = (double)st.st_mtim.tv_sec +
				   st.st_mtim.tv_nsec / 1e9;

			if (m >= named && m < named + 1)
				return m;
		}
		return named;
	}
	if (d->time > 0)
		return d->time;
	if (named > 0)
		return named;
	if (in->is_url)
		return now;
	if (strcmp(in->path, "-") != 0 && stat(in->path, &st) == 0)
		return (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9;
	return 0;
}

/* When a heap profile of the series was taken: the time in its name,
 * refined by the file's mtime within that second (as snap keeps it). */
static double heap_when(const char *path, const heap_profile *h)
{
	double named = trend_name_time(base_name(path)), m = 0;
	struct stat st;

	if (stat(path, &st) == 0)
		m = (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9;
	if (named > 0)
		return m >= named && m < named + 1 ? m : named;
	return h->time > 0 ? h->time : m;
}

typedef struct trend_job {
	const trend *t;          /* NULL: the heap series alone */
	const report_opts *o;
	const heap_trend *ht;    /* NULL: no heap series */
} trend_job;

static int write_trend(FILE *f, void *ud, gt_err *e)
{
	trend_job *j = ud;
	heap_report_opts ho;

	if (j->ht == NULL)
		return trend_report(f, j->t, j->o, e);
	memset(&ho, 0, sizeof ho);
	ho.format = j->o->format;
	ho.source = j->o->source;
	ho.top = j->o->top;
	if (j->t == NULL)
		return heap_trend_report(f, j->ht, &ho, e);
	return heap_report_beside(f, j->t, j->o, j->ht, &ho, e);
}

int tool_trend_main(int argc, char **argv)
{
	static const struct option own[] = {
		TOOL_GROWTH_LONGOPTS,
		{"min-rise", required_argument, NULL, TOOL_OPT_MIN_RISE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct option opts[64];
	tool_config c;
	trend_opts to;
	gt_err e = {{0}};
	inputs in = {0}, hin = {0};
	heap_profile **hp = NULL;
	heap_trend *ht = NULL;
	rules *r = NULL;
	group_set *s = NULL;
	trend *t = NULL;
	char *source = NULL;
	size_t *first = NULL, nargs;
	double now = (double)time(NULL);
	int rc = EXIT_TROUBLE, ch, g, growth_given = 0;

	setlocale(LC_CTYPE, ""); /* sparklines: UTF-8 or ASCII */
	tool_config_init(&c, argc);
	trend_opts_default(&to);
	tool_options_merge(own, opts, sizeof opts / sizeof opts[0]);
	while ((ch = getopt_long(argc, argv, TOOL_SHORTOPTS "h", opts, NULL)) !=
	       -1) {
		switch (ch) {
		case 'h':
			printf("%s%s%s", usage, tool_common_help, usage_tail);
			rc = EXIT_CLEAN;
			goto out;
		default:
			g = tool_growth_option(ch, optarg, 1e15, &to);
			if (g < 0 || (g == 0 && tool_option(&c, ch, optarg,
							     "gtriage trend") != 0))
				goto out;
			if (ch == TOOL_OPT_MIN_GROWTH)
				growth_given = 1;
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		goto out;
	}
	nargs = (size_t)(argc - optind);
	for (int i = optind; i < argc; i++) {
		struct stat st;

		if (fetch_is_url(argv[i]))
			inputs_add(&in, argv[i], 1);
		else if (strcmp(argv[i], "-") != 0 && stat(argv[i], &st) == 0 &&
			 S_ISDIR(st.st_mode)) {
			if (add_dir(&in, &hin, argv[i], &e) != GT_OK) {
				tool_warn("%s", e.msg);
				goto out;
			}
		} else
			inputs_add(&in, argv[i], 0);
	}
	{
		const char **paths = gt_calloc(in.n + 1, sizeof *paths);
		int bad;

		for (size_t i = 0; i < in.n; i++)
			paths[i] = in.v[i].path;
		bad = tool_check_output(c.out_path, paths, in.n, &e) != GT_OK;
		free(paths);
		if (bad) {
			tool_warn("%s", e.msg);
			goto out;
		}
	}
	tool_config_finish(&c);
	if (hin.n && c.report.format != REPORT_TEXT &&
	    c.report.format != REPORT_JSON && c.report.format != REPORT_PROM) {
		tool_warn("trend: with heap profiles, the report is text, json "
			  "or prom");
		goto out;
	}
	source = source_name(argv + optind, nargs, in.n ? &in : &hin);
	c.report.source = source;
	to.group = c.group;

	if ((r = tool_rules(&c, &e)) == NULL) {
		tool_warn("%s", e.msg);
		goto out;
	}
	if (hin.n) {
		const char **labels = gt_calloc(hin.n + 1, sizeof *labels);
		double *when = gt_calloc(hin.n + 1, sizeof *when);
		trend_opts hto = to;

		hp = gt_calloc(hin.n + 1, sizeof *hp);
		for (size_t i = 0; i < hin.n; i++) {
			if (heap_read_path(hin.v[i].path, &hp[i], &e) != GT_OK) {
				tool_warn("%s", e.msg);
				free(labels);
				free(when);
				goto out;
			}
			when[i] = heap_when(hin.v[i].path, hp[i]);
			labels[i] = base_name(hin.v[i].path);
		}
		/* bytes, not goroutines: the heap's own threshold unless one
		 * was given */
		if (!growth_given)
			hto.min_growth = HEAP_MIN_GROWTH;
		ht = heap_trend_new((const heap_profile *const *)hp, when,
				    labels, hin.n, &hto);
		heap_trend_diagnose(ht, r);
		free(labels);
		free(when);
	}
	if (in.n == 0) {
		trend_job j = {NULL, &c.report, ht};

		if (tool_write_output(c.out_path, write_trend, &j, &e) !=
		    GT_OK) {
			tool_warn("%s", e.msg);
			goto out;
		}
		rc = ht->ngrowing ? EXIT_LEAK : EXIT_CLEAN;
		goto out;
	}
	s = group_set_new(r, &c.group);
	first = gt_malloc((in.n + 1) * sizeof *first);
	for (size_t i = 0; i < in.n; i++) {
		int cut = 0;

		first[i] = s->ndumps;
		if (tool_read(s, in.v[i].path, &c, &cut, &e) != GT_OK) {
			tool_warn("%s", e.msg);
			goto out;
		}
		if (cut)
			tool_warn("%s: input ends early; using what arrived",
				  in.v[i].shown);
		if (s->ndumps == first[i]) {
			tool_warn("%s: no goroutine dump found", in.v[i].shown);
			goto out;
		}
	}
	first[in.n] = s->ndumps;
	group_set_finish(s, NULL);
	if (s->ndumps < 2) {
		tool_warn("trend needs at least 2 snapshots, found %zu",
			  s->ndumps);
		goto out;
	}

	t = trend_new(&to);
	for (size_t i = 0; i < in.n; i++) {
		size_t k = first[i + 1] - first[i];

		for (size_t j = first[i]; j < first[i + 1]; j++) {
			char label[4200];
			const char *b = strcmp(in.v[i].path, "-") == 0
						? "<stdin>"
						: in.v[i].is_url ? in.v[i].shown
								 : base_name(in.v[i].path);

			if (k > 1)
				snprintf(label, sizeof label, "%s #%zu", b,
					 j - first[i] + 1);
			else
				snprintf(label, sizeof label, "%s", b);
			trend_add(t, s->dumps[j],
				  when_of(&in.v[i], s->dumps[j], k, now), label);
		}
	}
	trend_finish(t);
	if (ht)
		heap_trend_link(ht, t);

	{
		trend_job j = {t, &c.report, ht};

		if (tool_write_output(c.out_path, write_trend, &j, &e) !=
		    GT_OK) {
			tool_warn("%s", e.msg);
			goto out;
		}
	}
	rc = t->ngrowing || (ht && ht->ngrowing) ? EXIT_LEAK : EXIT_CLEAN;
out:
	heap_trend_free(ht);
	for (size_t i = 0; hp && i < hin.n; i++)
		heap_free(hp[i]);
	free(hp);
	inputs_free(&hin);
	trend_free(t);
	group_set_free(s);
	rules_free(r);
	free(first);
	free(source);
	inputs_free(&in);
	tool_config_free(&c);
	return rc;
}
