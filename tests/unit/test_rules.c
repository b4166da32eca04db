/*
 * test_rules.c - the rules engine (src/rules.c) and the built-in rules of
 * patterns/, loaded from the copy embedded at build time.
 *
 * Subjects reproduce stacks as Go 1.19 and Go 1.26 print them (pprof
 * debug=2, debug=1, GOTRACEBACK=system). Every string handed to the engine
 * is a view into a buffer with junk after it, never NUL-terminated, so the
 * engine must honour the lengths.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtin_rules.h"
#include "parse.h"
#include "rules.h"

/* ------------------------------------------------------------ subjects */

#define MAXF 32

typedef struct subj {
	char arena[8192];
	size_t used;
	rules_frame frames[MAXF];
	rules_frame created;
	rules_subject s;
} subj;

/* Copies s into the arena followed by junk, returns a view of it. */
static const char *put(subj *b, const char *s, size_t *len)
{
	static const char junk[] = "#junk(?)";
	size_t n = strlen(s);
	char *p = b->arena + b->used;

	assert_true(b->used + n + sizeof junk < sizeof b->arena);
	memcpy(p, s, n);
	memcpy(p + n, junk, sizeof junk - 1);
	b->used += n + sizeof junk - 1;
	*len = n;
	return p;
}

/* Frames are "func" or "func@file". */
static const rules_subject *mk(subj *b, const char *state, const char *created,
			       const char *const *funcs)
{
	size_t i;

	memset(b, 0, sizeof *b);
	b->s.state = put(b, state, &b->s.state_len);
	for (i = 0; funcs[i]; i++) {
		const char *at = strchr(funcs[i], '@');
		char fn[512];

		assert_true(i < MAXF);
		snprintf(fn, sizeof fn, "%.*s",
			 (int)(at ? (size_t)(at - funcs[i]) : strlen(funcs[i])),
			 funcs[i]);
		b->frames[i].func = put(b, fn, &b->frames[i].func_len);
		if (at)
			b->frames[i].file = put(b, at + 1, &b->frames[i].file_len);
		b->frames[i].line = 10;
	}
	b->s.frames = b->frames;
	b->s.nframes = i;
	if (created) {
		b->created.func = put(b, created, &b->created.func_len);
		b->s.created_by = &b->created;
	}
	b->s.count = 1;
	b->s.max_minutes = -1;
	b->s.id = 7;
	return &b->s;
}

#define FRAMES(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NOFRAMES ((const char *const[]){NULL})

/* -------------------------------------------------------------- fixture */

static rules *builtin_set(void)
{
	rules *r = rules_new();
	gt_err e = {{0}};
	size_t i;

	assert_non_null(r);
	for (i = 0; i < builtin_rules_count; i++) {
		int rc = rules_add_text(r, builtin_rules[i].name,
					builtin_rules[i].text,
					builtin_rules[i].len, &e);

		if (rc != GT_OK)
			fail_msg("%s", e.msg);
	}
	return r;
}

static int setup(void **state)
{
	*state = builtin_set();
	return 0;
}

static int teardown(void **state)
{
	rules_free(*state);
	return 0;
}

static int has_diag(const rules *r, const rules_subject *s, category c,
		    const char *name, const rules_diag **found)
{
	const rules_diag *d[64];
	size_t n = rules_diagnose(r, s, c, d, 64), i;

	assert_true(n <= 64);
	for (i = 0; i < n; i++) {
		if (strcmp(d[i]->name, name) == 0) {
			if (found)
				*found = d[i];
			return 1;
		}
	}
	return 0;
}

/* ----------------------------------------------------- loading, format */

static const char valid_text[] =
	"# a comment, then a blank line\n"
	"\n"
	"category mutex\n"
	"    name   my-mutex\n"
	"    state  ^semacquire$\n"
	"    frame  ^sync\\.\\(\\*Mutex\\)\\.Lock$\n"
	"\n"
	"diagnosis lock-held\n"
	"    category mutex rwmutex\n"
	"    category cond\n"
	"    frame    ^main\\.\n"
	"    min-count 3\n"
	"    cause    the lock is held   too long\n"
	"    fix      defer Unlock\t \n"
	"    leak-at  12\n"
	"    healthy\n"
	"category select\n"           /* not indented: a new category rule */
	"    frame ^main\\.loop$\n";

static void test_load_valid_text(void **state)
{
	rules *r = rules_new();
	gt_err e = {{0}};
	subj b;
	const rules_subject *s;
	const rules_diag *d[4];

	(void)state;
	assert_int_equal(rules_add_text(r, "t.rules", valid_text,
					strlen(valid_text), &e), GT_OK);
	assert_int_equal(rules_count(r), 3);
	assert_int_equal(rules_categorize(r, mk(&b, "", NULL, FRAMES("main.loop"))),
			 CAT_SELECT);

	s = mk(&b, "semacquire", NULL,
	       FRAMES("sync.runtime_SemacquireMutex", "sync.(*Mutex).lockSlow",
		      "sync.(*Mutex).Lock", "main.(*Store).Put"));
	assert_int_equal(rules_categorize(r, s), CAT_MUTEX);
	/* both conditions must hold */
	s = mk(&b, "semacquire", NULL, FRAMES("main.(*Store).Put"));
	assert_int_equal(rules_categorize(r, s), CAT_UNKNOWN);
	s = mk(&b, "select", NULL, FRAMES("sync.(*Mutex).Lock"));
	assert_int_equal(rules_categorize(r, s), CAT_UNKNOWN);

	s = mk(&b, "semacquire", NULL,
	       FRAMES("sync.(*Mutex).Lock", "main.(*Store).Put"));
	b.s.count = 3;
	assert_int_equal(rules_diagnose(r, s, CAT_MUTEX, d, 4), 1);
	assert_string_equal(d[0]->name, "lock-held");
	assert_string_equal(d[0]->cause, "the lock is held   too long");
	assert_string_equal(d[0]->fix, "defer Unlock");
	assert_int_equal(d[0]->leak_at, 12);
	assert_int_equal(d[0]->healthy, 1);
	assert_string_equal(d[0]->file, "t.rules");
	assert_int_equal(d[0]->line, 8);
	/* the category lines add up */
	assert_int_equal(rules_diagnose(r, s, CAT_COND, d, 4), 1);
	assert_int_equal(rules_diagnose(r, s, CAT_SELECT, d, 4), 0);
	/* min-count */
	b.s.count = 2;
	assert_int_equal(rules_diagnose(r, s, CAT_MUTEX, d, 4), 0);
	rules_free(r);
}

/* A byte order mark, CRLF line ends; '#' and spaces inside a pattern
 * belong to it. */
static void test_crlf_and_hash(void **state)
{
	static const char good[] =
		"\xEF\xBB\xBF"
		"category select\r\n"
		"\tframe ^a#b c$\r\n"
		"\r\n";
	static const char bad[] =
		"category chan-send\r\n"
		"    name send-rule\r\n"
		"    state ^x$\r\n"
		"    frame (\r\n";
	rules *r = rules_new();
	gt_err e = {{0}};
	subj b;

	(void)state;
	assert_int_equal(rules_add_text(r, "crlf.rules", good, strlen(good), &e),
			 GT_OK);
	assert_int_equal(rules_count(r), 1);
	assert_int_equal(rules_categorize(r, mk(&b, "", NULL, FRAMES("a#b c"))),
			 CAT_SELECT);
	assert_int_equal(rules_categorize(r, mk(&b, "", NULL, FRAMES("a"))),
			 CAT_UNKNOWN);
	assert_int_equal(rules_add_text(r, "crlf.rules", bad, strlen(bad), &e),
			 GT_ERR);
	assert_string_equal(e.msg, "crlf.rules:4: bad pattern for 'frame': "
				   "missing closing parenthesis at offset 1");
	assert_int_equal(rules_count(r), 1);
	rules_free(r);
}

typedef struct err_case {
	const char *text;
	const char *msg;
} err_case;

static const err_case err_cases[] = {
	{"category mutex\n    frame ^(abc$\n",
	 "t.rules:2: bad pattern for 'frame': missing closing parenthesis at offset 6"},
	{"category mutex\n    state x\n    not-frame a[b\n",
	 "t.rules:3: bad pattern for 'not-frame': missing terminating ] for character class at offset 3"},
	{"\n\ncategory chan-recieve\n    state x\n",
	 "t.rules:3: unknown category 'chan-recieve'"},
	{"category mutex\n    state x\n\n\n\n\n\n\n    fram ^x$\n",
	 "t.rules:9: unknown key 'fram'"},
	{"category mutex\n    not-fram ^x$\n", "t.rules:2: unknown key 'not-fram'"},
	{"# header\n    frame ^x$\n",
	 "t.rules:2: 'frame' outside a rule (start one with 'category' or 'diagnosis')"},
	{"category mutex\n    name lonely\ncategory select\n    state x\n",
	 "t.rules:1: category rule 'lonely' has no conditions"},
	{"category select\n    state x\ncategory mutex\n",
	 "t.rules:3: category rule 'mutex-3' has no conditions"},
	{"diagnosis d\n    category mutex\n    fix f\n",
	 "t.rules:1: diagnosis 'd' has no cause"},
	{"diagnosis d\n    category mutex\n    cause c\n",
	 "t.rules:1: diagnosis 'd' has no fix"},
	{"diagnosis d\n    cause c\n    fix f\n",
	 "t.rules:1: diagnosis 'd' has no conditions"},
	{"diagnosis d\n    category mutex chan-recieve\n",
	 "t.rules:2: unknown category 'chan-recieve'"},
	{"diagnosis d\n    leak-at 1x\n", "t.rules:2: bad number '1x' for 'leak-at'"},
	{"diagnosis d\n    min-count -3\n",
	 "t.rules:2: bad number '-3' for 'min-count'"},
	{"diagnosis d\n    cause a\n    cause b\n", "t.rules:3: duplicate 'cause'"},
	{"diagnosis d\n    healthy yes\n", "t.rules:2: 'healthy' takes no value"},
	{"category mutex\n    cause c\n",
	 "t.rules:2: 'cause' is only valid in a diagnosis"},
	{"category mutex\n    frame\n", "t.rules:2: missing pattern after 'frame'"},
	{"category mutex # the lock\n    state x\n",
	 "t.rules:1: unexpected '# the lock' after 'category mutex'"},
	{"diagnosis\n", "t.rules:1: missing name after 'diagnosis'"},
	{"diagnosis d\n    name other\n",
	 "t.rules:2: 'name' is not used in a diagnosis (its name follows 'diagnosis')"},
	{"diagnosis d\n    state x\n    cause c\n    fix f\n"
	 "diagnosis d\n    state y\n    cause c\n    fix f\n",
	 "t.rules:5: diagnosis 'd' already defined at t.rules:1"},
};

static void test_errors(void **state)
{
	rules *r = rules_new();
	gt_err e;
	size_t i;
	subj b;
	static const char base[] = "category nil-chan\n    state ^zzz$\n";

	(void)state;
	assert_int_equal(rules_add_text(r, "base.rules", base, strlen(base), &e),
			 GT_OK);
	for (i = 0; i < sizeof err_cases / sizeof err_cases[0]; i++) {
		memset(&e, 0, sizeof e);
		assert_int_equal(rules_add_text(r, "t.rules", err_cases[i].text,
						strlen(err_cases[i].text), &e),
				 GT_ERR);
		assert_string_equal(e.msg, err_cases[i].msg);
		/* on error the set is unchanged */
		assert_int_equal(rules_count(r), 1);
	}
	assert_int_equal(rules_categorize(r, mk(&b, "zzz", NULL, NOFRAMES)),
			 CAT_NIL_CHAN);
	/* a NULL gt_err is allowed */
	assert_int_equal(rules_add_text(r, "t.rules", "x\n", 2, NULL), GT_ERR);
	rules_free(r);
}

/* Rules before the error in the same text are not added either. */
static void test_error_is_atomic(void **state)
{
	static const char text[] =
		"category select\n    frame ^main\\.loop$\n"
		"diagnosis loopy\n    category select\n    cause c\n    fix f\n"
		"category mutex\n    frame (\n";
	rules *r = rules_new();
	gt_err e;
	subj b;
	const rules_subject *s = mk(&b, "", NULL, FRAMES("main.loop"));

	(void)state;
	assert_int_equal(rules_add_text(r, "t.rules", text, strlen(text), &e),
			 GT_ERR);
	assert_int_equal(rules_count(r), 0);
	assert_int_equal(rules_categorize(r, s), CAT_UNKNOWN);
	assert_int_equal(rules_diagnose(r, s, CAT_SELECT, NULL, 0), 0);
	rules_free(r);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void remove_files(const char *dir, const char *const *names)
{
	char path[512];
	size_t i;

	for (i = 0; names[i]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void test_add_path(void **state)
{
	char dir[] = "/tmp/gtriage-rules-XXXXXX";
	char path[600], want[700];
	rules *r = rules_new();
	gt_err e;
	subj b;
	const rules_subject *s;
	static const char *const names[] = {"20-b.rules", "10-a.rules",
					    "notes.txt", "30-c.rules", NULL};

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* both match; name order makes 10-a.rules win */
	write_file(dir, "20-b.rules", "category select\n    frame ^main\\.x$\n");
	write_file(dir, "10-a.rules", "category chan-send\n    frame ^main\\.x$\n");
	write_file(dir, "notes.txt", "not a rules file (\n");

	s = mk(&b, "", NULL, FRAMES("main.x"));
	assert_int_equal(rules_add_path(r, dir, &e), GT_OK);
	assert_int_equal(rules_count(r), 2);
	assert_int_equal(rules_categorize(r, s), CAT_CHAN_SEND);

	/* a single file */
	rules_free(r);
	r = rules_new();
	snprintf(path, sizeof path, "%s/20-b.rules", dir);
	assert_int_equal(rules_add_path(r, path, &e), GT_OK);
	assert_int_equal(rules_count(r), 1);
	assert_int_equal(rules_categorize(r, s), CAT_SELECT);

	/* an error in one file of a directory: nothing of it is added */
	write_file(dir, "30-c.rules", "category mutex\n    state ok\n    frame a{2,1}\n");
	assert_int_equal(rules_add_path(r, dir, &e), GT_ERR);
	snprintf(want, sizeof want,
		 "%s/30-c.rules:3: bad pattern for 'frame': numbers out of order "
		 "in {} quantifier at offset 5", dir);
	assert_string_equal(e.msg, want);
	assert_int_equal(rules_count(r), 1);
	assert_int_equal(rules_categorize(r, s), CAT_SELECT);

	/* a missing path */
	snprintf(path, sizeof path, "%s/missing.rules", dir);
	assert_int_equal(rules_add_path(r, path, &e), GT_ERR);
	snprintf(want, sizeof want, "%s: cannot open: No such file or directory",
		 path);
	assert_string_equal(e.msg, want);
	assert_int_equal(rules_count(r), 1);

	remove_files(dir, names);
	rules_free(r);
}

/* Something endless or blocking named as a rule file is refused at once:
 * a device, a FIFO (also as an entry of a rules directory), a file over
 * the 16 MiB cap. */
static void test_add_path_not_regular(void **state)
{
	rules *r = rules_new();
	char dir[] = "/tmp/gtriage-rules-XXXXXX", path[256], sub[256];
	gt_err e;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(rules_add_path(r, "/dev/zero", &e), GT_ERR);
	assert_string_equal(e.msg, "/dev/zero: not a regular file (a rule file "
				   "is a *.rules file or a directory of them)");

	snprintf(path, sizeof path, "%s/x.rules", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(rules_add_path(r, path, &e), GT_ERR);
	assert_non_null(strstr(e.msg, "not a regular file"));
	/* the FIFO as an entry of a directory */
	assert_int_equal(rules_add_path(r, dir, &e), GT_ERR);
	assert_non_null(strstr(e.msg, "x.rules: not a regular file"));
	unlink(path);

	/* one byte over the cap (sparse: costs no disk) */
	snprintf(sub, sizeof sub, "%s/big.rules", dir);
	f = fopen(sub, "w");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), (16 << 20) + 1), 0);
	fclose(f);
	assert_int_equal(rules_add_path(r, sub, &e), GT_ERR);
	assert_non_null(strstr(e.msg, "too large for a rule file"));
	/* the same file emptied is read: the size was refused, not the name */
	f = fopen(sub, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(rules_add_path(r, sub, &e), GT_OK);
	unlink(sub);
	rmdir(dir);
	assert_int_equal(rules_count(r), 0);
	rules_free(r);
}

/* Files of a directory are read in name order, whatever order the file
 * system lists them in: ten diagnoses must come back sorted. */
static void test_add_path_name_order(void **state)
{
	static const char *const names[] = {
		"07-g.rules", "02-b.rules", "09-i.rules", "05-e.rules", "01-a.rules",
		"10-j.rules", "04-d.rules", "08-h.rules", "03-c.rules", "06-f.rules",
		NULL};
	char dir[] = "/tmp/gtriage-order-XXXXXX";
	rules *r = rules_new();
	const rules_diag *d[10];
	gt_err e;
	subj b;
	char text[128];
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (i = 0; names[i]; i++) {
		snprintf(text, sizeof text,
			 "diagnosis %.4s\n    category mutex\n    cause c\n    fix f\n",
			 names[i]);
		write_file(dir, names[i], text);
	}
	assert_int_equal(rules_add_path(r, dir, &e), GT_OK);
	assert_int_equal(rules_diagnose(r, mk(&b, "x", NULL, NOFRAMES), CAT_MUTEX,
					d, 10), 10);
	for (i = 0; i < 10; i++) {
		char want[8];

		snprintf(want, sizeof want, "%02zu-%c", i + 1, (int)('a' + i));
		assert_string_equal(d[i]->name, want);
	}
	remove_files(dir, names);
	rules_free(r);
}

/* ----------------------------------------------------- built-in rules */

static void test_builtin_embedded(void **state)
{
	rules *r = *state;
	size_t i;

	assert_true(builtin_rules_count >= 3);
	for (i = 0; i < builtin_rules_count; i++) {
		assert_int_equal(strncmp(builtin_rules[i].name, "patterns/", 9), 0);
		assert_int_equal(strlen(builtin_rules[i].text), builtin_rules[i].len);
		if (i)
			assert_true(strcmp(builtin_rules[i - 1].name,
					   builtin_rules[i].name) < 0);
	}
	assert_true(rules_count(r) > 40);
}

/* The embedded copy is the files under patterns/ byte for byte (checked
 * when the test runs from the repository root, as make check does). */
static void test_builtin_matches_files(void **state)
{
	size_t i;
	rules *r = rules_new();
	gt_err e;
	struct stat st;

	(void)state;
	if (stat("patterns", &st) != 0) {
		rules_free(r);
		skip();
	}
	for (i = 0; i < builtin_rules_count; i++) {
		FILE *f = fopen(builtin_rules[i].name, "rb");
		char *buf = malloc(builtin_rules[i].len + 2);
		size_t n;

		assert_non_null(f);
		n = fread(buf, 1, builtin_rules[i].len + 1, f);
		fclose(f);
		assert_int_equal(n, builtin_rules[i].len);
		assert_memory_equal(buf, builtin_rules[i].text, n);
		free(buf);
	}
	assert_int_equal(rules_add_path(r, "patterns", &e), GT_OK);
	assert_int_equal(rules_count(r), rules_count(*state));
	rules_free(r);
}

typedef struct cat_case {
	const char *what;
	const char *state;
	const char *created;
	const char *const *frames;
	category want;
} cat_case;

static const cat_case cat_cases[] = {
	/* ---- Go 1.19, pprof debug=2 ---- */
	{"1.19 dump writer", "running", NULL,
	 FRAMES("runtime/pprof.writeGoroutineStacks", "runtime/pprof.writeGoroutine",
		"runtime/pprof.(*Profile).WriteTo", "main.main"),
	 CAT_RUNNING},
	{"1.19 Mutex.Lock", "semacquire", "main.main",
	 FRAMES("sync.runtime_SemacquireMutex", "sync.(*Mutex).lockSlow",
		"sync.(*Mutex).Lock", "main.(*Store).Put"),
	 CAT_MUTEX},
	{"1.19 RWMutex.RLock", "semacquire", "main.main",
	 FRAMES("sync.runtime_SemacquireMutex", "sync.(*RWMutex).RLock",
		"main.(*Store).Get"),
	 CAT_RWMUTEX},
	{"1.19 RWMutex.Lock", "semacquire", "main.main",
	 FRAMES("sync.runtime_SemacquireMutex", "sync.(*Mutex).lockSlow",
		"sync.(*Mutex).Lock", "sync.(*RWMutex).Lock", "main.(*Store).Set",
		"main.main.func1"),
	 CAT_RWMUTEX},
	{"1.19 WaitGroup.Wait", "semacquire", "main.main",
	 FRAMES("sync.runtime_Semacquire", "sync.(*WaitGroup).Wait", "main.wgWait"),
	 CAT_WAITGROUP},
	{"1.19 fdMutex", "semacquire", "main.main",
	 FRAMES("internal/poll.runtime_Semacquire", "internal/poll.(*fdMutex).rwlock",
		"internal/poll.(*FD).writeLock", "internal/poll.(*FD).Write",
		"os.(*File).write", "os.(*File).Write", "main.fileWrite"),
	 CAT_SEMAPHORE},
	{"1.19 woken Cond.Wait relocking", "semacquire", "main.main",
	 FRAMES("sync.runtime_SemacquireMutex", "sync.(*Mutex).lockSlow",
		"sync.(*Mutex).Lock", "sync.(*Cond).Wait", "main.condWait"),
	 CAT_MUTEX},
	{"1.19 Cond.Wait", "sync.Cond.Wait", "main.main",
	 FRAMES("sync.runtime_notifyListWait", "sync.(*Cond).Wait", "main.condWait"),
	 CAT_COND},
	{"1.19 chan send", "chan send", "main.main", FRAMES("main.sendWorker"),
	 CAT_CHAN_SEND},
	{"1.19 chan receive", "chan receive", "main.main", FRAMES("main.recvWorker"),
	 CAT_CHAN_RECEIVE},
	{"1.19 nil chan receive", "chan receive (nil chan)", "main.main",
	 FRAMES("main.nilRecv"), CAT_NIL_CHAN},
	{"1.19 nil chan send", "chan send (nil chan)", "main.main",
	 FRAMES("main.nilSend"), CAT_NIL_CHAN},
	{"1.19 select", "select", "main.main", FRAMES("main.selWorker"), CAT_SELECT},
	{"1.19 select {}", "select (no cases)", "main.main", FRAMES("main.forever"),
	 CAT_SELECT_FOREVER},
	{"1.19 sleep", "sleep", "main.main", FRAMES("time.Sleep", "main.sleeper"),
	 CAT_SLEEP},
	{"1.19 accept", "IO wait", "main.main",
	 FRAMES("internal/poll.runtime_pollWait", "internal/poll.(*pollDesc).wait",
		"internal/poll.(*pollDesc).waitRead", "internal/poll.(*FD).Accept",
		"net.(*netFD).accept", "net.(*TCPListener).accept",
		"net.(*TCPListener).Accept", "net/http.(*Server).Serve",
		"net/http.Serve"),
	 CAT_IO_WAIT},
	{"1.19 signal loop", "syscall", "os/signal.Notify.func1.1",
	 FRAMES("os/signal.signal_recv", "os/signal.loop"), CAT_SYSCALL},
	{"1.19 runnable fd writer", "runnable", "main.main",
	 FRAMES("internal/poll.runtime_Semacquire", "internal/poll.(*fdMutex).rwlock",
		"main.fileWrite"),
	 CAT_RUNNABLE},
	{"preempted", "preempted", "main.main", FRAMES("main.busy"), CAT_RUNNABLE},
	{"1.19 http readLoop body", "select", "net/http.(*Transport).dialConn",
	 FRAMES("net/http.(*persistConn).readLoop"), CAT_SELECT},
	/* ---- Go 1.26, pprof debug=2 ---- */
	{"1.26 Mutex.Lock", "sync.Mutex.Lock", "main.main",
	 FRAMES("internal/sync.runtime_SemacquireMutex",
		"internal/sync.(*Mutex).lockSlow", "internal/sync.(*Mutex).Lock",
		"sync.(*Mutex).Lock", "main.(*Store).Put"),
	 CAT_MUTEX},
	{"1.26 RWMutex.RLock", "sync.RWMutex.RLock", "main.main",
	 FRAMES("sync.runtime_SemacquireRWMutexR", "sync.(*RWMutex).RLock",
		"main.(*Store).Get"),
	 CAT_RWMUTEX},
	{"1.26 RWMutex.Lock queued on its Mutex", "sync.Mutex.Lock", "main.main",
	 FRAMES("internal/sync.runtime_SemacquireMutex",
		"internal/sync.(*Mutex).lockSlow", "internal/sync.(*Mutex).Lock",
		"sync.(*Mutex).Lock", "sync.(*RWMutex).Lock", "main.(*Store).Set"),
	 CAT_RWMUTEX},
	{"1.26 RWMutex.Lock", "sync.RWMutex.Lock", "main.main",
	 FRAMES("sync.runtime_SemacquireRWMutex", "sync.(*RWMutex).Lock",
		"main.(*Store).Set"),
	 CAT_RWMUTEX},
	{"1.26 WaitGroup.Wait", "sync.WaitGroup.Wait", "main.main",
	 FRAMES("sync.runtime_SemacquireWaitGroup", "sync.(*WaitGroup).Wait",
		"main.wgWait"),
	 CAT_WAITGROUP},
	{"1.26 durable chan receive, verbatim", "chan receive (durable)", "main.main",
	 FRAMES("main.recvWorker"), CAT_CHAN_RECEIVE},
	{"1.26 durable select, verbatim", "select (durable)", "main.main",
	 FRAMES("main.loop"), CAT_SELECT},
	{"1.26 durable WaitGroup", "sync.WaitGroup.Wait (durable)", "main.main",
	 FRAMES("sync.(*WaitGroup).Wait", "main.f"), CAT_WAITGROUP},
	{"1.26 synctest.Wait", "synctest.Wait", "main.TestX",
	 FRAMES("testing/synctest.Wait", "main.TestX"), CAT_WAITGROUP},
	{"1.26 context propagateCancel", "select", "context.(*cancelCtx).propagateCancel",
	 FRAMES("context.(*cancelCtx).propagateCancel.func2"), CAT_SELECT},
	{"waiting for cgo callback", "waiting for cgo callback", NULL,
	 FRAMES("main._Cfunc_run", "main.main"), CAT_SYSCALL},
	{"x/sync semaphore", "select", "main.main",
	 FRAMES("golang.org/x/sync/semaphore.(*Weighted).Acquire", "main.work"),
	 CAT_SEMAPHORE},
	/* ---- the runtime's own goroutines ---- */
	{"1.26 GOMAXPROCS updater", "GOMAXPROCS updater (idle)", "runtime.defaultGOMAXPROCSUpdateEnable",
	 FRAMES("runtime.gopark", "runtime.updateMaxProcsGoroutine", "runtime.goexit"),
	 CAT_RUNTIME},
	{"1.26 cleanup wait", "cleanup wait", "runtime.(*cleanupQueue).createGs",
	 FRAMES("runtime.gopark", "runtime.goparkunlock",
		"runtime.(*cleanupQueue).dequeue", "runtime.runCleanups"),
	 CAT_RUNTIME},
	{"1.26 weak to strong", "GC weak to strong wait", "main.main",
	 FRAMES("runtime.gopark", "weak.runtime_makeStrongFromWeak", "main.get"),
	 CAT_RUNTIME},
	{"1.19 GC worker", "GC worker (idle)", "runtime.gcBgMarkStartWorkers",
	 FRAMES("runtime.gopark", "runtime.gcBgMarkWorker", "runtime.goexit"),
	 CAT_RUNTIME},
	{"GC worker running", "running", "runtime.gcBgMarkStartWorkers",
	 FRAMES("runtime.gcBgMarkWorker"), CAT_RUNTIME},
	{"1.19 finalizer", "finalizer wait", "runtime.createfing",
	 FRAMES("runtime.gopark", "runtime.runfinq", "runtime.goexit"), CAT_RUNTIME},
	{"goroutine 0", "idle", NULL,
	 FRAMES("runtime.futex", "runtime.futexsleep", "runtime.notesleep",
		"runtime.mPark", "runtime.stopm", "runtime.findRunnable",
		"runtime.schedule", "runtime.park_m", "runtime.mcall"),
	 CAT_RUNTIME},
	{"ensureSigM (system traceback)", "select", "runtime.ensureSigM",
	 FRAMES("runtime.gopark", "runtime.selectgo", "runtime.ensureSigM.func1",
		"runtime.goexit"),
	 CAT_RUNTIME},
	{"trace advancer: runtime only, ends in goexit", "chan receive", NULL,
	 FRAMES("runtime.gopark", "runtime.chanrecv", "runtime.chanrecv1",
		"runtime.(*wakeableSleep).sleep",
		"runtime.(*traceAdvancerState).start.func1", "runtime.goexit"),
	 CAT_RUNTIME},
	{"runtime only, created by the runtime", "chan receive", "runtime.someStarter",
	 FRAMES("runtime.gopark", "runtime.chanrecv", "runtime.chanrecv1",
		"runtime.someLoop"),
	 CAT_RUNTIME},
	{"runtime-only debug=1 record", "", NULL,
	 FRAMES("runtime.gopark", "runtime.goparkunlock", "runtime.someLoop"),
	 CAT_RUNTIME},
	{"user stack cut after its runtime frames is not runtime", "chan receive",
	 "main.main", FRAMES("runtime.gopark", "runtime.chanrecv", "runtime.chanrecv1"),
	 CAT_CHAN_RECEIVE},
	{"panicking goroutine (system)", "running", NULL,
	 FRAMES("panic", "main.main", "runtime.main", "runtime.goexit"),
	 CAT_RUNNING},
	/* ---- pprof debug=1 records: no state ---- */
	{"debug=1 chanrecv1", "", NULL,
	 FRAMES("runtime.gopark", "runtime.chanrecv", "runtime.chanrecv1",
		"main.worker"),
	 CAT_CHAN_RECEIVE},
	{"debug=1 chanrecv2", "", NULL,
	 FRAMES("runtime.chanrecv2", "main.worker"), CAT_CHAN_RECEIVE},
	{"debug=1 chansend1", "", NULL,
	 FRAMES("runtime.gopark", "runtime.chansend", "runtime.chansend1",
		"main.producer"),
	 CAT_CHAN_SEND},
	{"debug=1 selectgo", "", NULL,
	 FRAMES("runtime.gopark", "runtime.selectgo", "main.loop"), CAT_SELECT},
	{"debug=1 block", "", NULL, FRAMES("runtime.gopark", "runtime.block",
					   "main.main"),
	 CAT_SELECT_FOREVER},
	{"debug=1 1.19 Mutex", "", NULL,
	 FRAMES("sync.runtime_SemacquireMutex", "sync.(*Mutex).lockSlow",
		"sync.(*Mutex).Lock", "main.(*Store).Put"),
	 CAT_MUTEX},
	{"debug=1 1.26 Mutex", "", NULL,
	 FRAMES("internal/sync.runtime_SemacquireMutex",
		"internal/sync.(*Mutex).lockSlow", "internal/sync.(*Mutex).Lock",
		"sync.(*Mutex).Lock", "main.(*Store).Put"),
	 CAT_MUTEX},
	{"debug=1 1.19 RLock", "", NULL,
	 FRAMES("sync.runtime_SemacquireMutex", "sync.(*RWMutex).RLock",
		"main.(*Store).Get"),
	 CAT_RWMUTEX},
	{"debug=1 1.19 WaitGroup", "", NULL,
	 FRAMES("sync.runtime_Semacquire", "sync.(*WaitGroup).Wait", "main.wgWait"),
	 CAT_WAITGROUP},
	{"debug=1 Cond", "", NULL,
	 FRAMES("sync.runtime_notifyListWait", "sync.(*Cond).Wait", "main.condWait"),
	 CAT_COND},
	{"debug=1 fdMutex", "", NULL,
	 FRAMES("internal/poll.runtime_Semacquire", "internal/poll.(*fdMutex).rwlock",
		"internal/poll.(*FD).writeLock", "internal/poll.(*FD).Write"),
	 CAT_SEMAPHORE},
	{"debug=1 pollWait", "", NULL,
	 FRAMES("internal/poll.runtime_pollWait", "internal/poll.(*pollDesc).wait",
		"internal/poll.(*FD).Read", "net.(*netFD).Read", "net.(*conn).Read",
		"main.handle"),
	 CAT_IO_WAIT},
	{"debug=1 sleep", "", NULL, FRAMES("time.Sleep", "main.sleeper"), CAT_SLEEP},
	{"debug=1 write syscall", "", NULL,
	 FRAMES("syscall.Syscall", "syscall.write", "syscall.Write",
		"internal/poll.ignoringEINTRIO", "internal/poll.(*FD).Write",
		"os.(*File).Write", "main.fileWrite"),
	 CAT_SYSCALL},
	{"debug=1 RawSyscall6 after hidden runtime frames", "", NULL,
	 FRAMES("syscall.RawSyscall6", "syscall.wait4", "os.(*Process).wait"),
	 CAT_SYSCALL},
	{"debug=1 signal loop", "", NULL,
	 FRAMES("os/signal.signal_recv", "os/signal.loop"), CAT_SYSCALL},
	{"debug=1 cgo call", "", NULL,
	 FRAMES("runtime.cgocall", "main._Cfunc_poll", "main.main"), CAT_SYSCALL},
	{"debug=1 1.26 dump writer", "", NULL,
	 FRAMES("runtime/pprof.writeRuntimeProfile", "runtime/pprof.writeGoroutine",
		"runtime/pprof.(*Profile).WriteTo", "main.main", "runtime.main"),
	 CAT_RUNNING},
	{"debug=1 1.19 dump writer", "", NULL,
	 FRAMES("runtime/pprof.runtime_goroutineProfileWithLabels",
		"runtime/pprof.writeRuntimeProfile", "runtime/pprof.writeGoroutine",
		"main.main"),
	 CAT_RUNNING},
	{"runtime.Stack caller", "", NULL,
	 FRAMES("runtime.Stack", "main.dump"), CAT_RUNNING},
	{"debug=1 writeLoop", "", NULL, FRAMES("net/http.(*persistConn).writeLoop"),
	 CAT_SELECT},
	{"debug=1 connectionOpener", "", NULL,
	 FRAMES("database/sql.(*DB).connectionOpener"), CAT_SELECT},
	{"debug=1 1.19 propagateCancel", "", NULL,
	 FRAMES("context.propagateCancel.func1"), CAT_SELECT},
	{"debug=1 plain chan op shows only user frames", "", NULL,
	 FRAMES("main.sendWorker"), CAT_UNKNOWN},
	{"no frames, no state", "", NULL, NOFRAMES, CAT_UNKNOWN},
	{"vague state, frames decide", "waiting", "main.main",
	 FRAMES("time.Sleep", "main.poll"), CAT_SLEEP},
	{"leaked state, frames decide", "leaked", "main.main",
	 FRAMES("runtime.gopark", "runtime.selectgo", "main.loop"), CAT_SELECT},
};

static void test_categorize_builtin(void **state)
{
	const rules *r = *state;
	size_t i;
	subj b;
	int seen[CAT__COUNT] = {0};

	for (i = 0; i < sizeof cat_cases / sizeof cat_cases[0]; i++) {
		const cat_case *c = &cat_cases[i];
		category got = rules_categorize(
			r, mk(&b, c->state, c->created, c->frames));

		if (got != c->want)
			fail_msg("%s: got %s, want %s", c->what, category_name(got),
				 category_name(c->want));
		seen[got] = 1;
	}
	/* every category is reachable from real stacks */
	for (i = 0; i < CAT__COUNT; i++)
		if (!seen[i])
			fail_msg("no case yields %s", category_name((category)i));
}

/* -------------------------------------------------- built-in diagnoses */

typedef struct diag_case {
	const char *name;
	int expect;         /* 1: reported, 0: not */
	const char *state;
	const char *created;
	const char *const *frames;
	uint64_t count;
	int minutes;
	category cat;       /* the subject's category, checked first */
} diag_case;

#define HANDLER_1_19(...) \
	FRAMES(__VA_ARGS__, "main.main.func2", "net/http.HandlerFunc.ServeHTTP", \
	       "net/http.serverHandler.ServeHTTP", "net/http.(*conn).serve")
#define MUTEX_1_19 "sync.runtime_SemacquireMutex", "sync.(*Mutex).lockSlow", \
		   "sync.(*Mutex).Lock"
#define CONN_READ_1_26 "internal/poll.runtime_pollWait", \
	"internal/poll.(*pollDesc).wait", "internal/poll.(*pollDesc).waitRead", \
	"internal/poll.(*FD).Read", "net.(*netFD).Read", "net.(*conn).Read"

static const diag_case diag_cases[] = {
	{"chan-send-no-receiver", 1, "chan send", "main.main",
	 FRAMES("main.sendWorker"), 60, -1, CAT_CHAN_SEND},
	{"chan-send-no-receiver", 0, "chan receive", "main.main",
	 FRAMES("main.recvWorker"), 60, -1, CAT_CHAN_RECEIVE},
	{"chan-receive-no-sender", 1, "chan receive", "main.main",
	 FRAMES("main.recvWorker"), 1, -1, CAT_CHAN_RECEIVE},
	{"chan-receive-no-sender", 0, "chan receive", "main.main",
	 FRAMES("main.tickLoop"), 1, -1, CAT_CHAN_RECEIVE},
	{"nil-channel", 1, "chan receive (nil chan)", "main.main",
	 FRAMES("main.nilRecv"), 1, -1, CAT_NIL_CHAN},
	{"nil-channel", 0, "chan receive", "main.main", FRAMES("main.nilRecv"), 1,
	 -1, CAT_CHAN_RECEIVE},
	{"select-forever-main", 1, "select (no cases)", NULL, FRAMES("main.main"), 1,
	 -1, CAT_SELECT_FOREVER},
	{"select-forever-main", 0, "select (no cases)", "main.main",
	 FRAMES("main.forever"), 1, -1, CAT_SELECT_FOREVER},
	{"select-forever", 1, "select (no cases)", "main.main",
	 FRAMES("main.forever"), 1, -1, CAT_SELECT_FOREVER},
	{"select-forever", 0, "select (no cases)", NULL, FRAMES("main.main"), 1, -1,
	 CAT_SELECT_FOREVER},
	{"ticker-not-stopped", 1, "chan receive", "main.(*Poller).Start",
	 FRAMES("main.(*Poller).tickLoop"), 5, -1, CAT_CHAN_RECEIVE},
	{"ticker-not-stopped", 1, "select", "github.com/acme/metrics.New",
	 FRAMES("github.com/acme/metrics.(*Reporter).runTicker"), 5, -1, CAT_SELECT},
	{"ticker-not-stopped", 0, "chan receive", "main.(*Poller).Start",
	 FRAMES("main.(*Poller).tickLoop"), 2, -1, CAT_CHAN_RECEIVE},
	{"ticker-not-stopped", 0, "select", "main.main",
	 FRAMES("github.com/acme/tickers/svc.(*S).run"), 5, -1, CAT_SELECT},
	{"ticker-not-stopped", 0, "chan receive", "main.main",
	 FRAMES("main.(*Desk).ticketWorker"), 5, -1, CAT_CHAN_RECEIVE},
	{"http-body-not-closed", 1, "select", "net/http.(*Transport).dialConn",
	 FRAMES("net/http.(*persistConn).readLoop"), 10, -1, CAT_SELECT},
	{"http-body-not-closed", 0, "select", "net/http.(*Transport).dialConn",
	 FRAMES("net/http.(*persistConn).readLoop"), 4, -1, CAT_SELECT},
	{"http-body-not-closed", 0, "IO wait", "net/http.(*Transport).dialConn",
	 FRAMES(CONN_READ_1_26, "net/http.(*persistConn).Read",
		"bufio.(*Reader).fill", "bufio.(*Reader).Peek",
		"net/http.(*persistConn).readLoop"),
	 10, -1, CAT_IO_WAIT},
	{"http-client-conns-piling", 1, "select", "net/http.(*Transport).dialConn",
	 FRAMES("net/http.(*persistConn).writeLoop"), 60, -1, CAT_SELECT},
	{"http-client-conns-piling", 0, "select", "net/http.(*Transport).dialConn",
	 FRAMES("net/http.(*persistConn).writeLoop"), 10, -1, CAT_SELECT},
	{"http-client-no-timeout", 1, "select", "main.main",
	 FRAMES("net/http.(*persistConn).roundTrip", "net/http.(*Transport).roundTrip",
		"net/http.(*Transport).RoundTrip", "net/http.send",
		"net/http.(*Client).send", "net/http.(*Client).do",
		"net/http.(*Client).Do", "main.fetch"),
	 1, 3, CAT_SELECT},
	{"http-client-no-timeout", 0, "select", "main.main",
	 FRAMES("net/http.(*persistConn).roundTrip", "main.fetch"), 1, -1,
	 CAT_SELECT},
	{"http-client-idle-conn", 1, "IO wait", "net/http.(*Transport).dialConn",
	 FRAMES(CONN_READ_1_26, "net/http.(*persistConn).Read",
		"bufio.(*Reader).fill", "bufio.(*Reader).Peek",
		"net/http.(*persistConn).readLoop"),
	 2, -1, CAT_IO_WAIT},
	{"http-client-write-loop", 1, "select", "net/http.(*Transport).dialConn",
	 FRAMES("net/http.(*persistConn).writeLoop"), 2, -1, CAT_SELECT},
	{"http-handler-stuck", 1, "semacquire", "net/http.(*Server).Serve",
	 HANDLER_1_19(MUTEX_1_19), 1, -1, CAT_MUTEX},
	{"http-handler-stuck", 1, "chan receive", "net/http.(*Server).Serve",
	 HANDLER_1_19("main.wait"), 1, -1, CAT_CHAN_RECEIVE},
	{"http-handler-stuck", 0, "select", "net/http.(*Server).Serve",
	 HANDLER_1_19("net/http.(*persistConn).roundTrip",
		      "net/http.(*Transport).roundTrip"),
	 1, -1, CAT_SELECT},
	{"http-handler-stuck", 0, "IO wait", "net/http.(*Server).Serve",
	 FRAMES(CONN_READ_1_26, "net/http.(*connReader).Read",
		"bufio.(*Reader).fill", "bufio.(*Reader).Peek",
		"net/http.(*conn).serve"),
	 1, -1, CAT_IO_WAIT},
	{"http-server-keepalive", 1, "IO wait", "net/http.(*Server).Serve",
	 FRAMES(CONN_READ_1_26, "net/http.(*connReader).Read",
		"bufio.(*Reader).fill", "bufio.(*Reader).Peek",
		"net/http.(*conn).serve"),
	 3, -1, CAT_IO_WAIT},
	{"http-server-no-idle-timeout", 1, "IO wait", "net/http.(*Server).Serve",
	 FRAMES(CONN_READ_1_26, "net/http.(*connReader).Read",
		"net/http.(*conn).readRequest", "net/http.(*conn).serve"),
	 3, 90, CAT_IO_WAIT},
	{"http-server-no-idle-timeout", 0, "IO wait", "net/http.(*Server).Serve",
	 FRAMES(CONN_READ_1_26, "net/http.(*connReader).Read",
		"net/http.(*conn).readRequest", "net/http.(*conn).serve"),
	 3, 9, CAT_IO_WAIT},
	{"http-server-background-read", 1, "IO wait",
	 "net/http.(*connReader).startBackgroundRead",
	 FRAMES(CONN_READ_1_26, "net/http.(*connReader).backgroundRead"), 1, -1,
	 CAT_IO_WAIT},
	{"http2-server-conn", 1, "select", "net/http.(*http2Server).ServeConn",
	 FRAMES("net/http.(*http2serverConn).serve",
		"net/http.(*http2Server).ServeConn"),
	 1, -1, CAT_SELECT},
	{"listener-accept", 1, "IO wait", "main.main",
	 FRAMES("internal/poll.runtime_pollWait", "internal/poll.(*pollDesc).wait",
		"internal/poll.(*pollDesc).waitRead", "internal/poll.(*FD).Accept",
		"net.(*netFD).accept", "net.(*TCPListener).accept",
		"net.(*TCPListener).Accept", "main.main.func3"),
	 1, -1, CAT_IO_WAIT},
	{"conn-read-no-deadline", 1, "IO wait", "main.serve",
	 FRAMES(CONN_READ_1_26, "bufio.(*Reader).ReadString", "main.handleConn"), 4,
	 7, CAT_IO_WAIT},
	{"conn-read-no-deadline", 0, "IO wait", "main.serve",
	 FRAMES(CONN_READ_1_26, "bufio.(*Reader).ReadString", "main.handleConn"), 4,
	 -1, CAT_IO_WAIT},
	{"conn-read-no-deadline", 0, "IO wait", "net/http.(*Server).Serve",
	 FRAMES(CONN_READ_1_26, "net/http.(*connReader).Read",
		"net/http.(*conn).serve"),
	 4, 7, CAT_IO_WAIT},
	{"conn-write-stuck", 1, "IO wait", "example.com/shop/internal/audit.(*Shipper).FlushAll",
	 FRAMES("internal/poll.runtime_pollWait", "internal/poll.(*pollDesc).wait",
		"internal/poll.(*pollDesc).waitWrite", "internal/poll.(*FD).Write",
		"net.(*netFD).Write", "net.(*conn).Write",
		"example.com/shop/internal/audit.(*Shipper).flush"),
	 3, -1, CAT_IO_WAIT},
	{"conn-write-stuck", 0, "IO wait", "main.serve",
	 FRAMES(CONN_READ_1_26, "main.handleConn"), 3, -1, CAT_IO_WAIT},
	{"sql-db-per-request", 1, "select", "database/sql.OpenDB",
	 FRAMES("database/sql.(*DB).connectionOpener"), 6, -1, CAT_SELECT},
	{"sql-db-per-request", 0, "select", "database/sql.OpenDB",
	 FRAMES("database/sql.(*DB).connectionOpener"), 1, -1, CAT_SELECT},
	{"grpc-client-per-request", 1, "select", "google.golang.org/grpc.newCCBalancerWrapper",
	 FRAMES("google.golang.org/grpc.(*ccBalancerWrapper).watcher"), 10, -1,
	 CAT_SELECT},
	{"grpc-client-per-request-transport", 0, "select",
	 "google.golang.org/grpc.newCCBalancerWrapper",
	 FRAMES("google.golang.org/grpc.(*ccBalancerWrapper).watcher"), 10, -1,
	 CAT_SELECT},
	{"grpc-client-per-request", 1, "select", "google.golang.org/grpc.(*addrConn).connect",
	 FRAMES("google.golang.org/grpc.(*addrConn).resetTransport"), 10, -1,
	 CAT_SELECT},
	{"grpc-client-per-request-transport", 1, "select",
	 "google.golang.org/grpc/internal/transport.newHTTP2Client",
	 FRAMES("google.golang.org/grpc/internal/transport.(*controlBuffer).get",
		"google.golang.org/grpc/internal/transport.(*loopyWriter).run",
		"google.golang.org/grpc/internal/transport.newHTTP2Client.func6"),
	 10, -1, CAT_SELECT},
	{"grpc-client-per-request-transport", 0, "select",
	 "google.golang.org/grpc/internal/transport.newHTTP2Client",
	 FRAMES("google.golang.org/grpc/internal/transport.(*controlBuffer).get"),
	 2, -1, CAT_SELECT},
	/* gRPC 1.85, five ClientConns made per request (go1.26-grpc-debug2.txt) */
	{"grpc-client-per-request-serializer", 1, "chan receive",
	 "google.golang.org/grpc/internal/grpcsync.NewCallbackSerializer",
	 FRAMES("google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run"),
	 15, -1, CAT_CHAN_RECEIVE},
	{"grpc-client-per-request-serializer", 0, "chan receive",
	 "google.golang.org/grpc/internal/grpcsync.NewCallbackSerializer",
	 FRAMES("google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run"),
	 3, -1, CAT_CHAN_RECEIVE},
	{"context-never-cancelled", 1, "select", "context.propagateCancel",
	 FRAMES("context.propagateCancel.func1"), 3, -1, CAT_SELECT},
	{"context-never-cancelled", 1, "select", "context.(*cancelCtx).propagateCancel",
	 FRAMES("context.(*cancelCtx).propagateCancel.func2"), 3, -1, CAT_SELECT},
	{"sleep-loop", 1, "sleep", "main.handle",
	 FRAMES("time.Sleep", "main.poll"), 10, -1, CAT_SLEEP},
	{"sleep-loop", 0, "sleep", "main.handle", FRAMES("time.Sleep", "main.poll"),
	 2, -1, CAT_SLEEP},
	{"sleep-long", 1, "sleep", "main.main", FRAMES("time.Sleep", "main.cron"),
	 1, 45, CAT_SLEEP},
	{"sleep-long", 0, "sleep", "main.main", FRAMES("time.Sleep", "main.cron"),
	 1, 9, CAT_SLEEP},
	{"waitgroup-mismatch", 1, "semacquire", "main.main",
	 FRAMES("sync.runtime_Semacquire", "sync.(*WaitGroup).Wait", "main.fanout"),
	 1, -1, CAT_WAITGROUP},
	{"mutex-contention", 1, "semacquire", "main.main",
	 FRAMES(MUTEX_1_19, "main.(*Store).Put"), 1, -1, CAT_MUTEX},
	{"mutex-contention", 1, "sync.RWMutex.RLock", "main.main",
	 FRAMES("sync.runtime_SemacquireRWMutexR", "sync.(*RWMutex).RLock",
		"main.(*Store).Get"),
	 1, -1, CAT_RWMUTEX},
	{"mutex-deadlock", 1, "sync.Mutex.Lock", "main.main",
	 FRAMES("internal/sync.runtime_SemacquireMutex", "sync.(*Mutex).Lock",
		"main.(*Store).Put"),
	 1, 3, CAT_MUTEX},
	{"mutex-deadlock", 0, "sync.Mutex.Lock", "main.main",
	 FRAMES("internal/sync.runtime_SemacquireMutex", "sync.(*Mutex).Lock",
		"main.(*Store).Put"),
	 1, -1, CAT_MUTEX},
	{"cond-no-signal", 1, "sync.Cond.Wait", "main.main",
	 FRAMES("sync.runtime_notifyListWait", "sync.(*Cond).Wait", "main.condWait"),
	 1, -1, CAT_COND},
	{"fd-write-contention", 1, "semacquire", "main.main",
	 FRAMES("internal/poll.runtime_Semacquire", "internal/poll.(*fdMutex).rwlock",
		"internal/poll.(*FD).writeLock", "internal/poll.(*FD).Write",
		"os.(*File).Write", "main.logLine"),
	 3, -1, CAT_SEMAPHORE},
	{"fd-write-contention", 0, "semacquire", "main.main",
	 FRAMES("internal/poll.runtime_Semacquire", "internal/poll.(*fdMutex).rwlock",
		"main.logLine"),
	 1, -1, CAT_SEMAPHORE},
	{"syscall-long", 1, "syscall", "main.main",
	 FRAMES("syscall.Syscall", "syscall.read", "syscall.Read",
		"os.(*File).Read", "main.readStdin"),
	 1, 15, CAT_SYSCALL},
	{"syscall-long", 0, "syscall", "os/signal.Notify.func1.1",
	 FRAMES("os/signal.signal_recv", "os/signal.loop"), 1, 600, CAT_SYSCALL},
	{"signal-loop", 1, "syscall", "os/signal.Notify.func1.1",
	 FRAMES("os/signal.signal_recv", "os/signal.loop"), 1, 600, CAT_SYSCALL},
	{"dump-writer", 1, "running", NULL,
	 FRAMES("runtime/pprof.writeGoroutineStacks", "runtime/pprof.writeGoroutine",
		"runtime/pprof.(*Profile).WriteTo", "main.main"),
	 1, -1, CAT_RUNNING},
};

/* The healthy ones, by name: they must say so, the others must not. */
static int should_be_healthy(const char *name)
{
	static const char *const healthy[] = {
		"select-forever-main", "http-client-idle-conn",
		"http-client-write-loop", "http-server-keepalive",
		"http-server-background-read", "http2-server-conn",
		"listener-accept", "signal-loop", "dump-writer", NULL};
	size_t i;

	for (i = 0; healthy[i]; i++)
		if (strcmp(healthy[i], name) == 0)
			return 1;
	return 0;
}

static void test_diagnose_builtin(void **state)
{
	const rules *r = *state;
	size_t i;
	subj b;

	for (i = 0; i < sizeof diag_cases / sizeof diag_cases[0]; i++) {
		const diag_case *c = &diag_cases[i];
		const rules_subject *s = mk(&b, c->state, c->created, c->frames);
		const rules_diag *d = NULL;
		category cat;

		b.s.count = c->count;
		b.s.max_minutes = c->minutes;
		cat = rules_categorize(r, s);
		if (cat != c->cat)
			fail_msg("case %zu (%s): category %s, want %s", i, c->name,
				 category_name(cat), category_name(c->cat));
		if (has_diag(r, s, cat, c->name, &d) != c->expect)
			fail_msg("case %zu: %s %s", i, c->name,
				 c->expect ? "missing" : "reported");
		if (!d)
			continue;
		assert_true(strlen(d->cause) > 20);
		assert_true(strlen(d->fix) > 3);
		assert_null(strchr(d->cause, '\n'));
		assert_int_equal(strncmp(d->file, "patterns/", 9), 0);
		assert_true(d->line > 0);
		if (d->healthy != should_be_healthy(c->name))
			fail_msg("%s: healthy is %d", c->name, d->healthy);
		/* a healthy shape must never flag by itself */
		if (d->healthy)
			assert_int_equal(d->leak_at, 0);
	}
}

static void test_diagnose_leak_at(void **state)
{
	const rules *r = *state;
	const rules_diag *d = NULL;
	subj b;
	const rules_subject *s;

	s = mk(&b, "chan receive (nil chan)", "main.main", FRAMES("main.nilRecv"));
	assert_true(has_diag(r, s, CAT_NIL_CHAN, "nil-channel", &d));
	assert_int_equal(d->leak_at, 1);

	s = mk(&b, "select", "database/sql.OpenDB",
	       FRAMES("database/sql.(*DB).connectionOpener"));
	b.s.count = 5;
	assert_true(has_diag(r, s, CAT_SELECT, "sql-db-per-request", &d));
	assert_int_equal(d->leak_at, 5);
	assert_int_equal(d->blind_leak_at, 0); /* no pool has this shape */

	s = mk(&b, "sleep", "main.main", FRAMES("time.Sleep", "main.poll"));
	b.s.count = 50;
	assert_true(has_diag(r, s, CAT_SLEEP, "sleep-loop", &d));
	assert_int_equal(d->leak_at, 50);
	assert_int_equal(d->blind_leak_at, 500); /* a sleeping pool does */

	/* idle receivers look like a worker pool: no flag by the diagnosis */
	s = mk(&b, "chan receive", "main.main", FRAMES("main.recvWorker"));
	assert_true(has_diag(r, s, CAT_CHAN_RECEIVE, "chan-receive-no-sender", &d));
	assert_int_equal(d->leak_at, 0);
}

/* Every diagnosis in patterns/ has at least one positive case above, so a
 * new rule cannot go untested. */
/* ------------------------------------------------------- heap diagnoses */

typedef struct heap_case {
	const char *name; /* the diagnosis expected, or not */
	int expect;
	int growing;
	uint64_t object_size, objects;
	const char *const *frames;
} heap_case;

/* Stacks as Go's heap profiles show them (the allocator's runtime frames
 * hidden) and as a profile that keeps every frame shows them. */
static const heap_case heap_cases[] = {
	{"heap-map-grows", 1, 1, 48, 5000,
	 FRAMES("runtime.mallocgc", "runtime.newarray",
		"internal/runtime/maps.newarray", "runtime.mapassign_faststr",
		"app.(*Cache).Put")},
	{"heap-map-grows", 1, 1, 512, 40,
	 FRAMES("runtime.makemap", "app.NewIndex")},
	{"heap-map-grows", 0, 0, 48, 5000,
	 FRAMES("runtime.mapassign_faststr", "app.(*Cache).Put")},
	{"heap-timers-not-stopped", 1, 1, 96, 3000,
	 FRAMES("time.NewTicker", "app.subscribe")},
	{"heap-timers-not-stopped", 1, 1, 96, 3000,
	 FRAMES("time.newTimer", "time.NewTimer", "app.(*Conn).setDeadline")},
	{"heap-timers-not-stopped", 0, 0, 96, 3000,
	 FRAMES("time.NewTicker", "app.subscribe")},
	{"heap-bufio-per-connection", 1, 1, 4096, 300,
	 FRAMES("bufio.NewReaderSize", "bufio.NewReader", "app.(*Server).handle")},
	{"heap-bufio-per-connection", 1, 1, 4096, 300,
	 FRAMES("bufio.NewWriterSize", "app.(*Server).handle")},
	{"heap-read-whole", 1, 1, 8192, 200,
	 FRAMES("io.ReadAll", "app.(*Client).fetch")},
	{"heap-read-whole", 1, 1, 8192, 200,
	 FRAMES("bytes.growSlice", "bytes.(*Buffer).grow",
		"bytes.(*Buffer).ReadFrom", "app.load")},
	/* many large buffers: kept whole for a small part */
	{"heap-large-buffers-kept", 1, 1, 32768, 1000,
	 FRAMES("app.readUpload", "app.handleUpload")},
	{"heap-large-buffers-kept", 0, 1, 32768, 8,
	 FRAMES("app.readUpload", "app.handleUpload")},
	{"heap-large-buffers-kept", 0, 1, 256, 1000,
	 FRAMES("app.readUpload", "app.handleUpload")},
	{"heap-large-buffers-kept", 0, 1, 32768, 1000,
	 FRAMES("io.ReadAll", "app.fetch")},
	{"heap-large-buffers-kept", 0, 0, 32768, 1000,
	 FRAMES("app.readUpload", "app.handleUpload")},
	/* a few ever larger objects: a container's tables or array */
	{"heap-container-grows", 1, 1, 51712, 8,
	 FRAMES("app.(*sessionCache).Put", "app.handleLogin")},
	{"heap-container-grows", 0, 1, 51712, 800,
	 FRAMES("app.(*sessionCache).Put", "app.handleLogin")},
	{"heap-container-grows", 0, 1, 51712, 8,
	 FRAMES("runtime.mapassign_faststr", "app.(*sessionCache).Put")},
	{"heap-container-grows", 0, 1, 44000, 2,
	 FRAMES("time.newTimer", "time.NewTicker", "app.subscribe")},
	{"heap-slice-grows", 1, 1, 65536, 2,
	 FRAMES("runtime.growslice", "app.(*Log).add")},
	{"heap-slice-grows", 0, 1, 65536, 2,
	 FRAMES("runtime.mallocgc", "runtime.growslice", "runtime.allgadd",
		"runtime.newproc1")},
	{"heap-goroutines-grow", 1, 1, 480, 4000,
	 FRAMES("runtime.mallocgc", "runtime.newobject", "runtime.malg",
		"runtime.newproc1", "runtime.newproc.func1",
		"runtime.systemstack")},
	{"heap-goroutines-grow", 0, 0, 480, 4000,
	 FRAMES("runtime.malg", "runtime.newproc1")},
	/* a user frame named like the library is not the library */
	{"heap-timers-not-stopped", 0, 1, 96, 3000,
	 FRAMES("app.NewTicker", "app.subscribe")},
};

static int has_heap_diag(const rules *r, const heap_case *c,
			 const rules_diag **found)
{
	rules_frame f[MAXF];
	rules_heap_site hs;
	const rules_diag *d[8];
	size_t i, n;

	memset(&hs, 0, sizeof hs);
	for (i = 0; c->frames[i]; i++) {
		memset(&f[i], 0, sizeof f[i]);
		f[i].func = c->frames[i];
		f[i].func_len = strlen(c->frames[i]);
	}
	hs.frames = f;
	hs.nframes = i;
	hs.growing = c->growing;
	hs.object_size = c->object_size;
	hs.objects = c->objects;
	n = rules_diagnose_heap(r, &hs, d, 8);
	for (i = 0; i < n && i < 8; i++)
		if (strcmp(d[i]->name, c->name) == 0) {
			*found = d[i];
			return 1;
		}
	return 0;
}

static void test_diagnose_heap_builtin(void **state)
{
	const rules *r = *state;
	size_t i;

	for (i = 0; i < sizeof heap_cases / sizeof heap_cases[0]; i++) {
		const heap_case *c = &heap_cases[i];
		const rules_diag *d = NULL;

		if (has_heap_diag(r, c, &d) != c->expect)
			fail_msg("heap case %zu: %s %s", i, c->name,
				 c->expect ? "missing" : "reported");
		if (!d)
			continue;
		assert_true(strlen(d->cause) > 20);
		assert_true(strlen(d->fix) > 20);
		assert_int_equal(d->leak_at, 0);
		assert_false(d->healthy);
		assert_string_equal(d->file, "patterns/60-heap.rules");
	}
}

/* Heap diagnoses and goroutine groups never meet; the heap keys are
 * checked where they are parsed. */
static void test_heap_rules_apart(void **state)
{
	static const char text[] =
		"diagnosis g\n    frame ^time\\.NewTicker$\n    cause c\n    fix f\n"
		"diagnosis h\n    heap\n    frame ^time\\.NewTicker$\n"
		"    cause c\n    fix f\n";
	rules *r = rules_new();
	gt_err e = {{0}};
	subj b;
	const rules_diag *d[4];
	heap_case hc = {"g", 1, 0, 96, 10, FRAMES("time.NewTicker", "app.x")};
	const rules_diag *found = NULL;

	(void)state;
	assert_int_equal(rules_add_text(r, "t.rules", text, strlen(text), &e),
			 GT_OK);
	assert_int_equal(rules_diagnose(r, mk(&b, "", NULL,
						FRAMES("time.NewTicker", "app.x")),
					CAT_UNKNOWN, d, 4),
			 1);
	assert_string_equal(d[0]->name, "g");
	assert_false(has_heap_diag(r, &hc, &found));
	hc.name = "h";
	assert_true(has_heap_diag(r, &hc, &found));
	rules_free(r);

	static const struct {
		const char *text, *msg;
	} bad[] = {
		{"diagnosis d\n    heap\n    category mutex\n    cause c\n    fix f\n",
		 "t.rules:1: heap diagnosis 'd' takes none of category, min-count, min-minutes, leak-at, blind-leak-at, healthy"},
		{"diagnosis d\n    category sleep\n    blind-leak-at 5\n    cause c\n    fix f\n",
		 "t.rules:1: 'blind-leak-at' needs a 'leak-at' no larger than it in diagnosis 'd'"},
		{"diagnosis d\n    category sleep\n    leak-at 50\n    blind-leak-at 5\n    cause c\n    fix f\n",
		 "t.rules:1: 'blind-leak-at' needs a 'leak-at' no larger than it in diagnosis 'd'"},
		{"diagnosis d\n    category sleep\n    leak-at 5\n    blind-leak-at 50\n    blind-leak-at 60\n",
		 "t.rules:5: duplicate 'blind-leak-at'"},
		{"diagnosis d\n    growing\n    cause c\n    fix f\n",
		 "t.rules:1: 'growing', 'min-object-size', 'min-objects' and 'max-objects' need 'heap' in diagnosis 'd'"},
		{"diagnosis d\n    heap\n    growing yes\n",
		 "t.rules:3: 'growing' takes no value"},
		{"diagnosis d\n    heap\n    min-objects 1\n    min-objects 2\n",
		 "t.rules:4: duplicate 'min-objects'"},
		{"diagnosis d\n    heap\n    max-objects x\n",
		 "t.rules:3: bad number 'x' for 'max-objects'"},
		{"diagnosis d\n    heap\n    cause c\n    fix f\n",
		 "t.rules:1: diagnosis 'd' has no conditions"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r = rules_new();
		memset(&e, 0, sizeof e);
		assert_int_equal(rules_add_text(r, "t.rules", bad[i].text,
						strlen(bad[i].text), &e),
				 GT_ERR);
		if (strcmp(e.msg, bad[i].msg) != 0)
			fail_msg("case %zu: got '%s'", i, e.msg);
		rules_free(r);
	}
}

static void test_every_builtin_diagnosis_tested(void **state)
{
	size_t i, j, ndiags = 0;

	(void)state;
	for (i = 0; i < builtin_rules_count; i++) {
		const char *p = builtin_rules[i].text;
		const char *end = p + builtin_rules[i].len;

		for (; p < end; p = (const char *)memchr(p, '\n', (size_t)(end - p)) + 1) {
			char name[128];
			int found = 0;

			/* the embedded text always ends in a newline */
			assert_non_null(memchr(p, '\n', (size_t)(end - p)));
			if (strncmp(p, "diagnosis ", 10) != 0)
				continue;
			assert_int_equal(sscanf(p + 10, "%127s", name), 1);
			for (j = 0; j < sizeof diag_cases / sizeof diag_cases[0]; j++)
				if (diag_cases[j].expect &&
				    strcmp(diag_cases[j].name, name) == 0)
					found = 1;
			for (j = 0; j < sizeof heap_cases / sizeof heap_cases[0]; j++)
				if (heap_cases[j].expect &&
				    strcmp(heap_cases[j].name, name) == 0)
					found = 1;
			if (!found)
				fail_msg("diagnosis %s has no test case", name);
			ndiags++;
		}
	}
	assert_true(ndiags >= 30);
}

/* --------------------------------------------------- precedence, keys */

static void test_user_rules_first(void **state)
{
	static const char user[] =
		"category mutex\n"
		"    state  ^chan receive$\n"
		"    frame  ^main\\.\\(\\*Bus\\)\\.wait$\n"
		"diagnosis nil-channel\n"
		"    category nil-chan\n"
		"    cause    our own nil-channel cause\n"
		"    fix      our fix\n"
		"    leak-at  7\n";
	rules *r = rules_new();
	const rules *builtin = *state;
	gt_err e;
	subj b;
	const rules_subject *s;
	const rules_diag *d[64];
	size_t i, n, hits = 0;

	assert_int_equal(rules_add_text(r, "user.rules", user, strlen(user), &e),
			 GT_OK);
	for (i = 0; i < builtin_rules_count; i++)
		assert_int_equal(rules_add_text(r, builtin_rules[i].name,
						builtin_rules[i].text,
						builtin_rules[i].len, &e),
				 GT_OK);
	/* the built-in nil-channel is shadowed, not added */
	assert_int_equal(rules_count(r), rules_count(builtin) + 1);

	s = mk(&b, "chan receive", "main.main", FRAMES("main.(*Bus).wait"));
	assert_int_equal(rules_categorize(builtin, s), CAT_CHAN_RECEIVE);
	assert_int_equal(rules_categorize(r, s), CAT_MUTEX);
	s = mk(&b, "chan receive", "main.main", FRAMES("main.other"));
	assert_int_equal(rules_categorize(r, s), CAT_CHAN_RECEIVE);

	s = mk(&b, "chan send (nil chan)", "main.main", FRAMES("main.nilSend"));
	n = rules_diagnose(r, s, CAT_NIL_CHAN, d, 64);
	for (i = 0; i < n; i++) {
		if (strcmp(d[i]->name, "nil-channel") != 0)
			continue;
		hits++;
		assert_string_equal(d[i]->cause, "our own nil-channel cause");
		assert_int_equal(d[i]->leak_at, 7);
		assert_string_equal(d[i]->file, "user.rules");
	}
	assert_int_equal(hits, 1);
	rules_free(r);
}

static void test_keys(void **state)
{
	static const char text[] =
		"category cond\n"
		"    name   by-stack\n"
		"    stack  (?m)^lib\\.a$\\n^lib\\.b$\n"
		"category io-wait\n"
		"    file   /vendor/\n"
		"category select\n"
		"    created ^main\\.spawn$\n"
		"category sleep\n"
		"    not-created .\n"
		"    top    ^main\\.\n"
		"category runnable\n"
		"    not-top .\n"
		"    frame  ^runtime\\.\n"
		"category semaphore\n"
		"    not-state ^$\n"
		"    state  ^x\n"
		"    state  y$\n";
	rules *r = rules_new();
	gt_err e;
	subj b;

	(void)state;
	assert_int_equal(rules_add_text(r, "k.rules", text, strlen(text), &e),
			 GT_OK);
	/* stack: adjacent frames, innermost first */
	assert_int_equal(rules_categorize(r, mk(&b, "s", "c", FRAMES("x.y", "lib.a",
								       "lib.b"))),
			 CAT_COND);
	assert_int_equal(rules_categorize(r, mk(&b, "s", "c", FRAMES("lib.b",
								       "lib.a"))),
			 CAT_UNKNOWN);
	/* file; a frame without one never matches */
	assert_int_equal(rules_categorize(r, mk(&b, "s", "c",
						FRAMES("p.f", "q.g@/src/vendor/q/g.go"))),
			 CAT_IO_WAIT);
	assert_int_equal(rules_categorize(r, mk(&b, "s", "c", FRAMES("p.f"))),
			 CAT_UNKNOWN);
	/* created */
	assert_int_equal(rules_categorize(r, mk(&b, "s", "main.spawn",
						FRAMES("p.f"))),
			 CAT_SELECT);
	/* not-created holds without a created-by line; top skips runtime */
	assert_int_equal(rules_categorize(r, mk(&b, "s", NULL,
						FRAMES("runtime.gopark",
						       "main.f"))),
			 CAT_SLEEP);
	assert_int_equal(rules_categorize(r, mk(&b, "s", NULL,
						FRAMES("runtime.gopark",
						       "runtime/internal/x.y",
						       "internal/runtime/z.w",
						       "p.main"))),
			 CAT_UNKNOWN);
	/* no frame outside the runtime: no top, not-top holds */
	assert_int_equal(rules_categorize(r, mk(&b, "s", NULL,
						FRAMES("runtime.gopark",
						       "internal/runtime/z.w"))),
			 CAT_RUNNABLE);
	/* repeated keys must all hold; not-state */
	assert_int_equal(rules_categorize(r, mk(&b, "x-y", "c", FRAMES("p.f"))),
			 CAT_SEMAPHORE);
	assert_int_equal(rules_categorize(r, mk(&b, "x-z", "c", FRAMES("p.f"))),
			 CAT_UNKNOWN);
	rules_free(r);
}

/* A match that fails with an error (here PCRE2's match limit) makes its
 * condition fail whether negated or not: the subject falls through. */
static void test_match_error(void **state)
{
	static const char text[] =
		"category select\n"
		"    not-frame (*LIMIT_MATCH=1)^(\\w+\\s?)*$\n"
		"category chan-send\n"
		"    frame (*LIMIT_MATCH=1)^(\\w+\\s?)*$\n"
		"category mutex\n"
		"    frame ^ababab\n";
	rules *r = rules_new();
	gt_err e;
	subj b;

	(void)state;
	assert_int_equal(rules_add_text(r, "m.rules", text, strlen(text), &e),
			 GT_OK);
	assert_int_equal(rules_categorize(r, mk(&b, "", NULL,
						FRAMES("ababababababx"))),
			 CAT_MUTEX);
	rules_free(r);
}

static void test_diagnose_filters(void **state)
{
	static const char text[] =
		"diagnosis any\n"
		"    min-count 1\n"
		"    cause c1\n    fix f1\n"
		"diagnosis old\n"
		"    min-minutes 10\n"
		"    cause c2\n    fix f2\n"
		"diagnosis sel\n"
		"    category select\n"
		"    cause c3\n    fix f3\n";
	rules *r = rules_new();
	gt_err e;
	subj b;
	const rules_subject *s;
	const rules_diag *d[3];
	const rules_diag sentinel = {0};

	(void)state;
	d[2] = &sentinel;
	assert_int_equal(rules_add_text(r, "d.rules", text, strlen(text), &e),
			 GT_OK);
	s = mk(&b, "select", NULL, FRAMES("main.f"));
	/* no minutes printed (-1) never satisfies min-minutes */
	assert_int_equal(rules_diagnose(r, s, CAT_SELECT, d, 2), 2);
	b.s.max_minutes = 9;
	assert_int_equal(rules_diagnose(r, s, CAT_SELECT, d, 2), 2);
	b.s.max_minutes = 10;
	/* returns how many matched, fills at most max, in rule order */
	assert_int_equal(rules_diagnose(r, s, CAT_SELECT, d, 2), 3);
	assert_string_equal(d[0]->name, "any");
	assert_string_equal(d[1]->name, "old");
	assert_ptr_equal(d[2], &sentinel);
	assert_int_equal(rules_diagnose(r, s, CAT_MUTEX, d, 2), 2);
	assert_int_equal(rules_diagnose(r, s, CAT_SELECT, NULL, 0), 3);
	rules_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_valid_text),
		cmocka_unit_test(test_crlf_and_hash),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_is_atomic),
		cmocka_unit_test(test_add_path),
		cmocka_unit_test(test_add_path_name_order),
		cmocka_unit_test(test_add_path_not_regular),
		cmocka_unit_test(test_builtin_embedded),
		cmocka_unit_test(test_builtin_matches_files),
		cmocka_unit_test(test_categorize_builtin),
		cmocka_unit_test(test_diagnose_builtin),
		cmocka_unit_test(test_diagnose_leak_at),
		cmocka_unit_test(test_every_builtin_diagnosis_tested),
		cmocka_unit_test(test_user_rules_first),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_match_error),
		cmocka_unit_test(test_diagnose_filters),
		cmocka_unit_test(test_diagnose_heap_builtin),
		cmocka_unit_test(test_heap_rules_apart),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
