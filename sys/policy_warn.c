/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>

#include "callgate/lint.h"
#include "policy_warn.h"

int policy_warnings_print(FILE *f, const char *path, const struct policy *policy,
			  const struct plan *plan, unsigned flags)
{
	struct lint l = { 0 };
	int n = 0;

	if (lint_policy(policy, plan, &l) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < l.n_items; i++) {
		const struct lint_item *it = &l.items[i];
		const char *label = it->severity == LINT_NOTE	   ? "note"
				    : (flags & POLICY_WARN_STRICT) ? "error"
								   : "warning";

		if (it->severity == LINT_NOTE && !(flags & POLICY_WARN_NOTES))
			continue;
		/* policy_error_format()'s form, without its length limit */
		if (it->pos.line)
			fprintf(f, "%s:%u:%u: %s: %s\n", path, it->pos.line, it->pos.column, label,
				it->msg);
		else
			fprintf(f, "%s: %s: %s\n", path, label, it->msg);
		if (it->severity == LINT_WARNING)
			n++;
	}
	lint_done(&l);
	return n;
}
