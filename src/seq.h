/*
 * TCP sequence-number comparisons in serial-number arithmetic (RFC 1982):
 * a is "before" b when the signed 32-bit distance from a to b is positive,
 * so every comparison stays right across the 2^32 wrap.
 */
#ifndef TRANSCOPE_SEQ_H
#define TRANSCOPE_SEQ_H

#include <stdbool.h>
#include <stdint.h>

static inline int32_t
seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static inline bool seq_lt(uint32_t a, uint32_t b)  { return seq_diff(a, b) < 0; }
static inline bool seq_leq(uint32_t a, uint32_t b) { return seq_diff(a, b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b)  { return seq_diff(a, b) > 0; }
static inline bool seq_geq(uint32_t a, uint32_t b) { return seq_diff(a, b) >= 0; }

static inline uint32_t
seq_max(uint32_t a, uint32_t b)
{
	return seq_gt(a, b) ? a : b;
}

static inline uint32_t
seq_min(uint32_t a, uint32_t b)
{
	return seq_lt(a, b) ? a : b;
}

#endif
