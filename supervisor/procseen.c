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

static struct proc_seen_slot *slot_of(struct proc_seen_slot *slots, size_t size, pid_t pid)
{
	size_t i = ((uint32_t)pid * 2654435761u) & (size - 1);

	while (slots[i].pid && slots[i].pid != pid)
		i = (i + 1) & (size - 1);
	return &slots[i];
}

/* Twice the room (at most half full after). */
static int grow(struct proc_seen *s)
{
	size_t size = s->size ? s->size * 2 : 64;
	struct proc_seen_slot *slots = calloc(size, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t i = 0; i < s->size; i++)
		if (s->slots[i].pid)
			*slot_of(slots, size, s->slots[i].pid) = s->slots[i];
	free(s->slots);
	s->slots = slots;
	s->size = size;
	return 0;
}

bool proc_seen_note(struct proc_seen *s, pid_t pid, const char *exe)
{
	uint32_t h = hash_str(exe);
	struct proc_seen_slot *slot;

	if (pid <= 0)
		return false;
	if ((s->used + 1) * 2 > s->size && grow(s) < 0) {
		if (!s->size)
			return true;
		slot = slot_of(s->slots, s->size, pid);
		/* full to the last slot: news, and nothing kept */
		if (!slot->pid && s->used + 1 >= s->size)
			return true;
	} else {
		slot = slot_of(s->slots, s->size, pid);
	}
	if (slot->pid == pid && slot->exe == h)
		return false;
	if (!slot->pid)
		s->used++;
	slot->pid = pid;
	slot->exe = h;
	return true;
}

void proc_seen_done(struct proc_seen *s)
{
	free(s->slots);
	*s = (struct proc_seen){ 0 };
}
