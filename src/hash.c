/*
 * Random seeds for the keyed hash tables: see hash.h.
 */
#include "config.h"

#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"

void
hash_random_seeds(uint64_t *seed, size_t n)
{
	size_t i;

	if (n == 0)
		return;
#ifdef HAVE_GETENTROPY
	if (n * sizeof seed[0] <= 256 &&
	    getentropy(seed, n * sizeof seed[0]) == 0)
		return;
#endif
	seed[0] = hash_mix64((uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^
	    (uint64_t)(uintptr_t)seed);
	for (i = 1; i < n; i++)
		seed[i] = hash_mix64(seed[i - 1] ^ (uint64_t)(uintptr_t)seed);
}
