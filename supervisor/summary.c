/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "callgate/record.h"
#include "summary.h"

int summary_init(struct summary *s)
{
	*s = (struct summary){ 0 };
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		s->limit[a] = syscall_nr_limit((enum cg_arch)a);
		s->rows[a] = calloc((size_t)s->limit[a] + 1, sizeof(*s->rows[a]));
		if (!s->rows[a]) {
			summary_done(s);
			return -ENOMEM;
		}
	}
	return 0;
}

void summary_done(struct summary *s)
{
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		free(s->rows[a]);
		s->rows[a] = NULL;
	}
}

void summary_count(struct summary *s, enum cg_arch arch, int nr, const struct decision *d)
{
	int i = nr & ~(int)CG_X32_SYSCALL_BIT;
	struct summary_row *row;

	if (i < 0 || i >= s->limit[arch])
		i = s->limit[arch]; /* the "other" bucket */
	row = &s->rows[arch][i];
	row->calls++;
	/* audit's would-kill (a foreign ABI) is a would-be refusal too */
	if (d->logged == RECORD_WOULD_DENY || d->logged == RECORD_WOULD_KILL)
		row->would_deny++;
	else if (d->response == DECISION_CONTINUE || d->response == DECISION_DONE)
		row->allowed++;
	else
		row->denied++;
}

void summary_print(const struct summary *s, int fd)
{
	struct summary_row total = { 0 };
	FILE *f = fdopen(dup(fd), "w");

	if (!f)
		return;
	fprintf(f, "%-24s %10s %10s %10s %10s\n", "syscall", "calls", "allowed", "denied",
		"would-deny");
	fprintf(f, "%-24s %10s %10s %10s %10s\n", "------------------------", "----------",
		"----------", "----------", "----------");
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		for (int i = 0; s->rows[a] && i <= s->limit[a]; i++) {
			const struct summary_row *r = &s->rows[a][i];
			const char *name =
				i < s->limit[a]
					? syscall_name((enum cg_arch)a,
						       i | (a == CG_ARCH_X32
								    ? (int)CG_X32_SYSCALL_BIT
								    : 0))
					: NULL;
			char label[64];

			if (!r->calls)
				continue;
			snprintf(label, sizeof(label), "%s%s%s", name ? name : "(other)",
				 a == CG_ARCH_X86_64 ? "" : "/",
				 a == CG_ARCH_X86_64 ? "" : arch_to_string((enum cg_arch)a));
			fprintf(f, "%-24s %10llu %10llu %10llu %10llu\n", label,
				(unsigned long long)r->calls, (unsigned long long)r->allowed,
				(unsigned long long)r->denied, (unsigned long long)r->would_deny);
			total.calls += r->calls;
			total.allowed += r->allowed;
			total.denied += r->denied;
			total.would_deny += r->would_deny;
		}
	}
	fprintf(f, "%-24s %10s %10s %10s %10s\n", "------------------------", "----------",
		"----------", "----------", "----------");
	fprintf(f, "%-24s %10llu %10llu %10llu %10llu\n", "total", (unsigned long long)total.calls,
		(unsigned long long)total.allowed, (unsigned long long)total.denied,
		(unsigned long long)total.would_deny);
	fprintf(f, "(calls the kernel decided alone are not counted)\n");
	fclose(f);
}
