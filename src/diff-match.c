/*
 * transcope diff: pairing the flows of the old report with those of the new
 * (see diff.h).
 *
 * Two passes over the flows still unpaired: first by protocol, the tunnels
 * (the flow's "tunnel" list, all of it: one inner conversation in two
 * tunnels is two flows), client and server address and port; then the
 * same without the client port, which a new run usually changes.  Each pass sorts both sides by key then id and
 * walks them together like a merge, so flows sharing a key pair up in id
 * order and the result depends only on the reports.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "xmalloc.h"

static int
str_cmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
int_cmp(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

static int
key_cmp(const struct diff_flow *x, const struct diff_flow *y, bool full)
{
	int	c;

	if ((c = str_cmp(x->proto, y->proto)) != 0)
		return c;
	if ((c = str_cmp(x->tunnel_key, y->tunnel_key)) != 0)
		return c;
	if ((c = str_cmp(x->cip, y->cip)) != 0)
		return c;
	if (full && (c = int_cmp(x->cport, y->cport)) != 0)
		return c;
	if ((c = str_cmp(x->sip, y->sip)) != 0)
		return c;
	return int_cmp(x->sport, y->sport);
}

static int
flow_cmp_full(const void *a, const void *b)
{
	const struct diff_flow	*x = *(struct diff_flow *const *)a;
	const struct diff_flow	*y = *(struct diff_flow *const *)b;
	int			 c;

	if ((c = key_cmp(x, y, true)) != 0)
		return c;
	return diff_flow_cmp_id(a, b);
}

static int
flow_cmp_part(const void *a, const void *b)
{
	const struct diff_flow	*x = *(struct diff_flow *const *)a;
	const struct diff_flow	*y = *(struct diff_flow *const *)b;
	int			 c;

	if ((c = key_cmp(x, y, false)) != 0)
		return c;
	return diff_flow_cmp_id(a, b);
}

/* Collect the unmatched flows of r, sorted for a pass. */
static size_t
unmatched(struct diff_report *r, struct diff_flow **v, bool full)
{
	size_t	i, n = 0;

	for (i = 0; i < r->nflows; i++) {
		if (r->flows[i].peer == NULL)
			v[n++] = &r->flows[i];
	}
	qsort(v, n, sizeof *v, full ? flow_cmp_full : flow_cmp_part);
	return n;
}

/*
 * Both lists sorted by key then id: within a run of equal keys, the k-th old
 * flow pairs with the k-th new one.
 */
static void
match_pass(struct diff_report *o, struct diff_report *n, bool full)
{
	struct diff_flow	**a, **b;
	size_t			  na, nb, i = 0, j = 0;
	int			  c;

	a = xcalloc(o->nflows + 1, sizeof *a);
	b = xcalloc(n->nflows + 1, sizeof *b);
	na = unmatched(o, a, full);
	nb = unmatched(n, b, full);
	while (i < na && j < nb) {
		c = key_cmp(a[i], b[j], full);
		if (c < 0)
			i++;
		else if (c > 0)
			j++;
		else {
			a[i]->peer = b[j];
			b[j]->peer = a[i];
			i++;
			j++;
		}
	}
	free(a);
	free(b);
}

void
diff_match(struct diff_report *o, struct diff_report *n)
{
	match_pass(o, n, true);
	match_pass(o, n, false);
}
