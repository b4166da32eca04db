/* Unit tests for redaction: what a URL shows, and what a message about a
 * transfer keeps of the credentials given for it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"

/* What a URL shows: no password, no secret query value, the rest kept. */
static void test_display(void **state)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{"http://host:6060/debug/pprof/goroutine",
		 "http://host:6060/debug/pprof/goroutine"},
		{"http://user:s3cret@host:6060/x",
		 "http://user:***@host:6060/x"},
		{"https://tok3n@host/", "https://***@host/"},
		{"http://u:p@ss@host/", "http://u:***@host/"},
		{"http://host/p?a=1&token=abc&Password=x#f",
		 "http://host/p?a=1&token=***&Password=***#f"},
		{"http://host/p?debug=2&access_token=",
		 "http://host/p?debug=2&access_token=***"},
		{"http://host/r?next=http://u:pw@other/&sig=z",
		 "http://host/r?next=http://u:***@other/&sig=***"},
		{"Location: ftp://a:b@c/d and http://e:f@g/ end",
		 "Location: ftp://a:***@c/d and http://e:***@g/ end"},
		{"/var/log/app.log", "/var/log/app.log"},
		{"http://h@", "http://***@"},
		{"", ""},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *d = redact_url(t[i].in);

		if (strcmp(d, t[i].want) != 0)
			fail_msg("%s: got '%s', want '%s'", t[i].in, d,
				 t[i].want);
		free(d);
	}
}

/* Credentials given for a transfer are blanked wherever a message quotes
 * them; the rest of the message is kept. */
static void test_message(void **state)
{
	static const char *const hdrs[] = {
		"X-Request-Id: abcd1234",
		"authorization:  Bearer tok-s3cret ",
		"Cookie: a=1; sid=cookie-s3cret",
	};
	char msg[256];

	(void)state;
	snprintf(msg, sizeof msg,
		 "got tok-s3cret, Bearer tok-s3cret, cookie-s3cret, pw-s3cret "
		 "and p@ss-s3cret, x=q-s3cret; abcd1234 and "
		 "http://a:b@host/: kept");
	redact_message(msg, sizeof msg,
		       "http://u:p%40ss-s3cret@host/x?x_token=q-s3cret",
		       "u:pw-s3cret", hdrs, 3);
	assert_string_equal(msg, "got ***, ***, ***, *** and ***, "
				 "x=***; abcd1234 and http://a:***@host/: kept");
	/* short secrets are left; no userpwd, no headers */
	snprintf(msg, sizeof msg, "abc at http://h/");
	redact_message(msg, sizeof msg, "http://u:abc@h/", NULL, NULL, 0);
	assert_string_equal(msg, "abc at http://h/");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_display),
		cmocka_unit_test(test_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
