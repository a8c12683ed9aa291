/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An operator's answer to a question of interactive mode, as typed on the
 * terminal prompt (supervisor/prompt.c) or sent with `callgate ctl`
 * (supervisor/ctl.c, without the question number).  One grammar for both:
 *
 *   a | allow [--always [SCOPE]]      allow once, or always
 *   A | always [SCOPE]                allow always
 *   d | deny [--always [SCOPE]] [ERRNO | --errno ERRNO]
 *                                     deny with the policy's errno, or
 *                                     ERRNO; once, or always
 *   D [SCOPE] [ERRNO | --errno ERRNO] deny always
 *   k | kill                          kill the process
 *   h | hold                          leave the call blocked
 *
 * SCOPE: syscall (the default: every call of the syscall), args (with these
 * integer argument values), path (with this path or address).  ERRNO is a
 * name (EACCES).  Pure.
 */
#ifndef CALLGATE_ANSWER_H
#define CALLGATE_ANSWER_H

#include <errno.h>
#include <stddef.h>

enum answer_kind {
	ANSWER_ALLOW,
	ANSWER_ALWAYS,
	ANSWER_DENY,
	ANSWER_KILL,
	ANSWER_HOLD,
	ANSWER_DENY_ALWAYS,
	ANSWER_KIND_MAX,
	ANSWER_KIND_INVALID = -EINVAL,
};

/* What an allow-always or deny-always rule covers. */
enum answer_scope {
	ANSWER_SCOPE_SYSCALL, /* every call of the syscall */
	ANSWER_SCOPE_ARGS,    /* with these integer (not pointer) argument values */
	ANSWER_SCOPE_PATH,    /* with this path (or address) */
	ANSWER_SCOPE_MAX,
	ANSWER_SCOPE_INVALID = -EINVAL,
};

struct answer {
	enum answer_kind kind;
	enum answer_scope scope; /* ANSWER_ALWAYS, ANSWER_DENY_ALWAYS */
	int err;		 /* ANSWER_DENY(_ALWAYS): the errno, 0: the policy's */
	const char *by;		 /* who answered ("tty", "ctl", "ask-timeout"): the caller's */
};

/*
 * answer_parse() - the answer in @n @words (the first is the verb).  Sets
 * kind, scope and err of *@ret (not "by") and returns 0; or returns -ENOENT
 * when the verb is none of the above, -EINVAL when what follows it is wrong,
 * with a reason in @why (NULL: not wanted); *@ret is untouched then.
 */
int answer_parse(const char *const *words, size_t n, struct answer *ret, char *why,
		 size_t why_size);

/* "allow", "allow-always", "deny", "kill", "hold", "deny-always"; NULL when
 * out of range. */
const char *answer_kind_to_string(enum answer_kind k);
/* "syscall", "args", "path"; NULL when out of range. */
const char *answer_scope_to_string(enum answer_scope s);

#endif
