/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "procmem.h"
#include "who.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

/*
 * Who made the call, for the record.  /proc/TID/status costs more than a
 * round trip to read, so a thread's group id, comm and exe are kept for
 * the callers seen lately, and a caller found there is checked, not read
 * again:
 *
 * - When every call that changes who a caller is goes by the supervisor
 *   (execve, execveat, prctl: exec_seen), the check is that the thread
 *   lives, by a pidfd taken before its /proc entries were read: a pidfd
 *   is of a thread, not of a number, so a number given to another thread
 *   since fails it (ESRCH).  A call that changes who its caller is marks
 *   the caller's group until it is over (who_changing()): nothing read of
 *   the group meanwhile is kept.
 * - Else (or for a thread that leads no group, before 6.9: no pidfd) its
 *   exe link, read through its /proc directory kept open, which fails once
 *   that very thread is gone and shows an exec by a changed link: one
 *   system call, with a path walk.
 *
 * A comm the thread changed itself through /proc/self/comm (or a thread
 * of its group through /proc/TID/comm) shows once it runs another
 * executable or leaves the cache.
 */

static void who_drop(struct who *w)
{
	if (w->dir >= 0)
		close(w->dir);
	if (w->pidfd >= 0)
		close(w->pidfd);
	*w = (struct who){ .dir = -1, .pidfd = -1 };
}

static void forget_group(struct who_cache *s, pid_t tgid)
{
	for (int i = 0; i < WHO_MAX; i++)
		if (s->who[i].tid && s->who[i].tgid == tgid)
			who_drop(&s->who[i]);
}

/* Whether thread @tid no longer has its number in group @tgid: it is dead,
 * or it ran an exec that took the group's number (de_thread). */
static bool thread_gone(pid_t tgid, pid_t tid)
{
	return syscall(SYS_tgkill, tgid, tid, 0) < 0 && errno == ESRCH;
}

/* Whether the thread of @w's pidfd lives (signal 0 sends nothing). */
static bool who_alive(const struct who *w)
{
	return syscall(SYS_pidfd_send_signal, w->pidfd, 0, NULL, 0) == 0 || errno == EPERM;
}

/*
 * A pidfd of thread @tid (6.9), of its group when @tid leads one (before
 * 6.9: others have none), or -1.  Taken before /proc/TID is read, so that
 * it is of the thread read, or of one gone already.
 */
static int pidfd_of(pid_t tid)
{
	int fd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);

	if (fd < 0 && errno == EINVAL)
		fd = (int)syscall(SYS_pidfd_open, tid, 0);
	return fd;
}

/*
 * The marks that concern call @id of thread @tid, settled.  A mark is over
 * when its caller calls again (the call it marked has returned, whatever
 * it did), or when its caller, not its group's leader, no longer has its
 * number (an exec past de_thread, or death).  Returns whether what is read
 * for this call may be kept: not while a mark of its thread or of the
 * number of its group stands (that number is the exec's caller's after
 * de_thread), nor in the call that finds an exec past de_thread (it may
 * be the old leader's, received before its death).  Other threads of a
 * marked group are read and kept as usual: the group's entries are
 * forgotten when the mark is set and again when it ends.
 */
static bool settle(struct who_cache *s, pid_t tid, uint64_t id)
{
	bool keep = true;

	for (int i = 0; i < WHO_MARKS_MAX; i++) {
		struct who_mark *m = &s->marks[i];

		if (!m->tgid || (m->tid != tid && m->tgid != tid))
			continue;
		if (m->tid == tid && m->id != id) {
			forget_group(s, m->tgid);
			*m = (struct who_mark){ 0 };
			continue;
		}
		keep = false;
		if (m->tid != m->tgid && thread_gone(m->tgid, m->tid)) {
			forget_group(s, m->tgid);
			*m = (struct who_mark){ 0 };
		}
	}
	return keep;
}

void who_changing(struct who_cache *s, pid_t tid, uint64_t id)
{
	struct who *w = &s->who[(unsigned)tid % WHO_MAX];
	pid_t tgid = 0;

	if (!s->exec_seen)
		return;
	if (w->tid == tid) {
		tgid = w->tgid;
	} else {
		int dir = proc_dir_open(tid);

		if (dir >= 0) {
			struct proc_ids ids;
			char comm[64];

			tgid = proc_describe_ids(dir, comm, sizeof(comm), &ids);
			close(dir);
		}
	}
	if (tgid <= 0)
		return; /* gone: the call will not run */
	forget_group(s, tgid);
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < WHO_MARKS_MAX; i++) {
			struct who_mark *m = &s->marks[i];

			if (pass == 1 && m->tgid && thread_gone(m->tgid, m->tid)) {
				forget_group(s, m->tgid);
				*m = (struct who_mark){ 0 };
			}
			if (!m->tgid) {
				*m = (struct who_mark){ .tgid = tgid, .tid = tid, .id = id };
				return;
			}
		}
	}
	/* more in flight at once than marks: the exe link at every call,
	 * from now on */
	s->exec_seen = false;
	for (int i = 0; i < WHO_MAX; i++)
		who_drop(&s->who[i]);
}

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

/* @w, found for @tid: whether it still describes it (@rec then set). */
static bool who_hit(struct who_cache *s, struct who *w, struct record *rec)
{
	const char *exe = w->exe;

	if (w->pidfd >= 0) {
		if (!who_alive(w))
			return false;
	} else {
		ssize_t n = proc_exe(w->dir, s->exe, sizeof(s->exe));

		if (n < 0 || strcmp(w->exe, s->exe) != 0)
			return false;
		exe = s->exe;
	}
	rec->pid = w->tgid;
	rec->comm = w->comm;
	rec->exe = exe;
	return true;
}

void who_describe(struct who_cache *s, pid_t tid, uint64_t id, struct record *rec)
{
	struct who *w = &s->who[(unsigned)tid % WHO_MAX];
	bool keep = !s->exec_seen || settle(s, tid, id);
	struct proc_ids ids;
	int dir, pidfd = -1;
	ssize_t n;
	pid_t tgid;

	s->new_process = false;

	rec->tid = tid;
	rec->pid = 0; /* unknown until read: "pid": null */
	rec->comm = NULL;
	rec->exe = NULL;
	/* settle() may have forgotten it */
	if (keep && w->tid == tid && who_hit(s, w, rec))
		return;
	who_drop(w);
	if (keep && s->exec_seen)
		pidfd = pidfd_of(tid);
	dir = proc_dir_open(tid);
	if (dir < 0)
		goto out;
	n = proc_exe(dir, s->exe, sizeof(s->exe));
	tgid = proc_describe_ids(dir, s->comm, sizeof(s->comm), &ids);
	rec->exe = n >= 0 ? s->exe : NULL;
	if (tgid > 0) {
		rec->pid = tgid;
		rec->comm = s->comm;
		notice(s, dir, tgid, &ids, rec);
	}
	if (!keep || tgid <= 0 || n < 0 || (size_t)n >= sizeof(w->exe))
		goto out;
	*w = (struct who){ .tid = tid, .tgid = tgid, .dir = -1, .pidfd = -1 };
	if (pidfd >= 0) {
		w->pidfd = pidfd;
		pidfd = -1;
	} else {
		w->dir = dir;
		dir = -1;
	}
	snprintf(w->comm, sizeof(w->comm), "%s", s->comm);
	memcpy(w->exe, s->exe, (size_t)n + 1);
out:
	if (dir >= 0)
		close(dir);
	if (pidfd >= 0)
		close(pidfd);
}

void who_cache_init(struct who_cache *c)
{
	for (int i = 0; i < WHO_MAX; i++)
		c->who[i] = (struct who){ .dir = -1, .pidfd = -1 };
	for (int i = 0; i < WHO_MARKS_MAX; i++)
		c->marks[i] = (struct who_mark){ 0 };
	c->exec_seen = false;
	c->seen = (struct proc_seen){ 0 };
	c->new_process = false;
}

void who_cache_done(struct who_cache *c)
{
	for (int i = 0; i < WHO_MAX; i++)
		who_drop(&c->who[i]);
	proc_seen_done(&c->seen);
}
