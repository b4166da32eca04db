/*
 * test_ci.c - the CI formats: paths made relative to the module root, the
 * location and rule of a flagged group, GitHub workflow-command escaping,
 * and the members SARIF 2.1.0 requires.
 */
#include "testutil.h"

#include <jansson.h>

#include "report.h"
#include "../../src/report_priv.h"

static void test_paths(void **state)
{
	report_ci_root_info none = {NULL, 0};
	report_ci_root_info root = {"/home/ci/build/shop/cmd/x.go", 20};

	(void)state;
	/* -trimpath: module paths as printed */
	assert_string_equal(report_ci_path("example.com/shop/internal/x/y.go",
					   &none),
			    "example.com/shop/internal/x/y.go");
	/* the module cache */
	assert_string_equal(
		report_ci_path("/root/go/pkg/mod/github.com/a/b@v1.2.3/c/d.go",
			       &none),
		"github.com/a/b@v1.2.3/c/d.go");
	/* a GOPATH tree: from the host on */
	assert_string_equal(
		report_ci_path("/home/u/go/src/github.com/org/repo/pkg/f.go",
			       &none),
		"github.com/org/repo/pkg/f.go");
	/* the common root of the dump's user frames */
	assert_string_equal(
		report_ci_path("/home/ci/build/shop/internal/a/b.go", &root),
		"internal/a/b.go");
	/* outside it: the whole path, without the leading slash */
	assert_string_equal(report_ci_path("/opt/other/z.go", &root),
			    "opt/other/z.go");
	assert_string_equal(report_ci_path("/opt/other/z.go", &none),
			    "opt/other/z.go");
}

static const char *frame_path(const char *func, const char *file)
{
	static const report_ci_root_info none = {NULL, 0};
	group_frame f = {(char *)func, (char *)file, 1, strlen(func), strlen(file)};

	return report_ci_frame_path(&f, &none);
}

/* The module root from the function's package path and the file's
 * directory, however deep the checkout. */
static void test_frame_paths(void **state)
{
	(void)state;
	/* a CI checkout: /builds/GROUP/REPO */
	assert_string_equal(
		frame_path("github.com/org/repo/pkg/x.(*T).Run",
			   "/builds/org/repo/pkg/x/t.go"),
		"pkg/x/t.go");
	/* the checkout directory named otherwise than the module */
	assert_string_equal(
		frame_path("example.com/shop/internal/orders.(*R).match",
			   "/builds/ci/checkout/internal/orders/r.go"),
		"internal/orders/r.go");
	/* named like it: the module keeps the host and its name */
	assert_string_equal(
		frame_path("example.com/shop/internal/orders.Settle[...]",
			   "/src/shop/internal/orders/batch.go"),
		"internal/orders/batch.go");
	/* a module without a dot, and a package at the module root */
	assert_string_equal(frame_path("shop/api.handler.func1",
				       "/home/u/shop/api/h.go"),
			    "api/h.go");
	assert_string_equal(frame_path("example.com/shop.New",
				       "/home/u/code/shop/shop.go"),
			    "shop.go");
	/* the standard library, as -trimpath prints it */
	assert_string_equal(frame_path("net/http.(*Transport).dialConn",
				       "/usr/local/go/src/net/http/transport.go"),
			    "net/http/transport.go");
	assert_string_equal(frame_path("context.(*cancelCtx).propagateCancel",
				       "C:/Program Files/Go/src/context/context.go"),
			    "context/context.go");
	/* nothing to match: the file-only rules */
	assert_string_equal(frame_path("main.main", "/home/u/app/main.go"),
			    "home/u/app/main.go");
	assert_string_equal(frame_path("example.com/a/b.F", "/x/y/z.go"),
			    "x/y/z.go");
	assert_string_equal(frame_path("example.com/a/b.F",
				       "example.com/a/b/f.go"),
			    "example.com/a/b/f.go");
}

/* Frames of one program under /build/shop, a test file and a library in
 * the module cache: the root is the directory they share. */
static void test_root(void **state)
{
	rules *r = builtin();
	gspec g[] = {
		{"chan send", "shop/internal/orders.(*Batch).send",
		 "/build/shop/internal/orders/batch.go", 10, "shop/cmd/api.run",
		 10, 120, -1},
		{"select", "github.com/lib/pq.(*conn).watch",
		 "/root/go/pkg/mod/github.com/lib/pq@v1.10.9/conn.go", 40,
		 "github.com/lib/pq.Open", 500, 2, -1},
	};
	char *text = dump_text(g, 2, 1);
	group_set *s;
	report_ci_root_info root;

	(void)state;
	/* dump_text puts main.main and the creators under /src/app: move
	 * them into the program's tree */
	for (char *p = text; (p = strstr(p, "/src/app/")) != NULL;)
		memcpy(p, "/build/s/", 9);
	s = parse_set(r, text);
	report_ci_root(s->dumps[0], &root);
	assert_int_equal(root.len, strlen("/build/"));
	assert_memory_equal(root.prefix, "/build/", root.len);
	free(text);
	group_set_free(s);
	rules_free(r);
}

static group_set *leak_set(const rules *r, const char *file)
{
	gspec g[] = {
		{"chan send", "main.worker", file, 10, "main.main", 10, 120, -1},
		{"chan receive", "main.listen", "/src/app/listen.go", 20,
		 "main.main", 5000, 3, -1},
	};
	char *text = dump_text(g, 2, 1);
	group_set *s = parse_set(r, text);

	free(text);
	return s;
}

static char *render(const group_set *s, report_format fmt)
{
	report_opts o = {.format = fmt, .source = "go-test.log"};
	FILE *f = tmpfile();
	gt_err e = {{0}};
	char *out;

	assert_int_equal(report_write(f, s, &o, &e), GT_OK);
	out = slurp(f);
	fclose(f);
	return out;
}

/* ':' and ',' in a file name would end the property; '%' would start an
 * escape: all three are escaped, and the message keeps one line. */
static void test_github_escaping(void **state)
{
	rules *r = builtin();
	group_set *s = leak_set(r, "/src/app/a,b:c%d/worker.go");
	char *out = render(s, REPORT_GITHUB);
	char *nl = strchr(out, '\n');

	(void)state;
	assert_non_null(nl);
	*nl = 0;
	assert_non_null(strstr(out, "::error file=a%2Cb%3Ac%25d/worker.go,"
				    "line=10,title="));
	/* the data part: everything after the second "::" */
	assert_non_null(strstr(out, "::120 goroutines chan-send"));
	assert_non_null(strstr(out, "%0Acause: "));
	assert_null(strchr(strstr(out, "::120"), '\r'));
	/* the summary */
	assert_non_null(strstr(nl + 1, "::notice title=gtriage::gtriage: "
				       "go-test.log: 124 goroutines, 3 groups, "
				       "1 flagged"));
	free(out);
	group_set_free(s);
	rules_free(r);
}

static const char *str_at(json_t *o, const char *path)
{
	json_t *v = o;
	char key[64];

	while (*path && v) {
		size_t n = strcspn(path, ".");

		snprintf(key, sizeof key, "%.*s", (int)n, path);
		if (key[0] >= '0' && key[0] <= '9')
			v = json_array_get(v, (size_t)atoi(key));
		else
			v = json_object_get(v, key);
		path += n + (path[n] == '.');
	}
	return json_string_value(v);
}

/* The members SARIF 2.1.0 requires, and the ones code scanning needs to
 * place a result. */
static void test_sarif_members(void **state)
{
	rules *r = builtin();
	group_set *s = leak_set(r, "/src/app/worker.go");
	char *out = render(s, REPORT_SARIF);
	json_error_t je;
	json_t *doc = json_loads(out, 0, &je), *results, *rules_a, *res;
	size_t i;

	(void)state;
	assert_non_null(doc);
	assert_string_equal(str_at(doc, "version"), "2.1.0");
	assert_non_null(strstr(str_at(doc, "$schema"), "sarif-schema-2.1.0"));
	assert_int_equal(json_array_size(json_object_get(doc, "runs")), 1);
	assert_string_equal(str_at(doc, "runs.0.tool.driver.name"), "gtriage");
	assert_non_null(str_at(doc, "runs.0.tool.driver.version"));
	results = json_object_get(json_array_get(json_object_get(doc, "runs"),
						 0),
				  "results");
	rules_a = json_object_get(
		json_object_get(
			json_object_get(
				json_array_get(json_object_get(doc, "runs"), 0),
				"tool"),
			"driver"),
		"rules");
	/* one result per flagged group */
	assert_int_equal(json_array_size(results), s->dumps[0]->nflagged);
	json_array_foreach(results, i, res) {
		json_t *rule = json_array_get(
			rules_a,
			(size_t)json_integer_value(
				json_object_get(res, "ruleIndex")));
		json_t *line = json_object_get(
			json_object_get(
				json_object_get(
					json_array_get(json_object_get(
							       res, "locations"),
						       0),
					"physicalLocation"),
				"region"),
			"startLine");

		assert_string_equal(str_at(res, "level"), "error");
		assert_non_null(str_at(res, "message.text"));
		assert_string_equal(str_at(rule, "id"), str_at(res, "ruleId"));
		assert_non_null(str_at(rule, "help.text"));
		assert_string_equal(
			str_at(res,
			       "locations.0.physicalLocation.artifactLocation.uri"),
			"worker.go");
		assert_true(json_integer_value(line) == 10);
	}
	json_decref(doc);
	free(out);
	group_set_free(s);
	rules_free(r);
}

/* Nothing flagged: a valid document with no results, and only the notice
 * from the GitHub format. */
static void test_nothing_flagged(void **state)
{
	rules *r = builtin();
	group_set *s = leak_set(r, "/src/app/worker.go");
	char *sarif, *gh;
	json_t *doc;

	(void)state;
	s->dumps[0]->groups[0]->reasons = 0;
	s->dumps[0]->groups[0]->verdict = VERDICT_NORMAL;
	group_dump_recount(s->dumps[0]);
	sarif = render(s, REPORT_SARIF);
	gh = render(s, REPORT_GITHUB);
	doc = json_loads(sarif, 0, NULL);
	assert_non_null(doc);
	assert_int_equal(json_array_size(json_object_get(
				 json_array_get(json_object_get(doc, "runs"), 0),
				 "results")),
			 0);
	assert_null(strstr(gh, "::error"));
	assert_int_equal(strncmp(gh, "::notice ", 9), 0);
	json_decref(doc);
	free(sarif);
	free(gh);
	group_set_free(s);
	rules_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_frame_paths),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_github_escaping),
		cmocka_unit_test(test_sarif_members),
		cmocka_unit_test(test_nothing_flagged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
