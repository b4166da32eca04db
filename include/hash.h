/*
 * hash.h - a keyed 64-bit hash for in-memory tables filled from untrusted
 * input.
 *
 * A dump is text anyone can write: a table keyed by a fixed or sampled hash
 * lets crafted stacks pile into one bucket and turns every insert into a
 * scan. This hash reads every byte (one 64x64->128-bit multiply per 16
 * bytes, in the style of wyhash) and mixes in a random key, so colliding
 * inputs cannot be prepared without knowing it. It is not a MAC.
 *
 * Values depend on the key: use them for tables only, never store or print
 * them (group fingerprints use a fixed hash of their own).
 */
#ifndef GT_HASH_H
#define GT_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct hash_key {
	uint64_t k[4]; /* k[2] and k[3] odd */
} hash_key;

/* Fills k with fresh random bits from getrandom(2), or from the clock and
 * addresses when the kernel has none to give. */
void hash_key_new(hash_key *k);

/* The starting value of a hash chained through the calls below. */
static inline uint64_t hash_start(const hash_key *k)
{
	return k->k[3];
}

/* ---- the rest is inline: the grouper calls it for every goroutine ---- */

static inline uint64_t hash__mum(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
	uint64_t al = a & 0xffffffffu, ah = a >> 32;
	uint64_t bl = b & 0xffffffffu, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
	uint64_t lo = (ll & 0xffffffffu) | mid << 32;
	uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);

	return lo ^ hi;
#endif
}

static inline uint64_t hash__r8(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t hash__r4(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Absorbs n bytes at p (p may be NULL when n is 0) into h. The length is
 * absorbed too, so a sequence of strings hashes unambiguously. */
static inline uint64_t hash_bytes(const hash_key *k, uint64_t h, const void *p,
				  size_t n)
{
	const unsigned char *s = p;
	uint64_t a, b;

	if (n <= 16) {
		/* two words that together cover every byte */
		if (n >= 4) {
			size_t q = (n >> 3) << 2;

			a = hash__r4(s) << 32 | hash__r4(s + q);
			b = hash__r4(s + n - 4) << 32 | hash__r4(s + n - 4 - q);
		} else if (n > 0) {
			a = (uint64_t)s[0] << 16 | (uint64_t)s[n >> 1] << 8 |
			    s[n - 1];
			b = 0;
		} else {
			a = b = 0;
		}
	} else {
		size_t left = n;

		for (; left > 16; s += 16, left -= 16)
			h = hash__mum(hash__r8(s) ^ k->k[0],
				      hash__r8(s + 8) ^ h);
		/* the last 16 bytes, overlapping the block before if need be */
		a = hash__r8(s + left - 16);
		b = hash__r8(s + left - 8);
	}
	/* The length is multiplied by a secret before it meets the data:
	 * strings of two lengths that read the same words ("abbbb",
	 * "abbbbb") then differ by an amount no input can cancel. */
	return hash__mum(a ^ k->k[1] ^ (uint64_t)n * k->k[2], b ^ h);
}

/* Absorbs a number into h. */
static inline uint64_t hash_u64(const hash_key *k, uint64_t h, uint64_t v)
{
	return hash__mum(v ^ k->k[0], h ^ k->k[1]);
}

#endif
