/*
 * tool.h - the command-line tools. main.c picks one by its first argument
 * (triage is the default); each turns its own argv into a configuration,
 * runs its pipeline, prints, and returns the exit status. The tools and
 * main.c are the only code that prints.
 */
#ifndef GT_TOOL_H
#define GT_TOOL_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

#include "fetch.h"
#include "group.h"
#include "report.h"
#include "rules.h"
#include "trend.h"

/* Exit status, like diff(1). */
enum { EXIT_CLEAN = 0, EXIT_LEAK = 1, EXIT_TROUBLE = 2 };

/* Options every tool shares: rules, thresholds, output, fetching. */
typedef struct tool_config {
	report_opts report;
	group_opts group;
	fetch_opts fetch;
	const char **rule_paths;
	size_t nrule_paths;
	const char *out_path; /* -o: written atomically */
	const char *color;    /* auto, always, never */
	unsigned threads;     /* --threads: workers reading one input */
	size_t chunk;         /* piece size ($GTRIAGE_CHUNK), 0: default */
} tool_config;

/* getopt_long options shared by the tools, and their short letters. */
#define TOOL_SHORTOPTS "f:n:vo:H:u:k"
extern const struct option tool_longopts[];
extern const char tool_common_help[];

void tool_config_init(tool_config *c, int argc);
void tool_config_free(tool_config *c);

/* The default case of a tool's option loop: takes a shared option and
 * returns 0, or prints why not (a bad value, or an unknown option with a
 * "Try 'CMD --help'." hint) and returns -1. */
int tool_option(tool_config *c, int ch, const char *arg, const char *cmd);

/* Parses a number in [lo, hi] for option opt; prints a message and returns
 * -1 if arg is not one. */
int tool_number(const char *opt, const char *arg, double lo, double hi,
		double *out);

/* The growth test's options (trend, heap): --min-growth, --min-rise,
 * --max-step, --max-p. TOOL_GROWTH_LONGOPTS lists all but --min-rise. */
enum {
	TOOL_OPT_MIN_GROWTH = 800,
	TOOL_OPT_MIN_RISE,
	TOOL_OPT_MAX_STEP,
	TOOL_OPT_MAX_P
};
#define TOOL_GROWTH_LONGOPTS                                                   \
	{"min-growth", required_argument, NULL, TOOL_OPT_MIN_GROWTH},          \
	    {"max-step", required_argument, NULL, TOOL_OPT_MAX_STEP},          \
	    {"max-p", required_argument, NULL, TOOL_OPT_MAX_P}

/* Takes a growth-test option into o: 1 when ch is one and its value is
 * good, 0 when ch is not one, -1 (printed) for a bad value. max_growth
 * bounds --min-growth. */
int tool_growth_option(int ch, const char *arg, double max_growth,
		       trend_opts *o);

/* Merges two option tables (the tool's own first) into buf. */
void tool_options_merge(const struct option *own, struct option *buf,
			size_t cap);

/* Resolves --color against the terminal and NO_COLOR. */
void tool_config_finish(tool_config *c);

/* Rules: the user's (--rules, $GTRIAGE_RULES) first, then the built-in. */
rules *tool_rules(const tool_config *c, gt_err *e);

/* Reads one input (a path, "-" for stdin, or an http(s) URL) into s, as
 * one or more dumps. *cut is set when the input ended early (a connection
 * or gzip stream cut mid-dump). */
int tool_read(group_set *s, const char *input, const tool_config *c, int *cut,
	      gt_err *e);

/* The name an input goes by in messages and reports: "<stdin>" for "-",
 * a URL as redact_url() shows it (no credentials), a path as
 * given. Caller frees. */
char *tool_display_name(const char *input);

/* Refuses (GT_ERR, e says why) an -o path that is one of the run's input
 * files, through any symlink or hard link ("-" is standard input), so the
 * check runs before anything is read. out NULL or "-" is stdout. */
int tool_check_output(const char *out, const char *const *inputs, size_t n,
		      gt_err *e);

/* Writes s with c->report to stdout or atomically to c->out_path. */
int tool_write_report(const tool_config *c, const group_set *s, gt_err *e);

/* Writes a file; fn writes the content to the FILE. A symlink is followed
 * to the file it names (dangling or not). A regular or new file is
 * replaced atomically: a temporary file in the target's directory, renamed
 * over it, with the mode of the file it replaces or, for a new one,
 * 0666 less the umask. A device, FIFO or socket is written in place, never
 * replaced; a directory is an error. */
int tool_write_atomic(const char *path,
		      int (*fn)(FILE *f, void *ud, gt_err *e), void *ud,
		      gt_err *e);

/* Where -o sends a tool's output: fn writes it atomically to path, or to
 * stdout (then flushed) when path is NULL or "-". */
int tool_write_output(const char *path,
		      int (*fn)(FILE *f, void *ud, gt_err *e), void *ud,
		      gt_err *e);

void tool_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The subcommands. argv[0] is the subcommand's name. */
int tool_triage_main(int argc, char **argv);
int tool_diff_main(int argc, char **argv);
int tool_trend_main(int argc, char **argv);
int tool_snap_main(int argc, char **argv);
int tool_watch_main(int argc, char **argv);
int tool_heap_main(int argc, char **argv);

#endif
