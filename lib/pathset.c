/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/pathmatch.h"
#include "callgate/pathset.h"

#define PS_NONE UINT32_MAX
#define PS_POS	1u
#define PS_NEG	2u
/* The matcher's scratch, on the stack: nodes reached at once (non-"**"
 * and "**" ones each), and "**" nodes in the set (a bitmap). */
#define PS_ACTIVE_MAX 256
#define PS_DSTAR_MAX  8192

struct ps_node {
	uint32_t lit_first, lit_n;   /* edges[], sorted by text (found by lit_hash) */
	uint32_t glob_first, glob_n; /* edges[], in pattern order */
	uint32_t dstar;		     /* the node a "**" component leads to, or PS_NONE */
	uint32_t dstar_id;	     /* a "**" node: its number among them, else PS_NONE */
	uint32_t accept;	     /* PS_POS, PS_NEG: a pattern ends here */
	uint32_t parent;	     /* build only */
	bool neg_below;		     /* an exclusion ends here or below */
};

struct ps_edge {
	uint32_t from, to;
	uint32_t off, len; /* the component: text[off, off + len) */
	uint32_t glob;	   /* build only: 1 for a glob edge */
};

struct path_set {
	char *text;	 /* the patterns, each NUL-terminated */
	char **patterns; /* into text, for the fallback */
	size_t n_patterns;
	struct ps_node *nodes;
	struct ps_edge *edges;
	uint32_t n_nodes, n_edges, n_dstar;
	uint32_t *lit_hash; /* literal edges by (from, text): edges[] index + 1, 0 empty */
	size_t lit_mask;
	bool linear; /* always the fallback */
};

static const char *next_component(const char *p, const char **ret_end)
{
	while (*p == '/')
		p++;
	*ret_end = strchrnul(p, '/');
	return p;
}

static bool is_dstar(const char *p, const char *e)
{
	return e - p == 2 && p[0] == '*' && p[1] == '*';
}

static bool is_literal(const char *p, const char *e)
{
	for (; p < e; p++)
		if (*p == '*' || *p == '?' || *p == '[')
			return false;
	return true;
}

/* Order of literal edges: by text as bytes, a prefix first. */
static int text_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int edge_cmp(const void *x, const void *y, void *arg)
{
	const struct ps_edge *a = x, *b = y;
	const char *text = arg;

	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	if (a->glob != b->glob)
		return a->glob < b->glob ? -1 : 1;
	if (a->glob) /* pattern order (creation order) */
		return a->to < b->to ? -1 : a->to > b->to;
	return text_cmp(text + a->off, a->len, text + b->off, b->len);
}

struct build {
	struct path_set *s;
	uint32_t *hash; /* edges[] index + 1, 0 empty */
	size_t hash_mask;
};

static size_t edge_hash(uint32_t from, uint32_t glob, const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull ^ from ^ ((uint64_t)glob << 32);

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return (size_t)(h ^ (h >> 29));
}

static uint32_t new_node(struct path_set *s)
{
	uint32_t id = s->n_nodes++;

	s->nodes[id] = (struct ps_node){ .dstar = PS_NONE, .dstar_id = PS_NONE };
	return id;
}

/* The child of @from by component [p, e): found or made. */
static uint32_t child(struct build *b, uint32_t from, const char *p, const char *e)
{
	struct path_set *s = b->s;
	uint32_t glob = !is_literal(p, e);
	size_t n = (size_t)(e - p), i;

	if (is_dstar(p, e)) {
		if (s->nodes[from].dstar == PS_NONE) {
			uint32_t d = new_node(s);

			s->nodes[d].dstar_id = s->n_dstar++;
			s->nodes[d].parent = from;
			s->nodes[from].dstar = d;
		}
		return s->nodes[from].dstar;
	}
	for (i = edge_hash(from, glob, p, n) & b->hash_mask; b->hash[i];
	     i = (i + 1) & b->hash_mask) {
		const struct ps_edge *x = &s->edges[b->hash[i] - 1];

		if (x->from == from && x->glob == glob && x->len == n &&
		    memcmp(s->text + x->off, p, n) == 0)
			return x->to;
	}
	s->edges[s->n_edges] = (struct ps_edge){
		.from = from,
		.to = new_node(s),
		.off = (uint32_t)(p - s->text),
		.len = (uint32_t)n,
		.glob = glob,
	};
	s->nodes[s->n_nodes - 1].parent = from;
	b->hash[i] = ++s->n_edges;
	return s->edges[s->n_edges - 1].to;
}

void path_set_free(struct path_set *s)
{
	if (!s)
		return;
	free(s->text);
	free(s->patterns);
	free(s->nodes);
	free(s->edges);
	free(s->lit_hash);
	free(s);
}

int path_set_new(char *const *patterns, size_t n, struct path_set **ret)
{
	struct path_set *s = calloc(1, sizeof(*s));
	struct build b = { .s = s };
	size_t len = 0, comps = 0, hash_size = 16;
	int r = -ENOMEM;

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *e;

		len += strlen(patterns[i]) + 1;
		for (const char *p = next_component(patterns[i], &e); *p; p = next_component(e, &e))
			comps++;
	}
	if (len > UINT32_MAX / 2 || comps > UINT32_MAX / 4)
		goto fail;
	s->text = malloc(len ? len : 1);
	s->patterns = calloc(n ? n : 1, sizeof(*s->patterns));
	s->nodes = calloc(comps + 1, sizeof(*s->nodes));
	s->edges = calloc(comps ? comps : 1, sizeof(*s->edges));
	while (hash_size < 2 * comps)
		hash_size *= 2;
	b.hash = calloc(hash_size, sizeof(*b.hash));
	b.hash_mask = hash_size - 1;
	if (!s->text || !s->patterns || !s->nodes || !s->edges || !b.hash)
		goto fail;
	s->n_patterns = n;
	new_node(s); /* the root: the path "/" */
	len = 0;
	for (size_t i = 0; i < n; i++) {
		char *pat = s->text + len;
		const char *p, *e;
		uint32_t at = 0, neg;

		strcpy(pat, patterns[i]);
		len += strlen(pat) + 1;
		s->patterns[i] = pat;
		neg = pat[0] == '!';
		/* path_glob_match(): a pattern that is not absolute
		 * matches nothing */
		if (pat[neg] != '/')
			continue;
		for (p = next_component(pat + neg, &e); *p; p = next_component(e, &e))
			at = child(&b, at, p, e);
		s->nodes[at].accept |= neg ? PS_NEG : PS_POS;
	}
	qsort_r(s->edges, s->n_edges, sizeof(*s->edges), edge_cmp, s->text);
	for (uint32_t i = 0; i < s->n_edges; i++) {
		struct ps_node *from = &s->nodes[s->edges[i].from];

		if (s->edges[i].glob) {
			if (!from->glob_n)
				from->glob_first = i;
			from->glob_n++;
		} else {
			if (!from->lit_n)
				from->lit_first = i;
			from->lit_n++;
		}
	}
	/* the build's table, again, for the literal edges at their sorted places */
	memset(b.hash, 0, hash_size * sizeof(*b.hash));
	for (uint32_t i = 0; i < s->n_edges; i++) {
		const struct ps_edge *x = &s->edges[i];
		size_t k;

		if (x->glob)
			continue;
		for (k = edge_hash(x->from, 0, s->text + x->off, x->len) & b.hash_mask; b.hash[k];
		     k = (k + 1) & b.hash_mask)
			;
		b.hash[k] = i + 1;
	}
	s->lit_hash = b.hash;
	s->lit_mask = b.hash_mask;
	b.hash = NULL;
	/* a child is made after its parent */
	for (uint32_t i = s->n_nodes; i-- > 0;) {
		s->nodes[i].neg_below |= (s->nodes[i].accept & PS_NEG) != 0;
		if (i)
			s->nodes[s->nodes[i].parent].neg_below |= s->nodes[i].neg_below;
	}
	s->linear = s->n_dstar > PS_DSTAR_MAX;
	free(b.hash);
	*ret = s;
	return 0;
fail:
	free(b.hash);
	path_set_free(s);
	return r;
}

bool path_set_is_linear(const struct path_set *s)
{
	return s->linear;
}

/* The literal child of node @from named [p, p + len), or PS_NONE. */
static uint32_t find_literal(const struct path_set *s, uint32_t from, const char *p, size_t len)
{
	for (size_t k = edge_hash(from, 0, p, len) & s->lit_mask; s->lit_hash[k];
	     k = (k + 1) & s->lit_mask) {
		const struct ps_edge *x = &s->edges[s->lit_hash[k] - 1];

		if (x->from == from && x->len == len && memcmp(s->text + x->off, p, len) == 0)
			return x->to;
	}
	return PS_NONE;
}

struct walk {
	uint32_t cur[PS_ACTIVE_MAX], next[PS_ACTIVE_MAX], dstar[PS_ACTIVE_MAX];
	uint64_t seen[PS_DSTAR_MAX / 64]; /* "**" nodes in dstar[] */
	size_t n_cur, n_next, n_dstar;
	bool overflow;
	bool excluded; /* an exclusion ending in "**" was reached: it matches */
	bool included; /* likewise a positive pattern: nodes with no exclusion
			* below them need not be reached any more */
};

/* Reach node @id (not a "**" one) for the next component, and the "**"
 * nodes below it, which match zero components. */
static void reach(const struct path_set *s, struct walk *w, uint32_t id)
{
	if (w->n_next == PS_ACTIVE_MAX) {
		w->overflow = true;
		return;
	}
	w->next[w->n_next++] = id;
	for (uint32_t d = s->nodes[id].dstar; d != PS_NONE; d = s->nodes[d].dstar) {
		uint32_t k = s->nodes[d].dstar_id;

		if (w->seen[k / 64] & (1ull << (k % 64)))
			break; /* reached before, with what is below it */
		if (w->n_dstar == PS_ACTIVE_MAX) {
			w->overflow = true;
			return;
		}
		w->seen[k / 64] |= 1ull << (k % 64);
		w->dstar[w->n_dstar++] = d;
		/* a "**" node stays reached to the end */
		if (s->nodes[d].accept & PS_NEG)
			w->excluded = true;
		if (s->nodes[d].accept & PS_POS)
			w->included = true;
	}
}

/* Edges of @id taken by component [p, e). */
static void step(const struct path_set *s, struct walk *w, uint32_t id, const char *p,
		 const char *e)
{
	const struct ps_node *n = &s->nodes[id];

	if (n->lit_n) {
		uint32_t to = find_literal(s, id, p, (size_t)(e - p));

		if (to != PS_NONE && (!w->included || s->nodes[to].neg_below))
			reach(s, w, to);
	}
	for (uint32_t i = n->glob_first; i < n->glob_first + n->glob_n; i++) {
		const struct ps_edge *x = &s->edges[i];

		/* what the linear scan skips too: positives once one matched */
		if (w->included && !n->neg_below)
			break;
		if (w->included && !s->nodes[x->to].neg_below)
			continue;
		if (path_component_match(s->text + x->off, s->text + x->off + x->len, p, e))
			reach(s, w, x->to);
	}
}

bool path_set_match(const struct path_set *s, const char *path)
{
	struct walk w;
	const char *p, *e;
	uint32_t accept = 0;

	if (s->linear)
		return path_patterns_match(s->patterns, s->n_patterns, path);
	if (path[0] != '/')
		return false;
	w.n_next = w.n_dstar = 0;
	w.overflow = w.excluded = w.included = false;
	memset(w.seen, 0, (s->n_dstar + 63) / 64 * sizeof(w.seen[0]));
	reach(s, &w, 0);
	for (p = next_component(path, &e); *p; p = next_component(e, &e)) {
		size_t n_dstar = w.n_dstar; /* those reached now start after p */

		if (w.overflow)
			return path_patterns_match(s->patterns, s->n_patterns, path);
		if (w.excluded)
			return false;
		memcpy(w.cur, w.next, w.n_next * sizeof(w.cur[0]));
		w.n_cur = w.n_next;
		w.n_next = 0;
		for (size_t i = 0; i < w.n_cur; i++)
			step(s, &w, w.cur[i], p, e);
		for (size_t i = 0; i < n_dstar; i++)
			step(s, &w, w.dstar[i], p, e);
		if (w.n_next == 0 && w.n_dstar == 0)
			return false;
	}
	if (w.overflow)
		return path_patterns_match(s->patterns, s->n_patterns, path);
	for (size_t i = 0; i < w.n_next; i++)
		accept |= s->nodes[w.next[i]].accept;
	for (size_t i = 0; i < w.n_dstar; i++)
		accept |= s->nodes[w.dstar[i]].accept;
	return accept == PS_POS;
}
