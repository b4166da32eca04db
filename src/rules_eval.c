/*
 * rules_eval.c - evaluates a loaded rule set against a goroutine group or a
 * heap allocation site: categories (first match wins) and diagnoses (all).
 *
 * Subjects derived from the frames (the first non-runtime frame, the whole
 * stack as text) are built lazily, once per evaluation.
 */
#include "rules_priv.h"

#include <string.h>

typedef struct eval {
	const rules *r;
	const rules_subject *s;
	int top_done;
	const rules_frame *top; /* NULL: every frame is in the runtime */
	int stack_done;
	size_t stack_len;
} eval;

/* 1 match, 0 no match, -1 match error (e.g. a resource limit). */
static int match(const eval *ev, pcre2_code *re, const char *p, size_t n)
{
	int rc;

	if (!p)
		p = ""; /* PCRE2 before 10.43 rejects a NULL subject */
	rc = pcre2_match(re, (PCRE2_SPTR)p, n, 0, 0, ev->r->md, NULL);
	if (rc >= 0)
		return 1; /* 0 only means the ovector was too small */
	return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

static int has_prefix(const char *p, size_t n, const char *pre)
{
	size_t k = strlen(pre);

	return n >= k && memcmp(p, pre, k) == 0;
}

/* Frames of package runtime itself: "top" skips them. */
static int is_runtime_frame(const rules_frame *f)
{
	return has_prefix(f->func, f->func_len, "runtime.") ||
	       has_prefix(f->func, f->func_len, "runtime/internal/") ||
	       has_prefix(f->func, f->func_len, "internal/runtime/");
}

static const rules_frame *top_frame(eval *ev)
{
	size_t i;

	if (!ev->top_done) {
		ev->top_done = 1;
		ev->top = NULL;
		for (i = 0; i < ev->s->nframes; i++) {
			if (ev->s->frames[i].func &&
			    !is_runtime_frame(&ev->s->frames[i])) {
				ev->top = &ev->s->frames[i];
				break;
			}
		}
	}
	return ev->top;
}

/* All frame functions, innermost first, joined with "\n". */
static const char *stack_text(eval *ev, size_t *len)
{
	rules *r = (rules *)ev->r; /* scratch space only */
	const rules_subject *s = ev->s;
	size_t i, need = 1, pos = 0;

	if (!ev->stack_done) {
		for (i = 0; i < s->nframes; i++)
			need += s->frames[i].func_len + 1;
		if (need > r->scratch_cap) {
			r->scratch = gt_realloc(r->scratch, need);
			r->scratch_cap = need;
		}
		for (i = 0; i < s->nframes; i++) {
			if (i)
				r->scratch[pos++] = '\n';
			if (s->frames[i].func_len)
				memcpy(r->scratch + pos, s->frames[i].func,
				       s->frames[i].func_len);
			pos += s->frames[i].func_len;
		}
		r->scratch[pos] = '\0';
		ev->stack_len = pos;
		ev->stack_done = 1;
	}
	*len = ev->stack_len;
	return r->scratch;
}

/* Does any value of the condition's subject match? 1, 0, or -1 on a match
 * error. A missing subject (no created-by line, no file) never matches. */
static int cond_any(eval *ev, const cond *c)
{
	const rules_subject *s = ev->s;
	const rules_frame *f;
	size_t i, len;
	const char *p;
	int rc, err = 0;

	switch (c->key) {
	case K_STATE:
		return match(ev, c->re, s->state, s->state_len);
	case K_TOP:
		f = top_frame(ev);
		return f ? match(ev, c->re, f->func, f->func_len) : 0;
	case K_CREATED:
		f = s->created_by;
		return f && f->func ? match(ev, c->re, f->func, f->func_len) : 0;
	case K_STACK:
		p = stack_text(ev, &len);
		return match(ev, c->re, p, len);
	case K_FRAME:
	case K_FILE:
		for (i = 0; i < s->nframes; i++) {
			f = &s->frames[i];
			if (c->key == K_FRAME)
				rc = match(ev, c->re, f->func, f->func_len);
			else
				rc = f->file ? match(ev, c->re, f->file, f->file_len)
					     : 0;
			if (rc == 1)
				return 1;
			if (rc < 0)
				err = 1;
		}
		return err ? -1 : 0;
	}
	return -1;
}

/* All conditions hold. A match error makes its condition fail either way,
 * so an unlucky subject falls through to later rules instead of being
 * classified by accident. */
static int conds_hold(eval *ev, const rule *r)
{
	size_t i;

	for (i = 0; i < r->nconds; i++) {
		int any = cond_any(ev, &r->conds[i]);

		if (any < 0 || any == r->conds[i].negate)
			return 0;
	}
	return 1;
}

category rules_categorize(const rules *r, const rules_subject *s)
{
	eval ev = {.r = r, .s = s};
	size_t i;

	if (!r || !s)
		return CAT_UNKNOWN;
	for (i = 0; i < r->cats.n; i++)
		if (conds_hold(&ev, r->cats.v[i]))
			return r->cats.v[i]->cat;
	return CAT_UNKNOWN;
}

size_t rules_diagnose(const rules *r, const rules_subject *s, category cat,
		      const rules_diag **out, size_t max)
{
	eval ev = {.r = r, .s = s};
	size_t i, n = 0;

	if (!r || !s)
		return 0;
	for (i = 0; i < r->diags.n; i++) {
		const rule *d = r->diags.v[i];

		if (d->heap)
			continue;
		if (d->cats && ((unsigned)cat >= CAT__COUNT ||
				!(d->cats & (1u << cat))))
			continue;
		if (d->min_count && s->count < d->min_count)
			continue;
		/* max_minutes is -1 when no goroutine printed minutes */
		if (d->min_minutes && s->max_minutes < d->min_minutes)
			continue;
		if (!conds_hold(&ev, d))
			continue;
		if (n < max && out)
			out[n] = &d->diag;
		n++;
	}
	return n;
}

size_t rules_diagnose_heap(const rules *r, const rules_heap_site *site,
			   const rules_diag **out, size_t max)
{
	rules_subject s;
	eval ev = {.r = r, .s = &s};
	size_t i, n = 0;

	if (!r || !site)
		return 0;
	memset(&s, 0, sizeof s);
	s.state = "";
	s.frames = site->frames;
	s.nframes = site->nframes;
	s.max_minutes = -1;
	for (i = 0; i < r->diags.n; i++) {
		const rule *d = r->diags.v[i];

		if (!d->heap || (d->growing && !site->growing) ||
		    (d->min_object_size &&
		     site->object_size < d->min_object_size) ||
		    (d->have_min_objects && site->objects < d->min_objects) ||
		    (d->have_max_objects && site->objects > d->max_objects))
			continue;
		if (!conds_hold(&ev, d))
			continue;
		if (n < max && out)
			out[n] = &d->diag;
		n++;
	}
	return n;
}
