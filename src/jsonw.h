/*
 * A small streaming JSON writer into a growing buffer, for the per-flow
 * records: building a json-c object per flow costs far more than the flow's
 * whole analysis.  Output is what json-c writes with
 * JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, byte for byte
 * (the golden tests and tests/check_json.c, which parses it back with json-c,
 * hold it to that).  Keys are the program's literals and are not escaped;
 * they are NULL inside arrays.  String values are escaped.
 *
 * The writer owns its buffer; jw_reset() empties it for reuse, jw_free()
 * releases it.
 */
#ifndef TRANSCOPE_JSONW_H
#define TRANSCOPE_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JW_MAX_DEPTH	16

struct jw {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	int	 depth;
	bool	 first[JW_MAX_DEPTH];
};

void	jw_reset(struct jw *);
void	jw_free(struct jw *);

void	jw_obj_begin(struct jw *, const char *key);
void	jw_obj_end(struct jw *);
void	jw_arr_begin(struct jw *, const char *key);
void	jw_arr_end(struct jw *);
void	jw_u64(struct jw *, const char *key, uint64_t);
void	jw_int(struct jw *, const char *key, int64_t);
void	jw_bool(struct jw *, const char *key, bool);
void	jw_null(struct jw *, const char *key);
void	jw_str(struct jw *, const char *key, const char *);
/* Seconds from nanoseconds: exactly, six decimals. */
void	jw_seconds(struct jw *, const char *key, uint64_t ns);
/* A computed value with a fixed number of decimals. */
void	jw_fixed(struct jw *, const char *key, double, int decimals);

#endif
