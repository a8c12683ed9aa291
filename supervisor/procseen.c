/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>

#include "procseen.h"

/* FNV-1a: only ever compared with itself */
static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

bool proc_seen_note(struct proc_seen *s, pid_t pid, uint64_t start, const char *exe)
{
	uint32_t h = hash_str(exe);
	struct proc_seen_slot *slot;

	if (pid <= 0)
		return false;
	if (!s->slots && !(s->slots = calloc(PROC_SEEN_SLOTS, sizeof(*s->slots))))
		return true;
	slot = &s->slots[((uint32_t)pid * 2654435761u) % PROC_SEEN_SLOTS];
	if (slot->pid == pid && slot->start == start && slot->exe == h)
		return false;
	*slot = (struct proc_seen_slot){ .start = start, .pid = pid, .exe = h };
	return true;
}

void proc_seen_done(struct proc_seen *s)
{
	free(s->slots);
	*s = (struct proc_seen){ 0 };
}
