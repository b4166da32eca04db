/*
 * tool_diff.c - `gtriage diff OLD NEW`: what changed between two snapshots
 * of one program, group by group, and which goroutines stayed blocked at
 * the same place. With a single input holding several dumps (a log), its
 * first and last dumps are compared. Two heap profiles (told by their
 * content) are compared site by site instead. Exit 1 when a group grew and
 * is flagged as a probable leak (a heap site grew by --min-growth bytes),
 * 0 otherwise, 2 on trouble.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "heap.h"
#include "heap_diff.h"
#include "report_heap.h"
#include "tool.h"

static const char usage[] =
	"usage: gtriage diff [options] OLD NEW\n"
	"       gtriage diff [options] LOG\n"
	"Compares two snapshots of one program group by group (by fingerprint:\n"
	"ids, arguments and pc offsets do not matter): groups new, gone, grown\n"
	"and shrunk, largest change first, and the goroutines stuck at the same\n"
	"place in both (same id, same stack). OLD and NEW are dump files (plain\n"
	"or gzip), URLs or '-'; of an input holding several dumps the last one\n"
	"is used. With one LOG holding several dumps, its first and last dumps\n"
	"are compared. Formats: text, json, markdown, html (no prom: a diff is\n"
	"not a gauge).\n"
	"Two heap profiles (protobuf or debug=1 text, told by their content)\n"
	"are compared site by site: bytes and objects in use before and after\n"
	"(text or json).\n"
	"      --min-growth N    heap profiles: a site that grew by N bytes or\n"
	"                        more is flagged (65536)\n"
	"\n";

static const char usage_tail[] =
	"  -h, --help            this help\n"
	"\n"
	"Exit status: 0 no grown group is flagged, 1 a group grew and is flagged\n"
	"as a probable leak (a heap site grew by --min-growth), 2 trouble.\n";

struct diff_job {
	const diff_result *r;
	const tool_config *c;
	const char *old_name, *new_name;
};

static int write_diff(FILE *f, void *ud, gt_err *e)
{
	struct diff_job *j = ud;

	return diff_report(f, j->r, &j->c->report, &j->c->group, j->old_name,
			   j->new_name, e);
}

typedef struct heap_job {
	const heap_diff *d;
	heap_report_opts o;
	const char *old_name, *new_name;
} heap_job;

static int write_heap_diff(FILE *f, void *ud, gt_err *e)
{
	heap_job *j = ud;

	return heap_diff_report(f, j->d, &j->o, j->old_name, j->new_name, e);
}

/* OLD and NEW as heap profiles: -1 when they are not both heap profiles
 * (then they are read as dumps), else the exit status. One heap profile
 * against something else is trouble. */
static int heap_diff_main(const char *old_path, const char *new_path,
			  const tool_config *c, uint64_t min_growth)
{
	int ka = heap_diff_sniff_path(old_path),
	    kb = heap_diff_sniff_path(new_path);
	heap_profile *a = NULL, *b = NULL;
	heap_diff *d = NULL;
	gt_err e = {{0}};
	int rc = EXIT_TROUBLE, ra, rb;

	if (strcmp(old_path, "-") == 0 || strcmp(new_path, "-") == 0 ||
	    fetch_is_url(old_path) || fetch_is_url(new_path) ||
	    (ka == 0 && kb == 0))
		return -1;
	ra = ka ? heap_read_path(old_path, &a, &e) : GT_ERR;
	rb = kb ? heap_read_path(new_path, &b, &e) : GT_ERR;
	if (ra != GT_OK && rb != GT_OK && ka != 1 && kb != 1) {
		/* protobuf profiles of another type: goroutine profiles */
		rc = -1;
		goto out;
	}
	if (ra != GT_OK || rb != GT_OK) {
		const char *odd = ra != GT_OK ? old_path : new_path;
		char *shown = tool_display_name(odd);

		if ((ra != GT_OK ? ka : kb) == 1)
			tool_warn("%s", e.msg); /* a broken text heap profile */
		else
			tool_warn("%s: not a heap profile, while %s is one: "
				  "diff compares two of a kind",
				  shown, ra != GT_OK ? new_path : old_path);
		free(shown);
		goto out;
	}
	if (c->report.format != REPORT_TEXT && c->report.format != REPORT_JSON) {
		tool_warn("diff: two heap profiles are compared as text or "
			  "json");
		goto out;
	}
	d = heap_diff_new(a, b, min_growth);
	{
		heap_job j;
		char *on = tool_display_name(old_path),
		     *nn = tool_display_name(new_path);

		memset(&j, 0, sizeof j);
		j.d = d;
		j.o.format = c->report.format;
		j.o.top = c->report.top;
		j.old_name = on;
		j.new_name = nn;
		rc = tool_write_output(c->out_path, write_heap_diff, &j, &e) ==
			     GT_OK
			 ? (d->nflagged ? EXIT_LEAK : EXIT_CLEAN)
			 : EXIT_TROUBLE;
		if (rc == EXIT_TROUBLE)
			tool_warn("%s", e.msg);
		free(on);
		free(nn);
	}
out:
	heap_diff_free(d);
	heap_free(a);
	heap_free(b);
	return rc;
}

/* Reads one input into a finished set; NULL (message printed) if it
 * cannot be read or holds no dump. */
static group_set *read_one(const rules *r, const char *path,
			   const tool_config *c)
{
	group_set *s = group_set_new(r, &c->group);
	gt_err e = {{0}};
	char *name;
	int cut = 0;

	if (tool_read(s, path, c, &cut, &e) != GT_OK) {
		tool_warn("%s", e.msg);
		group_set_free(s);
		return NULL;
	}
	name = tool_display_name(path);
	if (cut)
		tool_warn("%s: input ends early; using what arrived", name);
	group_set_finish(s, NULL);
	if (s->ndumps == 0) {
		tool_warn("%s: no goroutine dump found", name);
		group_set_free(s);
		s = NULL;
	}
	free(name);
	return s;
}

int tool_diff_main(int argc, char **argv)
{
	static const struct option own[] = {
		{"min-growth", required_argument, NULL, 700},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	uint64_t min_growth = HEAP_MIN_GROWTH;
	double v;
	struct option opts[64];
	tool_config c;
	gt_err e = {{0}};
	rules *r = NULL;
	group_set *a = NULL, *b = NULL;
	diff_result *d = NULL;
	const group_dump *old_d, *new_d;
	char old_name[4200], new_name[4200], *a_name = NULL, *b_name = NULL;
	int rc = EXIT_TROUBLE, ch, nargs;

	tool_config_init(&c, argc);
	tool_options_merge(own, opts, sizeof opts / sizeof opts[0]);
	while ((ch = getopt_long(argc, argv, TOOL_SHORTOPTS "h", opts, NULL)) !=
	       -1) {
		switch (ch) {
		case 'h':
			printf("%s%s%s", usage, tool_common_help, usage_tail);
			rc = EXIT_CLEAN;
			goto out;
		case 700:
			if (tool_number("--min-growth", optarg, 1, 1e18, &v))
				goto out;
			min_growth = (uint64_t)v;
			break;
		default:
			if (tool_option(&c, ch, optarg, "gtriage diff") != 0)
				goto out;
		}
	}
	nargs = argc - optind;
	if (nargs < 1 || nargs > 2) {
		fputs(usage, stderr);
		goto out;
	}
	if (c.report.format == REPORT_PROM) {
		tool_warn("diff: no prom output (text, json or markdown); "
			  "'gtriage trend -f prom' tracks growth over time");
		goto out;
	}
	if (c.report.format == REPORT_FOLDED) {
		tool_warn("diff: no folded output; fold each snapshot with "
			  "'gtriage -f folded'");
		goto out;
	}
	if (tool_check_output(c.out_path, (const char *const *)argv + optind,
			      (size_t)nargs, &e) != GT_OK) {
		tool_warn("%s", e.msg);
		goto out;
	}
	tool_config_finish(&c);
	if (nargs == 2) {
		int hrc = heap_diff_main(argv[optind], argv[optind + 1], &c,
					 min_growth);

		if (hrc >= 0) {
			rc = hrc;
			goto out;
		}
	}
	a_name = tool_display_name(argv[optind]);
	if (nargs == 2)
		b_name = tool_display_name(argv[optind + 1]);
	if ((r = tool_rules(&c, &e)) == NULL) {
		tool_warn("%s", e.msg);
		goto out;
	}
	if ((a = read_one(r, argv[optind], &c)) == NULL)
		goto out;
	if (nargs == 2) {
		if ((b = read_one(r, argv[optind + 1], &c)) == NULL)
			goto out;
		old_d = group_set_last(a);
		new_d = group_set_last(b);
		snprintf(old_name, sizeof old_name, "%s", a_name);
		snprintf(new_name, sizeof new_name, "%s", b_name);
	} else {
		if (a->ndumps < 2) {
			tool_warn("%s: one dump; diff needs two inputs or a log "
				  "holding several dumps",
				  a_name);
			goto out;
		}
		old_d = a->dumps[0];
		new_d = group_set_last(a);
		snprintf(old_name, sizeof old_name, "%s #1", a_name);
		snprintf(new_name, sizeof new_name, "%s #%zu", a_name,
			 a->ndumps);
	}

	d = diff_dumps(old_d, new_d);
	{
		struct diff_job j = {d, &c, old_name, new_name};

		if (tool_write_output(c.out_path, write_diff, &j, &e) != GT_OK) {
			tool_warn("%s", e.msg);
			goto out;
		}
	}
	rc = d->nflagged ? EXIT_LEAK : EXIT_CLEAN;
out:
	free(a_name);
	free(b_name);
	diff_free(d);
	group_set_free(a);
	group_set_free(b);
	rules_free(r);
	tool_config_free(&c);
	return rc;
}
