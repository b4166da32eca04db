/*
 * tool_heap.c - `gtriage heap PROFILE...`: one heap profile's allocation
 * sites, or, given several (or a directory of them), the sites followed
 * across the snapshots, steadily growing ones flagged. Exit 1 when a site
 * grows, 0 when none does, 2 on trouble.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "heap.h"
#include "heap_diag.h"
#include "report_heap.h"
#include "store.h"
#include "tool.h"

static const char usage[] =
    "usage: gtriage heap [options] PROFILE...\n"
    "Reads heap profiles (/debug/pprof/heap or allocs: protobuf, gzip'd\n"
    "or not, or the debug=1 text form, its sampled figures scaled as pprof\n"
    "scales them). One profile: its allocation sites by bytes in use.\n"
    "Several, or a directory of them (NAME-heap-* files 'gtriage snap\n"
    "--profile heap' keeps, else every *.pb, *.pb.gz and *.txt): each\n"
    "site's bytes in use across the snapshots, put in time order by the\n"
    "time in the file name, else the profile's, else the file's; a site\n"
    "whose bytes grow steadily is flagged, one that rises and falls is\n"
    "not.\n"
    "\n"
    "Growth test:\n"
    "      --min-growth N    rise by at least N bytes across the window\n"
    "                        (65536)\n"
    "      --max-step F      no single step larger than this fraction of\n"
    "                        the growth (0.75)\n"
    "      --max-p P         Mann-Kendall significance, from 5 snapshots on\n"
    "                        (0.05)\n"
    "  -f, --format FMT      text, json; prom for several profiles\n"
    "  -n, --top N           sites shown in text (20)\n"
    "  -o, --output FILE     write the report to FILE (atomically)\n"
    "  -h, --help            this help\n"
    "\n"
    "Exit status: 0 no site grows, 1 a site grows steadily, 2 trouble.\n";


typedef struct paths {
	char **v;
	size_t n, cap;
} paths;

static void paths_add(paths *p, const char *s)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->v = gt_realloc(p->v, p->cap * sizeof *p->v);
	}
	p->v[p->n++] = gt_strndup(s, strlen(s));
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory's heap profiles: its heap series when snap keeps one
 * there, else every profile-looking file. */
static int add_dir(paths *p, const char *dir, gt_err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	paths all = {0}, heap = {0}, *use;
	size_t i;

	if (d == NULL)
		return gt_errf(e, "%s: cannot open the directory", dir);
	while ((de = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;
		size_t sl;
		const char *kind;

		if (de->d_name[0] == '.' || !(ends_with(de->d_name, ".pb") ||
		                              ends_with(de->d_name, ".pb.gz") ||
		                              ends_with(de->d_name, ".txt") ||
		                              ends_with(de->d_name, ".txt.gz")))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		paths_add(&all, path);
		if (store_split(de->d_name, &sl, &kind) == 0 &&
		    strcmp(kind, "heap") == 0)
			paths_add(&heap, path);
	}
	closedir(d);
	use = heap.n ? &heap : &all;
	if (use->n > 1)
		qsort(use->v, use->n, sizeof *use->v, by_name);
	for (i = 0; i < use->n; i++)
		paths_add(p, use->v[i]);
	for (i = 0; i < all.n; i++)
		free(all.v[i]);
	for (i = 0; i < heap.n; i++)
		free(heap.v[i]);
	free(all.v);
	free(heap.v);
	if (use->n == 0)
		return gt_errf(e,
		               "%s: no heap profiles (*.pb, *.pb.gz, *.txt) "
		               "in the directory",
		               dir);
	return GT_OK;
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b && b[1] ? b + 1 : path;
}

/* When a profile was taken: the time in its name (what snap writes),
 * refined by the file's mtime within that second; else the profile's
 * own time; else the file's mtime. */
static double when_of(const char *path, const heap_profile *h)
{
	double named = trend_name_time(base_name(path)), m = 0;
	struct stat st;

	if (strcmp(path, "-") != 0 && stat(path, &st) == 0)
		m = (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9;
	if (named > 0)
		return m >= named && m < named + 1 ? m : named;
	if (h->time > 0)
		return h->time;
	return m;
}

typedef struct job {
	const heap_profile *one;
	const heap_trend *t;
	heap_report_opts o;
} job;

static int write_report(FILE *f, void *ud, gt_err *e)
{
	job *j = ud;

	return j->one ? heap_report(f, j->one, &j->o, e)
	              : heap_trend_report(f, j->t, &j->o, e);
}

int tool_heap_main(int argc, char **argv)
{
	static const struct option own[] = {
	    TOOL_GROWTH_LONGOPTS,
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	struct option opts[64];
	tool_config c;
	trend_opts to;
	gt_err e = {{0}};
	paths in = {0};
	heap_profile **hp = NULL;
	heap_trend *t = NULL;
	rules *r = NULL;
	double *when = NULL;
	const char **labels = NULL;
	char *source = NULL;
	job j;
	size_t i;
	int rc = EXIT_TROUBLE, ch, g;

	tool_config_init(&c, argc);
	trend_opts_default(&to);
	to.min_growth = HEAP_MIN_GROWTH;
	tool_options_merge(own, opts, sizeof opts / sizeof opts[0]);
	while ((ch = getopt_long(argc, argv, TOOL_SHORTOPTS "h", opts, NULL)) !=
	       -1) {
		switch (ch) {
		case 'h':
			fputs(usage, stdout);
			rc = EXIT_CLEAN;
			goto out;
		default:
			g = tool_growth_option(ch, optarg, 1e18, &to);
			if (g < 0 || (g == 0 && tool_option(&c, ch, optarg,
							     "gtriage heap") != 0))
				goto out;
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		goto out;
	}
	for (int a = optind; a < argc; a++) {
		struct stat st;

		if (strcmp(argv[a], "-") != 0 && stat(argv[a], &st) == 0 &&
		    S_ISDIR(st.st_mode)) {
			if (add_dir(&in, argv[a], &e) != GT_OK) {
				tool_warn("%s", e.msg);
				goto out;
			}
		} else
			paths_add(&in, argv[a]);
	}
	if (tool_check_output(c.out_path, (const char *const *)in.v, in.n,
	                      &e) != GT_OK) {
		tool_warn("%s", e.msg);
		goto out;
	}
	tool_config_finish(&c);
	if ((r = tool_rules(&c, &e)) == NULL) {
		tool_warn("%s", e.msg);
		goto out;
	}
	hp = gt_calloc(in.n + 1, sizeof *hp);
	when = gt_calloc(in.n + 1, sizeof *when);
	labels = gt_calloc(in.n + 1, sizeof *labels);
	for (i = 0; i < in.n; i++) {
		if (heap_read_path(in.v[i], &hp[i], &e) != GT_OK) {
			char *d = tool_display_name(e.msg);

			tool_warn("%s", d);
			free(d);
			goto out;
		}
		when[i] = when_of(in.v[i], hp[i]);
		labels[i] =
		    strcmp(in.v[i], "-") == 0 ? "<stdin>" : base_name(in.v[i]);
	}
	source = argc - optind == 1 ? tool_display_name(argv[optind]) : NULL;
	memset(&j, 0, sizeof j);
	j.o.format = c.report.format;
	j.o.source = source;
	j.o.top = c.report.top;
	if (in.n == 1) {
		heap_diagnose(hp[0], r);
		j.one = hp[0];
		rc = EXIT_CLEAN;
	} else {
		t = heap_trend_new((const heap_profile *const *)hp, when,
		                   labels, in.n, &to);
		heap_trend_diagnose(t, r);
		j.t = t;
		rc = t->ngrowing ? EXIT_LEAK : EXIT_CLEAN;
	}
	if (tool_write_output(c.out_path, write_report, &j, &e) != GT_OK) {
		tool_warn("%s", e.msg);
		rc = EXIT_TROUBLE;
	}
out:
	heap_trend_free(t);
	for (i = 0; hp && i < in.n; i++)
		heap_free(hp[i]);
	for (i = 0; i < in.n; i++)
		free(in.v[i]);
	free(in.v);
	free(hp);
	free(when);
	free(labels);
	free(source);
	rules_free(r);
	tool_config_free(&c);
	return rc;
}
