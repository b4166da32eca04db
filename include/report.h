/*
 * report.h - renders the report model (a finished group_set) in one format.
 * One output module per format (report_text.c, report_json.c,
 * report_markdown.c, report_prom.c, report_sarif.c, report_github.c,
 * report_html.c, report_folded.c), all fed by the same model; report.c
 * dispatches and holds what the formats share.
 */
#ifndef GT_REPORT_H
#define GT_REPORT_H

#include <stdio.h>

#include "common.h"
#include "group.h"

typedef enum report_format {
	REPORT_TEXT,
	REPORT_JSON,
	REPORT_MARKDOWN,
	REPORT_PROM,     /* Prometheus text format (report_prom.c) */
	REPORT_SARIF,    /* SARIF 2.1.0 (report_sarif.c) */
	REPORT_GITHUB,   /* GitHub workflow commands (report_github.c) */
	REPORT_HTML,     /* a self-contained page (report_html.c) */
	REPORT_FOLDED,   /* stacks for flame-graph tools (report_folded.c) */
	REPORT__COUNT
} report_format;

/* "text", "json", "markdown" (also "md"), "prom", "sarif", "github",
 * "html", "folded"; -1 if unknown. */
int report_format_parse(const char *name, report_format *out);

typedef struct report_opts {
	report_format format;
	const char *source;  /* input name shown in the report: a path, "-" */
	size_t top;          /* groups shown in text/markdown; 0 = all flagged
				and the 10 largest others */
	int verbose;         /* -v: every frame, every group */
	int color;           /* ANSI colour (text only) */
} report_opts;

/* JSON schema version written as "schema". */
#define REPORT_JSON_SCHEMA 2

/* Writes the report for set s to out. Returns GT_ERR with a message on a
 * write error (e.g. a closed pipe). */
int report_write(FILE *out, const group_set *s, const report_opts *o,
		 gt_err *e);

/* One input of a run over several (gtriage a.txt b.txt): its name and
 * its finished set, or no set and why. Borrowed: the caller owns all. */
typedef struct report_input {
	const char *name;     /* the source of its report: a path, "<stdin>" */
	const group_set *set; /* NULL: unreadable, or not a dump */
	const char *error;    /* when set is NULL: "a.txt: No such file ..." */
} report_input;

/* Writes a report per input, each as report_write() writes it for that
 * input alone (o->source replaced by its name), then a summary across
 * them. Text and Markdown: the reports one after the other, an
 * unreadable input as its error, then a table of goroutines, groups and
 * flagged groups per input with totals. JSON: the report of the last
 * readable input, with an "inputs" array holding one report object per
 * input ({"source", "error"} for an unreadable one). SARIF: one run with
 * the results of every input. GitHub: each input's annotations and summary
 * in turn, an unreadable input as a warning. The Prometheus format takes
 * one input: GT_ERR. At least one input must have a set. */
int report_write_inputs(FILE *out, const report_input *in, size_t n,
			const report_opts *o, gt_err *e);

/* Flushes out after a format wrote to it: turns the format's status rc or a
 * write error (a full disk, a reader gone: EPIPE) into a message. */
int report_flush(FILE *out, int rc, gt_err *e);

int report_text(FILE *out, const group_set *s, const report_opts *o);
int report_json(FILE *out, const group_set *s, const report_opts *o);
int report_markdown(FILE *out, const group_set *s, const report_opts *o);
int report_prom(FILE *out, const group_set *s, const report_opts *o);

/* Writes n Prometheus text expositions (NUL-terminated) as one: each
 * metric family once, its HELP and TYPE lines first, then the samples of
 * every document in order. */
void report_prom_merge(FILE *out, const char *const *docs, size_t n);
int report_sarif(FILE *out, const group_set *s, const report_opts *o);
int report_github(FILE *out, const group_set *s, const report_opts *o);
int report_sarif_inputs(FILE *out, const report_input *in, size_t n,
			const report_opts *o);
int report_github_inputs(FILE *out, const report_input *in, size_t n,
			 const report_opts *o);
int report_html(FILE *out, const group_set *s, const report_opts *o);
/* One line per distinct stack of the last dump, "root;...;leaf count",
 * frames as function names; the counts add up to its goroutines. */
int report_folded(FILE *out, const group_set *s, const report_opts *o);

/* Groups labelled by fingerprint in the Prometheus output when top is 0. */
#define REPORT_PROM_TOP 20

#endif
