/*
 * What the keyed hash tables share (the flow table, the capture's tunnel
 * list): a 64-bit finalizer and random seeds.  The seeds keep crafted keys
 * from piling into one probe run: an attacker who writes the capture
 * cannot know them.
 */
#ifndef TRANSCOPE_HASH_H
#define TRANSCOPE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* A full avalanche of x (MurmurHash3's 64-bit finalizer). */
static inline uint64_t
hash_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* n random words from the kernel; without getentropy(), from time and pid. */
void	hash_random_seeds(uint64_t *seed, size_t n);

#endif
