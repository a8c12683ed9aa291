/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small pretty-printing JSON emitter and the profile layout on top of it.
 * The emitter remembers its first error and ignores everything after it, so
 * the layout code reads straight through and the result is checked once.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/policy_write.h"

#define INDENT_WIDTH 2

struct writer {
	char *buf;
	size_t len;
	size_t cap;
	unsigned depth;
	bool first; /* nothing written yet in the innermost object or list */
	int err;    /* the first error: -ENOMEM or -EINVAL */
};

static void put(struct writer *w, const char *s, size_t n)
{
	if (w->err)
		return;
	if (n >= w->cap - w->len) {
		size_t cap = w->cap ? w->cap : 4096;
		char *b;

		while (n >= cap - w->len) {
			if (cap > SIZE_MAX / 2) {
				w->err = -ENOMEM;
				return;
			}
			cap *= 2;
		}
		b = realloc(w->buf, cap);
		if (!b) {
			w->err = -ENOMEM;
			return;
		}
		w->buf = b;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void put_s(struct writer *w, const char *s)
{
	put(w, s, strlen(s));
}

static void newline(struct writer *w)
{
	static const char spaces[] = "                                ";

	put(w, "\n", 1);
	for (size_t n = (size_t)w->depth * INDENT_WIDTH; n > 0;) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		put(w, spaces, k);
		n -= k;
	}
}

/* Start the next member or element of the innermost object or list. */
static void next(struct writer *w)
{
	if (!w->first)
		put(w, ",", 1);
	newline(w);
	w->first = false;
}

static void open_c(struct writer *w, char c)
{
	put(w, &c, 1);
	w->depth++;
	w->first = true;
}

static void close_c(struct writer *w, char c)
{
	w->depth--;
	if (!w->first)
		newline(w);
	put(w, &c, 1);
	w->first = false;
}

/* RFC 8259 string: '"', '\\' and the control characters are escaped. */
static void put_str(struct writer *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	put(w, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(w, run, (size_t)(s - run));
		if (c < 0x20) {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };

			put(w, esc, sizeof(esc));
		} else {
			char esc[2] = { '\\', (char)c };

			put(w, esc, sizeof(esc));
		}
		run = s + 1;
	}
	put(w, run, (size_t)(s - run));
	put(w, "\"", 1);
}

static void put_u64(struct writer *w, uint64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);

	put(w, buf, (size_t)n);
}

static void key(struct writer *w, const char *k)
{
	next(w);
	put_str(w, k);
	put(w, ": ", 2);
}

/* A string member, left out when NULL or empty (omitempty). */
static void str_member(struct writer *w, const char *k, const char *s)
{
	if (!s || !*s)
		return;
	key(w, k);
	put_str(w, s);
}

static void u64_member(struct writer *w, const char *k, uint64_t v)
{
	key(w, k);
	put_u64(w, v);
}

/* A []string member; left out when empty unless @always. */
static void strv_member(struct writer *w, const char *k, char *const *v, size_t n, bool always)
{
	if (n == 0 && !always)
		return;
	key(w, k);
	open_c(w, '[');
	for (size_t i = 0; i < n; i++) {
		next(w);
		put_str(w, v[i]);
	}
	close_c(w, ']');
}

/* A name from a table, or an error when the value is out of range. */
static void name_member(struct writer *w, const char *k, const char *name)
{
	if (!name) {
		if (!w->err)
			w->err = -EINVAL;
		return;
	}
	key(w, k);
	put_str(w, name);
}

static void write_filter(struct writer *w, const char *k, const struct policy_filter *f)
{
	if (!f)
		return;
	key(w, k);
	open_c(w, '{');
	strv_member(w, "caps", f->caps, f->n_caps, false);
	strv_member(w, "arches", f->arches, f->n_arches, false);
	if (f->has_min_kernel) {
		char buf[32] = "";

		/* "" is how moby spells 0.0, which it refuses written out */
		if (f->min_kernel_major || f->min_kernel_minor)
			snprintf(buf, sizeof(buf), "%u.%u", f->min_kernel_major,
				 f->min_kernel_minor);
		key(w, "minKernel");
		put_str(w, buf);
	}
	close_c(w, '}');
}

static void write_arg(struct writer *w, const struct policy_arg *a)
{
	next(w);
	open_c(w, '{');
	u64_member(w, "index", a->index);
	u64_member(w, "value", a->value);
	if (a->value_two)
		u64_member(w, "valueTwo", a->value_two);
	name_member(w, "op", policy_op_to_string(a->op));
	close_c(w, '}');
}

static void write_rule(struct writer *w, const struct policy_rule *r)
{
	next(w);
	open_c(w, '{');
	strv_member(w, "names", r->names, r->n_names, true);
	name_member(w, "action", policy_action_to_string(r->action));
	if (r->has_errno_ret)
		u64_member(w, "errnoRet", r->errno_ret);
	str_member(w, "errno", r->errno_name);
	if (r->n_args) {
		key(w, "args");
		open_c(w, '[');
		for (size_t i = 0; i < r->n_args; i++)
			write_arg(w, &r->args[i]);
		close_c(w, ']');
	}
	str_member(w, "comment", r->comment);
	write_filter(w, "includes", r->includes);
	write_filter(w, "excludes", r->excludes);
	strv_member(w, "paths", r->paths, r->n_paths, false);
	strv_member(w, "addresses", r->addresses, r->n_addresses, false);
	if (r->log) {
		key(w, "log");
		put_s(w, "true");
	}
	if (r->audit) {
		key(w, "audit");
		put_s(w, "true");
	}
	close_c(w, '}');
}

static void write_archmap(struct writer *w, const struct policy_archmap *a)
{
	next(w);
	open_c(w, '{');
	/* a null entry leaves the architecture unset: write nothing for it */
	if (a->arch) {
		key(w, "architecture");
		put_str(w, a->arch);
	}
	strv_member(w, "subArchitectures", a->sub_arches, a->n_sub_arches, true);
	close_c(w, '}');
}

static void write_top(struct writer *w, const struct policy *p)
{
	open_c(w, '{');
	if (!p->enabled) {
		close_c(w, '}');
		return;
	}
	name_member(w, "defaultAction", policy_action_to_string(p->default_action));
	if (p->has_default_errno_ret)
		u64_member(w, "defaultErrnoRet", p->default_errno_ret);
	str_member(w, "defaultErrno", p->default_errno_name);
	strv_member(w, "architectures", p->architectures, p->n_architectures, false);
	if (p->n_arch_map) {
		key(w, "archMap");
		open_c(w, '[');
		for (size_t i = 0; i < p->n_arch_map; i++)
			write_archmap(w, &p->arch_map[i]);
		close_c(w, ']');
	}
	strv_member(w, "flags", p->flags, p->n_flags, false);
	str_member(w, "listenerPath", p->listener_path);
	str_member(w, "listenerMetadata", p->listener_metadata);
	if (p->advisory_deny)
		str_member(w, "advisory", "deny");
	key(w, "syscalls");
	open_c(w, '[');
	for (size_t i = 0; i < p->n_rules; i++)
		write_rule(w, &p->rules[i]);
	close_c(w, ']');
	close_c(w, '}');
}

int policy_write(const struct policy *p, char **ret)
{
	struct writer w = { 0 };

	write_top(&w, p);
	put(&w, "\n", 1);
	if (w.err) {
		free(w.buf);
		return w.err;
	}
	*ret = w.buf;
	return 0;
}
