/*
 * tool_triage.c - the default command: read dumps, classify, group, flag,
 * report. Exit 0 when nothing is flagged, 1 for a probable leak, 2 on
 * trouble. Several inputs are triaged apart, each into its own set, and
 * reported one by one with a summary; the exit status is the worst.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
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
	"With several dumps in one input the report describes the last one;\n"
	"several inputs are reported one by one, then summed up.\n"
	"\n";

static const char usage_tail[] =
	"      --baseline FILE   flag only groups new or grown beyond FILE (a\n"
	"                        -f json report, a baseline, or fingerprints)\n"
	"      --baseline-allow N[,P%]  a known group stays unflagged up to N\n"
	"                        goroutines or P% above its known count\n"
	"                        (default 5,50%)\n"
	"      --write-baseline FILE  write this run's groups as a baseline\n"
	"      --list-rules      print the rule files that would be loaded, and exit\n"
	"  -h, --help            this help ('gtriage CMD --help' for a command)\n"
	"  -V, --version         print the version\n"
	"\n"
	"Exit status: 0 no probable leak, 1 probable leak flagged, 2 trouble\n"
	"(bad usage, unreadable input, not a dump, broken rule file); with\n"
	"several inputs the worst of them.\n"
	"See gtriage(1); the rule format is in patterns/README.md.\n";

enum {
	OPT_LIST_RULES = 512,
	OPT_BASELINE,
	OPT_BASELINE_ALLOW,
	OPT_WRITE_BASELINE
};

/* --baseline and --write-baseline: what they name and hold. */
typedef struct triage_baseline {
	const char *path;      /* --baseline */
	baseline *known;
	const char *allow;     /* --baseline-allow, NULL: the default */
	const char *out_path;  /* --write-baseline */
	baseline *out;         /* this run's groups, for out_path */
} triage_baseline;

/* Applies a loaded baseline to a finished set and says on stderr what it
 * cleared. */
static void apply_baseline(const triage_baseline *bl, group_set *s,
			   const char *name)
{
	baseline_result r;

	if (bl->out)
		baseline_add_set(bl->out, s);
	if (bl->known == NULL)
		return;
	baseline_apply(bl->known, s, &r);
	if (r.known || r.grown)
		tool_warn("%s: baseline %s: %zu flagged group%s known (%llu "
			  "goroutines) not flagged, %zu grown beyond it",
			  name, bl->path, r.known, r.known == 1 ? "" : "s",
			  (unsigned long long)r.known_goroutines, r.grown);
}

static int write_baseline_fn(FILE *f, void *ud, gt_err *e)
{
	return baseline_write(f, ud, e);
}

/* --baseline-allow N[,P%]: N goroutines, and P percent of the known
 * count (0 when not given). Returns -1 after a message. */
static int parse_allow(const char *arg, double *rise, double *ratio)
{
	char n[32];
	const char *comma = strchr(arg, ',');
	size_t len = comma ? (size_t)(comma - arg) : strlen(arg);

	*ratio = 0;
	if (len >= sizeof n) {
		tool_warn("--baseline-allow: '%s' is not N or N,P%%", arg);
		return -1;
	}
	memcpy(n, arg, len);
	n[len] = '\0';
	if (tool_number("--baseline-allow", n, 0, 1e12, rise) != 0)
		return -1;
	if (*rise != (double)(uint64_t)*rise) {
		tool_warn("--baseline-allow: '%s' is not a whole number of "
			  "goroutines", n);
		return -1;
	}
	if (comma) {
		char p[32];
		size_t plen = strlen(comma + 1);

		if (plen > 0 && comma[plen] == '%')
			plen--;
		if (plen == 0 || plen >= sizeof p) {
			tool_warn("--baseline-allow: '%s' is not N or N,P%%", arg);
			return -1;
		}
		memcpy(p, comma + 1, plen);
		p[plen] = '\0';
		if (tool_number("--baseline-allow", p, 0, 1e6, ratio) != 0)
			return -1;
		*ratio /= 100;
	}
	return 0;
}

/* Loads --baseline (checking it was taken with the same --group-by) and
 * starts the --write-baseline collection. Returns -1 after a message. */
static int baseline_setup(triage_baseline *bl, const tool_config *c)
{
	gt_err e = {{0}};
	const char *by = c->group.by == GROUP_BY_FUNC ? "func" : "line";
	double rise = BASELINE_MIN_RISE, ratio = BASELINE_MIN_RATIO;

	if (bl->allow && bl->path == NULL) {
		tool_warn("--baseline-allow needs --baseline");
		return -1;
	}
	if (bl->allow && parse_allow(bl->allow, &rise, &ratio) != 0)
		return -1;
	if (bl->out_path)
		bl->out = baseline_new();
	if (bl->path == NULL)
		return 0;
	if ((bl->known = baseline_load(bl->path, &e)) == NULL) {
		tool_warn("%s", e.msg);
		return -1;
	}
	baseline_set_allowance(bl->known, (uint64_t)rise, ratio);
	if (baseline_group_by(bl->known) &&
	    strcmp(baseline_group_by(bl->known), by) != 0) {
		tool_warn("%s: taken with --group-by %s, this run groups by %s: "
			  "the fingerprints cannot match",
			  bl->path, baseline_group_by(bl->known), by);
		return -1;
	}
	return 0;
}

/* Writes --write-baseline once every input is read. */
static int baseline_finish(const triage_baseline *bl)
{
	gt_err e = {{0}};

	if (bl->out_path == NULL)
		return 0;
	if (tool_write_atomic(bl->out_path, write_baseline_fn, bl->out, &e) !=
	    GT_OK) {
		tool_warn("%s", e.msg);
		return -1;
	}
	return 0;
}

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
static void describe_non_dump(const char *name, const parse_stats *st,
			      gt_err *e)
{
	if (st->bytes == 0)
		gt_errf(e, "%s: empty input, no goroutine dump", name);
	else if (st->nul_bytes || st->ctrl_bytes > st->bytes / 100 + 8)
		gt_errf(e, "%s: binary data (%llu bytes), not a goroutine dump",
			name, (unsigned long long)st->bytes);
	else if (st->race_reports)
		gt_errf(e, "%s: %llu data race report%s but no goroutine dump "
			"(%llu lines)",
			name, (unsigned long long)st->race_reports,
			st->race_reports == 1 ? "" : "s",
			(unsigned long long)st->lines);
	else
		gt_errf(e, "%s: no goroutine dump found in %llu lines (%llu bytes)",
			name, (unsigned long long)st->lines,
			(unsigned long long)st->bytes);
}

/* Reads and groups one input into in->set; on failure warns, keeps the
 * message in msg and leaves in->set NULL. Returns its exit status. */
static int triage_one(report_input *in, const char *arg, const rules *r,
		      const tool_config *c, const triage_baseline *bl,
		      char *msg, size_t len)
{
	group_set *s = group_set_new(r, &c->group);
	const group_dump *last;
	gt_err e = {{0}};
	int cut = 0;

	in->set = NULL;
	in->error = msg;
	msg[0] = 0;
	if (tool_read(s, arg, c, &cut, &e) != GT_OK) {
		group_set_free(s);
		goto bad;
	}
	if (cut)
		tool_warn("%s: input ends early; triaging what arrived",
			  in->name);
	group_set_finish(s, NULL);
	if ((last = group_set_last(s)) == NULL) {
		describe_non_dump(in->name, &s->stats, &e);
		group_set_free(s);
		goto bad;
	}
	apply_baseline(bl, s, in->name);
	in->set = s;
	return last->nflagged ? EXIT_LEAK : EXIT_CLEAN;
bad:
	tool_warn("%s", e.msg);
	snprintf(msg, len, "%s", e.msg);
	return EXIT_TROUBLE;
}

struct inputs_job {
	const report_input *in;
	size_t n;
	const report_opts *o;
};

static int write_inputs(FILE *f, void *ud, gt_err *e)
{
	const struct inputs_job *j = ud;

	return report_write_inputs(f, j->in, j->n, j->o, e);
}

/* Several inputs: each triaged on its own, then one report of them all. */
static int triage_many(char **inputs, size_t n, const rules *r,
		       const tool_config *c, const triage_baseline *bl)
{
	report_input *in = gt_calloc(n, sizeof *in);
	gt_err *msgs = gt_calloc(n, sizeof *msgs);
	char **names = gt_calloc(n, sizeof *names);
	struct inputs_job j = {in, n, &c->report};
	gt_err e = {{0}};
	int rc = EXIT_CLEAN, any = 0;

	for (size_t i = 0; i < n; i++) {
		int one;

		in[i].name = names[i] = tool_display_name(inputs[i]);
		one = triage_one(&in[i], inputs[i], r, c, bl, msgs[i].msg,
				 sizeof msgs[i].msg);
		rc = one > rc ? one : rc;
		any |= in[i].set != NULL;
	}
	if (any && tool_write_output(c->out_path, write_inputs, &j, &e) !=
			   GT_OK) {
		tool_warn("%s", e.msg);
		rc = EXIT_TROUBLE;
	}
	/* a baseline is a known-good run: all of it, or none */
	if (rc == EXIT_TROUBLE && bl->out_path)
		tool_warn("%s: not written: an input could not be triaged",
			  bl->out_path);
	else if (baseline_finish(bl) != 0)
		rc = EXIT_TROUBLE;
	for (size_t i = 0; i < n; i++) {
		group_set_free((group_set *)in[i].set);
		free(names[i]);
	}
	free(names);
	free(in);
	free(msgs);
	return rc;
}

int tool_triage_main(int argc, char **argv)
{
	static const struct option own[] = {
		{"list-rules", no_argument, NULL, OPT_LIST_RULES},
		{"baseline", required_argument, NULL, OPT_BASELINE},
		{"baseline-allow", required_argument, NULL, OPT_BASELINE_ALLOW},
		{"write-baseline", required_argument, NULL, OPT_WRITE_BASELINE},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0}};
	static char *stdin_only[] = {"-", NULL};
	struct option opts[64];
	tool_config c;
	triage_baseline bl = {0};
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
		case OPT_BASELINE:
			bl.path = optarg;
			break;
		case OPT_BASELINE_ALLOW:
			bl.allow = optarg;
			break;
		case OPT_WRITE_BASELINE:
			bl.out_path = optarg;
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
	if (ninputs > 1 && c.report.format == REPORT_PROM) {
		tool_warn("-f prom takes one input (one metrics file per "
			  "target), got %zu", ninputs);
		goto out;
	}
	shown = tool_display_name(inputs[0]);
	c.report.source = shown;

	if ((r = tool_rules(&c, &e)) == NULL) {
		tool_warn("%s", e.msg);
		goto out;
	}
	if (baseline_setup(&bl, &c) != 0)
		goto out;
	if (ninputs > 1) {
		rc = triage_many(inputs, ninputs, r, &c, &bl);
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
		describe_non_dump(c.report.source, &s->stats, &e);
		tool_warn("%s", e.msg);
		goto out;
	}
	apply_baseline(&bl, s, c.report.source);
	if (tool_write_report(&c, s, &e) != GT_OK) {
		tool_warn("%s", e.msg);
		goto out;
	}
	if (baseline_finish(&bl) != 0)
		goto out;
	rc = last->nflagged ? EXIT_LEAK : EXIT_CLEAN;
out:
	free(shown);
	baseline_free(bl.known);
	baseline_free(bl.out);
	group_set_free(s);
	rules_free(r);
	tool_config_free(&c);
	return rc;
}
