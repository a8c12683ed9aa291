/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "callgate/lint.h"
#include "policy_warn.h"

static void print(FILE *f, const char *path, struct policy_pos pos, const char *label,
		  const char *msg)
{
	/* policy_error_format()'s form, without its length limit */
	if (pos.line)
		fprintf(f, "%s:%u:%u: %s: %s\n", path, pos.line, pos.column, label, msg);
	else
		fprintf(f, "%s: %s: %s\n", path, label, msg);
}

/* The open escape hatches in one line, at the first one's position. */
static void print_hatches(FILE *f, const char *path, const struct lint *l, const char *label)
{
	const struct lint_item *first = NULL;
	char names[256] = "", msg[512];
	size_t n = 0, off = 0, shown = 0;

	for (size_t i = 0; i < l->n_items; i++) {
		const struct lint_item *it = &l->items[i];
		const char *q, *e;

		if (it->kind != LINT_HATCH || it->severity != LINT_WARNING)
			continue;
		if (!n++)
			first = it;
		/* the name: escape hatch "NAME" ... */
		q = strchr(it->msg, '"');
		e = q ? strchr(q + 1, '"') : NULL;
		if (!e || shown == 6 || off >= sizeof(names))
			continue;
		off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%.*s",
					shown ? ", " : "", (int)(e - q - 1), q + 1);
		shown++;
	}
	if (!n)
		return;
	if (n > shown && off < sizeof(names))
		snprintf(names + off, sizeof(names) - off, " and %zu more", n - shown);
	snprintf(msg, sizeof(msg),
		 "%zu escape hatch%s (%s) can bypass the path and address rules; `callgate check "
		 "%s` names each, \"advisory\": \"deny\" refuses them",
		 n, n > 1 ? "es" : "", names, path);
	print(f, path, first->pos, label, msg);
}

int policy_warnings_print(FILE *f, const char *path, const struct policy *policy,
			  const struct plan *plan, unsigned flags)
{
	struct lint l = { 0 };
	const char *label = flags & POLICY_WARN_STRICT ? "error" : "warning";
	bool hatches_said = false;
	int n = 0;

	if (lint_policy(policy, plan, &l) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < l.n_items; i++) {
		const struct lint_item *it = &l.items[i];

		if (it->severity == LINT_NOTE) {
			if (flags & POLICY_WARN_NOTES)
				print(f, path, it->pos, "note", it->msg);
			continue;
		}
		n++;
		if (it->kind == LINT_HATCH && !(flags & POLICY_WARN_HATCHES)) {
			if (!hatches_said)
				print_hatches(f, path, &l, label);
			hatches_said = true;
			continue;
		}
		print(f, path, it->pos, label, it->msg);
	}
	lint_done(&l);
	return n;
}
