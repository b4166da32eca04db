/*
 * evidence.c - per-group evidence gathered while a dump is read (resolved
 * when it ends, evidence_resolve.c): ages, ids, parents, wait objects.
 *
 * The wait object comes from the receiver or first argument of the frame
 * that blocks (runtime.chanrecv1, sync.(*Mutex).Lock, ...), read from the
 * argument words the parser keeps. Argument addresses of non-runtime frames
 * go into one open-addressing table per dump that remembers, for each
 * address, the first two groups that showed it (a third marks it common:
 * globals link nothing) and the first goroutine that held it outside a
 * wait on it: the probable holder of a contended lock.
 */
#include "evidence_priv.h"

#include <stdlib.h>
#include <string.h>

#include "common.h"

/* ---- argument words ---------------------------------------------------- */

static const char *const kind_names[EVIDENCE_OBJ__COUNT] = {
	"none", "select", "chan", "mutex", "rwmutex",
	"waitgroup", "cond", "sema", "poll", "object"};

const char *evidence_obj_kind_name(evidence_obj_kind k)
{
	return (unsigned)k < EVIDENCE_OBJ__COUNT ? kind_names[k] : "none";
}

/* Parses a "0x..." word at s; returns the bytes used, 0 if not hex. */
static size_t hex_word(const char *s, size_t n, uint64_t *out)
{
	size_t i = 2;
	uint64_t v = 0;

	if (n < 3 || s[0] != '0' || s[1] != 'x')
		return 0;
	for (; i < n && i < 18; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else
			break;
		v = v << 4 | d;
	}
	if (i == 2)
		return 0;
	*out = v;
	return i;
}

/* Heap, stack and global addresses on 64-bit systems: above the first
 * 64 KiB (small integers, lengths, flags) and below 2^48 (no negative
 * numbers or hashes that fill 64 bits). */
static int pointer_like(uint64_t v)
{
	return v >= 0x10000 && v < (1ull << 48);
}

evidence_arg evidence_first_arg(const char *args, size_t len, uint64_t *out)
{
	size_t k;

	*out = 0;
	while (len && *args == ' ') {
		args++;
		len--;
	}
	if (len >= 3 && memcmp(args, "...", 3) == 0)
		return EVIDENCE_ARG_INLINED;
	k = hex_word(args, len, out);
	if (k == 0 || !pointer_like(*out)) {
		*out = 0;
		return EVIDENCE_ARG_NONE;
	}
	return k < len && args[k] == '?' ? EVIDENCE_ARG_IMPRECISE
					 : EVIDENCE_ARG_OK;
}

/* ---- the blocking frame ------------------------------------------------ */

typedef struct wait_frame {
	const char *func;
	evidence_obj_kind kind;
	int prio; /* the sync type's own method names the object best */
	size_t len;
} wait_frame;

#define WF(name, kind, prio) {name, EVIDENCE_OBJ_##kind, prio, sizeof name - 1}

static const wait_frame wait_frames[] = {
	WF("sync.(*Mutex).Lock", MUTEX, 3),
	WF("sync.(*Mutex).lockSlow", MUTEX, 3),
	WF("internal/sync.(*Mutex).Lock", MUTEX, 3),
	WF("internal/sync.(*Mutex).lockSlow", MUTEX, 3),
	WF("sync.(*RWMutex).Lock", RWMUTEX, 3),
	WF("sync.(*RWMutex).RLock", RWMUTEX, 3),
	WF("sync.(*WaitGroup).Wait", WAITGROUP, 3),
	WF("sync.(*Cond).Wait", COND, 3),
	WF("runtime.chanrecv1", CHAN, 2),
	WF("runtime.chanrecv2", CHAN, 2),
	WF("runtime.chansend1", CHAN, 2),
	WF("runtime.chanrecv", CHAN, 2),
	WF("runtime.chansend", CHAN, 2),
	WF("runtime.selectgo", SELECT, 2),
	WF("runtime.block", SELECT, 2),
	WF("internal/poll.runtime_pollWait", POLL, 1),
	WF("sync.runtime_Semacquire", SEMA, 1),
	WF("sync.runtime_SemacquireMutex", SEMA, 1),
	WF("sync.runtime_SemacquireRWMutex", SEMA, 1),
	WF("sync.runtime_SemacquireRWMutexR", SEMA, 1),
	WF("sync.runtime_SemacquireWaitGroup", SEMA, 1),
	WF("internal/sync.runtime_SemacquireMutex", SEMA, 1),
	WF("sync.runtime_notifyListWait", SEMA, 1),
};

#undef WF

static int has_prefix(const parse_frame *f, const char *p, size_t n)
{
	return f->func_len >= n && memcmp(f->func, p, n) == 0;
}

/* The frames a wait goes through before user code: the runtime, sync and
 * internal packages (poll, sync). */
static int wait_path(const parse_frame *f)
{
	return has_prefix(f, "runtime.", 8) || has_prefix(f, "sync.", 5) ||
	       has_prefix(f, "internal/", 9);
}

/* The wait frames of a stack, innermost first: up to EVIDENCE_WAIT_MAX
 * pairs of frame index and wait_frames[] index. */
static size_t find_wait_frames(const parse_frame *frames, size_t n,
			       uint16_t *out)
{
	size_t i, j, k = 0;

	for (i = 0; i < n && wait_path(&frames[i]) && k < EVIDENCE_WAIT_MAX;
	     i++) {
		const parse_frame *f = &frames[i];

		for (j = 0; j < sizeof wait_frames / sizeof wait_frames[0]; j++)
			if (f->func_len == wait_frames[j].len &&
			    memcmp(f->func, wait_frames[j].func, f->func_len) == 0) {
				out[2 * k] = (uint16_t)i;
				out[2 * k + 1] = (uint16_t)j;
				k++;
				break;
			}
	}
	return k;
}

/* A sync wait whose own frames show no address: the fast paths of Lock,
 * RLock and Cond.Wait are inlined ("...") and register-ABI frames often
 * print a dead "0x0?". The lock is then nearly always a field of the
 * receiver of the first frame past the wait (c.mu.Lock() in a method of
 * c), so that receiver stands for it: the same for every waiter on one
 * lock, and the address a holder's frames show. */
static int sync_kind(evidence_obj_kind k)
{
	return k == EVIDENCE_OBJ_MUTEX || k == EVIDENCE_OBJ_RWMUTEX ||
	       k == EVIDENCE_OBJ_WAITGROUP || k == EVIDENCE_OBJ_COND;
}

static void caller_object(const parse_frame *frames, size_t n,
			  const uint16_t *w, size_t nw, uint64_t *addr,
			  evidence_arg *how)
{
	size_t i = nw ? (size_t)w[2 * (nw - 1)] + 1 : n;
	uint64_t v;
	evidence_arg a;

	while (i < n && wait_path(&frames[i]))
		i++;
	if (i >= n)
		return;
	a = evidence_first_arg(frames[i].args, frames[i].args_len, &v);
	if (v) {
		*addr = v;
		*how = a;
	}
}

/* Picks the wait object among the wait frames found: the highest rank
 * wins, and among frames of one rank a readable address beats an inlined
 * "...". */
static evidence_obj_kind choose_wait(const parse_frame *frames, size_t n,
				     const uint16_t *w, size_t nw,
				     uint64_t *addr, evidence_arg *how)
{
	evidence_obj_kind kind = EVIDENCE_OBJ_NONE;
	int best = 0;
	size_t k;

	*addr = 0;
	*how = EVIDENCE_ARG_NONE;
	for (k = 0; k < nw; k++) {
		const parse_frame *f = &frames[w[2 * k]];
		const wait_frame *wf = &wait_frames[w[2 * k + 1]];
		uint64_t v;
		evidence_arg a;

		if (wf->prio < best)
			continue;
		if (wf->kind == EVIDENCE_OBJ_SELECT) {
			/* several channels: no single object */
			if (wf->prio > best) {
				kind = wf->kind;
				best = wf->prio;
				*addr = 0;
				*how = EVIDENCE_ARG_NONE;
			}
			continue;
		}
		a = evidence_first_arg(f->args, f->args_len, &v);
		if (wf->prio > best || (*addr == 0 && v != 0 && kind == wf->kind)) {
			kind = wf->kind;
			*addr = v;
			*how = a;
			best = wf->prio;
		}
	}
	if (sync_kind(kind) && *addr == 0)
		caller_object(frames, n, w, nw, addr, how);
	return kind;
}

evidence_obj_kind evidence_wait_object(const parse_frame *frames, size_t n,
				       uint64_t *addr, evidence_arg *how)
{
	uint16_t w[2 * EVIDENCE_WAIT_MAX];
	size_t nw = find_wait_frames(frames, n, w);

	return choose_wait(frames, n, w, nw, addr, how);
}

/* ---- the dump-wide tables ---------------------------------------------- */

evidence_dump *evidence_dump_new(void)
{
	return gt_calloc(1, sizeof(evidence_dump));
}

evidence_dump *evidence_dump_new_chunk(void)
{
	evidence_dump *ed = evidence_dump_new();

	ed->chunk = 1;
	return ed;
}

static void log_note(evidence_dump *ed, int kind, uint64_t v, uint32_t seq,
		     uint64_t nth)
{
	note *n;

	if (ed->nlog == ed->log_cap) {
		ed->log_cap = ed->log_cap ? ed->log_cap * 2 : 1024;
		ed->log = gt_realloc(ed->log, ed->log_cap * sizeof *ed->log);
	}
	n = &ed->log[ed->nlog++];
	n->v = v;
	n->seq = seq;
	n->kind = (uint16_t)kind;
	n->nth = (uint16_t)nth;
}

void evidence_dump_free(evidence_dump *ed)
{
	if (ed == NULL)
		return;
	free(ed->slots);
	free(ed->ids);
	free(ed->alive);
	free(ed->log);
	free(ed);
}

void evidence_dump_ids(const evidence_dump *ed, uint64_t *min, uint64_t *max)
{
	*min = ed ? ed->id_min : 0;
	*max = ed ? ed->id_max : 0;
}

void evidence_free(evidence *ev)
{
	free(ev->sample);
	ev->sample = NULL;
	ev->nsample = ev->sample_cap = 0;
}

static size_t slot_of(uint64_t key, size_t mask)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	return (size_t)key & mask;
}


static void addr_grow(evidence_dump *ed)
{
	addr_slot *old = ed->slots;
	size_t n = ed->nslots, i;

	ed->nslots = n ? n * 2 : 1024;
	ed->slots = gt_calloc(ed->nslots, sizeof *ed->slots);
	ed->used = 0;
	for (i = 0; i < n; i++)
		if (old[i].key) {
			addr_slot *s = addr_find(ed, old[i].key, 1);

			*s = old[i];
		}
	free(old);
}

addr_slot *addr_find(evidence_dump *ed, uint64_t key, int insert)
{
	size_t mask, i;

	if (insert && (ed->used + 1) * 2 > ed->nslots) {
		if (ed->nslots >= EVIDENCE_ADDR_MAX) {
			ed->full = 1;
			insert = 0;
		} else {
			addr_grow(ed);
		}
	}
	if (ed->nslots == 0)
		return NULL;
	mask = ed->nslots - 1;
	for (i = slot_of(key, mask);; i = (i + 1) & mask) {
		addr_slot *s = &ed->slots[i];

		if (s->key == key)
			return s;
		if (s->key == 0) {
			if (!insert)
				return NULL;
			s->key = key;
			ed->used++;
			return s;
		}
	}
}

/* Goroutine id of group seq showed key; waiting says it waits on it. */
void addr_note(evidence_dump *ed, uint64_t key, uint32_t seq,
		      uint64_t id, int waiting)
{
	addr_slot *s;
	uint32_t g = seq + 1;

	if (ed->chunk) {
		log_note(ed, waiting ? NOTE_ARG_WAIT : NOTE_ARG, key, seq, 0);
		return;
	}
	if ((s = addr_find(ed, key, 1)) == NULL)
		return;
	if (s->hits < UINT32_MAX)
		s->hits++;
	if (s->g1 == NO_GROUP)
		s->g1 = g;
	else if (s->g1 != g && s->g2 == NO_GROUP)
		s->g2 = g;
	else if (s->g1 != g && s->g2 != g)
		s->g2 = MANY_GROUPS;
	if (!waiting && s->holder_seq == 0 && id) {
		s->holder_id = id;
		s->holder_seq = g;
	}
}

#define NOTE_FRAMES 16

/* Notes every pointer-like argument word of the goroutine's non-runtime
 * frames once (the same pointer is often passed down a few frames). */
static void note_args(evidence_dump *ed, const parse_goroutine *g,
		      uint32_t seq, uint64_t wait_obj)
{
	uint64_t seen[16];
	size_t nseen = 0, i, used = 0;

	/* the innermost frames hold what the goroutine works on (its
	 * connection, its lock); deep stacks repeat it further down */
	for (i = 0; i < g->nframes && !ed->full && used < NOTE_FRAMES; i++) {
		const parse_frame *f = &g->frames[i];
		const char *s = f->args, *end = f->args + f->args_len;

		if (f->args_len == 0 || has_prefix(f, "runtime.", 8))
			continue;
		used++;
		if (ed->chunk) /* the merge checks the table is not full here */
			log_note(ed, NOTE_FRAME, 0, seq, 0);
		while (s < end) {
			uint64_t v;
			size_t k = hex_word(s, (size_t)(end - s), &v), j;

			if (k == 0) {
				s++;
				continue;
			}
			s += k;
			if (!pointer_like(v))
				continue;
			for (j = 0; j < nseen && seen[j] != v; j++)
				;
			if (j < nseen)
				continue;
			if (nseen < sizeof seen / sizeof seen[0])
				seen[nseen++] = v;
			addr_note(ed, v, seq, g->id, v == wait_obj);
		}
	}
}

static void list_add(evidence_dump *ed, uint64_t id)
{
	if (ed->nids == ed->ids_cap) {
		ed->ids_cap = ed->ids_cap ? ed->ids_cap * 2 : 256;
		ed->ids = gt_realloc(ed->ids, ed->ids_cap * sizeof *ed->ids);
	}
	ed->ids[ed->nids++] = id;
}

/* The bitmap grew too sparse: its ids go to the list, in order. */
static void to_list(evidence_dump *ed)
{
	size_t i;

	for (i = 0; i < ed->alive_len; i++)
		for (unsigned b = 0; b < 8; b++)
			if (ed->alive[i] >> b & 1)
				list_add(ed, ed->alive_base + 8 * i + b);
	free(ed->alive);
	ed->alive = NULL;
	ed->alive_len = 0;
	ed->sparse = 1;
}

/* Makes the bitmap cover id; 0 when that would make it larger than the
 * list it stands for (with 64 KiB of slack for small dumps). */
int alive_cover(evidence_dump *ed, uint64_t id)
{
	uint64_t lo = id & ~(uint64_t)7, hi = lo + 8, limit;
	size_t len, cap;
	unsigned char *n;

	if (ed->alive) {
		lo = lo < ed->alive_base ? lo : ed->alive_base;
		if (ed->alive_base + 8 * (uint64_t)ed->alive_len > hi)
			hi = ed->alive_base + 8 * (uint64_t)ed->alive_len;
	}
	limit = 8 * (ed->noted + 1);
	limit = limit > 65536 ? limit : 65536;
	if ((hi - lo) / 8 > limit)
		return 0;
	len = (size_t)((hi - lo) / 8);
	/* room to grow upwards, where new ids come from */
	cap = ed->alive_len * 2 > len ? ed->alive_len * 2 : len;
	if (cap > limit)
		cap = limit > len ? (size_t)limit : len;
	n = gt_calloc(cap, 1);
	if (ed->alive)
		memcpy(n + (ed->alive_base - lo) / 8, ed->alive, ed->alive_len);
	free(ed->alive);
	ed->alive = n;
	ed->alive_base = lo;
	ed->alive_len = cap;
	return 1;
}

void id_note(evidence_dump *ed, uint64_t id)
{
	ed->noted++;
	if (!ed->sparse) {
		if (ed->alive && id >= ed->alive_base &&
		    (id - ed->alive_base) / 8 < ed->alive_len) {
			uint64_t k = id - ed->alive_base;

			ed->alive[k >> 3] |= (unsigned char)(1u << (k & 7));
			return;
		}
		if (alive_cover(ed, id)) {
			uint64_t k = id - ed->alive_base;

			ed->alive[k >> 3] |= (unsigned char)(1u << (k & 7));
			return;
		}
		to_list(ed);
	}
	list_add(ed, id);
}

static void put_sample(evidence_sample *s, const parse_goroutine *g,
		       uint64_t obj, uint64_t order)
{
	s->id = g->id;
	s->parent = g->created_in;
	s->obj = obj;
	s->minutes = g->minutes;
	s->order = order;
}

/* The sample is the goroutines of the group whose ids hash lowest (ties,
 * a repeated id, go to the earlier): uniform over the group, and the same
 * whether the dump is read whole or in chunks whose samples are merged. */
static int sample_less(const evidence_sample *a, const evidence_sample *b)
{
	uint64_t x = sample_key(a->id), y = sample_key(b->id);

	return x != y ? x < y : a->order < b->order;
}

/* Once full the sample is a max-heap: the root is the first to go. The
 * element sifted down waits in a hole rather than being swapped. */
static void sift_down(evidence_sample *v, size_t n, size_t i)
{
	evidence_sample t = v[i];

	for (;;) {
		size_t l = 2 * i + 1, m;

		if (l >= n)
			break;
		m = l + 1 < n && sample_less(&v[l], &v[l + 1]) ? l + 1 : l;
		if (!sample_less(&t, &v[m]))
			break;
		v[i] = v[m];
		i = m;
	}
	v[i] = t;
}

void sample_offer(evidence *ev, const evidence_sample *x, size_t keep)
{
	if (keep == 0 || ev->nsample < keep) {
		if (ev->nsample == ev->sample_cap) {
			ev->sample_cap = ev->sample_cap ? ev->sample_cap * 2 : 4;
			if (keep && ev->sample_cap > keep)
				ev->sample_cap = keep;
			ev->sample = gt_realloc(ev->sample,
						ev->sample_cap * sizeof *ev->sample);
		}
		ev->sample[ev->nsample++] = *x;
		if (keep && ev->nsample == keep)
			for (size_t i = keep / 2; i-- > 0;)
				sift_down(ev->sample, keep, i);
		return;
	}
	if (sample_less(x, &ev->sample[0])) {
		ev->sample[0] = *x;
		sift_down(ev->sample, ev->nsample, 0);
	}
}

void evidence_add(evidence_dump *ed, evidence *ev, uint32_t seq,
		  const parse_goroutine *g, size_t keep)
{
	evidence_obj_kind kind;
	evidence_arg how;
	uint64_t obj;
	int record = !(g->flags & PARSE_G_RECORD);

	/* the wait frames are found once per group (its goroutines share
	 * the stack); each goroutine only has its arguments read */
	if (ev->count == 0)
		ev->nwait = (unsigned char)find_wait_frames(g->frames, g->nframes,
							    ev->wait);
	kind = choose_wait(g->frames, g->nframes, ev->wait, ev->nwait, &obj,
			   &how);
	/* a default traceback hides the runtime's frames: a channel wait
	 * shows only the function that blocked, whose first pointer argument
	 * (receiver, closure) tells whether the goroutines work for one
	 * object or each for its own */
	if (kind == EVIDENCE_OBJ_NONE && g->nframes && g->state_len >= 6 &&
	    (memcmp(g->state, "chan ", 5) == 0 ||
	     memcmp(g->state, "select", 6) == 0) &&
	    !has_prefix(&g->frames[0], "runtime.", 8)) {
		kind = EVIDENCE_OBJ_OWNER;
		how = evidence_first_arg(g->frames[0].args,
					 g->frames[0].args_len, &obj);
	}
	if (ev->count == 0)
		ev->obj_kind = kind;
	ev->count += g->count;
	if (g->minutes >= 0)
		ev->nminutes += g->count;
	if (g->created_in)
		ev->nparent += g->count;
	if (obj)
		ev->nobj += g->count;
	if (how == EVIDENCE_ARG_IMPRECISE)
		ev->obj_imprecise += g->count;
	else if (how == EVIDENCE_ARG_INLINED)
		ev->obj_inlined += g->count;
	else if (obj == 0 && kind > EVIDENCE_OBJ_SELECT)
		ev->obj_noargs += g->count;
	if (!record || g->id == 0)
		return;
	if (ev->id_min == 0 || g->id < ev->id_min)
		ev->id_min = g->id;
	if (g->id > ev->id_max)
		ev->id_max = g->id;
	if (ed->id_min == 0 || g->id < ed->id_min)
		ed->id_min = g->id;
	if (g->id > ed->id_max)
		ed->id_max = g->id;
	if (!ev->saturated || sample_key(g->id) < ev->cut) {
		evidence_sample x;

		put_sample(&x, g, obj, ev->nseen);
		sample_offer(ev, &x, keep);
	}
	ev->nseen++;
	ev->keep = keep;
	id_note(ed, g->id);
	/* an owner is held, not waited on: it may be the lock others wait on */
	if (kind == EVIDENCE_OBJ_OWNER)
		obj = 0;
	/* addresses of the first goroutines of each group are enough to tell
	 * what it shares; past them a large group costs no more */
	if (ev->nseen > EVIDENCE_SAMPLE || ev->saturated)
		return;
	if (ed->chunk)
		log_note(ed, NOTE_G, g->id, seq, ev->nseen);
	if (obj)
		addr_note(ed, obj, seq, g->id, 1);
	if (g->created_in)
		addr_note(ed, PARENT_KEY | g->created_in, seq, 0, 1);
	note_args(ed, g, seq, obj);
}
