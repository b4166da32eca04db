/*
 * rules.c - loads *.rules files (format: patterns/README.md) into a rule
 * set; rules_eval.c evaluates it against groups and heap sites.
 *
 * Every pattern is compiled once at load time (JIT when the library has it)
 * and all matches share one match_data, so a rule set is not thread-safe:
 * use one per thread.
 */
#define _POSIX_C_SOURCE 200809L /* opendir, stat */

#include "rules_priv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Condition keys as written in a rule file. */
static const char *const key_names[] = {
	[K_STATE] = "state", [K_FRAME] = "frame",     [K_TOP] = "top",
	[K_CREATED] = "created", [K_FILE] = "file", [K_STACK] = "stack",
};
#define NKEYS (sizeof key_names / sizeof key_names[0])

/* ---------------------------------------------------------------- lists */

static void list_push(rule_list *l, rule *r)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = gt_realloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = r;
}

static void rule_free(rule *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nconds; i++)
		pcre2_code_free(r->conds[i].re);
	free(r->conds);
	free(r->name);
	free(r->file);
	free(r->cause);
	free(r->fix);
	free(r);
}

static void list_clear(rule_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		rule_free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static const rule *list_find_diag(const rule_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i]->name, name) == 0)
			return l->v[i];
	return NULL;
}

/* ------------------------------------------------------------ rule sets */

/* PCRE2 allocates through gt_malloc, so running out of memory behaves as
 * everywhere else in gtriage instead of surfacing as a "bad pattern". */
static void *pcre_alloc(size_t n, void *ud)
{
	(void)ud;
	return gt_malloc(n);
}

static void pcre_free(void *p, void *ud)
{
	(void)ud;
	free(p);
}

rules *rules_new(void)
{
	rules *r = gt_calloc(1, sizeof *r);

	r->gctx = pcre2_general_context_create(pcre_alloc, pcre_free, NULL);
	r->cctx = pcre2_compile_context_create(r->gctx);
	/* one ovector pair is enough: rules only ask "does it match" */
	r->md = pcre2_match_data_create(1, r->gctx);
	return r;
}

void rules_free(rules *r)
{
	if (!r)
		return;
	list_clear(&r->cats);
	list_clear(&r->diags);
	pcre2_match_data_free(r->md);
	pcre2_compile_context_free(r->cctx);
	pcre2_general_context_free(r->gctx);
	free(r->scratch);
	free(r);
}

size_t rules_count(const rules *r)
{
	return r ? r->cats.n + r->diags.n : 0;
}

/* -------------------------------------------------------------- parsing */

typedef struct parser {
	const char *name; /* file name for messages */
	rule_list cats, diags; /* parsed but not yet committed */
	rule *cur;
	pcre2_compile_context *cctx;
	gt_err *e;
} parser;

typedef struct view {
	const char *p;
	size_t n;
} view;

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static view trim(view v)
{
	while (v.n && is_space(v.p[0]))
		v.p++, v.n--;
	while (v.n && is_space(v.p[v.n - 1]))
		v.n--;
	return v;
}

/* Splits off the first whitespace-separated word of v. */
static view next_word(view *v)
{
	view w = {v->p, 0};

	while (w.n < v->n && !is_space(v->p[w.n]))
		w.n++;
	v->p += w.n;
	v->n -= w.n;
	*v = trim(*v);
	return w;
}

static int eq(view v, const char *s)
{
	return strlen(s) == v.n && memcmp(v.p, s, v.n) == 0;
}

/* Reports "file:line: message". */
static int perr(parser *ps, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(parser *ps, unsigned line, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return gt_errf(ps->e, "%s:%u: %s", ps->name, line, msg);
}

/* Checks the rule being closed: every rule needs something to match on,
 * every diagnosis a cause and a fix. */
static int finish_rule(parser *ps)
{
	rule *r = ps->cur;
	const rule *dup;

	ps->cur = NULL;
	if (!r)
		return GT_OK;
	if (!r->is_diag) {
		list_push(&ps->cats, r); /* owned by the list from here on */
		if (!r->nconds)
			return perr(ps, r->line, "category rule '%s' has no conditions",
				    r->name);
		return GT_OK;
	}
	dup = list_find_diag(&ps->diags, r->name);
	list_push(&ps->diags, r);
	if (r->heap && (r->cats || r->have_min_count || r->have_min_minutes ||
			r->have_leak_at || r->have_healthy ||
			r->have_blind_leak_at))
		return perr(ps, r->line,
			    "heap diagnosis '%s' takes none of category, "
			    "min-count, min-minutes, leak-at, blind-leak-at, "
			    "healthy",
			    r->name);
	if (r->have_blind_leak_at &&
	    (!r->diag.leak_at || r->diag.blind_leak_at < r->diag.leak_at))
		return perr(ps, r->line,
			    "'blind-leak-at' needs a 'leak-at' no larger than "
			    "it in diagnosis '%s'",
			    r->name);
	if (!r->heap && (r->growing || r->have_min_object_size ||
			 r->have_min_objects || r->have_max_objects))
		return perr(ps, r->line,
			    "'growing', 'min-object-size', 'min-objects' and "
			    "'max-objects' need 'heap' in diagnosis '%s'",
			    r->name);
	if (!r->nconds && !r->cats && !r->min_count && !r->min_minutes &&
	    !r->growing && !r->min_object_size && !r->have_min_objects &&
	    !r->have_max_objects)
		return perr(ps, r->line, "diagnosis '%s' has no conditions",
			    r->name);
	if (!r->cause)
		return perr(ps, r->line, "diagnosis '%s' has no cause", r->name);
	if (!r->fix)
		return perr(ps, r->line, "diagnosis '%s' has no fix", r->name);
	if (dup)
		return perr(ps, r->line, "diagnosis '%s' already defined at %s:%u",
			    r->name, dup->file, dup->line);
	return GT_OK;
}

static rule *new_rule(parser *ps, unsigned line, int is_diag)
{
	rule *r = gt_calloc(1, sizeof *r);

	r->is_diag = is_diag;
	r->line = line;
	r->file = gt_strndup(ps->name, strlen(ps->name));
	r->cat = CAT_UNKNOWN;
	ps->cur = r;
	return r;
}

static int parse_number(parser *ps, unsigned line, view key, view val,
			uint64_t *out)
{
	char buf[32], *end;
	unsigned long long n;

	if (val.n == 0 || val.n >= sizeof buf || val.p[0] < '0' || val.p[0] > '9')
		goto bad;
	memcpy(buf, val.p, val.n);
	buf[val.n] = '\0';
	errno = 0;
	n = strtoull(buf, &end, 10);
	if (errno || *end)
		goto bad;
	*out = n;
	return GT_OK;
bad:
	return perr(ps, line, "bad number '%.*s' for '%.*s'", (int)val.n, val.p,
		    (int)key.n, key.p);
}

static int add_cond(parser *ps, unsigned line, view key, enum cond_key k,
		    int negate, view pat)
{
	rule *r = ps->cur;
	int code;
	PCRE2_SIZE off;
	pcre2_code *re;
	PCRE2_UCHAR msg[256];

	if (pat.n == 0)
		return perr(ps, line, "missing pattern after '%.*s'", (int)key.n,
			    key.p);
	re = pcre2_compile((PCRE2_SPTR)pat.p, pat.n, 0, &code, &off, ps->cctx);
	if (!re) {
		if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
			snprintf((char *)msg, sizeof msg, "error %d", code);
		return perr(ps, line, "bad pattern for '%.*s': %s at offset %zu",
			    (int)key.n, key.p, (char *)msg, (size_t)off);
	}
	/* JIT is an optimisation only: without it pcre2_match interprets */
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	r->conds = gt_realloc(r->conds, (r->nconds + 1) * sizeof *r->conds);
	r->conds[r->nconds].key = k;
	r->conds[r->nconds].negate = negate;
	r->conds[r->nconds].re = re;
	r->nconds++;
	return GT_OK;
}

/* The categories a diagnosis applies to; several lines add up. */
static int parse_categories(parser *ps, unsigned line, view val)
{
	if (val.n == 0)
		return perr(ps, line, "missing category after 'category'");
	while (val.n) {
		view w = next_word(&val);
		category c;

		if (category_parse(w.p, w.n, &c) != 0)
			return perr(ps, line, "unknown category '%.*s'", (int)w.n,
				    w.p);
		ps->cur->cats |= 1u << c;
	}
	return GT_OK;
}

/* "category NAME" or "diagnosis NAME" at the start of a rule. */
static int start_rule(parser *ps, unsigned line, int is_diag, view val)
{
	const char *what = is_diag ? "diagnosis" : "category";
	view w = next_word(&val);
	rule *r;
	char def[64];

	if (finish_rule(ps) != GT_OK)
		return GT_ERR;
	if (w.n == 0)
		return perr(ps, line, "missing name after '%s'", what);
	if (val.n) /* no trailing comments: '#' may be part of a pattern */
		return perr(ps, line, "unexpected '%.*s' after '%s %.*s'",
			    (int)val.n, val.p, what, (int)w.n, w.p);
	r = new_rule(ps, line, is_diag);
	if (is_diag) {
		r->name = gt_strndup(w.p, w.n);
		return GT_OK;
	}
	if (category_parse(w.p, w.n, &r->cat) != 0)
		return perr(ps, line, "unknown category '%.*s'", (int)w.n, w.p);
	snprintf(def, sizeof def, "%s-%u", category_name(r->cat), line);
	r->name = gt_strndup(def, strlen(def));
	return GT_OK;
}

/* cause, fix, healthy, min-count, min-minutes, leak-at, blind-leak-at */
static int parse_diag_key(parser *ps, unsigned line, view key, view val)
{
	rule *r = ps->cur;
	uint64_t n = 0;
	int *seen;

	if (eq(key, "heap") || eq(key, "growing")) {
		int *flag = eq(key, "heap") ? &r->heap : &r->growing;

		if (*flag)
			return perr(ps, line, "duplicate '%.*s'", (int)key.n, key.p);
		if (val.n)
			return perr(ps, line, "'%.*s' takes no value", (int)key.n,
				    key.p);
		*flag = 1;
		return GT_OK;
	}
	if (eq(key, "min-object-size") || eq(key, "min-objects") ||
	    eq(key, "max-objects")) {
		int *have = eq(key, "min-object-size") ? &r->have_min_object_size
			    : eq(key, "min-objects")   ? &r->have_min_objects
						       : &r->have_max_objects;
		uint64_t *v = eq(key, "min-object-size") ? &r->min_object_size
			      : eq(key, "min-objects")   ? &r->min_objects
							 : &r->max_objects;

		if (*have)
			return perr(ps, line, "duplicate '%.*s'", (int)key.n,
				    key.p);
		*have = 1;
		return parse_number(ps, line, key, val, v);
	}
	if (eq(key, "cause") || eq(key, "fix")) {
		char **dst = eq(key, "cause") ? &r->cause : &r->fix;

		if (*dst)
			return perr(ps, line, "duplicate '%.*s'", (int)key.n, key.p);
		if (val.n == 0)
			return perr(ps, line, "empty '%.*s'", (int)key.n, key.p);
		*dst = gt_strndup(val.p, val.n);
		return GT_OK;
	}
	seen = eq(key, "healthy")     ? &r->have_healthy
	       : eq(key, "min-count") ? &r->have_min_count
	       : eq(key, "leak-at")   ? &r->have_leak_at
	       : eq(key, "blind-leak-at") ? &r->have_blind_leak_at
				      : &r->have_min_minutes;
	if (*seen)
		return perr(ps, line, "duplicate '%.*s'", (int)key.n, key.p);
	*seen = 1;
	if (eq(key, "healthy"))
		return val.n ? perr(ps, line, "'healthy' takes no value") : GT_OK;
	if (parse_number(ps, line, key, val, &n) != GT_OK)
		return GT_ERR;
	if (eq(key, "min-count")) {
		r->min_count = n;
	} else if (eq(key, "leak-at")) {
		r->diag.leak_at = n;
	} else if (eq(key, "blind-leak-at")) {
		r->diag.blind_leak_at = n;
	} else {
		if (n > 100000000u) /* about 190 years */
			return perr(ps, line, "'min-minutes' is too large");
		r->min_minutes = (int)n;
	}
	return GT_OK;
}

static int parse_line(parser *ps, unsigned line, view raw)
{
	int indented = raw.n && is_space(raw.p[0]);
	view rest = trim(raw);
	view key, val;
	int negate;
	size_t k;

	if (rest.n == 0 || rest.p[0] == '#')
		return GT_OK;
	key = next_word(&rest);
	val = rest;

	/* Inside a diagnosis an indented "category" lists the categories it
	 * applies to; anywhere else "category" starts a category rule. */
	if (eq(key, "diagnosis"))
		return start_rule(ps, line, 1, val);
	if (eq(key, "category") && !(indented && ps->cur && ps->cur->is_diag))
		return start_rule(ps, line, 0, val);
	if (!ps->cur)
		return perr(ps, line, "'%.*s' outside a rule (start one with "
			    "'category' or 'diagnosis')", (int)key.n, key.p);

	negate = key.n > 4 && memcmp(key.p, "not-", 4) == 0;
	for (k = 0; k < NKEYS; k++) {
		view base = {key.p + 4 * negate, key.n - 4 * (size_t)negate};

		if (eq(base, key_names[k]))
			return add_cond(ps, line, key, (enum cond_key)k, negate, val);
	}
	if (eq(key, "name")) {
		if (ps->cur->is_diag)
			return perr(ps, line, "'name' is not used in a diagnosis "
				    "(its name follows 'diagnosis')");
		if (val.n == 0 || memchr(val.p, ' ', val.n) ||
		    memchr(val.p, '\t', val.n))
			return perr(ps, line, "'name' needs exactly one word");
		free(ps->cur->name);
		ps->cur->name = gt_strndup(val.p, val.n);
		return GT_OK;
	}
	if (!eq(key, "category") && !eq(key, "cause") && !eq(key, "fix") &&
	    !eq(key, "min-count") && !eq(key, "min-minutes") &&
	    !eq(key, "leak-at") && !eq(key, "blind-leak-at") &&
	    !eq(key, "healthy") && !eq(key, "heap") &&
	    !eq(key, "growing") && !eq(key, "min-object-size") &&
	    !eq(key, "min-objects") && !eq(key, "max-objects"))
		return perr(ps, line, "unknown key '%.*s'", (int)key.n, key.p);
	if (!ps->cur->is_diag)
		return perr(ps, line, "'%.*s' is only valid in a diagnosis",
			    (int)key.n, key.p);
	if (eq(key, "category"))
		return parse_categories(ps, line, val);
	return parse_diag_key(ps, line, key, val);
}

/* Parses text into ps->cats / ps->diags; on error the caller discards them. */
static int parse_text(parser *ps, const char *text, size_t len)
{
	size_t pos = 0;
	unsigned line = 0;

	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3; /* a UTF-8 byte order mark some editors write */
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		view raw = {text + pos, end - pos};

		line++;
		if (parse_line(ps, line, raw) != GT_OK)
			return GT_ERR;
		pos = end + 1;
	}
	return finish_rule(ps);
}

/* Moves the parsed rules into the set. A diagnosis named like one already
 * in the set is dropped: earlier sets (the user's) override later ones. */
static void commit(rules *r, parser *ps)
{
	size_t i;

	for (i = 0; i < ps->cats.n; i++)
		list_push(&r->cats, ps->cats.v[i]);
	for (i = 0; i < ps->diags.n; i++) {
		rule *d = ps->diags.v[i];

		if (list_find_diag(&r->diags, d->name)) {
			rule_free(d);
			continue;
		}
		d->diag.name = d->name;
		d->diag.cause = d->cause;
		d->diag.fix = d->fix;
		d->diag.healthy = d->have_healthy;
		d->diag.file = d->file;
		d->diag.line = d->line;
		list_push(&r->diags, d);
	}
	free(ps->cats.v);
	free(ps->diags.v);
	memset(&ps->cats, 0, sizeof ps->cats);
	memset(&ps->diags, 0, sizeof ps->diags);
}

static void parser_discard(parser *ps)
{
	list_clear(&ps->cats);
	list_clear(&ps->diags);
	rule_free(ps->cur);
	ps->cur = NULL;
}

int rules_add_text(rules *r, const char *name, const char *text, size_t len,
		   gt_err *e)
{
	parser ps = {.name = name, .cctx = r->cctx, .e = e};

	if (parse_text(&ps, text, len) != GT_OK) {
		parser_discard(&ps);
		return GT_ERR;
	}
	commit(r, &ps);
	return GT_OK;
}

/* ---------------------------------------------------------------- files */

/* Far above any hand-written rule set; a path to something endless
 * (/dev/zero, a log by mistake) stops here instead of at memory's end. */
#define RULES_FILE_MAX (16u << 20)

static int read_file(const char *path, char **out, size_t *len, gt_err *e)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	size_t n = 0, cap;
	int status = GT_ERR;

	if (fd < 0)
		return gt_errf(e, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		gt_errf(e, "%s: cannot open: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		gt_errf(e, "%s: not a regular file (a rule file is a *.rules "
			   "file or a directory of them)", path);
		goto out;
	}
	if (st.st_size > (off_t)RULES_FILE_MAX) {
		gt_errf(e, "%s: %lld bytes: too large for a rule file (at most "
			   "16 MiB)", path, (long long)st.st_size);
		goto out;
	}
	/* one byte more than the limit tells a file that grew since */
	cap = (size_t)st.st_size + 1;
	buf = gt_malloc(cap);
	for (;;) {
		ssize_t got;

		if (n == cap) {
			if (cap > RULES_FILE_MAX) {
				gt_errf(e, "%s: too large for a rule file (at "
					   "most 16 MiB)", path);
				goto out;
			}
			cap = cap * 2 > RULES_FILE_MAX + 1 ? RULES_FILE_MAX + 1
							   : cap * 2;
			buf = gt_realloc(buf, cap);
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			gt_errf(e, "%s: read error: %s", path, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	*out = buf;
	*len = n;
	buf = NULL;
	status = GT_OK;
out:
	free(buf);
	close(fd);
	return status;
}

static int parse_file(parser *ps, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	int status;

	if (read_file(path, &text, &len, ps->e) != GT_OK)
		return GT_ERR;
	ps->name = path;
	status = parse_text(ps, text, len);
	free(text);
	return status;
}

static int has_rules_suffix(const char *s)
{
	size_t n = strlen(s);

	return n > 6 && strcmp(s + n - 6, ".rules") == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the *.rules files of a directory, sorted by name. */
static int list_dir(const char *dir, char ***out, size_t *count, gt_err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;

	if (!d)
		return gt_errf(e, "%s: cannot open: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !has_rules_suffix(de->d_name))
			continue;
		v = gt_realloc(v, (n + 1) * sizeof *v);
		v[n++] = gt_strndup(de->d_name, strlen(de->d_name));
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof *v, cmp_str);
	*out = v;
	*count = n;
	return GT_OK;
}

int rules_add_path(rules *r, const char *path, gt_err *e)
{
	parser ps = {.name = path, .cctx = r->cctx, .e = e};
	struct stat st;
	char **names = NULL;
	size_t n = 0, i;
	int status = GT_ERR;

	if (stat(path, &st) != 0)
		return gt_errf(e, "%s: cannot open: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		status = parse_file(&ps, path);
		goto out;
	}
	if (list_dir(path, &names, &n, e) != GT_OK)
		return GT_ERR;
	for (i = 0; i < n; i++) {
		size_t dl = strlen(path);
		int slash = dl && path[dl - 1] == '/';
		char *full = gt_malloc(dl + strlen(names[i]) + 2);

		sprintf(full, "%s%s%s", path, slash ? "" : "/", names[i]);
		status = parse_file(&ps, full);
		free(full); /* each rule keeps its own copy of the name */
		ps.name = path;
		if (status != GT_OK)
			goto out;
	}
	status = GT_OK;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (status == GT_OK)
		commit(r, &ps);
	else
		parser_discard(&ps);
	return status;
}
