/*
 * main.c - turns argv into a configuration, runs the pipeline (input ->
 * parse -> group -> report) and chooses the exit status:
 *   0 nothing flagged, 1 probable leak flagged, 2 trouble.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin_rules.h"
#include "group.h"
#include "input.h"
#include "parse.h"
#include "report.h"
#include "rules.h"

#ifndef GTRIAGE_VERSION
#define GTRIAGE_VERSION "0.1.0"
#endif

enum { EXIT_CLEAN = 0, EXIT_LEAK = 1, EXIT_TROUBLE = 2 };

typedef struct config {
	report_opts report;
	group_opts group;
	const char **rule_paths;
	size_t nrule_paths;
	const char *out_path;
	const char *color; /* auto, always, never */
	int list_rules;
	char **inputs;
	size_t ninputs;
} config;

static const char usage[] =
	"usage: gtriage [options] [FILE|-]...\n"
	"Triage Go goroutine dumps: classify every goroutine, group identical\n"
	"stacks and flag probable leaks. Reads debug=2 and debug=1 profiles,\n"
	"panic, fatal error and SIGQUIT output, plain, gzip'd or inside logs\n"
	"(kubectl, docker, journald prefixes). No FILE or '-' reads stdin.\n"
	"\n"
	"Output:\n"
	"  -f, --format FMT      text (default), json or markdown\n"
	"  -n, --top N           show at most N groups (default: all flagged\n"
	"                        and the 10 largest others)\n"
	"  -v, --verbose         every group, every frame, goroutine ids\n"
	"  -o, --output FILE     write the report to FILE (replaced atomically)\n"
	"      --color WHEN      auto (default), always or never; NO_COLOR is honoured\n"
	"Grouping and flagging:\n"
	"      --group-by LEVEL  line (default: function and file:line) or func\n"
	"      --min-count N     flag blocked groups of at least N goroutines (100)\n"
	"      --min-share F     ... or holding at least this share of all (0.2)\n"
	"      --share-floor N   ... when they have at least N goroutines (10)\n"
	"      --min-minutes N   flag groups blocked at least N minutes (10)\n"
	"      --pool-max N      small idle pools up to N goroutines are not\n"
	"                        flagged for their age alone (8)\n"
	"Rules:\n"
	"      --rules PATH      add a *.rules file or directory, tried before the\n"
	"                        built-in rules (repeatable; also $GTRIAGE_RULES,\n"
	"                        colon separated)\n"
	"      --list-rules      print the rule files that would be loaded, and exit\n"
	"  -h, --help            this help\n"
	"  -V, --version         print the version\n"
	"\n"
	"Exit status: 0 no probable leak, 1 probable leak flagged, 2 trouble\n"
	"(bad usage, unreadable input, not a dump, broken rule file).\n"
	"See gtriage(1), and patterns/README.md for the rule format.\n";

static void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void warnx_(const char *fmt, ...)
{
	va_list ap;

	fputs("gtriage: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int parse_num(const char *opt, const char *s, double lo, double hi,
		     double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end != '\0' || v < lo || v > hi) {
		warnx_("%s: '%s' is not a number from %g to %g", opt, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

enum {
	OPT_GROUP_BY = 256,
	OPT_MIN_COUNT,
	OPT_MIN_SHARE,
	OPT_SHARE_FLOOR,
	OPT_MIN_MINUTES,
	OPT_POOL_MAX,
	OPT_RULES,
	OPT_LIST_RULES,
	OPT_COLOR,
};

/* Returns -1 to exit 2, 1 to exit 0 (help, version), 0 to run. */
static int configure(config *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"top", required_argument, NULL, 'n'},
		{"verbose", no_argument, NULL, 'v'},
		{"output", required_argument, NULL, 'o'},
		{"color", required_argument, NULL, OPT_COLOR},
		{"colour", required_argument, NULL, OPT_COLOR},
		{"group-by", required_argument, NULL, OPT_GROUP_BY},
		{"min-count", required_argument, NULL, OPT_MIN_COUNT},
		{"min-share", required_argument, NULL, OPT_MIN_SHARE},
		{"share-floor", required_argument, NULL, OPT_SHARE_FLOOR},
		{"min-minutes", required_argument, NULL, OPT_MIN_MINUTES},
		{"pool-max", required_argument, NULL, OPT_POOL_MAX},
		{"rules", required_argument, NULL, OPT_RULES},
		{"list-rules", no_argument, NULL, OPT_LIST_RULES},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0}};
	int ch;
	double v;

	memset(c, 0, sizeof *c);
	group_opts_default(&c->group);
	c->report.format = REPORT_TEXT;
	c->color = "auto";
	c->rule_paths = gt_calloc((size_t)argc + 1, sizeof *c->rule_paths);
	while ((ch = getopt_long(argc, argv, "f:n:vo:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (report_format_parse(optarg, &c->report.format) != 0) {
				warnx_("unknown format '%s' (text, json, markdown)",
				       optarg);
				return -1;
			}
			break;
		case 'n':
			if (parse_num("--top", optarg, 0, 1e9, &v))
				return -1;
			c->report.top = (size_t)v;
			break;
		case 'v':
			c->report.verbose = 1;
			break;
		case 'o':
			c->out_path = optarg;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") &&
			    strcmp(optarg, "never")) {
				warnx_("--color: '%s' is not auto, always or never",
				       optarg);
				return -1;
			}
			c->color = optarg;
			break;
		case OPT_GROUP_BY:
			if (strcmp(optarg, "line") == 0)
				c->group.by = GROUP_BY_LINE;
			else if (strcmp(optarg, "func") == 0 ||
				 strcmp(optarg, "function") == 0)
				c->group.by = GROUP_BY_FUNC;
			else {
				warnx_("--group-by: '%s' is not line or func", optarg);
				return -1;
			}
			break;
		case OPT_MIN_COUNT:
			if (parse_num("--min-count", optarg, 1, 1e15, &v))
				return -1;
			c->group.min_count = (uint64_t)v;
			break;
		case OPT_MIN_SHARE:
			if (parse_num("--min-share", optarg, 0, 1, &v))
				return -1;
			c->group.min_share = v;
			break;
		case OPT_SHARE_FLOOR:
			if (parse_num("--share-floor", optarg, 1, 1e15, &v))
				return -1;
			c->group.share_floor = (uint64_t)v;
			break;
		case OPT_MIN_MINUTES:
			if (parse_num("--min-minutes", optarg, 0, 1e9, &v))
				return -1;
			c->group.min_minutes = (int)v;
			break;
		case OPT_POOL_MAX:
			if (parse_num("--pool-max", optarg, 0, 1e15, &v))
				return -1;
			c->group.pool_max = (uint64_t)v;
			break;
		case OPT_RULES:
			c->rule_paths[c->nrule_paths++] = optarg;
			break;
		case OPT_LIST_RULES:
			c->list_rules = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		case 'V':
			printf("gtriage %s\n", GTRIAGE_VERSION);
			return 1;
		default:
			fputs("Try 'gtriage --help'.\n", stderr);
			return -1;
		}
	}
	c->inputs = argv + optind;
	c->ninputs = (size_t)(argc - optind);
	return 0;
}

/* User rules first so they take precedence, then the built-in ones. */
static rules *load_rules(config *c, char **envcopy, gt_err *e)
{
	rules *r = rules_new();
	const char *env = getenv("GTRIAGE_RULES");
	size_t i;

	for (i = 0; i < c->nrule_paths; i++)
		if (rules_add_path(r, c->rule_paths[i], e) != GT_OK)
			goto fail;
	if (env && *env) {
		char *save = NULL, *tok;

		*envcopy = strdup(env);
		for (tok = strtok_r(*envcopy, ":", &save); tok;
		     tok = strtok_r(NULL, ":", &save))
			if (rules_add_path(r, tok, e) != GT_OK)
				goto fail;
	}
	for (i = 0; i < builtin_rules_count; i++)
		if (rules_add_text(r, builtin_rules[i].name, builtin_rules[i].text,
				   builtin_rules[i].len, e) != GT_OK)
			goto fail;
	return r;
fail:
	rules_free(r);
	return NULL;
}

static void list_rules(const config *c)
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
		warnx_("%s: empty input, no goroutine dump", name);
	else if (st->nul_bytes || st->ctrl_bytes > st->bytes / 100 + 8)
		warnx_("%s: binary data (%llu bytes), not a goroutine dump", name,
		       (unsigned long long)st->bytes);
	else if (st->race_reports)
		warnx_("%s: %llu data race report%s but no goroutine dump "
		       "(%llu lines)",
		       name, (unsigned long long)st->race_reports,
		       st->race_reports == 1 ? "" : "s",
		       (unsigned long long)st->lines);
	else
		warnx_("%s: no goroutine dump found in %llu lines (%llu bytes)",
		       name, (unsigned long long)st->lines,
		       (unsigned long long)st->bytes);
}

/* Writes the report to c->out_path through a temporary file renamed into
 * place, so a failed run never leaves half a report. */
static int write_report(const config *c, const group_set *s, gt_err *e)
{
	char tmp[4096];
	FILE *f;
	int fd;

	if (c->out_path == NULL || strcmp(c->out_path, "-") == 0) {
		if (report_write(stdout, s, &c->report, e) != GT_OK)
			return GT_ERR;
		if (fflush(stdout) != 0)
			return gt_errf(e, "stdout: %s", strerror(errno));
		return GT_OK;
	}
	if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", c->out_path) >= (int)sizeof tmp)
		return gt_errf(e, "%s: path too long", c->out_path);
	if ((fd = mkstemp(tmp)) < 0)
		return gt_errf(e, "%s: %s", tmp, strerror(errno));
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(tmp);
		return gt_errf(e, "%s: %s", tmp, strerror(errno));
	}
	if (report_write(f, s, &c->report, e) != GT_OK) {
		fclose(f);
		unlink(tmp);
		return GT_ERR;
	}
	if (fclose(f) != 0 || rename(tmp, c->out_path) != 0) {
		gt_errf(e, "%s: %s", c->out_path, strerror(errno));
		unlink(tmp);
		return GT_ERR;
	}
	return GT_OK;
}

int main(int argc, char **argv)
{
	static char *stdin_only[] = {"-"};
	config c;
	gt_err e = {{0}};
	rules *r = NULL;
	group_set *s = NULL;
	parse_ctx *p = NULL;
	parse_sink sink;
	char *envcopy = NULL;
	const group_dump *last;
	int rc = EXIT_TROUBLE, cut = 0;
	size_t i;

	switch (configure(&c, argc, argv)) {
	case 1:
		free(c.rule_paths);
		return EXIT_CLEAN;
	case -1:
		free(c.rule_paths);
		return EXIT_TROUBLE;
	}
	if (c.list_rules) {
		list_rules(&c);
		free(c.rule_paths);
		return EXIT_CLEAN;
	}
	if (c.ninputs == 0) {
		c.inputs = stdin_only;
		c.ninputs = 1;
	}
	if (strcmp(c.color, "always") == 0)
		c.report.color = 1;
	else if (strcmp(c.color, "auto") == 0)
		c.report.color = c.out_path == NULL && isatty(STDOUT_FILENO) &&
				 getenv("NO_COLOR") == NULL;
	if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
		c.report.color = 0;
	c.report.source = c.ninputs == 1
				  ? (strcmp(c.inputs[0], "-") ? c.inputs[0] : "<stdin>")
				  : "several inputs";

	if ((r = load_rules(&c, &envcopy, &e)) == NULL) {
		warnx_("%s", e.msg);
		goto out;
	}
	s = group_set_new(r, &c.group);
	sink = group_sink(s);
	p = parse_new(&sink);
	for (i = 0; i < c.ninputs; i++) {
		int gzcut = 0;

		if (input_read_path(c.inputs[i], p, &gzcut, &e) != GT_OK) {
			warnx_("%s", e.msg);
			goto out;
		}
		if (gzcut)
			warnx_("%s: gzip stream ends early; triaging what arrived",
			       c.report.source);
		cut |= gzcut;
	}
	group_set_finish(s, parse_get_stats(p));
	last = group_set_last(s);
	if (last == NULL) {
		describe_non_dump(c.report.source, parse_get_stats(p));
		goto out;
	}
	if (write_report(&c, s, &e) != GT_OK) {
		warnx_("%s", e.msg);
		goto out;
	}
	rc = last->nflagged ? EXIT_LEAK : EXIT_CLEAN;
out:
	parse_free(p);
	group_set_free(s);
	rules_free(r);
	free(envcopy);
	free(c.rule_paths);
	return rc;
}
