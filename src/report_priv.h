/*
 * report_priv.h - helpers shared by the output modules (report_text.c,
 * report_json.c, report_markdown.c, report_prom.c, report_diff.c,
 * report_trend.c, report_sarif.c, report_github.c). Defined in report.c
 * unless a section says otherwise. Not part of the public interface.
 */
#ifndef GT_REPORT_PRIV_H
#define GT_REPORT_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "category.h"
#include "group.h"
#include "report.h"

/* Unflagged groups listed when opts->top is 0. */
#define REPORT_OTHERS_DEFAULT 10
/* User frames shown per group unless verbose. */
#define REPORT_KEY_FRAMES 4
/* Goroutine ids listed per group in verbose text output. */
#define REPORT_IDS_SHOWN 20

/* Every GROUP_R_* bit, in the order reasons are listed. */
extern const unsigned report_reason_bits[];
extern const size_t report_nreason_bits;

/* Stable short code of one reason bit: "nil-chan", "count", ...; "?" for an
 * unknown bit. */
const char *report_reason_code(unsigned bit);

/* A frame of the Go runtime or its internals (package runtime, runtime/...,
 * internal/..., or a runtime hook such as sync.runtime_SemacquireMutex). */
int report_frame_is_runtime(const group_frame *f);

/* The frames of g worth showing when not verbose, innermost first, as
 * indices into g->frames: up to REPORT_KEY_FRAMES user frames (compiler
 * wrappers left out, see fingerprint_frame_hidden()); if g has no
 * user frame, its innermost non-runtime frame; else its innermost frame.
 * *more receives the number of further user frames left out. Returns the
 * number of indices written (0 only when g has no frames). */
size_t report_key_frames(const group *g, size_t idx[REPORT_KEY_FRAMES],
			 size_t *more);

/* The first key frame of g, or NULL when g has no frames. */
const group_frame *report_top_frame(const group *g);

/* Which groups of a dump a text or markdown report shows, as indices into
 * d->groups: flagged groups in model order, then unflagged ones by count
 * (largest first, model order among equals). */
typedef struct report_pick {
	size_t *flagged;
	size_t nflagged;
	size_t *others;
	size_t nothers;
	size_t hidden_flagged; /* flagged groups left out by opts->top */
	size_t hidden_others;  /* unflagged groups left out */
} report_pick;

void report_pick_groups(const group_dump *d, const report_opts *o,
			report_pick *p);
void report_pick_free(report_pick *p);

/* Categories with a non-zero count, largest first (enum order among equals).
 * Returns how many were written to out. */
size_t report_cats_by_count(const uint64_t by_cat[CAT__COUNT],
			    category out[CAT__COUNT]);

/* "12-31", "31" or "" (no minutes printed) into buf; returns buf. */
const char *report_minutes(const group *g, char *buf, size_t len);

/* Percentage of part in total (0 when total is 0). */
double report_pct(uint64_t part, uint64_t total);

/* The last two components of a path: "/src/app/fanout/fetch.go" ->
 * "fanout/fetch.go". Points into file. */
const char *report_short_path(const char *file);

/* Writes s with control bytes (terminal escapes from a noisy log, CR, ...)
 * replaced by '?'. */
void report_put_clean(FILE *out, const char *s);

/* Number of goroutines cut short by the end of the input in a dump. */
uint64_t report_truncated_goroutines(const group_dump *d);

/* RFC 3339 UTC time of t (seconds since the epoch, as group_dump.time):
 * "2024-11-20T10:00:00Z", with milliseconds when t has a fraction; "" when
 * t is 0 (unknown). Returns buf. */
const char *report_time(double t, char *buf, size_t len);

/* The same in whole seconds, the fraction dropped: "2026-11-22T04:05:00Z",
 * "" when when is 0 (unknown). The diff and trend reports use this one.
 * Returns buf. */
const char *report_time_sec(double when, char *buf, size_t len);

/* one when n is 1, else many. */
const char *report_plural(uint64_t n, const char *one, const char *many);

/* The summary sentence of dump d from "holds" on: its goroutines and
 * stacks in strong[0..1], then its flagged groups in warn[0..1], or "No
 * probable leak found.". The markup pairs are the format's (Markdown "**",
 * HTML "<b>"); everything else is numbers and fixed words. */
void report_put_holds(FILE *out, const group_dump *d,
		      const char *const strong[2], const char *const warn[2]);

/* The escapes for bold, red, dim and reset when color is set, "" each when
 * not. */
void report_colors(int color, const char **bold, const char **red,
		   const char **dim, const char **reset);

/* lead, f's function, then its short "file:line" between dim and reset;
 * control bytes shown as '?'. Nothing at all when f is NULL. */
void report_put_frame(FILE *out, const char *lead, const group_frame *f,
		      const char *dim, const char *reset);

/* Length of the well-formed UTF-8 sequence at s, n bytes long at most (the
 * rules jansson applies: no overlong forms, no surrogates, nothing above
 * U+10FFFF), or 0. */
size_t report_utf8_len(const unsigned char *s, size_t n);

/* Text for a markdown table cell: markdown punctuation and '|'
 * backslash-escaped, control bytes as spaces. */
void report_md_cell(FILE *out, const char *s);

/* The function of g's top frame as a code span for a markdown table cell:
 * '|' escaped, backticks and control bytes left out. Nothing when g has no
 * frames. */
void report_md_top_frame(FILE *out, const group *g);

/* ---- the crash a dump opens with ----------------------------------------- */

/* Indices of the crashed goroutine's frames worth showing: every frame when
 * verbose, else its user frames (its non-runtime ones when it has none).
 * Returns a malloc'd array of *n indices, NULL when there are none. */
size_t *report_crash_frames(const group_crash *c, int verbose, size_t *n);

/* What the crashed goroutine did: "panicked", "threw", "received the
 * signal". */
const char *report_crash_role(const group_dump *d);

/* 1-based number of g among d's groups as the reports number them, 0 when
 * g is NULL or not there. */
size_t report_group_number(const group_dump *d, const group *g);

/* Goroutines of g the crash is about: all of them for a deadlock, those of
 * the running tests for a test timeout. report_crash_ids() writes up to
 * max of their ids (those kept) to out and returns how many. */
uint64_t report_crash_count(const group_dump *d, const group *g);
size_t report_crash_ids(const group_dump *d, const group *g, uint64_t *out,
			size_t max);

/* ---- defined in report_json.c, for the diff and trend documents ---------- */

struct json_t;

/* The JSON object of one group (the "group" of docs/json-schema.md); d and
 * opts give the reason texts. A new reference. */
struct json_t *report_json_group(const group *g, const group_dump *d,
				 const group_opts *opts);

/* A JSON string of s with bytes that are not valid UTF-8 replaced by '?';
 * null for NULL. A new reference. */
struct json_t *report_json_str(const char *s);

/* The "thresholds" object of the core schema. A new reference. */
struct json_t *report_json_thresholds(const group_opts *g);

/* Writes doc and a newline as the diff and trend documents are written
 * (indented, in insertion order) and releases doc. GT_OK or GT_ERR. */
int report_json_dump(FILE *out, struct json_t *doc);

/* Writes the object doc and a newline, with the bytes of
 * report_json_dump(), but its member key (a placeholder) as an array of n
 * elements item(ud, i) made, written and released one at a time, so a
 * large array never sits in memory whole. Releases doc. */
int report_json_stream(FILE *out, struct json_t *doc, const char *key,
		       struct json_t *(*item)(void *ud, size_t i), void *ud,
		       size_t n);

/* report_json() with more members: more(out, ud) writes them after
 * "snapshots" and its ",\n", each at column 2, the last one ending in
 * "\n". */
int report_json_more(FILE *out, const group_set *s, const report_opts *o,
		     int (*more)(FILE *out, void *ud), void *ud);

/* ---- defined in report_ci.c, for report_sarif.c and report_github.c ---- */

/* The rule a flagged group is reported under: its first leak diagnosis
 * (name, cause, fix), else one per flag reason ("leak/deadlock", ...). The
 * strings are static or owned by the rule set. */
typedef struct report_ci_rule_info {
	const char *id, *text, *help;
} report_ci_rule_info;

void report_ci_rule(const group *g, report_ci_rule_info *r);

/* The longest common directory of a dump's user frames with absolute
 * paths outside the module cache, GOPATH and GOROOT: the module root as
 * far as the dump shows it. prefix points into the dump's strings. */
typedef struct report_ci_root_info {
	const char *prefix;
	size_t len; /* 0: none */
} report_ci_root_info;

void report_ci_root(const group_dump *d, report_ci_root_info *r);

/* file relative to the module root where it can be: a -trimpath path as
 * printed, the part after /pkg/mod/ or after a GOPATH /src/ (from the
 * host on), else without root's prefix. Points into file. */
const char *report_ci_path(const char *file, const report_ci_root_info *root);

/* f's file relative to its module root, found from its function's package
 * path where the file's directory ends in that path's last elements
 * (/home/ci/shop/internal/x/y.go of example.com/shop/internal/x.F:
 * internal/x/y.go), keeping the elements a module path needs (3 on
 * github.com, gitlab.com and bitbucket.org, 2 on another host, 1 without
 * one); a standard-library frame's from its GOROOT src/ on
 * (net/http/server.go); else report_ci_path(). NULL when f has no file. */
const char *report_ci_frame_path(const group_frame *f,
				 const report_ci_root_info *root);

/* Where a flagged group is reported: its first user frame with a file,
 * else its creator, else its first frame with a file; NULL if none. */
const group_frame *report_ci_location(const group *g);

/* One line: count, category, state, minutes, every flag reason, the
 * location's function, the creator, the fingerprint. Control bytes as
 * '?'. */
void report_ci_summary(const group *g, const group_dump *d,
		       const group_opts *o, char *buf, size_t len);

/* ---- defined in report_folded.c, for the folded format and the flame view */

/* The frame name a group with no frames is drawn under. */
#define REPORT_NO_STACK "[no stack]"

/* Frames of g as the flame graph stacks them: at least 1 (a group without
 * frames stands under REPORT_NO_STACK). */
size_t report_stack_depth(const group *g);

/* Function of g's frame at depth (0 = the root: the outermost frame), or
 * NULL past its depth; *len (when len is set) receives its length, which
 * counts any NUL byte the dump put inside. */
const char *report_stack_func(const group *g, size_t depth, size_t *len);

/* Byte order of two frame names of the given lengths (memcmp, then the
 * shorter first). */
int report_stack_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* The groups of d sorted root first by function names, so that groups
 * sharing a prefix of frames are neighbours. Free the array (not the
 * groups). */
const group **report_stack_order(const group_dump *d);

/* ---- defined in report_html.c, for the diff and trend pages -------------- */

struct trend;
struct diff_result;

/* s as HTML text, safe in an element and in a quoted attribute: markup
 * characters as entities, control bytes and invalid UTF-8 as U+FFFD.
 * Nothing for NULL. */
void html_escape(FILE *out, const char *s);

/* The page up to the opening of <main>: doctype, policy forbidding any
 * request, style, the heading "what: source" and the filter box (hidden
 * until the script shows it). */
void html_open(FILE *out, const char *what, const char *source);

/* The script and the end of the page. */
void html_close(FILE *out);

/* One group as a <section class="grp"> with id "g-<num>": its heading,
 * verdict v with its evidence line why (NULL: none), reasons (GROUP_R_*
 * bits: g->reasons, or a trend series' own), causes and fixes, stack (user
 * frames emphasised, the others folded), ids and labels on demand. d and
 * go give the reason texts (go may be NULL: no texts). mark: a class and
 * badge ("new", "grown", ...) or NULL. extra(out, ud), when set, writes
 * more of the section after the verdict (a sparkline, old and new
 * counts). */
void html_group(FILE *out, const group *g, verdict v, const char *why,
		unsigned reasons, const group_dump *d, const group_opts *go,
		size_t num, const char *mark,
		void (*extra)(FILE *out, const void *ud), const void *ud);

/* The icicle view of every goroutine of d by stack (inline SVG;
 * report_html_flame.c). */
void html_flame(FILE *out, const group_dump *d);

/* The crash facts of d, when the process died (a panic, a fatal error, a
 * signal): nothing otherwise. */
void html_crash(FILE *out, const group_dump *d);

/* The bar chart of d's goroutines by category. */
void html_categories(FILE *out, const group_dump *d);

/* ---- the diff and trend pages (report_html_series.c) --------------------- */

int report_html_diff(FILE *out, const struct diff_result *r,
		     const report_opts *o, const group_opts *go,
		     const char *old_name, const char *new_name);
int report_html_trend(FILE *out, const struct trend *t, const report_opts *o);

#endif
