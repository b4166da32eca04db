/*
 * tool_diff.c - `gtriage diff OLD NEW`: what changed between two snapshots
 * of one program, group by group, and which goroutines stayed blocked at
 * the same place. With a single input holding several dumps (a log), its
 * first and last dumps are compared. Exit 1 when a group grew and is
 * flagged as a probable leak, 0 otherwise, 2 on trouble.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
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
	"\n";

static const char usage_tail[] =
	"  -h, --help            this help\n"
	"\n"
	"Exit status: 0 no grown group is flagged, 1 a group grew and is flagged\n"
	"as a probable leak, 2 trouble.\n";

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
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
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
