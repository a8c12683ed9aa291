/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "callgate/macro.h"
#include "callgate/answer.h"
#include "callgate/systable.h"

/* The verbs, short and long. */
static const struct {
	const char *word;
	enum answer_kind kind;
} verbs[] = {
	{ "a", ANSWER_ALLOW },	     { "allow", ANSWER_ALLOW },	  { "A", ANSWER_ALWAYS },
	{ "always", ANSWER_ALWAYS }, { "d", ANSWER_DENY },	  { "deny", ANSWER_DENY },
	{ "k", ANSWER_KILL },	     { "kill", ANSWER_KILL },	  { "h", ANSWER_HOLD },
	{ "hold", ANSWER_HOLD },     { "D", ANSWER_DENY_ALWAYS },
};

static const char *const kind_names[ANSWER_KIND_MAX] = {
	[ANSWER_ALLOW] = "allow", [ANSWER_ALWAYS] = "allow-always",
	[ANSWER_DENY] = "deny",	  [ANSWER_KILL] = "kill",
	[ANSWER_HOLD] = "hold",	  [ANSWER_DENY_ALWAYS] = "deny-always",
};

static const char *const scope_names[ANSWER_SCOPE_MAX] = {
	[ANSWER_SCOPE_SYSCALL] = "syscall",
	[ANSWER_SCOPE_ARGS] = "args",
	[ANSWER_SCOPE_PATH] = "path",
};

const char *answer_kind_to_string(enum answer_kind k)
{
	return k >= 0 && k < ANSWER_KIND_MAX ? kind_names[k] : NULL;
}

const char *answer_scope_to_string(enum answer_scope s)
{
	return s >= 0 && s < ANSWER_SCOPE_MAX ? scope_names[s] : NULL;
}

static enum answer_scope scope_from_string(const char *s)
{
	for (int i = 0; i < ANSWER_SCOPE_MAX; i++)
		if (strcmp(s, scope_names[i]) == 0)
			return (enum answer_scope)i;
	return ANSWER_SCOPE_INVALID;
}

static int fail(int r, char *why, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(int r, char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (why && size) {
		va_start(ap, fmt);
		vsnprintf(why, size, fmt, ap);
		va_end(ap);
	}
	return r;
}

int answer_parse(const char *const *words, size_t n, struct answer *ret, char *why, size_t why_size)
{
	struct answer a = { .kind = ANSWER_KIND_INVALID, .scope = ANSWER_SCOPE_SYSCALL };
	size_t i = 1;

	if (n == 0)
		return fail(-ENOENT, why, why_size, "no answer");
	for (size_t v = 0; v < ARRAY_SIZE(verbs); v++)
		if (strcmp(words[0], verbs[v].word) == 0)
			a.kind = verbs[v].kind;
	if (a.kind < 0)
		return fail(-ENOENT, why, why_size, "unknown answer '%s'", words[0]);

	/* "allow --always [SCOPE]" is "always [SCOPE]", "deny --always" "D" */
	if ((a.kind == ANSWER_ALLOW || a.kind == ANSWER_DENY) && i < n &&
	    strcmp(words[i], "--always") == 0) {
		a.kind = a.kind == ANSWER_ALLOW ? ANSWER_ALWAYS : ANSWER_DENY_ALWAYS;
		i++;
	}
	if (a.kind == ANSWER_ALWAYS && i < n) {
		a.scope = scope_from_string(words[i]);
		if (a.scope < 0)
			return fail(-EINVAL, why, why_size,
				    "allow always takes syscall, args or path, not '%s'", words[i]);
		i++;
	}
	/* deny always: a scope, then an errno, each optional (no errno is
	 * named as a scope) */
	if (a.kind == ANSWER_DENY_ALWAYS && i < n && scope_from_string(words[i]) >= 0)
		a.scope = scope_from_string(words[i++]);
	if ((a.kind == ANSWER_DENY || a.kind == ANSWER_DENY_ALWAYS) && i < n) {
		const char *name = words[i++];

		if (strcmp(name, "--errno") == 0) {
			if (i == n)
				return fail(-EINVAL, why, why_size, "--errno needs a name");
			name = words[i++];
		}
		a.err = errno_from_name(name);
		if (a.err <= 0)
			return fail(-EINVAL, why, why_size, "unknown errno name '%s'", name);
	}
	if (i < n)
		return fail(-EINVAL, why, why_size, "unexpected '%s'", words[i]);
	ret->kind = a.kind;
	ret->scope = a.scope;
	ret->err = a.err;
	return 0;
}
