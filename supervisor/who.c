/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "procmem.h"
#include "who.h"

static void who_drop(struct who *w)
{
	if (w->dir >= 0)
		close(w->dir);
	*w = (struct who){ .dir = -1 };
}

/*
 * Who made the call, for the record.  /proc/TID/status costs more than a
 * round trip to read, so a thread's group id and comm are kept: a caller
 * seen lately costs one system call, its exe link read through its /proc
 * directory kept open, which fails once that very thread is gone (its
 * number may be another's by now) and shows an execve by a changed link.
 * A comm the thread changed itself (prctl, /proc/self/comm) shows once it
 * runs another executable or leaves the cache.
 */
void who_describe(struct who_cache *s, pid_t tid, struct record *rec)
{
	struct who *w = &s->who[(unsigned)tid % WHO_MAX];
	ssize_t n;
	pid_t tgid;
	int dir;

	rec->tid = tid;
	rec->pid = 0; /* unknown until read: "pid": null */
	rec->comm = NULL;
	rec->exe = NULL;
	if (w->tid == tid && w->dir >= 0) {
		n = proc_exe(w->dir, s->exe, sizeof(s->exe));
		if (n >= 0 && strcmp(w->exe, s->exe) == 0) {
			rec->pid = w->tgid;
			rec->comm = w->comm;
			rec->exe = s->exe;
			return;
		}
	}
	who_drop(w);
	dir = proc_dir_open(tid);
	if (dir < 0)
		return;
	n = proc_exe(dir, s->exe, sizeof(s->exe));
	tgid = proc_describe(dir, s->comm, sizeof(s->comm));
	rec->exe = n >= 0 ? s->exe : NULL;
	if (tgid > 0) {
		rec->pid = tgid;
		rec->comm = s->comm;
	}
	if (tgid <= 0 || n < 0 || (size_t)n >= sizeof(w->exe)) {
		close(dir);
		return;
	}
	w->dir = dir;
	w->tid = tid;
	w->tgid = tgid;
	snprintf(w->comm, sizeof(w->comm), "%s", s->comm);
	memcpy(w->exe, s->exe, (size_t)n + 1);
}

void who_cache_init(struct who_cache *c)
{
	for (int i = 0; i < WHO_MAX; i++)
		c->who[i] = (struct who){ .dir = -1 };
}

void who_cache_done(struct who_cache *c)
{
	for (int i = 0; i < WHO_MAX; i++)
		who_drop(&c->who[i]);
}
