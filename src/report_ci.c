/*
 * report_ci.c - what the CI formats (report_sarif.c, report_github.c) share:
 * the rule a flagged group is reported under, where it is located, its
 * one-line summary, and file paths made relative to the module root as far
 * as a dump shows it (it cannot show go.mod: see report_priv.h).
 */
#include <string.h>

#include "report.h"
#include "report_priv.h"

/* Rules for groups flagged without a leak diagnosis, one per reason. */
static const struct {
	unsigned bit;
	const char *id, *text, *help;
} reason_rules[] = {
	{GROUP_R_NIL_CHAN, "leak/nil-chan",
	 "goroutines blocked on a nil channel: they can never proceed",
	 "make the channel before use, or drop the case of a select that is "
	 "meant to be disabled"},
	{GROUP_R_SELECT_FOREVER, "leak/select-forever",
	 "goroutines in select {} with no cases: they block forever",
	 "wait on a context or a done channel instead of select {}"},
	{GROUP_R_LEAKED, "leak/leaked",
	 "goroutines the runtime marked (leaked): blocked on objects nothing "
	 "else can reach",
	 "make sure every blocking operation has a partner or a way out "
	 "(context, close, timeout)"},
	{GROUP_R_DEADLOCK, "leak/deadlock",
	 "part of a fatal deadlock: all goroutines were asleep",
	 "find the goroutine that should have sent, closed or unlocked"},
	{GROUP_R_TEST_TIMEOUT, "leak/test-timeout",
	 "goroutines blocked in a test that timed out",
	 "find what the test waits for: a send, close, Done or unlock that "
	 "never comes"},
	{GROUP_R_GOLEAK, "leak/goleak",
	 "goroutines goleak found still running after their test",
	 "make the test wait for what it starts (cancel, close, WaitGroup) "
	 "before it returns"},
	{GROUP_R_EVIDENCE, "leak/accumulating",
	 "goroutines made one after another and never released, as the dump "
	 "shows (parents, ids, ages, wait objects)",
	 "find what starts these goroutines and why they never return"},
	{GROUP_R_GROWING, "leak/growing",
	 "a group that grows from snapshot to snapshot",
	 "find what starts these goroutines and why they never return"},
};

void report_ci_rule(const group *g, report_ci_rule_info *r)
{
	size_t i;

	/* the first leak diagnosis names the cause best; a healthy one only
	 * says what the group is, not why it is flagged */
	for (i = 0; i < g->ndiags; i++) {
		const rules_diag *dg = g->diags[i];

		if (!dg->healthy) {
			r->id = dg->name;
			r->text = dg->cause;
			r->help = dg->fix;
			return;
		}
	}
	for (i = 0; i < sizeof reason_rules / sizeof reason_rules[0]; i++) {
		if (g->reasons & reason_rules[i].bit) {
			r->id = reason_rules[i].id;
			r->text = reason_rules[i].text;
			r->help = reason_rules[i].help;
			return;
		}
	}
	r->id = "leak/other";
	r->text = "a probable goroutine leak";
	r->help = "find what these goroutines wait for";
}

/* A path printed by -trimpath or a Windows-less relative one. */
static int is_absolute(const char *p)
{
	if (p[0] == '/' || p[0] == '\\')
		return 1;
	/* C:/... or c:\... */
	return ((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) &&
	       p[1] == ':' && (p[2] == '/' || p[2] == '\\');
}

/* The part of p after the last occurrence of marker, or NULL. */
static const char *after_last(const char *p, const char *marker)
{
	const char *hit = NULL, *q = p;
	size_t n = strlen(marker);

	while ((q = strstr(q, marker)) != NULL) {
		hit = q + n;
		q++;
	}
	return hit;
}

/* 1 if the path element at p (up to '/') has a dot: a module host such as
 * github.com or example.com, the first element of a GOPATH import path. */
static int host_like(const char *p)
{
	size_t n = strcspn(p, "/");

	return n > 2 && memchr(p, '.', n) != NULL && p[n] == '/';
}

/* Where the module part of an absolute path starts, or NULL: the module
 * cache, or a GOPATH src tree whose first element is a host. */
static const char *module_part(const char *p)
{
	const char *m = after_last(p, "/pkg/mod/");

	if (m && *m)
		return m;
	m = after_last(p, "/src/");
	if (m && host_like(m))
		return m;
	return NULL;
}

/* The Go tree's own files: never a user's. */
static int in_goroot(const char *p)
{
	const char *m = after_last(p, "/src/");

	return m && strstr(p, "/go/src/") != NULL && !host_like(m);
}

void report_ci_root(const group_dump *d, report_ci_root_info *r)
{
	size_t i, j;

	r->prefix = NULL;
	r->len = 0;
	for (i = 0; i < d->ngroups; i++) {
		const group *g = d->groups[i];

		for (j = 0; j <= g->nframes; j++) {
			const group_frame *f =
				j < g->nframes ? &g->frames[j] : &g->created_by;
			const char *slash;
			size_t k;

			if (f->func == NULL || f->file == NULL ||
			    !group_frame_is_user(f) || !is_absolute(f->file) ||
			    module_part(f->file) || in_goroot(f->file))
				continue;
			if (r->prefix == NULL) {
				slash = strrchr(f->file, '/');
				r->prefix = f->file;
				r->len = slash ? (size_t)(slash - f->file) + 1 : 0;
				continue;
			}
			for (k = 0; k < r->len && f->file[k] == r->prefix[k];
			     k++)
				;
			/* back to the end of the last whole directory */
			while (k > 0 && r->prefix[k - 1] != '/')
				k--;
			r->len = k;
		}
	}
	/* "/" alone is no root worth stripping */
	if (r->len <= 1)
		r->len = 0;
}

const char *report_ci_path(const char *file, const report_ci_root_info *root)
{
	const char *m;

	if (!is_absolute(file))
		return file;
	if ((m = module_part(file)) != NULL)
		return m;
	if (root->len && strncmp(file, root->prefix, root->len) == 0 &&
	    file[root->len])
		return file + root->len;
	/* nothing known: a URI without the leading slash */
	while (*file == '/')
		file++;
	return file;
}

/* Elements of the module path a package path pkg needs before any
 * directory: 3 on the hosts whose paths are host/owner/repo, 2 on another
 * host (a first element with a dot), 1 for a module named without one. */
static size_t module_min(const char *pkg, size_t n)
{
	static const char *const three[] = {"github.com/", "gitlab.com/",
					    "bitbucket.org/"};
	size_t first = strcspn(pkg, "/");

	for (size_t i = 0; i < sizeof three / sizeof three[0]; i++)
		if (n > strlen(three[i]) &&
		    strncmp(pkg, three[i], strlen(three[i])) == 0)
			return 3;
	return first < n && memchr(pkg, '.', first) ? 2 : 1;
}

const char *report_ci_frame_path(const group_frame *f,
				 const report_ci_root_info *root)
{
	const char *fn = f->func, *file = f->file, *slash, *dot, *d, *p;
	size_t pkglen, nel = 1, k = 0, min;

	if (file == NULL)
		return NULL;
	if (fn == NULL || !is_absolute(file) || module_part(file))
		return report_ci_path(file, root);
	/* the standard library under GOROOT: as -trimpath prints it */
	if (!group_frame_is_user(f) && (p = after_last(file, "/src/")) &&
	    *p)
		return p;
	/* the package path: up to the first '.' after the last '/' before
	 * a receiver or type parameters */
	pkglen = strcspn(fn, "([");
	for (slash = NULL, p = fn; p < fn + pkglen; p++)
		if (*p == '/')
			slash = p;
	dot = memchr(slash ? slash : fn, '.',
		     pkglen - (size_t)((slash ? slash : fn) - fn));
	if (slash == NULL || dot == NULL)
		return report_ci_path(file, root);
	pkglen = (size_t)(dot - fn);
	for (p = fn; p < fn + pkglen; p++)
		nel += *p == '/';
	/* the package's directory ends in as many of the package path's last
	 * elements as the module does not hold: match them from the end */
	if ((d = strrchr(file, '/')) == NULL) /* C:\... */
		return report_ci_path(file, root);
	p = fn + pkglen;
	while (d > file && p > fn) {
		const char *ds = d, *ps = p;
		size_t dl, pl;

		while (ds > file && ds[-1] != '/')
			ds--;
		while (ps > fn && ps[-1] != '/')
			ps--;
		dl = (size_t)(d - ds);
		pl = (size_t)(p - ps);
		if (dl != pl || memcmp(ds, ps, dl) != 0)
			break;
		k++;
		if (ds == file || ps == fn)
			break;
		d = ds - 1;
		p = ps - 1;
	}
	min = module_min(fn, pkglen);
	if (k == 0 || nel < min)
		return report_ci_path(file, root);
	if (k > nel - min)
		k = nel - min;
	/* the module root is the directory k levels above the file's */
	for (d = strrchr(file, '/'); k > 0 && d > file; k--) {
		d--;
		while (d > file && *d != '/')
			d--;
	}
	return d[0] == '/' && d[1] ? d + 1 : report_ci_path(file, root);
}

const group_frame *report_ci_location(const group *g)
{
	size_t i;

	for (i = 0; i < g->nframes; i++)
		if (g->frames[i].file && group_frame_is_user(&g->frames[i]))
			return &g->frames[i];
	if (g->created_by.func && g->created_by.file)
		return &g->created_by;
	for (i = 0; i < g->nframes; i++)
		if (g->frames[i].file)
			return &g->frames[i];
	return NULL;
}

void report_ci_summary(const group *g, const group_dump *d,
		       const group_opts *o, char *buf, size_t len)
{
	const group_frame *at = report_ci_location(g);
	char why[256], mins[32];
	size_t n = 0;
	int first = 1;

#define PUT(...)                                                            \
	do {                                                                \
		int w_ = snprintf(buf + n, len - n, __VA_ARGS__);           \
		if (w_ > 0)                                                 \
			n += (size_t)w_ < len - n ? (size_t)w_ : len - n - 1; \
	} while (0)

	if (len == 0)
		return;
	buf[0] = 0;
	PUT("%llu goroutine%s %s", (unsigned long long)g->count,
	    g->count == 1 ? "" : "s", category_name(g->cat));
	if (g->state[0] && strcmp(g->state, category_name(g->cat)) != 0)
		PUT(" \"%s\"", g->state);
	report_minutes(g, mins, sizeof mins);
	if (mins[0])
		PUT(", %s minutes", mins);
	PUT(": ");
	for (size_t i = 0; i < report_nreason_bits; i++) {
		unsigned bit = report_reason_bits[i];

		if (!(g->reasons & bit))
			continue;
		group_reason_text(g, bit, d, o, why, sizeof why);
		PUT("%s%s", first ? "" : "; ", why);
		first = 0;
	}
	if (at)
		PUT("; at %s", at->func);
	if (g->created_by.func && at != &g->created_by)
		PUT(", created by %s", g->created_by.func);
	PUT(" (fingerprint %s)", g->fingerprint);
#undef PUT
	/* control bytes from a noisy log never reach a CI system */
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}
