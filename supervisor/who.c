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
/* A process record for @tgid, when it is news (procseen.h). */
static void notice(struct who_cache *s, int dir, pid_t tgid, const struct proc_ids *ids,
		   const struct record *rec)
{
	struct record_process *p = &s->process;
	ssize_t n;
	bool cut;

	if (!proc_seen_note(&s->seen, tgid, proc_start_time(dir), rec->exe))
		return;
	n = proc_cmdline(dir, s->cmdline, sizeof(s->cmdline), &cut);
	*p = (struct record_process){
		.pid = tgid,
		.ppid = ids->ppid,
		.uid = ids->uid,
		.euid = ids->euid,
		.gid = ids->gid,
		.egid = ids->egid,
		.comm = rec->comm,
		.exe = rec->exe,
		.cmdline = n >= 0 ? s->cmdline : NULL,
		.cmdline_len = n >= 0 ? (size_t)n : 0,
		.cmdline_cut = n >= 0 && cut,
	};
	s->new_process = true;
}

const struct record_process *who_new_process(const struct who_cache *c)
{
	return c->new_process ? &c->process : NULL;
}

void who_describe(struct who_cache *s, pid_t tid, struct record *rec)
{
	struct who *w = &s->who[(unsigned)tid % WHO_MAX];
	struct proc_ids ids;
	ssize_t n;
	pid_t tgid;
	int dir;

	s->new_process = false;

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
	tgid = proc_describe_ids(dir, s->comm, sizeof(s->comm), &ids);
	rec->exe = n >= 0 ? s->exe : NULL;
	if (tgid > 0) {
		rec->pid = tgid;
		rec->comm = s->comm;
		notice(s, dir, tgid, &ids, rec);
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
	c->seen = (struct proc_seen){ 0 };
	c->new_process = false;
}

void who_cache_done(struct who_cache *c)
{
	for (int i = 0; i < WHO_MAX; i++)
		who_drop(&c->who[i]);
	proc_seen_done(&c->seen);
}
