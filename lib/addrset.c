/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "callgate/addrset.h"
#include "callgate/pathset.h"

struct as_item { /* build only: one inet pattern */
	uint8_t plen, neg;
	uint8_t addr[16]; /* masked to plen */
	uint16_t lo, hi;
};

struct as_range {
	uint16_t lo, hi;
};

struct as_entry {
	uint8_t plen;
	uint8_t addr[16];
	uint32_t pos_first, pos_n, neg_first, neg_n; /* ranges[] */
};

struct as_table {
	struct as_entry *entries; /* sorted by (plen, addr) */
	uint32_t n_entries;
	uint32_t len_first[130]; /* entries of prefix length L: [len_first[L], len_first[L + 1]) */
	uint8_t lens[129];	 /* the distinct prefix lengths */
	uint32_t n_lens;
	unsigned bytes; /* 4 or 16 */
};

struct addr_set {
	struct as_table t4, t6;
	struct as_range *ranges;
	struct path_set *unix_paths, *abstract;
};

static void mask(uint8_t *a, unsigned plen, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++) {
		unsigned keep = plen >= 8 * (i + 1) ? 8 : plen > 8 * i ? plen - 8 * i : 0;

		a[i] &= (uint8_t)(0xff00u >> keep);
	}
}

static int item_cmp(const void *x, const void *y)
{
	const struct as_item *a = x, *b = y;
	int c;

	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	c = memcmp(a->addr, b->addr, 16);
	if (c)
		return c;
	if (a->neg != b->neg)
		return a->neg < b->neg ? -1 : 1;
	return a->lo < b->lo ? -1 : a->lo > b->lo;
}

/* Merge the sorted intervals of items[i..j) into ranges[]. */
static uint32_t merge(const struct as_item *items, size_t i, size_t j, struct as_range *ranges,
		      uint32_t *n_ranges)
{
	uint32_t first = *n_ranges;

	for (size_t k = i; k < j; k++) {
		struct as_range *last = *n_ranges > first ? &ranges[*n_ranges - 1] : NULL;

		if (last && items[k].lo <= (uint32_t)last->hi + 1) {
			if (items[k].hi > last->hi)
				last->hi = items[k].hi;
		} else {
			ranges[(*n_ranges)++] = (struct as_range){ items[k].lo, items[k].hi };
		}
	}
	return *n_ranges - first;
}

static int build_table(struct as_table *t, struct as_item *items, size_t n, unsigned bytes,
		       struct as_range *ranges, uint32_t *n_ranges)
{
	t->bytes = bytes;
	t->entries = calloc(n ? n : 1, sizeof(*t->entries));
	if (!t->entries)
		return -ENOMEM;
	qsort(items, n, sizeof(*items), item_cmp);
	for (size_t i = 0; i < n;) {
		struct as_entry *e = &t->entries[t->n_entries++];
		size_t j = i, k;

		while (j < n && items[j].plen == items[i].plen &&
		       memcmp(items[j].addr, items[i].addr, 16) == 0)
			j++;
		for (k = i; k < j && !items[k].neg; k++)
			;
		e->plen = items[i].plen;
		memcpy(e->addr, items[i].addr, 16);
		e->pos_first = *n_ranges;
		e->pos_n = merge(items, i, k, ranges, n_ranges);
		e->neg_first = *n_ranges;
		e->neg_n = merge(items, k, j, ranges, n_ranges);
		if (t->n_lens == 0 || t->lens[t->n_lens - 1] != e->plen)
			t->lens[t->n_lens++] = e->plen;
		i = j;
	}
	/* len_first[] for the lengths present, by a walk of the entries */
	for (uint32_t i = 0, l = 0; l <= 129; l++) {
		while (i < t->n_entries && t->entries[i].plen < l)
			i++;
		t->len_first[l] = i;
	}
	return 0;
}

static bool in_ranges(const struct as_range *r, uint32_t n, uint16_t port)
{
	uint32_t lo = 0, hi = n;

	/* the last range starting at or below port */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (r[mid].lo <= port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && port <= r[lo - 1].hi;
}

/* Whether some positive (*@pos) and some excluding (*@neg) pattern of @t
 * matches @addr (t->bytes bytes) and @port. */
static void lookup(const struct addr_set *s, const struct as_table *t, const uint8_t *addr,
		   uint16_t port, bool *pos, bool *neg)
{
	for (uint32_t i = 0; i < t->n_lens && !*neg; i++) {
		unsigned plen = t->lens[i];
		uint8_t key[16] = { 0 };
		uint32_t lo = t->len_first[plen], hi = t->len_first[plen + 1];

		memcpy(key, addr, t->bytes);
		mask(key, plen, t->bytes);
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			const struct as_entry *e = &t->entries[mid];
			int c = memcmp(e->addr, key, 16);

			if (c == 0) {
				*pos = *pos || in_ranges(s->ranges + e->pos_first, e->pos_n, port);
				*neg = *neg || in_ranges(s->ranges + e->neg_first, e->neg_n, port);
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
}

void addr_set_free(struct addr_set *s)
{
	if (!s)
		return;
	free(s->t4.entries);
	free(s->t6.entries);
	free(s->ranges);
	path_set_free(s->unix_paths);
	path_set_free(s->abstract);
	free(s);
}

/* The path set of the patterns of @kind, '!' in front of exclusions. */
static int globs(const struct addr_pattern *v, size_t n, enum addr_pattern_kind kind,
		 struct path_set **ret)
{
	char **g = calloc(n ? n : 1, sizeof(*g));
	size_t k = 0;
	int r = -ENOMEM;

	if (!g)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (v[i].kind != kind || !v[i].glob)
			continue;
		g[k] = malloc(strlen(v[i].glob) + 2);
		if (!g[k])
			goto out;
		strcpy(g[k], v[i].exclude ? "!" : "");
		strcat(g[k++], v[i].glob);
	}
	r = path_set_new(g, k, ret);
out:
	for (size_t i = 0; i < k; i++)
		free(g[i]);
	free(g);
	return r;
}

int addr_set_new(const struct addr_pattern *v, size_t n, struct addr_set **ret)
{
	struct addr_set *s = calloc(1, sizeof(*s));
	struct as_item *i4 = calloc(n ? n : 1, sizeof(*i4)), *i6 = calloc(n ? n : 1, sizeof(*i6));
	size_t n4 = 0, n6 = 0;
	uint32_t n_ranges = 0;
	int r = -ENOMEM;

	if (!s || !i4 || !i6)
		goto fail;
	s->ranges = calloc(n ? n : 1, sizeof(*s->ranges));
	if (!s->ranges)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		bool v4 = v[i].kind == ADDR_PATTERN_INET;
		struct as_item *it;

		if (!v4 && v[i].kind != ADDR_PATTERN_INET6)
			continue;
		it = v4 ? &i4[n4++] : &i6[n6++];
		it->plen = v[i].any_addr ? 0 : v[i].prefix;
		it->neg = v[i].exclude;
		memcpy(it->addr, v[i].addr, v4 ? 4 : 16);
		mask(it->addr, it->plen, 16);
		it->lo = v[i].port_lo;
		it->hi = v[i].port_hi;
	}
	r = build_table(&s->t4, i4, n4, 4, s->ranges, &n_ranges);
	if (r == 0)
		r = build_table(&s->t6, i6, n6, 16, s->ranges, &n_ranges);
	if (r == 0)
		r = globs(v, n, ADDR_PATTERN_UNIX, &s->unix_paths);
	if (r == 0)
		r = globs(v, n, ADDR_PATTERN_ABSTRACT, &s->abstract);
	if (r < 0)
		goto fail;
	free(i4);
	free(i6);
	*ret = s;
	return 0;
fail:
	free(i4);
	free(i6);
	addr_set_free(s);
	return r;
}

bool addr_set_match(const struct addr_set *s, const struct cg_sockaddr *a)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	bool pos = false, neg = false;

	switch (a->family) {
	case AF_INET: lookup(s, &s->t4, a->addr, a->port, &pos, &neg); break;
	case AF_INET6:
		lookup(s, &s->t6, a->addr, a->port, &pos, &neg);
		if (memcmp(a->addr, mapped, sizeof(mapped)) == 0)
			lookup(s, &s->t4, a->addr + 12, a->port, &pos, &neg);
		break;
	case AF_UNIX: {
		char have[CG_UNIX_PATH_MAX + 2];

		if (a->unnamed)
			return false;
		if (!a->abstract)
			return path_set_match(s->unix_paths, a->path);
		/* abstract names are flat: the whole name is one component */
		if (a->path_len > CG_UNIX_PATH_MAX || memchr(a->path, '/', a->path_len))
			return false;
		have[0] = '/';
		memcpy(have + 1, a->path, a->path_len);
		have[a->path_len + 1] = '\0';
		return path_set_match(s->abstract, have);
	}
	default: return false;
	}
	return pos && !neg;
}
