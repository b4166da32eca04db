/*
 * test_html.c - the HTML page and the folded stacks: every string from the
 * dump escaped, folded counts that add up to the dump, stacks merged by
 * function names, nothing on the page that reaches the network.
 */
#include "testutil.h"

#include "report.h"
#include "../../src/report_priv.h"

static char *escaped(const char *s)
{
	FILE *f = tmpfile();
	char *b;

	assert_non_null(f);
	html_escape(f, s);
	b = slurp(f);
	fclose(f);
	return b;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static char *render(const group_set *s, report_format fmt)
{
	report_opts o = {fmt, "in<put>.txt", 0, 0, 0};
	FILE *f = tmpfile();
	gt_err e = {{0}};
	char *b;

	assert_non_null(f);
	assert_int_equal(report_write(f, s, &o, &e), GT_OK);
	b = slurp(f);
	fclose(f);
	return b;
}

static void test_escape_markup(void **state)
{
	char *b;

	(void)state;
	b = escaped("<script>a('x')&\"b\"</script>");
	assert_string_equal(b, "&lt;script&gt;a(&#39;x&#39;)&amp;&quot;b&quot;"
			       "&lt;/script&gt;");
	free(b);
}

static void test_escape_bytes(void **state)
{
	char *b;

	(void)state;
	/* valid UTF-8 kept, a control byte, a lone continuation byte and an
	 * overlong '<' (0xc0 0xbc) each replaced, a tab as a space */
	b = escaped("caf\xc3\xa9\x1b[1m\x80\xc0\xbc\tz");
	assert_string_equal(b, "caf\xc3\xa9\xef\xbf\xbd[1m\xef\xbf\xbd"
			       "\xef\xbf\xbd\xef\xbf\xbd z");
	free(b);
	/* a sequence cut by the end of the string */
	b = escaped("a\xe2\x82");
	assert_string_equal(b, "a\xef\xbf\xbd\xef\xbf\xbd");
	free(b);
	b = escaped(NULL);
	assert_string_equal(b, "");
	free(b);
}

static const gspec shop[] = {
	{"chan receive", "main.<b>worker</b>", "/src/app/w.go", 10,
	 "main.start", 100, 7, -1},
	{"chan receive", "main.<b>worker</b>", "/src/app/w.go", 12,
	 "main.start", 200, 5, -1},
	{"select", "main.poll;x", "/src/app/p.go", 3, "main.start", 300, 2,
	 -1},
};

static void test_folded(void **state)
{
	rules *r = builtin();
	char *text = dump_text(shop, 3, 1);
	group_set *s = parse_set(r, text);
	char *b = render(s, REPORT_FOLDED), *line, *save = NULL;
	unsigned long long sum = 0;
	size_t lines = 0;

	(void)state;
	/* the two worker groups differ in a line number only: one stack */
	assert_int_equal(group_set_last(s)->ngroups, 4);
	for (line = strtok_r(b, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strrchr(line, ' ');

		assert_non_null(sp);
		sum += strtoull(sp + 1, NULL, 10);
		lines++;
		if (strstr(line, "worker"))
			assert_string_equal(line, "main.<b>worker</b> 12");
		/* a ";" would split the frame: replaced */
		if (strstr(line, "poll"))
			assert_string_equal(line, "main.poll_x 2");
	}
	assert_int_equal(lines, 3);
	assert_int_equal(sum, group_set_last(s)->total);
	free(b);
	group_set_free(s);
	free(text);
	rules_free(r);
}

static void test_page(void **state)
{
	rules *r = builtin();
	char *text = dump_text(shop, 3, 1);
	group_set *s = parse_set(r, text);
	char *b = render(s, REPORT_HTML);

	(void)state;
	assert_null(strstr(b, "<b>worker"));
	assert_non_null(strstr(b, "main.&lt;b&gt;worker&lt;/b&gt;"));
	assert_non_null(strstr(b, "in&lt;put&gt;.txt"));
	/* one script, the page's own, and a policy that forbids requests */
	assert_non_null(strstr(b, "default-src 'none'"));
	assert_int_equal(count(b, "<script"), 1);
	assert_int_equal(count(b, "<style"), 1);
	assert_null(strstr(b, "http://"));
	assert_null(strstr(b, "https://"));
	assert_null(strstr(b, "url("));
	assert_null(strstr(b, " src="));
	/* a group section per group, and the icicle */
	assert_non_null(strstr(b, "id=\"g-1\""));
	assert_non_null(strstr(b, "id=\"g-4\""));
	assert_non_null(strstr(b, "<svg class=\"flame\""));
	free(b);
	group_set_free(s);
	free(text);
	rules_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_markup),
		cmocka_unit_test(test_escape_bytes),
		cmocka_unit_test(test_folded),
		cmocka_unit_test(test_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
