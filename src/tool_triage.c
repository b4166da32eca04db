/*
 * tool_triage.c - the default command: read dumps, classify, group, flag,
 * report. Exit 0 when nothing is flagged, 1 for a probable leak, 2 on
 * trouble.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin_rules.h"
#include "tool.h"

#ifndef GTRIAGE_VERSION
#define GTRIAGE_VERSION "0.1.0"
#endif

static const char usage[] =
	"usage: gtriage [options] [FILE|URL|-]...\n"
	"       gtriage diff OLD NEW | trend SNAPSHOT... | snap URL... --dir DIR\n"
	"       gtriage watch URL\n"
	"Triage Go goroutine dumps: classify every goroutine, group identical\n"
	"stacks and flag probable leaks. Reads pprof debug=2 and debug=1\n"
	"profiles, panic, fatal error and SIGQUIT output, plain, gzip'd or inside\n"
	"logs (kubectl, docker, journald prefixes). No FILE or '-' reads stdin.\n"
	"With several dumps in the input the report describes the last one.\n"
	"\n";

static const char usage_tail[] =
	"      --list-rules      print the rule files that would be loaded, and exit\n"
	"  -h, --help            this help ('gtriage CMD --help' for a command)\n"
	"  -V, --version         print the version\n"
	"\n"
	"Exit status: 0 no probable leak, 1 probable leak flagged, 2 trouble\n"
	"(bad usage, unreadable input, not a dump, broken rule file).\n"
	"See gtriage(1); the rule format is in patterns/README.md.\n";

enum { OPT_LIST_RULES = 512 };

static void list_rules(const tool_config *c)
{
	const char *env = getenv("GTRIAGE_RULES");
	size_t i;

	for (i = 0; i < c->nrule_paths; i++)
		printf("%s\n", c->rule_paths[i]);
	if (env && *env)
		printf("%s (GTRIAGE_RULES)\n", env);
	for (i = 0; i < builtin_rules_count; i++)
		printf("%s (built in)\n", builtin_rules[i].name);
}

/* What a non-dump input looked like, for the one-line error. */
static void describe_non_dump(const char *name, const parse_stats *st)
{
	if (st->bytes == 0)
		tool_warn("%s: empty input, no goroutine dump", name);
	else if (st->nul_bytes || st->ctrl_bytes > st->bytes / 100 + 8)
		tool_warn("%s: binary data (%llu bytes), not a goroutine dump",
			  name, (unsigned long long)st->bytes);
	else if (st->race_reports)
		tool_warn("%s: %llu data race report%s but no goroutine dump "
			  "(%llu lines)",
			  name, (unsigned long long)st->race_reports,
			  st->race_reports == 1 ? "" : "s",
			  (unsigned long long)st->lines);
	else
		tool_warn("%s: no goroutine dump found in %llu lines (%llu bytes)",
			  name, (unsigned long long)st->lines,
			  (unsigned long long)st->bytes);
}

int tool_triage_main(int argc, char **argv)
{
	static const struct option own[] = {
		{"list-rules", no_argument, NULL, OPT_LIST_RULES},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0}};
	static char *stdin_only[] = {"-", NULL};
	struct option opts[64];
	tool_config c;
	gt_err e = {{0}};
	rules *r = NULL;
	group_set *s = NULL;
	const group_dump *last;
	char **inputs, *shown = NULL;
	size_t ninputs, i;
	int rc = EXIT_TROUBLE, ch, listing = 0;

	tool_config_init(&c, argc);
	tool_options_merge(own, opts, sizeof opts / sizeof opts[0]);
	while ((ch = getopt_long(argc, argv, TOOL_SHORTOPTS "hV", opts, NULL)) !=
	       -1) {
		switch (ch) {
		case 'h':
			printf("%s%s%s", usage, tool_common_help, usage_tail);
			rc = EXIT_CLEAN;
			goto out;
		case 'V':
			printf("gtriage %s\n", GTRIAGE_VERSION);
			rc = EXIT_CLEAN;
			goto out;
		case OPT_LIST_RULES:
			listing = 1;
			break;
		default:
			if (tool_option(&c, ch, optarg, "gtriage") != 0)
				goto out;
		}
	}
	if (listing) {
		list_rules(&c);
		rc = EXIT_CLEAN;
		goto out;
	}
	inputs = optind < argc ? argv + optind : stdin_only;
	if (optind >= argc && isatty(STDIN_FILENO))
		tool_warn("reading a dump from the terminal (end with Ctrl-D); "
			  "name a file or pipe one in, or see --help");
	ninputs = optind < argc ? (size_t)(argc - optind) : 1;
	if (tool_check_output(c.out_path, (const char *const *)inputs, ninputs,
			      &e) != GT_OK) {
		tool_warn("%s", e.msg);
		goto out;
	}
	tool_config_finish(&c);
	shown = tool_display_name(inputs[0]);
	c.report.source = ninputs > 1 ? "several inputs" : shown;

	if ((r = tool_rules(&c, &e)) == NULL) {
		tool_warn("%s", e.msg);
		goto out;
	}
	s = group_set_new(r, &c.group);
	for (i = 0; i < ninputs; i++) {
		int cut = 0;

		if (tool_read(s, inputs[i], &c, &cut, &e) != GT_OK) {
			tool_warn("%s", e.msg);
			goto out;
		}
		if (cut) {
			char *name = tool_display_name(inputs[i]);

			tool_warn("%s: input ends early; triaging what arrived",
				  name);
			free(name);
		}
	}
	group_set_finish(s, NULL);
	if ((last = group_set_last(s)) == NULL) {
		describe_non_dump(c.report.source, &s->stats);
		goto out;
	}
	if (tool_write_report(&c, s, &e) != GT_OK) {
		tool_warn("%s", e.msg);
		goto out;
	}
	rc = last->nflagged ? EXIT_LEAK : EXIT_CLEAN;
out:
	free(shown);
	group_set_free(s);
	rules_free(r);
	tool_config_free(&c);
	return rc;
}
