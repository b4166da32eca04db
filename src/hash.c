/*
 * hash.c - keys for the table hash (the hash itself is inline in hash.h).
 */
#include "hash.h"

#include <errno.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* splitmix64: spreads a weak seed over a whole word. */
static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void hash_key_new(hash_key *k)
{
	unsigned char *p = (unsigned char *)k->k;
	size_t got = 0;

	memset(k, 0, sizeof *k);
	/* GRND_NONBLOCK: early in boot the pool may not be ready, and a
	 * triage tool must not wait for it */
	while (got < sizeof k->k) {
		ssize_t r;

		r = getrandom(p + got, sizeof k->k - got, GRND_NONBLOCK);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got < sizeof k->k) {
		struct timespec ts;
		uint64_t x;
		size_t i;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		x = (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30 ^
		    (uint64_t)getpid() << 48 ^ (uint64_t)(uintptr_t)k;
		for (i = 0; i < 4; i++) /* keeps what getrandom gave */
			k->k[i] ^= splitmix(&x);
	}
	k->k[2] |= 1;
	k->k[3] |= 1;
}
