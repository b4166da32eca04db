/* Unit tests for the keyed table hash: every byte and the length count,
 * string boundaries count, and the value depends on the key. A chance
 * collision would fail a test with odds of about 2^-64 per comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hash.h"

static uint64_t h1(const hash_key *k, const char *s, size_t n)
{
	return hash_bytes(k, hash_start(k), s, n);
}

/* Changing any one byte of a string of any length changes the hash. */
static void test_every_byte(void **state)
{
	hash_key k;
	char buf[100];
	size_t n, i;

	(void)state;
	hash_key_new(&k);
	for (i = 0; i < sizeof buf; i++)
		buf[i] = (char)('a' + i % 26);
	for (n = 1; n <= sizeof buf; n++) {
		uint64_t base = h1(&k, buf, n);

		assert_int_equal(h1(&k, buf, n), base); /* deterministic */
		for (i = 0; i < n; i++) {
			char keep = buf[i];

			buf[i] ^= 0x20;
			assert_int_not_equal(h1(&k, buf, n), base);
			buf[i] = '\0';
			assert_int_not_equal(h1(&k, buf, n), base);
			buf[i] = keep;
		}
	}
}

/* Strings of two lengths that read the same words still differ, and so do
 * the same bytes split differently between two strings. */
static void test_length_and_boundaries(void **state)
{
	hash_key k;
	uint64_t a, b;

	(void)state;
	hash_key_new(&k);
	assert_int_not_equal(h1(&k, "abbbb", 5), h1(&k, "abbbbb", 6));
	assert_int_not_equal(h1(&k, "ab", 2), h1(&k, "ab\0", 3));
	assert_int_not_equal(h1(&k, "", 0), h1(&k, "\0", 1));
	assert_int_not_equal(h1(&k, "0123456789abcdef", 16),
			     h1(&k, "0123456789abcdef0", 17));
	a = hash_bytes(&k, hash_bytes(&k, hash_start(&k), "ab", 2), "c", 1);
	b = hash_bytes(&k, hash_bytes(&k, hash_start(&k), "a", 1), "bc", 2);
	assert_int_not_equal(a, b);
	a = hash_u64(&k, hash_start(&k), 1);
	b = hash_u64(&k, hash_start(&k), 2);
	assert_int_not_equal(a, b);
	/* an empty string may come as a NULL pointer */
	assert_int_equal(h1(&k, NULL, 0), h1(&k, "", 0));
}

/* Two keys hash the same input differently: collisions found under one
 * key say nothing about another. */
static void test_keys_differ(void **state)
{
	hash_key a, b;
	static const char s[] =
		"example.com/shop/internal/fanout.(*Fetcher).worker";

	(void)state;
	hash_key_new(&a);
	hash_key_new(&b);
	assert_memory_not_equal(&a, &b, sizeof a);
	assert_true(a.k[2] & 1);
	assert_true(a.k[3] & 1);
	assert_int_not_equal(h1(&a, s, sizeof s - 1), h1(&b, s, sizeof s - 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_length_and_boundaries),
		cmocka_unit_test(test_keys_differ),
	};

	return cmocka_run_group_tests_name("hash", tests, NULL, NULL);
}
