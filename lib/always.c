/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/addrmatch.h"
#include "callgate/always.h"
#include "callgate/cleanup.h"
#include "callgate/pattern.h"
#include "callgate/policy_write.h"
#include "callgate/sysargs.h"

unsigned always_int_args(const char *name)
{
	const char *k = name ? sysargs_kinds(name) : NULL;
	unsigned mask = 0;

	if (!k)
		return 0;
	for (unsigned i = 0; k[i] && i < 6; i++)
		if (strchr("iuxof", k[i]))
			mask |= 1u << i;
	return mask;
}

/* The pattern matching path or address @value alone, or NULL in *@ret. */
static int exact_pattern(const char *value, bool is_addr, char **ret)
{
	struct cg_sockaddr sa;
	struct addr_pattern pat;
	_cleanup_free_ char *text = NULL;
	size_t n;
	int r;

	*ret = NULL;
	if (is_addr) {
		char buf[1024];

		if (sockaddr_parse(value, &sa) < 0)
			return 0;
		r = addr_pattern_exact(&sa, &pat);
		if (r < 0)
			return r == -ENOMEM ? r : 0;
		r = addr_pattern_format(&pat, buf, sizeof(buf));
		addr_pattern_done(&pat);
		if (r < 0)
			return 0;
		*ret = strdup(buf);
		return *ret ? 0 : -ENOMEM;
	}
	n = pattern_escape(value, strlen(value), NULL, 0);
	text = malloc(n + 1);
	if (!text)
		return -ENOMEM;
	pattern_escape(value, strlen(value), text, n + 1);
	if (path_pattern_check(text, NULL, 0) < 0)
		return 0; /* not absolute and normalised */
	*ret = steal_ptr(&text);
	return 0;
}

int always_rule_init(struct always_rule *r, const struct record *rec, enum answer_scope scope)
{
	struct always_rule a = { .arch = rec->arch, .nr = rec->nr, .scope = scope };
	int err;

	switch (scope) {
	case ANSWER_SCOPE_SYSCALL: break;
	case ANSWER_SCOPE_ARGS:
		a.arg_mask = always_int_args(rec->syscall);
		if (!a.arg_mask)
			return -EINVAL; /* nothing to narrow to */
		memcpy(a.args, rec->args, sizeof(a.args));
		break;
	case ANSWER_SCOPE_PATH: {
		const char *v = rec->n_paths ? rec->paths[0] : rec->addr;

		if (!v)
			return -EINVAL;
		a.is_addr = !rec->n_paths;
		err = exact_pattern(v, a.is_addr, &a.pattern);
		if (err < 0)
			return err;
		if (!a.pattern)
			return -EINVAL;
		a.value = strdup(v);
		if (!a.value) {
			free(a.pattern);
			return -ENOMEM;
		}
		break;
	}
	default: return -EINVAL;
	}
	*r = a;
	return 0;
}

void always_rule_done(struct always_rule *r)
{
	free(r->value);
	free(r->pattern);
	r->value = r->pattern = NULL;
}

const struct always_rule *always_rules_find(const struct always_rule *v, size_t n,
					    enum cg_arch arch, int nr, const uint64_t args[6],
					    const char *path, const char *addr)
{
	for (size_t i = 0; i < n; i++) {
		const struct always_rule *r = &v[i];
		const char *have;
		bool same = true;

		if (r->arch != arch || r->nr != nr)
			continue;
		switch (r->scope) {
		case ANSWER_SCOPE_SYSCALL: return r;
		case ANSWER_SCOPE_ARGS:
			for (unsigned a = 0; a < 6; a++)
				if ((r->arg_mask & (1u << a)) && args[a] != r->args[a])
					same = false;
			if (same)
				return r;
			break;
		case ANSWER_SCOPE_PATH:
			have = r->is_addr ? addr : path;
			if (have && strcmp(have, r->value) == 0)
				return r;
			break;
		default: break;
		}
	}
	return NULL;
}

bool always_rules_cover(const struct always_rule *v, size_t n, enum cg_arch arch, int nr,
			const uint64_t args[6], const char *path, const char *addr)
{
	return always_rules_find(v, n, arch, nr, args, path, addr) != NULL;
}

/* ---- the profile ---------------------------------------------------------- */

/* What an added rule points to; policy_rule's strings are not const, but
 * nothing here is written or freed through them. */
struct added {
	char *names[1];
	char *patterns[1];
	struct policy_arg args[6];
};

static const char *const scope_comment[2][ANSWER_SCOPE_MAX] = {
	{
		[ANSWER_SCOPE_SYSCALL] = "allowed always by the operator (callgate interactive)",
		[ANSWER_SCOPE_ARGS] = "allowed always by the operator with these arguments "
				      "(callgate interactive)",
		[ANSWER_SCOPE_PATH] = "allowed always by the operator for this path or address "
				      "(callgate interactive)",
	},
	{
		[ANSWER_SCOPE_SYSCALL] = "denied always by the operator (callgate interactive)",
		[ANSWER_SCOPE_ARGS] = "denied always by the operator with these arguments "
				      "(callgate interactive)",
		[ANSWER_SCOPE_PATH] = "denied always by the operator for this path or address "
				      "(callgate interactive)",
	},
};

/* @a as a profile rule in @r, pointing into @x. */
static int rule_of(const struct always_rule *a, struct added *x, struct policy_rule *r)
{
	const char *name = syscall_name(a->arch, a->nr);

	if (!name || a->scope < 0 || a->scope >= ANSWER_SCOPE_MAX)
		return -EINVAL;
	x->names[0] = (char *)name;
	*r = (struct policy_rule){ .names = x->names,
				   .n_names = 1,
				   .action = a->deny ? POLICY_ACT_ERRNO : POLICY_ACT_ALLOW,
				   .has_errno_ret = a->deny,
				   .errno_ret =
					   a->deny ? (uint64_t)(a->err > 0 ? a->err : EPERM) : 0,
				   .comment = (char *)scope_comment[a->deny][a->scope] };
	if (a->scope == ANSWER_SCOPE_ARGS) {
		r->args = x->args;
		for (unsigned i = 0; i < 6; i++)
			if (a->arg_mask & (1u << i))
				r->args[r->n_args++] = (struct policy_arg){ .index = i,
									    .value = a->args[i],
									    .op = POLICY_OP_EQ };
	} else if (a->scope == ANSWER_SCOPE_PATH) {
		if (!a->pattern)
			return -EINVAL;
		x->patterns[0] = a->pattern;
		if (a->is_addr) {
			r->addresses = x->patterns;
			r->n_addresses = 1;
		} else {
			r->paths = x->patterns;
			r->n_paths = 1;
		}
	}
	return 0;
}

/* Whether @r decides whatever the arguments of the syscalls it names. */
static bool outright(const struct policy_rule *r)
{
	return !r->n_args && !r->n_paths && !r->n_addresses;
}

/* The name of a rule of @v (the first @n) that rules syscall @name
 * whatever its arguments. */
static bool ruled_outright(const struct always_rule *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].scope == ANSWER_SCOPE_SYSCALL) {
			const char *s = syscall_name(v[i].arch, v[i].nr);

			if (s && strcmp(s, name) == 0)
				return true;
		}
	return false;
}

/* If @r decides outright a syscall that @v rules outright: @out's names
 * are a new array of @r's other names (freed by the caller); else @out is
 * left alone. */
static int unname(const struct policy_rule *r, const struct always_rule *v, size_t n,
		  struct policy_rule *out)
{
	char **names;
	size_t k = 0;

	if (!outright(r))
		return 0;
	for (size_t j = 0; j < r->n_names; j++)
		k += ruled_outright(v, n, r->names[j]);
	if (k == 0)
		return 0;
	names = calloc(r->n_names - k + 1, sizeof(*names));
	if (!names)
		return -ENOMEM;
	k = 0;
	for (size_t j = 0; j < r->n_names; j++)
		if (!ruled_outright(v, n, r->names[j]))
			names[k++] = r->names[j];
	out->names = names;
	out->n_names = k;
	return 0;
}

int always_profile(const struct policy *p, const struct always_rule *v, size_t n, char **ret)
{
	/* a view of @p: its rules shallow-copied after the added ones */
	struct policy view = *p;
	_cleanup_free_ struct added *added = calloc(n + 1, sizeof(*added));
	_cleanup_free_ struct policy_rule *rules = calloc(n + p->n_rules + 1, sizeof(*rules));
	_cleanup_free_ char ***made = calloc(p->n_rules + 1, sizeof(*made));
	size_t k = 0, n_made = 0;
	int r = 0;

	if (!added || !rules || !made)
		return -ENOMEM;
	for (size_t i = 0; i < n && r == 0; i++) {
		const char *name = syscall_name(v[i].arch, v[i].nr);

		/* ruled outright by an earlier one (another ABI's): it wins */
		if (v[i].scope == ANSWER_SCOPE_SYSCALL && name && ruled_outright(v, i, name))
			continue;
		r = rule_of(&v[i], &added[k], &rules[k]);
		k++;
	}
	view.rules = rules;
	view.n_rules = k;
	for (size_t j = 0; j < p->n_rules && r == 0; j++) {
		struct policy_rule *out = &rules[view.n_rules];

		*out = p->rules[j];
		r = unname(&p->rules[j], v, n, out);
		if (out->names != p->rules[j].names)
			made[n_made++] = out->names;
		/* a rule left with no name is left out */
		if (out->n_names || !p->rules[j].n_names)
			view.n_rules++;
	}
	if (r == 0)
		r = policy_write(&view, ret);
	/* the name lists unname() made */
	for (size_t j = 0; j < n_made; j++)
		free(made[j]);
	return r;
}
