/*
 * report_github.c - GitHub Actions workflow commands: one ::error annotation
 * per flagged group, at the file and line report_sarif.c locates it, and a
 * ::notice summary, so a leak found in a test run shows on the pull request.
 */
#include <string.h>

#include "report.h"
#include "report_priv.h"

/* Workflow-command escaping: '%', CR and LF in the message; ':' and ',' as
 * well in a property value. Other control bytes become '?'. */
static void put_escaped(FILE *out, const char *s, int property)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '%')
			fputs("%25", out);
		else if (c == '\r')
			fputs("%0D", out);
		else if (c == '\n')
			fputs("%0A", out);
		else if (property && c == ':')
			fputs("%3A", out);
		else if (property && c == ',')
			fputs("%2C", out);
		else if (c < 0x20 || c == 0x7f)
			fputc('?', out);
		else
			fputc(c, out);
	}
}

static void annotate(FILE *out, const group *g, const group_dump *d,
		     const group_opts *go, const report_ci_root_info *root)
{
	report_ci_rule_info ri;
	const group_frame *at = report_ci_location(g);
	char msg[2048], title[256];

	report_ci_rule(g, &ri);
	report_ci_summary(g, d, go, msg, sizeof msg);
	snprintf(title, sizeof title, "goroutine leak: %s", ri.id);
	fputs("::error ", out);
	if (at && at->file) {
		fputs("file=", out);
		put_escaped(out, report_ci_frame_path(at, root), 1);
		if (at->line)
			fprintf(out, ",line=%u", at->line);
		fputc(',', out);
	}
	fputs("title=", out);
	put_escaped(out, title, 1);
	fputs("::", out);
	put_escaped(out, msg, 0);
	/* the cause and fix on lines of their own in the annotation */
	if (ri.text) {
		put_escaped(out, "\ncause: ", 0);
		put_escaped(out, ri.text, 0);
	}
	if (ri.help) {
		put_escaped(out, "\nfix: ", 0);
		put_escaped(out, ri.help, 0);
	}
	fputc('\n', out);
}

static void one_input(FILE *out, const group_set *s, const char *source)
{
	const group_dump *d = group_set_last(s);
	report_ci_root_info root;
	char line[512];

	if (d == NULL)
		return;
	report_ci_root(d, &root);
	for (size_t i = 0; i < d->ngroups; i++)
		if (group_is_leak(d->groups[i]))
			annotate(out, d->groups[i], d, &s->opts, &root);
	snprintf(line, sizeof line,
		 "gtriage: %s: %llu goroutines, %zu groups, %zu flagged as "
		 "%s (%llu goroutines)",
		 source ? source : "-", (unsigned long long)d->total,
		 d->ngroups, d->nflagged,
		 d->nflagged == 1 ? "a probable leak" : "probable leaks",
		 (unsigned long long)d->leaked_goroutines);
	fputs("::notice title=gtriage::", out);
	put_escaped(out, line, 0);
	fputc('\n', out);
}

int report_github(FILE *out, const group_set *s, const report_opts *o)
{
	one_input(out, s, o->source);
	return ferror(out) ? GT_ERR : GT_OK;
}

int report_github_inputs(FILE *out, const report_input *in, size_t n,
			 const report_opts *o)
{
	(void)o;
	for (size_t i = 0; i < n; i++) {
		if (in[i].set) {
			one_input(out, in[i].set, in[i].name);
		} else {
			fputs("::warning title=gtriage::", out);
			put_escaped(out,
				    in[i].error ? in[i].error : in[i].name, 0);
			fputc('\n', out);
		}
	}
	return ferror(out) ? GT_ERR : GT_OK;
}
